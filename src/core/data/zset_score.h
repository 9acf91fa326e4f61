#pragma once
// Sorted-set scores: Redis' text form (what replies show and what a member's
// field stores), its parsing rules, the order-preserving 8-byte form the
// score index sorts by, and a member's score from its replicated cell.
#include <optional>
#include <string>
#include <string_view>

#include "core/crdt/cell.h"

namespace meridian::zset {

// Redis' d2string as in 7.0: "inf", "-inf", "-0"/"0", else "%.17g".
std::string format_score(double v);
// Redis' getDoubleFromObject: strtod over the whole string, no leading space,
// no NaN, no overflow to +-HUGE_VAL. "inf"/"-inf" are accepted.
std::optional<double> parse_score(std::string_view s);

// 8 big-endian bytes whose byte order is the numeric order (-0 sorts as 0).
std::string order_key(double v);
double from_order_key(std::string_view eight);
// The smallest order key above every key of `v`'s: for exclusive lower and
// inclusive upper bounds.
std::string order_key_after(double v);

// The score a member's cell holds: the winning ZADD (0 without one) plus the
// ZINCRBY counter. Nothing when the cell is not present.
std::optional<double> cell_score(const crdt::Cell& cell, const crdt::Resolver& r);

}  // namespace meridian::zset
