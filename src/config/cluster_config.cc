// load_cluster_config: parses the TOML file and runs the section loaders
// (config_sections.h); and the ClusterConfig queries the runtime asks.
#include "config/cluster_config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>

#include "config/config_report.h"
#include "config/config_sections.h"

namespace meridian {

bool parse_host_port(const std::string& s, HostPort* out) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int64_t port = 0;
  for (size_t i = colon + 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    port = port * 10 + (s[i] - '0');
    if (port > 65535) return false;
  }
  if (port < 1) return false;
  out->host = host;
  out->port = static_cast<uint16_t>(port);
  return true;
}

const RegionConfig* ClusterConfig::find(const std::string& name) const {
  for (const auto& r : regions)
    if (r.name == name) return &r;
  return nullptr;
}

size_t ClusterConfig::serving_count() const {
  return static_cast<size_t>(std::count_if(regions.begin(), regions.end(),
                                           [](const RegionConfig& r) { return r.serving(); }));
}

std::vector<std::string> ClusterConfig::backup_destinations(const RegionConfig& region,
                                                            const std::string& data_root) const {
  // Sovereignty: a DR region receives `region`'s backups only if it may
  // hold every key `region` may hold.
  auto may_receive = [&](const RegionConfig& dr) {
    for (const auto& rule : server.placement.rules) {
      for (const auto& [home, set] : rule.allowed) {
        bool holds = std::find(set.begin(), set.end(), region.id) != set.end();
        if (holds && std::find(set.begin(), set.end(), dr.id) == set.end()) return false;
      }
    }
    return true;
  };
  std::vector<std::string> out;
  for (const auto& r : regions) {
    if (!r.serving() && may_receive(r)) {
      out.push_back((std::filesystem::path(r.backup_dir) / region.name).string());
    }
  }
  if (out.empty()) {
    out.push_back((std::filesystem::path(data_root) / "backups" / region.name).string());
  }
  return out;
}

RegionSettings ClusterConfig::settings_for(const RegionConfig& region) const {
  RegionSettings s = server;
  s.region_name = region.name;
  s.region_id = region.id;
  s.tcp_address = region.client.str();
  s.replication.regions.clear();
  for (const auto& r : regions) {
    if (r.id == region.id || (r.serving() && region.serving())) {
      s.replication.regions.push_back({r.id, r.name, r.client.str(), r.tier});
    }
  }
  return s;
}

TlsConfig ClusterConfig::tls_for(const RegionConfig& region) const {
  TlsConfig t = tls;
  if (!region.tls_cert_file.empty()) t.cert_file = region.tls_cert_file;
  if (!region.tls_key_file.empty()) t.key_file = region.tls_key_file;
  return t;
}

std::pair<int64_t, int64_t> ClusterConfig::wan_delay(const std::string& a,
                                                     const std::string& b) const {
  for (const auto& w : wan) {
    if ((w.a == a && w.b == b) || (w.a == b && w.b == a)) return {w.one_way_ms, w.jitter_ms};
  }
  return {0, 0};
}

ClusterConfig load_cluster_config(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    std::string where = path;
    if (b.line > 0) where += ":" + std::to_string(b.line) + ":" + std::to_string(b.column);
    throw ConfigError(where + ": " + std::string(e.description()));
  }
  using namespace config_detail;
  Reporter r(path);
  ClusterConfig cfg;
  cfg.path = path;
  r.only_known(root, "",
               {"cluster", "server", "users", "regions", "replication", "keyspaces", "wan",
                "failover", "backup", "placement", "dns", "tls"});
  load_cluster(r, root, cfg);
  load_server(r, root, cfg);
  load_users(r, root, cfg);
  load_regions(r, root, cfg);
  // After [[regions]]: these sections are checked against the region list.
  load_replication(r, root, cfg);
  load_keyspaces(r, root, cfg);
  load_failover(r, root, cfg);
  load_wan(r, root, cfg);
  load_backup(r, root, cfg);
  load_placement(r, root, cfg);
  load_dns(r, root, cfg);
  load_tls(r, root, cfg);
  check_placement_write_modes(r, root, cfg);
  return cfg;
}

}  // namespace meridian
