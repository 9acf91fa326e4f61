// DEL, UNLINK, EXISTS, TOUCH, TYPE, KEYS, DBSIZE, RANDOMKEY, EXPIRE family, TTL family
// (with EXPIRETIME, PEXPIRETIME),
// PERSIST, FLUSHALL, FLUSHDB.
#include <cerrno>
#include <cstdlib>
#include <string>

#include "core/base/glob.h"
#include "core/commands/command_util.h"
#include "core/commands/random_pick.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using cmd::equals_ci;

void del(CommandContext& ctx) {
  int64_t removed = 0;
  for (size_t i = 1; i < ctx.argv.size(); ++i) {
    if (auto rec = ctx.keyspace.find(ctx.argv[i], ctx.now_ms)) {
      ctx.keyspace.erase(ctx.argv[i], *rec, ctx.now_ms);
      ++removed;
    }
  }
  ctx.reply.integer(removed);
}

void exists(CommandContext& ctx) {
  int64_t n = 0;
  for (size_t i = 1; i < ctx.argv.size(); ++i)
    if (ctx.keyspace.peek(ctx.argv[i], ctx.now_ms) != nullptr) ++n;
  ctx.reply.integer(n);
}

void type(CommandContext& ctx) {
  const KeyRecord* rec = ctx.keyspace.peek(ctx.argv[1], ctx.now_ms);
  ctx.reply.simple(rec != nullptr ? type_name(rec->type) : "none");
}

void dbsize(CommandContext& ctx) {
  ctx.reply.integer(static_cast<int64_t>(ctx.keyspace.key_count()));
}

void keys(CommandContext& ctx) {
  std::string_view pattern = ctx.argv[1];
  bool all = pattern == "*";
  std::vector<std::string> found;
  ctx.keyspace.for_each_key({}, ctx.now_ms, [&](std::string_view key, const KeyRecord&) {
    if (all || glob_match(pattern, key)) found.emplace_back(key);
    return true;
  });
  ctx.reply.array(found.size());
  for (const auto& k : found) ctx.reply.bulk(k);
}

enum ExpireFlag { kNx = 1, kXx = 2, kGt = 4, kLt = 8 };

// EXPIRE, PEXPIRE, EXPIREAT, PEXPIREAT share Redis' expireGenericCommand.
void expire_generic(CommandContext& ctx, int64_t basetime, bool seconds, const char* name) {
  const auto& argv = ctx.argv;
  int flags = 0;
  for (size_t j = 3; j < argv.size(); ++j) {
    if (equals_ci(argv[j], "NX")) {
      flags |= kNx;
    } else if (equals_ci(argv[j], "XX")) {
      flags |= kXx;
    } else if (equals_ci(argv[j], "GT")) {
      flags |= kGt;
    } else if (equals_ci(argv[j], "LT")) {
      flags |= kLt;
    } else {
      return ctx.reply.error("ERR Unsupported option " + std::string(cmd::as_c_string(argv[j])));
    }
  }
  if ((flags & kNx) && (flags & (kXx | kGt | kLt))) {
    return ctx.reply.error("ERR NX and XX, GT or LT options at the same time are not compatible");
  }
  if ((flags & kGt) && (flags & kLt)) {
    return ctx.reply.error("ERR GT and LT options at the same time are not compatible");
  }
  int64_t when = 0;
  if (!cmd::int_arg(ctx, argv[2], &when)) return;
  const std::string invalid = std::string("ERR invalid expire time in '") + name + "' command";
  if (seconds) {
    if (when > INT64_MAX / 1000 || when < INT64_MIN / 1000) return ctx.reply.error(invalid);
    when *= 1000;
  }
  if (when > INT64_MAX - basetime) return ctx.reply.error(invalid);
  when += basetime;

  auto rec = ctx.keyspace.find(argv[1], ctx.now_ms);
  if (!rec) return ctx.reply.integer(0);
  if (flags) {
    int64_t current = rec->expire_at_ms == 0 ? -1 : rec->expire_at_ms;
    if ((flags & kNx) && current != -1) return ctx.reply.integer(0);
    if ((flags & kXx) && current == -1) return ctx.reply.integer(0);
    if ((flags & kGt) && (when <= current || current == -1)) return ctx.reply.integer(0);
    if ((flags & kLt) && current != -1 && when >= current) return ctx.reply.integer(0);
  }
  if (when <= ctx.now_ms) {
    ctx.keyspace.erase(argv[1], *rec, ctx.now_ms);  // already expired: delete now, as Redis does
    return ctx.reply.integer(1);
  }
  KeyRecord updated = *rec;
  updated.expire_at_ms = when;
  ctx.keyspace.write(argv[1], updated, &*rec, ctx.now_ms);
  ctx.reply.integer(1);
}

void expire(CommandContext& ctx) {
  expire_generic(ctx, ctx.now_ms, true, "expire");
}
void pexpire(CommandContext& ctx) {
  expire_generic(ctx, ctx.now_ms, false, "pexpire");
}
void expireat(CommandContext& ctx) {
  expire_generic(ctx, 0, true, "expireat");
}
void pexpireat(CommandContext& ctx) {
  expire_generic(ctx, 0, false, "pexpireat");
}

// TTL, PTTL, EXPIRETIME, PEXPIRETIME: Redis' ttlGenericCommand (absolute:
// the Unix time of expiry instead of the time left).
void ttl_generic(CommandContext& ctx, bool ms, bool absolute) {
  const KeyRecord* rec = ctx.keyspace.peek(ctx.argv[1], ctx.now_ms);
  if (rec == nullptr) return ctx.reply.integer(-2);
  if (rec->expire_at_ms == 0) return ctx.reply.integer(-1);
  int64_t ttl = absolute ? rec->expire_at_ms : rec->expire_at_ms - ctx.now_ms;
  if (ttl < 0) ttl = 0;
  ctx.reply.integer(ms ? ttl : (ttl + 500) / 1000);
}

void ttl(CommandContext& ctx) {
  ttl_generic(ctx, false, false);
}
void pttl(CommandContext& ctx) {
  ttl_generic(ctx, true, false);
}
void expiretime(CommandContext& ctx) {
  ttl_generic(ctx, false, true);
}
void pexpiretime(CommandContext& ctx) {
  ttl_generic(ctx, true, true);
}

void persist(CommandContext& ctx) {
  auto rec = ctx.keyspace.find(ctx.argv[1], ctx.now_ms);
  if (!rec || rec->expire_at_ms == 0) return ctx.reply.integer(0);
  KeyRecord updated = *rec;
  updated.expire_at_ms = 0;
  ctx.keyspace.write(ctx.argv[1], updated, &*rec, ctx.now_ms);
  ctx.reply.integer(1);
}

// FLUSHALL and FLUSHDB (Meridian has one database): both guarded by
// enable_flushall, since either empties every region.
template <bool kDb>
void flush(CommandContext& ctx) {
  if (ctx.argv.size() > 2 || (ctx.argv.size() == 2 && !equals_ci(ctx.argv[1], "ASYNC") &&
                              !equals_ci(ctx.argv[1], "SYNC"))) {
    return ctx.reply.error(cmd::kSyntax);
  }
  if (!ctx.region.settings().enable_flushall) {
    return ctx.reply.error(std::string("ERR ") + (kDb ? "FLUSHDB" : "FLUSHALL") +
                           " is disabled on this region: set enable_flushall = true in the "
                           "[server] section of the config to allow it");
  }
  ctx.keyspace.clear(ctx.now_ms);
  ctx.reply.ok();
}

void randomkey(CommandContext& ctx) {
  auto key = cmd::pick_key(ctx);
  if (!key) return ctx.reply.null();
  ctx.reply.bulk(*key);
}

}  // namespace

void register_key_commands(CommandTable& t) {
  t.add({"del", -2, kCmdWrite, 1, -1, 1, del});
  t.add({"unlink", -2, kCmdWrite | kCmdFast, 1, -1, 1, del});
  t.add({"exists", -2, kCmdReadOnly | kCmdFast, 1, -1, 1, exists});
  // TOUCH counts the keys that exist, as EXISTS (Meridian keeps no access
  // times to update).
  t.add({"touch", -2, kCmdReadOnly | kCmdFast, 1, -1, 1, exists});
  t.add({"type", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, type});
  t.add({"dbsize", 1, kCmdReadOnly | kCmdFast, 0, 0, 0, dbsize});
  t.add({"keys", 2, kCmdReadOnly, 0, 0, 0, keys});
  t.add({"expire", -3, kCmdWrite | kCmdFast, 1, 1, 1, expire});
  t.add({"pexpire", -3, kCmdWrite | kCmdFast, 1, 1, 1, pexpire});
  t.add({"expireat", -3, kCmdWrite | kCmdFast, 1, 1, 1, expireat});
  t.add({"pexpireat", -3, kCmdWrite | kCmdFast, 1, 1, 1, pexpireat});
  t.add({"ttl", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, ttl});
  t.add({"pttl", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, pttl});
  t.add({"expiretime", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, expiretime});
  t.add({"pexpiretime", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, pexpiretime});
  t.add({"persist", 2, kCmdWrite | kCmdFast, 1, 1, 1, persist});
  t.add({"flushall", -1, kCmdWrite, 0, 0, 0, flush<false>});
  t.add({"flushdb", -1, kCmdWrite, 0, 0, 0, flush<true>});
  t.add({"randomkey", 1, kCmdReadOnly, 0, 0, 0, randomkey});
}

}  // namespace meridian
