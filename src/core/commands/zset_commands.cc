// ZADD, ZINCRBY, ZREM, ZSCORE, ZMSCORE, ZCARD, ZRANK, ZREVRANK, ZCOUNT,
// ZLEXCOUNT, ZPOPMIN, ZPOPMAX, ZMPOP, ZRANDMEMBER. Each member is a field
// record of the set's generation whose value is its score; the keyspace
// keeps the (score, member) index that ranks and ranges read
// (core/data/score_index.h). Across regions membership is add-wins, ZADD
// sets the score as a register and whole-number ZINCRBY steps add up as a
// counter (docs/conflicts/crdt.md).
#include <cmath>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/random_pick.h"
#include "core/commands/zset_access.h"
#include "core/data/score_index.h"
#include "core/data/zset_score.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using zset_cmd::Item;

struct AddFlags {
  bool nx = false, xx = false, gt = false, lt = false, ch = false, incr = false;
};

// ZADD's options, then its score/member pairs (every score parsed before
// anything is written, as Redis does). Returns the first pair's index.
bool parse_zadd(CommandContext& ctx, AddFlags* f, size_t* first, std::vector<double>* scores) {
  const auto& argv = ctx.argv;
  size_t i = 2;
  for (; i < argv.size(); ++i) {
    const auto a = argv[i];
    if (cmd::equals_ci(a, "NX"))
      f->nx = true;
    else if (cmd::equals_ci(a, "XX"))
      f->xx = true;
    else if (cmd::equals_ci(a, "GT"))
      f->gt = true;
    else if (cmd::equals_ci(a, "LT"))
      f->lt = true;
    else if (cmd::equals_ci(a, "CH"))
      f->ch = true;
    else if (cmd::equals_ci(a, "INCR"))
      f->incr = true;
    else
      break;
  }
  const size_t left = argv.size() - i;
  if (left == 0 || left % 2 != 0) {
    ctx.reply.error(cmd::kSyntax);
    return false;
  }
  if (f->nx && f->xx) {
    ctx.reply.error("ERR XX and NX options at the same time are not compatible");
    return false;
  }
  if ((f->gt && f->nx) || (f->lt && f->nx) || (f->gt && f->lt)) {
    ctx.reply.error("ERR GT, LT, and/or NX options at the same time are not compatible");
    return false;
  }
  if (f->incr && left > 2) {
    ctx.reply.error("ERR INCR option supports a single increment-element pair");
    return false;
  }
  for (size_t j = i; j < argv.size(); j += 2) {
    auto s = zset::parse_score(argv[j]);
    if (!s) {
      ctx.reply.error(cmd::kNotFloat);
      return false;
    }
    scores->push_back(*s);
  }
  *first = i;
  return true;
}

// ZADD / ZINCRBY on one member. Returns false when a NaN result refused
// the write (having replied); `*result` is unset when a flag skipped it.
enum class Outcome { kAdded, kUpdated, kUnchanged, kSkipped, kNaN };
// (A new key's members written earlier in the same command are found too.)
Outcome add_one(CommandContext& ctx, KeyRecord& rec, const AddFlags& f, std::string_view member,
                double score, double* result) {
  auto cur = zset_cmd::score_of(ctx, ctx.argv[1], rec, member);
  if ((f.nx && cur) || (f.xx && !cur)) return Outcome::kSkipped;
  double next = score;
  if (f.incr && cur) {
    next = *cur + score;
    if (std::isnan(next)) return Outcome::kNaN;
  }
  if (cur && ((f.gt && !(next > *cur)) || (f.lt && !(next < *cur)))) return Outcome::kSkipped;
  *result = next;
  if (cur && *cur == next) return Outcome::kUnchanged;
  zset_cmd::put_score(ctx, ctx.argv[1], rec, member, next,
                      f.incr ? std::optional<double>(score) : std::nullopt);
  if (!cur) {
    ++rec.count;
    return Outcome::kAdded;
  }
  return Outcome::kUpdated;
}

void zadd_with(CommandContext& ctx, const AddFlags& f, size_t first,
               const std::vector<double>& scores) {
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kZSet, old)) return;
  if (!old && f.xx) return f.incr ? ctx.reply.null() : ctx.reply.integer(0);
  KeyRecord rec = old ? *old : ctx.keyspace.new_collection(ValueType::kZSet, ctx.argv[1]);
  int64_t added = 0, changed = 0;
  double last = 0;
  bool skipped = false;
  for (size_t j = 0; j < scores.size(); ++j) {
    // ZADD stores -0 as 0 (ZINCRBY's sums keep their sign).
    double s = f.incr || scores[j] != 0 ? scores[j] : 0.0;
    switch (add_one(ctx, rec, f, ctx.argv[first + 2 * j + 1], s, &last)) {
      case Outcome::kAdded:
        ++added;
        break;
      case Outcome::kUpdated:
        ++changed;
        break;
      case Outcome::kUnchanged:
        break;
      case Outcome::kSkipped:
        skipped = true;
        break;
      case Outcome::kNaN:
        return ctx.reply.error("ERR resulting score is not a number (NaN)");
    }
  }
  if (added + changed > 0) {
    ctx.keyspace.write(ctx.argv[1], rec, old ? &*old : nullptr, ctx.now_ms);
  }
  if (!f.incr) return ctx.reply.integer(f.ch ? added + changed : added);
  if (skipped) return ctx.reply.null();
  zset_cmd::reply_score(ctx, last);
}

void zadd(CommandContext& ctx) {
  AddFlags f;
  size_t first = 0;
  std::vector<double> scores;
  if (!parse_zadd(ctx, &f, &first, &scores)) return;
  zadd_with(ctx, f, first, scores);
}

// ZINCRBY key increment member: ZADD INCR.
void zincrby(CommandContext& ctx) {
  auto incr = zset::parse_score(ctx.argv[2]);
  if (!incr) return ctx.reply.error(cmd::kNotFloat);
  AddFlags f;
  f.incr = true;
  zadd_with(ctx, f, 2, {*incr});
}

void zrem(CommandContext& ctx) {
  cmd::remove_fields(ctx, ValueType::kZSet);
}

void zscore(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kZSet, rec)) return;
  auto s = rec ? zset_cmd::score_of(ctx, ctx.argv[1], *rec, ctx.argv[2]) : std::nullopt;
  if (!s) return ctx.reply.null();
  zset_cmd::reply_score(ctx, *s);
}

void zmscore(CommandContext& ctx) {
  zset_cmd::reply_per_member(ctx, [&](std::optional<double> s) {
    if (s) return zset_cmd::reply_score(ctx, *s);
    ctx.reply.null();
  });
}

void zcard(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kZSet, rec)) return;
  ctx.reply.integer(rec ? static_cast<int64_t>(rec->count) : 0);
}

void rank(CommandContext& ctx, bool reverse) {
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kZSet, found)) return;
  if (!found) return ctx.reply.null();
  const KeyRecord rec = *found;
  auto s = zset_cmd::score_of(ctx, ctx.argv[1], rec, ctx.argv[2]);
  if (!s) return ctx.reply.null();
  uint64_t r = ctx.keyspace.zcount_before(ctx.argv[1], rec, ScoreIndex::position(*s, ctx.argv[2]));
  ctx.reply.integer(static_cast<int64_t>(reverse ? rec.count - 1 - r : r));
}

void zrank(CommandContext& ctx) {
  rank(ctx, false);
}
void zrevrank(CommandContext& ctx) {
  rank(ctx, true);
}

// ZCOUNT and ZLEXCOUNT: members between two positions. As in Redis the
// range is parsed before the key is looked up (a bad range is an error on
// a key of another type too).
void count_range(CommandContext& ctx, bool lex) {
  zset_cmd::Range r;
  if (lex ? !zset_cmd::check_lex(ctx, ctx.argv[2], ctx.argv[3])
          : !zset_cmd::score_range(ctx, ctx.argv[2], ctx.argv[3], &r)) {
    return;
  }
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kZSet, found)) return;
  std::optional<KeyRecord> rec;
  if (found) rec = *found;
  // Lex positions need the set's score; the syntax was checked above.
  if (lex && rec) r = zset_cmd::lex_range(ctx, ctx.argv[1], *rec, ctx.argv[2], ctx.argv[3]);
  if (!rec || r.empty()) return ctx.reply.integer(0);
  uint64_t hi = ctx.keyspace.zcount_before(ctx.argv[1], *rec, r.hi);
  uint64_t lo = ctx.keyspace.zcount_before(ctx.argv[1], *rec, r.lo);
  ctx.reply.integer(static_cast<int64_t>(hi - lo));
}

void zcount(CommandContext& ctx) {
  count_range(ctx, false);
}
void zlexcount(CommandContext& ctx) {
  count_range(ctx, true);
}

// The `count` lowest (or highest) members, removed from the set.
std::vector<Item> pop(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                      uint64_t count, bool max) {
  if (count == 0 || rec.count == 0) return {};
  auto items = zset_cmd::by_rank(ctx, key, rec, 0, std::min(count, rec.count) - 1, max);
  zset_cmd::remove_items(ctx, key, rec, items);
  return items;
}

// ZPOPMIN / ZPOPMAX key [count]: without a count a flat [member, score].
void zpop(CommandContext& ctx, bool max) {
  const auto& argv = ctx.argv;
  if (argv.size() > 3) return ctx.reply.error(cmd::kSyntax);
  int64_t count = 1;
  if (argv.size() == 3) {
    auto v = parse_int64(argv[2]);
    if (!v || *v < 0) return ctx.reply.error("ERR value is out of range, must be positive");
    count = *v;
  }
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, argv[1], ValueType::kZSet, old)) return;
  if (!old) return ctx.reply.array(0);
  auto items = pop(ctx, argv[1], *old, static_cast<uint64_t>(count), max);
  if (argv.size() == 3) return zset_cmd::reply_items(ctx, items, true);
  ctx.reply.array(items.size() * 2);
  for (const auto& [member, score] : items) {
    ctx.reply.bulk(member);
    zset_cmd::reply_score(ctx, score);
  }
}

void zpopmin(CommandContext& ctx) {
  zpop(ctx, false);
}
void zpopmax(CommandContext& ctx) {
  zpop(ctx, true);
}

// ZMPOP's pop: up to `count` members from one end, as [key, [[member,
// score], ...]].
cmd::Pop mpop(CommandContext& ctx, bool max, int64_t count) {
  return [&ctx, max, count](std::string_view key, const KeyRecord& rec) {
    auto items = pop(ctx, key, rec, static_cast<uint64_t>(count), max);
    ctx.reply.array(2);
    ctx.reply.bulk(key);
    ctx.reply.array(items.size());
    for (const auto& [member, score] : items) {
      ctx.reply.array(2);
      ctx.reply.bulk(member);
      zset_cmd::reply_score(ctx, score);
    }
  };
}

// ZMPOP numkeys key [key ...] MIN|MAX [COUNT count]: pops from the first
// non-empty set; replies [key, [[member, score], ...]] or a nil array.
void zmpop(CommandContext& ctx) {
  size_t side = 0;
  bool max = false;
  int64_t count = 1;
  if (!cmd::mpop_args(ctx, "MIN", "MAX", &side, &max, &count)) return;
  if (!cmd::pop_first(ctx, 2, side, ValueType::kZSet, mpop(ctx, max, count))) {
    ctx.reply.null_array();
  }
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count].
void bzmpop(CommandContext& ctx) {
  cmd::blocking_mpop(ctx, "MIN", "MAX", ValueType::kZSet,
                     [&ctx](bool max, int64_t count) { return mpop(ctx, max, count); });
}

// BZPOPMIN / BZPOPMAX key [key ...] timeout: [key, member, score] from the
// first non-empty set; waits while all are empty.
template <bool kMax>
void bzpop(CommandContext& ctx) {
  cmd::blocking_pop(ctx, ValueType::kZSet, [&ctx](std::string_view key, const KeyRecord& rec) {
    auto items = pop(ctx, key, rec, 1, kMax);
    ctx.reply.array(3);
    ctx.reply.bulk(key);
    ctx.reply.bulk(items.front().first);
    zset_cmd::reply_score(ctx, items.front().second);
  });
}

// ZRANDMEMBER key [count [WITHSCORES]]
void zrandmember(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const bool with_count = argv.size() >= 3;
  const bool with_scores = argv.size() == 4 && cmd::equals_ci(argv[3], "WITHSCORES");
  int64_t count = 1;
  // Redis parses the count before it looks at the words after it.
  if (with_count && !cmd::count_arg(ctx, argv[2], &count)) return;
  if (argv.size() > 4 || (argv.size() == 4 && !with_scores)) return ctx.reply.error(cmd::kSyntax);
  if (with_scores && (count > INT64_MAX / 2 || count < -(INT64_MAX / 2))) {
    return ctx.reply.error("ERR value is out of range");
  }
  if (!cmd::picks_allowed(ctx, count)) return;
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, argv[1], ValueType::kZSet, found)) return;
  if (!found || count == 0) return with_count ? ctx.reply.array(0) : ctx.reply.null();
  const KeyRecord rec = *found;
  auto picked = count > 0 ? cmd::pick_distinct(ctx, argv[1], rec, count)
                          : cmd::pick_with_repeats(ctx, argv[1], rec, -count);
  if (!with_count) return ctx.reply.bulk(picked.front().first);
  std::vector<Item> items;
  items.reserve(picked.size());
  for (auto& [member, score] : picked) {
    items.emplace_back(std::move(member), zset::parse_score(score).value_or(0));
  }
  zset_cmd::reply_items(ctx, items, with_scores);
}

}  // namespace

void register_zset_commands(CommandTable& t) {
  t.add({"zadd", -4, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, zadd});
  t.add({"zincrby", 4, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, zincrby});
  t.add({"zrem", -3, kCmdWrite | kCmdFast, 1, 1, 1, zrem});
  t.add({"zscore", 3, kCmdReadOnly | kCmdFast, 1, 1, 1, zscore});
  t.add({"zmscore", -3, kCmdReadOnly | kCmdFast, 1, 1, 1, zmscore});
  t.add({"zcard", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, zcard});
  t.add({"zrank", 3, kCmdReadOnly | kCmdFast, 1, 1, 1, zrank});
  t.add({"zrevrank", 3, kCmdReadOnly | kCmdFast, 1, 1, 1, zrevrank});
  t.add({"zcount", 4, kCmdReadOnly | kCmdFast, 1, 1, 1, zcount});
  t.add({"zlexcount", 4, kCmdReadOnly | kCmdFast, 1, 1, 1, zlexcount});
  t.add({"zpopmin", -2, kCmdWrite | kCmdFast, 1, 1, 1, zpopmin});
  t.add({"zpopmax", -2, kCmdWrite | kCmdFast, 1, 1, 1, zpopmax});
  t.add({"zmpop", -4, kCmdWrite, 0, 0, 0, zmpop, 1});
  t.add({"bzpopmin", -3, kCmdWrite | kCmdFast | kCmdNoScript, 1, -2, 1, bzpop<false>});
  t.add({"bzpopmax", -3, kCmdWrite | kCmdFast | kCmdNoScript, 1, -2, 1, bzpop<true>});
  t.add({"bzmpop", -5, kCmdWrite | kCmdNoScript, 0, 0, 0, bzmpop, 2});
  t.add({"zrandmember", -2, kCmdReadOnly, 1, 1, 1, zrandmember});
}

}  // namespace meridian
