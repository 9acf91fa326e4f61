#include "core/data/record_cache.h"

namespace meridian {

size_t RecordCache::cost_of(std::string_view key, const std::optional<KeyRecord>& rec) {
  // Approximate heap use: node, map slot and strings.
  size_t c = 160 + 2 * key.size();
  if (rec) c += rec->payload.size() + rec->ext.size() + rec->vv.entries().size() * 16;
  return c;
}

const std::optional<KeyRecord>* RecordCache::get(std::string_view key) {
  if (budget_ == 0) return nullptr;
  auto it = index_.find(key);
  if (it == index_.end()) return nullptr;
  lru_.splice(lru_.begin(), lru_, it->second);
  return &it->second->rec;
}

const std::optional<KeyRecord>& RecordCache::put(std::string_view key,
                                                 std::optional<KeyRecord> rec) {
  if (budget_ == 0) {
    uncached_ = std::move(rec);
    return uncached_;
  }
  size_t cost = cost_of(key, rec);
  auto it = index_.find(key);
  if (it != index_.end()) {
    bytes_ -= it->second->cost;
    it->second->rec = std::move(rec);
    it->second->cost = cost;
    bytes_ += cost;
    lru_.splice(lru_.begin(), lru_, it->second);
  } else {
    lru_.push_front(Entry{std::string(key), std::move(rec), cost});
    index_.emplace(lru_.front().key, lru_.begin());
    bytes_ += cost;
  }
  evict();
  return lru_.front().rec;
}

void RecordCache::evict() {
  // The newest entry always stays: put() returns a reference to it.
  while (bytes_ > budget_ && lru_.size() > 1) {
    bytes_ -= lru_.back().cost;
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

void RecordCache::clear() {
  index_.clear();
  lru_.clear();
  bytes_ = 0;
}

}  // namespace meridian
