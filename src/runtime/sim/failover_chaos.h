#pragma once
// Seeded chaos for the failover manager: an active-passive cluster under
// primary isolation, one-way and flapping links, pair partitions and crashes,
// with a client writing under sync to whichever region is primary. Checked:
// - never two regions taking writes at the same virtual millisecond;
// - no write acknowledged under sync is lost;
// - a primary cut off from everyone is replaced within the configured bound;
// - no failover while the primary is healthy for a majority (no fault
//   touched it recently).
#include <cstdint>

#include "runtime/sim/chaos_result.h"

namespace meridian::sim {

ChaosResult run_failover_chaos(uint64_t seed, int64_t duration_ms = 20000);

}  // namespace meridian::sim
