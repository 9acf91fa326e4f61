// GET, SET, SETEX, PSETEX, SETNX, GETSET, GETDEL, GETEX, MGET, MSET, MSETNX,
// APPEND, STRLEN, GETRANGE, SETRANGE, INCR family, INCRBYFLOAT. Strings are
// stored inline in the key record.
#include <algorithm>
#include <cmath>
#include <string>

#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using cmd::equals_ci;

// Stores `value` as the string at `key`, replacing whatever was there. The
// TTL is kept only when keep_ttl; expire_at_ms 0 means none.
void store_string(CommandContext& ctx, std::string_view key, std::string_view value,
                  const std::optional<KeyRecord>& old, int64_t expire_at_ms, bool keep_ttl) {
  KeyRecord rec;
  rec.type = ValueType::kString;
  rec.payload.assign(value);
  rec.expire_at_ms = keep_ttl && old ? old->expire_at_ms : expire_at_ms;
  ctx.keyspace.write(key, rec, old ? &*old : nullptr, ctx.now_ms);
}

// A string value modified in place (APPEND, INCR): TTL and metadata kept.
void update_string(CommandContext& ctx, std::string_view key, std::string value,
                   const std::optional<KeyRecord>& old) {
  if (!old) return store_string(ctx, key, value, old, 0, false);
  KeyRecord rec = *old;
  rec.payload = std::move(value);
  ctx.keyspace.write(key, rec, &*old, ctx.now_ms);
}

void get(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kString, rec)) return;
  if (!rec) return ctx.reply.null();
  if (ctx.keyspace.merging() &&
      ctx.keyspace.resolver(ctx.argv[1]).policy == crdt::Policy::kSiblings) {
    size_t n = ctx.keyspace.values(*rec).size();
    if (n > 1) {
      return ctx.reply.error("SIBLINGS '" + std::string(cmd::as_c_string(ctx.argv[1])) + "' has " +
                             std::to_string(n) +
                             " concurrent values: read them with MR.GETALL key, then write "
                             "the resolved value with MR.SET key value CONTEXT context");
    }
  }
  ctx.reply.bulk(rec->payload);
}

enum SetFlag {
  kNx = 1 << 0,
  kXx = 1 << 1,
  kGet = 1 << 2,
  kKeepTtl = 1 << 3,
  kEx = 1 << 4,
  kPx = 1 << 5,
  kExAt = 1 << 6,
  kPxAt = 1 << 7,
  kPersist = 1 << 8,
};
constexpr int kAnyExpire = kEx | kPx | kExAt | kPxAt;

int expire_flag(std::string_view opt) {
  if (equals_ci(opt, "EX")) return kEx;
  if (equals_ci(opt, "PX")) return kPx;
  if (equals_ci(opt, "EXAT")) return kExAt;
  if (equals_ci(opt, "PXAT")) return kPxAt;
  return 0;
}

enum class OptionsOf { kSet, kGetex };

// Redis' parseExtendedStringArgumentsOrReply for SET and GETEX, including its
// quirk that repeating the same expire option is allowed (the last one wins).
bool parse_set_options(CommandContext& ctx, OptionsOf of, int* flags,
                       std::string_view* expire_arg) {
  const auto& argv = ctx.argv;
  const bool set = of == OptionsOf::kSet;
  for (size_t j = set ? 3 : 2; j < argv.size(); ++j) {
    std::string_view opt = argv[j];
    bool has_next = j + 1 < argv.size();
    auto expire_option = [&](int flag) {
      if ((*flags & (kKeepTtl | kPersist)) || (*flags & (kAnyExpire & ~flag)) || !has_next) {
        return false;
      }
      *flags |= flag;
      *expire_arg = argv[++j];
      return true;
    };
    if (set && equals_ci(opt, "NX") && !(*flags & kXx)) {
      *flags |= kNx;
    } else if (set && equals_ci(opt, "XX") && !(*flags & kNx)) {
      *flags |= kXx;
    } else if (set && equals_ci(opt, "GET")) {
      *flags |= kGet;
    } else if (set && equals_ci(opt, "KEEPTTL") && !(*flags & kAnyExpire)) {
      *flags |= kKeepTtl;
    } else if (!set && equals_ci(opt, "PERSIST") && !(*flags & kAnyExpire)) {
      *flags |= kPersist;
    } else if (int f = expire_flag(opt); f != 0 && expire_option(f)) {
      // EX, PX, EXAT or PXAT with its argument
    } else {
      ctx.reply.error(cmd::kSyntax);
      return false;
    }
  }
  return true;
}

// Redis' getExpireMillisecondsOrReply: an absolute time in ms, or an error.
bool expire_ms(CommandContext& ctx, std::string_view arg, int flags, const char* name,
               int64_t* out) {
  int64_t ms = 0;
  if (!cmd::int_arg(ctx, arg, &ms)) return false;
  bool seconds = flags & (kEx | kExAt);
  const std::string invalid = std::string("ERR invalid expire time in '") + name + "' command";
  if (ms <= 0 || (seconds && ms > INT64_MAX / 1000)) {
    ctx.reply.error(invalid);
    return false;
  }
  if (seconds) ms *= 1000;
  if (flags & (kEx | kPx)) {
    if (ms > INT64_MAX - ctx.now_ms) {
      ctx.reply.error(invalid);
      return false;
    }
    ms += ctx.now_ms;
  }
  *out = ms;
  return true;
}

// What SET does once its options are known; SETEX and PSETEX share it.
void set_with(CommandContext& ctx, int flags, std::string_view expire_arg, std::string_view value,
              const char* name) {
  int64_t expire_at = 0;
  if ((flags & kAnyExpire) && !expire_ms(ctx, expire_arg, flags, name, &expire_at)) return;

  std::string_view key = ctx.argv[1];
  auto old = ctx.keyspace.find(key, ctx.now_ms);
  if (flags & kGet) {
    if (old && old->type != ValueType::kString) return ctx.reply.error(cmd::kWrongType);
    if (old) {
      ctx.reply.bulk(old->payload);
    } else {
      ctx.reply.null();
    }
  }
  if (((flags & kNx) && old) || ((flags & kXx) && !old)) {
    if (!(flags & kGet)) ctx.reply.null();
    return;
  }
  if (expire_at != 0 && expire_at <= ctx.now_ms) {
    // Set and expired at once: the observable result is no key.
    if (old) ctx.keyspace.erase(key, *old, ctx.now_ms);
  } else {
    store_string(ctx, key, value, old, expire_at, flags & kKeepTtl);
  }
  if (!(flags & kGet)) ctx.reply.ok();
}

void set(CommandContext& ctx) {
  int flags = 0;
  std::string_view expire_arg;
  if (!parse_set_options(ctx, OptionsOf::kSet, &flags, &expire_arg)) return;
  set_with(ctx, flags, expire_arg, ctx.argv[2], "set");
}

// SETEX key seconds value, PSETEX key milliseconds value.
void setex(CommandContext& ctx) {
  set_with(ctx, kEx, ctx.argv[2], ctx.argv[3], "setex");
}
void psetex(CommandContext& ctx) {
  set_with(ctx, kPx, ctx.argv[2], ctx.argv[3], "psetex");
}

void getex(CommandContext& ctx) {
  int flags = 0;
  std::string_view expire_arg;
  if (!parse_set_options(ctx, OptionsOf::kGetex, &flags, &expire_arg)) return;
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kString, old)) return;
  if (!old) return ctx.reply.null();
  int64_t expire_at = 0;
  if ((flags & kAnyExpire) && !expire_ms(ctx, expire_arg, flags, "getex", &expire_at)) return;
  ctx.reply.bulk(old->payload);
  if (expire_at != 0 && expire_at <= ctx.now_ms) {
    ctx.keyspace.erase(ctx.argv[1], *old, ctx.now_ms);  // EXAT/PXAT in the past
  } else if (expire_at != 0 || ((flags & kPersist) && old->expire_at_ms != 0)) {
    KeyRecord rec = *old;
    rec.expire_at_ms = expire_at;
    ctx.keyspace.write(ctx.argv[1], rec, &*old, ctx.now_ms);
  }
}

void setnx(CommandContext& ctx) {
  auto old = ctx.keyspace.find(ctx.argv[1], ctx.now_ms);
  if (old) return ctx.reply.integer(0);
  store_string(ctx, ctx.argv[1], ctx.argv[2], old, 0, false);
  ctx.reply.integer(1);
}

void getset(CommandContext& ctx) {
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kString, old)) return;
  if (old) {
    ctx.reply.bulk(old->payload);
  } else {
    ctx.reply.null();
  }
  store_string(ctx, ctx.argv[1], ctx.argv[2], old, 0, false);
}

void getdel(CommandContext& ctx) {
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kString, old)) return;
  if (!old) return ctx.reply.null();
  ctx.reply.bulk(old->payload);
  ctx.keyspace.erase(ctx.argv[1], *old, ctx.now_ms);
}

void mget(CommandContext& ctx) {
  ctx.reply.array(ctx.argv.size() - 1);
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    const KeyRecord* rec = ctx.keyspace.peek(ctx.argv[i], ctx.now_ms);
    if (rec != nullptr && rec->type == ValueType::kString) {
      ctx.reply.bulk(rec->payload);
    } else {
      ctx.reply.null();
    }
  }
}

// MSET and MSETNX (nx: nothing is set if any of the keys exists).
void mset_generic(CommandContext& ctx, bool nx) {
  if (ctx.argv.size() % 2 == 0) return cmd::arity_error(ctx.reply, nx ? "msetnx" : "mset");
  if (nx) {
    for (size_t i = 1; i < ctx.argv.size(); i += 2) {
      if (ctx.keyspace.peek(ctx.argv[i], ctx.now_ms) != nullptr) return ctx.reply.integer(0);
    }
  }
  for (size_t i = 1; i < ctx.argv.size(); i += 2) {
    auto old = ctx.keyspace.find(ctx.argv[i], ctx.now_ms);
    store_string(ctx, ctx.argv[i], ctx.argv[i + 1], old, 0, false);
  }
  if (nx) return ctx.reply.integer(1);
  ctx.reply.ok();
}

void mset(CommandContext& ctx) {
  mset_generic(ctx, false);
}
void msetnx(CommandContext& ctx) {
  mset_generic(ctx, true);
}

void append(CommandContext& ctx) {
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kString, old)) return;
  std::string value = old ? old->payload : std::string();
  if (static_cast<int64_t>(value.size() + ctx.argv[2].size()) >
      ctx.region.settings().limits.proto_max_bulk_len) {
    return ctx.reply.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  }
  value.append(ctx.argv[2]);
  int64_t len = static_cast<int64_t>(value.size());
  update_string(ctx, ctx.argv[1], std::move(value), old);
  ctx.reply.integer(len);
}

// GETRANGE key start end (and its old name SUBSTR): Redis' index rules,
// negative from the end, clamped to the string.
void getrange(CommandContext& ctx) {
  int64_t start = 0;
  int64_t end = 0;
  if (!cmd::int_arg(ctx, ctx.argv[2], &start) || !cmd::int_arg(ctx, ctx.argv[3], &end)) return;
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kString, rec)) return;
  if (!rec || (start < 0 && end < 0 && start > end)) return ctx.reply.bulk("");
  const std::string& str = rec->payload;
  auto len = static_cast<int64_t>(str.size());
  if (start < 0) start = std::max<int64_t>(0, len + start);
  if (end < 0) end = std::max<int64_t>(0, len + end);
  end = std::min(end, len - 1);
  if (start > end || len == 0) return ctx.reply.bulk("");
  ctx.reply.bulk(std::string_view(str).substr(static_cast<size_t>(start),
                                              static_cast<size_t>(end - start + 1)));
}

// SETRANGE key offset value: overwrites from offset, padding with zero bytes.
void setrange(CommandContext& ctx) {
  int64_t offset = 0;
  if (!cmd::int_arg(ctx, ctx.argv[2], &offset)) return;
  if (offset < 0) return ctx.reply.error("ERR offset is out of range");
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kString, old)) return;
  std::string_view value = ctx.argv[3];
  if (value.empty()) return ctx.reply.integer(old ? static_cast<int64_t>(old->payload.size()) : 0);
  if (offset >
      ctx.region.settings().limits.proto_max_bulk_len - static_cast<int64_t>(value.size())) {
    return ctx.reply.error("ERR string exceeds maximum allowed size (proto-max-bulk-len)");
  }
  std::string str = old ? old->payload : std::string();
  auto at = static_cast<size_t>(offset);
  if (str.size() < at + value.size()) str.resize(at + value.size(), '\0');
  str.replace(at, value.size(), value);
  auto len = static_cast<int64_t>(str.size());
  update_string(ctx, ctx.argv[1], std::move(str), old);
  ctx.reply.integer(len);
}

void strlen_cmd(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kString, rec)) return;
  ctx.reply.integer(rec ? static_cast<int64_t>(rec->payload.size()) : 0);
}

void incr_by(CommandContext& ctx, int64_t incr) {
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kString, old)) return;
  int64_t value = 0;
  if (old) {
    auto v = parse_int64(old->payload);
    if (!v) return ctx.reply.error(cmd::kNotInteger);
    value = *v;
  }
  if (!cmd::increment(ctx, incr, &value)) return;
  update_string(ctx, ctx.argv[1], format_int64(value), old);
  ctx.reply.integer(value);
}

void incr(CommandContext& ctx) {
  incr_by(ctx, 1);
}
void decr(CommandContext& ctx) {
  incr_by(ctx, -1);
}

void incrby(CommandContext& ctx) {
  int64_t incr = 0;
  if (!cmd::int_arg(ctx, ctx.argv[2], &incr)) return;
  incr_by(ctx, incr);
}

void decrby(CommandContext& ctx) {
  int64_t incr = 0;
  if (!cmd::int_arg(ctx, ctx.argv[2], &incr)) return;
  if (incr == INT64_MIN) return ctx.reply.error("ERR decrement would overflow");
  incr_by(ctx, -incr);
}

void incrbyfloat(CommandContext& ctx) {
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kString, old)) return;
  long double value = 0;
  if (old) {
    auto v = parse_long_double(old->payload);
    if (!v) return ctx.reply.error(cmd::kNotFloat);
    value = *v;
  }
  auto incr = parse_long_double(ctx.argv[2]);
  if (!incr) return ctx.reply.error(cmd::kNotFloat);
  value += *incr;
  if (std::isnan(value) || std::isinf(value)) {
    return ctx.reply.error("ERR increment would produce NaN or Infinity");
  }
  std::string text = format_long_double(value);
  update_string(ctx, ctx.argv[1], text, old);
  ctx.reply.bulk(text);
}

}  // namespace

void register_string_commands(CommandTable& t) {
  t.add({"get", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, get});
  t.add({"set", -3, kCmdWrite | kCmdDenyOom, 1, 1, 1, set});
  t.add({"setex", 4, kCmdWrite | kCmdDenyOom, 1, 1, 1, setex});
  t.add({"psetex", 4, kCmdWrite | kCmdDenyOom, 1, 1, 1, psetex});
  t.add({"getex", -2, kCmdWrite | kCmdFast, 1, 1, 1, getex});
  t.add({"setnx", 3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, setnx});
  t.add({"getset", 3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, getset});
  t.add({"getdel", 2, kCmdWrite | kCmdFast, 1, 1, 1, getdel});
  t.add({"mget", -2, kCmdReadOnly | kCmdFast, 1, -1, 1, mget});
  t.add({"mset", -3, kCmdWrite | kCmdDenyOom, 1, -1, 2, mset});
  t.add({"msetnx", -3, kCmdWrite | kCmdDenyOom, 1, -1, 2, msetnx});
  t.add({"append", 3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, append});
  t.add({"strlen", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, strlen_cmd});
  t.add({"getrange", 4, kCmdReadOnly, 1, 1, 1, getrange});
  t.add({"substr", 4, kCmdReadOnly, 1, 1, 1, getrange});
  t.add({"setrange", 4, kCmdWrite | kCmdDenyOom, 1, 1, 1, setrange});
  t.add({"incr", 2, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, incr});
  t.add({"decr", 2, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, decr});
  t.add({"incrby", 3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, incrby});
  t.add({"decrby", 3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, decrby});
  t.add({"incrbyfloat", 3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, incrbyfloat});
}

}  // namespace meridian
