#pragma once
// A seeded chaos run of a whole cluster in the simulator, and the checker
// that judges it. One seed decides everything: the number of regions, the
// latency matrix, loss, duplication, reordering, clock skew, the client
// workload (writes in every mode, leader, quorum and session reads) and the
// faults (partitions full, one-way and isolating; crashes between passes
// and in the middle of one). The same seed replays the same run exactly.
//
// Invariants checked:
// - convergence: once faults heal, every region holds identical data;
// - no acknowledged write is lost: every write a client got a reply for
//   (OK, or NOTREPLICATED: committed locally) is in the final state or was
//   superseded by a later write (last-writer-wins);
// - sync / semi-sync N: when the reply came, N other regions had applied
//   the write, and a region that applied it still has it after a restart;
// - per-origin apply order: each region applies each origin's writes in
//   increasing sequence, never twice;
// - HLC: a region's own writes get increasing timestamps, across restarts;
// - reads: a session read sees the session's write; a quorum read sees
//   every write acknowledged under sync before it started;
// - HyperLogLogs: every region counts each alike, and no acknowledged
//   PFADD's raise is lost (chaos_hll.h).
#include <cstdint>

#include "runtime/sim/chaos_result.h"

namespace meridian::sim {

struct ChaosOptions {
  uint64_t seed = 1;
  int64_t duration_ms = 20000;  // virtual time with faults, before healing
  // Fault injection into the code under test: every region applies other
  // regions' deletes without their key-level voids (Keyspace::set_broken_join),
  // to show that the checker catches a broken delta join.
  bool broken_join = false;
};

ChaosResult run_chaos(const ChaosOptions& options);

}  // namespace meridian::sim
