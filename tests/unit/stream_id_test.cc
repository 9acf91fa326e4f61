// Stream ids (core/data/stream_id.h): stored bytes sort as ids do, Redis'
// parsing (with its strtoull leniency), and ids generated in different
// regions never collide while each region's keep rising.
#include "core/data/stream_id.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

namespace meridian {
namespace {

using stream::Id;

rc::Gen<Id> any_id() {
  return rc::gen::build<Id>(rc::gen::set(&Id::ms, rc::gen::oneOf(rc::gen::inRange<uint64_t>(0, 5),
                                                                 rc::gen::arbitrary<uint64_t>())),
                            rc::gen::set(&Id::seq, rc::gen::oneOf(rc::gen::inRange<uint64_t>(0, 5),
                                                                  rc::gen::arbitrary<uint64_t>())));
}

RC_GTEST_PROP(StreamId, BytesSortAsIdsAndDecodeBack, ()) {
  const Id a = *any_id(), b = *any_id();
  RC_ASSERT(stream::decode(stream::encode(a)) == a);
  RC_ASSERT((stream::encode(a) < stream::encode(b)) == (a < b));
  RC_ASSERT(stream::parse(stream::format(a), 0) == a);
}

RC_GTEST_PROP(StreamId, RegionsNeverMakeTheSameIdAndEachRises, ()) {
  // Two regions, each from its own view of the stream's last id.
  const uint32_t r1 = *rc::gen::inRange<uint32_t>(1, 65536);
  const uint32_t r2 = *rc::gen::distinctFrom(rc::gen::inRange<uint32_t>(1, 65536), r1);
  Id last1 = *any_id(), last2 = *any_id();
  const uint64_t now = *rc::gen::inRange<uint64_t>(0, 10);
  for (int i = 0; i < 5; ++i) {
    auto a = stream::generate(last1, now, r1);
    auto b = stream::generate(last2, now, r2);
    if (a) {
      RC_ASSERT(last1 < *a);
      RC_ASSERT(a->seq % stream::kRegionSlots == r1);
      last1 = *a;
    }
    if (b) {
      RC_ASSERT(last2 < *b);
      RC_ASSERT(b->seq % stream::kRegionSlots == r2);
      last2 = *b;
    }
    if (a && b) RC_ASSERT(*a != *b);
  }
}

TEST(StreamId, GeneratesRedisIdsInOneRegion) {
  EXPECT_EQ(stream::generate(Id{5, 3}, 9, 0), (Id{9, 0}));
  EXPECT_EQ(stream::generate(Id{5, 3}, 4, 0), (Id{5, 4}));     // the clock went back
  EXPECT_EQ(stream::generate(Id{5, 3}, 0, 0, 5), (Id{5, 4}));  // XADD 5-*
  EXPECT_EQ(stream::generate(Id{5, 3}, 0, 0, 7), (Id{7, 0}));
  EXPECT_EQ(stream::generate(Id{5, 3}, 0, 0, 4), std::nullopt);
  EXPECT_EQ(stream::generate(Id{5, UINT64_MAX}, 0, 0, 5), std::nullopt);
  EXPECT_EQ(stream::generate(stream::kMaxId, 0, 0), std::nullopt);
}

TEST(StreamId, GeneratesRegionIdsInAMultiRegionCluster) {
  EXPECT_EQ(stream::generate(Id{5, 3}, 9, 7), (Id{9, 7}));
  EXPECT_EQ(stream::generate(Id{9, 7}, 9, 7), (Id{9, 100007}));
  EXPECT_EQ(stream::generate(Id{9, 100004}, 9, 7), (Id{9, 200007}));
  EXPECT_EQ(stream::generate(Id{9, 3}, 0, 2, 9), (Id{9, 100002}));
  // no sequence of the region left in that millisecond: the next one
  EXPECT_EQ(stream::generate(Id{9, UINT64_MAX - 3}, 9, 2), (Id{10, 2}));
}

TEST(StreamId, ParsesAsRedis) {
  bool seq_given = true;
  EXPECT_EQ(stream::parse("-", 0), stream::kMinId);
  EXPECT_EQ(stream::parse("+", 0), stream::kMaxId);
  EXPECT_EQ(stream::parse("5", 7), (Id{5, 7}));
  EXPECT_EQ(stream::parse("5-*", 0, &seq_given), (Id{5, 0}));
  EXPECT_FALSE(seq_given);
  EXPECT_EQ(stream::parse("5-*", 0), std::nullopt);  // only where XADD allows it
  // Redis falls back to strtoull: white space, signs, zeros, wrap-around
  EXPECT_EQ(stream::parse(" 2", 0), (Id{2, 0}));
  EXPECT_EQ(stream::parse("+1-+1", 0), (Id{1, 1}));
  EXPECT_EQ(stream::parse("007-04", 0), (Id{7, 4}));
  EXPECT_EQ(stream::parse("7--01", 0), (Id{7, UINT64_MAX}));
  EXPECT_EQ(stream::parse("8--1", 0), std::nullopt);
  EXPECT_EQ(stream::parse("-0", 0), std::nullopt);
  EXPECT_EQ(stream::parse("", 0), std::nullopt);
  EXPECT_EQ(stream::parse("1x", 0), std::nullopt);
  EXPECT_EQ(stream::parse("18446744073709551616", 0), std::nullopt);
  EXPECT_EQ(stream::parse(std::string(127, '0') + "9", 0), std::nullopt);  // over 127 bytes
  EXPECT_EQ(stream::parse(std::string(126, '0') + "9", 0), (Id{9, 0}));
}

}  // namespace
}  // namespace meridian
