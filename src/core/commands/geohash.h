#pragma once
// The geohash math of Redis' GEO commands (its geohash.c, geohash_helper.c
// and the helpers of geo.c), redone so that every score, coordinate and
// distance comes out bit for bit as redis-server computes it: a position is
// the sorted-set score of a 52-bit geohash (26 bits of latitude in the even
// bits, 26 of longitude in the odd ones, over latitudes +-85.05112878), and a
// search covers its shape with the geohash box of the centre and its eight
// neighbours, each a range of scores. Pure functions: no I/O, no keyspace.
#include <cstdint>
#include <string>

namespace meridian::geo {

// The limits of EPSG:900913: no position at the poles.
inline constexpr double kLonMin = -180;
inline constexpr double kLonMax = 180;
inline constexpr double kLatMin = -85.05112878;
inline constexpr double kLatMax = 85.05112878;
inline constexpr uint8_t kStepMax = 26;  // 52 bits: exact in a double score
inline constexpr double kEarthRadiusMeters = 6372797.560856;

struct Bits {
  uint64_t bits = 0;
  uint8_t step = 0;
  bool zero() const { return bits == 0 && step == 0; }
};
struct Span {
  double min = 0, max = 0;
};
struct Area {
  Span lon, lat;
};
struct Neighbors {
  Bits north, east, west, south, north_east, south_east, north_west, south_west;
};

// geohashEncode over the given ranges; false outside them or the limits.
bool encode(const Span& lon_range, const Span& lat_range, double lon, double lat, uint8_t step,
            Bits* out);
// Over the limits above (what GEOADD stores).
bool encode_wgs84(double lon, double lat, uint8_t step, Bits* out);
// The box of `hash` over the limits above.
Area decode_area(const Bits& hash);
// A stored score's position: the centre of its step-26 box, clamped to the
// limits (Redis' decodeGeohash; any score decodes, geo or not).
void decode_score(double score, double* lon, double* lat);
// `hash` left-aligned to 52 bits (a score).
uint64_t align52(const Bits& hash);
Neighbors neighbors(const Bits& hash);
// GEOADD's score for a position inside the limits.
uint64_t score_of(double lon, double lat);

// Haversine distance in meters (Redis 7.0's geohashGetDistance).
double distance(double lon1, double lat1, double lon2, double lat2);

// A search area: a circle of `radius` or a `width` x `height` box (in the
// request's unit, `conversion` meters each) around (lon, lat).
struct Shape {
  bool box = false;
  double lon = 0, lat = 0;
  double conversion = 1;
  double radius = 0, width = 0, height = 0;
};
// Whether the point (lon, lat) is in the shape; sets its distance from the
// centre in meters when it is.
bool in_shape(const Shape& s, double lon, double lat, double* dist_meters);

// The centre box and its neighbours covering the shape, unneeded neighbours
// zeroed (geohashCalculateAreasByShapeWGS84).
struct Cover {
  Bits hash;
  Neighbors around;
  Area area;
};
Cover cover(const Shape& s);
// The nine boxes in the order Redis searches them: centre, N, S, E, W, NE,
// NW, SE, SW.
void cover_boxes(const Cover& c, Bits out[9]);
// The scores of a box: [*min, *max).
void box_scores(const Bits& hash, uint64_t* min, uint64_t* max);

// GEOHASH's 11-character standard geohash of a stored score.
std::string geohash_string(double score);
// Distances as GEODIST and WITHDIST print them ("%.4f").
std::string format_distance(double d);
// Coordinates as GEOPOS and WITHCOORD print them (Redis'
// addReplyHumanLongDouble: 17 decimals, trailing zeros and dot removed).
std::string format_coord(double v);

}  // namespace meridian::geo
