#include "storage/memory_storage.h"

#include "core/base/assert.h"

namespace meridian {
namespace {

class MemoryIterator final : public StorageIterator {
 public:
  using Map = std::map<std::string, std::string, std::less<>>;
  // `open`: the storage's count of open iterators (none for a snapshot's).
  MemoryIterator(const Map& map, OpenIterators* open) : map_(map), it_(map.end()), lease_(open) {}
  void seek(std::string_view key) override { it_ = map_.lower_bound(key); }
  void seek_for_prev(std::string_view key) override {
    it_ = map_.upper_bound(key);
    prev();
  }
  bool valid() const override { return it_ != map_.end(); }
  void next() override { ++it_; }
  void prev() override { it_ = it_ == map_.begin() ? map_.end() : std::prev(it_); }
  std::string_view key() const override { return it_->first; }
  std::string_view value() const override { return it_->second; }

 private:
  const Map& map_;
  Map::const_iterator it_;
  OpenIterators::Lease lease_;
};

// A copy of the committed maps: cheap enough for the simulator's data.
class MemorySnapshot final : public StorageSnapshot {
 public:
  using Map = std::map<std::string, std::string, std::less<>>;
  explicit MemorySnapshot(std::vector<Map> maps) : maps_(std::move(maps)) {}
  std::unique_ptr<StorageIterator> iterate(Column column) override {
    return std::make_unique<MemoryIterator>(maps_[static_cast<int>(column)], nullptr);
  }

 private:
  std::vector<Map> maps_;
};

}  // namespace

void MemoryStorage::roll_back(Map* maps) const {
  for (auto it = undo_.rbegin(); it != undo_.rend(); ++it) {
    auto& m = maps[static_cast<int>(it->column)];
    if (it->previous) {
      m[it->key] = *it->previous;
    } else {
      m.erase(it->key);
    }
  }
}

std::unique_ptr<StorageSnapshot> MemoryStorage::snapshot() {
  std::vector<Map> maps(maps_, maps_ + kColumnCount);
  // Undo what is not committed yet, on the copy.
  roll_back(maps.data());
  return std::make_unique<MemorySnapshot>(std::move(maps));
}

void MemoryStorage::remember(Column column, const std::string& key) {
  auto& m = maps_[static_cast<int>(column)];
  auto it = m.find(key);
  undo_.push_back({column, key, it == m.end() ? std::nullopt : std::optional(it->second)});
}

std::optional<std::string> MemoryStorage::get(Column column, std::string_view key) {
  auto& m = maps_[static_cast<int>(column)];
  auto it = m.find(key);
  if (it == m.end()) return std::nullopt;
  return it->second;
}

void MemoryStorage::put(Column column, std::string_view key, std::string_view value) {
  MERIDIAN_ASSERT(!open_.any(), "no write while a storage iterator is open");
  std::string k(key);
  remember(column, k);
  maps_[static_cast<int>(column)][std::move(k)] = std::string(value);
}

void MemoryStorage::del(Column column, std::string_view key) {
  MERIDIAN_ASSERT(!open_.any(), "no write while a storage iterator is open");
  std::string k(key);
  remember(column, k);
  maps_[static_cast<int>(column)].erase(k);
}

void MemoryStorage::del_range(Column column, std::string_view begin, std::string_view end) {
  MERIDIAN_ASSERT(!open_.any(), "no write while a storage iterator is open");
  auto& m = maps_[static_cast<int>(column)];
  auto first = m.lower_bound(begin);
  auto last = end.empty() ? m.end() : m.lower_bound(end);
  for (auto it = first; it != last; ++it) undo_.push_back({column, it->first, it->second});
  m.erase(first, last);
}

std::unique_ptr<StorageIterator> MemoryStorage::iterate(Column column) {
  return std::make_unique<MemoryIterator>(maps_[static_cast<int>(column)], &open_);
}

bool MemoryStorage::commit(bool /*sync*/) {
  if (undo_.empty()) return false;
  undo_.clear();
  return true;
}

void MemoryStorage::crash() {
  roll_back(maps_);
  undo_.clear();
}

}  // namespace meridian
