// SORT key [BY pattern] [LIMIT offset count] [GET pattern ...] [ASC|DESC]
// [ALPHA] [STORE destination], and SORT_RO (no STORE), over lists, sets and
// sorted sets, following Redis 7.0's sortCommandGeneric step for step:
// options parsed before the key is looked up, LIMIT clamped to the
// collection, BY without '*' meaning "do not sort" (lists and sorted sets
// keep their order, DESC reversing it; a set's order then is Redis' intset
// order when it would be one, else byte order, and with STORE a set is
// sorted ALPHA anyway), numbers read with strtod, ties broken as Redis'
// comparator does, and STORE writing a list.
#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/key_rewrite.h"
#include "core/commands/list_access.h"
#include "core/commands/zset_access.h"
#include "core/region/region.h"

namespace meridian {
namespace {

// Redis 7.0's set-max-intset-entries: a set of at most this many integers
// is an intset and iterates in numeric order.
constexpr uint64_t kIntsetEntries = 512;

struct SortArgs {
  bool desc = false;
  bool alpha = false;
  bool dontsort = false;
  int64_t limit_start = 0;
  int64_t limit_count = -1;
  std::optional<std::string_view> by;
  std::optional<std::string_view> store;
  std::vector<std::string_view> gets;
};

bool parse_args(CommandContext& ctx, bool readonly, SortArgs* a) {
  const auto& argv = ctx.argv;
  for (size_t j = 2; j < argv.size(); ++j) {
    const size_t left = argv.size() - j - 1;
    std::string_view opt = argv[j];
    if (cmd::equals_ci(opt, "ASC")) {
      a->desc = false;
    } else if (cmd::equals_ci(opt, "DESC")) {
      a->desc = true;
    } else if (cmd::equals_ci(opt, "ALPHA")) {
      a->alpha = true;
    } else if (cmd::equals_ci(opt, "LIMIT") && left >= 2) {
      if (!cmd::int_arg(ctx, argv[j + 1], &a->limit_start) ||
          !cmd::int_arg(ctx, argv[j + 2], &a->limit_count)) {
        return false;
      }
      j += 2;
    } else if (!readonly && cmd::equals_ci(opt, "STORE") && left >= 1) {
      a->store = argv[++j];
    } else if (cmd::equals_ci(opt, "BY") && left >= 1) {
      a->by = argv[++j];
      // A pattern without '*' names one key for every element: nothing to
      // sort by. Redis keeps that even when a later BY has a '*'.
      if (cmd::as_c_string(*a->by).find('*') == std::string_view::npos) a->dontsort = true;
    } else if (cmd::equals_ci(opt, "GET") && left >= 1) {
      a->gets.push_back(argv[++j]);
    } else {
      ctx.reply.error(cmd::kSyntax);
      return false;
    }
  }
  return true;
}

// Redis' lookupKeyByPattern: "#" is the element itself; otherwise the first
// '*' is replaced by the element, and "->field" after it reads a hash field.
// Redis reads the pattern as a C string to find '*' and "->".
std::optional<std::string> lookup_pattern(CommandContext& ctx, std::string_view pattern,
                                          std::string_view element) {
  const std::string_view c = cmd::as_c_string(pattern);
  if (c == "#") return std::string(element);
  const size_t star = c.find('*');
  if (star == std::string_view::npos) return std::nullopt;
  const size_t arrow = c.find("->", star + 1);
  const bool field = arrow != std::string_view::npos && arrow + 2 < c.size();
  const size_t field_len = field ? pattern.size() - arrow - 2 : 0;
  const size_t postfix_len = pattern.size() - star - 1 - (field ? field_len + 2 : 0);
  std::string key(pattern.substr(0, star));
  key.append(element);
  key.append(pattern.substr(star + 1, postfix_len));
  const KeyRecord* rec = ctx.keyspace.peek(key, ctx.now_ms);
  if (rec == nullptr) return std::nullopt;
  if (!field) {
    if (rec->type != ValueType::kString) return std::nullopt;
    return rec->payload;
  }
  if (rec->type != ValueType::kHash) return std::nullopt;
  auto f = ctx.keyspace.get_field(key, *rec, pattern.substr(arrow + 2));
  if (!f) return std::nullopt;
  return std::move(f->value);
}

struct Element {
  explicit Element(std::string v) : value(std::move(v)) {}
  std::string value;
  double score = 0;
  std::optional<std::string> by;  // ALPHA with BY: the value sorted by
};

// A set's members in the order Redis would iterate them when it holds them
// as an intset (numeric); otherwise in byte order (Redis: hash order).
std::vector<Element> set_members(CommandContext& ctx, std::string_view key, const KeyRecord& rec) {
  std::vector<Element> out;
  out.reserve(rec.count);
  bool ints = rec.count <= kIntsetEntries;
  ctx.keyspace.for_each_field(key, rec, [&](std::string_view m, const FieldRecord&) {
    out.push_back(Element(std::string(m)));
    if (ints && !parse_int64(m)) ints = false;
    return true;
  });
  if (ints) {
    std::stable_sort(out.begin(), out.end(), [](const Element& a, const Element& b) {
      return *parse_int64(a.value) < *parse_int64(b.value);
    });
  }
  return out;
}

std::vector<Element> from_zset(const std::vector<zset_cmd::Item>& items) {
  std::vector<Element> out;
  out.reserve(items.size());
  for (const auto& it : items) out.push_back(Element(it.first));
  return out;
}

// Loads the elements to sort; with dontsort on a list or a sorted set only
// those of [start, end] (in DESC order when desc), shifting the range to 0.
std::vector<Element> load(CommandContext& ctx, const KeyRecord* rec, const SortArgs& a,
                          int64_t* start, int64_t* end) {
  std::vector<Element> out;
  if (rec == nullptr) return out;
  std::string_view key = ctx.argv[1];
  const auto n = static_cast<int64_t>(rec->count);
  if (rec->type == ValueType::kSet) return set_members(ctx, key, *rec);
  if (rec->type == ValueType::kZSet) {
    if (!a.dontsort) return from_zset(zset_cmd::by_rank(ctx, key, *rec, 0, rec->count - 1, false));
    if (*end >= *start) {
      out = from_zset(zset_cmd::by_rank(ctx, key, *rec, static_cast<uint64_t>(*start),
                                        static_cast<uint64_t>(*end), a.desc));
    }
  } else if (!a.dontsort) {
    for (auto& it : cmd::list_range(ctx, key, *rec, 0, rec->count - 1)) {
      out.push_back(Element(std::move(it.value)));
    }
    return out;
  } else if (*end >= *start) {
    const int64_t lo = a.desc ? n - 1 - *end : *start;
    const int64_t hi = a.desc ? n - 1 - *start : *end;
    for (auto& it :
         cmd::list_range(ctx, key, *rec, static_cast<uint64_t>(lo), static_cast<uint64_t>(hi))) {
      out.push_back(Element(std::move(it.value)));
    }
    if (a.desc) std::reverse(out.begin(), out.end());
  }
  *end -= *start;
  *start = 0;
  return out;
}

// Redis' strtod check: the whole C string a number, not NaN, in range.
bool to_score(const std::string& s, double* out) {
  char* endp = nullptr;
  errno = 0;
  *out = std::strtod(s.c_str(), &endp);
  return *endp == '\0' && errno != ERANGE && !std::isnan(*out);
}

int sign_of(int v) {
  return (v > 0) - (v < 0);
}
// Redis' compareStringObjects (binary) and collateStringObjects (strcoll,
// which in the C and C.UTF-8 locales is strcmp, up to the first NUL).
int binary_cmp(std::string_view a, std::string_view b) {
  return sign_of(a.compare(b));
}
int collate_cmp(const std::string& a, const std::string& b) {
  return sign_of(std::strcmp(a.c_str(), b.c_str()));
}

// Redis' sortCompare.
int compare(const Element& x, const Element& y, const SortArgs& a) {
  int cmp = 0;
  const bool store = a.store.has_value();
  if (!a.alpha) {
    if (x.score != y.score) {
      cmp = x.score > y.score ? 1 : -1;
    } else {
      cmp = binary_cmp(x.value, y.value);
    }
  } else if (a.by) {
    if (!x.by || !y.by) {
      cmp = x.by.has_value() == y.by.has_value() ? 0 : (!x.by ? -1 : 1);
    } else {
      cmp = store ? binary_cmp(*x.by, *y.by) : collate_cmp(*x.by, *y.by);
    }
  } else {
    cmp = store ? binary_cmp(x.value, y.value) : collate_cmp(x.value, y.value);
  }
  return a.desc ? -cmp : cmp;
}

void sort_generic(CommandContext& ctx, bool readonly) {
  SortArgs a;
  if (!parse_args(ctx, readonly, &a)) return;
  const KeyRecord* found = ctx.keyspace.peek(ctx.argv[1], ctx.now_ms);
  if (found != nullptr && found->type != ValueType::kList && found->type != ValueType::kSet &&
      found->type != ValueType::kZSet) {
    return ctx.reply.error(cmd::kWrongType);
  }
  std::optional<KeyRecord> rec;
  if (found != nullptr) rec = *found;
  // A set has no order of its own: what is stored is sorted (ALPHA).
  if (a.dontsort && rec && rec->type == ValueType::kSet && a.store) {
    a.dontsort = false;
    a.alpha = true;
    a.by.reset();
  }
  const int64_t len = rec ? static_cast<int64_t>(rec->count) : 0;
  int64_t start = std::min(std::max<int64_t>(a.limit_start, 0), len);
  const int64_t count = std::min(std::max<int64_t>(a.limit_count, -1), len);
  int64_t end = count < 0 ? len - 1 : start + count - 1;
  if (start >= len) {
    start = len - 1;
    end = len - 2;
  }
  if (end >= len) end = len - 1;

  std::vector<Element> v = load(ctx, rec ? &*rec : nullptr, a, &start, &end);
  bool bad_score = false;
  if (!a.dontsort) {
    for (auto& e : v) {
      std::optional<std::string> by;
      if (a.by) {
        by = lookup_pattern(ctx, *a.by, e.value);
        if (!by) continue;
      }
      if (a.alpha) {
        if (a.by) e.by = std::move(by);
      } else if (!to_score(by ? *by : e.value, &e.score)) {
        bad_score = true;
      }
    }
    std::stable_sort(v.begin(), v.end(),
                     [&](const Element& x, const Element& y) { return compare(x, y, a) < 0; });
  }
  if (bad_score) return ctx.reply.error("ERR One or more scores can't be converted into double");

  const auto rows = static_cast<size_t>(std::max<int64_t>(end - start + 1, 0));
  const size_t outputlen = a.gets.empty() ? rows : a.gets.size() * rows;
  if (!a.store) {
    ctx.reply.array(outputlen);
    for (int64_t j = start; j <= end; ++j) {
      const auto& e = v[static_cast<size_t>(j)];
      if (a.gets.empty()) ctx.reply.bulk(e.value);
      for (auto pattern : a.gets) {
        auto val = lookup_pattern(ctx, pattern, e.value);
        if (val) {
          ctx.reply.bulk(*val);
        } else {
          ctx.reply.null();
        }
      }
    }
    return;
  }
  std::vector<std::string> out;
  out.reserve(outputlen);
  for (int64_t j = start; j <= end; ++j) {
    auto& e = v[static_cast<size_t>(j)];
    if (a.gets.empty()) out.push_back(std::move(e.value));
    for (auto pattern : a.gets) out.push_back(lookup_pattern(ctx, pattern, e.value).value_or(""));
  }
  cmd::store_list(ctx, *a.store, out);
  ctx.reply.integer(static_cast<int64_t>(outputlen));
}

void sort(CommandContext& ctx) {
  sort_generic(ctx, false);
}
void sort_ro(CommandContext& ctx) {
  sort_generic(ctx, true);
}

// Redis' sortGetKeys: the key, and the last STORE's destination (options
// with arguments are skipped, so a GET pattern named "store" is no key).
std::vector<std::string_view> sort_keys(const std::vector<std::string_view>& argv) {
  std::vector<std::string_view> keys;
  if (argv.size() < 2) return keys;
  keys.push_back(argv[1]);
  std::optional<std::string_view> store;
  for (size_t i = 2; i < argv.size(); ++i) {
    if (cmd::equals_ci(argv[i], "LIMIT")) {
      i += 2;
    } else if (cmd::equals_ci(argv[i], "GET") || cmd::equals_ci(argv[i], "BY")) {
      i += 1;
    } else if (cmd::equals_ci(argv[i], "STORE") && i + 1 < argv.size()) {
      store = argv[i + 1];
    }
  }
  if (store) keys.push_back(*store);
  return keys;
}

// SORT_RO has no STORE: its key only (Redis flags it movablekeys all the same).
std::vector<std::string_view> sort_ro_keys(const std::vector<std::string_view>& argv) {
  if (argv.size() < 2) return {};
  return {argv[1]};
}

}  // namespace

void register_sort_commands(CommandTable& t) {
  t.add({"sort", -2, kCmdWrite | kCmdDenyOom, 1, 1, 1, sort, 0, sort_keys});
  t.add({"sort_ro", -2, kCmdReadOnly, 1, 1, 1, sort_ro, 0, sort_ro_keys});
}

}  // namespace meridian
