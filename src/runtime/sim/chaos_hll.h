#pragma once
// HyperLogLogs in the replication chaos run (chaos.cc): the commands, and
// what the checker asks of them beyond convergence.
//
// Keys: y0-y2 under crdt, only ever raised (PFADD, PFMERGE among them);
// x0-x2 under crdt and ky0-ky2 under lww, also deleted, expired, renamed
// and copied. Elements come from a small shared pool, so regions raise the
// same registers concurrently.
//
// Checked after healing: every region counts every HLL alike (PFCOUNT's
// estimate), and no acknowledged PFADD to a y key is lost: each register
// holds at least the rank each of its elements brought (registers merge by
// maximum; nothing deletes y keys).
#include <map>
#include <string>
#include <vector>

#include "runtime/sim/chaos_ops.h"

namespace meridian::sim {

class SimCluster;

std::vector<std::string> hll_op(const Pick& pick, std::string* key);

class HllChecker {
 public:
  // A PFADD (argv) whose reply said it was committed.
  void acknowledged(const std::vector<std::string>& argv);
  // Violations found in the healed cluster, for the run's report.
  std::vector<std::string> check(SimCluster& cluster) const;

 private:
  std::map<std::string, std::vector<std::string>> added_;  // y key -> elements
};

}  // namespace meridian::sim
