#pragma once
#include <cstdint>

namespace meridian {

// The only source of randomness the core may use. The simulator seeds it.
class Random {
 public:
  virtual ~Random() = default;
  virtual uint64_t next_u64() = 0;
  // Uniform in [0, bound); bound must be > 0.
  uint64_t uniform(uint64_t bound) { return next_u64() % bound; }
};

}  // namespace meridian
