#pragma once
// What regions send each other about keys: the whole state of a key (a key
// image) and the log record of one write command. Images carry logical data
// only (never storage keys or generations, which are local), so the same
// bytes apply in any region. Pure encoding, no I/O.
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/data/records.h"

namespace meridian {

// The state of one key: its record (a tombstone for a deleted key) and, for
// sets and hashes, every member or field.
struct KeyImage {
  std::string key;
  KeyRecord rec;
  std::vector<std::pair<std::string, FieldRecord>> fields;

  bool tombstone() const { return (rec.flags & KeyRecord::kFlagTombstone) != 0; }
  void encode(std::string& out) const;
  bool decode(std::string_view& in);
};

// True when version `a` of a key wins over version `b` (last-writer-wins:
// the later HLC, ties broken by the higher region id).
inline bool newer(const KeyRecord& a, const KeyRecord& b) {
  return a.hlc != b.hlc ? a.hlc > b.hlc : a.origin > b.origin;
}

// One write command of one region: the dot (origin, seq), its timestamp, and
// the images of the keys it left behind. A FLUSHALL is a record that clears
// every version at or before its timestamp.
struct LogRecord {
  RegionId origin = 0;
  uint64_t seq = 0;
  Hlc hlc;
  bool clear = false;
  std::vector<KeyImage> keys;

  std::string encode() const;
  bool decode(std::string_view in);
};

}  // namespace meridian
