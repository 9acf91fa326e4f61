#pragma once
// Reading and writing list elements for the list commands. A list is a
// collection whose fields are the elements' positions (core/data/
// list_position.h) and whose values are the elements: reads walk from the
// nearer end, so the first and last elements of a million-element list are
// a seek away.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/commands/command_table.h"
#include "core/data/records.h"

namespace meridian::cmd {

struct ListItem {
  std::string pos;    // the field name
  std::string value;  // the element
};

// Up to `n` elements after skipping `skip`, from the head, or from the tail
// (then tail first).
std::vector<ListItem> list_items(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                                 uint64_t skip, uint64_t n, bool from_tail);

// Elements start..stop (0-based, inclusive, within the list), in list order,
// read from the nearer end.
std::vector<ListItem> list_range(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                                 uint64_t start, uint64_t stop);

// Redis' index normalisation: a negative index counts from the tail. False
// when it falls outside the list.
bool list_index(int64_t index, uint64_t len, uint64_t* out);

// Writes `values` as new elements between positions `after_pos` and
// `before_pos` (empty: the list's start and end), the first next to
// `after_pos` when `toward_tail`, else the first next to `before_pos` (an
// LPUSH of a b c reads c b a). Adds them to rec.count; the caller writes rec.
void list_insert(CommandContext& ctx, std::string_view key, KeyRecord& rec,
                 std::string_view after_pos, std::string_view before_pos,
                 const std::vector<std::string_view>& values, bool toward_tail);

// LPUSH / RPUSH of `values` onto the list `key` (`existing`: it already has
// elements): each goes next to the current end. Adds them to rec.count; the
// caller writes rec.
void list_push(CommandContext& ctx, std::string_view key, KeyRecord& rec, bool existing,
               const std::vector<std::string_view>& values, bool tail);

// Removes the elements at `items` (positions of `key`), then writes or, when
// it is left empty, deletes the list. `old` is the live record before.
// `rewritten`: the command pushes to the same list after (LMOVE onto itself).
void list_remove(CommandContext& ctx, std::string_view key, const KeyRecord& old,
                 const std::vector<ListItem>& items, bool rewritten = false);

}  // namespace meridian::cmd
