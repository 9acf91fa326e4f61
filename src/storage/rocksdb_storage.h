#pragma once
// Storage on RocksDB: one column family per Column. Writes of a pass collect
// in a PassBatch (reads see them at once) and reach the database as
// one atomic write at commit(): one WAL append per event-loop pass (group
// commit), and with sync one fsync. With fsync = everysec a background thread
// syncs the WAL once a second, like Redis' appendfsync everysec.
//
// Pipelined commits (pipeline_commits()): commit() hands the pass's batch to
// a committer thread and returns at once, so the WAL append and the memtable
// inserts (a third of a pipelined SET) run beside the event loop's next
// pass. Reads and iterators see the batch in flight as if it were committed.
// The runtime then owns the durability promise: it holds everything the pass
// produced (replies, messages to other regions) until commits_durable()
// counts that commit.
#include <rocksdb/db.h>

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "core/storage/storage.h"
#include "storage/pass_batch.h"

namespace meridian {

class StorageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// What RocksDB may keep in memory.
struct StorageMemory {
  // The block cache, and room for the table files' index and filter blocks:
  // with `fit_block_cache`, the cache shrinks as they grow (never below a
  // sixteenth of this), so the two together stay within it.
  size_t block_cache_bytes = 128u << 20;
  bool fit_block_cache = false;
  // Every column's memtables together; past it the biggest is flushed and
  // commits wait for flushes (0: RocksDB's per-column limits only).
  size_t memtable_bytes = 0;
};

class RocksDbStorage final : public Storage {
 public:
  // Opens (creating if needed) the database in `path`. Throws StorageError.
  RocksDbStorage(const std::string& path, bool sync_every_second, StorageMemory memory = {});
  ~RocksDbStorage() override;

  std::optional<std::string> get(Column column, std::string_view key) override;
  void put(Column column, std::string_view key, std::string_view value) override;
  void del(Column column, std::string_view key) override;
  void del_range(Column column, std::string_view begin, std::string_view end) override;
  std::unique_ptr<StorageIterator> iterate(Column column) override;
  // Figures for INFO and /metrics (RocksDB's properties, every column).
  uint64_t memtable_bytes();
  uint64_t block_cache_bytes();
  uint64_t block_cache_capacity();
  uint64_t table_reader_bytes();        // the table files' index and filter blocks
  uint64_t pending_compaction_bytes();  // RocksDB's estimate of what compaction must rewrite
  uint64_t disk_bytes();
  std::unique_ptr<StorageIterator> iterate(Column column, std::string_view lower,
                                           std::string_view upper) override;
  std::unique_ptr<StorageSnapshot> snapshot() override;
  bool commit(bool sync) override;
  bool uncommitted() override;

  // From now on commit() only starts the write; `on_durable` runs on the
  // committer thread after each (a runtime posts it to its loop).
  void pipeline_commits(std::function<void()> on_durable);
  // Commits started (by this thread) and finished durably. The latter throws
  // StorageError if a commit failed: nothing of it may be acknowledged.
  uint64_t commits_started() const { return started_; }
  uint64_t commits_durable();

  // The database, for backups (thread-safe: RocksDB allows them alongside
  // the event loop's writes). Only committed writes are in it.
  rocksdb::DB* db() { return db_.get(); }
  const std::vector<rocksdb::ColumnFamilyHandle*>& columns() const { return handles_; }
  uint64_t wal_bytes();  // the write-ahead log files on disk

 private:
  uint64_t sum_property(const std::string& name);
  rocksdb::ColumnFamilyHandle* cf(Column c) { return handles_[static_cast<int>(c)]; }
  void syncer_loop();
  // Sets the block cache's capacity to what the table readers leave of its share.
  void fit_block_cache();
  void committer_loop();
  // Waits until no commit is in flight and takes its batch back.
  void settle();
  rocksdb::Iterator* layered(Column column, rocksdb::Iterator* base);

  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  std::unique_ptr<PassBatch> batch_;  // this pass's writes
  // The previous pass's, while the committer writes it (unchanged then; only
  // the event loop's thread sets or clears the pointer).
  std::unique_ptr<PassBatch> inflight_;
  std::unique_ptr<PassBatch> spare_;  // cleared, for reuse
  OpenIterators open_;
  struct RangeDelete {
    Column column;
    std::string begin, end;
  };
  std::vector<RangeDelete> range_deletes_;
  rocksdb::ReadOptions read_options_;

  StorageMemory memory_;
  std::shared_ptr<rocksdb::Cache> block_cache_;

  // The housekeeper thread, once a second: with everysec syncs the WAL if a
  // commit set `unsynced_`; with fit_block_cache fits the block cache.
  std::atomic<bool> unsynced_{false};
  bool sync_every_second_ = false;
  bool stop_ = false;
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread syncer_;

  // The committer: one job at a time (back-pressure: the next commit waits).
  std::function<void()> on_durable_;
  uint64_t started_ = 0;
  std::mutex commit_mu_;
  std::condition_variable commit_cv_;
  rocksdb::WriteBatch* job_ = nullptr;  // guarded by commit_mu_
  bool job_sync_ = false;
  bool stop_committer_ = false;
  std::string commit_error_;  // guarded by commit_mu_
  std::atomic<uint64_t> durable_{0};
  std::thread committer_;
};

}  // namespace meridian
