// SINTER, SUNION, SDIFF (and their STORE forms), SINTERCARD, SMOVE: commands
// over several sets. A missing key is an empty set; any key of another type
// is WRONGTYPE, checked before anything is computed.
#include <algorithm>
#include <set>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/key_rewrite.h"
#include "core/region/region.h"

namespace meridian {
namespace {

enum class Op { kInter, kUnion, kDiff };

// The sets named by argv[first, last): copies of their live records (a
// missing key has none). False, having replied WRONGTYPE, if one is not a set.
bool load_sets(CommandContext& ctx, size_t first, size_t last,
               std::vector<std::optional<KeyRecord>>* sets) {
  for (size_t i = first; i < last; ++i) {
    std::optional<KeyRecord> rec;
    if (!cmd::lookup(ctx, ctx.argv[i], ValueType::kSet, rec)) return false;
    sets->push_back(std::move(rec));
  }
  return true;
}

std::vector<std::string> members_of(CommandContext& ctx, std::string_view key,
                                    const KeyRecord& rec) {
  std::vector<std::string> out;
  out.reserve(rec.count);
  ctx.keyspace.for_each_field(key, rec, [&](std::string_view m, const FieldRecord&) {
    out.emplace_back(m);
    return true;
  });
  return out;
}

bool member_of_all(CommandContext& ctx, size_t first,
                   const std::vector<std::optional<KeyRecord>>& sets, size_t skip,
                   std::string_view m) {
  for (size_t j = 0; j < sets.size(); ++j) {
    if (j == skip) continue;
    if (!ctx.keyspace.get_field(ctx.argv[first + j], *sets[j], m)) return false;
  }
  return true;
}

// The members of the intersection (up to `limit`, 0: all): the smallest set,
// filtered by the others. O(smallest * sets).
std::vector<std::string> intersect(CommandContext& ctx, size_t first,
                                   const std::vector<std::optional<KeyRecord>>& sets,
                                   uint64_t limit) {
  size_t smallest = 0;
  for (size_t j = 0; j < sets.size(); ++j) {
    if (!sets[j]) return {};
    if (sets[j]->count < sets[smallest]->count) smallest = j;
  }
  std::vector<std::string> out;
  for (auto& m : members_of(ctx, ctx.argv[first + smallest], *sets[smallest])) {
    if (!member_of_all(ctx, first, sets, smallest, m)) continue;
    out.push_back(std::move(m));
    if (limit != 0 && out.size() == limit) break;
  }
  return out;
}

std::vector<std::string> combine(CommandContext& ctx, Op op, size_t first,
                                 const std::vector<std::optional<KeyRecord>>& sets) {
  if (op == Op::kInter) return intersect(ctx, first, sets, 0);
  if (op == Op::kDiff) {
    if (!sets[0]) return {};
    std::vector<std::string> out;
    for (auto& m : members_of(ctx, ctx.argv[first], *sets[0])) {
      bool elsewhere = false;
      for (size_t j = 1; j < sets.size() && !elsewhere; ++j)
        elsewhere = sets[j] && ctx.keyspace.get_field(ctx.argv[first + j], *sets[j], m);
      if (!elsewhere) out.push_back(std::move(m));
    }
    return out;
  }
  std::set<std::string> all;
  for (size_t j = 0; j < sets.size(); ++j) {
    if (!sets[j]) continue;
    for (auto& m : members_of(ctx, ctx.argv[first + j], *sets[j])) all.insert(std::move(m));
  }
  return {all.begin(), all.end()};
}

void reply_members(CommandContext& ctx, const std::vector<std::string>& members) {
  ctx.reply.set(members.size());
  for (const auto& m : members) ctx.reply.bulk(m);
}

template <Op op>
void set_op(CommandContext& ctx) {
  std::vector<std::optional<KeyRecord>> sets;
  if (!load_sets(ctx, 1, ctx.argv.size(), &sets)) return;
  reply_members(ctx, combine(ctx, op, 1, sets));
}

// SINTERSTORE and friends: the result replaces dst (none: dst is deleted).
template <Op op>
void set_op_store(CommandContext& ctx) {
  std::vector<std::optional<KeyRecord>> sets;
  if (!load_sets(ctx, 2, ctx.argv.size(), &sets)) return;
  auto members = combine(ctx, op, 2, sets);
  cmd::store_set(ctx, ctx.argv[1], members);
  ctx.reply.integer(static_cast<int64_t>(members.size()));
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
void sintercard(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  auto numkeys_arg = parse_int64(argv[1]);
  int64_t numkeys = numkeys_arg.value_or(0);
  if (numkeys <= 0) return ctx.reply.error("ERR numkeys should be greater than 0");
  if (numkeys > static_cast<int64_t>(argv.size()) - 2) {
    return ctx.reply.error("ERR Number of keys can't be greater than number of args");
  }
  size_t end = 2 + static_cast<size_t>(numkeys);
  uint64_t limit = 0;
  for (size_t i = end; i < argv.size(); i += 2) {
    if (!cmd::equals_ci(argv[i], "LIMIT") || i + 1 >= argv.size()) {
      return ctx.reply.error(cmd::kSyntax);
    }
    auto v = parse_int64(argv[i + 1]);
    if (!v || *v < 0) return ctx.reply.error("ERR LIMIT can't be negative");
    limit = static_cast<uint64_t>(*v);
  }
  std::vector<std::optional<KeyRecord>> sets;
  if (!load_sets(ctx, 2, end, &sets)) return;
  ctx.reply.integer(static_cast<int64_t>(intersect(ctx, 2, sets, limit).size()));
}

// SMOVE source destination member: an SREM and an SADD in one command.
void smove(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  std::optional<KeyRecord> src;
  if (!cmd::lookup(ctx, argv[1], ValueType::kSet, src)) return;
  if (!src) {
    // Redis checks the destination's type only when the source exists.
    return ctx.reply.integer(0);
  }
  std::optional<KeyRecord> dst;
  if (!cmd::lookup(ctx, argv[2], ValueType::kSet, dst)) return;
  const bool here = ctx.keyspace.get_field(argv[1], *src, argv[3]).has_value();
  if (argv[1] == argv[2] || !here) return ctx.reply.integer(here ? 1 : 0);
  KeyRecord from = *src;
  ctx.keyspace.del_field(argv[1], from, argv[3], ctx.now_ms);
  if (--from.count == 0) {
    ctx.keyspace.erase(argv[1], *src, ctx.now_ms);
  } else {
    ctx.keyspace.write(argv[1], from, &*src, ctx.now_ms);
  }
  KeyRecord to = dst ? *dst : ctx.keyspace.new_collection(ValueType::kSet, argv[2]);
  if (!ctx.keyspace.get_field(argv[2], to, argv[3])) {
    ctx.keyspace.put_field(argv[2], to, argv[3], {}, ctx.now_ms);
    ++to.count;
    ctx.keyspace.write(argv[2], to, dst ? &*dst : nullptr, ctx.now_ms);
  }
  ctx.reply.integer(1);
}

}  // namespace

void register_set_algebra_commands(CommandTable& t) {
  t.add({"sinter", -2, kCmdReadOnly, 1, -1, 1, set_op<Op::kInter>});
  t.add({"sunion", -2, kCmdReadOnly, 1, -1, 1, set_op<Op::kUnion>});
  t.add({"sdiff", -2, kCmdReadOnly, 1, -1, 1, set_op<Op::kDiff>});
  t.add({"sinterstore", -3, kCmdWrite | kCmdDenyOom, 1, -1, 1, set_op_store<Op::kInter>});
  t.add({"sunionstore", -3, kCmdWrite | kCmdDenyOom, 1, -1, 1, set_op_store<Op::kUnion>});
  t.add({"sdiffstore", -3, kCmdWrite | kCmdDenyOom, 1, -1, 1, set_op_store<Op::kDiff>});
  // Keys follow numkeys (Redis: movablekeys, no fixed key positions).
  t.add({"sintercard", -3, kCmdReadOnly, 0, 0, 0, sintercard, 1});
  t.add({"smove", 4, kCmdWrite | kCmdFast, 1, 2, 1, smove});
}

}  // namespace meridian
