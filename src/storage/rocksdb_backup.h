#pragma once
// Backups of a region's RocksDB database with RocksDB's BackupEngine: made
// by a running server (BGSAVE, MR.BACKUP, the [backup] schedule) into each
// destination directory, and restored by `meridian restore` into a data
// directory. A backup directory may hold many backups; table files shared
// between them are stored once, so each backup copies only what changed.
#include <rocksdb/db.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace meridian::backup {

struct Info {
  uint32_t id = 0;
  int64_t timestamp = 0;  // Unix seconds when it was made
  uint64_t size = 0;      // bytes of its files
  uint32_t files = 0;
};

// Bytes in the database's live files: at most what a backup copies.
uint64_t live_bytes(rocksdb::DB* db);

// Makes a backup of `db` in `dir` (created if needed), then deletes all but
// the newest `keep` there. `on_bytes(copied)` reports progress about every
// MiB, from this thread. Setting `*cancel` stops it early (it then throws).
// Throws StorageError with RocksDB's reason.
Info create(rocksdb::DB* db, const std::string& dir, int keep,
            const std::function<void(uint64_t copied)>& on_bytes, std::atomic<bool>* cancel);

// The backups in `dir`, oldest first; empty when there are none.
std::vector<Info> list(const std::string& dir);

// Restores backup `id` (0: the newest) of `dir` into `db_dir`, which must not
// hold a database yet. `on_progress(done, total)` is called about every
// 100 ms while files are copied, and once at the end. Throws StorageError.
Info restore(const std::string& dir, uint32_t id, const std::string& db_dir,
             const std::function<void(uint64_t done, uint64_t total)>& on_progress);

}  // namespace meridian::backup
