#pragma once
// What the process holds in memory, for INFO memory and MEMORY STATS. The
// runtime measures it (the real one from the allocator, /proc and RocksDB;
// the simulator has none); the core only reports it.
#include <cstdint>

namespace meridian {

struct MemoryUse {
  uint64_t allocated = 0;       // bytes the allocator has handed out (Redis' used_memory)
  uint64_t peak_allocated = 0;  // the most seen since start
  uint64_t resident = 0;        // the process's resident set (used_memory_rss)
  uint64_t storage = 0;  // of `allocated`: RocksDB's memtables, block cache and table readers
  uint64_t storage_memtables = 0, storage_block_cache = 0;  // its two parts
  uint64_t storage_block_cache_capacity = 0;                // what the block cache may hold now
  uint64_t storage_table_readers = 0;                       // table files' index and filter blocks
  uint64_t storage_pending_compaction = 0;  // RocksDB's estimate of bytes compaction must rewrite
  uint64_t storage_disk = 0;                // RocksDB's live table files on disk
  uint64_t storage_wal = 0;                 // and its write-ahead log files
};

class MemoryProbe {
 public:
  virtual ~MemoryProbe() = default;
  // Measures now; cheap enough for every INFO.
  virtual MemoryUse sample() = 0;
};

}  // namespace meridian
