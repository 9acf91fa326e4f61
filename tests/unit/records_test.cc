// The stored encoding and the pure helpers of the core: property tests with
// rapidcheck, plus Redis' exact number formats.
#include "core/data/records.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "core/base/glob.h"
#include "core/base/hlc.h"
#include "core/base/numbers.h"
#include "core/data/delta.h"
#include "core/region/keyspace_events.h"

namespace meridian {
namespace {

crdt::Cell random_cell() {
  crdt::Cell c;
  auto n = *rc::gen::inRange(0, 4);
  for (int i = 0; i < n; ++i) {
    crdt::Entry e;
    e.origin = static_cast<RegionId>(i + 1);
    e.seq = *rc::gen::inRange<uint64_t>(1, uint64_t{1} << 40);
    e.hlc = Hlc{*rc::gen::arbitrary<uint64_t>()};
    e.kind = static_cast<crdt::Entry::Kind>(*rc::gen::inRange(0, 4));
    e.value = *rc::gen::arbitrary<std::string>();
    e.parent = *rc::gen::element<uint64_t>(0, 7, UINT64_MAX);
    c.entries.push_back(e);
  }
  auto m = *rc::gen::inRange(0, 4);
  for (int i = 0; i < m; ++i) {
    crdt::CounterPart p;
    p.region = static_cast<RegionId>(i + 1);
    p.p = *rc::gen::inRange<uint64_t>(0, 1u << 30);
    p.n = *rc::gen::inRange<uint64_t>(0, 1u << 30);
    p.bp = *rc::gen::inRange<uint64_t>(0, p.p + 1);
    p.bn = *rc::gen::inRange<uint64_t>(0, p.n + 1);
    p.last = *rc::gen::inRange<uint64_t>(0, uint64_t{1} << 40);
    p.last_hlc = Hlc{*rc::gen::arbitrary<uint64_t>()};
    c.counter.push_back(p);
  }
  return c;
}

RC_GTEST_PROP(Records, KeyRecordRoundTrips, ()) {
  KeyRecord r;
  r.type = *rc::gen::element(ValueType::kString, ValueType::kSet, ValueType::kHash);
  r.flags = *rc::gen::inRange<uint8_t>(0, 8);
  r.hlc = Hlc{*rc::gen::arbitrary<uint64_t>()};
  r.origin = *rc::gen::inRange<uint32_t>(0, 65536);
  r.expire_at_ms = *rc::gen::inRange<int64_t>(0, INT64_MAX);
  r.generation = *rc::gen::arbitrary<uint64_t>();
  r.count = *rc::gen::arbitrary<uint64_t>();
  r.extra = *rc::gen::inRange<uint64_t>(0, 1000);
  auto entries = *rc::gen::container<std::map<uint32_t, uint64_t>>(
      rc::gen::inRange<uint32_t>(1, 100), rc::gen::arbitrary<uint64_t>());
  for (auto [k, v] : entries) r.vv.set(k, v);
  if (r.replicated()) {
    r.state.value = random_cell();
    r.state.expiry = random_cell();
    r.state.removed.set(*rc::gen::inRange<uint32_t>(1, 9), *rc::gen::arbitrary<uint64_t>());
    r.state.cleared = Version{Hlc{*rc::gen::arbitrary<uint64_t>()}, 3};
    r.state.note_write(ValueType::kSet, Version{Hlc{*rc::gen::arbitrary<uint64_t>()}, 2});
    r.state.note_write(ValueType::kString, Version{Hlc{*rc::gen::arbitrary<uint64_t>()}, 1});
  }
  r.payload = *rc::gen::arbitrary<std::string>();
  KeyRecord d;
  RC_ASSERT(d.decode(r.encode()));
  RC_ASSERT(d.type == r.type && d.flags == r.flags && d.hlc == r.hlc && d.origin == r.origin);
  RC_ASSERT(d.expire_at_ms == r.expire_at_ms && d.generation == r.generation && d.count == r.count);
  RC_ASSERT(d.extra == r.extra);
  RC_ASSERT(d.vv == r.vv && d.state == r.state && d.payload == r.payload);
}

// Keyspace notifications travel with a key's delta, after its fields.
TEST(Records, LogRecordsCarryKeyspaceEvents) {
  LogRecord rec;
  rec.origin = 2;
  rec.seq = 7;
  KeyDelta& d = rec.keys.emplace_back();
  d.key = "jobs";
  d.type = ValueType::kList;
  d.fields.push_back({"f", crdt::Cell{}, {}});
  d.events = {"llpop", "gdel"};
  rec.keys.emplace_back().key = "quiet";
  LogRecord back;
  ASSERT_TRUE(back.decode(rec.encode()));
  EXPECT_EQ(back, rec);
  // a stream of events that does not parse is refused, not half read
  std::string bytes = rec.encode();
  bytes.resize(bytes.size() - 3);
  EXPECT_FALSE(LogRecord{}.decode(bytes));
}

// notify-keyspace-events as Redis reads and prints it.
TEST(Records, KeyspaceEventClassesParseAndPrintAsRedis) {
  EXPECT_EQ(notify::format(*notify::parse("KEA")), "AKE");
  EXPECT_EQ(notify::format(*notify::parse("An")), "A");
  EXPECT_EQ(notify::format(*notify::parse("g$lshzxetdnKEm")), "AKEm");
  EXPECT_EQ(notify::format(*notify::parse("Elz")), "lzE");
  EXPECT_EQ(notify::format(*notify::parse("")), "");
  EXPECT_FALSE(notify::parse("KQ").has_value());
}

RC_GTEST_PROP(Records, FieldRecordsRoundTripInBothForms, ()) {
  FieldRecord f;
  if (*rc::gen::arbitrary<bool>()) {
    f.flags =
        FieldRecord::kFlagCell | (*rc::gen::arbitrary<bool>() ? FieldRecord::kFlagTombstone : 0);
    f.type = *rc::gen::element(ValueType::kSet, ValueType::kHash);
    f.cell = random_cell();
    FieldRecord d;
    RC_ASSERT(d.decode(f.encode()));
    RC_ASSERT(d.flags == f.flags && d.type == f.type && d.cell == f.cell);
  } else {
    f.hlc = Hlc{*rc::gen::arbitrary<uint64_t>()};
    f.origin = *rc::gen::inRange<uint32_t>(0, 65536);
    f.seq = *rc::gen::arbitrary<uint64_t>();
    f.value = *rc::gen::arbitrary<std::string>();
    FieldRecord d;
    RC_ASSERT(d.decode(f.encode()));
    RC_ASSERT(d.hlc == f.hlc && d.origin == f.origin && d.seq == f.seq && d.value == f.value);
  }
}

RC_GTEST_PROP(Records, TruncatedRecordsAreRejectedNotMisread, ()) {
  KeyRecord r;
  r.type = ValueType::kHash;
  r.vv.set(3, 99);
  r.flags = KeyRecord::kFlagReplicated;
  r.state.note_write(ValueType::kHash, Version{Hlc{77}, 3});
  std::string bytes = r.encode();
  size_t cut = *rc::gen::inRange<size_t>(0, bytes.size() - 1);  // payload is empty
  KeyRecord d;
  RC_ASSERT(!d.decode(std::string_view(bytes).substr(0, cut)));
}

RC_GTEST_PROP(Records, FieldKeysOfOneGenerationShareAPrefixOthersDoNot, ()) {
  auto key = *rc::gen::arbitrary<std::string>();
  auto field = *rc::gen::arbitrary<std::string>();
  auto gen = *rc::gen::inRange<uint64_t>(0, UINT64_MAX - 1);
  std::string prefix = layout::field_prefix(key, gen);
  std::string fk = layout::field_key(key, gen, field);
  RC_ASSERT(fk.compare(0, prefix.size(), prefix) == 0);
  RC_ASSERT(fk < layout::prefix_end(prefix));
  RC_ASSERT(layout::field_key(key, gen + 1, field).compare(0, prefix.size(), prefix) != 0);
}

TEST(Records, ExpiryKeysSortByTime) {
  EXPECT_LT(layout::expiry_key(1000, "zzz"), layout::expiry_key(1001, "aaa"));
  int64_t at;
  std::string_view key;
  const std::string encoded = layout::expiry_key(77, "k");  // `key` points into it
  ASSERT_TRUE(layout::parse_expiry_key(encoded, &at, &key));
  EXPECT_EQ(at, 77);
  EXPECT_EQ(key, "k");
}

TEST(VersionVector, MergeAndDominance) {
  VersionVector a, b;
  a.set(1, 5);
  b.set(2, 3);
  EXPECT_FALSE(a.dominates(b));
  a.merge(b);
  EXPECT_TRUE(a.dominates(b));
  EXPECT_EQ(a.get(1), 5u);
  EXPECT_EQ(a.get(2), 3u);
}

TEST(Hlc, MonotonicEvenWhenTheClockGoesBack) {
  HlcClock c;
  Hlc a = c.tick(1000);
  Hlc b = c.tick(900);  // clock stepped back
  Hlc d = c.tick(1000);
  EXPECT_LT(a, b);
  EXPECT_LT(b, d);
  c.observe(Hlc::from(5000, 3));
  EXPECT_GT(c.tick(1000), Hlc::from(5000, 3));
}

TEST(Numbers, RedisIntegerRules) {
  EXPECT_EQ(parse_int64("0"), 0);
  EXPECT_EQ(parse_int64("-9223372036854775808"), INT64_MIN);
  EXPECT_FALSE(parse_int64("9223372036854775808"));
  EXPECT_FALSE(parse_int64("01"));
  EXPECT_FALSE(parse_int64("+1"));
  EXPECT_FALSE(parse_int64(" 1"));
  EXPECT_FALSE(parse_int64("-0"));
  EXPECT_FALSE(parse_int64(""));
}

TEST(Numbers, RedisFloatFormat) {
  EXPECT_EQ(format_long_double(10.5L), "10.5");
  EXPECT_EQ(format_long_double(3.0L), "3");
  EXPECT_EQ(format_long_double(-0.0L), "0");
  EXPECT_EQ(format_long_double(5.0e3L), "5000");
  EXPECT_FALSE(parse_long_double("nan"));
  EXPECT_FALSE(parse_long_double(" 1"));
  EXPECT_TRUE(parse_long_double("1e10"));
}

TEST(Glob, RedisPatterns) {
  EXPECT_TRUE(glob_match("*", "anything"));
  EXPECT_TRUE(glob_match("h?llo", "hello"));
  EXPECT_TRUE(glob_match("h[ae]llo", "hallo"));
  EXPECT_FALSE(glob_match("h[^e]llo", "hello"));
  EXPECT_TRUE(glob_match("h[a-b]llo", "hbllo"));
  EXPECT_TRUE(glob_match("h\\*llo", "h*llo"));
  EXPECT_FALSE(glob_match("h\\*llo", "hello"));
  EXPECT_TRUE(glob_match("user:*:name", "user:42:name"));
  EXPECT_FALSE(glob_match("a*b", "acd"));
}

}  // namespace
}  // namespace meridian
