#pragma once
// Where a list element sits: a sequence CRDT in the manner of Logoot. A
// position is a path of (digit, region, counter) triples compared in order;
// an element inserted between two others gets a position strictly between
// theirs, unique by the (region, counter) of its last triple. Elements
// inserted at the same place concurrently in different regions all keep a
// place, in the same order everywhere (by region id).
//
// Encoded as 16 bytes a triple (be32 digit, be32 region, be64 counter), so
// byte order is list order and a list is its fields in name order: LRANGE
// near either end is a seek plus a short scan. Pushes at an end take the
// next digit and stay one triple long for 2^31 pushes. Pure functions.
#include <cstdint>
#include <string>
#include <string_view>

namespace meridian::list_position {

inline constexpr size_t kTripleBytes = 16;

// A position strictly after `before` and strictly before `after`; an empty
// bound is the list's start (before) or end (after). Requires before <
// after when both are given, and `region` >= 1. Unique for a unique
// (region, counter).
std::string between(std::string_view before, std::string_view after, uint32_t region,
                    uint64_t counter);

// Whole triples, at least one.
inline bool valid(std::string_view p) {
  return !p.empty() && p.size() % kTripleBytes == 0;
}

}  // namespace meridian::list_position
