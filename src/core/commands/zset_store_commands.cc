// ZUNION, ZINTER, ZDIFF, their STORE forms and ZINTERCARD: algebra over
// sorted sets (plain sets count as members of score 1), by Redis'
// zunionInterDiffGenericCommand: numkeys, the keys (WRONGTYPE checked
// first), then WEIGHTS / AGGREGATE / WITHSCORES / LIMIT. The cost is the
// size of the inputs, as in Redis.
#include <algorithm>
#include <cmath>
#include <map>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/zset_access.h"
#include "core/data/zset_score.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using zset_cmd::Item;

enum class Op { kUnion, kInter, kDiff };
enum class Aggregate { kSum, kMin, kMax };

struct Source {
  std::string_view key;
  std::optional<KeyRecord> rec;
  double weight = 1;
};

struct Request {
  std::vector<Source> sources;
  Aggregate aggregate = Aggregate::kSum;
  bool with_scores = false;
  int64_t limit = 0;  // ZINTERCARD: 0 is no limit
};

// argv[at] is numkeys. False when it replied (an error).
bool parse(CommandContext& ctx, size_t at, Op op, bool store, bool card, Request* rq) {
  const auto& argv = ctx.argv;
  int64_t n = 0;
  if (!cmd::int_arg(ctx, argv[at], &n)) return false;
  if (n < 1) {
    ctx.reply.error("ERR at least 1 input key is needed for '" + cmd::lower(argv[0]) + "' command");
    return false;
  }
  if (n > static_cast<int64_t>(argv.size() - at - 1)) {
    ctx.reply.error(cmd::kSyntax);
    return false;
  }
  size_t j = at + 1;
  for (int64_t i = 0; i < n; ++i, ++j) {
    Source s{argv[j], ctx.keyspace.find(argv[j], ctx.now_ms)};
    if (s.rec && s.rec->type != ValueType::kZSet && s.rec->type != ValueType::kSet) {
      ctx.reply.error(cmd::kWrongType);
      return false;
    }
    rq->sources.push_back(std::move(s));
  }
  while (j < argv.size()) {
    const size_t left = argv.size() - j;
    if (op != Op::kDiff && !card && left >= rq->sources.size() + 1 &&
        cmd::equals_ci(argv[j], "WEIGHTS")) {
      ++j;
      for (auto& s : rq->sources) {
        auto w = zset::parse_score(argv[j++]);
        if (!w) {
          ctx.reply.error("ERR weight value is not a float");
          return false;
        }
        s.weight = *w;
      }
    } else if (op != Op::kDiff && !card && left >= 2 && cmd::equals_ci(argv[j], "AGGREGATE")) {
      const auto a = argv[j + 1];
      if (cmd::equals_ci(a, "SUM")) {
        rq->aggregate = Aggregate::kSum;
      } else if (cmd::equals_ci(a, "MIN")) {
        rq->aggregate = Aggregate::kMin;
      } else if (cmd::equals_ci(a, "MAX")) {
        rq->aggregate = Aggregate::kMax;
      } else {
        ctx.reply.error(cmd::kSyntax);
        return false;
      }
      j += 2;
    } else if (!store && !card && cmd::equals_ci(argv[j], "WITHSCORES")) {
      rq->with_scores = true;
      ++j;
    } else if (card && left >= 2 && cmd::equals_ci(argv[j], "LIMIT")) {
      // getPositiveLongFromObjectOrReply with a message: it is the reply
      // for a negative LIMIT and for one that is not an integer alike.
      auto v = parse_int64(argv[j + 1]);
      if (!v || *v < 0) {
        ctx.reply.error("ERR LIMIT can't be negative");
        return false;
      }
      rq->limit = *v;
      j += 2;
    } else {
      ctx.reply.error(cmd::kSyntax);
      return false;
    }
  }
  // Redis then sorts the inputs of a union or an intersection by size (a
  // stable sort: glibc's qsort is a merge sort), which fixes the order in
  // which scores are aggregated: it shows in float rounding and in where an
  // inf + -inf sum (NaN, counted as 0) happens.
  if (op != Op::kDiff) {
    std::stable_sort(rq->sources.begin(), rq->sources.end(), [](const Source& a, const Source& b) {
      return (a.rec ? a.rec->count : 0) < (b.rec ? b.rec->count : 0);
    });
  }
  return true;
}

// Every member of a source with its (weighted) score; a NaN product
// (0 * inf) counts as 0.
std::vector<Item> members(CommandContext& ctx, const Source& s) {
  std::vector<Item> out;
  if (!s.rec) return out;
  out.reserve(s.rec->count);
  ctx.keyspace.for_each_field(s.key, *s.rec, [&](std::string_view m, const FieldRecord& f) {
    double score = s.rec->type == ValueType::kSet ? 1.0 : zset::parse_score(f.value).value_or(0);
    double v = score * s.weight;
    out.emplace_back(m, std::isnan(v) ? 0.0 : v);  // 0 * inf counts as 0
    return true;
  });
  return out;
}

void aggregate(Aggregate a, double* into, double v) {
  if (a == Aggregate::kSum) {
    *into += v;
    if (std::isnan(*into)) *into = 0;  // inf + -inf
  } else if (a == Aggregate::kMin) {
    *into = v < *into ? v : *into;  // as Redis writes it: a NaN v keeps *into
  } else {
    *into = v > *into ? v : *into;
  }
}

// A member's weighted score in a later input of an intersection. Unlike the
// first input's, a NaN product (0 * inf) is aggregated as it is, as Redis
// does: a SUM with it gives NaN, counted as 0; MIN and MAX keep the score.
std::optional<double> weighted_score(CommandContext& ctx, const Source& s, std::string_view m) {
  if (!s.rec) return std::nullopt;
  auto f = ctx.keyspace.get_field(s.key, *s.rec, m);
  if (!f) return std::nullopt;
  double score = s.rec->type == ValueType::kSet ? 1.0 : zset::parse_score(f->value).value_or(0);
  return score * s.weight;
}

// The result in (score, member) order. ZINTERCARD stops at `limit`.
std::vector<Item> compute(CommandContext& ctx, Op op, const Request& rq) {
  std::vector<Item> out;
  if (op == Op::kUnion) {
    std::map<std::string, double> acc;
    for (const auto& s : rq.sources) {
      for (auto& [m, v] : members(ctx, s)) {
        auto [it, fresh] = acc.emplace(m, v);
        if (!fresh) aggregate(rq.aggregate, &it->second, v);
      }
    }
    out.assign(acc.begin(), acc.end());
  } else {
    // Walk the smallest source (the first, for ZDIFF) and probe the others.
    size_t base = 0;
    if (op == Op::kInter) {
      for (size_t i = 0; i < rq.sources.size(); ++i) {
        if (!rq.sources[i].rec) return out;
        if (rq.sources[i].rec->count < rq.sources[base].rec->count) base = i;
      }
    }
    for (auto& [m, v] : members(ctx, rq.sources[base])) {
      double score = v;
      bool keep = true;
      for (size_t i = 0; i < rq.sources.size() && keep; ++i) {
        if (i == base) continue;
        auto other = weighted_score(ctx, rq.sources[i], m);
        if (op == Op::kDiff) {
          keep = !other;
        } else if (!other) {
          keep = false;
        } else {
          aggregate(rq.aggregate, &score, *other);
        }
      }
      if (!keep) continue;
      out.emplace_back(std::move(m), score);
      if (rq.limit > 0 && out.size() >= static_cast<uint64_t>(rq.limit)) break;
    }
  }
  std::sort(out.begin(), out.end(), [](const Item& a, const Item& b) {
    return a.second != b.second ? a.second < b.second : a.first < b.first;
  });
  return out;
}

void run(CommandContext& ctx, Op op, bool store) {
  Request rq;
  if (!parse(ctx, store ? 2 : 1, op, store, false, &rq)) return;
  auto items = compute(ctx, op, rq);
  if (!store) return zset_cmd::reply_items(ctx, items, rq.with_scores);
  zset_cmd::store_items(ctx, ctx.argv[1], items);
  ctx.reply.integer(static_cast<int64_t>(items.size()));
}

void zunion(CommandContext& ctx) {
  run(ctx, Op::kUnion, false);
}
void zinter(CommandContext& ctx) {
  run(ctx, Op::kInter, false);
}
void zdiff(CommandContext& ctx) {
  run(ctx, Op::kDiff, false);
}
void zunionstore(CommandContext& ctx) {
  run(ctx, Op::kUnion, true);
}
void zinterstore(CommandContext& ctx) {
  run(ctx, Op::kInter, true);
}
void zdiffstore(CommandContext& ctx) {
  run(ctx, Op::kDiff, true);
}

void zintercard(CommandContext& ctx) {
  Request rq;
  if (!parse(ctx, 1, Op::kInter, false, true, &rq)) return;
  ctx.reply.integer(static_cast<int64_t>(compute(ctx, Op::kInter, rq).size()));
}

}  // namespace

void register_zset_store_commands(CommandTable& t) {
  // Keys follow numkeys (Redis: movablekeys); the STORE forms' destination
  // comes first.
  t.add({"zunion", -3, kCmdReadOnly, 0, 0, 0, zunion, 1});
  t.add({"zinter", -3, kCmdReadOnly, 0, 0, 0, zinter, 1});
  t.add({"zdiff", -3, kCmdReadOnly, 0, 0, 0, zdiff, 1});
  t.add({"zintercard", -3, kCmdReadOnly, 0, 0, 0, zintercard, 1});
  t.add({"zunionstore", -4, kCmdWrite | kCmdDenyOom, 1, 1, 1, zunionstore, 2});
  t.add({"zinterstore", -4, kCmdWrite | kCmdDenyOom, 1, 1, 1, zinterstore, 2});
  t.add({"zdiffstore", -4, kCmdWrite | kCmdDenyOom, 1, 1, 1, zdiffstore, 2});
}

}  // namespace meridian
