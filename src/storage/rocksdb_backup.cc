#include "storage/rocksdb_backup.h"

#include <rocksdb/env.h>
#include <rocksdb/metadata.h>
#include <rocksdb/utilities/backup_engine.h>

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <system_error>
#include <thread>

#include "storage/rocksdb_storage.h"

namespace meridian::backup {
namespace {

constexpr uint64_t kProgressStep = 1 << 20;

void check(const rocksdb::Status& s, const std::string& what) {
  if (!s.ok()) throw StorageError(what + ": " + s.ToString());
}

Info info_of(const rocksdb::BackupInfo& b) {
  return Info{b.backup_id, b.timestamp, b.size, b.number_files};
}

uint64_t dir_bytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (auto it = std::filesystem::recursive_directory_iterator(dir, ec);
       !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
    std::error_code size_ec;
    if (it->is_regular_file(size_ec)) total += it->file_size(size_ec);
  }
  return total;
}

}  // namespace

uint64_t live_bytes(rocksdb::DB* db) {
  std::vector<rocksdb::LiveFileStorageInfo> files;
  if (!db->GetLiveFilesStorageInfo(rocksdb::LiveFilesStorageInfoOptions(), &files).ok()) return 0;
  uint64_t total = 0;
  for (const auto& f : files) total += f.size;
  return total;
}

Info create(rocksdb::DB* db, const std::string& dir, int keep,
            const std::function<void(uint64_t)>& on_bytes, std::atomic<bool>* cancel) {
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw StorageError("cannot create backup directory " + dir + ": " + ec.message());
  rocksdb::BackupEngineOptions opts(dir);
  opts.callback_trigger_interval_size = kProgressStep;
  opts.max_background_operations = 1;  // the event loop keeps the other core
  rocksdb::BackupEngine* raw = nullptr;
  check(rocksdb::BackupEngine::Open(opts, rocksdb::Env::Default(), &raw),
        "cannot open backup directory " + dir);
  std::unique_ptr<rocksdb::BackupEngine> engine(raw);
  uint64_t copied = 0;
  rocksdb::CreateBackupOptions create;
  // Only committed writes are in the database; flushing the memtable makes
  // the backup table files alone, with no live WAL to copy.
  create.flush_before_backup = true;
  create.progress_callback = [&] {
    copied += kProgressStep;
    if (on_bytes) on_bytes(copied);
    if (cancel != nullptr && cancel->load()) engine->StopBackup();
  };
  rocksdb::BackupID id = 0;
  check(engine->CreateNewBackup(create, db, &id), "backup into " + dir + " failed");
  check(engine->PurgeOldBackups(static_cast<uint32_t>(keep)),
        "cannot delete old backups in " + dir);
  rocksdb::BackupInfo b;
  check(engine->GetBackupInfo(id, &b), "cannot read the new backup in " + dir);
  return info_of(b);
}

std::vector<Info> list(const std::string& dir) {
  std::vector<Info> out;
  std::error_code ec;
  if (!std::filesystem::exists(std::filesystem::path(dir) / "meta", ec)) return out;
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  check(rocksdb::BackupEngineReadOnly::Open(rocksdb::BackupEngineOptions(dir),
                                            rocksdb::Env::Default(), &raw),
        "cannot open backup directory " + dir);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  for (const auto& b : infos) out.push_back(info_of(b));
  return out;
}

Info restore(const std::string& dir, uint32_t id, const std::string& db_dir,
             const std::function<void(uint64_t, uint64_t)>& on_progress) {
  std::error_code ec;
  if (std::filesystem::exists(std::filesystem::path(db_dir) / "CURRENT", ec)) {
    throw StorageError(db_dir + " already holds a database; move it away (or pass --force)");
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  check(rocksdb::BackupEngineReadOnly::Open(rocksdb::BackupEngineOptions(dir),
                                            rocksdb::Env::Default(), &raw),
        "cannot open backup directory " + dir);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  rocksdb::BackupInfo b;
  if (id == 0) {
    check(engine->GetLatestBackupInfo(&b), "no backup in " + dir);
  } else {
    check(engine->GetBackupInfo(id, &b), "no backup " + std::to_string(id) + " in " + dir);
  }
  std::filesystem::create_directories(db_dir, ec);
  if (ec) throw StorageError("cannot create " + db_dir + ": " + ec.message());
  // RocksDB has no progress callback for restores: copy on a thread and
  // report what has arrived in the target directory meanwhile.
  const uint64_t before = dir_bytes(db_dir);
  rocksdb::IOStatus status;
  std::mutex mu;
  std::condition_variable cv;
  bool done = false;
  std::thread worker([&] {
    auto s = engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), b.backup_id, db_dir, db_dir);
    std::lock_guard lock(mu);
    status = s;
    done = true;
    cv.notify_all();
  });
  {
    std::unique_lock lock(mu);
    while (!cv.wait_for(lock, std::chrono::milliseconds(100), [&] { return done; })) {
      if (!on_progress) continue;
      lock.unlock();
      uint64_t now = dir_bytes(db_dir);
      on_progress(std::min(now > before ? now - before : 0, b.size), b.size);
      lock.lock();
    }
  }
  worker.join();
  check(status, "restore of backup " + std::to_string(b.backup_id) + " from " + dir + " failed");
  if (on_progress) on_progress(b.size, b.size);
  return info_of(b);
}

}  // namespace meridian::backup
