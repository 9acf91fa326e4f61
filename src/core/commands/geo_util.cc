#include "core/commands/geo_util.h"

#include <cstdio>
#include <string>

#include "core/commands/command_util.h"
#include "core/commands/geohash.h"
#include "core/data/zset_score.h"
#include "core/protocol/reply.h"

namespace meridian::geo_cmd {
namespace {

// getDoubleFromObjectOrReply: `error` is Redis' message for this argument.
bool double_arg(CommandContext& ctx, std::string_view arg, std::string_view error, double* out) {
  auto v = zset::parse_score(arg);
  if (!v) {
    ctx.reply.error(error);
    return false;
  }
  *out = *v;
  return true;
}

}  // namespace

bool lonlat_arg(CommandContext& ctx, std::string_view lon, std::string_view lat, double* out_lon,
                double* out_lat) {
  if (!double_arg(ctx, lon, cmd::kNotFloat, out_lon) ||
      !double_arg(ctx, lat, cmd::kNotFloat, out_lat)) {
    return false;
  }
  if (*out_lon < geo::kLonMin || *out_lon > geo::kLonMax || *out_lat < geo::kLatMin ||
      *out_lat > geo::kLatMax) {
    char buf[1024];
    snprintf(buf, sizeof(buf), "ERR invalid longitude,latitude pair %f,%f", *out_lon, *out_lat);
    ctx.reply.error(buf);
    return false;
  }
  return true;
}

bool unit_arg(CommandContext& ctx, std::string_view unit, double* to_meters) {
  // Redis compares C strings: a NUL byte ends the unit.
  const std::string_view u = cmd::as_c_string(unit);
  if (cmd::equals_ci(u, "m")) {
    *to_meters = 1;
  } else if (cmd::equals_ci(u, "km")) {
    *to_meters = 1000;
  } else if (cmd::equals_ci(u, "ft")) {
    *to_meters = 0.3048;
  } else if (cmd::equals_ci(u, "mi")) {
    *to_meters = 1609.34;
  } else {
    ctx.reply.error("ERR unsupported unit provided. please use M, KM, FT, MI");
    return false;
  }
  return true;
}

bool radius_arg(CommandContext& ctx, std::string_view radius, std::string_view unit,
                double* out_radius, double* to_meters) {
  if (!double_arg(ctx, radius, "ERR need numeric radius", out_radius)) return false;
  if (*out_radius < 0) {
    ctx.reply.error("ERR radius cannot be negative");
    return false;
  }
  return unit_arg(ctx, unit, to_meters);
}

bool box_arg(CommandContext& ctx, std::string_view width, std::string_view height,
             std::string_view unit, double* out_width, double* out_height, double* to_meters) {
  if (!double_arg(ctx, width, "ERR need numeric width", out_width) ||
      !double_arg(ctx, height, "ERR need numeric height", out_height)) {
    return false;
  }
  if (*out_height < 0 || *out_width < 0) {
    ctx.reply.error("ERR height or width cannot be negative");
    return false;
  }
  return unit_arg(ctx, unit, to_meters);
}

void reply_coord(CommandContext& ctx, double v) {
  // RESP2: a bulk string; RESP3: a double in the same text.
  ctx.reply.dbl(geo::format_coord(v));
}

}  // namespace meridian::geo_cmd
