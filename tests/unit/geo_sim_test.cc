// Geo-partitioning in the simulator: routing to a key's home, CROSSREGION,
// redirects, the home role failing over inside the allowed set, and
// sovereignty checked on every simulated message.
#include <gtest/gtest.h>

#include <optional>

#include "chaos_seeds.h"
#include "runtime/sim/geo_chaos.h"
#include "runtime/sim/sim_cluster.h"
#include "sim_call.h"

namespace meridian::sim {
namespace {

// r1 US, r2 EU (home of eu:*), r3 EU, r4 IN.
SimClusterOptions geo(bool redirect = false) {
  SimClusterOptions o;
  o.regions = 4;
  o.one_way_ms.assign(4, std::vector<int64_t>(4, 10));
  o.replication.heartbeat_ms = 50;
  o.failover.check_interval_ms = 50;
  o.failover.check_timeout_ms = 100;
  o.failover.lease_ms = 300;
  PlacementRule eu;
  eu.pattern = "eu:*";
  eu.home = 2;
  eu.allowed[2] = {2, 3};
  eu.redirect = redirect;
  o.placement.rules.push_back(eu);
  return o;
}

// Whether region i holds `key` live (its log may still name it).
bool live(SimCluster& c, int i, std::string_view key) {
  std::string state = c.region(i).keyspace().canonical(key);
  return state.size() > 1 && state[1] == 'L';
}

bool holds(SimCluster& c, int i, std::string_view needle) {
  for (int col = 0; col < kColumnCount; ++col) {
    auto it = c.storage(i).iterate(static_cast<Column>(col));
    for (it->seek(""); it->valid(); it->next()) {
      if (it->key().find(needle) != std::string_view::npos ||
          it->value().find(needle) != std::string_view::npos) {
        return true;
      }
    }
  }
  return false;
}

TEST(GeoSim, ATravellingUsersCommandsRunAtTheHomeAndTheDataStaysInTheAllowedSet) {
  SimCluster c(geo());
  c.run_for(300);
  auto tokyo = c.connect(3);  // r4, outside the EU
  int64_t t0 = c.now();
  EXPECT_EQ(*call(c, *tokyo, {"SET", "eu:42", "secret-value"}), "+OK\r\n");
  // One round trip to the home (2 x 10 ms), nothing more.
  EXPECT_EQ(c.now() - t0, 20);
  EXPECT_EQ(*call(c, *tokyo, {"GET", "eu:42"}), "$12\r\nsecret-value\r\n");
  EXPECT_EQ(*call(c, *tokyo, {"SET", "global", "g"}), "+OK\r\n");  // runs locally
  c.run_for(500);
  EXPECT_TRUE(holds(c, 1, "secret-value"));
  EXPECT_TRUE(holds(c, 2, "secret-value"));  // the other EU region has a replica
  EXPECT_FALSE(holds(c, 0, "secret-value"));
  EXPECT_FALSE(holds(c, 3, "secret-value"));
  EXPECT_FALSE(holds(c, 0, "eu:42"));  // not even the key's name
  EXPECT_FALSE(holds(c, 3, "eu:42"));
  EXPECT_TRUE(holds(c, 0, "global") && holds(c, 3, "global"));
  // An allowed replica serves reads locally.
  auto dublin2 = c.connect(2);
  t0 = c.now();
  EXPECT_EQ(*call(c, *dublin2, {"GET", "eu:42"}), "$12\r\nsecret-value\r\n");
  EXPECT_EQ(c.now() - t0, 0);
}

TEST(GeoSim, MixedHomesAreRefusedAndRedirectModeAnswersMoved) {
  SimCluster c(geo(/*redirect=*/true));
  c.run_for(300);
  auto us = c.connect(0);
  EXPECT_EQ(call(c, *us, {"MSET", "eu:1", "a", "g", "b"})->rfind("-CROSSREGION ", 0), 0u);
  EXPECT_EQ(*call(c, *us, {"SET", "eu:1", "a"}), "-MOVED 6723 sim:2\r\n");
  auto home = c.connect(1);
  EXPECT_EQ(*call(c, *home, {"SET", "eu:1", "a"}), "+OK\r\n");
}

TEST(GeoSim, TheHomeRoleFailsOverInsideTheAllowedSetAndFailsClosedWithout) {
  SimCluster c(geo());
  c.run_for(300);
  auto india = c.connect(3);
  c.network().isolate(c.id(1));                                   // the home is cut off
  c.run_for(600);                                                 // r4 finds it unhealthy
  EXPECT_EQ(*call(c, *india, {"SET", "eu:7", "v7"}), "+OK\r\n");  // r3 acts as home
  EXPECT_TRUE(holds(c, 2, "v7"));
  EXPECT_FALSE(holds(c, 3, "v7"));
  c.network().isolate(c.id(2));  // and the other EU region too
  c.run_for(600);
  EXPECT_EQ(call(c, *india, {"SET", "eu:7", "v8"})
                ->rfind("-CLUSTERDOWN no region allowed to hold this key is reachable (home r2; "
                        "allowed r2, r3)",
                        0),
            0u);
  c.network().heal();
  c.run_for(2000);
  EXPECT_TRUE(holds(c, 1, "v7"));  // the home caught up
  EXPECT_FALSE(holds(c, 3, "v8"));
}

TEST(GeoSim, ARegionRefusesAndCountsRecordsItMayNotHold) {
  SimCluster c(geo());
  c.run_for(300);
  // The home sends eu:* keys to every region (its filter off, as a peer
  // with another config or a bug would); the others must refuse them.
  c.region(1).replicator().set_sovereignty(false);
  auto home = c.connect(1);
  EXPECT_EQ(*call(c, *home, {"SET", "eu:9", "forged-value"}), "+OK\r\n");
  EXPECT_EQ(*call(c, *home, {"HSET", "eu:h", "f", "forged-field"}), ":1\r\n");
  EXPECT_EQ(*call(c, *home, {"SET", "global", "g"}), "+OK\r\n");
  c.run_for(500);
  auto refused = [&](int i) { return c.region(i).replicator().stats().keys_refused; };
  EXPECT_EQ(refused(0), 2u);
  EXPECT_EQ(refused(3), 2u);
  EXPECT_EQ(refused(2), 0u);  // r3 is allowed to hold them
  EXPECT_TRUE(holds(c, 2, "forged-value"));
  for (int i : {0, 3}) {
    EXPECT_FALSE(holds(c, i, "forged-value")) << i;
    EXPECT_FALSE(holds(c, i, "forged-field")) << i;
    EXPECT_FALSE(holds(c, i, "eu:9")) << i;
    EXPECT_TRUE(holds(c, i, "global")) << i;  // what it may hold still replicates
  }
}

TEST(GeoSim, TheLeakCheckCatchesALeak) {
  // With the replicator's filter off, the same chaos must fail.
  auto r = run_geo_chaos(1, 4000, /*leak=*/true);
  EXPECT_FALSE(r.ok()) << r.summary;
}

TEST(GeoSim, AFlushallClearsOnlyWhatItsRegionMayHold) {
  auto o = geo();
  o.enable_flushall = true;
  SimCluster c(o);
  c.run_for(300);
  auto us = c.connect(0);
  auto eu = c.connect(2);
  EXPECT_EQ(*call(c, *us, {"SET", "eu:1", "homed-in-the-eu"}), "+OK\r\n");  // runs at r2
  EXPECT_EQ(*call(c, *us, {"SET", "global", "g"}), "+OK\r\n");
  c.run_for(300);
  EXPECT_EQ(*call(c, *us, {"FLUSHALL"}), "+OK\r\n");
  c.run_for(300);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(live(c, i, "global")) << i;
  EXPECT_EQ(*call(c, *eu, {"GET", "eu:1"}), "$15\r\nhomed-in-the-eu\r\n");
  EXPECT_TRUE(live(c, 1, "eu:1"));
  EXPECT_TRUE(live(c, 2, "eu:1"));
  // A FLUSHALL in the EU clears the EU's keys in both EU regions.
  EXPECT_EQ(*call(c, *eu, {"FLUSHALL"}), "+OK\r\n");
  c.run_for(300);
  EXPECT_FALSE(live(c, 1, "eu:1"));
  EXPECT_FALSE(live(c, 2, "eu:1"));
  // A restarted region keeps both regions' marks (stored with the keyspace).
  c.crash_and_restart(1);
  c.run_for(500);
  EXPECT_EQ(c.region(1).keyspace().clear_marks(), c.region(0).keyspace().clear_marks());
}

TEST(GeoSim, TheFlushCheckCatchesAnUnscopedFlushall) {
  // A FLUSHALL that clears every key everywhere must fail the chaos.
  auto r = run_geo_chaos(1, 4000, /*leak=*/false, /*unscoped_flush=*/true);
  EXPECT_FALSE(r.ok()) << r.summary;
  bool named = false;
  std::string all;
  for (const auto& v : r.violations) {
    named |= v.find("after a FLUSHALL") != std::string::npos ||
             v.find("missing at its home") != std::string::npos;
    all += v + "\n";
  }
  EXPECT_TRUE(named) << all;
}

// Seeded geo chaos: 200 seeds per `make test` (10 shards of 20).
class GeoChaos : public ::testing::TestWithParam<int> {};

TEST_P(GeoChaos, SeedsKeepEveryInvariant) {
  expect_seeds_pass([](uint64_t seed) { return run_geo_chaos(seed); },
                    static_cast<uint64_t>(GetParam()) * 20 + 1, 20,
                    "build/meridian simulate --geo --duration-ms 15000");
}

INSTANTIATE_TEST_SUITE_P(Shards, GeoChaos, ::testing::Range(0, 10));

}  // namespace
}  // namespace meridian::sim
