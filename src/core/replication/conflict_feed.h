#pragma once
// The conflict feed: the last resolutions in this region that discarded a
// write (lww, fww, region-priority, crdt string registers, the siblings
// cap, type conflicts), bounded, with ids that only grow, and counts per
// policy since start. Read with MR.CONFLICTS and GET /conflicts.
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <vector>

#include "core/crdt/conflict.h"

namespace meridian {

class ConflictFeed {
 public:
  explicit ConflictFeed(size_t capacity) : capacity_(capacity) {}
  void add(crdt::ConflictEvent ev);
  // Events with id > since, oldest first, at most `count`.
  std::vector<crdt::ConflictEvent> since(uint64_t since, size_t count) const;
  const std::map<std::string, uint64_t>& counts() const { return counts_; }
  uint64_t last_id() const { return next_id_ - 1; }
  // JSON for /conflicts: {"last_id":..,"counts":{..},"conflicts":[..]}.
  std::string json(uint64_t since, size_t count,
                   const std::map<RegionId, std::string>& region_names) const;

 private:
  size_t capacity_;
  uint64_t next_id_ = 1;
  std::deque<crdt::ConflictEvent> events_;
  std::map<std::string, uint64_t> counts_;
};

}  // namespace meridian
