// RocksDbStorage with pipelined commits: while the committer thread writes a
// pass's batch, reads and iterators of the next pass see it as committed,
// deletions included, and everything committed is there after a reopen.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iterator>
#include <map>
#include <random>
#include <string>
#include <thread>

#include "storage/rocksdb_storage.h"

namespace meridian {
namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("meridian-pipelined-" + std::to_string(::getpid()) + "-" +
            std::to_string(std::chrono::steady_clock::now().time_since_epoch().count()));
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::map<std::string, std::string> scan(Storage& s, Column c) {
  std::map<std::string, std::string> out;
  auto it = s.iterate(c);
  for (it->seek(""); it->valid(); it->next()) out.emplace(it->key(), it->value());
  return out;
}

TEST(PipelinedStorage, ReadsAndIteratorsSeeTheCommitInFlight) {
  TempDir dir;
  std::map<std::string, std::string> model;
  std::atomic<int> notified{0};
  uint64_t in_flight_seen = 0;
  {
    RocksDbStorage s(dir.path.string(), false);
    s.pipeline_commits([&] { ++notified; });
    std::mt19937 rng(7);
    for (int pass = 0; pass < 300; ++pass) {
      // Big passes now and then, so that the next pass often starts while
      // the committer is still writing.
      const int ops = pass % 10 == 0 ? 3000 : 1 + static_cast<int>(rng() % 40);
      if (s.commits_durable() < s.commits_started()) ++in_flight_seen;
      for (int i = 0; i < ops; ++i) {
        std::string key = "k" + std::to_string(rng() % 500);
        if (rng() % 4 == 0) {  // NOLINT(bugprone-branch-clone)
          s.del(Column::kKeys, key);
          model.erase(key);
        } else {
          std::string value = "v" + std::to_string(pass) + "." + std::to_string(i);
          s.put(Column::kKeys, key, value);
          model[key] = value;
        }
        std::string probe = "k" + std::to_string(rng() % 500);
        auto got = s.get(Column::kKeys, probe);
        auto want = model.find(probe);
        ASSERT_EQ(got.has_value(), want != model.end()) << probe << " in pass " << pass;
        if (got) {
          ASSERT_EQ(*got, want->second);
        }
      }
      if (pass % 7 == 0) {
        ASSERT_EQ(scan(s, Column::kKeys), model) << "pass " << pass;
      }
      ASSERT_TRUE(s.commit(false));
    }
    // The committer catches up and tells each commit.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (s.commits_durable() < s.commits_started() &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    EXPECT_EQ(s.commits_durable(), 300u);
    EXPECT_EQ(notified.load(), 300);
    // A snapshot is the committed data, the commit in flight included.
    auto snap = s.snapshot();
    std::map<std::string, std::string> seen;
    auto it = snap->iterate(Column::kKeys);
    for (it->seek(""); it->valid(); it->next()) seen.emplace(it->key(), it->value());
    EXPECT_EQ(seen, model);
  }
  // The passes overlapped with commits in flight at least sometimes (or the
  // test proved nothing about them).
  EXPECT_GT(in_flight_seen, 0u);
  RocksDbStorage reopened(dir.path.string(), false);
  EXPECT_EQ(scan(reopened, Column::kKeys), model);
}

// Random walks (seek, seek_for_prev, next, prev, turning around) over the
// database under the batch in flight under the pass's writes, each step
// checked against a model of what is committed plus written.
TEST(PipelinedStorage, IteratorsWalkTheLayersInOrder) {
  TempDir dir;
  RocksDbStorage s(dir.path.string(), false);
  s.pipeline_commits(nullptr);
  std::map<std::string, std::string> model;
  std::mt19937 rng(11);
  auto key = [&] {
    char k[8];
    std::snprintf(k, sizeof k, "k%03u", static_cast<unsigned>(rng() % 200));
    return std::string(k);
  };
  for (int pass = 0; pass < 120; ++pass) {
    const int ops = pass % 9 == 0 ? 2000 : static_cast<int>(rng() % 30);
    for (int i = 0; i < ops; ++i) {
      std::string k = key();
      if (rng() % 3 == 0) {  // NOLINT(bugprone-branch-clone)
        s.del(Column::kFields, k);
        model.erase(k);
      } else {
        s.put(Column::kFields, k, k + "=" + std::to_string(pass));
        model[k] = k + "=" + std::to_string(pass);
      }
    }
    for (int walk = 0; walk < 5; ++walk) {
      auto it = s.iterate(Column::kFields);
      std::string target = key();
      auto m = model.end();
      if (rng() % 2 == 0) {
        it->seek(target);
        m = model.lower_bound(target);
      } else {
        it->seek_for_prev(target);
        m = model.upper_bound(target);
        m = m == model.begin() ? model.end() : std::prev(m);
      }
      for (int step = 0; step < 40; ++step) {
        ASSERT_EQ(it->valid(), m != model.end()) << "pass " << pass << " step " << step;
        if (m == model.end()) break;
        ASSERT_EQ(it->key(), m->first) << "pass " << pass << " step " << step;
        ASSERT_EQ(it->value(), m->second);
        if (rng() % 3 == 0) {
          it->prev();
          m = m == model.begin() ? model.end() : std::prev(m);
        } else {
          it->next();
          ++m;
        }
      }
    }
    s.commit(false);
  }
}

TEST(PipelinedStorage, RangeDeletesApplyWithTheirCommit) {
  TempDir dir;
  {
    RocksDbStorage s(dir.path.string(), false);
    s.pipeline_commits(nullptr);
    for (int i = 0; i < 100; ++i) s.put(Column::kFields, "f" + std::to_string(100 + i), "x");
    s.commit(false);
    s.del_range(Column::kFields, "f120", "f150");
    s.put(Column::kFields, "g", "y");
    s.commit(false);
  }
  RocksDbStorage reopened(dir.path.string(), false);
  auto all = scan(reopened, Column::kFields);
  EXPECT_EQ(all.size(), 71u);
  EXPECT_EQ(all.count("f130"), 0u);
  EXPECT_EQ(all.count("f150"), 1u);
  EXPECT_EQ(all.count("g"), 1u);
}

}  // namespace
}  // namespace meridian
