#pragma once
// `meridian top --config FILE`: the cluster at a glance in a terminal,
// refreshed: every region's state (up, role, epoch), its rates (commands and
// conflicts per second), keys, clients, peer links and replication lag, and
// the primary the regions agree on. Read from each region's GET /metrics.
#include "config/cluster_config.h"

namespace meridian {

// Refreshes every `interval_ms` until interrupted, or `frames` times (> 0).
// Returns the process exit code.
int run_top(const ClusterConfig& cfg, int interval_ms, int frames);

}  // namespace meridian
