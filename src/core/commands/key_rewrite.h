#pragma once
// Commands that write a key whole from other data (SUNIONSTORE and friends,
// RENAME, COPY). Across regions each is a delete of what the destination
// held plus a create of the new value: a concurrent write to the destination
// elsewhere survives under the merging policies, as after a DEL
// (docs/conflicts/crdt.md). The cost is the size of what is written.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/commands/command_table.h"
#include "core/data/records.h"

namespace meridian::cmd {

// Deletes what `dst` holds, if anything, before the command writes it anew
// (`rewritten`: it does, so the delete voids only what came before).
void clear_destination(CommandContext& ctx, std::string_view dst, bool rewritten);

// Makes `dst` the set of `members` (empty: deletes dst), whatever it held.
void store_set(CommandContext& ctx, std::string_view dst, const std::vector<std::string>& members);
// Makes `dst` the list of `values` in that order (empty: deletes dst),
// whatever it held (SORT ... STORE).
void store_list(CommandContext& ctx, std::string_view dst, const std::vector<std::string>& values);
// Makes `dst` a collection of `type` holding (name, value) `fields` (distinct
// names; empty: deletes dst), whatever it held.
void store_fields(CommandContext& ctx, std::string_view dst, ValueType type,
                  const std::vector<std::pair<std::string, std::string>>& fields);

// Makes `dst` a copy of `src`'s value and expiry, whatever it held. `from`
// is src's live record; src itself is left as it is.
void copy_key(CommandContext& ctx, std::string_view src, const KeyRecord& from,
              std::string_view dst);

}  // namespace meridian::cmd
