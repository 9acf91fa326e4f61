// Tests of the core on the deterministic runtime that only the simulator can
// run: exact replay from a seed, crashes at any point, virtual time.
#include <gtest/gtest.h>

#include "backends.h"
#include "core/env/pass_scheduler.h"
#include "runtime/sim/sim_world.h"

namespace meridian::testing {
namespace {

// A seeded workload over a small keyspace; returns every reply.
std::string run_workload(uint64_t seed, sim::SimRegion& region) {
  sim::SimRandom rnd(seed);
  auto client = region.connect();
  std::string transcript;
  const char* ops[] = {"SET", "INCR", "SADD", "HSET", "DEL", "PEXPIRE", "GET", "SMEMBERS"};
  for (int i = 0; i < 500; ++i) {
    std::string key = "k" + std::to_string(rnd.uniform(8));
    std::string op = ops[rnd.uniform(std::size(ops))];
    std::vector<std::string> args = {op, key};
    if (op == "SET" || op == "SADD") args.push_back(std::to_string(rnd.uniform(100)));
    if (op == "HSET") args.insert(args.end(), {"f" + std::to_string(rnd.uniform(3)), "v"});
    if (op == "PEXPIRE") args.push_back(std::to_string(1 + rnd.uniform(50)));
    transcript += client->send_raw(encode_command(args));
    region.advance(static_cast<int64_t>(rnd.uniform(10)));
  }
  return transcript;
}

TEST(Simulator, ASeedReplaysExactly) {
  for (uint64_t seed : {1u, 2u, 3u}) {
    sim::SimRegion a(test_settings(), seed), b(test_settings(), seed);
    EXPECT_EQ(run_workload(seed, a), run_workload(seed, b)) << "seed " << seed;
    EXPECT_EQ(a.region().keyspace().sequence(), b.region().keyspace().sequence());
  }
}

TEST(Simulator, RecordCachesAreInvisible) {
  // Off, constantly evicting, and holding everything: same replies.
  for (uint64_t seed : {4u, 5u, 6u}) {
    std::vector<std::string> transcripts;
    for (size_t budget : {size_t{0}, size_t{2048}, size_t{64} << 20}) {
      RegionSettings s = test_settings();
      s.cache_bytes = budget;
      sim::SimRegion region(s, seed);
      transcripts.push_back(run_workload(seed, region));
    }
    EXPECT_EQ(transcripts[0], transcripts[1]) << "seed " << seed;
    EXPECT_EQ(transcripts[0], transcripts[2]) << "seed " << seed;
  }
}

TEST(Simulator, CrashLosesNothingAcknowledged) {
  // Every reply is sent after end_pass() committed the pass; a crash right
  // after any acknowledged pass must keep all of it.
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    sim::SimRegion region(test_settings(), seed);
    sim::SimRandom rnd(seed);
    std::map<std::string, std::string> acked;
    {
      auto client = region.connect();
      int n = 1 + static_cast<int>(rnd.uniform(200));
      for (int i = 0; i < n; ++i) {
        std::string key = "k" + std::to_string(rnd.uniform(20));
        std::string value = std::to_string(i);
        ASSERT_EQ(client->send_raw(encode_command({"SET", key, value})), "+OK\r\n");
        acked[key] = value;
      }
      // Writes made outside a pass (no reply sent yet) may be lost.
      region.storage().put(Column::kKeys, "unacknowledged", "x");
    }
    region.crash_and_restart();
    auto client = region.connect();
    for (const auto& [k, v] : acked) {
      ASSERT_EQ(client->send_raw(encode_command({"GET", k})),
                "$" + std::to_string(v.size()) + "\r\n" + v + "\r\n")
          << "seed " << seed << " key " << k;
    }
    EXPECT_EQ(client->send_raw(encode_command({"DBSIZE"})),
              ":" + std::to_string(acked.size()) + "\r\n");
  }
}

// TIME reads the region's clock: in the simulator, virtual time (whole
// milliseconds).
TEST(Simulator, TimeIsTheVirtualClock) {
  sim::SimRegion region(test_settings(), 7);
  auto c = region.connect();
  region.advance(1234);
  const int64_t ms = region.clock().now_ms();
  const std::string s = std::to_string(ms / 1000), us = std::to_string(ms % 1000 * 1000);
  EXPECT_EQ(c->send_raw(encode_command({"TIME"})), "*2\r\n$" + std::to_string(s.size()) + "\r\n" +
                                                       s + "\r\n$" + std::to_string(us.size()) +
                                                       "\r\n" + us + "\r\n");
  EXPECT_EQ(c->send_raw(encode_command({"TIME", "x"})),
            "-ERR wrong number of arguments for 'time' command\r\n");
}

TEST(Simulator, ActiveExpiryFollowsVirtualTime) {
  sim::SimRegion region(test_settings(), 7);
  auto c = region.connect();
  for (int i = 0; i < 1000; ++i) {
    c->send_raw(
        encode_command({"SET", "k" + std::to_string(i), "v", "PX", std::to_string(1000 + i)}));
  }
  region.advance(999);
  EXPECT_EQ(c->send_raw(encode_command({"DBSIZE"})), ":1000\r\n");
  region.advance(601);
  // At t=1600 the cycle (every 100 ms at hz 10) has removed keys 0..600, and
  // none of the others: exactly the keys due, with no reads to trigger it.
  EXPECT_EQ(c->send_raw(encode_command({"DBSIZE"})), ":399\r\n");
  region.advance(1000);
  EXPECT_EQ(c->send_raw(encode_command({"DBSIZE"})), ":0\r\n");
  EXPECT_EQ(region.storage().size(Column::kExpiry), 0u);
  EXPECT_EQ(region.storage().size(Column::kKeys), 0u);
}

TEST(Simulator, TimerWorkIsCommittedByThePassThatFollows) {
  // Nobody sends a command: the expiry timer deletes, and the pass the
  // runtime ends after the timer commits it, so a crash cannot undo it.
  sim::SimRegion region(test_settings(), 7);
  auto c = region.connect();
  for (int i = 0; i < 10; ++i) {
    c->send_raw(encode_command({"SET", "k" + std::to_string(i), "v", "PX", "100"}));
  }
  region.advance(300);
  EXPECT_FALSE(region.storage().uncommitted());
  EXPECT_EQ(region.storage().size(Column::kKeys), 0u);
  region.crash_and_restart();
  EXPECT_EQ(region.storage().size(Column::kKeys), 0u);
}

TEST(Simulator, PassSchedulerEndsOnePassPerTimerWhileItLives) {
  sim::SimClock clock(0);
  sim::SimScheduler inner(clock);
  std::vector<std::string> events;
  auto passes = std::make_unique<PassScheduler>(inner, [&] { events.push_back("pass"); });
  passes->after(10, [&] { events.push_back("a"); });
  passes->after(10, [&] { events.push_back("b"); });
  passes->after(20, [&] { events.push_back("late"); });
  inner.advance(10);
  EXPECT_EQ(events, (std::vector<std::string>{"a", "pass", "b", "pass"}));
  passes.reset();  // its region is gone: the timer still runs, no pass follows
  inner.advance(10);
  EXPECT_EQ(events.back(), "late");
  EXPECT_EQ(events.size(), 5u);
}

TEST(Simulator, WritesCarryHlcOriginAndDots) {
  RegionSettings s = test_settings();
  s.region_id = 7;
  sim::SimRegion region(s, 1, 5'000);
  auto c = region.connect();
  c->send_raw(encode_command({"SET", "k", "a"}));
  c->send_raw(encode_command({"SET", "k", "b"}));
  auto raw = region.storage().get(Column::kKeys, "k");
  ASSERT_TRUE(raw);
  KeyRecord rec;
  ASSERT_TRUE(rec.decode(*raw));
  EXPECT_EQ(rec.origin, 7u);
  EXPECT_EQ(rec.hlc.physical_ms(), 5'000);
  EXPECT_EQ(rec.hlc.logical(), 1u);  // second write in the same millisecond
  EXPECT_EQ(rec.vv.get(7), 2u);      // dot of the second write
  EXPECT_EQ(rec.payload, "b");
}

}  // namespace
}  // namespace meridian::testing
