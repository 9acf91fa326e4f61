#pragma once
// The replicated state a key keeps beside its value in a multi-region
// cluster (KeyRecord::state): the string's and the expiry's CRDT cells, and
// what key-level writes have made void. A key-level write never rewrites the
// key's elements: it raises a threshold here, and every element at or below
// it is void wherever it is read, so a DEL of a million members costs as
// much as a DEL of one (docs/architecture.md, "Deltas").
//
// - removed: observed-remove deletes (DEL, expiry) under the merging
//   policies. A delete covers the dots its region had seen: every element
//   written by a covered dot is gone, elements written concurrently survive.
// - cleared: whole-key writes under lww (a DEL is the latest write of the
//   whole key): every element written at or before this version is gone.
// - latest: per type, the version of the latest write of that type. A type
//   conflict (a SET here, an SADD there) is won by the later write: items of
//   a type are void at or below the latest write of any other type, so at
//   most one type ever has live items, the type of the latest write.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/crdt/cell.h"
#include "core/data/value_type.h"

namespace meridian {

struct KeyState {
  static constexpr uint8_t kFormat = 1;

  crdt::Cell value;   // strings: the value (a multi-value register plus a PN counter)
  crdt::Cell expiry;  // kExpire entries: be64 expire-at ms, 0 = persist
  VersionVector removed;
  Version cleared;
  std::vector<std::pair<ValueType, Version>> latest;  // sorted by type

  Version latest_of(ValueType t) const;
  // A write of type `t` at `v`; returns whether it raised latest[t].
  bool note_write(ValueType t, Version v);
  // The latest write of any type: the version of the key.
  Version newest() const;
  // The type of the latest write: the only type that can have live items.
  ValueType newest_type() const;
  // The version at or below which items of type `t` are void: cleared, the
  // cluster's FLUSHALL watermark, and the latest write of every other type.
  Version void_before(ValueType t, Version watermark) const;
  crdt::Voids voids(ValueType t, Version watermark) const {
    return crdt::Voids{&removed, void_before(t, watermark)};
  }
  // Joins the thresholds of `other` (removed, cleared, latest); cells are
  // joined by the caller, which knows both sides' contexts.
  void merge_thresholds(const KeyState& other);

  bool operator==(const KeyState&) const = default;
  size_t cache_cost() const;
  void encode(std::string& out) const;
  bool decode(std::string_view& in);
};

}  // namespace meridian
