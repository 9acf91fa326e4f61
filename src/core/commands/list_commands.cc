// LPUSH RPUSH LPUSHX RPUSHX LPOP RPOP LLEN LRANGE LINDEX LSET LINSERT LREM
// LTRIM LPOS. Across regions a list is a sequence CRDT (list_position.h):
// concurrent pushes are all kept, in the same order everywhere; a pop or
// LREM removes the elements the region saw (two regions popping at once may
// pop the same element); LSET is a write of one element's value
// (docs/conflicts/crdt.md).
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/list_access.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using cmd::ListItem;

// Elements pushed by one command share its dot; the index that tells them
// apart has 24 bits.
constexpr size_t kMaxPushed = size_t{1} << 24;

// LPUSH, RPUSH and their X forms (only onto an existing list).
template <bool kTail, bool kExisting>
void push(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() - 2 > kMaxPushed) {
    return ctx.reply.error("ERR too many elements in one push: at most 16777216 a command");
  }
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, argv[1], ValueType::kList, old)) return;
  if (kExisting && !old) return ctx.reply.integer(0);
  KeyRecord rec = old ? *old : ctx.keyspace.new_collection(ValueType::kList, argv[1]);
  std::vector<std::string_view> values(argv.begin() + 2, argv.end());
  cmd::list_push(ctx, argv[1], rec, old.has_value(), values, kTail);
  ctx.keyspace.write(argv[1], rec, old ? &*old : nullptr, ctx.now_ms);
  ctx.reply.integer(static_cast<int64_t>(rec.count));
}

// LPOP / RPOP key [count]
template <bool kTail>
void pop(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() > 3) return cmd::arity_error(ctx.reply, kTail ? "rpop" : "lpop");
  const bool with_count = argv.size() == 3;
  uint64_t n = 1;
  if (with_count) {
    auto count = parse_int64(argv[2]);
    if (!count || *count < 0) return ctx.reply.error("ERR value is out of range, must be positive");
    n = static_cast<uint64_t>(*count);
  }
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, argv[1], ValueType::kList, old)) return;
  if (!old) return with_count ? ctx.reply.null_array() : ctx.reply.null();
  auto items = cmd::list_items(ctx, argv[1], *old, 0, n, kTail);
  cmd::list_remove(ctx, argv[1], *old, items);
  if (!with_count) return ctx.reply.bulk(items.front().value);
  ctx.reply.array(items.size());
  for (const auto& it : items) ctx.reply.bulk(it.value);
}

// BLPOP / BRPOP key [key ...] timeout: one element from the first list
// that has one, as [key, element]; waits while none has.
template <bool kTail>
void blocking_pop(CommandContext& ctx) {
  cmd::blocking_pop(ctx, ValueType::kList, [&ctx](std::string_view key, const KeyRecord& rec) {
    auto items = cmd::list_items(ctx, key, rec, 0, 1, kTail);
    cmd::list_remove(ctx, key, rec, items);
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    ctx.reply.bulk(items.front().value);
  });
}

void llen(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kList, rec)) return;
  ctx.reply.integer(rec ? static_cast<int64_t>(rec->count) : 0);
}

// Redis' LRANGE/LTRIM clamping of start and stop to the list; false when
// the range is empty.
bool clamp_range(int64_t start, int64_t stop, uint64_t len, uint64_t* from, uint64_t* to) {
  const auto n = static_cast<int64_t>(len);
  if (start < 0) start = n + start;
  if (stop < 0) stop = n + stop;
  if (start < 0) start = 0;
  if (start > stop || start >= n) return false;
  if (stop >= n) stop = n - 1;
  *from = static_cast<uint64_t>(start);
  *to = static_cast<uint64_t>(stop);
  return true;
}

void lrange(CommandContext& ctx) {
  int64_t start = 0, stop = 0;
  if (!cmd::int_arg(ctx, ctx.argv[2], &start) || !cmd::int_arg(ctx, ctx.argv[3], &stop)) return;
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kList, found)) return;
  uint64_t from = 0, to = 0;
  if (!found || !clamp_range(start, stop, found->count, &from, &to)) return ctx.reply.array(0);
  const KeyRecord rec = *found;
  auto items = cmd::list_range(ctx, ctx.argv[1], rec, from, to);
  ctx.reply.array(items.size());
  for (const auto& it : items) ctx.reply.bulk(it.value);
}

// The element at `index` (negative: from the tail), if any.
std::optional<ListItem> element_at(CommandContext& ctx, const KeyRecord& rec, int64_t index) {
  uint64_t i = 0;
  if (!cmd::list_index(index, rec.count, &i)) return std::nullopt;
  auto items = cmd::list_range(ctx, ctx.argv[1], rec, i, i);
  if (items.empty()) return std::nullopt;
  return std::move(items.front());
}

void lindex(CommandContext& ctx) {
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kList, found)) return;
  if (!found) return ctx.reply.null();
  const KeyRecord rec = *found;
  int64_t index = 0;
  if (!cmd::int_arg(ctx, ctx.argv[2], &index)) return;
  auto item = element_at(ctx, rec, index);
  if (!item) return ctx.reply.null();
  ctx.reply.bulk(item->value);
}

void lset(CommandContext& ctx) {
  std::optional<KeyRecord> old = ctx.keyspace.find(ctx.argv[1], ctx.now_ms);
  if (!old) return ctx.reply.error("ERR no such key");
  if (old->type != ValueType::kList) return ctx.reply.error(cmd::kWrongType);
  int64_t index = 0;
  if (!cmd::int_arg(ctx, ctx.argv[2], &index)) return;
  auto item = element_at(ctx, *old, index);
  if (!item) return ctx.reply.error("ERR index out of range");
  KeyRecord rec = *old;
  ctx.keyspace.put_field(ctx.argv[1], rec, item->pos, ctx.argv[3], ctx.now_ms);
  ctx.keyspace.write(ctx.argv[1], rec, &*old, ctx.now_ms);
  ctx.reply.ok();
}

// LINSERT key BEFORE|AFTER pivot element
void linsert(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const bool after = cmd::equals_ci(argv[2], "AFTER");
  if (!after && !cmd::equals_ci(argv[2], "BEFORE")) return ctx.reply.error(cmd::kSyntax);
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, argv[1], ValueType::kList, old)) return;
  if (!old) return ctx.reply.integer(0);
  // The pivot (the first element equal to it) and its neighbour on the side
  // the element goes.
  std::string prev, pivot, next;
  bool found = false, done = false;
  ctx.keyspace.for_each_field(argv[1], *old, [&](std::string_view pos, const FieldRecord& f) {
    if (found) {
      next.assign(pos);
      done = true;
      return false;
    }
    if (f.value == argv[3]) {
      found = true;
      pivot.assign(pos);
      return after;  // BEFORE needs nothing further
    }
    prev.assign(pos);
    return true;
  });
  (void)done;
  if (!found) return ctx.reply.integer(-1);
  KeyRecord rec = *old;
  if (after) {
    cmd::list_insert(ctx, argv[1], rec, pivot, next, {argv[4]}, true);
  } else {
    cmd::list_insert(ctx, argv[1], rec, prev, pivot, {argv[4]}, false);
  }
  ctx.keyspace.write(argv[1], rec, &*old, ctx.now_ms);
  ctx.reply.integer(static_cast<int64_t>(rec.count));
}

// LREM key count element: count > 0 from the head, < 0 from the tail, 0 all.
void lrem(CommandContext& ctx) {
  int64_t count = 0;
  if (!cmd::int_arg(ctx, ctx.argv[2], &count)) return;
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kList, old)) return;
  if (!old) return ctx.reply.integer(0);
  const uint64_t limit = count == 0 ? UINT64_MAX
                                    : (count < 0 ? static_cast<uint64_t>(-(count + 1)) + 1
                                                 : static_cast<uint64_t>(count));
  std::vector<ListItem> matches;
  auto match = [&](std::string_view pos, const FieldRecord& f) {
    if (f.value == ctx.argv[3]) matches.push_back({std::string(pos), {}});
    return matches.size() < limit;
  };
  if (count < 0) {
    ctx.keyspace.for_each_field_reverse(ctx.argv[1], *old, match);
  } else {
    ctx.keyspace.for_each_field(ctx.argv[1], *old, match);
  }
  cmd::list_remove(ctx, ctx.argv[1], *old, matches);
  ctx.reply.integer(static_cast<int64_t>(matches.size()));
}

// LTRIM key start stop: removes what lies outside, reading only that.
void ltrim(CommandContext& ctx) {
  int64_t start = 0, stop = 0;
  if (!cmd::int_arg(ctx, ctx.argv[2], &start) || !cmd::int_arg(ctx, ctx.argv[3], &stop)) return;
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kList, old)) return;
  if (!old) return ctx.reply.ok();
  uint64_t from = 0, to = 0;
  std::vector<ListItem> gone;
  if (!clamp_range(start, stop, old->count, &from, &to)) {
    gone = cmd::list_items(ctx, ctx.argv[1], *old, 0, old->count, false);
  } else {
    gone = cmd::list_items(ctx, ctx.argv[1], *old, 0, from, false);
    auto tail = cmd::list_items(ctx, ctx.argv[1], *old, 0, old->count - 1 - to, true);
    gone.insert(gone.end(), tail.begin(), tail.end());
  }
  cmd::list_remove(ctx, ctx.argv[1], *old, gone);
  ctx.reply.ok();
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
void lpos(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t rank = 1, count = -1, maxlen = 0;
  for (size_t i = 3; i < argv.size(); i += 2) {
    if (i + 1 >= argv.size()) return ctx.reply.error(cmd::kSyntax);
    int64_t v = 0;
    if (cmd::equals_ci(argv[i], "RANK")) {
      if (!cmd::int_arg(ctx, argv[i + 1], &v)) return;
      if (v == 0) {
        return ctx.reply.error(
            "ERR RANK can't be zero: use 1 to start from the first match, 2 from the second ... "
            "or use negative to start from the end of the list");
      }
      rank = v;
    } else if (cmd::equals_ci(argv[i], "COUNT")) {
      auto c = parse_int64(argv[i + 1]);
      if (!c || *c < 0) return ctx.reply.error("ERR COUNT can't be negative");
      count = *c;
    } else if (cmd::equals_ci(argv[i], "MAXLEN")) {
      auto m = parse_int64(argv[i + 1]);
      if (!m || *m < 0) return ctx.reply.error("ERR MAXLEN can't be negative");
      maxlen = *m;
    } else {
      return ctx.reply.error(cmd::kSyntax);
    }
  }
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, argv[1], ValueType::kList, found)) return;
  std::vector<int64_t> hits;
  if (found) {
    const KeyRecord rec = *found;
    const bool from_tail = rank < 0;
    uint64_t skip =
        from_tail ? static_cast<uint64_t>(-(rank + 1)) : static_cast<uint64_t>(rank - 1);
    uint64_t want = count == 0 ? UINT64_MAX : (count < 0 ? 1 : static_cast<uint64_t>(count));
    if (rank == INT64_MIN) {
      // Redis 7.0 negates it unchecked: every match counts from the first,
      // and COUNT never stops the scan.
      skip = 0;
      if (count >= 0) want = UINT64_MAX;
    }
    int64_t index = 0;
    auto visit = [&](std::string_view, const FieldRecord& f) {
      if (maxlen != 0 && index >= maxlen) return false;
      if (f.value == argv[2]) {
        if (skip > 0) {
          --skip;
        } else {
          hits.push_back(from_tail ? static_cast<int64_t>(rec.count) - 1 - index : index);
        }
      }
      ++index;
      return hits.size() < want;
    };
    if (from_tail) {
      ctx.keyspace.for_each_field_reverse(argv[1], rec, visit);
    } else {
      ctx.keyspace.for_each_field(argv[1], rec, visit);
    }
  }
  if (count < 0) return hits.empty() ? ctx.reply.null() : ctx.reply.integer(hits.front());
  ctx.reply.array(hits.size());
  for (int64_t h : hits) ctx.reply.integer(h);
}

}  // namespace

void register_list_commands(CommandTable& t) {
  t.add({"lpush", -3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, push<false, false>});
  t.add({"rpush", -3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, push<true, false>});
  t.add({"lpushx", -3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, push<false, true>});
  t.add({"rpushx", -3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, push<true, true>});
  t.add({"lpop", -2, kCmdWrite | kCmdFast, 1, 1, 1, pop<false>});
  t.add({"rpop", -2, kCmdWrite | kCmdFast, 1, 1, 1, pop<true>});
  t.add({"blpop", -3, kCmdWrite | kCmdNoScript, 1, -2, 1, blocking_pop<false>});
  t.add({"brpop", -3, kCmdWrite | kCmdNoScript, 1, -2, 1, blocking_pop<true>});
  t.add({"llen", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, llen});
  t.add({"lrange", 4, kCmdReadOnly, 1, 1, 1, lrange});
  t.add({"lindex", 3, kCmdReadOnly, 1, 1, 1, lindex});
  t.add({"lset", 4, kCmdWrite | kCmdDenyOom, 1, 1, 1, lset});
  t.add({"linsert", 5, kCmdWrite | kCmdDenyOom, 1, 1, 1, linsert});
  t.add({"lrem", 4, kCmdWrite, 1, 1, 1, lrem});
  t.add({"ltrim", 4, kCmdWrite, 1, 1, 1, ltrim});
  t.add({"lpos", -3, kCmdReadOnly, 1, 1, 1, lpos});
}

}  // namespace meridian
