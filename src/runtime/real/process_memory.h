#pragma once
// The real runtime's MemoryProbe: glibc's allocator statistics, the
// resident set from /proc/self/statm, and RocksDB's own accounting.
#include <algorithm>
#include <chrono>

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
  // mallinfo2() walks every free chunk of every arena (about 1 ms on the
  // event loop after a few hundred thousand writes, far more under load as
  // the heap fragments), so its figure is reused for up to kAllocatedMaxAge:
  // at 1 s a scrape a second still paid it every time and cost 2-3% of a
  // loaded region's writes (docs/benchmarks.md).
  static constexpr std::chrono::milliseconds kAllocatedMaxAge{10000};
  uint64_t allocated_ = 0;
  std::chrono::steady_clock::time_point allocated_at_{};
};

}  // namespace meridian
