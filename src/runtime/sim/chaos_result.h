#pragma once
// What a seeded chaos run of the simulator found (chaos.h, failover_chaos.h,
// geo_chaos.h): the violations of its invariants, if any.
#include <cstdint>
#include <string>
#include <vector>

namespace meridian::sim {

struct ChaosResult {
  uint64_t seed = 0;
  std::vector<std::string> violations;
  std::string summary;  // what the run did, one line
  uint64_t digest = 0;  // of every region's final data, where the harness computes it
  bool ok() const { return violations.empty(); }
};

}  // namespace meridian::sim
