#include "core/region/client_pause.h"

#include <algorithm>
#include <utility>

namespace meridian {

ClientPause::ClientPause(Clock& clock, Scheduler& scheduler, std::function<void(bool)> on_change)
    : clock_(clock), scheduler_(scheduler), on_change_(std::move(on_change)) {}

void ClientPause::pause(int64_t until_ms, bool all) {
  const bool was_active = active();
  mode_ = std::max(mode_, all ? Mode::kAll : Mode::kWrite);
  until_ms_ = std::max(until_ms_, until_ms);
  if (!was_active && on_change_) on_change_(true);
  arm(until_ms_ - clock_.now_ms());
}

void ClientPause::arm(int64_t delay_ms) {
  scheduler_.after(std::max<int64_t>(delay_ms, 0), lifetime_.guard([this] { check(); }));
}

void ClientPause::check() {
  if (mode_ == Mode::kOff) return;
  const int64_t left = until_ms_ - clock_.now_ms();
  // A later pause moved the deadline: this timer's turn is not yet.
  if (left > 0) return arm(left);
  unpause();
}

bool ClientPause::active() {
  // Ends a pause whose deadline passed before its timer fired, so the
  // clients it held run before any that arrive now.
  if (mode_ != Mode::kOff && clock_.now_ms() >= until_ms_) unpause();
  return mode_ != Mode::kOff;
}

bool ClientPause::holds(bool may_write) {
  if (!active()) return false;
  return mode_ == Mode::kAll || may_write;
}

void ClientPause::hold(const void* client, std::function<void()> release) {
  held_.emplace_back(client, std::move(release));
}

void ClientPause::drop(const void* client) {
  std::erase_if(held_, [client](const auto& h) { return h.first == client; });
}

void ClientPause::unpause() {
  if (mode_ == Mode::kOff) return;
  mode_ = Mode::kOff;
  until_ms_ = 0;
  if (on_change_) on_change_(false);
  // A released command may pause again (or be held again by a pause that
  // starts meanwhile): it queues anew, not on this list.
  auto released = std::move(held_);
  held_.clear();
  for (auto& [client, release] : released) release();
}

}  // namespace meridian
