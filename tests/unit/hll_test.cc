// HyperLogLog (core/data/hyperloglog.h, hll_store.h): Redis' hash and
// estimator against answers taken from redis-server 7.0, and the laws that
// let regions merge registers: a register is a multi-value cell read as the
// maximum of its live raises, and its merge is commutative, associative and
// idempotent and reads as the maximum of what each side read (max-merge),
// so no raise made anywhere is ever lost. Deltas equal states for
// HyperLogLogs in delta_test.cc (random_write), like every other type.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <string>
#include <tuple>
#include <vector>

#include "core/data/hll_store.h"
#include "core/data/hyperloglog.h"

namespace meridian::hll {
namespace {

// ------------------------------------------------------------- the algorithm

// Register and rank of single elements, from PFDEBUG GETREG on redis-server.
TEST(Hll, SlotsAreRedisOnes) {
  struct Known {
    std::string element;
    uint16_t index;
    uint8_t rank;
  };
  const Known known[] = {{"a", 12711, 2},
                         {"hello", 9216, 1},
                         {"", 5938, 2},
                         {"12345678", 10579, 3},
                         {"xyzxyzxyz-long-element-name", 11983, 2}};
  for (const auto& k : known) {
    Slot s = slot_of(k.element);
    EXPECT_EQ(s.index, k.index) << k.element;
    EXPECT_EQ(s.rank, k.rank) << k.element;
  }
}

Registers registers_of(const std::string& prefix, int n) {
  Registers regs{};
  for (int i = 0; i < n; ++i) {
    Slot s = slot_of(prefix + std::to_string(i));
    regs[s.index] = std::max(regs[s.index], s.rank);
  }
  return regs;
}

// PFADD h e0 ... e<n-1>; PFCOUNT h on redis-server 7.0.
TEST(Hll, EstimatesAreRedisOnes) {
  EXPECT_EQ(estimate(Registers{}), 0u);
  EXPECT_EQ(estimate(registers_of("e", 1)), 1u);
  EXPECT_EQ(estimate(registers_of("e", 100)), 100u);
  EXPECT_EQ(estimate(registers_of("e", 1000)), 1008u);
  EXPECT_EQ(estimate(registers_of("e", 5000)), 4968u);
  EXPECT_EQ(estimate(registers_of("e", 10000)), 9973u);
  EXPECT_EQ(estimate(registers_of("e", 200000)), 200859u);
}

TEST(Hll, RanksStayInRange) {
  for (int i = 0; i < 100000; ++i) {
    Slot s = slot_of("r" + std::to_string(i));
    ASSERT_GE(s.rank, 1);
    ASSERT_LE(s.rank, kMaxRank);
    ASSERT_LT(s.index, kRegisters);
  }
  // Every register saturated: the tau correction, no infinity or NaN.
  Registers full;
  full.fill(static_cast<uint8_t>(kMaxRank));
  EXPECT_GT(estimate(full), uint64_t{1} << 60);
}

TEST(Hll, RegisterNamesRoundTripAndSortInIndexOrder) {
  uint16_t i = 0;
  for (uint16_t index : {0, 1, 255, 256, 16383}) {
    ASSERT_TRUE(parse_register_name(register_name(index), &i));
    EXPECT_EQ(i, index);
  }
  EXPECT_LT(register_name(255), register_name(256));
  EXPECT_FALSE(parse_register_name(kEmptyMarker, &i));
  EXPECT_FALSE(parse_register_name(std::string("\x40\x00", 2), &i));  // 16384
  EXPECT_FALSE(parse_register_name("abc", &i));
}

// ------------------------------------------------------ registers across regions

// One region's copy of one register, with the dots it has seen.
struct Replica {
  crdt::Cell cell;
  VersionVector ctx;
};

Replica merged(Replica a, const Replica& b) {
  crdt::join(a.cell, a.ctx, b.cell, b.ctx);
  a.ctx.merge(b.ctx);
  return a;
}

// Random raises (as PFADD makes them: only above the current maximum),
// observed-remove deletes (`deletes`) and merges on three replicas; every
// state that occurred.
std::vector<Replica> history(const std::vector<std::tuple<int, int, int, int>>& steps,
                             bool deletes) {
  std::vector<Replica> replicas(3), seen;
  std::vector<uint64_t> seq(3, 0);
  for (const auto& [who_raw, op, other, rank_raw] : steps) {
    const int who = who_raw % 3;
    Replica& r = replicas[who];
    const auto self = static_cast<RegionId>(who + 1);
    const auto rank = static_cast<uint8_t>(1 + rank_raw % kMaxRank);
    if (op % 3 == 0) {
      r = merged(r, replicas[other % 3]);
    } else if (op % 3 == 1 || !deletes) {
      if (rank <= max_rank(r.cell)) continue;  // PFADD writes only a raise
      r.ctx.set(self, ++seq[who]);
      r.cell.assign(self, seq[who], Hlc::from(1000 + static_cast<int64_t>(seen.size()), 0),
                    rank_value(rank));
    } else {
      r.ctx.set(self, ++seq[who]);
      r.cell.remove();
    }
    seen.push_back(r);
  }
  return seen;
}

auto gen_steps() {
  return rc::gen::container<std::vector<std::tuple<int, int, int, int>>>(
      rc::gen::tuple(rc::gen::inRange(0, 100), rc::gen::inRange(0, 100), rc::gen::inRange(0, 100),
                     rc::gen::inRange(0, 100)));
}

RC_GTEST_PROP(HllRegisters, MergeIsCommutativeAssociativeAndIdempotent, ()) {
  auto seen = history(*gen_steps(), *rc::gen::arbitrary<bool>());
  RC_PRE(!seen.empty());
  auto pick = [&] { return seen[*rc::gen::inRange<size_t>(0, seen.size())]; };
  const Replica a = pick(), b = pick(), c = pick();
  RC_ASSERT(merged(a, b).cell == merged(b, a).cell);
  RC_ASSERT(merged(merged(a, b), c).cell == merged(a, merged(b, c)).cell);
  RC_ASSERT(merged(a, a).cell == a.cell);
  RC_ASSERT(merged(merged(a, b), b).cell == merged(a, b).cell);
}

// Without deletes a register reads as the maximum of the two sides: the
// merge of HyperLogLogs, and no raise is lost whatever the order.
RC_GTEST_PROP(HllRegisters, MergeReadsAsTheMaximum, ()) {
  auto seen = history(*gen_steps(), false);
  RC_PRE(!seen.empty());
  uint8_t highest = 0;
  Replica all;
  for (const auto& s : seen) {
    highest = std::max(highest, max_rank(s.cell));
    all = merged(all, s);
  }
  const Replica& a = seen[*rc::gen::inRange<size_t>(0, seen.size())];
  const Replica& b = seen[*rc::gen::inRange<size_t>(0, seen.size())];
  RC_ASSERT(max_rank(merged(a, b).cell) == std::max(max_rank(a.cell), max_rank(b.cell)));
  RC_ASSERT(max_rank(all.cell) == highest);
}

// A delete removes the raises it saw; a concurrent raise survives it.
TEST(HllRegisters, AConcurrentRaiseSurvivesADelete) {
  Replica a, b;
  a.ctx.set(1, 1);
  a.cell.assign(1, 1, Hlc::from(1000, 0), rank_value(5));
  b = merged(b, a);
  b.ctx.set(2, 1);
  b.cell.remove();  // b deletes the key, having seen rank 5
  a.ctx.set(1, 2);
  a.cell.assign(1, 2, Hlc::from(1001, 0), rank_value(7));  // a raises meanwhile
  EXPECT_EQ(max_rank(merged(a, b).cell), 7);
  EXPECT_EQ(max_rank(merged(b, a).cell), 7);
  Replica c;
  c.ctx.set(1, 1);
  c.cell.assign(1, 1, Hlc::from(1000, 0), rank_value(5));
  EXPECT_EQ(max_rank(merged(c, b).cell), 0);  // what the delete saw is gone
}

}  // namespace
}  // namespace meridian::hll
