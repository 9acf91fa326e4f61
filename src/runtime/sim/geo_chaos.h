#pragma once
// Seeded chaos for geo-partitioning: four regions r1 (US), r2 and r3 (EU),
// r4 (IN); keys "eu:*" live in r2 (home) and r3, keys "prof:<CC>:*" in the
// home their country code maps to (its jurisdiction only), other keys
// everywhere. Clients connect to random regions and write and read all
// three kinds (routed home) under partitions, crashes, log truncation (full
// resyncs) and home-role failover. Checked on every simulated message and
// at the end:
// - no message to a region outside a key's allowed set carries that key's
//   name or value (replies to a client's own proxied command excepted:
//   they go back to the client through the region it is connected to);
// - no record in the storage of such a region holds them;
// - every acknowledged write of a homed key is in its home at the end,
//   though non-EU regions (r1, r4) run FLUSHALL now and then: a FLUSHALL
//   clears only what its region may hold;
// - the global keys converge in every region.
#include <cstdint>

#include "runtime/sim/chaos_result.h"

namespace meridian::sim {

// Test hooks (the checker must then report violations): leak turns off the
// replicator's filter; unscoped_flush makes a FLUSHALL clear every key in
// every region, as before FLUSHALLs were scoped by placement.
ChaosResult run_geo_chaos(uint64_t seed, int64_t duration_ms = 15000, bool leak = false,
                          bool unscoped_flush = false);

}  // namespace meridian::sim
