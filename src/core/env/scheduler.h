#pragma once
#include <cstdint>
#include <functional>

namespace meridian {

// Timers for the core. Callbacks run on the thread that drives the core, never
// concurrently with other core work. The real runtime uses Asio timers; the
// simulator fires them in virtual-time order. The core never commits from a
// callback: the runtime ends a pass after each (core/env/pass_scheduler.h).
class Scheduler {
 public:
  virtual ~Scheduler() = default;
  virtual void after(int64_t delay_ms, std::function<void()> fn) = 0;
};

}  // namespace meridian
