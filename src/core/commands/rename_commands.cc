// RENAME, RENAMENX, COPY. Across regions RENAME is a delete of the source
// plus a create of the destination (and COPY the create alone): the new key
// carries the value as this region sees it, a concurrent write to the source
// elsewhere stays with the source (docs/conflicts/crdt.md). They cost the
// size of the value, where Redis moves a pointer.
#include <string>

#include "core/commands/command_util.h"
#include "core/commands/key_rewrite.h"
#include "core/region/region.h"

namespace meridian {
namespace {

template <bool kNx>
void rename(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  auto src = ctx.keyspace.find(argv[1], ctx.now_ms);
  if (!src) return ctx.reply.error("ERR no such key");
  if (argv[1] == argv[2]) return kNx ? ctx.reply.integer(0) : ctx.reply.ok();
  if (kNx && ctx.keyspace.peek(argv[2], ctx.now_ms) != nullptr) return ctx.reply.integer(0);
  cmd::copy_key(ctx, argv[1], *src, argv[2]);
  ctx.keyspace.erase(argv[1], *src, ctx.now_ms);
  if (kNx) return ctx.reply.integer(1);
  ctx.reply.ok();
}

// COPY source destination [DB destination-db] [REPLACE]. Meridian has one
// database: DB 0 is the only one.
void copy(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  bool replace = false;
  for (size_t i = 3; i < argv.size(); ++i) {
    if (cmd::equals_ci(argv[i], "REPLACE")) {
      replace = true;
    } else if (cmd::equals_ci(argv[i], "DB") && i + 1 < argv.size()) {
      int64_t db = 0;
      if (!cmd::int_arg(ctx, argv[++i], &db)) return;
      if (db != 0) return ctx.reply.error("ERR DB index is out of range");
    } else {
      return ctx.reply.error(cmd::kSyntax);
    }
  }
  if (argv[1] == argv[2]) {
    return ctx.reply.error("ERR source and destination objects are the same");
  }
  auto src = ctx.keyspace.find(argv[1], ctx.now_ms);
  if (!src) return ctx.reply.integer(0);
  if (!replace && ctx.keyspace.peek(argv[2], ctx.now_ms) != nullptr) return ctx.reply.integer(0);
  cmd::copy_key(ctx, argv[1], *src, argv[2]);
  ctx.reply.integer(1);
}

}  // namespace

void register_rename_commands(CommandTable& t) {
  t.add({"rename", 3, kCmdWrite, 1, 2, 1, rename<false>});
  t.add({"renamenx", 3, kCmdWrite | kCmdFast, 1, 2, 1, rename<true>});
  t.add({"copy", -3, kCmdWrite | kCmdDenyOom, 1, 2, 1, copy});
}

}  // namespace meridian
