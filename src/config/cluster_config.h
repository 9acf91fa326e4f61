#pragma once
// The topology file: every region of the cluster and the server settings,
// loaded from TOML and validated. A bad file is refused with a ConfigError
// naming the file, line and field.
#include <stdexcept>
#include <string>
#include <vector>

#include "core/region_settings.h"

namespace meridian {

class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HostPort {
  std::string host;
  uint16_t port = 0;
  std::string str() const { return host + ":" + std::to_string(port); }
};

struct RegionConfig {
  std::string name;
  RegionId id = 0;
  HostPort client, peer, http;
  std::string jurisdiction;
  double latitude = 0, longitude = 0;
};

struct ClusterConfig {
  std::string path;
  std::string log_level = "info";
  RegionSettings server;  // shared settings; region fields filled by settings_for
  std::vector<RegionConfig> regions;

  const RegionConfig* find(const std::string& name) const;
  RegionSettings settings_for(const RegionConfig& region) const;
};

// Throws ConfigError.
ClusterConfig load_cluster_config(const std::string& path);
// Parses "host:port"; false if malformed.
bool parse_host_port(const std::string& s, HostPort* out);

}  // namespace meridian
