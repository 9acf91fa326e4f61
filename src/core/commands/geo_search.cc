// GEORADIUS, GEORADIUSBYMEMBER, their _RO forms, GEOSEARCH and
// GEOSEARCHSTORE, one routine for all as Redis' georadiusGeneric, with its
// order of checks: the key's type first, then the centre and radius of the
// older forms, then the options left to right, then their conflicts. A
// search reads at most nine score ranges of the sorted set (the geohash box
// of the centre and its neighbours, core/commands/geohash.h) and keeps the
// members inside the shape, in index order, which is Redis' order too.
#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/geo_util.h"
#include "core/commands/geohash.h"
#include "core/commands/zset_access.h"
#include "core/data/score_index.h"
#include "core/data/zset_score.h"
#include "core/region/region.h"

namespace meridian {
namespace {

enum SearchFlags : unsigned {
  kByCoords = 1 << 0,  // GEORADIUS: centre given as lon lat
  kByMember = 1 << 1,  // GEORADIUSBYMEMBER: centre is a member
  kNoStore = 1 << 2,   // the _RO forms
  kSearch = 1 << 3,    // GEOSEARCH options (FROM..., BY...)
  kSearchStore = 1 << 4,
};

enum class Sort { kNone, kAsc, kDesc };

struct Point {
  std::string member;
  double lon = 0, lat = 0, dist = 0, score = 0;
};

// Redis orders by distance with qsort (glibc's is a stable merge sort) or,
// when COUNT keeps fewer than it found, with its pqsort: a Bentley-McIlroy
// quicksort that only sorts the partitions holding ranks [lo, hi]. Ties
// (members at one position) come out in the order pqsort leaves them, so it
// is followed step by step.
class PartialSort {
 public:
  PartialSort(std::vector<Point>& v, bool desc, size_t lo, size_t hi)
      : v_(v), desc_(desc), lo_(lo), hi_(hi) {}
  void run() { sort(0, v_.size()); }

 private:
  int cmp(size_t a, size_t b) const {
    const double x = v_[a].dist, y = v_[b].dist;
    const int asc = x > y ? 1 : (x == y ? 0 : -1);
    return desc_ ? -asc : asc;
  }
  void swap(size_t a, size_t b) { std::swap(v_[a], v_[b]); }
  void vecswap(size_t a, size_t b, size_t n) {
    for (size_t i = 0; i < n; ++i) swap(a + i, b + i);
  }
  size_t med3(size_t a, size_t b, size_t c) const {
    return cmp(a, b) < 0 ? (cmp(b, c) < 0 ? b : (cmp(a, c) < 0 ? c : a))
                         : (cmp(b, c) > 0 ? b : (cmp(a, c) < 0 ? a : c));
  }
  void insertion(size_t base, size_t n) {
    for (size_t m = base + 1; m < base + n; ++m) {
      for (size_t l = m; l > base && cmp(l - 1, l) > 0; --l) swap(l, l - 1);
    }
  }
  // Whether [base, base + n) holds none of the wanted ranks.
  bool outside(size_t base, size_t n) const {
    return (lo_ < base && hi_ < base) || (lo_ >= base + n && hi_ >= base + n);
  }
  void sort(size_t base, size_t n) {
    for (;;) {
      if (n < 7) return insertion(base, n);
      size_t pm = base + n / 2;
      if (n > 7) {
        size_t pl = base, pn = base + n - 1;
        if (n > 40) {
          const size_t d = n / 8;
          pl = med3(pl, pl + d, pl + 2 * d);
          pm = med3(pm - d, pm, pm + d);
          pn = med3(pn - 2 * d, pn - d, pn);
        }
        pm = med3(pl, pm, pn);
      }
      swap(base, pm);
      size_t pa = base + 1, pb = base + 1, pc = base + n - 1, pd = base + n - 1;
      bool swapped = false;
      for (;;) {
        int r = 0;
        while (pb <= pc && (r = cmp(pb, base)) <= 0) {
          if (r == 0) {
            swapped = true;
            swap(pa++, pb);
          }
          ++pb;
        }
        while (pb <= pc && (r = cmp(pc, base)) >= 0) {
          if (r == 0) {
            swapped = true;
            swap(pc, pd--);
          }
          --pc;
        }
        if (pb > pc) break;
        swap(pb++, pc--);
        swapped = true;
      }
      if (!swapped) return insertion(base, n);
      const size_t pn = base + n;
      size_t r = std::min(pa - base, pb - pa);
      vecswap(base, pb - r, r);
      r = std::min(pd - pc, pn - pd - 1);
      vecswap(pb, pn - r, r);
      if ((r = pb - pa) > 1 && !outside(base, r)) sort(base, r);
      if ((r = pd - pc) <= 1) return;
      base = pn - r;
      n = r;
      if (outside(base, n)) return;
    }
  }

  std::vector<Point>& v_;
  bool desc_;
  size_t lo_, hi_;
};

// The members of `key` inside the shape, box after box (Redis'
// membersOfAllNeighbors); with `limit` (COUNT ANY) it stops at that many.
std::vector<Point> collect(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                           const geo::Shape& shape, uint64_t limit) {
  std::vector<Point> out;
  geo::Bits boxes[9];
  geo::cover_boxes(geo::cover(shape), boxes);
  int last = 0;
  for (int i = 0; i < 9; ++i) {
    if (boxes[i].zero()) continue;
    // Large radii make neighbours coincide; Redis skips a box equal to the
    // one it searched just before (never comparing with the centre box).
    if (last && boxes[i].bits == boxes[last].bits && boxes[i].step == boxes[last].step) continue;
    if (!out.empty() && limit && out.size() >= limit) break;
    uint64_t min = 0, max = 0;
    geo::box_scores(boxes[i], &min, &max);
    const double hi = static_cast<double>(max);
    ctx.keyspace.zscan(key, rec, zset::order_key(static_cast<double>(min)), false,
                       [&](double score, std::string_view member) {
                         if (!(score < hi)) return false;
                         Point p;
                         geo::decode_score(score, &p.lon, &p.lat);
                         if (geo::in_shape(shape, p.lon, p.lat, &p.dist)) {
                           p.member = member;
                           p.score = score;
                           out.push_back(std::move(p));
                         }
                         return !(!out.empty() && limit && out.size() >= limit);
                       });
    last = i;
  }
  return out;
}

// addReplyLongLong of a score held in a double.
int64_t score_integer(double s) {
  if (s >= 9223372036854775808.0 || !(s >= -9223372036854775808.0)) return INT64_MIN;
  return static_cast<int64_t>(s);
}

void search(CommandContext& ctx, size_t src, unsigned flags) {
  const auto& argv = ctx.argv;
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, argv[src], ValueType::kZSet, found)) return;
  std::optional<KeyRecord> rec;
  if (found) rec = *found;

  geo::Shape shape;
  std::optional<std::string_view> store;
  bool store_dist = false;
  size_t base = 0;
  // The centre of a member; Redis' error when it is missing.
  auto member_centre = [&](std::string_view member) {
    auto s = zset_cmd::score_of(ctx, argv[src], *rec, member);
    if (!s) {
      ctx.reply.error("ERR could not decode requested zset member");
      return false;
    }
    geo::decode_score(*s, &shape.lon, &shape.lat);
    return true;
  };
  if (flags & kByCoords) {
    base = 6;
    if (!geo_cmd::lonlat_arg(ctx, argv[2], argv[3], &shape.lon, &shape.lat) ||
        !geo_cmd::radius_arg(ctx, argv[4], argv[5], &shape.radius, &shape.conversion)) {
      return;
    }
  } else if (flags & kByMember) {
    // Without the key, the options are still parsed (their errors and the
    // STORE reply depend on them); the radius is not.
    base = 5;
    if (rec && (!member_centre(argv[2]) ||
                !geo_cmd::radius_arg(ctx, argv[3], argv[4], &shape.radius, &shape.conversion))) {
      return;
    }
  } else {
    base = 2;
    if (flags & kSearchStore) {
      base = 3;
      store = argv[1];
    }
  }

  bool withdist = false, withhash = false, withcoord = false, any = false;
  bool frommember = false, fromlonlat = false, byradius = false, bybox = false;
  Sort sort = Sort::kNone;
  int64_t count = 0;
  const size_t argc = argv.size();
  for (size_t i = base; i < argc; ++i) {
    const auto a = argv[i];
    const size_t left = argc - i - 1;
    const bool can_store = !(flags & kNoStore) && !(flags & kSearch);
    if (cmd::equals_ci(a, "WITHDIST")) {
      withdist = true;
    } else if (cmd::equals_ci(a, "WITHHASH")) {
      withhash = true;
    } else if (cmd::equals_ci(a, "WITHCOORD")) {
      withcoord = true;
    } else if (cmd::equals_ci(a, "ANY")) {
      any = true;
    } else if (cmd::equals_ci(a, "ASC")) {
      sort = Sort::kAsc;
    } else if (cmd::equals_ci(a, "DESC")) {
      sort = Sort::kDesc;
    } else if (cmd::equals_ci(a, "COUNT") && left >= 1) {
      if (!cmd::int_arg(ctx, argv[i + 1], &count)) return;
      if (count <= 0) return ctx.reply.error("ERR COUNT must be > 0");
      ++i;
    } else if (cmd::equals_ci(a, "STORE") && left >= 1 && can_store) {
      store = argv[++i];
      store_dist = false;
    } else if (cmd::equals_ci(a, "STOREDIST") && left >= 1 && can_store) {
      store = argv[++i];
      store_dist = true;
    } else if (cmd::equals_ci(a, "STOREDIST") && (flags & kSearchStore)) {
      store_dist = true;
    } else if (cmd::equals_ci(a, "FROMMEMBER") && left >= 1 && (flags & kSearch) && !fromlonlat) {
      if (rec && !member_centre(argv[i + 1])) return;
      frommember = true;
      ++i;
    } else if (cmd::equals_ci(a, "FROMLONLAT") && left >= 2 && (flags & kSearch) && !frommember) {
      if (!geo_cmd::lonlat_arg(ctx, argv[i + 1], argv[i + 2], &shape.lon, &shape.lat)) return;
      fromlonlat = true;
      i += 2;
    } else if (cmd::equals_ci(a, "BYRADIUS") && left >= 2 && (flags & kSearch) && !bybox) {
      if (!geo_cmd::radius_arg(ctx, argv[i + 1], argv[i + 2], &shape.radius, &shape.conversion)) {
        return;
      }
      shape.box = false;
      byradius = true;
      i += 2;
    } else if (cmd::equals_ci(a, "BYBOX") && left >= 3 && (flags & kSearch) && !byradius) {
      if (!geo_cmd::box_arg(ctx, argv[i + 1], argv[i + 2], argv[i + 3], &shape.width, &shape.height,
                            &shape.conversion)) {
        return;
      }
      shape.box = true;
      bybox = true;
      i += 3;
    } else {
      return ctx.reply.error(cmd::kSyntax);
    }
  }

  const std::string name(cmd::as_c_string(argv[0]));
  if (store && (withdist || withhash || withcoord)) {
    return ctx.reply.error(
        std::string("ERR ") +
        ((flags & kSearchStore) ? "GEOSEARCHSTORE" : "STORE option in GEORADIUS") +
        " is not compatible with WITHDIST, WITHHASH and WITHCOORD options");
  }
  if ((flags & kSearch) && !(frommember || fromlonlat)) {
    return ctx.reply.error("ERR exactly one of FROMMEMBER or FROMLONLAT can be specified for " +
                           name);
  }
  if ((flags & kSearch) && !(byradius || bybox)) {
    return ctx.reply.error("ERR exactly one of BYRADIUS and BYBOX can be specified for " + name);
  }
  if (any && !count) return ctx.reply.error("ERR the ANY argument requires COUNT argument");

  if (!rec) {
    if (!store) return ctx.reply.array(0);
    zset_cmd::store_items(ctx, *store, {});  // deletes what the destination held
    return ctx.reply.integer(0);
  }
  // COUNT keeps the nearest: it sorts, unless ANY takes the first found.
  if (count != 0 && sort == Sort::kNone && !any) sort = Sort::kAsc;

  std::vector<Point> points =
      collect(ctx, argv[src], *rec, shape, any ? static_cast<uint64_t>(count) : 0);
  if (points.empty() && !store) return ctx.reply.array(0);

  const size_t returned = count == 0 || points.size() < static_cast<uint64_t>(count)
                              ? points.size()
                              : static_cast<size_t>(count);
  if (sort != Sort::kNone) {
    const bool desc = sort == Sort::kDesc;
    if (returned == points.size()) {
      std::stable_sort(points.begin(), points.end(), [desc](const Point& a, const Point& b) {
        return desc ? a.dist > b.dist : a.dist < b.dist;
      });
    } else {
      PartialSort(points, desc, 0, returned - 1).run();
    }
  }

  if (store) {
    std::vector<zset_cmd::Item> items;
    items.reserve(returned);
    for (size_t i = 0; i < returned; ++i) {
      const Point& p = points[i];
      items.emplace_back(p.member, store_dist ? p.dist / shape.conversion : p.score);
    }
    zset_cmd::store_items(ctx, *store, items);
    return ctx.reply.integer(static_cast<int64_t>(returned));
  }

  const size_t extra = (withdist ? 1 : 0) + (withhash ? 1 : 0) + (withcoord ? 1 : 0);
  ctx.reply.array(returned);
  for (size_t i = 0; i < returned; ++i) {
    const Point& p = points[i];
    if (extra) ctx.reply.array(extra + 1);
    ctx.reply.bulk(p.member);
    if (withdist) ctx.reply.bulk(geo::format_distance(p.dist / shape.conversion));
    if (withhash) ctx.reply.integer(score_integer(p.score));
    if (withcoord) {
      ctx.reply.array(2);
      geo_cmd::reply_coord(ctx, p.lon);
      geo_cmd::reply_coord(ctx, p.lat);
    }
  }
}

void georadius(CommandContext& ctx) {
  search(ctx, 1, kByCoords);
}
void georadiusbymember(CommandContext& ctx) {
  search(ctx, 1, kByMember);
}
void georadius_ro(CommandContext& ctx) {
  search(ctx, 1, kByCoords | kNoStore);
}
void georadiusbymember_ro(CommandContext& ctx) {
  search(ctx, 1, kByMember | kNoStore);
}
void geosearch(CommandContext& ctx) {
  search(ctx, 1, kSearch);
}
void geosearchstore(CommandContext& ctx) {
  search(ctx, 2, kSearch | kSearchStore);
}

}  // namespace

void register_geo_search_commands(CommandTable& t) {
  // GEORADIUS and GEORADIUSBYMEMBER write with STORE: Redis flags them as
  // writes (the _RO forms exist for replicas).
  t.add({"georadius", -6, kCmdWrite | kCmdDenyOom, 1, 1, 1, georadius});
  t.add({"georadiusbymember", -5, kCmdWrite | kCmdDenyOom, 1, 1, 1, georadiusbymember});
  t.add({"georadius_ro", -6, kCmdReadOnly, 1, 1, 1, georadius_ro});
  t.add({"georadiusbymember_ro", -5, kCmdReadOnly, 1, 1, 1, georadiusbymember_ro});
  t.add({"geosearch", -7, kCmdReadOnly, 1, 1, 1, geosearch});
  t.add({"geosearchstore", -8, kCmdWrite | kCmdDenyOom, 1, 2, 1, geosearchstore});
}

}  // namespace meridian
