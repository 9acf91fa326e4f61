// The sorted-set score index (core/data/score_index.h) against a plain
// ordered model: ranks, counts, scans from any position in both directions,
// and bucket counts that always add up, through inserts, removals and
// bucket splits.
#include "core/data/score_index.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <cmath>
#include <iterator>
#include <limits>
#include <set>
#include <string>
#include <vector>

#include "core/data/zset_score.h"
#include "storage/memory_storage.h"

namespace meridian {
namespace {

const std::string kPrefix = "P";

struct Model {
  MemoryStorage storage;
  ScoreIndex index{storage, 1 << 20};
  std::set<std::string> positions;  // the model: positions in order

  void add(double score, const std::string& m) {
    auto p = ScoreIndex::position(score, m);
    if (!positions.insert(p).second) return;  // the keyspace never adds twice
    index.add(kPrefix, score, m);
  }
  void remove(double score, const std::string& m) {
    if (positions.erase(ScoreIndex::position(score, m)) == 0) return;
    index.remove(kPrefix, score, m);
  }
  // Checks every query at position `pos` against the model.
  void check_at(const std::string& pos) {
    auto lb = positions.lower_bound(pos);
    const auto before = static_cast<uint64_t>(std::distance(positions.begin(), lb));
    RC_ASSERT(index.count_before(kPrefix, pos) == before);
    std::vector<std::string> fwd, rev;
    index.scan(kPrefix, pos, false, [&](double s, std::string_view m) {
      fwd.push_back(ScoreIndex::position(s, m));
      return fwd.size() < 3;
    });
    index.scan(kPrefix, pos, true, [&](double s, std::string_view m) {
      rev.push_back(ScoreIndex::position(s, m));
      return rev.size() < 3;
    });
    std::vector<std::string> want_fwd(
        lb, std::next(lb, std::min<ptrdiff_t>(3, std::distance(lb, positions.end()))));
    std::vector<std::string> want_rev;
    for (auto it = std::make_reverse_iterator(lb); it != positions.rend() && want_rev.size() < 3;
         ++it) {
      want_rev.push_back(*it);
    }
    RC_ASSERT(fwd == want_fwd);
    RC_ASSERT(rev == want_rev);
  }
  void check_all() {
    auto [entries, counted] = index.audit(kPrefix);
    RC_ASSERT(entries == positions.size());
    RC_ASSERT(counted);
    uint64_t r = 0;
    const uint64_t step = std::max<uint64_t>(1, positions.size() / 300);
    for (auto it = positions.begin(); it != positions.end(); ++it, ++r) {
      if (r % step != 0 && r + 1 != positions.size()) continue;
      RC_ASSERT(index.at_rank(kPrefix, r) == std::optional<std::string>(*it));
      check_at(*it);
    }
    RC_ASSERT(!index.at_rank(kPrefix, positions.size()).has_value());
  }
};

double score_of(int s) {
  switch (s % 23) {
    case 0:
      return std::numeric_limits<double>::infinity();
    case 1:
      return -std::numeric_limits<double>::infinity();
    case 2:
      return -0.0;
    case 3:
      return 1e-300;
    default:
      return static_cast<double>(s % 17) - 8.5 * (s % 2);
  }
}

RC_GTEST_PROP(ScoreIndex, AgreesWithAnOrderedModel, ()) {
  Model m;
  auto ops = *rc::gen::container<std::vector<std::tuple<int, int, int>>>(
      rc::gen::tuple(rc::gen::inRange(0, 10), rc::gen::inRange(0, 1000), rc::gen::inRange(0, 30)));
  for (const auto& [kind, s, name] : ops) {
    std::string member = "m" + std::to_string(name);
    if (kind < 7) {
      m.add(score_of(s), member);
    } else {
      m.remove(score_of(s), member);
    }
  }
  m.check_all();
  // Bounds between positions: a bare score, and past every position.
  m.check_at(zset::order_key(0));
  m.check_at(zset::order_key_after(0));
  m.check_at(std::string(9, '\xff'));
}

TEST(ScoreIndex, BucketsSplitAndRanksStayExactThroughThousandsOfMembers) {
  Model m;
  // Enough members in one score range to split buckets many times, then
  // removals that empty some of them.
  for (int i = 0; i < 6000; ++i) {
    m.add(static_cast<double>((i * 7919) % 6000), "m" + std::to_string(i % 97));
  }
  m.check_all();
  for (int i = 0; i < 6000; i += 2) {
    m.remove(static_cast<double>((i * 7919) % 6000), "m" + std::to_string(i % 97));
  }
  m.check_all();
  EXPECT_EQ(m.index.count_before(kPrefix, std::string(9, '\xff')), 3000u);
}

// The bucket cache changes no answer: two sets written in turn through an
// index that keeps one set at most (budget 0: each switch evicts the other),
// an index that keeps everything, and a fresh index loading the stored
// buckets span by span, all agree with the model.
TEST(ScoreIndex, TheBucketCacheIsInvisible) {
  MemoryStorage storage, full_storage;
  ScoreIndex tight{storage, 0}, full{full_storage, size_t{1} << 30};
  std::set<std::string> model[2];
  const std::string prefixes[2] = {"A", "B"};
  uint64_t x = 12345;
  for (int i = 0; i < 12000; ++i) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    const int set = static_cast<int>((x >> 20) % 2);
    const double score = static_cast<double>((x >> 24) % 500);
    const std::string member = "m" + std::to_string((x >> 40) % 3000);
    const std::string pos = ScoreIndex::position(score, member);
    if ((x >> 33) % 10 < 7) {
      if (!model[set].insert(pos).second) continue;
      tight.add(prefixes[set], score, member);
      full.add(prefixes[set], score, member);
    } else {
      if (model[set].erase(pos) == 0) continue;
      tight.remove(prefixes[set], score, member);
      full.remove(prefixes[set], score, member);
    }
  }
  EXPECT_EQ(tight.cached_sets(), 1u);
  tight.flush();  // as the region does before each commit
  ScoreIndex cold{storage, size_t{1} << 20};
  for (int set = 0; set < 2; ++set) {
    ASSERT_GT(model[set].size(), 2000u);
    EXPECT_TRUE(tight.audit(prefixes[set]).second);
    EXPECT_TRUE(full.audit(prefixes[set]).second);
    uint64_t r = 0;
    for (auto it = model[set].begin(); it != model[set].end(); ++it, ++r) {
      if (r % 37 != 0) continue;
      for (ScoreIndex* index : {&tight, &full, &cold}) {
        ASSERT_EQ(index->at_rank(prefixes[set], r), std::optional<std::string>(*it));
        ASSERT_EQ(index->count_before(prefixes[set], *it), r);
      }
    }
  }
  // Dropping a set forgets its buckets.
  full.drop("A");
  EXPECT_EQ(full.count_before("A", std::string(9, '\xff')), 0u);
  EXPECT_EQ(full.cached_sets(), 2u);  // B, and A reopened empty
}

TEST(ZsetScore, TextAndOrderKeysRoundTrip) {
  for (double v :
       {0.0, -0.0, 1.5, -1.5, 1e308, -1e308, 0.1, 1e-300, std::numeric_limits<double>::infinity(),
        -std::numeric_limits<double>::infinity()}) {
    EXPECT_EQ(zset::parse_score(zset::format_score(v)), v);
    EXPECT_EQ(zset::from_order_key(zset::order_key(v)), v == 0 ? 0.0 : v);
  }
  EXPECT_LT(zset::order_key(-1), zset::order_key(-0.5));
  EXPECT_LT(zset::order_key(-0.5), zset::order_key(0));
  EXPECT_EQ(zset::order_key(-0.0), zset::order_key(0));
  EXPECT_LT(zset::order_key(0), zset::order_key_after(0));
  EXPECT_LT(zset::order_key_after(0), zset::order_key(1e-320));
  EXPECT_EQ(zset::format_score(0.1), "0.10000000000000001");
  EXPECT_EQ(zset::format_score(-std::numeric_limits<double>::infinity()), "-inf");
  EXPECT_FALSE(zset::parse_score("nan").has_value());
  EXPECT_FALSE(zset::parse_score(" 1").has_value());
  EXPECT_FALSE(zset::parse_score("1e400").has_value());
  EXPECT_FALSE(zset::parse_score("").has_value());
}

}  // namespace
}  // namespace meridian
