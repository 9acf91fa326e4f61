// Properties of the CRDT cell (src/core/crdt/cell.h) that make regions agree:
// merge is commutative, associative and idempotent on states reachable by
// real operations, and replicas that receive every state in any order, with
// duplicates, end identical. Plus the semantics users rely on: counters
// never lose an increment, add wins over a concurrent remove, a remove wins
// over what it observed, and each policy's winner.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>

#include "core/crdt/cell.h"

namespace meridian::crdt {
namespace {

// A cell with the context it has seen, as one region holds it.
struct Replica {
  Cell cell;
  VersionVector ctx;
};

Replica merged(Replica a, const Replica& b) {
  join(a.cell, a.ctx, b.cell, b.ctx);
  a.ctx.merge(b.ctx);
  return a;
}

bool same(const Replica& a, const Replica& b) {
  return a.cell == b.cell;
}

// Runs a random history on `n` replicas (operations and merges) and returns
// every state that occurred, for the laws below.
struct History {
  std::vector<Replica> replicas;
  std::vector<Replica> seen;  // every state after every step
  std::vector<uint64_t> seq;
};

enum Op : int { kAssign, kIncrement, kRemove, kMerge };

History run(int n, const std::vector<std::tuple<int, int, int, int>>& steps) {
  History h;
  h.replicas.resize(n);
  h.seq.assign(n, 0);
  for (const auto& [who_raw, op_raw, other_raw, arg] : steps) {
    int who = who_raw % n;
    auto op = static_cast<Op>(op_raw % 4);
    RegionId self = static_cast<RegionId>(who + 1);
    Replica& r = h.replicas[who];
    Hlc hlc = Hlc::from(1000 + static_cast<int64_t>(h.seen.size()), 0);
    if (op == kMerge) {
      r = merged(r, h.replicas[other_raw % n]);
    } else {
      uint64_t s = ++h.seq[who];
      r.ctx.set(self, s);
      if (op == kAssign) r.cell.assign(self, s, hlc, "v" + std::to_string(arg % 5));
      if (op == kIncrement) r.cell.increment(self, s, hlc, arg % 7 - 3);
      if (op == kRemove) r.cell.remove();
    }
    h.seen.push_back(r);
  }
  return h;
}

auto gen_steps() {
  return rc::gen::container<std::vector<std::tuple<int, int, int, int>>>(
      rc::gen::tuple(rc::gen::inRange(0, 100), rc::gen::inRange(0, 100), rc::gen::inRange(0, 100),
                     rc::gen::inRange(0, 100)));
}

RC_GTEST_PROP(Crdt, MergeIsCommutativeAssociativeAndIdempotent, ()) {
  History h = run(3, *gen_steps());
  RC_PRE(!h.seen.empty());
  const auto& a = h.seen[*rc::gen::inRange<size_t>(0, h.seen.size())];
  const auto& b = h.seen[*rc::gen::inRange<size_t>(0, h.seen.size())];
  const auto& c = h.seen[*rc::gen::inRange<size_t>(0, h.seen.size())];
  RC_ASSERT(same(merged(a, b), merged(b, a)));
  RC_ASSERT(same(merged(merged(a, b), c), merged(a, merged(b, c))));
  RC_ASSERT(same(merged(a, a), a));
  RC_ASSERT(same(merged(merged(a, b), b), merged(a, b)));
}

RC_GTEST_PROP(Crdt, ReplicasConvergeUnderAnyDeliveryOrderWithDuplicates, ()) {
  History h = run(3, *gen_steps());
  // Every state ever produced is delivered to three fresh replicas, each in
  // its own order and with some states twice.
  std::vector<Replica> out(3);
  for (auto& r : out) {
    std::vector<size_t> order;
    for (size_t i = 0; i < h.seen.size(); ++i) {
      order.push_back(i);                                    // each at least once
      if (*rc::gen::inRange(0, 4) == 0) order.push_back(i);  // some twice
    }
    for (size_t i = order.size(); i > 1; --i) {  // a random order (Fisher-Yates)
      std::swap(order[i - 1], order[*rc::gen::inRange<size_t>(0, i)]);
    }
    for (size_t i : order) {
      if (i < h.seen.size()) r = merged(r, h.seen[i]);
    }
  }
  RC_ASSERT(same(out[0], out[1]));
  RC_ASSERT(same(out[1], out[2]));
  // And they equal the merge of the final replicas.
  Replica all;
  for (const auto& r : h.replicas) all = merged(all, r);
  RC_ASSERT(same(out[0], all));
}

TEST(Crdt, ConcurrentIncrementsAllCount) {
  Replica us, eu;
  us.cell.increment(1, 1, Hlc::from(10, 0), 5);
  us.ctx.set(1, 1);
  eu.cell.increment(2, 1, Hlc::from(10, 0), 3);
  eu.ctx.set(2, 1);
  eu.cell.increment(2, 2, Hlc::from(11, 0), -1);
  eu.ctx.set(2, 2);
  EXPECT_EQ(merged(us, eu).cell.counter_value(), 7);
  EXPECT_EQ(merged(eu, us).cell.counter_value(), 7);
}

TEST(Crdt, DeleteRemovesOnlyTheIncrementsItSaw) {
  Replica a, b;
  a.cell.increment(1, 1, Hlc::from(10, 0), 5);
  a.ctx.set(1, 1);
  b = a;  // b has seen the 5
  b.cell.remove();
  b.ctx.set(2, 1);
  a.cell.increment(1, 2, Hlc::from(11, 0), 2);  // concurrent with the delete
  a.ctx.set(1, 2);
  Replica m = merged(a, b);
  EXPECT_TRUE(m.cell.present());  // the concurrent increment keeps it
  EXPECT_EQ(m.cell.counter_value(), 2);
}

TEST(Crdt, AddWinsOverAConcurrentRemoveButNotOverOneThatSawIt) {
  Replica a, b;
  a.cell.assign(1, 1, Hlc::from(10, 0), "");  // SADD
  a.ctx.set(1, 1);
  b = a;
  b.cell.remove();  // SREM that saw the add
  b.ctx.set(2, 1);
  EXPECT_FALSE(merged(a, b).cell.present());
  a.cell.assign(1, 2, Hlc::from(12, 0), "");  // a second SADD, concurrent with the SREM
  a.ctx.set(1, 2);
  EXPECT_TRUE(merged(a, b).cell.present());
  EXPECT_TRUE(merged(b, a).cell.present());
}

TEST(Crdt, EachPolicyPicksItsWinnerAmongConcurrentValues) {
  Replica us, eu, ap;
  us.cell.assign(1, 1, Hlc::from(100, 0), "us");  // earliest
  us.ctx.set(1, 1);
  eu.cell.assign(2, 1, Hlc::from(300, 0), "eu");  // latest
  eu.ctx.set(2, 1);
  ap.cell.assign(3, 1, Hlc::from(200, 0), "ap");
  ap.ctx.set(3, 1);
  Replica all = merged(merged(us, eu), ap);
  ASSERT_EQ(all.cell.entries.size(), 3u);  // every concurrent value is kept
  Resolver lww;
  Resolver fww;
  fww.policy = Policy::kFww;
  Resolver prio;
  prio.policy = Policy::kRegionPriority;
  prio.priority = {3, 1, 2};
  EXPECT_EQ(lww.winner(all.cell.entries)->value, "eu");
  EXPECT_EQ(fww.winner(all.cell.entries)->value, "us");
  EXPECT_EQ(prio.winner(all.cell.entries)->value, "ap");
  // A later write that saw them all replaces them all.
  Replica next = all;
  next.cell.assign(1, 2, Hlc::from(400, 0), "final");
  next.ctx.set(1, 2);
  EXPECT_EQ(merged(all, next).cell.entries.size(), 1u);
}

TEST(Crdt, AWriteWithAContextReplacesExactlyWhatItSaw) {
  Replica a, b;
  a.cell.assign(1, 1, Hlc::from(100, 0), "a");
  a.ctx.set(1, 1);
  b.cell.assign(2, 1, Hlc::from(101, 0), "b");
  b.ctx.set(2, 1);
  Replica both = merged(a, b);
  std::vector<Dot> seen;
  ASSERT_TRUE(parse_context(format_context(both.cell.entries), &seen));
  EXPECT_EQ(seen.size(), 2u);
  // Meanwhile another region writes c; the resolving write saw a and b only.
  Replica c;
  c.cell.assign(3, 1, Hlc::from(102, 0), "c");
  c.ctx.set(3, 1);
  Replica resolved = both;
  EXPECT_TRUE(resolved.cell.assign_over(1, 2, Hlc::from(103, 0), "a+b", seen));
  resolved.ctx.set(1, 2);
  // A retry of the same write adds nothing.
  EXPECT_FALSE(resolved.cell.assign_over(1, 3, Hlc::from(104, 0), "a+b", seen));
  Replica m = merged(resolved, c);
  std::vector<std::string> values;
  for (const auto& e : m.cell.entries) values.push_back(e.value);
  std::sort(values.begin(), values.end());
  EXPECT_EQ(values, (std::vector<std::string>{"a+b", "c"}));
}

TEST(Crdt, CellsSurviveEncoding) {
  Cell c;
  c.assign(1, 1, Hlc::from(5, 1), "x");
  c.increment(2, 4, Hlc::from(6, 0), -3);
  std::string bytes;
  c.encode(bytes);
  Cell d;
  std::string_view in = bytes;
  ASSERT_TRUE(d.decode(in));
  EXPECT_TRUE(in.empty());
  EXPECT_EQ(c, d);
}

}  // namespace
}  // namespace meridian::crdt
