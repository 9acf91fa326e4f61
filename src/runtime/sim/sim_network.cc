#include "runtime/sim/sim_network.h"

#include <algorithm>

namespace meridian::sim {
namespace {

class Endpoint final : public Network {
 public:
  Endpoint(RegionId self, std::function<void(RegionId, RegionId, std::string)> send)
      : self_(self), send_(std::move(send)) {}
  void send(RegionId to, std::string message) override { send_(self_, to, std::move(message)); }

 private:
  RegionId self_;
  std::function<void(RegionId, RegionId, std::string)> send_;
};

}  // namespace

void SimNetwork::set_delay(RegionId a, RegionId b, int64_t one_way_ms) {
  delay_[{a, b}] = one_way_ms;
  delay_[{b, a}] = one_way_ms;
}

void SimNetwork::isolate(RegionId region) {
  for (const auto& [other, handler] : handlers_) {
    if (other == region) continue;
    block(region, other);
    block(other, region);
  }
}

std::unique_ptr<Network> SimNetwork::endpoint(RegionId self) {
  return std::make_unique<Endpoint>(
      self, [this](RegionId from, RegionId to, std::string m) { send(from, to, std::move(m)); });
}

void SimNetwork::send(RegionId from, RegionId to, std::string message) {
  if (observe) observe(from, to, message);
  if (blocked_.count({from, to}) || chance(faults_.loss)) {
    ++dropped_;
    return;
  }
  auto d = delay_.find({from, to});
  int64_t delay = d == delay_.end() ? 0 : d->second;
  if (faults_.jitter_ms > 0) {
    delay += static_cast<int64_t>(random_.uniform(static_cast<uint64_t>(faults_.jitter_ms) + 1));
  }
  int64_t at = scheduler_.now() + delay;
  if (faults_.keep_order) {
    // A later message on the same link never arrives before an earlier one.
    auto& last = last_arrival_[{from, to}];
    at = std::max(at, last);
    last = at;
  }
  if (chance(faults_.duplicate)) deliver_at(at, from, to, message);
  deliver_at(at, from, to, std::move(message));
}

void SimNetwork::deliver_at(int64_t at, RegionId from, RegionId to, std::string message) {
  scheduler_.at(at, [this, from, to, m = std::move(message)]() mutable {
    // Partitions also cut messages already in flight, as a cable cut would.
    auto h = handlers_.find(to);
    if (h == handlers_.end() || blocked_.count({from, to})) {
      ++dropped_;
      return;
    }
    h->second(from, std::move(m));
  });
}

}  // namespace meridian::sim
