#include "runtime/real/backup_service.h"

#include <spdlog/spdlog.h>

#include <chrono>

#include "storage/rocksdb_backup.h"
#include "storage/rocksdb_storage.h"

namespace meridian {
namespace {

int64_t unix_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

BackupService::BackupService(rocksdb::DB* db, BackupOptions options, std::string region)
    : db_(db), options_(std::move(options)), region_(std::move(region)) {
  state_.destinations = options_.destinations;
}

BackupService::~BackupService() {
  cancel_ = true;
  if (worker_.joinable()) worker_.join();
}

std::optional<std::string> BackupService::start() {
  std::lock_guard lock(mu_);
  if (state_.in_progress) return std::string("ERR Background save already in progress");
  if (worker_.joinable()) worker_.join();  // finished: its state is recorded
  state_.in_progress = true;
  state_.bytes_done = 0;
  // Each destination gets a full copy at most.
  state_.bytes_total = backup::live_bytes(db_) * options_.destinations.size();
  worker_ = std::thread([this] { run(); });
  return std::nullopt;
}

BackupState BackupService::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

void BackupService::run() {
  auto t0 = std::chrono::steady_clock::now();
  const int64_t started_unix_ms = unix_ms();
  uint64_t done_before = 0;  // bytes of the destinations already finished
  backup::Info last;
  std::string error;
  for (const auto& dir : options_.destinations) {
    try {
      last = backup::create(
          db_, dir, options_.keep,
          [&](uint64_t copied) {
            std::lock_guard lock(mu_);
            state_.bytes_done = std::min(done_before + copied, state_.bytes_total);
          },
          &cancel_);
      spdlog::info("backup {} of {} into {}: {} bytes in {} files", last.id, region_, dir,
                   last.size, last.files);
    } catch (const StorageError& e) {
      error = e.what();
      spdlog::error("backup of {} into {} failed: {}", region_, dir, error);
      break;
    }
    done_before += last.size;
    std::lock_guard lock(mu_);
    state_.bytes_done = std::min(done_before, state_.bytes_total);
  }
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  std::lock_guard lock(mu_);
  state_.in_progress = false;
  state_.last_duration_ms = ms;
  if (error.empty()) {
    state_.last_status = "ok";
    state_.last_error.clear();
    state_.last_id = last.id;
    state_.last_bytes = last.size;
    state_.bytes_done = state_.bytes_total;
    state_.last_started_unix_ms = started_unix_ms;
    state_.last_ok_unix_ms = unix_ms();
    ++state_.ok_count;
  } else {
    state_.last_status = "err";
    state_.last_error = error;
    ++state_.failed_count;
  }
}

}  // namespace meridian
