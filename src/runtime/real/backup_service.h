#pragma once
// The real runtime's backups (core/env/backups.h): RocksDB BackupEngine on a
// worker thread, into every destination in turn (the DR regions' backup
// directories), keeping the newest `keep` in each. The event loop only
// starts a backup and reads its state; nothing blocks it.
#include <atomic>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "core/env/backups.h"

namespace rocksdb {
class DB;
}

namespace meridian {

struct BackupOptions {
  std::vector<std::string> destinations;  // one directory per copy
  int keep = 24;
  int64_t interval_s = 0;  // scheduled backups (RegionServer's timer); 0: on demand only
};

class BackupService final : public Backups {
 public:
  // `db` must outlive this object.
  BackupService(rocksdb::DB* db, BackupOptions options, std::string region);
  // Stops a running backup early and waits for its thread.
  ~BackupService() override;
  BackupService(const BackupService&) = delete;
  BackupService& operator=(const BackupService&) = delete;

  std::optional<std::string> start() override;
  BackupState state() const override;
  const BackupOptions& options() const { return options_; }

 private:
  void run();

  rocksdb::DB* db_;
  BackupOptions options_;
  std::string region_;
  std::atomic<bool> cancel_{false};
  mutable std::mutex mu_;
  BackupState state_;
  std::thread worker_;
};

}  // namespace meridian
