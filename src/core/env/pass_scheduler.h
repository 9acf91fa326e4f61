#pragma once
// One event, then one pass. A runtime hands the core three kinds of event:
// client bytes, peer messages and timers. After each it ends the region's
// pass (Region::end_pass: commit, then send), so no part of the core ever
// starts a commit itself. For timers a runtime gives the core this
// Scheduler, which follows every callback it fires with `end_pass`.
#include <cstdint>
#include <functional>
#include <memory>
#include <utility>

#include "core/env/lifetime.h"
#include "core/env/scheduler.h"

namespace meridian {

class PassScheduler final : public Scheduler {
 public:
  // `inner` fires the timers; `end_pass` ends the pass after each (the real
  // runtime defers it to the end of the current event-loop turn, so timers
  // due together share one commit).
  PassScheduler(Scheduler& inner, std::function<void()> end_pass)
      : inner_(inner), end_pass_(std::move(end_pass)) {}
  // Timers still queued after this scheduler is gone run without a pass:
  // the region they belonged to is gone too.
  ~PassScheduler() override = default;
  PassScheduler(const PassScheduler&) = delete;
  PassScheduler& operator=(const PassScheduler&) = delete;

  void after(int64_t delay_ms, std::function<void()> fn) override {
    inner_.after(delay_ms,
                 [fn = std::move(fn), end = lifetime_.guard([this] { end_pass_(); })]() mutable {
                   fn();
                   end();
                 });
  }

 private:
  Scheduler& inner_;
  std::function<void()> end_pass_;
  Lifetime lifetime_;
};

}  // namespace meridian
