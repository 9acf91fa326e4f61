#pragma once
// What the GEO commands share: Redis' argument parsing of positions, units
// and distances (with its error texts) and its coordinate replies.
#include <string_view>

#include "core/commands/command_table.h"

namespace meridian::geo_cmd {

// A longitude and a latitude (floats, then inside the geohash limits, else
// "ERR invalid longitude,latitude pair %f,%f"). Replies and returns false on
// an error.
bool lonlat_arg(CommandContext& ctx, std::string_view lon, std::string_view lat, double* out_lon,
                double* out_lat);
// m, km, ft or mi in any case: meters per unit.
bool unit_arg(CommandContext& ctx, std::string_view unit, double* to_meters);
// A radius and its unit (BYRADIUS, GEORADIUS).
bool radius_arg(CommandContext& ctx, std::string_view radius, std::string_view unit,
                double* out_radius, double* to_meters);
// A width, a height and their unit (BYBOX).
bool box_arg(CommandContext& ctx, std::string_view width, std::string_view height,
             std::string_view unit, double* out_width, double* out_height, double* to_meters);
// A coordinate as Redis' addReplyHumanLongDouble writes it.
void reply_coord(CommandContext& ctx, double v);

}  // namespace meridian::geo_cmd
