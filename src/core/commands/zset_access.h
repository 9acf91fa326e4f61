#pragma once
// What the sorted-set commands share: score and lex range arguments turned
// into index positions, member scores, the write of a score (a register for
// ZADD, a counter for whole-number ZINCRBY steps so that concurrent
// increments from several regions all count), and Redis' reply shapes.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/commands/command_table.h"
#include "core/data/records.h"

namespace meridian::zset_cmd {

inline constexpr std::string_view kNotFloatRange = "ERR min or max is not a float";
inline constexpr std::string_view kNotLexRange = "ERR min or max not valid string range item";

using Item = std::pair<std::string, double>;  // member, score

// Index positions [lo, hi) (Keyspace::zscan).
struct Range {
  std::string lo, hi;
  bool empty() const { return lo >= hi; }
};
// BYSCORE bounds ("1", "(1", "-inf", "+inf"), by Redis' zslParseRange.
// Replies and returns false when one is not a float.
bool score_range(CommandContext& ctx, std::string_view min, std::string_view max, Range* out);
// BYLEX bounds ("-", "+", "[a", "(a"): check_lex replies and returns false
// when one is not valid; lex_range turns valid ones into positions of the
// set `rec`, whose members are taken to share the score of its first one
// (as Redis assumes).
bool check_lex(CommandContext& ctx, std::string_view min, std::string_view max);
Range lex_range(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                std::string_view min, std::string_view max);

std::optional<double> score_of(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                               std::string_view member);
// Sets `member`'s score to `score`. `incr`: the write is ZINCRBY/ZADD INCR
// by that amount (a counter when it is a whole number that keeps the score
// exact). The caller counts new members and writes the key record.
void put_score(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
               std::string_view member, double score, std::optional<double> incr = {});

// Redis' rank arguments over `n` members: false when the span is empty.
bool rank_span(int64_t start, int64_t stop, uint64_t n, uint64_t* first, uint64_t* last);
// Members by range (reverse: from hi downwards), skipping `offset`, at most
// `limit` (negative: all).
std::vector<Item> by_range(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                           const Range& r, bool reverse, int64_t offset, int64_t limit);
// Members of ranks [first, last] (reverse: ranks counted from the end).
std::vector<Item> by_rank(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                          uint64_t first, uint64_t last, bool reverse);

void reply_score(CommandContext& ctx, double score);
// ZMSCORE, GEOHASH, GEOPOS: for each member argv[2..] of the sorted set at
// argv[1], in one array, what `each` replies for its score (nothing when the
// member or the key is missing). Replies WRONGTYPE for another type.
void reply_per_member(CommandContext& ctx,
                      const std::function<void(std::optional<double> score)>& each);
// An array of members, with scores (RESP2: flat; RESP3: [member, score] pairs).
void reply_items(CommandContext& ctx, const std::vector<Item>& items, bool with_scores);
// Removes members from the set (deleting the key when none is left).
void remove_items(CommandContext& ctx, std::string_view key, KeyRecord rec,
                  const std::vector<Item>& items);
// Replaces `dest` with a sorted set of `items` (deletes it when empty).
void store_items(CommandContext& ctx, std::string_view dest, const std::vector<Item>& items);

}  // namespace meridian::zset_cmd
