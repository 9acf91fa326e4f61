// MR.FAILOVER: the failover manager from a Redis client.
//   MR.FAILOVER STATUS | HISTORY              JSON, as the http address serves it
//   MR.FAILOVER SWITCHOVER region             planned: the primary hands over once
//                                             the target has every write
//   MR.FAILOVER FAILOVER region               forced
//   MR.FAILOVER ACK                           allows the next automatic failover
#include <string>

#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian {
namespace {

std::optional<RegionId> region_named(CommandContext& ctx, std::string_view name) {
  for (const auto& [id, n] : ctx.region.region_names()) {
    if (n == name) return id;
  }
  return std::nullopt;
}

void mr_failover(CommandContext& ctx) {
  auto& fm = ctx.region.failover();
  const auto& argv = ctx.argv;
  auto sub = [&](const char* s) { return cmd::equals_ci(argv[1], s); };
  if (argv.size() == 2 && sub("status")) return ctx.reply.bulk(fm.status_json());
  if (argv.size() == 2 && sub("history")) return ctx.reply.bulk(fm.history_json());
  if (argv.size() == 2 && sub("ack")) {
    fm.acknowledge();
    return ctx.reply.ok();
  }
  if (argv.size() == 3 && (sub("switchover") || sub("failover"))) {
    auto to = region_named(ctx, argv[2]);
    if (!to) {
      return ctx.reply.error("ERR no region named '" + std::string(cmd::as_c_string(argv[2])) +
                             "' in this cluster");
    }
    auto err = sub("switchover") ? fm.switchover(*to) : fm.failover(*to);
    if (err) return ctx.reply.error("ERR " + *err);
    return ctx.reply.ok();
  }
  ctx.reply.error(
      "ERR syntax error: MR.FAILOVER STATUS | HISTORY | SWITCHOVER region | FAILOVER region | ACK");
}

// MR.DEBUG PARTITION ms: drops this region's peer traffic for ms, while
// clients still reach it; MR.DEBUG SOVEREIGNTY OFF: replicates keys to
// regions [[placement]] forbids (fault injection for tests; [server]
// enable_debug).
void mr_debug(CommandContext& ctx) {
  if (!ctx.region.settings().enable_debug) {
    return ctx.reply.error("ERR MR.DEBUG is disabled; set enable_debug = true in [server]");
  }
  int64_t ms = 0;
  if (ctx.argv.size() == 3 && cmd::equals_ci(ctx.argv[1], "sovereignty")) {
    // Turns the [[placement]] filter of outgoing replication off, so tests
    // can show their leak checks find a leak.
    bool on = cmd::equals_ci(ctx.argv[2], "on");
    if (!on && !cmd::equals_ci(ctx.argv[2], "off")) {
      return ctx.reply.error("ERR syntax error: MR.DEBUG SOVEREIGNTY ON|OFF");
    }
    ctx.region.replicator().set_sovereignty(on);
    return ctx.reply.ok();
  }
  if (ctx.argv.size() != 3 || !cmd::equals_ci(ctx.argv[1], "partition")) {
    return ctx.reply.error(
        "ERR syntax error: MR.DEBUG PARTITION milliseconds | SOVEREIGNTY ON|OFF");
  }
  if (!cmd::int_arg(ctx, ctx.argv[2], &ms)) return;
  if (!ctx.region.partition) return ctx.reply.error("ERR this region has no peer links");
  ctx.region.partition(ms);
  ctx.reply.ok();
}

}  // namespace

void register_failover_commands(CommandTable& t) {
  t.add({"mr.failover", -2, kCmdAdmin | kCmdStale, 0, 0, 0, mr_failover});
  t.add({"mr.debug", -2, kCmdAdmin | kCmdStale, 0, 0, 0, mr_debug});
}

}  // namespace meridian
