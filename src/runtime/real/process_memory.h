#pragma once
// The real runtime's MemoryProbe: glibc's allocator statistics, the
// resident set from /proc/self/statm, and RocksDB's own accounting.
#include <algorithm>

#include "core/env/memory_probe.h"
#include "storage/rocksdb_storage.h"

namespace meridian {

class ProcessMemory final : public MemoryProbe {
 public:
  explicit ProcessMemory(RocksDbStorage& storage) : storage_(storage) {}
  MemoryUse sample() override;

 private:
  RocksDbStorage& storage_;
  uint64_t peak_ = 0;
};

}  // namespace meridian
