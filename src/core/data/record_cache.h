#pragma once
// A write-through cache of decoded records in front of storage. Every write of
// the cached column goes through Keyspace, which updates the cache in the same
// step, so the cache never disagrees with storage. It also remembers keys
// known to be absent, which makes the first write of a new key cheap.
//
// Bounded by an approximate byte budget. Eviction is CLOCK (a second-chance
// sweep over the hash table's buckets): a hit only sets a flag, so reads cost
// one hash lookup, with no list to reorder.
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace meridian {

// V must provide `size_t cache_cost() const` (its heap bytes, roughly).
template <typename V>
class RecordCache {
 public:
  explicit RecordCache(size_t budget_bytes) : budget_(budget_bytes) {}

  // nullptr: not cached. Otherwise the cached state: an engaged optional is
  // the record, a disengaged one means the key is known to be absent.
  const std::optional<V>* get(std::string_view key) {
    if (budget_ == 0) return nullptr;
    auto it = map_.find(key);
    if (it == map_.end()) return nullptr;
    it->second.referenced = true;
    return &it->second.value;
  }

  // Stores the state of `key` and returns it; the reference stays valid until
  // the next call that changes the cache.
  const std::optional<V>& put(std::string_view key, std::optional<V> value) {
    if (budget_ == 0) {
      uncached_ = std::move(value);
      return uncached_;
    }
    size_t cost = kEntryCost + 2 * key.size() + (value ? value->cache_cost() : 0);
    auto it = map_.find(key);
    if (it == map_.end()) {
      it = map_.emplace(std::string(key), Entry{}).first;
    } else {
      bytes_ -= it->second.cost;
    }
    it->second.value = std::move(value);
    it->second.cost = cost;
    it->second.referenced = true;
    bytes_ += cost;
    if (bytes_ > budget_) evict(it->first);
    return it->second.value;
  }

  void clear() {
    map_.clear();
    bytes_ = 0;
  }

 private:
  static constexpr size_t kEntryCost = 96;  // node, bucket slot, flags
  struct Entry {
    std::optional<V> value;
    size_t cost = 0;
    bool referenced = false;
  };
  struct Hash {
    using is_transparent = void;
    size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };

  // Sweeps buckets from where the last sweep stopped: referenced entries get
  // a second chance, the others go, until the budget holds. `keep` (the entry
  // just written, whose reference put() returns) is never evicted.
  void evict(const std::string& keep) {
    size_t sweeps = 0;
    while (bytes_ > budget_ && map_.size() > 1 && sweeps < 2 * map_.bucket_count()) {
      size_t bucket = hand_++ % map_.bucket_count();
      ++sweeps;
      for (auto it = map_.begin(bucket); it != map_.end(bucket);) {
        if (&it->first == &keep || it->second.referenced) {
          it->second.referenced = false;
          ++it;
          continue;
        }
        std::string victim = it->first;
        ++it;  // a bucket iterator, so erase the victim by key afterwards
        bytes_ -= map_.find(victim)->second.cost;
        map_.erase(victim);
      }
    }
  }

  size_t budget_;
  size_t bytes_ = 0;
  size_t hand_ = 0;
  std::unordered_map<std::string, Entry, Hash, std::equal_to<>> map_;
  std::optional<V> uncached_;  // what put() returns when the cache is off
};

}  // namespace meridian
