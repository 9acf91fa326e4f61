#pragma once
// The simulated WAN between regions: one-way delay per region pair with
// jitter, message loss and duplication, and partitions (full, one-way, one
// region isolated), all decided by a seeded SimRandom and delivered in virtual
// time by the shared SimScheduler. The same seed gives the same deliveries.
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>

#include "core/env/network.h"
#include "runtime/sim/sim_world.h"

namespace meridian::sim {

struct LinkFaults {
  double loss = 0;         // probability a message is dropped
  double duplicate = 0;    // probability it is delivered twice
  int64_t jitter_ms = 0;   // extra delay, uniform in [0, jitter_ms]
  bool keep_order = true;  // TCP-like links never reorder
};

class SimNetwork {
 public:
  SimNetwork(SimScheduler& scheduler, uint64_t seed) : scheduler_(scheduler), random_(seed) {}

  // Registers a region: its messages go to `handler`.
  void attach(RegionId region, MessageHandler handler) { handlers_[region] = std::move(handler); }

  // One-way delay from `a` to `b` and back (symmetric).
  void set_delay(RegionId a, RegionId b, int64_t one_way_ms);
  void set_faults(const LinkFaults& f) { faults_ = f; }

  // Partitions: traffic from `from` to `to` is dropped until healed.
  void block(RegionId from, RegionId to) { blocked_.insert({from, to}); }
  void unblock(RegionId from, RegionId to) { blocked_.erase({from, to}); }
  void isolate(RegionId region);
  void heal() { blocked_.clear(); }

  // The Network a region's core sends through.
  std::unique_ptr<Network> endpoint(RegionId self);

  uint64_t dropped() const { return dropped_; }

  // Sees every message a region sends, before faults act on it (tests check
  // what may travel where).
  std::function<void(RegionId from, RegionId to, std::string_view message)> observe;

 private:
  void send(RegionId from, RegionId to, std::string message);
  void deliver_at(int64_t at, RegionId from, RegionId to, std::string message);
  bool chance(double p) { return p > 0 && random_.next_u64() < p * 18446744073709551615.0; }

  SimScheduler& scheduler_;
  SimRandom random_;
  LinkFaults faults_;
  std::map<std::pair<RegionId, RegionId>, int64_t> delay_;
  std::map<std::pair<RegionId, RegionId>, int64_t> last_arrival_;  // for keep_order
  std::set<std::pair<RegionId, RegionId>> blocked_;
  std::map<RegionId, MessageHandler> handlers_;
  uint64_t dropped_ = 0;
};

// A region's clock: the shared virtual time plus a fixed skew, to test
// regions whose clocks disagree.
class SkewedClock final : public Clock {
 public:
  SkewedClock(Clock& base, int64_t skew_ms) : base_(base), skew_(skew_ms) {}
  int64_t now_ms() override { return base_.now_ms() + skew_; }

 private:
  Clock& base_;
  const int64_t skew_;
};

}  // namespace meridian::sim
