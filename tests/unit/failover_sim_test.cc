// The failover manager in the simulator: health checks with thresholds,
// primary election with epochs and leases, fencing, switchover and the
// history; the invariant that two regions never take writes at once.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <optional>

#include "chaos_seeds.h"
#include "runtime/sim/failover_chaos.h"
#include "runtime/sim/sim_cluster.h"
#include "sim_call.h"

namespace meridian::sim {
namespace {

SimClusterOptions active_passive(int regions = 3) {
  SimClusterOptions o;
  o.regions = regions;
  o.one_way_ms.assign(regions, std::vector<int64_t>(regions, 10));
  o.replication.heartbeat_ms = 50;
  o.failover.pattern = Pattern::kActivePassive;
  o.failover.check_interval_ms = 50;
  o.failover.check_timeout_ms = 100;
  o.failover.failure_threshold = 3;
  o.failover.recovery_threshold = 3;
  o.failover.lease_ms = 400;
  return o;
}

int writers(SimCluster& c, const std::vector<bool>& down = {}) {
  int n = 0;
  for (int i = 0; i < c.size(); ++i) {
    if (!down.empty() && down[i]) continue;
    if (c.region(i).failover().accepts_writes()) ++n;
  }
  return n;
}

// Runs `ms` of virtual time checking, every millisecond, that at most one
// region takes writes.
void run_checked(SimCluster& c, int64_t ms, const std::vector<bool>& down = {}) {
  for (int64_t t = 0; t < ms; ++t) {
    c.run_for(1);
    ASSERT_LE(writers(c, down), 1) << "two regions take writes at t+" << t;
  }
}

TEST(FailoverSim, OnlyThePrimaryTakesWritesAndStandbysSayWhere) {
  SimCluster c(active_passive());
  run_checked(c, 500);
  EXPECT_TRUE(c.region(0).failover().accepts_writes());
  auto w = c.connect(0);
  auto s = c.connect(1);
  EXPECT_EQ(*call(c, *w, {"SET", "k", "v"}), "+OK\r\n");
  std::string refused = *call(c, *s, {"SET", "k", "v2"});
  EXPECT_EQ(refused.rfind("-READONLY this region (r2) does not take writes; the primary is r1 at "
                          "sim:1 (epoch 1)",
                          0),
            0u)
      << refused;
  c.run_for(100);
  EXPECT_EQ(*call(c, *s, {"GET", "k"}), "$1\r\nv\r\n");  // standbys serve reads
}

TEST(FailoverSim, AnIsolatedPrimaryLosesItsLeaseAndTheBestStandbyTakesOver) {
  SimCluster c(active_passive());
  run_checked(c, 500);
  auto w = c.connect(0);
  for (int i = 0; i < 20; ++i)
    call(c, *w, {"MR.ONCE", "SYNC", "SET", "k" + std::to_string(i), "v"});
  int64_t cut = c.now();
  c.network().isolate(c.id(0));
  int64_t new_primary_at = -1;
  for (int64_t t = 0; t < 5000 && new_primary_at < 0; ++t) {
    c.run_for(1);
    ASSERT_LE(writers(c), 1) << "two regions take writes at t+" << t;
    for (int i = 1; i < 3; ++i) {
      if (c.region(i).failover().accepts_writes()) new_primary_at = c.now() - cut;
    }
  }
  // Detection (3 failed checks of 50 ms, 100 ms timeout), the lease the
  // standbys promised (400 ms), one election round trip, one lease round trip.
  ASSERT_GT(new_primary_at, 0);
  EXPECT_LE(new_primary_at, 50 * 3 + 100 + 400 + 50 + 100) << new_primary_at;
  // The old primary stopped taking writes before the new one started.
  auto old_writer = c.connect(0);
  EXPECT_EQ(call(c, *old_writer, {"SET", "x", "1"})
                ->rfind("-TRYAGAIN this region (r1) is the "
                        "primary but cannot confirm its lease",
                        0),
            0u);
  int p = c.region(1).failover().accepts_writes() ? 1 : 2;
  EXPECT_EQ(c.region(p).failover().epoch(), 2u);
  auto nw = c.connect(p);
  EXPECT_EQ(*call(c, *nw, {"GET", "k19"}), "$1\r\nv\r\n");  // no sync write lost
  EXPECT_EQ(*call(c, *nw, {"SET", "after", "1"}), "+OK\r\n");
  // History names the change and why.
  const auto& h = c.region(p).failover().history();
  ASSERT_EQ(h.size(), 1u);
  EXPECT_EQ(h[0].from, c.id(0));
  EXPECT_EQ(h[0].reason.rfind("failover: r1 unhealthy for 2 of 3 regions", 0), 0u) << h[0].reason;
  // The old primary returns as a standby of the new epoch.
  c.network().heal();
  run_checked(c, 2500);  // replication resends what the partition lost after 1 s
  EXPECT_EQ(c.region(0).failover().epoch(), 2u);
  EXPECT_FALSE(c.region(0).failover().accepts_writes());
  EXPECT_EQ(*call(c, *old_writer, {"GET", "after"}), "$1\r\n1\r\n");
}

TEST(FailoverSim, TheHistoryBoundsTheWritesLeftBehindAndCountsThemOnceTheOldPrimaryReturns) {
  SimCluster c(active_passive());
  run_checked(c, 500);
  auto w = c.connect(0);
  for (int i = 0; i < 20; ++i) {
    call(c, *w, {"MR.ONCE", "SYNC", "SET", "k" + std::to_string(i), "v"});
  }
  // Nothing r1 sends arrives any more, but it still holds its lease for a
  // while: the async writes it acknowledges now reach nobody.
  c.network().block(c.id(0), c.id(1));
  c.network().block(c.id(0), c.id(2));
  uint64_t acknowledged = 0;
  for (int i = 0; i < 200; ++i) {
    auto r = call(c, *w, {"SET", "lost" + std::to_string(i), "v"});
    if (r && *r == "+OK\r\n") ++acknowledged;
  }
  ASSERT_GT(acknowledged, 0u);
  run_checked(c, 3000);
  int p = c.region(1).failover().accepts_writes() ? 1 : 2;
  ASSERT_EQ(c.region(p).failover().epoch(), 2u);
  auto h = c.region(p).failover().history().back();
  // r1 last told anyone it had 20 writes; the survivors had all 20: known
  // lost is at least 0, and not exact.
  EXPECT_FALSE(h.exact);
  EXPECT_EQ(h.survivors_held, 20u);
  EXPECT_LE(h.unreplicated, acknowledged);
  auto j = nlohmann::json::parse(c.region(p).failover().history_json());
  EXPECT_EQ(j.back()["unreplicated_text"], "at least " + std::to_string(h.unreplicated));
  // r1 is heard again in epoch 2: it stopped writing when its lease ran
  // out, so its position is final and the count exact, in every region.
  c.network().heal();
  run_checked(c, 2000);
  for (int i = 0; i < 3; ++i) {
    const auto& e = c.region(i).failover().history().back();
    EXPECT_TRUE(e.exact) << i;
    EXPECT_EQ(e.unreplicated, acknowledged) << i;
  }
  j = nlohmann::json::parse(c.region(p).failover().history_json());
  EXPECT_EQ(j.back()["unreplicated_text"], std::to_string(acknowledged));
}

TEST(FailoverSim, NoFailoverWhileAMajorityStillSeesThePrimary) {
  SimCluster c(active_passive());
  run_checked(c, 500);
  // r3 cannot hear r1, but r2 can: r1 is healthy for a majority.
  c.network().block(c.id(0), c.id(2));
  c.network().block(c.id(2), c.id(0));
  run_checked(c, 3000);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(c.region(i).failover().epoch(), 1u);
  EXPECT_TRUE(c.region(0).failover().accepts_writes());
}

TEST(FailoverSim, SwitchoverWaitsForTheTargetAndLosesNothing) {
  SimCluster c(active_passive());
  run_checked(c, 500);
  auto w = c.connect(0);
  for (int i = 0; i < 50; ++i) call(c, *w, {"SET", "k" + std::to_string(i), "v"});
  ASSERT_FALSE(c.region(0).failover().switchover(c.id(2)).has_value());
  run_checked(c, 2000);
  EXPECT_TRUE(c.region(2).failover().accepts_writes());
  EXPECT_EQ(c.region(2).failover().history().back().reason, "switchover from r1");
  auto r3 = c.connect(2);
  EXPECT_EQ(*call(c, *r3, {"DBSIZE"}), ":50\r\n");
  EXPECT_EQ(c.region(2).failover().history().back().unreplicated, 0u);
}

TEST(FailoverSim, ASwitchoverInActiveActiveCompletesUnderSteadyWrites) {
  SimClusterOptions o = active_passive();
  o.failover.pattern = Pattern::kActiveActive;
  SimCluster c(o);
  c.run_for(500);
  auto w = c.connect(0);
  ASSERT_FALSE(c.region(0).failover().switchover(c.id(1)).has_value());
  // r1 keeps writing (every region of an active-active cluster does): the
  // handover must not wait for r2 to catch up with a moving position.
  for (int i = 0; i < 400 && c.region(1).failover().primary() != c.id(1); ++i) {
    call(c, *w, {"SET", "k" + std::to_string(i), "v"});
    c.run_for(5);
  }
  EXPECT_EQ(c.region(1).failover().primary(), c.id(1))
      << c.region(0).failover().debug_line() << "\n"
      << c.region(1).failover().debug_line();
  EXPECT_EQ(c.region(1).failover().history().back().reason, "switchover from r1");
}

TEST(FailoverSim, ACrashedPrimaryIsReplacedAndCanBeForcedBack) {
  SimCluster c(active_passive());
  run_checked(c, 500);
  std::vector<bool> down = {true, false, false};
  c.network().isolate(c.id(0));  // the process is gone: nothing in or out
  run_checked(c, 2000, down);
  int p = c.region(1).failover().accepts_writes() ? 1 : 2;
  ASSERT_TRUE(c.region(p).failover().accepts_writes());
  c.crash_and_restart(0);
  c.network().heal();
  run_checked(c, 1000);
  EXPECT_FALSE(c.region(0).failover().accepts_writes());
  // An operator moves the primary back (forced).
  ASSERT_FALSE(c.region(1).failover().failover(c.id(0)).has_value());
  run_checked(c, 2000);
  EXPECT_TRUE(c.region(0).failover().accepts_writes());
  EXPECT_EQ(c.region(0).failover().epoch(), 3u);
}

TEST(FailoverSim, AForcedFailoverFencesALivePrimaryFirst) {
  SimCluster c(active_passive());
  run_checked(c, 500);
  // Run on the target while the primary is alive and its voters hold its
  // lease: the primary is fenced, the lease lapses, the target is elected.
  ASSERT_FALSE(c.region(2).failover().failover(c.id(2)).has_value());
  int64_t t0 = c.now();
  while (!c.region(2).failover().accepts_writes() && c.now() - t0 < 5000) run_checked(c, 1);
  EXPECT_TRUE(c.region(2).failover().accepts_writes());
  EXPECT_LE(c.now() - t0, 2 * (400 + 100) + 400) << "took " << c.now() - t0 << " ms";
  EXPECT_FALSE(c.region(0).failover().accepts_writes());
}

TEST(FailoverSim, AFenceWithNoSuccessorLapses) {
  SimCluster c(active_passive());
  run_checked(c, 500);
  // The switchover target is cut off for good: the primary, fenced while it
  // waits, takes writes again after the fence window.
  c.network().isolate(c.id(2));
  ASSERT_FALSE(c.region(0).failover().switchover(c.id(2)).has_value());
  run_checked(c, 100);
  EXPECT_FALSE(c.region(0).failover().accepts_writes());
  std::vector<bool> down = {false, false, true};
  run_checked(c, 10500, down);
  EXPECT_TRUE(c.region(0).failover().accepts_writes());
  EXPECT_EQ(c.region(0).failover().epoch(), 1u);
}

// Active-active: several regions take writes by design, so these tests do
// not use run_checked.
SimClusterOptions tiered() {
  // r1 active primary, r2 warm standby, r3 pilot light, r4 active.
  SimClusterOptions o = active_passive(4);
  o.failover.pattern = Pattern::kActiveActive;
  o.tiers = {Tier::kActive, Tier::kWarmStandby, Tier::kPilotLight, Tier::kActive};
  return o;
}

TEST(FailoverSim, TiersServeAsConfigured) {
  SimCluster c(tiered());
  c.run_for(500);
  auto a = c.connect(0), warm = c.connect(1), pilot = c.connect(2), other = c.connect(3);
  EXPECT_EQ(*call(c, *a, {"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(*call(c, *other, {"SET", "k2", "v"}), "+OK\r\n");  // active-active
  c.run_for(200);
  EXPECT_EQ(*call(c, *warm, {"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(call(c, *warm, {"SET", "k", "w"})
                ->rfind("-READONLY this region (r2) is a warm standby and does not take writes; "
                        "the primary is r1 at sim:1 (epoch 1)",
                        0),
            0u);
  for (auto cmd : {std::vector<std::string>{"GET", "k"}, {"SET", "k", "p"}, {"DBSIZE"}}) {
    EXPECT_EQ(call(c, *pilot, cmd)
                  ->rfind("-STANDBY this region (r3) is a pilot light: it "
                          "applies the replication log but serves no clients",
                          0),
              0u);
  }
  EXPECT_EQ(*call(c, *pilot, {"PING"}), "+PONG\r\n");
  // It applies the log all the same, and serves once promoted.
  ASSERT_FALSE(c.region(2).failover().failover(c.id(2)).has_value());
  int64_t t0 = c.now();
  while (!c.region(2).failover().is_primary() && c.now() - t0 < 5000) c.run_for(1);
  EXPECT_EQ(*call(c, *pilot, {"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(*call(c, *pilot, {"SET", "k", "p"}), "+OK\r\n");
  // The old primary is active: it still takes writes (active-active).
  EXPECT_TRUE(c.region(0).failover().accepts_writes());
}

TEST(FailoverSim, AnActiveRegionIsPreferredToStandbyTiers) {
  // r2 and r3 (warm, pilot) hold as much as r4 (active): r4 is chosen.
  for (uint64_t seed = 1; seed <= 5; ++seed) {
    SimClusterOptions o = tiered();
    o.seed = seed;
    SimCluster c(o);
    c.run_for(500);
    c.network().isolate(c.id(0));
    int64_t t0 = c.now();
    int p = -1;
    while (p < 0 && c.now() - t0 < 5000) {
      c.run_for(1);
      for (int i = 1; i < 4; ++i)
        if (c.region(i).failover().is_primary()) p = i;
    }
    EXPECT_EQ(p, 3) << "seed " << seed;
  }
}

TEST(FailoverSim, AutomaticFailbackAfterTheHoldDown) {
  SimClusterOptions o = active_passive();
  o.failover.auto_failback = true;
  o.failover.failback_hold_ms = 2000;
  SimCluster c(o);
  run_checked(c, 500);
  c.network().isolate(c.id(0));
  run_checked(c, 2000);
  int p = c.region(1).failover().accepts_writes() ? 1 : 2;
  ASSERT_TRUE(c.region(p).failover().accepts_writes());
  auto w = c.connect(p);
  EXPECT_EQ(*call(c, *w, {"SET", "while-away", "1"}), "+OK\r\n");
  c.network().heal();
  run_checked(c, 1500);  // healthy again, but not for the hold-down yet
  EXPECT_FALSE(c.region(0).failover().accepts_writes());
  run_checked(c, 3000);
  EXPECT_TRUE(c.region(0).failover().accepts_writes());  // home again
  const auto& h = c.region(0).failover().history();
  EXPECT_EQ(h.back().reason.rfind("failback from", 0), 0u) << h.back().reason;
  EXPECT_EQ(h.back().unreplicated, 0u);  // planned: it caught up first
  auto r1 = c.connect(0);
  EXPECT_EQ(*call(c, *r1, {"GET", "while-away"}), "$1\r\n1\r\n");
}

TEST(FailoverSim, ReadLocalWriteGlobalForwardsWritesToThePrimary) {
  SimClusterOptions o = active_passive();
  o.failover.pattern = Pattern::kWriteGlobal;
  o.failover.check_timeout_ms = 300;  // above every round trip here
  o.one_way_ms = {{0, 30, 60}, {30, 0, 40}, {60, 40, 0}};
  SimCluster c(o);
  run_checked(c, 500);
  auto r3 = c.connect(2);
  int64_t start = c.now();
  EXPECT_EQ(*call(c, *r3, {"SET", "k", "from-r3"}), "+OK\r\n");
  EXPECT_EQ(c.now() - start, 120);  // one round trip to the primary, r1, and nothing more
  auto r1 = c.connect(0);
  EXPECT_EQ(*call(c, *r1, {"GET", "k"}), "$7\r\nfrom-r3\r\n");  // written at the primary
  EXPECT_EQ(*call(c, *r3, {"INCR", "k"}),
            "-ERR value is not an integer or out of range\r\n");  // the primary's reply
  // A write mode travels with the forwarded command.
  start = c.now();
  EXPECT_EQ(*call(c, *r3, {"MR.ONCE", "SYNC", "SET", "s", "1"}), "+OK\r\n");
  EXPECT_EQ(c.now() - start, 120 + 120);  // r1 waits for r3, the farthest, then replies
  EXPECT_EQ(*call(c, *r3, {"GET", "s"}), "$1\r\n1\r\n");  // sync: here already
  // Reads stay local.
  start = c.now();
  call(c, *r3, {"GET", "k"});
  EXPECT_EQ(c.now() - start, 0);
}

// Seeded failover chaos: 200 seeds per `make test` (10 shards of 20).
class FailoverChaos : public ::testing::TestWithParam<int> {};

TEST_P(FailoverChaos, SeedsKeepEveryInvariant) {
  expect_seeds_pass([](uint64_t seed) { return run_failover_chaos(seed); },
                    static_cast<uint64_t>(GetParam()) * 20 + 1, 20,
                    "build/meridian simulate --failover");
}

INSTANTIATE_TEST_SUITE_P(Shards, FailoverChaos, ::testing::Range(0, 10));

}  // namespace
}  // namespace meridian::sim
