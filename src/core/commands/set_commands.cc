// SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD, SPOP, SRANDMEMBER.
// Each member is a field record of the set's generation; the key record keeps
// the member count.
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/random_pick.h"
#include "core/region/region.h"

namespace meridian {
namespace {

void sadd(CommandContext& ctx) {
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kSet, old)) return;
  KeyRecord rec = old ? *old : ctx.keyspace.new_collection(ValueType::kSet, ctx.argv[1]);
  int64_t added = 0;
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    if (ctx.keyspace.get_field(ctx.argv[1], rec, ctx.argv[i])) continue;
    ctx.keyspace.put_field(ctx.argv[1], rec, ctx.argv[i], {}, ctx.now_ms);
    ++added;
  }
  if (added > 0) {
    rec.count += static_cast<uint64_t>(added);
    ctx.keyspace.write(ctx.argv[1], rec, old ? &*old : nullptr, ctx.now_ms);
  }
  ctx.reply.integer(added);
}

void srem(CommandContext& ctx) {
  cmd::remove_fields(ctx, ValueType::kSet);
}

void smembers(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kSet, rec)) return;
  if (!rec) return ctx.reply.set(0);
  std::vector<std::string> members;
  members.reserve(rec->count);
  ctx.keyspace.for_each_field(ctx.argv[1], *rec, [&](std::string_view m, const FieldRecord&) {
    members.emplace_back(m);
    return true;
  });
  ctx.reply.set(members.size());
  for (const auto& m : members) ctx.reply.bulk(m);
}

void sismember(CommandContext& ctx) {
  cmd::reply_has_field(ctx, ValueType::kSet);
}

void smismember(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kSet, rec)) return;
  ctx.reply.array(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    bool found = rec && ctx.keyspace.get_field(ctx.argv[1], *rec, ctx.argv[i]);
    ctx.reply.integer(found ? 1 : 0);
  }
}

void scard(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kSet, rec)) return;
  ctx.reply.integer(rec ? static_cast<int64_t>(rec->count) : 0);
}

// SPOP key [count]: an SREM of members picked at random. Two regions popping
// concurrently may pop the same member (docs/conflicts/crdt.md).
void spop(CommandContext& ctx) {
  if (ctx.argv.size() > 3) return ctx.reply.error(cmd::kSyntax);
  const bool with_count = ctx.argv.size() == 3;
  uint64_t n = 1;
  if (with_count) {
    auto count = parse_int64(ctx.argv[2]);
    if (!count || *count < 0) return ctx.reply.error("ERR value is out of range, must be positive");
    n = static_cast<uint64_t>(*count);
  }
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kSet, old)) return;
  if (!old || n == 0) return with_count ? ctx.reply.set(0) : ctx.reply.null();
  auto picked = cmd::pick_distinct(ctx, ctx.argv[1], *old, n);
  KeyRecord rec = *old;
  for (const auto& [m, v] : picked) ctx.keyspace.del_field(ctx.argv[1], rec, m, ctx.now_ms);
  rec.count -= std::min<uint64_t>(rec.count, picked.size());
  if (rec.count == 0) {
    ctx.keyspace.erase(ctx.argv[1], *old, ctx.now_ms);
  } else {
    ctx.keyspace.write(ctx.argv[1], rec, &*old, ctx.now_ms);
  }
  if (!with_count) return ctx.reply.bulk(picked.front().first);
  ctx.reply.set(picked.size());
  for (const auto& [m, v] : picked) ctx.reply.bulk(m);
}

void srandmember(CommandContext& ctx) {
  if (ctx.argv.size() > 3) return ctx.reply.error(cmd::kSyntax);
  const bool with_count = ctx.argv.size() == 3;
  int64_t count = 1;
  if (with_count && !cmd::count_arg(ctx, ctx.argv[2], &count)) return;
  if (!cmd::picks_allowed(ctx, count)) return;
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kSet, found)) return;
  if (!found || count == 0) return with_count ? ctx.reply.array(0) : ctx.reply.null();
  const KeyRecord rec = *found;
  auto picked = count > 0 ? cmd::pick_distinct(ctx, ctx.argv[1], rec, count)
                          : cmd::pick_with_repeats(ctx, ctx.argv[1], rec, -count);
  if (!with_count) return ctx.reply.bulk(picked.front().first);
  ctx.reply.array(picked.size());
  for (const auto& [m, v] : picked) ctx.reply.bulk(m);
}

}  // namespace

void register_set_commands(CommandTable& t) {
  t.add({"sadd", -3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, sadd});
  t.add({"srem", -3, kCmdWrite | kCmdFast, 1, 1, 1, srem});
  t.add({"smembers", 2, kCmdReadOnly, 1, 1, 1, smembers});
  t.add({"sismember", 3, kCmdReadOnly | kCmdFast, 1, 1, 1, sismember});
  t.add({"smismember", -3, kCmdReadOnly | kCmdFast, 1, 1, 1, smismember});
  t.add({"scard", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, scard});
  t.add({"spop", -2, kCmdWrite | kCmdFast, 1, 1, 1, spop});
  t.add({"srandmember", -2, kCmdReadOnly, 1, 1, 1, srandmember});
}

}  // namespace meridian
