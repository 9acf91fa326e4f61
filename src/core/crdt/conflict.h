#pragma once
// A resolution that discarded a write: what the conflict feed records.
#include <cstdint>
#include <string>

#include "core/crdt/cell.h"

namespace meridian::crdt {

struct ConflictSide {
  RegionId origin = 0;
  Hlc hlc;
  bool deleted = false;  // the version was a delete (lww tombstones)
  std::string value;     // truncated for the feed
};

struct ConflictEvent {
  uint64_t id = 0;  // assigned by the feed
  std::string key;
  std::string field;  // lww collections: the member or field; empty: the whole key
  Policy policy = Policy::kCrdt;
  ConflictSide winner;
  ConflictSide discarded;
  std::string reason;  // "concurrent write", "sibling cap", "type conflict"
};

}  // namespace meridian::crdt
