// SADD, SREM, SMEMBERS, SISMEMBER, SMISMEMBER, SCARD. Each member is a field
// record of the set's generation; the key record keeps the member count.
#include <string>
#include <vector>

#include "core/commands/command_util.h"
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

}  // namespace

void register_set_commands(CommandTable& t) {
  t.add({"sadd", -3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, sadd});
  t.add({"srem", -3, kCmdWrite | kCmdFast, 1, 1, 1, srem});
  t.add({"smembers", 2, kCmdReadOnly, 1, 1, 1, smembers});
  t.add({"sismember", 3, kCmdReadOnly | kCmdFast, 1, 1, 1, sismember});
  t.add({"smismember", -3, kCmdReadOnly | kCmdFast, 1, 1, 1, smismember});
  t.add({"scard", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, scard});
}

}  // namespace meridian
