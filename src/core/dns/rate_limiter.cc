#include "core/dns/rate_limiter.h"

#include <algorithm>
#include <string>

namespace meridian::dns {

RateLimiter::Action RateLimiter::check(const Address& client, int64_t now_ms) {
  if (rate_ == 0) return Action::kAnswer;
  // The client's prefix, as a map key.
  int bits = client.v4 ? 96 + v4_prefix_ : v6_prefix_;
  std::string key(reinterpret_cast<const char*>(client.bytes.data()), 16);
  for (int i = bits; i < 128; ++i)
    key[static_cast<size_t>(i / 8)] &= static_cast<char>(~(0x80 >> (i % 8)));
  // Forget idle prefixes now and then, so the table stays small.
  if (now_ms - last_sweep_ms_ > 10000) {
    for (auto it = buckets_.begin(); it != buckets_.end();) {
      it = now_ms - it->second.at_ms > 10000 ? buckets_.erase(it) : std::next(it);
    }
    last_sweep_ms_ = now_ms;
  }
  auto [it, fresh] = buckets_.try_emplace(key);
  Bucket& b = it->second;
  if (fresh) {
    b.tokens = rate_;
    b.at_ms = now_ms;
  }
  b.tokens =
      std::min<double>(rate_, b.tokens + static_cast<double>(now_ms - b.at_ms) * rate_ / 1000.0);
  b.at_ms = now_ms;
  if (b.tokens >= 1) {
    b.tokens -= 1;
    b.over = 0;
    return Action::kAnswer;
  }
  ++limited_;
  ++b.over;
  return slip_ > 0 && b.over % slip_ == 0 ? Action::kSlip : Action::kDrop;
}

}  // namespace meridian::dns
