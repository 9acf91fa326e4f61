#pragma once
// Helpers shared by command implementations: Redis' standard error replies and
// typed key lookups.
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "core/base/numbers.h"
#include "core/commands/command_table.h"
#include "core/data/keyspace.h"
#include "core/protocol/reply.h"

namespace meridian::cmd {

inline constexpr std::string_view kWrongType =
    "WRONGTYPE Operation against a key holding the wrong kind of value";
inline constexpr std::string_view kNotInteger = "ERR value is not an integer or out of range";
inline constexpr std::string_view kNotFloat = "ERR value is not a valid float";
inline constexpr std::string_view kSyntax = "ERR syntax error";
inline constexpr std::string_view kOverflow = "ERR increment or decrement would overflow";

// Redis' "wrong number of arguments" error for the command named `fullname`.
void arity_error(Reply& reply, std::string_view fullname);

bool equals_ci(std::string_view a, std::string_view b);
// `s` in lower case (subcommand and option names, as Redis prints them).
std::string lower(std::string_view s);

// A container command's HELP: one simple string per line.
void reply_help(Reply& reply, std::span<const char* const> lines);
// Redis' error for an unknown subcommand `sub` of `command` ("OBJECT").
void unknown_subcommand(Reply& reply, std::string_view sub, std::string_view command);
// Redis' addReplySubcommandSyntaxError: a known subcommand `sub` of
// `command` with arguments it cannot take.
void subcommand_syntax_error(Reply& reply, std::string_view sub, std::string_view command);

// What Redis' "%s" prints of an argument: up to its first NUL byte.
inline std::string_view as_c_string(std::string_view s) {
  return s.substr(0, s.find('\0'));
}

// Looks a key up for a command that needs it to be of `type`. Returns false
// (having replied WRONGTYPE) when it holds another type; `out` is empty when
// the key does not exist.
bool lookup(CommandContext& ctx, std::string_view key, ValueType type,
            std::optional<KeyRecord>& out);

// As lookup(), without copying the record, for read-only commands; `out` is
// nullptr when the key does not exist (see Keyspace::peek for its lifetime).
bool peek(CommandContext& ctx, std::string_view key, ValueType type, const KeyRecord*& out);

// SREM and HDEL: removes the members or fields argv[2..] of the collection
// at argv[1], deletes the key when it becomes empty (as Redis does), and
// replies with how many were removed.
void remove_fields(CommandContext& ctx, ValueType type);

// Parses an integer argument, replying "value is not an integer" on failure.
bool int_arg(CommandContext& ctx, std::string_view arg, int64_t* out);

// The count of SRANDMEMBER and HRANDFIELD: negative means picks may repeat.
// Replies Redis' range error beyond +-LONG_MAX.
bool count_arg(CommandContext& ctx, std::string_view arg, int64_t* out);
// Refuses (replying) a negative count of more than kMaxPicks repeated picks:
// the reply would exhaust memory, not answer anyone (Redis builds it).
inline constexpr int64_t kMaxPicks = 10'000'000;
bool picks_allowed(CommandContext& ctx, int64_t count);

// INCRBY / HINCRBY: adds `incr` to `*value` and tells the keyspace the write
// is an increment (concurrent increments from other regions all count); on
// overflow replies Redis' error and returns false, changing nothing.
bool increment(CommandContext& ctx, int64_t incr, int64_t* value);

// LMPOP / ZMPOP: numkeys key [key ...] <end> [COUNT count], where <end> is
// `first_end` or `second_end` (LEFT/RIGHT, MIN/MAX). Sets the index of the
// end word, whether it is the second, and the count (1 without COUNT);
// replies Redis' error and returns false on a bad argument. numkeys is
// argv[numkeys_at] (BLMPOP / BZMPOP: 2, after the timeout).
bool mpop_args(CommandContext& ctx, std::string_view first_end, std::string_view second_end,
               size_t* end_at, bool* second, int64_t* count, size_t numkeys_at = 1);
// Blocking commands: the timeout in seconds (a float; 0: none) as ms, with
// Redis' errors.
bool timeout_arg(CommandContext& ctx, std::string_view arg, int64_t* ms);
// Pops: `pop(key, rec)` takes from the first key of argv[first, end) that
// holds a non-empty collection of `type`, and replies. pop_first() is
// false (nothing replied) when every one is empty, true when it popped or
// replied an error.
using Pop = std::function<void(std::string_view key, const KeyRecord& rec)>;
bool pop_first(CommandContext& ctx, size_t first, size_t end, ValueType type, const Pop& pop);
// BLPOP / BRPOP / BZPOPMIN / BZPOPMAX: key [key ...] timeout.
void blocking_pop(CommandContext& ctx, ValueType type, const Pop& pop);
// BLMPOP / BZMPOP: timeout numkeys key [key ...] <first_end|second_end>
// [COUNT count]; `make(second, count)` is the pop.
void blocking_mpop(CommandContext& ctx, std::string_view first_end, std::string_view second_end,
                   ValueType type, const std::function<Pop(bool second, int64_t count)>& make);
// lookup() of a key a blocking command pops from: when the command runs
// again for a waiting client, a key of another type counts as empty (the
// client keeps waiting, as in Redis) instead of failing.
bool blocking_source(CommandContext& ctx, std::string_view key, ValueType type,
                     std::optional<KeyRecord>& out);
// A blocking command found nothing to pop: the client waits until one of
// `keys` changes (the command then runs again) or `timeout_ms` passes (a
// nil array). Inside MULTI it answers at once, as Redis: a nil array, or
// a nil string for BLMOVE / BRPOPLPUSH (`moves`). `retry_argv`: what runs
// again instead of the command itself (Client::block_on).
void block(CommandContext& ctx, const std::vector<std::string_view>& keys, int64_t timeout_ms,
           bool moves = false, std::vector<std::string> retry_argv = {});
// SISMEMBER / HEXISTS: 1 if the collection at argv[1] holds argv[2].
void reply_has_field(CommandContext& ctx, ValueType type);

}  // namespace meridian::cmd
