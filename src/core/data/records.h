#pragma once
// The stored value encoding. Every record carries what multi-region
// replication needs from the first byte written: an HLC timestamp, the origin
// region and a dot / version vector. docs/architecture.md documents the layout.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/data/hlc.h"
#include "core/data/version_vector.h"

namespace meridian {

enum class ValueType : uint8_t { kNone = 0, kString = 1, kSet = 2, kHash = 3 };

const char* type_name(ValueType t);  // "string", "set", "hash", "none"

// Value of Column::kKeys: one per user key.
struct KeyRecord {
  static constexpr uint8_t kFormat = 1;
  static constexpr uint8_t kFlagTombstone = 1;  // deleted, kept for causality (multi-region)

  ValueType type = ValueType::kNone;
  uint8_t flags = 0;
  Hlc hlc;                   // timestamp of the last write
  RegionId origin = 0;       // region that made the last write
  int64_t expire_at_ms = 0;  // 0: no expiry
  uint64_t generation = 0;   // collections: prefix of this incarnation's fields
  uint64_t count = 0;        // collections: number of live fields/members
  VersionVector vv;          // causal context of this version
  std::string ext;           // tagged extensions (CRDT state, siblings); empty today
  std::string payload;       // strings: the value itself

  bool is_collection() const { return type == ValueType::kSet || type == ValueType::kHash; }
  // Approximate heap bytes, for cache budgets.
  size_t cache_cost() const {
    return sizeof(KeyRecord) + payload.size() + ext.size() + vv.entries().size() * 16;
  }

  std::string encode() const;
  // False when the bytes are not a record this build understands.
  bool decode(std::string_view in);
};

// Value of Column::kFields: a set member or a hash field.
struct FieldRecord {
  static constexpr uint8_t kFormat = 2;         // 1: without flags and cell
  static constexpr uint8_t kFlagTombstone = 1;  // removed; kept for its counter history
  Hlc hlc;
  RegionId origin = 0;
  uint64_t seq = 0;  // with origin, the dot of the write that added it
  uint8_t flags = 0;
  // Multi-region: the encoded crdt::Cell (concurrent writes, counter); the
  // value below is what it resolves to. Empty in a single region.
  std::string cell;
  std::string value;  // hash field value; empty for set members

  bool tombstone() const { return (flags & kFlagTombstone) != 0; }
  size_t cache_cost() const { return sizeof(FieldRecord) + value.size() + cell.size(); }

  std::string encode() const;
  bool decode(std::string_view in);
};

// Key layouts.
namespace layout {
// Column::kFields key prefix: varint(len(key)) key be64(generation).
std::string field_prefix(std::string_view key, uint64_t generation);
std::string field_key(std::string_view key, uint64_t generation, std::string_view field);
// The smallest key greater than every key that starts with `prefix`.
std::string prefix_end(std::string_view prefix);
// Column::kExpiry key: be64(expire_at_ms) key.
std::string expiry_key(int64_t expire_at_ms, std::string_view key);
bool parse_expiry_key(std::string_view k, int64_t* expire_at_ms, std::string_view* key);
}  // namespace layout

}  // namespace meridian
