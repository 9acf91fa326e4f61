#include "runtime/real/process_memory.h"

#include <malloc.h>
#include <unistd.h>

#include <cstdio>

namespace meridian {

MemoryUse ProcessMemory::sample() {
  MemoryUse m;
  const auto now = std::chrono::steady_clock::now();
  if (now - allocated_at_ >= kAllocatedMaxAge) {  // the first time too: its epoch is 0
    struct mallinfo2 mi = mallinfo2();
    // In use: small blocks from the arenas plus blocks mmap()ed on their own.
    allocated_ = mi.uordblks + mi.hblkhd;
    allocated_at_ = now;
  }
  m.allocated = allocated_;
  peak_ = std::max(peak_, m.allocated);
  m.peak_allocated = peak_;
  if (FILE* f = std::fopen("/proc/self/statm", "r")) {
    unsigned long size = 0, resident = 0;
    if (std::fscanf(f, "%lu %lu", &size, &resident) == 2) {
      m.resident = static_cast<uint64_t>(resident) * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
    }
    std::fclose(f);
  }
  m.storage_memtables = storage_.memtable_bytes();
  m.storage_block_cache = storage_.block_cache_bytes();
  m.storage_block_cache_capacity = storage_.block_cache_capacity();
  m.storage_table_readers = storage_.table_reader_bytes();
  m.storage = m.storage_memtables + m.storage_block_cache + m.storage_table_readers;
  m.storage_pending_compaction = storage_.pending_compaction_bytes();
  m.storage_disk = storage_.disk_bytes();
  m.storage_wal = storage_.wal_bytes();
  return m;
}

}  // namespace meridian
