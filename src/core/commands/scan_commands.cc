// SCAN, SSCAN, HSCAN. Keys and fields are ordered by name, so a cursor names
// where the next call resumes (ScanCursors hands out integers for them). An
// element present for the whole iteration is returned once; one added or
// removed meanwhile may or may not be, as in Redis.
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>
#include <vector>

#include "core/base/glob.h"
#include "core/commands/command_util.h"
#include "core/data/zset_score.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using cmd::equals_ci;

// Redis' parseScanCursorOrReply: an unsigned decimal.
bool parse_cursor(std::string_view s, uint64_t* out) {
  // strtoul's reading: "" is 0 and "-1" is 2^64 - 1.
  std::string buf(s);
  if (!buf.empty() && std::isspace(static_cast<unsigned char>(buf[0]))) return false;
  errno = 0;
  char* end = nullptr;
  unsigned long long v = std::strtoull(buf.c_str(), &end, 10);
  if (*end != '\0' || errno == ERANGE) return false;
  *out = v;
  return true;
}

struct ScanOptions {
  std::string start;  // where to resume
  int64_t count = 10;
  std::string_view pattern;
  bool has_pattern = false;
  std::string_view type;  // SCAN only
  bool has_type = false;
};

// Parses `cursor [MATCH p] [COUNT n] [TYPE t]` from argv[at]; replies and
// returns false on an error.
bool parse_scan(CommandContext& ctx, size_t at, bool allow_type, ScanOptions* o) {
  const auto& argv = ctx.argv;
  uint64_t cursor = 0;
  if (!parse_cursor(argv[at], &cursor)) {
    ctx.reply.error("ERR invalid cursor");
    return false;
  }
  for (size_t i = at + 1; i < argv.size(); i += 2) {
    size_t left = argv.size() - i;
    if (equals_ci(argv[i], "COUNT") && left >= 2) {
      if (!cmd::int_arg(ctx, argv[i + 1], &o->count)) return false;
      if (o->count < 1) {
        ctx.reply.error(cmd::kSyntax);
        return false;
      }
    } else if (equals_ci(argv[i], "MATCH") && left >= 2) {
      o->pattern = argv[i + 1];
      o->has_pattern = !(o->pattern == "*");
    } else if (allow_type && equals_ci(argv[i], "TYPE") && left >= 2) {
      o->type = argv[i + 1];
      o->has_type = true;
    } else {
      ctx.reply.error(cmd::kSyntax);
      return false;
    }
  }
  if (cursor != 0) {
    auto resume = ctx.region.scan_cursors().resume_key(cursor);
    if (!resume) {
      ctx.reply.error("ERR invalid cursor");
      return false;
    }
    o->start = std::move(*resume);
  }
  return true;
}

// Examines up to `count` names from the visitor and remembers where to
// resume; the reply is the next cursor and the matches.
class Page {
 public:
  explicit Page(const ScanOptions& o) : o_(o) {}
  // Returns false to stop the visit.
  bool visit(std::string_view name) {
    if (examined_ == o_.count) {
      next_.assign(name);
      more_ = true;
      return false;
    }
    ++examined_;
    return true;
  }
  bool matches(std::string_view name) const {
    return !o_.has_pattern || glob_match(o_.pattern, name);
  }
  void reply(CommandContext& ctx, const std::vector<std::string>& found) {
    uint64_t next = more_ ? ctx.region.scan_cursors().issue(std::move(next_)) : 0;
    ctx.reply.array(2);
    ctx.reply.bulk(std::to_string(next));
    ctx.reply.array(found.size());
    for (const auto& s : found) ctx.reply.bulk(s);
  }

 private:
  const ScanOptions& o_;
  int64_t examined_ = 0;
  std::string next_;
  bool more_ = false;
};

void scan(CommandContext& ctx) {
  ScanOptions o;
  if (!parse_scan(ctx, 1, true, &o)) return;
  Page page(o);
  std::vector<std::string> found;
  ctx.keyspace.for_each_key(o.start, ctx.now_ms, [&](std::string_view key, const KeyRecord& rec) {
    if (!page.visit(key)) return false;
    if (!page.matches(key)) return true;
    if (o.has_type && !equals_ci(o.type, type_name(rec.type))) return true;
    found.emplace_back(key);
    return true;
  });
  page.reply(ctx, found);
}

// Redis 7.0's zset-max-listpack-entries / -value defaults.
constexpr uint64_t kZsetListpackEntries = 128;
constexpr size_t kZsetListpackValue = 64;

// Whether Redis would hold this sorted set as a listpack (ZSCAN's score text
// depends on it). A set that grew past the limits and shrank back is a
// skiplist in Redis for good; that history is not known here.
bool zset_compact(CommandContext& ctx, std::string_view key, const KeyRecord& rec) {
  if (rec.count > kZsetListpackEntries) return false;
  bool compact = true;
  ctx.keyspace.for_each_field(key, rec, [&](std::string_view name, const FieldRecord&) {
    compact = name.size() <= kZsetListpackValue;
    return compact;
  });
  return compact;
}

// ZSCAN's score: a listpack holds d2string's text, which prints a whole
// number within +-LLONG_MAX/2 as an integer (1e17 as 100000000000000000, -0
// as 0); a skiplist's score is printed as "%.17Lg" (the stored text).
std::string zscan_score(std::string_view stored, bool compact) {
  if (!compact) return std::string(stored);
  auto v = zset::parse_score(stored);
  constexpr double kHalf = static_cast<double>(INT64_MAX / 2);
  if (!v || !std::isfinite(*v) || *v < -kHalf || *v > kHalf) return std::string(stored);
  const auto ll = static_cast<long long>(*v);
  if (static_cast<double>(ll) != *v) return std::string(stored);
  return std::to_string(ll);
}

// SSCAN, HSCAN and ZSCAN: the same over one collection's members or fields
// (HSCAN replies each matching field followed by its value, ZSCAN each
// member followed by its score).
template <ValueType kType>
void collection_scan(CommandContext& ctx) {
  uint64_t cursor = 0;
  if (!parse_cursor(ctx.argv[2], &cursor)) return ctx.reply.error("ERR invalid cursor");
  const KeyRecord* found_rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], kType, found_rec)) return;
  if (found_rec == nullptr) {
    // Redis answers a missing key before it reads the options.
    ctx.reply.array(2);
    ctx.reply.bulk("0");
    return ctx.reply.array(0);
  }
  const KeyRecord rec = *found_rec;
  ScanOptions o;
  if (!parse_scan(ctx, 2, false, &o)) return;
  const bool compact = kType == ValueType::kZSet && zset_compact(ctx, ctx.argv[1], rec);
  std::vector<std::string> found;
  Page page(o);
  ctx.keyspace.for_each_field(
      ctx.argv[1], rec,
      [&](std::string_view name, const FieldRecord& f) {
        if (!page.visit(name)) return false;
        if (!page.matches(name)) return true;
        found.emplace_back(name);
        if (kType == ValueType::kZSet) {
          found.push_back(zscan_score(f.value, compact));
        } else if (kType != ValueType::kSet) {
          found.push_back(f.value);  // HSCAN value
        }
        return true;
      },
      o.start);
  page.reply(ctx, found);
}

}  // namespace

void register_scan_commands(CommandTable& t) {
  t.add({"scan", -2, kCmdReadOnly, 0, 0, 0, scan});
  t.add({"sscan", -3, kCmdReadOnly, 1, 1, 1, collection_scan<ValueType::kSet>});
  t.add({"hscan", -3, kCmdReadOnly, 1, 1, 1, collection_scan<ValueType::kHash>});
  t.add({"zscan", -3, kCmdReadOnly, 1, 1, 1, collection_scan<ValueType::kZSet>});
}

}  // namespace meridian
