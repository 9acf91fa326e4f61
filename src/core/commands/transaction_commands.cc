// MULTI EXEC DISCARD WATCH UNWATCH. A connection (Session, session/
// transaction.cc) runs MULTI, EXEC and DISCARD itself; WATCH and UNWATCH
// note keys in the region's Watches.
#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian {
namespace {

// Reached only by a caller that is no connection (a script): Redis' words.
void connection_only(CommandContext& ctx) {
  ctx.reply.error("ERR This Redis command is not allowed from script");
}

void watch(CommandContext& ctx) {
  if (ctx.session.in_multi()) return ctx.reply.error("ERR WATCH inside MULTI is not allowed");
  for (size_t i = 1; i < ctx.argv.size(); ++i)
    ctx.region.watches().watch(&ctx.session, ctx.argv[i]);
  ctx.reply.ok();
}

void unwatch(CommandContext& ctx) {
  ctx.region.watches().unwatch(&ctx.session);
  ctx.reply.ok();
}

}  // namespace

void register_transaction_commands(CommandTable& t) {
  const uint32_t flags = kCmdLoading | kCmdStale | kCmdFast;
  t.add({"multi", 1, flags | kCmdNoScript, 0, 0, 0, connection_only});
  t.add({"exec", 1, kCmdLoading | kCmdStale | kCmdNoScript, 0, 0, 0, connection_only});
  t.add({"discard", 1, flags | kCmdNoScript, 0, 0, 0, connection_only});
  t.add({"watch", -2, flags | kCmdNoScript, 1, -1, 1, watch});
  t.add({"unwatch", 1, flags | kCmdNoScript, 0, 0, 0, unwatch});
}

}  // namespace meridian
