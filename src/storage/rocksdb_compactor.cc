#include "storage/rocksdb_compactor.h"

#include <pthread.h>
#include <spdlog/spdlog.h>

namespace meridian {

RocksDbCompactor::~RocksDbCompactor() {
  if (worker_.joinable()) {
    db_->DisableManualCompaction();  // a running CompactRange returns at once
    worker_.join();
  }
}

std::optional<std::string> RocksDbCompactor::start() {
  std::lock_guard lock(mu_);
  if (state_.in_progress) return "ERR Background append only file rewriting already in progress";
  if (worker_.joinable()) worker_.join();  // the last run, finished
  state_.in_progress = true;
  worker_ = std::thread([this] { run(); });
  return std::nullopt;
}

CompactionState RocksDbCompactor::state() const {
  std::lock_guard lock(mu_);
  return state_;
}

void RocksDbCompactor::run() {
  pthread_setname_np(pthread_self(), "compactor");
  const auto t0 = std::chrono::steady_clock::now();
  rocksdb::FlushOptions flush;
  flush.wait = true;
  rocksdb::Status s = db_->Flush(flush, columns_);
  rocksdb::CompactRangeOptions compact;
  // Every file is rewritten, the last level's too: what deletes and
  // overwrites left behind goes.
  compact.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForceOptimized;
  for (auto* column : columns_) {
    if (!s.ok()) break;
    s = db_->CompactRange(compact, column, nullptr, nullptr);
  }
  const auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - t0)
          .count();
  if (!s.ok()) spdlog::error("BGREWRITEAOF: the compaction failed: {}", s.ToString());
  std::lock_guard lock(mu_);
  state_.in_progress = false;
  state_.last_ok = s.ok();
  state_.last_duration_ms = ms;
  ++state_.runs;
}

}  // namespace meridian
