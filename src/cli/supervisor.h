#pragma once
// `meridian up`: starts one `meridian server` process per region of the
// config, restarts any that dies (with backoff), and stops them all on
// SIGINT/SIGTERM.
#include <string>

#include "config/cluster_config.h"

namespace meridian {

// Returns the process exit code.
int supervise(const std::string& self_exe, const ClusterConfig& config,
              const std::string& data_dir);

}  // namespace meridian
