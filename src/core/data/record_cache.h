#pragma once
// A write-through cache of decoded records in front of storage. Every write of
// the cached column goes through Keyspace, which updates the cache in the same
// step, so the cache never disagrees with storage. It also remembers keys
// known to be absent, which makes the first write of a new key cheap.
//
// Bounded by an approximate byte budget. Eviction is CLOCK (second-chance
// FIFO): entries queue in insertion order; a hit only sets a flag; the
// oldest entry goes unless flagged, in which case it is unflagged and
// queued again. New entries start unflagged, so a record written once and
// never read again (most of a bulk load) goes first. Every step is O(1).
#include <absl/container/node_hash_map.h>
#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

#include <cstddef>
#include <deque>
#include <optional>
#include <string>
#include <string_view>

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
      queue_.push_back(&*it);  // element pointers survive rehashing
    } else {
      bytes_ -= it->second.cost;
      it->second.referenced = true;
    }
    it->second.value = std::move(value);
    it->second.cost = cost;
    bytes_ += cost;
    if (bytes_ > budget_) evict(&*it);
    return it->second.value;
  }

  // Replaces the cached state of `key` if it is cached; caches nothing new.
  // Bulk writes of records nobody reads back then cost the cache nothing.
  void update(std::string_view key, std::optional<V> value) {
    if (budget_ == 0) return;
    auto it = map_.find(key);
    if (it == map_.end()) return;
    bytes_ -= it->second.cost;
    it->second.cost = kEntryCost + 2 * key.size() + (value ? value->cache_cost() : 0);
    it->second.value = std::move(value);
    bytes_ += it->second.cost;
    if (bytes_ > budget_) evict(&*it);
  }

  // Returns `value` without caching it (valid until the next call that
  // changes the cache).
  const std::optional<V>& hold(std::optional<V> value) {
    uncached_ = std::move(value);
    return uncached_;
  }

  size_t bytes() const { return bytes_; }  // what the cached entries cost

  void clear() {
    map_.clear();
    queue_.clear();
    bytes_ = 0;
  }

 private:
  static constexpr size_t kEntryCost = 96;  // node, bucket slot, queue slot, flags
  struct Entry {
    std::optional<V> value;
    size_t cost = 0;
    bool referenced = false;
  };
  // abseil's Swiss table: a lookup probes a dense array of control bytes
  // instead of chasing a bucket's list (std::unordered_map spent ~16% of a
  // pipelined SET in its lookups, see docs/benchmarks.md). Nodes keep their
  // addresses, which the eviction queue holds. Nothing iterates the map, so
  // its per-process hash seed never changes what the cache does.
  struct Hash {
    using is_transparent = void;
    // Debian's abseil has its own string_view type.
    size_t operator()(std::string_view s) const {
      return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
    }
  };
  using Map = absl::node_hash_map<std::string, Entry, Hash, std::equal_to<>>;
  using Node = typename Map::value_type;

  // Until the budget holds: the oldest entry goes, unless it was used since
  // it was queued (then it gets a second chance). `keep` (the entry just
  // written, whose reference put() returns) never goes.
  void evict(const Node* keep) {
    size_t steps = 2 * queue_.size();
    while (bytes_ > budget_ && queue_.size() > 1 && steps-- > 0) {
      Node* n = queue_.front();
      queue_.pop_front();
      if (n == keep || n->second.referenced) {
        n->second.referenced = false;
        queue_.push_back(n);
        continue;
      }
      bytes_ -= n->second.cost;
      map_.erase(map_.find(n->first));
    }
  }

  size_t budget_;
  size_t bytes_ = 0;
  Map map_;
  std::deque<Node*> queue_;
  std::optional<V> uncached_;  // what put() returns when the cache is off
};

}  // namespace meridian
