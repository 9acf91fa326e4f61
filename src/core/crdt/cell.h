#pragma once
// The replicated state of one value: a string, a hash field, a set member or
// a key's expiry. It is a state-based CRDT, so regions can merge copies in
// any order, any number of times, and agree:
//
// - entries: the concurrent writes that are still current, each tagged with
//   its dot (origin, seq) and HLC. A write replaces the entries it observed;
//   writes no region has observed together stay side by side until a later
//   write covers them (a multi-value register, or an add-wins OR-set's tags).
//   Which entry a reader sees is a policy (Resolver): the latest (LWW), the
//   earliest (FWW), the highest-priority region's, or all (siblings).
// - counter: per region, the increments and decrements it made (P, N) and
//   the part a delete observed (BP, BN), all only growing, merged by maximum,
//   plus the dot of the region's latest increment. The value is
//   sum(P - BP) - sum(N - BN), so no increment is ever lost and a delete
//   removes exactly the increments it saw.
//
// Merging needs each side's causal context: the dots it has seen. Regions
// apply writes in causal order (each origin's in sequence, and a write only
// after everything its origin had applied), so a region has seen exactly
// the dots its applied vector covers, and a write's context is its origin's
// applied vector when it was made.
//
// Under `lww` a cell is a last-writer-wins register instead: one entry, the
// latest by version, a removal included (kRemoved), no counter.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/hlc.h"
#include "core/base/version_vector.h"

namespace meridian::crdt {

struct Dot {
  RegionId origin = 0;
  uint64_t seq = 0;
  bool operator==(const Dot&) const = default;
};

struct Entry {
  enum Kind : uint8_t { kValue = 0, kTouch = 1, kExpire = 2, kRemoved = 3 };
  RegionId origin = 0;
  uint64_t seq = 0;
  Hlc hlc;
  Kind kind = kValue;
  std::string value;  // kValue: the value; kExpire: be64 expire-at ms (0: persist)
  // siblings: a digest of the context the write replaced, so that a retried
  // write (same context, same value) is recognised and adds no sibling.
  uint64_t parent = 0;

  bool same_dot(const Entry& o) const { return origin == o.origin && seq == o.seq; }
  bool covered_by(const VersionVector& ctx) const { return ctx.get(origin) >= seq; }
  Version version() const { return Version{hlc, origin}; }
  // The order of last-writer-wins: later HLC, then higher region id.
  bool later_than(const Entry& o) const { return o.version() < version(); }
  bool operator==(const Entry&) const = default;
};

struct CounterPart {
  RegionId region = 0;
  uint64_t p = 0, n = 0, bp = 0, bn = 0;
  // The region's latest increment counted in p/n (its seq and HLC): a delete
  // or type change that covers it voids the whole part.
  uint64_t last = 0;
  Hlc last_hlc;
  bool operator==(const CounterPart&) const = default;
};

// What key-level writes made void, as a cell sees it: an observed-remove
// delete voids the dots its context covered (`removed`), a whole-key write
// under lww, a type change or FLUSHALL voids every version at or before
// `before`.
struct Voids {
  const VersionVector* removed = nullptr;
  Version before;
  bool covers(RegionId origin, uint64_t seq, Hlc hlc) const {
    return (removed != nullptr && removed->get(origin) >= seq) || Version{hlc, origin} <= before;
  }
  bool covers(const Entry& e) const { return covers(e.origin, e.seq, e.hlc); }
};

// Entries of a delta that carry the dot and HLC of the record they arrive in
// are encoded without them.
struct Implied {
  RegionId origin = 0;
  uint64_t seq = 0;
  Hlc hlc;
};

struct Cell {
  std::vector<Entry> entries;        // sorted by dot
  std::vector<CounterPart> counter;  // sorted by region

  // Present: some write is current. A cell with only counter history (a
  // deleted counter) is not present but must be kept.
  bool present() const;
  bool empty() const;  // nothing at all worth keeping
  int64_t counter_value() const;
  bool has_counter() const { return !counter.empty(); }
  const CounterPart* part(RegionId r) const;

  // Local operations, made by region `self` with dot (self, seq) at `hlc`.
  // SET / HSET / SADD: the new value replaces every entry (observed) and
  // resets the counter to zero (observed).
  void assign(RegionId self, uint64_t seq, Hlc hlc, std::string value);
  // A write that replaces only the entries whose dots are in `seen` (the
  // context a client read with MR.GETALL); others stay as siblings. Returns
  // false, changing nothing, when it is a retry of a write already made.
  bool assign_over(RegionId self, uint64_t seq, Hlc hlc, std::string value,
                   const std::vector<Dot>& seen);
  // INCRBY / HINCRBY: adds delta to this region's counter and marks the cell
  // present; value entries (the base the counter adds to) are kept.
  void increment(RegionId self, uint64_t seq, Hlc hlc, int64_t delta);
  // DEL / SREM / HDEL: removes every observed entry and counter contribution.
  void remove();
  // lww: the register becomes this value, or a removal, at (hlc, self).
  void lww_assign(RegionId self, uint64_t seq, Hlc hlc, std::string value,
                  Entry::Kind kind = Entry::kValue);

  // Drops the entries `voids` covers and baselines the counter parts whose
  // latest increment it covers. Parts it covers only in part must be
  // baselined by the caller, which knows the history (Keyspace::raise).
  // Returns whether anything changed.
  bool normalize(const Voids& voids);

  bool operator==(const Cell&) const = default;

  void encode(std::string& out, const Implied* implied = nullptr) const;
  // version 1: the format before counter parts carried their latest dot.
  bool decode(std::string_view& in, int version = 2, const Implied* implied = nullptr);
};

// Merges `theirs` (with context `their_ctx`) into `mine` (context `my_ctx`):
// an entry survives if both sides hold it or the side lacking it never saw
// its dot; counters take the maximum of each component.
void join(Cell& mine, const VersionVector& my_ctx, const Cell& theirs,
          const VersionVector& their_ctx);
// lww: the later of the two registers (by version) wins. Returns the entry
// that lost, when both held a different current write.
std::optional<Entry> join_lww(Cell& mine, const Cell& theirs);

// The opaque causal context MR.GETALL hands out: the dots of the values.
std::string format_context(const std::vector<Entry>& entries);
bool parse_context(std::string_view text, std::vector<Dot>* out);
uint64_t context_digest(const std::vector<Dot>& dots);

// Which current entries a reader sees.
enum class Policy : uint8_t { kCrdt, kLww, kFww, kSiblings, kRegionPriority };
const char* policy_name(Policy p);
struct Resolver {
  Policy policy = Policy::kCrdt;
  std::vector<RegionId> priority;  // region-priority: first is highest
  size_t max_siblings = 8;         // siblings: values kept per key
  // The one entry a plain read returns (nullptr: none). kCrdt and kLww: the
  // latest; kFww: the earliest; kRegionPriority: the highest-priority
  // region's, latest first; kSiblings: the latest (readers check count).
  const Entry* winner(const std::vector<Entry>& entries) const;
};

// The value a read of a string or hash field returns: the winning value entry
// (or "0" when there is none) plus the counter when the cell was incremented.
std::optional<std::string> resolved_value(const Cell& cell, const Resolver& r);

}  // namespace meridian::crdt
