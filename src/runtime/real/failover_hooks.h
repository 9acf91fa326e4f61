#pragma once
// Runs the configured failover hooks (the design text's callbacks) when the
// primary changes: a shell command with the details in MERIDIAN_*
// environment variables, and/or an HTTP POST of the details as JSON. Each
// runs on its own detached thread, so a slow hook never stalls the region.
#include <map>
#include <string>

#include "core/failover/failover_manager.h"

namespace meridian {

struct FailoverHooks {
  std::string command;  // run with /bin/sh -c
  std::string url;      // http://host:port/path
};

// The details of a change as JSON (also the POST body).
std::string change_json(const PrimaryChange& c, const std::map<RegionId, std::string>& names,
                        RegionId original_primary);

void run_hooks(const FailoverHooks& hooks, const PrimaryChange& c,
               const std::map<RegionId, std::string>& names, RegionId original_primary);

}  // namespace meridian
