#pragma once
// Messages a part of the core produced during a pass, held until the pass's
// writes are committed: nothing leaves the region that a crash could take
// back. Region::end_pass commits, then has each part send its outbox.
#include <string>
#include <utility>
#include <vector>

#include "core/base/assert.h"
#include "core/base/region_id.h"
#include "core/env/network.h"
#include "core/storage/storage.h"

namespace meridian {

class Outbox {
 public:
  explicit Outbox(Storage& storage) : storage_(storage) {}

  void add(RegionId to, std::string message) { queue_.emplace_back(to, std::move(message)); }
  // After the pass's commit: sends what was queued, in order. Without a
  // network (a region alone) the messages are dropped.
  void send_committed(Network* network) {
    MERIDIAN_ASSERT(!storage_.uncommitted(), "a pass commits before it sends");
    std::vector<std::pair<RegionId, std::string>> out;
    out.swap(queue_);
    if (network == nullptr) return;
    for (auto& [to, m] : out) network->send(to, std::move(m));
  }

 private:
  Storage& storage_;
  std::vector<std::pair<RegionId, std::string>> queue_;
};

}  // namespace meridian
