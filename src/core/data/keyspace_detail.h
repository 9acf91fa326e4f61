#pragma once
// Helpers shared by the Keyspace's multi-region files
// (keyspace_replicated.cc: reads, local writes, key-level voids;
// keyspace_joins.cc: joining other regions' deltas, FLUSHALL;
// keyspace_resync.cc: full resync images, inspection and upkeep).
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/coding.h"
#include "core/data/keyspace.h"

namespace meridian::keyspace_detail {

inline constexpr size_t kFeedValueBytes = 256;

inline std::string be64(int64_t v) {
  std::string out;
  coding::put_fixed64_be(out, static_cast<uint64_t>(v));
  return out;
}

inline int64_t from_be64(std::string_view s) {
  uint64_t v = 0;
  coding::get_fixed64_be(s, &v);
  return static_cast<int64_t>(v);
}

// The expiry a key's expiry cell resolves to. Merging policies: concurrent
// EXPIREs keep the longest TTL, and a concurrent PERSIST (0) beats any TTL.
// lww: the latest.
inline int64_t resolve_expiry(const crdt::Cell& c) {
  int64_t best = -1;
  for (const auto& e : c.entries) {
    if (e.kind == crdt::Entry::kRemoved) continue;
    int64_t at = from_be64(e.value);
    if (at == 0) return 0;
    best = std::max(best, at);
  }
  return best < 0 ? 0 : best;
}

inline size_t value_entries(const crdt::Cell& c) {
  return static_cast<size_t>(std::count_if(c.entries.begin(), c.entries.end(), [](const auto& e) {
    return e.kind == crdt::Entry::kValue;
  }));
}

// Records written before the multi-region state existed (a single region
// that joined a cluster, or the first multi-region format) as replicated
// state: their one version becomes an entry.
inline void to_replicated(KeyRecord& r) {
  if (r.replicated()) return;
  r.flags |= KeyRecord::kFlagReplicated;
  Version v = r.version();
  uint64_t seq = std::max<uint64_t>(1, r.vv.get(r.origin));
  if (r.tombstone()) {
    r.state.cleared = v;
    r.state.removed = r.vv;
    return;
  }
  if (r.type == ValueType::kString) {
    r.state.value.entries = {crdt::Entry{r.origin, seq, r.hlc, crdt::Entry::kValue, r.payload}};
  }
  if (r.expire_at_ms != 0) {
    r.state.expiry.entries = {
        crdt::Entry{r.origin, seq, r.hlc, crdt::Entry::kValue, be64(r.expire_at_ms)}};
  }
  if (r.type != ValueType::kNone) r.state.note_write(r.type, v);
  // The record's vector was its causal context; it becomes the dots
  // summary, which covers at least its own write.
}

inline void to_replicated(FieldRecord& f, ValueType type) {
  if (!f.has_cell()) {
    f.flags |= FieldRecord::kFlagCell;
    if (!f.tombstone()) {
      f.cell.entries = {
          crdt::Entry{f.origin, std::max<uint64_t>(1, f.seq), f.hlc, crdt::Entry::kValue, f.value}};
    }
  }
  if (f.type == ValueType::kNone) f.type = type;
  f.value.clear();
}

}  // namespace meridian::keyspace_detail
