#pragma once
// Events per second from a counter that only grows, sampled now and then:
// the rate over the last window of at least `window_ms` between samples
// (a steadier figure than two consecutive samples give). No I/O: the caller
// passes the time.
#include <cstdint>

namespace meridian {

class RateMeter {
 public:
  explicit RateMeter(int64_t window_ms = 1000) : window_ms_(window_ms) {}

  void sample(int64_t now_ms, uint64_t total) {
    if (base_ms_ < 0 || total < base_total_ || now_ms < base_ms_) {
      // The first sample, or the counter restarted (the region did).
      base_ms_ = now_ms;
      base_total_ = total;
      rate_ = 0;
      return;
    }
    if (now_ms - base_ms_ < window_ms_) return;
    rate_ =
        static_cast<double>(total - base_total_) * 1000.0 / static_cast<double>(now_ms - base_ms_);
    base_ms_ = now_ms;
    base_total_ = total;
  }
  double per_second() const { return rate_; }

 private:
  int64_t window_ms_;
  int64_t base_ms_ = -1;
  uint64_t base_total_ = 0;
  double rate_ = 0;
};

}  // namespace meridian
