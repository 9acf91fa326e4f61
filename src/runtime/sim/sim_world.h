#pragma once
// The deterministic runtime: virtual time, seeded randomness and timers fired
// in time order. Nothing here reads the real clock or the OS, so a seed
// replays a run exactly.
#include <cstdint>
#include <functional>
#include <queue>
#include <vector>

#include "core/env/clock.h"
#include "core/env/random.h"
#include "core/env/scheduler.h"

namespace meridian::sim {

class SimClock final : public Clock {
 public:
  explicit SimClock(int64_t start_ms) : now_(start_ms) {}
  int64_t now_ms() override { return now_; }
  void set(int64_t ms) { now_ = ms; }

 private:
  int64_t now_;
};

// xoshiro256** seeded through splitmix64: small, fast, and the same on every
// platform (std::mt19937 distributions are not).
class SimRandom final : public Random {
 public:
  explicit SimRandom(uint64_t seed);
  uint64_t next_u64() override;

 private:
  uint64_t s_[4];
};

// Owns virtual time. Timers due at the same time fire in the order they were
// scheduled.
class SimScheduler final : public Scheduler {
 public:
  explicit SimScheduler(SimClock& clock) : clock_(clock) {}
  void after(int64_t delay_ms, std::function<void()> fn) override;
  // Runs `fn` at virtual time `at_ms` (now, if that has passed).
  void at(int64_t at_ms, std::function<void()> fn);
  int64_t now() const { return clock_.now_ms(); }
  // Advances virtual time by `ms`, firing every timer due on the way.
  void advance(int64_t ms);

 private:
  struct Timer {
    int64_t at;
    uint64_t order;
    std::function<void()> fn;
  };
  struct Later {
    bool operator()(const Timer& a, const Timer& b) const {
      return a.at != b.at ? a.at > b.at : a.order > b.order;
    }
  };
  SimClock& clock_;
  uint64_t next_order_ = 0;
  std::priority_queue<Timer, std::vector<Timer>, Later> queue_;
};

}  // namespace meridian::sim
