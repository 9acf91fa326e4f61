#pragma once
// The region's network while commits are pipelined: messages the core sends
// at the end of a pass (after its commit started) are held until that commit
// is durable, like the pass's replies; a crash can then never take back a
// write another region has already seen.
#include <string>
#include <utility>
#include <vector>

#include "core/env/network.h"

namespace meridian {

class HeldNetwork final : public Network {
 public:
  using Messages = std::vector<std::pair<RegionId, std::string>>;

  explicit HeldNetwork(Network& inner) : inner_(inner) {}

  // While holding, send() queues; otherwise it passes straight through.
  void hold(bool on) { holding_ = on; }
  // What was held since the last take, in order; counted as queued until
  // released.
  Messages take() {
    Messages out;
    out.swap(held_);
    return out;
  }
  void release(Messages&& messages) {
    for (auto& [to, m] : messages) {
      held_bytes_ -= m.size();
      inner_.send(to, std::move(m));
    }
  }

  void send(RegionId to, std::string message) override {
    if (!holding_) return inner_.send(to, std::move(message));
    held_bytes_ += message.size();
    held_.emplace_back(to, std::move(message));
  }
  // Held messages count as queued: the replicator must not take them for lost.
  size_t queued_bytes(RegionId to) const override { return inner_.queued_bytes(to) + held_bytes_; }
  std::string refusal(RegionId peer) const override { return inner_.refusal(peer); }

 private:
  Network& inner_;
  bool holding_ = false;
  Messages held_;
  size_t held_bytes_ = 0;  // held or taken, not yet released (any peer)
};

}  // namespace meridian
