#pragma once
// `meridian restore`: puts a backup back into a region's data directory,
// showing progress. The region must not be running. A serving region
// restores its own backups (then catches up from its peers when started); a
// backup-restore region restores the newest backup of any serving region
// that was copied into its backup_dir, and then runs standalone.
#include <cstdint>
#include <string>

#include "config/cluster_config.h"

namespace meridian {

struct RestoreRequest {
  std::string region;      // whose data directory to fill
  std::string data_root;   // the region's data goes to data_root/region
  std::string from;        // whose backup (default: see above)
  std::string backup_dir;  // read backups here instead of the configured places
  uint32_t backup_id = 0;  // 0: the newest
  bool force = false;      // replace a database already in the data directory
};

// Returns the process exit code.
int run_restore(const ClusterConfig& cfg, const RestoreRequest& req);

}  // namespace meridian
