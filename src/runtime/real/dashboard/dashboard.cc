#include "runtime/real/dashboard/dashboard.h"

#include <nlohmann/json.hpp>

namespace meridian {
namespace {

constexpr size_t kConflictsShown = 8;

nlohmann::json dashboard_json(Region& region, const std::vector<DashboardRegion>& map) {
  const int64_t now = region.now_ms();
  auto failover = nlohmann::json::parse(region.failover().status_json());
  auto replication = nlohmann::json::parse(region.replicator().status_json(now));
  nlohmann::json j;
  j["cluster"] = region.settings().cluster_name;
  j["region"] = region.settings().region_name;
  j["time_ms"] = now;
  j["view"] = {{"epoch", failover["epoch"]},
               {"primary", failover["primary"]},
               {"pattern", failover["pattern"]},
               {"holds_lease", failover["holds_lease"]},
               {"accepts_writes", failover["accepts_writes"]}};
  j["agreed"] = failover["agreed"];
  j["regions"] = nlohmann::json::array();
  for (const auto& d : map) {
    nlohmann::json r = {{"name", d.name}, {"latitude", d.latitude}, {"longitude", d.longitude}};
    r["self"] = d.name == region.settings().region_name;
    if (r["self"]) r["id"] = replication["region_id"];
    for (const auto& f : failover["regions"]) {
      if (f["name"] != d.name) continue;
      for (const char* k : {"health", "role", "tier", "epoch", "says_primary", "reads_per_sec",
                            "writes_per_sec", "applied", "rtt_ms"}) {
        if (f.contains(k)) r[k] = f[k];
      }
    }
    for (const auto& p : replication["peers"]) {
      if (p["name"] != d.name) continue;
      r["id"] = p["id"];
      r["link"] = p["link"];
      r["lag_ms"] = p["lag_ms"];
      r["lag_ops"] = p["lag_ops"];
    }
    // A region the failover manager does not check (no peers configured).
    if (!r.contains("health")) r["health"] = "unknown";
    j["regions"].push_back(std::move(r));
  }
  const Stats& st = region.stats();
  j["counters"] = {{"keys", region.keyspace().key_count()},
                   {"clients", st.connected_clients},
                   {"commands", st.total_commands_processed}};
  if (region.memory != nullptr) j["counters"]["rss_bytes"] = region.memory->sample().resident;
  const ConflictFeed& feed = region.conflicts();
  const uint64_t last = feed.last_id();
  auto conflicts = nlohmann::json::parse(feed.json(
      last > kConflictsShown ? last - kConflictsShown : 0, kConflictsShown, region.region_names()));
  j["conflicts"] = conflicts["conflicts"];
  j["conflict_counts"] = conflicts["counts"];
  j["history"] = nlohmann::json::parse(region.failover().history_json());
  return j;
}

}  // namespace

std::optional<int> serve_dashboard(const std::string& path, Region& region,
                                   const std::vector<DashboardRegion>& map, std::string* body,
                                   std::string* content_type) {
  if (path == "/dashboard.json") {
    *body = dashboard_json(region, map).dump() + "\n";
    *content_type = "application/json";
    return 200;
  }
  auto asset = dashboard_asset(path == "/" ? "/index.html" : path);
  if (!asset) return std::nullopt;
  body->assign(asset->body, asset->size);
  *content_type = asset->content_type;
  return 200;
}

}  // namespace meridian
