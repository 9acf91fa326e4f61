#pragma once
// [server] memory_budget_mb: one figure for everything the process keeps in
// memory, split here into the parts that have a size to set. What is left
// over (connections' buffers, the allocator's slack, RocksDB's table readers
// beyond the block cache's share, code) is the reserve; the budget holds
// when the reserve covers them (RSS <= budget + 10% is what
// docs/benchmarks.md measures).
#include <cstddef>

namespace meridian {

struct MemoryShares {
  // Keyspace's record caches: the value of RegionSettings::cache_bytes
  // (the caches take 1.25x of it, see Keyspace's constructor).
  size_t cache_bytes = 0;
  // RocksDB's block cache, which also makes room for the index and filter
  // blocks of the table files (RocksDbStorage::fit_memory()).
  size_t block_cache_bytes = 0;
  // RocksDB's memtables, every column together.
  size_t memtable_bytes = 0;
};

// The smallest budget that leaves each part a useful size.
inline constexpr size_t kMinMemoryBudget = size_t{64} << 20;

// Splits `budget` (>= kMinMemoryBudget): 40% for the record caches, 20%
// for the block cache with the table files' index and filters, 15% for
// the memtables, 25% kept in reserve.
MemoryShares split_memory_budget(size_t budget);

}  // namespace meridian
