#pragma once
// What regions send each other about keys. A write command becomes one
// LogRecord: its dot (origin, seq), its timestamp, its causal dependencies
// and, per key it touched, the delta of that key: the cells it created or
// changed (set members, hash fields, the string, the expiry), each as it is
// after the command, and the key-level writes it made (an observed-remove
// delete, a whole-key lww write, the type it wrote). Never the untouched
// rest of a collection, so a write costs what it changed.
//
// Applying a delta is a join with the local state, using the record's
// context (its dependencies plus its origin's earlier writes): idempotent and
// commutative like the state merge of whole keys, which remains only for
// full resyncs (KeyChunk). Pure encoding, no I/O.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/crdt/cell.h"
#include "core/data/records.h"

namespace meridian {

// An increment of the origin's own counter part: the amount and the part's
// latest increment before it. A region that learns of it after a delete
// that covered that earlier increment knows the earlier total is void
// (p_before = p_after - amount) without having kept it.
struct Increment {
  int64_t amount = 0;
  uint64_t prev_last = 0;
  Hlc prev_hlc;
  bool operator==(const Increment&) const = default;
};

// A member or field the command wrote: its cell after the command.
struct FieldDelta {
  std::string name;
  crdt::Cell cell;
  Increment increment;  // amount 0: not an increment

  bool operator==(const FieldDelta&) const = default;
};

struct KeyDelta {
  // An observed-remove delete of the whole key (DEL, expiry, an emptied
  // collection under the merging policies): void what the context covers.
  static constexpr uint8_t kRemove = 1;
  // A whole-key write under lww (DEL, expiry): void every version at or
  // before the record's.
  static constexpr uint8_t kClear = 2;
  // A whole-key write under lww that comes before the command's own writes
  // (the key found expired by the command that then writes it): void every
  // version before the record's (Version::just_before).
  static constexpr uint8_t kClearPrior = 0x20;

  std::string key;
  ValueType type = ValueType::kNone;  // the type written; none: only a delete
  uint8_t flags = 0;
  std::optional<crdt::Cell> value;  // strings: the value cell after the command
  Increment value_increment;        // INCRBY and friends
  std::optional<crdt::Cell> expiry;
  std::vector<FieldDelta> fields;  // each touched field once, in the order first touched
  // Keyspace notifications the write made on this key (class letter, then
  // the event's name), published again by every region that applies it.
  std::vector<std::string> events;

  FieldDelta* field(std::string_view name);
  bool operator==(const KeyDelta&) const = default;
};

// One write command of one region. A FLUSHALL voids every version at or
// before its timestamp.
struct LogRecord {
  static constexpr uint8_t kFormat = 2;  // 1: whole key images (before deltas)

  RegionId origin = 0;
  uint64_t seq = 0;
  Hlc hlc;
  // The origin's applied vector when it wrote (other regions only): the
  // record is applied after them, so every region applies writes in causal
  // order and a write's context is exact.
  VersionVector deps;
  bool clear = false;
  // The next record of the same origin belongs to the same unit (a
  // transaction, a script): other regions apply the unit's records together,
  // in one pass, or none of them.
  bool more = false;
  std::vector<KeyDelta> keys;

  // Everything the write had seen: its dependencies and its origin's earlier writes.
  VersionVector context() const;
  Version version() const { return Version{hlc, origin}; }

  std::string encode() const;
  bool decode(std::string_view in);
  bool operator==(const LogRecord&) const = default;
};

// The dot and timestamp at the front of an encoded LogRecord, without
// decoding the rest.
bool peek_record(std::string_view in, RegionId* origin, uint64_t* seq, Hlc* hlc);
// Whether an encoded LogRecord has `more` set (false if it does not parse).
bool record_continues(std::string_view in);

// A piece of one key's whole state, for full resyncs: its record (in the
// first chunk) and the fields whose names lie in (after, last], or after
// `after` to the end in the final chunk. A key with millions of fields is
// sent in many chunks, so neither side holds it whole.
struct KeyChunk {
  std::string key;
  bool first = false;  // carries `rec`
  bool final = false;  // no fields after the last one listed
  std::string after;   // exclusive lower bound of the field names (empty: from the start)
  KeyRecord rec;
  std::vector<std::pair<std::string, FieldRecord>> fields;

  void encode(std::string& out) const;
  bool decode(std::string_view& in);
};

}  // namespace meridian
