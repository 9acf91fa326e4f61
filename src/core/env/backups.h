#pragma once
// Backups of a region's storage. The runtime makes them (the real one with
// RocksDB's BackupEngine on a worker thread, copied into every configured
// destination); the core only starts one and reports its state, through
// BGSAVE, LASTSAVE, MR.BACKUP and INFO persistence.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace meridian {

struct BackupState {
  bool in_progress = false;
  // Bytes copied and to copy, of the running backup (or the last one).
  uint64_t bytes_done = 0, bytes_total = 0;
  // The last finished backup: "ok", "err" or "none" yet.
  std::string last_status = "none";
  std::string last_error;
  uint32_t last_id = 0;  // BackupEngine's id of the last good backup
  // Wall-clock Unix ms when the last good backup started (what it holds is
  // the data committed then) and finished (LASTSAVE, in seconds); 0: never.
  int64_t last_started_unix_ms = 0;
  int64_t last_ok_unix_ms = 0;
  int64_t last_duration_ms = 0;  // how long the last backup took
  uint64_t last_bytes = 0;       // its size
  uint64_t ok_count = 0, failed_count = 0;
  std::vector<std::string> destinations;
};

class Backups {
 public:
  virtual ~Backups() = default;
  // Starts a backup in the background. Returns an error (Redis' wording
  // where it has one) when a backup is already running.
  virtual std::optional<std::string> start() = 0;
  virtual BackupState state() const = 0;
};

}  // namespace meridian
