#pragma once
// The operator commands: `meridian status`, `history`, `switchover`,
// `failover`, `backup`. They talk to the regions' client ports (MR.FAILOVER) and
// print what they found. Each returns the process exit code.
#include <string>

#include "config/cluster_config.h"

namespace meridian {

int admin_status(const ClusterConfig& cfg, const std::string& region, bool json);
int admin_history(const ClusterConfig& cfg, const std::string& region, bool json);
int admin_move(const ClusterConfig& cfg, const std::string& to, bool planned, int timeout_s);
// `meridian backup`: starts a backup in a running region and shows its
// progress until it is done.
int admin_backup(const ClusterConfig& cfg, const std::string& region, int timeout_s);

}  // namespace meridian
