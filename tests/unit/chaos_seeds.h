#pragma once
// Test helper: runs `count` seeds of a chaos harness from `first`, failing
// with each violation and the command that replays the seed.
#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <string>

#include "runtime/sim/chaos_result.h"

namespace meridian::sim {

inline void expect_seeds_pass(const std::function<ChaosResult(uint64_t seed)>& run, uint64_t first,
                              uint64_t count, const std::string& replay) {
  for (uint64_t seed = first; seed < first + count; ++seed) {
    ChaosResult r = run(seed);
    std::string all;
    for (const auto& v : r.violations) all += "\n  " + v;
    EXPECT_TRUE(r.ok()) << r.summary << all << "\nreplay: " << replay << " --seed " << seed;
  }
}

}  // namespace meridian::sim
