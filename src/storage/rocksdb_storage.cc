#include "storage/rocksdb_storage.h"

#include <pthread.h>
#include <rocksdb/cache.h>
#include <rocksdb/filter_policy.h>
#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "core/base/assert.h"

namespace meridian {
namespace {

const char* const kColumnNames[kColumnCount] = {"default", "keys", "fields",
                                                "expiry",  "log",  "scores"};

// An empty string_view may have a null data pointer, which RocksDB's
// comparator asserts against.
rocksdb::Slice slice(std::string_view s) {
  return s.data() == nullptr ? rocksdb::Slice("", 0) : rocksdb::Slice(s.data(), s.size());
}

class RocksIterator final : public StorageIterator {
 public:
  // `open`: the storage's count of open iterators (none for a snapshot's).
  RocksIterator(rocksdb::Iterator* it, OpenIterators* open) : it_(it), lease_(open) {}
  // The bounds of an iterator over a range: RocksDB keeps pointers to the
  // slices, so they live (on the heap, never moving) as long as it does.
  struct Bounds {
    std::string lower, upper;
    rocksdb::Slice lo, hi;
  };
  RocksIterator(std::unique_ptr<Bounds> bounds, rocksdb::Iterator* it, OpenIterators* open)
      : bounds_(std::move(bounds)), it_(it), lease_(open) {}
  void seek(std::string_view key) override { it_->Seek(slice(key)); }
  void seek_for_prev(std::string_view key) override { it_->SeekForPrev(slice(key)); }
  bool valid() const override { return it_->Valid(); }
  void next() override { it_->Next(); }
  void prev() override { it_->Prev(); }
  std::string_view key() const override {
    auto k = it_->key();
    return {k.data(), k.size()};
  }
  std::string_view value() const override {
    auto v = it_->value();
    return {v.data(), v.size()};
  }

 private:
  std::unique_ptr<Bounds> bounds_;  // destroyed after it_
  std::unique_ptr<rocksdb::Iterator> it_;
  OpenIterators::Lease lease_;
};

// A RocksDB snapshot: the database as of its creation, released with it.
class RocksSnapshot final : public StorageSnapshot {
 public:
  RocksSnapshot(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> handles)
      : db_(db), handles_(std::move(handles)), snap_(db->GetSnapshot()) {
    options_.snapshot = snap_;
  }
  ~RocksSnapshot() override { db_->ReleaseSnapshot(snap_); }
  std::unique_ptr<StorageIterator> iterate(Column column) override {
    return std::make_unique<RocksIterator>(
        db_->NewIterator(options_, handles_[static_cast<int>(column)]), nullptr);
  }

 private:
  rocksdb::DB* db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;
  const rocksdb::Snapshot* snap_;
  rocksdb::ReadOptions options_;
};

void check(const rocksdb::Status& s, const char* what) {
  if (!s.ok()) throw StorageError(std::string(what) + ": " + s.ToString());
}

rocksdb::ColumnFamilyOptions column_options(const std::shared_ptr<rocksdb::Cache>& cache,
                                            Column column, const StorageMemory& memory) {
  rocksdb::ColumnFamilyOptions o;
  o.OptimizeLevelStyleCompaction();
  // RocksDB's levels leave the first two uncompressed (flushes and the
  // busiest compactions stay cheap); the last level holding data, all of a
  // dataset of a few hundred MiB and what BGREWRITEAOF compacts into, is
  // compressed too, so the data at rest takes about its live size.
  o.bottommost_compression = rocksdb::kLZ4Compression;
  // Level 1 of OptimizeLevelStyleCompaction holds up to 512 MiB: with keys
  // written in random order every flush then merges into (rewrites) all of
  // it, a cost that grows with the data. A 64 MiB level 1 of 16 MiB files
  // bounds what one compaction rewrites; the levels below grow tenfold each.
  o.max_bytes_for_level_base = 64 << 20;
  o.target_file_size_base = 16 << 20;
  const bool point_reads = column != Column::kLog;  // the log is only scanned
  rocksdb::BlockBasedTableOptions t;
  t.block_cache = cache;
  if (point_reads) t.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  // Filter and index blocks stay in the table readers, not in the block
  // cache: a lookup of an absent key (every new member of a set) then costs
  // no cache lookup per table, and does not slow down as data grows (about
  // 1.3 MiB of filter per million keys).
  t.cache_index_and_filter_blocks = false;
  o.table_factory.reset(rocksdb::NewBlockBasedTableFactory(t));
  // A bloom filter over the memtable makes lookups of absent keys (the first
  // SET of a key) cheap.
  o.memtable_whole_key_filtering = point_reads;
  o.memtable_prefix_bloom_size_ratio = point_reads ? 0.05 : 0;
  // A smaller memtable keeps the skiplist shallow: inserts dominate the write
  // path (see docs/benchmarks.md).
  o.write_buffer_size = 8 << 20;
  if (memory.memtable_bytes != 0) {
    // Within a budget: each full memtable is flushed on its own (no waiting
    // for a second to merge), and a column holds a few at most.
    o.write_buffer_size = std::min<size_t>(o.write_buffer_size, memory.memtable_bytes / 6);
    o.min_write_buffer_number_to_merge = 1;
    o.max_write_buffer_number = 3;
  }
  return o;
}

}  // namespace

RocksDbStorage::RocksDbStorage(const std::string& path, bool sync_every_second,
                               StorageMemory memory)
    : batch_(std::make_unique<PassBatch>()),
      memory_(memory),
      sync_every_second_(sync_every_second) {
  rocksdb::DBOptions opts;
  opts.create_if_missing = true;
  opts.create_missing_column_families = true;
  opts.IncreaseParallelism(2);
  opts.max_background_jobs = 2;
  // One writer (the event loop): the single-writer memtable insert is cheaper.
  opts.allow_concurrent_memtable_write = false;
  opts.enable_write_thread_adaptive_yield = false;
  // Compactions yield to the event loop: a burst of writes keeps its pace
  // and the compaction work waits for idle time (flushes keep their
  // priority, so memtables never back up).
  opts.env->LowerThreadPoolCPUPriority(rocksdb::Env::LOW);
  // The write-ahead log is kept until every column's memtable holding its
  // writes is flushed; a column written rarely (meta, expiry) would keep
  // every log file alive. Past this size RocksDB flushes that column.
  opts.max_total_wal_size = 128 << 20;
  if (memory.memtable_bytes != 0) {
    // Charged memtables past the limit make commits (the committer thread,
    // never the event loop) wait for a flush: back-pressure, not growth.
    opts.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(
        memory.memtable_bytes, nullptr, /*allow_stall=*/true);
  }
  block_cache_ = rocksdb::NewLRUCache(memory.block_cache_bytes);
  std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
  for (int c = 0; c < kColumnCount; ++c)
    cfs.emplace_back(kColumnNames[c], column_options(block_cache_, static_cast<Column>(c), memory));
  rocksdb::DB* raw = nullptr;
  check(rocksdb::DB::Open(opts, path, cfs, &handles_, &raw), "cannot open RocksDB");
  db_.reset(raw);
  if (memory.fit_block_cache) fit_block_cache();
  if (sync_every_second || memory.fit_block_cache) {
    syncer_ = std::thread([this] { syncer_loop(); });
  }
}

RocksDbStorage::~RocksDbStorage() {
  if (committer_.joinable()) {
    try {
      settle();
    } catch (const StorageError&) {
      // Reported to the event loop already, or nobody is left to tell.
    }
    {
      std::lock_guard lock(commit_mu_);
      stop_committer_ = true;
    }
    commit_cv_.notify_all();
    committer_.join();
    on_durable_ = nullptr;
  }
  if (syncer_.joinable()) {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    syncer_.join();
  }
  try {
    commit(false);
  } catch (const StorageError&) {
    // Nothing more can be saved; the WAL holds everything acknowledged.
  }
  db_->SyncWAL();
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->Close();
}

void RocksDbStorage::syncer_loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, std::chrono::seconds(1));
    lock.unlock();
    if (sync_every_second_ && unsynced_.exchange(false)) {
      db_->SyncWAL();  // safe alongside writes from the event loop
    }
    if (memory_.fit_block_cache) fit_block_cache();  // RocksDB's calls are thread-safe
    lock.lock();
  }
}

void RocksDbStorage::pipeline_commits(std::function<void()> on_durable) {
  MERIDIAN_ASSERT(!committer_.joinable(), "pipeline_commits is called once");
  on_durable_ = std::move(on_durable);
  committer_ = std::thread([this] { committer_loop(); });
}

void RocksDbStorage::committer_loop() {
  // Its own name in top -H and perf, apart from the event loop's.
  pthread_setname_np(pthread_self(), "committer");
  std::unique_lock lock(commit_mu_);
  for (;;) {
    commit_cv_.wait(lock, [this] { return stop_committer_ || job_ != nullptr; });
    if (job_ == nullptr) return;
    rocksdb::WriteOptions wo;
    wo.sync = job_sync_;
    rocksdb::WriteBatch* wb = job_;
    lock.unlock();
    auto s = db_->Write(wo, wb);
    if (s.ok() && !wo.sync) unsynced_ = true;
    lock.lock();
    if (!s.ok() && commit_error_.empty()) commit_error_ = "RocksDB write failed: " + s.ToString();
    job_ = nullptr;
    durable_.fetch_add(1, std::memory_order_release);
    commit_cv_.notify_all();
    if (on_durable_) {
      lock.unlock();
      on_durable_();
      lock.lock();
    }
  }
}

uint64_t RocksDbStorage::commits_durable() {
  uint64_t n = durable_.load(std::memory_order_acquire);
  if (n < started_) return n;
  std::lock_guard lock(commit_mu_);
  if (!commit_error_.empty()) throw StorageError(commit_error_);
  return n;
}

void RocksDbStorage::settle() {
  if (!inflight_) return;
  std::unique_lock lock(commit_mu_);
  commit_cv_.wait(lock, [this] { return job_ == nullptr; });
  if (!commit_error_.empty()) throw StorageError(commit_error_);
  lock.unlock();
  inflight_->clear();
  spare_ = std::move(inflight_);
}

std::optional<std::string> RocksDbStorage::get(Column column, std::string_view key) {
  std::string value;
  // This pass's writes, then the previous pass's (in flight), then the
  // database; whether the committer has written the latter yet does not
  // change what reads see.
  for (auto* b : {batch_.get(), inflight_.get()}) {
    if (b == nullptr) continue;
    switch (b->find(column, key, &value)) {
      case PassBatch::Found::kPut:
        return value;
      case PassBatch::Found::kDeleted:
        return std::nullopt;
      case PassBatch::Found::kAbsent:
        break;
    }
  }
  auto s = db_->Get(read_options_, cf(column), slice(key), &value);
  if (s.IsNotFound()) return std::nullopt;
  check(s, "RocksDB read failed");
  return value;
}

void RocksDbStorage::put(Column column, std::string_view key, std::string_view value) {
  MERIDIAN_ASSERT(!open_.any(), "no write while a storage iterator is open");
  batch_->put(column, cf(column), key, value);
}

void RocksDbStorage::del(Column column, std::string_view key) {
  MERIDIAN_ASSERT(!open_.any(), "no write while a storage iterator is open");
  batch_->del(column, cf(column), key);
}

void RocksDbStorage::del_range(Column column, std::string_view begin, std::string_view end) {
  MERIDIAN_ASSERT(!open_.any(), "no write while a storage iterator is open");
  // The batch index holds no ranges; range deletions are appended to the
  // batch at commit. Callers only delete ranges nothing reads again.
  if (end.empty()) return;
  range_deletes_.push_back({column, std::string(begin), std::string(end)});
}

// The database, under the batch in flight (a database iterator sees all of a
// commit or none of it; the batch over it gives the same answer either way),
// under this pass's writes.
rocksdb::Iterator* RocksDbStorage::layered(Column column, rocksdb::Iterator* base) {
  if (inflight_) base = inflight_->iterate(column, base);
  return batch_->iterate(column, base);
}

std::unique_ptr<StorageIterator> RocksDbStorage::iterate(Column column) {
  auto* base = db_->NewIterator(read_options_, cf(column));
  return std::make_unique<RocksIterator>(layered(column, base), &open_);
}

std::unique_ptr<StorageIterator> RocksDbStorage::iterate(Column column, std::string_view lower,
                                                         std::string_view upper) {
  auto bounds = std::make_unique<RocksIterator::Bounds>();
  bounds->lower.assign(lower);
  bounds->upper.assign(upper);
  bounds->lo = rocksdb::Slice(bounds->lower);
  bounds->hi = rocksdb::Slice(bounds->upper);
  rocksdb::ReadOptions o = read_options_;
  o.iterate_lower_bound = &bounds->lo;
  o.iterate_upper_bound = bounds->upper.empty() ? nullptr : &bounds->hi;
  auto* base = db_->NewIterator(o, cf(column));
  return std::make_unique<RocksIterator>(std::move(bounds), layered(column, base), &open_);
}

uint64_t RocksDbStorage::sum_property(const std::string& name) {
  uint64_t total = 0, v = 0;
  for (auto* h : handles_) {
    if (db_->GetIntProperty(h, name, &v)) total += v;
  }
  return total;
}

uint64_t RocksDbStorage::memtable_bytes() {
  return sum_property(rocksdb::DB::Properties::kCurSizeAllMemTables);
}

uint64_t RocksDbStorage::block_cache_bytes() {
  // One cache shared by every column: counted once.
  uint64_t v = 0;
  if (!handles_.empty() &&
      db_->GetIntProperty(handles_[0], rocksdb::DB::Properties::kBlockCacheUsage, &v)) {
    return v;
  }
  return 0;
}

uint64_t RocksDbStorage::wal_bytes() {
  // The directory's *.log files (RocksDB's GetSortedWalFiles would also read
  // each file's first record: I/O on the event loop for every INFO).
  // RocksDB deletes old files meanwhile: every step takes an error code.
  std::error_code ec;
  uint64_t total = 0;
  std::filesystem::directory_iterator it(db_->GetName(), ec), end;
  for (; !ec && it != end; it.increment(ec)) {
    if (it->path().extension() != ".log") continue;
    std::error_code gone;
    const auto size = it->file_size(gone);
    if (!gone) total += size;
  }
  return total;
}

uint64_t RocksDbStorage::block_cache_capacity() {
  return block_cache_->GetCapacity();
}

uint64_t RocksDbStorage::table_reader_bytes() {
  return sum_property(rocksdb::DB::Properties::kEstimateTableReadersMem);
}

void RocksDbStorage::fit_block_cache() {
  const size_t share = memory_.block_cache_bytes;
  const size_t readers = table_reader_bytes();
  const size_t floor = share / 16;
  block_cache_->SetCapacity(readers + floor >= share ? floor : share - readers);
}

uint64_t RocksDbStorage::pending_compaction_bytes() {
  return sum_property(rocksdb::DB::Properties::kEstimatePendingCompactionBytes);
}

uint64_t RocksDbStorage::disk_bytes() {
  return sum_property(rocksdb::DB::Properties::kLiveSstFilesSize);
}

bool RocksDbStorage::uncommitted() {
  return !batch_->empty() || !range_deletes_.empty();
}

std::unique_ptr<StorageSnapshot> RocksDbStorage::snapshot() {
  settle();  // "committed as of now" includes the commit in flight
  return std::make_unique<RocksSnapshot>(db_.get(), handles_);
}

bool RocksDbStorage::commit(bool sync) {
  MERIDIAN_ASSERT(!open_.any(), "no commit while a storage iterator is open");
  if (batch_->empty() && range_deletes_.empty()) return false;
  auto* wb = batch_->batch();
  for (const auto& r : range_deletes_) {
    check(wb->DeleteRange(cf(r.column), slice(r.begin), slice(r.end)), "RocksDB range delete");
  }
  range_deletes_.clear();
  if (!committer_.joinable()) {
    rocksdb::WriteOptions wo;
    wo.sync = sync;
    check(db_->Write(wo, wb), "RocksDB write failed");
    batch_->clear();
    if (!sync) unsynced_ = true;
    return true;
  }
  // One commit in flight at most: a pass that ends before the previous
  // commit is done waits for it.
  settle();
  inflight_ = std::move(batch_);
  batch_ = spare_ ? std::move(spare_) : std::make_unique<PassBatch>();
  ++started_;
  {
    std::lock_guard lock(commit_mu_);
    job_ = inflight_->batch();
    job_sync_ = sync;
  }
  commit_cv_.notify_all();
  return true;
}

}  // namespace meridian
