#pragma once
// In-memory Storage for the deterministic simulator and unit tests. It models
// durability: writes since the last commit() are lost by crash(), exactly what
// a process crash does to RocksDB writes whose WAL record was never written.
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/storage/storage.h"

namespace meridian {

class MemoryStorage final : public Storage {
 public:
  std::optional<std::string> get(Column column, std::string_view key) override;
  void put(Column column, std::string_view key, std::string_view value) override;
  void del(Column column, std::string_view key) override;
  void del_range(Column column, std::string_view begin, std::string_view end) override;
  std::unique_ptr<StorageIterator> iterate(Column column) override;
  std::unique_ptr<StorageSnapshot> snapshot() override;
  bool commit(bool sync) override;
  bool uncommitted() override { return !undo_.empty(); }

  // Forgets every write since the last commit, as a crash would.
  void crash();
  size_t size(Column column) const { return maps_[static_cast<int>(column)].size(); }

 private:
  using Map = std::map<std::string, std::string, std::less<>>;
  struct Undo {
    Column column;
    std::string key;
    std::optional<std::string> previous;
  };
  void remember(Column column, const std::string& key);
  // Undoes the writes since the last commit on `maps` (kColumnCount maps:
  // this storage's own, or a copy of them).
  void roll_back(Map* maps) const;

  Map maps_[kColumnCount];
  std::vector<Undo> undo_;  // since the last commit, newest last
  OpenIterators open_;
};

}  // namespace meridian
