#include "core/settings/memory_budget.h"

#include <cassert>

namespace meridian {

MemoryShares split_memory_budget(size_t budget) {
  assert(budget >= kMinMemoryBudget);
  MemoryShares s;
  // Keyspace's caches take 5/4 of cache_bytes: 40% of the budget in all.
  s.cache_bytes = budget / 100 * 32;
  s.block_cache_bytes = budget / 100 * 20;
  s.memtable_bytes = budget / 100 * 15;
  return s;
}

}  // namespace meridian
