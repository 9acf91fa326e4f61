#pragma once
// What a region's core needs to know from the configuration. Pure data: the
// TOML loader (src/config) fills it; the core never reads files.
#include <cstdint>
#include <map>
#include <string>

#include "core/data/version_vector.h"
#include "core/protocol/request_parser.h"

namespace meridian {

enum class FsyncMode { kAlways, kEverySec, kNo };

struct RegionSettings {
  std::string cluster_name = "local";
  std::string region_name = "local";
  RegionId region_id = 1;
  FsyncMode fsync = FsyncMode::kEverySec;
  int64_t maxclients = 10000;
  ParserLimits limits;
  bool enable_flushall = false;
  int hz = 10;  // active expiry cycles per second
  // Budget of the in-memory cache of key records (0: off).
  size_t cache_bytes = 256u << 20;
  // Password of the default user; empty: no password.
  std::string requirepass;
  // Further users: name -> password.
  std::map<std::string, std::string> users;
  // Shown by INFO.
  std::string tcp_address;

  bool auth_required() const { return !requirepass.empty() || !users.empty(); }
};

}  // namespace meridian
