// Commands for concurrent versions and the conflict feed: MR.GETALL and
// MR.SET (siblings), MR.CONFLICTS.
#include <string>

#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian {
namespace {

// MR.GETALL key: [context, value, value, ...] — every concurrent value of a
// string key and the causal context to write back with MR.SET.
void mr_getall(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kString, rec)) return;
  if (rec == nullptr) {
    ctx.reply.array(1);
    return ctx.reply.bulk("");
  }
  auto values = ctx.keyspace.values(*rec);
  if (values.empty()) {  // a single region keeps one value and no context
    ctx.reply.array(2);
    ctx.reply.bulk("");
    return ctx.reply.bulk(rec->payload);
  }
  ctx.reply.array(values.size() + 1);
  ctx.reply.bulk(crdt::format_context(values));
  for (const auto& v : values) ctx.reply.bulk(v.value);
}

// MR.SET key value [CONTEXT context]: writes `value`, replacing exactly the
// values named by the context MR.GETALL returned (all values without one).
void mr_set(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  std::vector<crdt::Dot> seen;
  bool with_context = false;
  if (argv.size() == 5 && cmd::equals_ci(argv[3], "context")) {
    if (!crdt::parse_context(argv[4], &seen)) {
      return ctx.reply.error("ERR invalid context (pass back what MR.GETALL returned)");
    }
    with_context = true;
  } else if (argv.size() != 3) {
    return ctx.reply.error(cmd::kSyntax);
  }
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, argv[1], ValueType::kString, old)) return;
  KeyRecord rec;
  rec.type = ValueType::kString;
  rec.payload.assign(argv[2]);
  if (with_context) ctx.keyspace.note_context(std::move(seen));
  ctx.keyspace.write(argv[1], rec, old ? &*old : nullptr, ctx.now_ms);
  ctx.reply.ok();
}

// MR.CONFLICTS [since-id] [COUNT n]: resolutions that discarded a write.
void mr_conflicts(CommandContext& ctx) {
  uint64_t since = 0;
  int64_t count = 100;
  size_t i = 1;
  if (i < ctx.argv.size() && !cmd::equals_ci(ctx.argv[i], "count")) {
    int64_t v = 0;
    if (!cmd::int_arg(ctx, ctx.argv[i], &v)) return;
    if (v < 0) return ctx.reply.error("ERR since must be a conflict id (0 or more)");
    since = static_cast<uint64_t>(v);
    ++i;
  }
  if (i < ctx.argv.size()) {
    if (!cmd::equals_ci(ctx.argv[i], "count") || i + 2 != ctx.argv.size()) {
      return ctx.reply.error(cmd::kSyntax);
    }
    if (!cmd::int_arg(ctx, ctx.argv[i + 1], &count)) return;
    if (count < 1) return ctx.reply.error("ERR COUNT must be positive");
  }
  const auto& names = ctx.region.region_names();
  auto name = [&](RegionId id) {
    auto it = names.find(id);
    return it != names.end() ? it->second : std::to_string(id);
  };
  auto events = ctx.region.conflicts().since(since, static_cast<size_t>(count));
  ctx.reply.array(events.size());
  for (const auto& e : events) {
    ctx.reply.map(11);
    ctx.reply.bulk("id");
    ctx.reply.integer(static_cast<int64_t>(e.id));
    ctx.reply.bulk("key");
    ctx.reply.bulk(e.key);
    ctx.reply.bulk("field");
    ctx.reply.bulk(e.field);
    ctx.reply.bulk("policy");
    ctx.reply.bulk(crdt::policy_name(e.policy));
    ctx.reply.bulk("reason");
    ctx.reply.bulk(e.reason);
    ctx.reply.bulk("winner_region");
    ctx.reply.bulk(name(e.winner.origin));
    ctx.reply.bulk("winner_hlc_ms");
    ctx.reply.integer(e.winner.hlc.physical_ms());
    ctx.reply.bulk("winner_value");
    ctx.reply.bulk(e.winner.value);
    ctx.reply.bulk("discarded_region");
    ctx.reply.bulk(name(e.discarded.origin));
    ctx.reply.bulk("discarded_hlc_ms");
    ctx.reply.integer(e.discarded.hlc.physical_ms());
    ctx.reply.bulk("discarded_value");
    ctx.reply.bulk(e.discarded.value);
  }
}

}  // namespace

void register_conflict_commands(CommandTable& t) {
  t.add({"mr.getall", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, mr_getall});
  t.add({"mr.set", -3, kCmdWrite | kCmdDenyOom, 1, 1, 1, mr_set});
  t.add({"mr.conflicts", -1, kCmdStale, 0, 0, 0, mr_conflicts});
}

}  // namespace meridian
