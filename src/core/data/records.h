#pragma once
// The stored value encoding. Every record carries what multi-region
// replication needs from the first byte written: an HLC timestamp, the origin
// region and a dot / version vector. docs/architecture.md documents the layout.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/hlc.h"
#include "core/base/version_vector.h"
#include "core/crdt/cell.h"
#include "core/data/key_state.h"
#include "core/data/value_type.h"

namespace meridian {

// Value of Column::kKeys: one per user key.
struct KeyRecord {
  // 1: replicated state as two bare cells; 2: without `extra`.
  static constexpr uint8_t kFormat = 3;
  static constexpr uint8_t kFlagTombstone = 1;  // nothing live, kept for causality (multi-region)
  // Some field of this generation holds a counter: its history must outlive
  // deletes, so the generation is kept (and cleaned in the background)
  // instead of being dropped in one range delete.
  static constexpr uint8_t kFlagCounters = 2;
  static constexpr uint8_t kFlagReplicated = 4;  // `state` is set (multi-region)
  // The generation still holds fields a delete made void (it was kept for
  // their counters' history) until Keyspace::reclaim() has visited them.
  static constexpr uint8_t kFlagVoidFields = 8;

  ValueType type = ValueType::kNone;
  uint8_t flags = 0;
  Hlc hlc;                   // timestamp of the latest write
  RegionId origin = 0;       // region that made the latest write
  int64_t expire_at_ms = 0;  // 0: no expiry
  uint64_t generation = 0;   // collections: prefix of this incarnation's fields
  uint64_t count = 0;        // collections: number of live fields/members
  // Collections: how many of the `count` live fields are not elements
  // (is_element_field): a stream's anchor and consumer-group records.
  uint64_t extra = 0;
  // Single region: the causal context of this version. Multi-region: per
  // region, the highest sequence of its writes that touched the key.
  VersionVector vv;
  KeyState state;       // multi-region: the replicated state (kFlagReplicated)
  std::string payload;  // strings: the value itself (multi-region: resolved from state.value)

  bool tombstone() const { return (flags & kFlagTombstone) != 0; }
  bool replicated() const { return (flags & kFlagReplicated) != 0; }
  bool is_collection() const { return meridian::is_collection(type); }
  // The elements a collection holds (XLEN, SCARD, HLEN...).
  uint64_t elements() const { return count - extra; }
  Version version() const { return Version{hlc, origin}; }
  // Approximate heap bytes, for cache budgets.
  size_t cache_cost() const {
    return sizeof(KeyRecord) + payload.size() + state.cache_cost() + vv.entries().size() * 16;
  }

  std::string encode() const;
  // False when the bytes are not a record this build understands.
  bool decode(std::string_view in);
};

// Value of Column::kFields: a set member or a hash field.
struct FieldRecord {
  // 1: without flags and cell; 2: cell in the first cell format; 3: the
  // multi-region form, only type, flags and cell.
  static constexpr uint8_t kFormat = 2;
  static constexpr uint8_t kFormatReplicated = 3;
  static constexpr uint8_t kFlagTombstone = 1;  // nothing live; kept for its counter history
  static constexpr uint8_t kFlagCell = 2;       // `cell` is set (multi-region)
  Hlc hlc;
  RegionId origin = 0;
  uint64_t seq = 0;  // with origin, the dot of the write that added it
  uint8_t flags = 0;
  ValueType type = ValueType::kNone;  // multi-region: the collection type it belongs to
  // Multi-region: the replicated state; the value is what it resolves to,
  // filled in by the keyspace when read (never stored).
  crdt::Cell cell;
  std::string value;  // hash field value; empty for set members

  bool tombstone() const { return (flags & kFlagTombstone) != 0; }
  bool has_cell() const { return (flags & kFlagCell) != 0; }
  size_t cache_cost() const {
    size_t n = sizeof(FieldRecord) + value.size() + cell.entries.size() * sizeof(crdt::Entry) +
               cell.counter.size() * sizeof(crdt::CounterPart);
    for (const auto& e : cell.entries) n += e.value.size();
    return n;
  }

  std::string encode() const;
  bool decode(std::string_view in);
};

// Key layouts.
namespace layout {
// Column::kFields key prefix: varint(len(key)) key be64(generation).
std::string field_prefix(std::string_view key, uint64_t generation);
std::string field_key(std::string_view key, uint64_t generation, std::string_view field);
// The generation and field name of a Column::kFields key.
bool parse_field_key(std::string_view k, uint64_t* generation, std::string_view* field,
                     std::string_view* key = nullptr);
// The smallest key greater than every key that starts with `prefix`.
std::string prefix_end(std::string_view prefix);
// Column::kExpiry key: be64(expire_at_ms) key.
std::string expiry_key(int64_t expire_at_ms, std::string_view key);
bool parse_expiry_key(std::string_view k, int64_t* expire_at_ms, std::string_view* key);
// Column::kLog key: be32(origin) be64(seq), so each origin's records are one
// range in sequence order.
std::string log_key(RegionId origin, uint64_t seq);
bool parse_log_key(std::string_view k, RegionId* origin, uint64_t* seq);
}  // namespace layout

}  // namespace meridian
