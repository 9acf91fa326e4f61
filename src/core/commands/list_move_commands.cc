// LMOVE, RPOPLPUSH, LMPOP and their blocking forms: pops that may push elsewhere or look at several
// lists. LMOVE is a pop and a push in one replicated record: no region shows
// the element in neither list or, from this move, in both.
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/list_access.h"
#include "core/region/region.h"

namespace meridian {
namespace {

// LEFT or RIGHT; replies a syntax error otherwise.
bool parse_side(CommandContext& ctx, std::string_view word, bool* tail) {
  if (cmd::equals_ci(word, "LEFT")) {
    *tail = false;
  } else if (cmd::equals_ci(word, "RIGHT")) {
    *tail = true;
  } else {
    ctx.reply.error(cmd::kSyntax);
    return false;
  }
  return true;
}

// Moves one element; false (nothing replied) if the source is empty.
bool move(CommandContext& ctx, bool from_tail, bool to_tail) {
  const auto& argv = ctx.argv;
  std::optional<KeyRecord> src;
  if (!cmd::blocking_source(ctx, argv[1], ValueType::kList, src)) return true;
  if (!src) return false;
  std::optional<KeyRecord> dst;
  if (!cmd::lookup(ctx, argv[2], ValueType::kList, dst)) return true;
  auto items = cmd::list_items(ctx, argv[1], *src, 0, 1, from_tail);
  if (items.empty()) return false;
  const std::string value = items.front().value;
  cmd::list_remove(ctx, argv[1], *src, items, argv[1] == argv[2]);
  // The destination as it is now (the same list when rotating).
  std::optional<KeyRecord> now = ctx.keyspace.find(argv[2], ctx.now_ms);
  KeyRecord rec = now ? *now : ctx.keyspace.new_collection(ValueType::kList, argv[2]);
  cmd::list_push(ctx, argv[2], rec, now.has_value(), {value}, to_tail);
  ctx.keyspace.write(argv[2], rec, now ? &*now : nullptr, ctx.now_ms);
  ctx.reply.bulk(value);
  return true;
}

void lmove(CommandContext& ctx) {
  bool from_tail = false, to_tail = false;
  if (!parse_side(ctx, ctx.argv[3], &from_tail) || !parse_side(ctx, ctx.argv[4], &to_tail)) return;
  if (!move(ctx, from_tail, to_tail)) ctx.reply.null();
}

void rpoplpush(CommandContext& ctx) {
  if (!move(ctx, true, false)) ctx.reply.null();
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout, and BRPOPLPUSH
// source destination timeout: wait while the source is empty.
void blmove(CommandContext& ctx) {
  bool from_tail = false, to_tail = false;
  if (!parse_side(ctx, ctx.argv[3], &from_tail) || !parse_side(ctx, ctx.argv[4], &to_tail)) return;
  int64_t timeout = 0;
  if (!cmd::timeout_arg(ctx, ctx.argv[5], &timeout)) return;
  if (!move(ctx, from_tail, to_tail)) cmd::block(ctx, {ctx.argv[1]}, timeout, true);
}

void brpoplpush(CommandContext& ctx) {
  int64_t timeout = 0;
  if (!cmd::timeout_arg(ctx, ctx.argv[3], &timeout)) return;
  if (!move(ctx, true, false)) cmd::block(ctx, {ctx.argv[1]}, timeout, true);
}

// LMPOP's pop: up to `count` elements from one end, as [key, [elements]].
cmd::Pop mpop(CommandContext& ctx, bool tail, int64_t count) {
  return [&ctx, tail, count](std::string_view key, const KeyRecord& rec) {
    auto items = cmd::list_items(ctx, key, rec, 0, static_cast<uint64_t>(count), tail);
    cmd::list_remove(ctx, key, rec, items);
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    ctx.reply.array(items.size());
    for (const auto& it : items) ctx.reply.bulk(it.value);
  };
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: pops from the first
// non-empty list; replies [key, [elements]] or a nil array.
void lmpop(CommandContext& ctx) {
  size_t side = 0;
  bool tail = false;
  int64_t count = 1;
  if (!cmd::mpop_args(ctx, "LEFT", "RIGHT", &side, &tail, &count)) return;
  if (!cmd::pop_first(ctx, 2, side, ValueType::kList, mpop(ctx, tail, count))) {
    ctx.reply.null_array();
  }
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count].
void blmpop(CommandContext& ctx) {
  cmd::blocking_mpop(ctx, "LEFT", "RIGHT", ValueType::kList,
                     [&ctx](bool tail, int64_t count) { return mpop(ctx, tail, count); });
}

}  // namespace

void register_list_move_commands(CommandTable& t) {
  t.add({"lmove", 5, kCmdWrite | kCmdDenyOom, 1, 2, 1, lmove});
  t.add({"rpoplpush", 3, kCmdWrite | kCmdDenyOom, 1, 2, 1, rpoplpush});
  // Keys follow numkeys (Redis: movablekeys, no fixed key positions).
  t.add({"lmpop", -4, kCmdWrite, 0, 0, 0, lmpop, 1});
  t.add({"blmove", 6, kCmdWrite | kCmdDenyOom | kCmdNoScript, 1, 2, 1, blmove});
  t.add({"brpoplpush", 4, kCmdWrite | kCmdDenyOom | kCmdNoScript, 1, 2, 1, brpoplpush});
  t.add({"blmpop", -5, kCmdWrite | kCmdNoScript, 0, 0, 0, blmpop, 2});
}

}  // namespace meridian
