#pragma once
// CLIENT PAUSE: holds client commands, all of them or only those that may
// write, until a deadline or CLIENT UNPAUSE. A held client waits in arrival
// order and runs its command when the pause ends. While a pause is in force
// no key expires (as Redis: a paused server's data must stay as it is, e.g.
// while a failover moves clients to another region).
#include <cstdint>
#include <functional>
#include <utility>
#include <vector>

#include "core/env/clock.h"
#include "core/env/lifetime.h"
#include "core/env/scheduler.h"

namespace meridian {

class ClientPause {
 public:
  // `on_change(true)` when a pause starts, `on_change(false)` when it ends.
  ClientPause(Clock& clock, Scheduler& scheduler, std::function<void(bool)> on_change);

  // Pauses until `until_ms` (wall ms). Two pauses combine as Redis combines
  // them: the later deadline and the stricter mode hold.
  void pause(int64_t until_ms, bool all);
  // Ends any pause now and releases the held clients.
  void unpause();
  // Whether a command must wait now: every command under ALL, those that
  // may write under WRITE.
  bool holds(bool may_write);
  // Calls `release` once the pause ends. Each client holds at most one
  // entry (what it pipelined after the held command waits behind it) and
  // drops it when it closes, so the queue is bounded by the open clients.
  void hold(const void* client, std::function<void()> release);
  void drop(const void* client);
  size_t held() const { return held_.size(); }
  bool active();

 private:
  enum class Mode { kOff, kWrite, kAll };
  void arm(int64_t delay_ms);
  void check();

  Clock& clock_;
  Scheduler& scheduler_;
  std::function<void(bool)> on_change_;
  Mode mode_ = Mode::kOff;
  int64_t until_ms_ = 0;
  std::vector<std::pair<const void*, std::function<void()>>> held_;
  Lifetime lifetime_;
};

}  // namespace meridian
