// HSET, HMSET, HSETNX, HGET, HSTRLEN, HMGET, HGETALL, HDEL, HEXISTS, HLEN,
// HKEYS, HVALS, HINCRBY, HINCRBYFLOAT, HRANDFIELD. Each field is a field
// record (HLC, origin, dot, value).
#include <cmath>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/random_pick.h"
#include "core/region/region.h"

namespace meridian {
namespace {

// Sets fields pairwise from argv[first..]; returns how many were new.
int64_t set_fields(CommandContext& ctx, KeyRecord& rec, size_t first) {
  int64_t added = 0;
  for (size_t i = first; i + 1 < ctx.argv.size(); i += 2) {
    if (!ctx.keyspace.get_field(ctx.argv[1], rec, ctx.argv[i])) ++added;
    ctx.keyspace.put_field(ctx.argv[1], rec, ctx.argv[i], ctx.argv[i + 1], ctx.now_ms);
  }
  rec.count += static_cast<uint64_t>(added);
  return added;
}

// HSET replies how many fields were new; HMSET, its older form, OK.
template <bool kReplyOk>
void hset(CommandContext& ctx) {
  if (ctx.argv.size() % 2 == 1) return cmd::arity_error(ctx.reply, kReplyOk ? "hmset" : "hset");
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kHash, old)) return;
  KeyRecord rec = old ? *old : ctx.keyspace.new_collection(ValueType::kHash, ctx.argv[1]);
  int64_t added = set_fields(ctx, rec, 2);
  ctx.keyspace.write(ctx.argv[1], rec, old ? &*old : nullptr, ctx.now_ms);
  if (kReplyOk) return ctx.reply.ok();
  ctx.reply.integer(added);
}

void hsetnx(CommandContext& ctx) {
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kHash, old)) return;
  if (old && ctx.keyspace.get_field(ctx.argv[1], *old, ctx.argv[2])) return ctx.reply.integer(0);
  KeyRecord rec = old ? *old : ctx.keyspace.new_collection(ValueType::kHash, ctx.argv[1]);
  set_fields(ctx, rec, 2);
  ctx.keyspace.write(ctx.argv[1], rec, old ? &*old : nullptr, ctx.now_ms);
  ctx.reply.integer(1);
}

void hget(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kHash, rec)) return;
  if (!rec) return ctx.reply.null();
  auto f = ctx.keyspace.get_field(ctx.argv[1], *rec, ctx.argv[2]);
  if (!f) return ctx.reply.null();
  ctx.reply.bulk(f->value);
}

void hstrlen(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kHash, rec)) return;
  auto f = rec ? ctx.keyspace.get_field(ctx.argv[1], *rec, ctx.argv[2]) : std::nullopt;
  ctx.reply.integer(f ? static_cast<int64_t>(f->value.size()) : 0);
}

void hmget(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kHash, rec)) return;
  ctx.reply.array(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    auto f = rec ? ctx.keyspace.get_field(ctx.argv[1], *rec, ctx.argv[i]) : std::nullopt;
    if (f) {
      ctx.reply.bulk(f->value);
    } else {
      ctx.reply.null();
    }
  }
}

enum class Part { kFields, kValues, kBoth };

void hash_listing(CommandContext& ctx, Part part) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kHash, rec)) return;
  std::vector<std::pair<std::string, std::string>> items;
  if (rec) {
    items.reserve(rec->count);
    ctx.keyspace.for_each_field(ctx.argv[1], *rec, [&](std::string_view f, const FieldRecord& r) {
      items.emplace_back(f, r.value);
      return true;
    });
  }
  if (part == Part::kBoth) {
    ctx.reply.map(items.size());
  } else {
    ctx.reply.array(items.size());
  }
  for (const auto& [f, v] : items) {
    if (part != Part::kValues) ctx.reply.bulk(f);
    if (part != Part::kFields) ctx.reply.bulk(v);
  }
}

void hgetall(CommandContext& ctx) {
  hash_listing(ctx, Part::kBoth);
}
void hkeys(CommandContext& ctx) {
  hash_listing(ctx, Part::kFields);
}
void hvals(CommandContext& ctx) {
  hash_listing(ctx, Part::kValues);
}

void hdel(CommandContext& ctx) {
  cmd::remove_fields(ctx, ValueType::kHash);
}

void hexists(CommandContext& ctx) {
  cmd::reply_has_field(ctx, ValueType::kHash);
}

void hlen(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kHash, rec)) return;
  ctx.reply.integer(rec ? static_cast<int64_t>(rec->count) : 0);
}

void hincrby(CommandContext& ctx) {
  int64_t incr = 0;
  if (!cmd::int_arg(ctx, ctx.argv[3], &incr)) return;
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kHash, old)) return;
  KeyRecord rec = old ? *old : ctx.keyspace.new_collection(ValueType::kHash, ctx.argv[1]);
  int64_t value = 0;
  auto f = old ? ctx.keyspace.get_field(ctx.argv[1], rec, ctx.argv[2]) : std::nullopt;
  if (f) {
    auto v = parse_int64(f->value);
    if (!v) return ctx.reply.error("ERR hash value is not an integer");
    value = *v;
  }
  if (!cmd::increment(ctx, incr, &value)) return;
  ctx.keyspace.put_field(ctx.argv[1], rec, ctx.argv[2], format_int64(value), ctx.now_ms);
  if (!f) ++rec.count;
  ctx.keyspace.write(ctx.argv[1], rec, old ? &*old : nullptr, ctx.now_ms);
  ctx.reply.integer(value);
}

// HINCRBYFLOAT: a register write of the new value (not a counter: float
// increments from two regions at once keep one of them, as INCRBYFLOAT).
void hincrbyfloat(CommandContext& ctx) {
  auto incr = parse_long_double(ctx.argv[3]);
  if (!incr) return ctx.reply.error(cmd::kNotFloat);
  if (std::isnan(*incr) || std::isinf(*incr))
    return ctx.reply.error("ERR value is NaN or Infinity");
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kHash, old)) return;
  KeyRecord rec = old ? *old : ctx.keyspace.new_collection(ValueType::kHash, ctx.argv[1]);
  long double value = 0;
  auto f = old ? ctx.keyspace.get_field(ctx.argv[1], rec, ctx.argv[2]) : std::nullopt;
  if (f) {
    auto v = parse_long_double(f->value);
    if (!v) return ctx.reply.error("ERR hash value is not a float");
    value = *v;
  }
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) {
    return ctx.reply.error("ERR increment would produce NaN or Infinity");
  }
  std::string text = format_long_double(value);
  ctx.keyspace.put_field(ctx.argv[1], rec, ctx.argv[2], text, ctx.now_ms);
  if (!f) ++rec.count;
  ctx.keyspace.write(ctx.argv[1], rec, old ? &*old : nullptr, ctx.now_ms);
  ctx.reply.bulk(text);
}

// HRANDFIELD key [count [WITHVALUES]]
void hrandfield(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const bool with_count = argv.size() >= 3;
  const bool with_values = argv.size() == 4 && cmd::equals_ci(argv[3], "WITHVALUES");
  if (argv.size() > 4 || (argv.size() == 4 && !with_values)) return ctx.reply.error(cmd::kSyntax);
  int64_t count = 1;
  if (with_count && !cmd::count_arg(ctx, argv[2], &count)) return;
  if (with_values && (count > INT64_MAX / 2 || count < -(INT64_MAX / 2))) {
    return ctx.reply.error("ERR value is out of range");
  }
  if (!cmd::picks_allowed(ctx, count)) return;
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, argv[1], ValueType::kHash, found)) return;
  if (!found || count == 0) return with_count ? ctx.reply.array(0) : ctx.reply.null();
  const KeyRecord rec = *found;
  auto picked = count > 0 ? cmd::pick_distinct(ctx, argv[1], rec, count)
                          : cmd::pick_with_repeats(ctx, argv[1], rec, -count);
  if (!with_count) return ctx.reply.bulk(picked.front().first);
  // RESP3 pairs each field with its value; RESP2 flattens them.
  const bool pairs = with_values && ctx.reply.proto() >= 3;
  ctx.reply.array(with_values && !pairs ? picked.size() * 2 : picked.size());
  for (const auto& [f, v] : picked) {
    if (pairs) ctx.reply.array(2);
    ctx.reply.bulk(f);
    if (with_values) ctx.reply.bulk(v);
  }
}

}  // namespace

void register_hash_commands(CommandTable& t) {
  t.add({"hset", -4, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, hset<false>});
  t.add({"hmset", -4, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, hset<true>});
  t.add({"hsetnx", 4, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, hsetnx});
  t.add({"hget", 3, kCmdReadOnly | kCmdFast, 1, 1, 1, hget});
  t.add({"hstrlen", 3, kCmdReadOnly | kCmdFast, 1, 1, 1, hstrlen});
  t.add({"hmget", -3, kCmdReadOnly | kCmdFast, 1, 1, 1, hmget});
  t.add({"hgetall", 2, kCmdReadOnly, 1, 1, 1, hgetall});
  t.add({"hdel", -3, kCmdWrite | kCmdFast, 1, 1, 1, hdel});
  t.add({"hexists", 3, kCmdReadOnly | kCmdFast, 1, 1, 1, hexists});
  t.add({"hlen", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, hlen});
  t.add({"hkeys", 2, kCmdReadOnly, 1, 1, 1, hkeys});
  t.add({"hvals", 2, kCmdReadOnly, 1, 1, 1, hvals});
  t.add({"hincrby", 4, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, hincrby});
  t.add({"hincrbyfloat", 4, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, hincrbyfloat});
  t.add({"hrandfield", -2, kCmdReadOnly, 1, 1, 1, hrandfield});
}

}  // namespace meridian
