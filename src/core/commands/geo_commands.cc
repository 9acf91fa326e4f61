// GEOADD, GEODIST, GEOHASH, GEOPOS. A geo key is a sorted set whose scores
// are 52-bit geohashes (core/commands/geohash.h), as in Redis: GEOADD is a
// ZADD of those scores, so across regions a member's position is a register
// (concurrent GEOADDs of one member keep the later) and ZREM removes it
// (docs/conflicts/crdt.md). The searches are in geo_search.cc.
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/geo_util.h"
#include "core/commands/geohash.h"
#include "core/commands/zset_access.h"
#include "core/data/zset_score.h"
#include "core/region/region.h"

namespace meridian {
namespace {

// GEOADD key [NX|XX] [CH] lon lat member [lon lat member ...]: every
// position is checked first, then the command runs as the ZADD of their
// scores (Redis rewrites the command into a ZADD too).
void geoadd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  bool nx = false, xx = false;
  size_t first = 2;
  for (; first < argv.size(); ++first) {
    if (cmd::equals_ci(argv[first], "NX")) {
      nx = true;
    } else if (cmd::equals_ci(argv[first], "XX")) {
      xx = true;
    } else if (!cmd::equals_ci(argv[first], "CH")) {
      break;
    }
  }
  if ((argv.size() - first) % 3 != 0 || (nx && xx)) return ctx.reply.error(cmd::kSyntax);
  const size_t n = (argv.size() - first) / 3;
  std::vector<std::string> scores;
  scores.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    double lon = 0, lat = 0;
    if (!geo_cmd::lonlat_arg(ctx, argv[first + 3 * i], argv[first + 3 * i + 1], &lon, &lat)) {
      return;
    }
    scores.push_back(std::to_string(geo::score_of(lon, lat)));
  }
  std::vector<std::string_view> zargs(argv.begin(), argv.begin() + static_cast<long>(first));
  zargs[0] = "zadd";
  for (size_t i = 0; i < n; ++i) {
    zargs.push_back(scores[i]);
    zargs.push_back(argv[first + 3 * i + 2]);
  }
  CommandContext zctx{ctx.region, ctx.session, ctx.keyspace, zargs, ctx.reply, ctx.now_ms};
  command_table().find("zadd")->handler(zctx);
}

// GEOHASH key member...: 11-character geohashes, null for a missing member.
void geohash(CommandContext& ctx) {
  zset_cmd::reply_per_member(ctx, [&](std::optional<double> s) {
    if (s) return ctx.reply.bulk(geo::geohash_string(*s));
    ctx.reply.null();
  });
}

// GEOPOS key member...: [lon, lat] pairs, a null array for a missing member.
void geopos(CommandContext& ctx) {
  zset_cmd::reply_per_member(ctx, [&](std::optional<double> s) {
    if (!s) return ctx.reply.null_array();
    double lon = 0, lat = 0;
    geo::decode_score(*s, &lon, &lat);
    ctx.reply.array(2);
    geo_cmd::reply_coord(ctx, lon);
    geo_cmd::reply_coord(ctx, lat);
  });
}

// GEODIST key member1 member2 [unit]: the unit is checked before the key.
void geodist(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  double to_meters = 1;
  if (argv.size() == 5) {
    if (!geo_cmd::unit_arg(ctx, argv[4], &to_meters)) return;
  } else if (argv.size() > 5) {
    return ctx.reply.error(cmd::kSyntax);
  }
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, argv[1], ValueType::kZSet, found)) return;
  if (!found) return ctx.reply.null();
  const KeyRecord rec = *found;
  auto s1 = zset_cmd::score_of(ctx, argv[1], rec, argv[2]);
  auto s2 = s1 ? zset_cmd::score_of(ctx, argv[1], rec, argv[3]) : std::nullopt;
  if (!s1 || !s2) return ctx.reply.null();
  double lon1 = 0, lat1 = 0, lon2 = 0, lat2 = 0;
  geo::decode_score(*s1, &lon1, &lat1);
  geo::decode_score(*s2, &lon2, &lat2);
  ctx.reply.bulk(geo::format_distance(geo::distance(lon1, lat1, lon2, lat2) / to_meters));
}

}  // namespace

void register_geo_commands(CommandTable& t) {
  t.add({"geoadd", -5, kCmdWrite | kCmdDenyOom, 1, 1, 1, geoadd});
  t.add({"geohash", -2, kCmdReadOnly, 1, 1, 1, geohash});
  t.add({"geopos", -2, kCmdReadOnly, 1, 1, 1, geopos});
  t.add({"geodist", -4, kCmdReadOnly, 1, 1, 1, geodist});
}

}  // namespace meridian
