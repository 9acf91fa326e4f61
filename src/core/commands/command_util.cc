#include "core/commands/command_util.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

#include "core/region/region.h"

namespace meridian::cmd {

void arity_error(Reply& reply, std::string_view fullname) {
  std::string msg = "ERR wrong number of arguments for '";
  msg.append(fullname);
  msg.append("' command");
  reply.error(msg);
}

bool equals_ci(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i)
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i])))
      return false;
  return true;
}

std::string lower(std::string_view s) {
  std::string out(s);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

void reply_help(Reply& reply, std::span<const char* const> lines) {
  reply.array(lines.size());
  for (const char* l : lines) reply.simple(l);
}

void subcommand_syntax_error(Reply& reply, std::string_view sub, std::string_view command) {
  reply.error("ERR unknown subcommand or wrong number of arguments for '" +
              std::string(as_c_string(sub).substr(0, 128)) + "'. Try " + std::string(command) +
              " HELP.");
}

void unknown_subcommand(Reply& reply, std::string_view sub, std::string_view command) {
  reply.error("ERR unknown subcommand '" + std::string(as_c_string(sub).substr(0, 128)) +
              "'. Try " + std::string(command) + " HELP.");
}

bool lookup(CommandContext& ctx, std::string_view key, ValueType type,
            std::optional<KeyRecord>& out) {
  const KeyRecord* rec = nullptr;
  if (!peek(ctx, key, type, rec)) return false;
  out = rec != nullptr ? std::optional<KeyRecord>(*rec) : std::nullopt;
  return true;
}

bool peek(CommandContext& ctx, std::string_view key, ValueType type, const KeyRecord*& out) {
  out = ctx.keyspace.peek(key, ctx.now_ms);
  if (out != nullptr && out->type != type) {
    ctx.reply.error(kWrongType);
    return false;
  }
  if (out != nullptr) {
    ++ctx.region.stats().keyspace_hits;
  } else {
    ++ctx.region.stats().keyspace_misses;
  }
  return true;
}

void remove_fields(CommandContext& ctx, ValueType type) {
  std::optional<KeyRecord> old;
  if (!lookup(ctx, ctx.argv[1], type, old)) return;
  if (!old) return ctx.reply.integer(0);
  KeyRecord rec = *old;
  int64_t removed = 0;
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    if (!ctx.keyspace.get_field(ctx.argv[1], rec, ctx.argv[i])) continue;
    ctx.keyspace.del_field(ctx.argv[1], rec, ctx.argv[i], ctx.now_ms);
    ++removed;
  }
  if (removed > 0) {
    rec.count -= static_cast<uint64_t>(removed);
    if (rec.count == 0) {
      ctx.keyspace.erase(ctx.argv[1], *old, ctx.now_ms);
    } else {
      ctx.keyspace.write(ctx.argv[1], rec, &*old, ctx.now_ms);
    }
  }
  ctx.reply.integer(removed);
}

bool int_arg(CommandContext& ctx, std::string_view arg, int64_t* out) {
  auto v = parse_int64(arg);
  if (!v) {
    ctx.reply.error(kNotInteger);
    return false;
  }
  *out = *v;
  return true;
}

bool count_arg(CommandContext& ctx, std::string_view arg, int64_t* out) {
  if (!int_arg(ctx, arg, out)) return false;
  if (*out == INT64_MIN) {
    ctx.reply.error(
        "ERR value is out of range, value must between -9223372036854775807 and "
        "9223372036854775807");
    return false;
  }
  return true;
}

bool picks_allowed(CommandContext& ctx, int64_t count) {
  if (count >= -kMaxPicks) return true;
  ctx.reply.error("ERR count is too large: a reply holds at most " + std::to_string(kMaxPicks) +
                  " random picks; ask in several calls");
  return false;
}

bool increment(CommandContext& ctx, int64_t incr, int64_t* value) {
  int64_t v = *value;
  if ((incr < 0 && v < 0 && incr < (INT64_MIN - v)) ||
      (incr > 0 && v > 0 && incr > (INT64_MAX - v))) {
    ctx.reply.error(kOverflow);
    return false;
  }
  *value = v + incr;
  ctx.keyspace.note_increment(incr);
  return true;
}

bool mpop_args(CommandContext& ctx, std::string_view first_end, std::string_view second_end,
               size_t* end_at, bool* second, int64_t* count, size_t numkeys_at) {
  const auto& argv = ctx.argv;
  auto numkeys = parse_int64(argv[numkeys_at]);
  if (!numkeys || *numkeys <= 0) {
    ctx.reply.error("ERR numkeys should be greater than 0");
    return false;
  }
  if (*numkeys > static_cast<int64_t>(argv.size()) - static_cast<int64_t>(numkeys_at) - 2) {
    ctx.reply.error(kSyntax);
    return false;
  }
  *end_at = numkeys_at + 1 + static_cast<size_t>(*numkeys);
  *second = equals_ci(argv[*end_at], second_end);
  if (!*second && !equals_ci(argv[*end_at], first_end)) {
    ctx.reply.error(kSyntax);
    return false;
  }
  *count = -1;
  for (size_t i = *end_at + 1; i < argv.size(); ++i) {
    if (*count != -1 || !equals_ci(argv[i], "COUNT") || i + 1 >= argv.size()) {
      ctx.reply.error(kSyntax);
      return false;
    }
    auto v = parse_int64(argv[++i]);
    if (!v || *v <= 0) {
      ctx.reply.error("ERR count should be greater than 0");
      return false;
    }
    *count = *v;
  }
  if (*count == -1) *count = 1;
  return true;
}

void reply_has_field(CommandContext& ctx, ValueType type) {
  const KeyRecord* rec = nullptr;
  if (!peek(ctx, ctx.argv[1], type, rec)) return;
  bool found = rec && ctx.keyspace.get_field(ctx.argv[1], *rec, ctx.argv[2]);
  ctx.reply.integer(found ? 1 : 0);
}

bool timeout_arg(CommandContext& ctx, std::string_view arg, int64_t* ms) {
  // Redis 7.0 reads a long double; a value too big for milliseconds wraps
  // to a negative one ("timeout is negative"), as there.
  std::string text(arg);
  char* end = nullptr;
  errno = 0;
  long double v = text.empty() || std::isspace(static_cast<unsigned char>(text[0]))
                      ? 0
                      : std::strtold(text.c_str(), &end);
  if (text.empty() || end != text.c_str() + text.size() || std::isnan(v) || errno == ERANGE) {
    ctx.reply.error("ERR timeout is not a float or out of range");
    return false;
  }
  long double m = std::ceil(v * 1000.0L);
  if (!(m >= 0) || m >= 9.2e18L) {
    ctx.reply.error("ERR timeout is negative");
    return false;
  }
  *ms = static_cast<int64_t>(m);
  return true;
}

bool blocking_source(CommandContext& ctx, std::string_view key, ValueType type,
                     std::optional<KeyRecord>& out) {
  if (ctx.session.retrying_blocked()) {
    const KeyRecord* rec = ctx.keyspace.peek(key, ctx.now_ms);
    out = rec != nullptr && rec->type == type ? std::optional<KeyRecord>(*rec) : std::nullopt;
    return true;
  }
  return lookup(ctx, key, type, out);
}

bool pop_first(CommandContext& ctx, size_t first, size_t end, ValueType type, const Pop& pop) {
  for (size_t k = first; k < end; ++k) {
    std::optional<KeyRecord> old;
    if (!blocking_source(ctx, ctx.argv[k], type, old)) return true;
    if (!old || old->count == 0) continue;
    pop(ctx.argv[k], *old);
    return true;
  }
  return false;
}

void blocking_pop(CommandContext& ctx, ValueType type, const Pop& pop) {
  const auto& argv = ctx.argv;
  int64_t timeout = 0;
  if (!timeout_arg(ctx, argv.back(), &timeout)) return;
  if (!pop_first(ctx, 1, argv.size() - 1, type, pop)) {
    block(ctx, {argv.begin() + 1, argv.end() - 1}, timeout);
  }
}

void blocking_mpop(CommandContext& ctx, std::string_view first_end, std::string_view second_end,
                   ValueType type, const std::function<Pop(bool second, int64_t count)>& make) {
  size_t end = 0;
  bool second = false;
  int64_t count = 1;
  if (!mpop_args(ctx, first_end, second_end, &end, &second, &count, 2)) return;
  int64_t timeout = 0;
  if (!timeout_arg(ctx, ctx.argv[1], &timeout)) return;
  if (!pop_first(ctx, 3, end, type, make(second, count))) {
    block(ctx, {ctx.argv.begin() + 3, ctx.argv.begin() + static_cast<std::ptrdiff_t>(end)},
          timeout);
  }
}

void block(CommandContext& ctx, const std::vector<std::string_view>& keys, int64_t timeout_ms,
           bool moves, std::vector<std::string> retry_argv) {
  if (ctx.session.in_exec()) return moves ? ctx.reply.null() : ctx.reply.null_array();
  ctx.session.block_on(keys, timeout_ms, std::move(retry_argv));
}

}  // namespace meridian::cmd
