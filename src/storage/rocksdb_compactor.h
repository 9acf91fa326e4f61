#pragma once
// BGREWRITEAOF on RocksDB: on a worker thread, flush every column's
// memtables (the write-ahead log files they kept are then deleted) and
// compact every column's table files to the last level, so the data on
// disk is the live data, compressed. Writes go on meanwhile; a region
// stopping aborts a run (RocksDB's manual compactions are cancelled).
#include <rocksdb/db.h>

#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

#include "core/env/compactor.h"

namespace meridian {

class RocksDbCompactor final : public Compactor {
 public:
  // `db` and `columns` outlive this object.
  RocksDbCompactor(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> columns)
      : db_(db), columns_(std::move(columns)) {}
  ~RocksDbCompactor() override;

  std::optional<std::string> start() override;
  CompactionState state() const override;

 private:
  void run();

  rocksdb::DB* db_;
  std::vector<rocksdb::ColumnFamilyHandle*> columns_;
  mutable std::mutex mu_;
  CompactionState state_;  // guarded by mu_
  std::thread worker_;
};

}  // namespace meridian
