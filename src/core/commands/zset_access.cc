#include "core/commands/zset_access.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/commands/command_util.h"
#include "core/commands/key_rewrite.h"
#include "core/data/score_index.h"
#include "core/data/zset_score.h"
#include "core/region/region.h"

namespace meridian::zset_cmd {
namespace {

// Past every position (no score's order key is all ones).
const std::string kEnd(9, '\xff');

// zslParseRange's number: strtod over the rest (an empty rest is 0), no NaN.
// Redis reads the argument as a C string: it ends at its first NUL byte.
bool range_score(std::string_view s, double* out) {
  std::string text(cmd::as_c_string(s));
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size() || std::isnan(v)) return false;
  *out = v;
  return true;
}

// Whole-number steps small enough to stay exact in a double go to the
// member's counter; others rewrite the score (a register, last writer wins).
std::optional<int64_t> counter_step(double incr, double result) {
  constexpr double kExact = 9007199254740992.0;  // 2^53
  if (std::trunc(incr) != incr || std::fabs(incr) >= kExact || !std::isfinite(result) ||
      std::fabs(result) >= kExact) {
    return std::nullopt;
  }
  return static_cast<int64_t>(incr);
}

}  // namespace

bool score_range(CommandContext& ctx, std::string_view min, std::string_view max, Range* out) {
  double lo = 0, hi = 0;
  const bool lo_ex = !min.empty() && min[0] == '(';
  const bool hi_ex = !max.empty() && max[0] == '(';
  if (!range_score(min.substr(lo_ex ? 1 : 0), &lo) ||
      !range_score(max.substr(hi_ex ? 1 : 0), &hi)) {
    ctx.reply.error(kNotFloatRange);
    return false;
  }
  out->lo = lo_ex ? zset::order_key_after(lo) : zset::order_key(lo);
  out->hi = hi_ex ? zset::order_key(hi) : zset::order_key_after(hi);
  return true;
}

namespace {

// zslParseLexRangeItem: "-" and "+" are checked as C strings (so "+\0x" is
// "+"), "[" and "(" take the rest of the argument, NULs included.
bool lex_is(std::string_view b, char c) {
  return !b.empty() && b[0] == c && (b.size() == 1 || b[1] == '\0');
}

}  // namespace

bool check_lex(CommandContext& ctx, std::string_view min, std::string_view max) {
  auto valid = [](std::string_view b) {
    return lex_is(b, '-') || lex_is(b, '+') || (!b.empty() && (b[0] == '[' || b[0] == '('));
  };
  if (valid(min) && valid(max)) return true;
  ctx.reply.error(kNotLexRange);
  return false;
}

Range lex_range(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                std::string_view min, std::string_view max) {
  std::string base;
  if (auto first = ctx.keyspace.zat_rank(key, rec, 0)) base = first->substr(0, 8);
  auto bound = [&](std::string_view b, bool upper) {
    if (lex_is(b, '-')) return std::string();
    if (lex_is(b, '+')) return kEnd;
    std::string pos = base;
    pos.append(b.substr(1));
    // [x as an upper bound and (x as a lower one: just past x.
    if ((b[0] == '[') == upper) pos.push_back('\0');
    return pos;
  };
  return Range{bound(min, false), bound(max, true)};
}

std::optional<double> score_of(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                               std::string_view member) {
  auto f = ctx.keyspace.get_field(key, rec, member);
  if (!f) return std::nullopt;
  return zset::parse_score(f->value).value_or(0);
}

void put_score(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
               std::string_view member, double score, std::optional<double> incr) {
  if (incr) {
    if (auto step = counter_step(*incr, score)) ctx.keyspace.note_increment(*step);
  }
  ctx.keyspace.put_field(key, rec, member, zset::format_score(score), ctx.now_ms);
}

bool rank_span(int64_t start, int64_t stop, uint64_t n, uint64_t* first, uint64_t* last) {
  const auto len = static_cast<int64_t>(n);
  if (start < 0) start += len;
  if (stop < 0) stop += len;
  if (start < 0) start = 0;
  if (start > stop || start >= len) return false;
  if (stop >= len) stop = len - 1;
  *first = static_cast<uint64_t>(start);
  *last = static_cast<uint64_t>(stop);
  return true;
}

std::vector<Item> by_range(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                           const Range& r, bool reverse, int64_t offset, int64_t limit) {
  std::vector<Item> out;
  if (r.empty() || limit == 0 || offset < 0) return out;
  ctx.keyspace.zscan(key, rec, reverse ? r.hi : r.lo, reverse,
                     [&](double score, std::string_view member) {
                       std::string pos = ScoreIndex::position(score, member);
                       if (reverse ? pos < r.lo : pos >= r.hi) return false;
                       if (offset > 0) {
                         --offset;
                         return true;
                       }
                       out.emplace_back(member, score);
                       return limit < 0 || out.size() < static_cast<uint64_t>(limit);
                     });
  return out;
}

std::vector<Item> by_rank(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                          uint64_t first, uint64_t last, bool reverse) {
  std::vector<Item> out;
  const uint64_t want = last - first + 1;
  const uint64_t rank = reverse ? rec.count - 1 - first : first;
  auto pos = ctx.keyspace.zat_rank(key, rec, rank);
  if (!pos) return out;
  out.reserve(want);
  // Reverse scans start before a position: just past the first one wanted.
  if (reverse) pos->push_back('\0');
  ctx.keyspace.zscan(key, rec, *pos, reverse, [&](double score, std::string_view member) {
    out.emplace_back(member, score);
    return out.size() < want;
  });
  return out;
}

void reply_score(CommandContext& ctx, double score) {
  ctx.reply.dbl(zset::format_score(score));
}

void reply_per_member(CommandContext& ctx,
                      const std::function<void(std::optional<double> score)>& each) {
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kZSet, found)) return;
  std::optional<KeyRecord> rec;
  if (found) rec = *found;
  ctx.reply.array(ctx.argv.size() - 2);
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    each(rec ? score_of(ctx, ctx.argv[1], *rec, ctx.argv[i]) : std::nullopt);
  }
}

void reply_items(CommandContext& ctx, const std::vector<Item>& items, bool with_scores) {
  const bool pairs = with_scores && ctx.reply.proto() >= 3;
  ctx.reply.array(with_scores && !pairs ? items.size() * 2 : items.size());
  for (const auto& [member, score] : items) {
    if (pairs) ctx.reply.array(2);
    ctx.reply.bulk(member);
    if (with_scores) reply_score(ctx, score);
  }
}

void remove_items(CommandContext& ctx, std::string_view key, KeyRecord rec,
                  const std::vector<Item>& items) {
  if (items.empty()) return;
  const KeyRecord old = rec;
  for (const auto& [member, score] : items) {
    ctx.keyspace.del_field(key, rec, member, ctx.now_ms);
  }
  rec.count -= items.size();
  if (rec.count == 0) {
    ctx.keyspace.erase(key, old, ctx.now_ms);
  } else {
    ctx.keyspace.write(key, rec, &old, ctx.now_ms);
  }
}

void store_items(CommandContext& ctx, std::string_view dest, const std::vector<Item>& items) {
  std::vector<std::pair<std::string, std::string>> fields;
  fields.reserve(items.size());
  for (const auto& [member, score] : items) fields.emplace_back(member, zset::format_score(score));
  cmd::store_fields(ctx, dest, ValueType::kZSet, fields);
}

}  // namespace meridian::zset_cmd
