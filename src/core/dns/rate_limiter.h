#pragma once
// Response rate limiting for UDP answers (in the spirit of BIND's RRL): each
// client prefix (/24 for IPv4, /56 for IPv6 by default) gets `per_second`
// answers a second with a burst of as many; past that, every `slip`-th
// answer goes out truncated (TC, no records: a real client retries over
// TCP, a spoofed victim gets little) and the rest are dropped. Time comes
// from the caller: no clock here.
#include <cstdint>
#include <unordered_map>

#include "core/dns/client_location.h"

namespace meridian::dns {

class RateLimiter {
 public:
  enum class Action : uint8_t { kAnswer, kSlip, kDrop };
  RateLimiter(uint32_t per_second, int v4_prefix = 24, int v6_prefix = 56, uint32_t slip = 2)
      : rate_(per_second), v4_prefix_(v4_prefix), v6_prefix_(v6_prefix), slip_(slip) {}
  bool enabled() const { return rate_ > 0; }
  Action check(const Address& client, int64_t now_ms);
  uint64_t limited() const { return limited_; }

 private:
  struct Bucket {
    double tokens = 0;
    int64_t at_ms = 0;
    uint32_t over = 0;  // limited answers since the last one let through
  };
  uint32_t rate_;
  int v4_prefix_, v6_prefix_;
  uint32_t slip_;
  std::unordered_map<std::string, Bucket> buckets_;
  int64_t last_sweep_ms_ = 0;
  uint64_t limited_ = 0;
};

}  // namespace meridian::dns
