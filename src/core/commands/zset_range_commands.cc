// ZRANGE (BYSCORE, BYLEX, REV, LIMIT, WITHSCORES), ZRANGESTORE and the
// older forms ZREVRANGE, ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX,
// ZREVRANGEBYLEX; ZREMRANGEBYRANK/BYSCORE/BYLEX. One parser and one reader
// serve them all, as in Redis' zrangeGenericCommand: arguments are checked
// before the key is looked up. Ranges read the score index: O(log n + m).
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/zset_access.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using zset_cmd::Item;

enum class By { kAuto, kRank, kScore, kLex };

struct Request {
  size_t key = 1;  // argv index of the source key
  By by = By::kAuto;
  bool rev = false, rev_fixed = false;
  bool with_scores = false;
  int64_t offset = 0, limit = -1;
};

// Options after key, min and max. Forms that fix the type or direction
// (ZRANGEBYSCORE, ZREVRANGE) refuse BYSCORE/BYLEX/REV as syntax errors.
bool parse_options(CommandContext& ctx, Request* rq, bool store) {
  const auto& argv = ctx.argv;
  const bool by_fixed = rq->by != By::kAuto;
  for (size_t j = rq->key + 3; j < argv.size(); ++j) {
    const auto a = argv[j];
    const size_t left = argv.size() - j - 1;
    if (!store && cmd::equals_ci(a, "WITHSCORES")) {
      rq->with_scores = true;
    } else if (cmd::equals_ci(a, "LIMIT") && left >= 2) {
      if (!cmd::int_arg(ctx, argv[j + 1], &rq->offset) ||
          !cmd::int_arg(ctx, argv[j + 2], &rq->limit)) {
        return false;
      }
      j += 2;
    } else if (!rq->rev_fixed && !rq->rev && cmd::equals_ci(a, "REV")) {
      rq->rev = true;
    } else if (!by_fixed && rq->by == By::kAuto && cmd::equals_ci(a, "BYLEX")) {
      rq->by = By::kLex;
    } else if (!by_fixed && rq->by == By::kAuto && cmd::equals_ci(a, "BYSCORE")) {
      rq->by = By::kScore;
    } else {
      ctx.reply.error(cmd::kSyntax);
      return false;
    }
  }
  if (rq->by == By::kAuto) rq->by = By::kRank;
  // Redis tells a LIMIT by its count: "LIMIT x -1" is no LIMIT at all (and
  // its offset is ignored) with ranks too.
  if (rq->limit != -1 && rq->by == By::kRank) {
    ctx.reply.error(
        "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
    return false;
  }
  if (rq->with_scores && rq->by == By::kLex) {
    ctx.reply.error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
    return false;
  }
  return true;
}

// Parses the request and reads the range. False when it replied (an error).
// `*exists` tells whether the source key exists.
bool read_range(CommandContext& ctx, Request& rq, bool store, std::vector<Item>* out,
                bool* exists) {
  if (!parse_options(ctx, &rq, store)) return false;
  const auto& argv = ctx.argv;
  std::string_view min = argv[rq.key + 1], max = argv[rq.key + 2];
  if (rq.rev && rq.by != By::kRank) std::swap(min, max);  // given as max, min
  int64_t start = 0, stop = 0;
  zset_cmd::Range r;
  if (rq.by == By::kRank) {
    if (!cmd::int_arg(ctx, min, &start) || !cmd::int_arg(ctx, max, &stop)) return false;
  } else if (rq.by == By::kScore) {
    if (!zset_cmd::score_range(ctx, min, max, &r)) return false;
  } else if (!zset_cmd::check_lex(ctx, min, max)) {
    return false;  // only the syntax is checked here; positions need the set
  }
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, argv[rq.key], ValueType::kZSet, found)) return false;
  *exists = found != nullptr;
  if (!found) return true;
  const KeyRecord rec = *found;
  if (rq.by == By::kRank) {
    uint64_t first = 0, last = 0;
    if (zset_cmd::rank_span(start, stop, rec.count, &first, &last)) {
      *out = zset_cmd::by_rank(ctx, argv[rq.key], rec, first, last, rq.rev);
    }
    return true;
  }
  if (rq.by == By::kLex) r = zset_cmd::lex_range(ctx, argv[rq.key], rec, min, max);
  *out = zset_cmd::by_range(ctx, argv[rq.key], rec, r, rq.rev, rq.offset, rq.limit);
  return true;
}

void reply_range(CommandContext& ctx, Request rq) {
  std::vector<Item> items;
  bool exists = false;
  if (!read_range(ctx, rq, false, &items, &exists)) return;
  zset_cmd::reply_items(ctx, items, rq.with_scores);
}

void zrange(CommandContext& ctx) {
  reply_range(ctx, Request{});
}

void zrevrange(CommandContext& ctx) {
  Request rq;
  rq.by = By::kRank;
  rq.rev = rq.rev_fixed = true;
  reply_range(ctx, rq);
}

void fixed(CommandContext& ctx, By by, bool rev) {
  Request rq;
  rq.by = by;
  rq.rev = rev;
  rq.rev_fixed = true;
  reply_range(ctx, rq);
}

void zrangebyscore(CommandContext& ctx) {
  fixed(ctx, By::kScore, false);
}
void zrevrangebyscore(CommandContext& ctx) {
  fixed(ctx, By::kScore, true);
}
void zrangebylex(CommandContext& ctx) {
  fixed(ctx, By::kLex, false);
}
void zrevrangebylex(CommandContext& ctx) {
  fixed(ctx, By::kLex, true);
}

// ZRANGESTORE dst src min max [BYSCORE|BYLEX] [REV] [LIMIT offset count]
void zrangestore(CommandContext& ctx) {
  Request rq;
  rq.key = 2;
  std::vector<Item> items;
  bool exists = false;
  if (!read_range(ctx, rq, true, &items, &exists)) return;
  zset_cmd::store_items(ctx, ctx.argv[1], items);
  ctx.reply.integer(static_cast<int64_t>(items.size()));
}

void remove_range(CommandContext& ctx, By by) {
  const auto& argv = ctx.argv;
  int64_t start = 0, stop = 0;
  zset_cmd::Range r;
  if (by == By::kRank) {
    if (!cmd::int_arg(ctx, argv[2], &start) || !cmd::int_arg(ctx, argv[3], &stop)) return;
  } else if (by == By::kScore) {
    if (!zset_cmd::score_range(ctx, argv[2], argv[3], &r)) return;
  } else if (!zset_cmd::check_lex(ctx, argv[2], argv[3])) {
    return;
  }
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, argv[1], ValueType::kZSet, old)) return;
  if (!old) return ctx.reply.integer(0);
  std::vector<Item> items;
  if (by == By::kRank) {
    uint64_t first = 0, last = 0;
    if (zset_cmd::rank_span(start, stop, old->count, &first, &last)) {
      items = zset_cmd::by_rank(ctx, argv[1], *old, first, last, false);
    }
  } else {
    if (by == By::kLex) r = zset_cmd::lex_range(ctx, argv[1], *old, argv[2], argv[3]);
    items = zset_cmd::by_range(ctx, argv[1], *old, r, false, 0, -1);
  }
  zset_cmd::remove_items(ctx, argv[1], *old, items);
  ctx.reply.integer(static_cast<int64_t>(items.size()));
}

void zremrangebyrank(CommandContext& ctx) {
  remove_range(ctx, By::kRank);
}
void zremrangebyscore(CommandContext& ctx) {
  remove_range(ctx, By::kScore);
}
void zremrangebylex(CommandContext& ctx) {
  remove_range(ctx, By::kLex);
}

}  // namespace

void register_zset_range_commands(CommandTable& t) {
  t.add({"zrange", -4, kCmdReadOnly, 1, 1, 1, zrange});
  t.add({"zrevrange", -4, kCmdReadOnly, 1, 1, 1, zrevrange});
  t.add({"zrangebyscore", -4, kCmdReadOnly, 1, 1, 1, zrangebyscore});
  t.add({"zrevrangebyscore", -4, kCmdReadOnly, 1, 1, 1, zrevrangebyscore});
  t.add({"zrangebylex", -4, kCmdReadOnly, 1, 1, 1, zrangebylex});
  t.add({"zrevrangebylex", -4, kCmdReadOnly, 1, 1, 1, zrevrangebylex});
  t.add({"zrangestore", -5, kCmdWrite | kCmdDenyOom, 1, 2, 1, zrangestore});
  t.add({"zremrangebyrank", 4, kCmdWrite, 1, 1, 1, zremrangebyrank});
  t.add({"zremrangebyscore", 4, kCmdWrite, 1, 1, 1, zremrangebyscore});
  t.add({"zremrangebylex", 4, kCmdWrite, 1, 1, 1, zremrangebylex});
}

}  // namespace meridian
