#pragma once
// Random picks from a collection or the keyspace, for SPOP, SRANDMEMBER,
// HRANDFIELD and RANDOMKEY. Small collections are sampled exactly (every
// member equally likely); big ones by seeking to random points of the name
// range, O(log n) a pick, so a pick never costs the size of the collection.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/commands/command_table.h"
#include "core/data/records.h"

namespace meridian::cmd {

// `n` distinct live fields of the collection `key` (all of them when it has
// no more than `n`), in no particular order: (name, value).
std::vector<std::pair<std::string, std::string>> pick_distinct(CommandContext& ctx,
                                                               std::string_view key,
                                                               const KeyRecord& rec, uint64_t n);
// `n` picks that may repeat (SRANDMEMBER with a negative count).
std::vector<std::pair<std::string, std::string>> pick_with_repeats(CommandContext& ctx,
                                                                   std::string_view key,
                                                                   const KeyRecord& rec,
                                                                   uint64_t n);
// A live key, or nothing when the keyspace is empty.
std::optional<std::string> pick_key(CommandContext& ctx);

}  // namespace meridian::cmd
