#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace meridian {

// Logical column families. RocksDB maps each to a column family; the memory
// storage to one ordered map. See docs/architecture.md for what each holds.
enum class Column : uint8_t {
  kMeta = 0,    // region-wide records: HLC high-water mark, sequence, key counts
  kKeys = 1,    // user key -> KeyRecord (type, HLC, origin, version vector, expiry, value)
  kFields = 2,  // (key, generation, field) -> FieldRecord of a collection's element
  kExpiry = 3,  // (expire-at, key) -> "" : index for the active expiry cycle
  kLog = 4,     // be32(origin) be64(seq) -> LogRecord: every origin's recent writes
  kScores = 5,  // sorted sets' (score, member) order and rank buckets (ScoreIndex)
};
inline constexpr int kColumnCount = 6;

// Ordered iteration over one column, positioned by seek().
class StorageIterator {
 public:
  virtual ~StorageIterator() = default;
  virtual void seek(std::string_view key) = 0;
  // Positions at the last entry at or before `key` (invalid if none).
  virtual void seek_for_prev(std::string_view key) = 0;
  virtual bool valid() const = 0;
  virtual void next() = 0;
  virtual void prev() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
};

// Counts the iterators open on a storage, for the contract below (no write
// while one is open). An iterator holds a Lease for its lifetime.
class OpenIterators {
 public:
  class Lease {
   public:
    explicit Lease(OpenIterators* counter) : counter_(counter) {
      if (counter_) ++counter_->count_;
    }
    ~Lease() {
      if (counter_) --counter_->count_;
    }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;

   private:
    OpenIterators* counter_;
  };
  bool any() const { return count_ > 0; }

 private:
  int count_ = 0;
};

// A consistent, read-only view of the committed data at one moment, valid
// across later writes and commits (full resyncs stream from one while the
// region keeps working).
class StorageSnapshot {
 public:
  virtual ~StorageSnapshot() = default;
  virtual std::unique_ptr<StorageIterator> iterate(Column column) = 0;
};

// The core's view of durable storage.
//
// Contract:
// - put/del/del_range are visible to get/iterate at once.
// - Everything written between two commit() calls becomes durable atomically:
//   after a crash either all of it is there or none of it. The core commits at
//   the end of each event-loop pass, before any reply of that pass is sent.
// - commit(true) returns only once the writes survive power loss (fsync);
//   commit(false) once they survive a crash of the process (kill -9).
// - No write may happen while an iterator is open.
class Storage {
 public:
  virtual ~Storage() = default;
  virtual std::optional<std::string> get(Column column, std::string_view key) = 0;
  virtual void put(Column column, std::string_view key, std::string_view value) = 0;
  virtual void del(Column column, std::string_view key) = 0;
  // Deletes [begin, end). Only used for ranges nothing will read again (old
  // generations of a collection), so it may take effect lazily, at commit.
  virtual void del_range(Column column, std::string_view begin, std::string_view end) = 0;
  virtual std::unique_ptr<StorageIterator> iterate(Column column) = 0;
  // As iterate(), over keys in [lower, upper) only: the iterator never
  // visits (nor steps over the deletions of) what lies outside, which keeps
  // reverse seeks cheap next to a range deleted a moment ago. Callers still
  // check where keys end; the default ignores the bounds.
  virtual std::unique_ptr<StorageIterator> iterate(Column column, std::string_view lower,
                                                   std::string_view upper) {
    (void)lower;
    (void)upper;
    return iterate(column);
  }
  // The committed data as of now (writes since the last commit excluded).
  virtual std::unique_ptr<StorageSnapshot> snapshot() = 0;
  // Returns false when nothing was written since the last commit (no I/O).
  virtual bool commit(bool sync) = 0;
  // Whether anything was written since the last commit.
  virtual bool uncommitted() = 0;
};

}  // namespace meridian
