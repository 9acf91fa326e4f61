#pragma once
// Test helper: the simulated three-region cluster most replication tests use.
#include "runtime/sim/sim_cluster.h"

namespace meridian::sim {

// One-way delays: r1-r2 35 ms, r1-r3 50 ms, r2-r3 100 ms.
inline SimClusterOptions three_regions() {
  SimClusterOptions o;
  o.regions = 3;
  o.one_way_ms = {{0, 35, 50}, {35, 0, 100}, {50, 100, 0}};
  o.replication.heartbeat_ms = 50;
  return o;
}

}  // namespace meridian::sim
