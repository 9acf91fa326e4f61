// Positions of list elements (core/data/list_position.h): a new position
// lies strictly between its neighbours whatever the history, positions made
// concurrently by different regions at the same place are distinct and
// ordered the same everywhere, and pushes at the ends stay short.
#include "core/data/list_position.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <set>
#include <string>
#include <vector>

namespace meridian {
namespace {

using list_position::between;

RC_GTEST_PROP(ListPosition, AnInsertLandsStrictlyBetweenItsNeighbours, ()) {
  // A list built by inserts at random places from random regions; each
  // (region, counter) is used once, as the commands do.
  std::vector<std::string> list;
  const auto steps = *rc::gen::container<std::vector<std::pair<int, int>>>(
      rc::gen::pair(rc::gen::inRange(0, 1000), rc::gen::inRange(1, 4)));
  uint64_t counter = 0;
  for (const auto& [where, region] : steps) {
    size_t at = list.empty() ? 0 : static_cast<size_t>(where) % (list.size() + 1);
    std::string lo = at == 0 ? "" : list[at - 1];
    std::string hi = at == list.size() ? "" : list[at];
    std::string p = between(lo, hi, static_cast<uint32_t>(region), ++counter);
    RC_ASSERT(list_position::valid(p));
    if (!lo.empty()) RC_ASSERT(lo < p);
    if (!hi.empty()) RC_ASSERT(p < hi);
    list.insert(list.begin() + static_cast<std::ptrdiff_t>(at), p);
  }
  RC_ASSERT(std::is_sorted(list.begin(), list.end()));
  RC_ASSERT(std::set<std::string>(list.begin(), list.end()).size() == list.size());
}

RC_GTEST_PROP(ListPosition, ConcurrentInsertsAtOnePlaceAreDistinctAndBetween, ()) {
  // Regions that have not seen each other's writes insert between the same
  // neighbours: every position is new and between them, so merging the
  // lists keeps each element, in one order (byte order) everywhere.
  std::string lo = *rc::gen::element<std::string>("", between("", "", 1, 1));
  std::string hi = lo.empty() ? "" : between(lo, "", 2, 2);
  std::set<std::string> made;
  const int regions = *rc::gen::inRange(2, 6);
  for (int r = 1; r <= regions; ++r) {
    std::string p = between(lo, hi, static_cast<uint32_t>(r), 7);
    if (!lo.empty()) RC_ASSERT(lo < p);
    if (!hi.empty()) RC_ASSERT(p < hi);
    RC_ASSERT(made.insert(p).second);
  }
}

TEST(ListPosition, PushesAtTheEndsStayOneTripleLong) {
  std::string first = between("", "", 1, 1), last = first;
  for (uint64_t i = 0; i < 10000; ++i) {
    last = between(last, "", 1 + i % 3, 100 + i);
    first = between("", first, 1 + i % 3, 100000 + i);
  }
  EXPECT_EQ(last.size(), list_position::kTripleBytes);
  EXPECT_EQ(first.size(), list_position::kTripleBytes);
  EXPECT_LT(first, last);
}

TEST(ListPosition, RepeatedInsertsNextToOnePivotStayShort) {
  // LINSERT AFTER the same pivot, again and again: two triples, not one
  // more per insert.
  std::string pivot = between("", "", 1, 1);
  std::string next = between(pivot, "", 1, 2);
  std::string after = next;
  for (uint64_t i = 0; i < 1000; ++i) {
    after = between(pivot, after, 2, 10 + i);
    ASSERT_LT(pivot, after);
  }
  EXPECT_LE(after.size(), 2 * list_position::kTripleBytes);
}

}  // namespace
}  // namespace meridian
