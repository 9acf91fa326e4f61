#pragma once
// One pass's writes to RocksDB: the rocksdb::WriteBatch that commits them
// atomically, and an index over them for the pass's own reads (the latest
// value or deletion of each key). It replaces WriteBatchWithIndex, whose
// skiplist index, decoding every compared key from the batch, cost a third
// of the event loop's time under pipelined SETs (docs/benchmarks.md): point
// lookups here are one probe of a Swiss table, and the sorted order that
// iterators need is built only when one is asked for, and kept up to date
// incrementally (a sort of what was added since, then a merge).
//
// Not thread-safe; while a committer thread writes batch() the index may
// still be read (neither changes then).
#include <absl/container/flat_hash_set.h>
#include <rocksdb/iterator.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/storage/storage.h"

namespace meridian {

class PassBatch {
 public:
  PassBatch();
  PassBatch(const PassBatch&) = delete;
  PassBatch& operator=(const PassBatch&) = delete;

  void put(Column column, rocksdb::ColumnFamilyHandle* cf, std::string_view key,
           std::string_view value);
  void del(Column column, rocksdb::ColumnFamilyHandle* cf, std::string_view key);

  enum class Found { kAbsent, kPut, kDeleted };
  // What this batch says of `key`: nothing, its value (into *value) or that
  // it was deleted.
  Found find(Column column, std::string_view key, std::string* value) const;

  // An iterator over `base` with this batch's writes of `column` on top
  // (takes ownership of base). Valid while the batch does not change.
  rocksdb::Iterator* iterate(Column column, rocksdb::Iterator* base);

  // The WriteBatch to commit: the latest write of each key only (a key
  // written many times in a pass, such as a collection's record under
  // pipelined SADDs, reaches the memtable once). Built by the first call;
  // the batch must not change after it.
  rocksdb::WriteBatch* batch();
  bool empty() const { return entries_.empty(); }
  void clear();

  // The latest write of one key, its bytes in arena_.
  struct Entry {
    uint32_t key_off = 0, key_len = 0, value_off = 0, value_len = 0;
    Column column = Column::kMeta;
    bool deleted = false;
  };
  std::string_view key_of(const Entry& e) const { return {arena_.data() + e.key_off, e.key_len}; }
  std::string_view value_of(const Entry& e) const {
    return {arena_.data() + e.value_off, e.value_len};
  }

 private:
  // The index: entry numbers, hashed and compared by (column, key).
  struct Probe {
    Column column;
    std::string_view key;
  };
  struct Hash {
    using is_transparent = void;
    const PassBatch* batch;
    size_t operator()(uint32_t i) const;
    size_t operator()(const Probe& p) const;
  };
  struct Eq {
    using is_transparent = void;
    const PassBatch* batch;
    bool operator()(uint32_t a, uint32_t b) const { return a == b; }
    bool operator()(uint32_t a, const Probe& p) const;
    bool operator()(const Probe& p, uint32_t a) const { return (*this)(a, p); }
  };

  Entry* upsert(Column column, std::string_view key);
  uint32_t append(std::string_view bytes);
  // Sorts what was added to `column` since the last call into its order.
  const std::vector<uint32_t>& sorted(Column column);

  rocksdb::WriteBatch batch_;
  bool built_ = false;  // batch_ holds entries_
  std::array<rocksdb::ColumnFamilyHandle*, kColumnCount> cfs_{};
  std::string arena_;
  std::vector<Entry> entries_;
  absl::flat_hash_set<uint32_t, Hash, Eq> index_;
  std::array<std::vector<uint32_t>, kColumnCount> sorted_;    // entry numbers by key
  std::array<std::vector<uint32_t>, kColumnCount> unsorted_;  // added since
};

}  // namespace meridian
