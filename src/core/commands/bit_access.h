#pragma once
// What the bitmap commands (SETBIT, GETBIT, BITCOUNT, BITPOS, BITOP,
// BITFIELD) share: Redis' bit offset argument and the string they grow.
// A bitmap is a string: every write stores the whole new value, so across
// regions concurrent bit writes to one key keep the later value, like
// SETRANGE (docs/conflicts/crdt.md).
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "core/commands/command_table.h"
#include "core/data/records.h"

namespace meridian::cmd {

inline constexpr std::string_view kBadBitOffset =
    "ERR bit offset is not an integer or out of range";

// Redis' getBitOffsetFromArgument: a bit offset below 8 * proto-max-bulk-len.
// With `hash`, "#N" means N * `bits` (BITFIELD). Replies and returns false
// otherwise, so that no client offset makes the string grow past the limit.
bool bit_offset_arg(CommandContext& ctx, std::string_view arg, bool hash, int bits, uint64_t* out);

// The string a bit write works on (Redis' lookupStringForBitCommand): `old`
// is the live record (empty: none; WRONGTYPE replied and false returned when
// it is not a string) and `value` its bytes, zero-padded to hold bit
// `max_bit`. `grew`: the key is new or longer.
bool bit_target(CommandContext& ctx, std::string_view key, uint64_t max_bit,
                std::optional<KeyRecord>* old, std::string* value, bool* grew);

// Stores `value` at `key`: a new string, or the new value of `old`, a
// string whose TTL stays.
void write_bits(CommandContext& ctx, std::string_view key, std::string value,
                const std::optional<KeyRecord>& old);

// Redis' popcount of bytes.
uint64_t popcount(const unsigned char* p, size_t n);

}  // namespace meridian::cmd
