#include "core/replication/conflict_feed.h"

#include <nlohmann/json.hpp>

namespace meridian {

void ConflictFeed::add(crdt::ConflictEvent ev) {
  ev.id = next_id_++;
  ++counts_[crdt::policy_name(ev.policy)];
  events_.push_back(std::move(ev));
  while (events_.size() > capacity_) events_.pop_front();
}

std::vector<crdt::ConflictEvent> ConflictFeed::since(uint64_t since, size_t count) const {
  std::vector<crdt::ConflictEvent> out;
  for (const auto& e : events_) {
    if (e.id <= since) continue;
    if (out.size() >= count) break;
    out.push_back(e);
  }
  return out;
}

std::string ConflictFeed::json(uint64_t since_id, size_t count,
                               const std::map<RegionId, std::string>& region_names) const {
  auto name = [&](RegionId id) {
    auto it = region_names.find(id);
    return it != region_names.end() ? it->second : std::to_string(id);
  };
  auto version = [&](const crdt::ConflictSide& v) {
    return nlohmann::json{{"region", name(v.origin)},
                          {"hlc_ms", v.hlc.physical_ms()},
                          {"hlc_logical", v.hlc.logical()},
                          {"value", v.value}};
  };
  nlohmann::json j;
  j["last_id"] = last_id();
  j["counts"] = counts_;
  j["conflicts"] = nlohmann::json::array();
  for (const auto& e : since(since_id, count)) {
    j["conflicts"].push_back({{"id", e.id},
                              {"key", e.key},
                              {"field", e.field},
                              {"policy", crdt::policy_name(e.policy)},
                              {"reason", e.reason},
                              {"winner", version(e.winner)},
                              {"discarded", version(e.discarded)}});
  }
  return j.dump();
}

}  // namespace meridian
