#pragma once
// A write-through cache of decoded key records, in front of storage. Every
// write of Column::kKeys goes through Keyspace, which updates the cache in the
// same step, so the cache never disagrees with storage. It also remembers
// keys known to be absent, which makes the first write of a new key cheap.
// Bounded by an approximate byte budget with least-recently-used eviction.
#include <cstddef>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/data/records.h"

namespace meridian {

class RecordCache {
 public:
  explicit RecordCache(size_t budget_bytes) : budget_(budget_bytes) {}

  // nullptr: not cached. Otherwise the cached state: an engaged optional is
  // the record, a disengaged one means the key is known to be absent.
  const std::optional<KeyRecord>* get(std::string_view key);
  // Stores the state of `key` and returns it; the reference stays valid until
  // the next call that changes the cache.
  const std::optional<KeyRecord>& put(std::string_view key, std::optional<KeyRecord> rec);
  void clear();
  size_t bytes() const { return bytes_; }

 private:
  struct Entry {
    std::string key;
    std::optional<KeyRecord> rec;
    size_t cost;
  };
  static size_t cost_of(std::string_view key, const std::optional<KeyRecord>& rec);
  void evict();

  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  size_t budget_;
  size_t bytes_ = 0;
  std::optional<KeyRecord> uncached_;  // what put() returns when the cache is off
  std::list<Entry> lru_;               // most recent first
  std::unordered_map<std::string, std::list<Entry>::iterator, Hash, std::equal_to<>> index_;
};

}  // namespace meridian
