#include "core/commands/geohash.h"

#include <cmath>
#include <cstdio>

namespace meridian::geo {
namespace {

// Redis' D_R and conversions (a multiplication one way, a division the
// other: the same roundings as geohash_helper.c).
constexpr double kDegToRad = M_PI / 180.0;
constexpr double kMercatorMax = 20037726.37;
inline double deg_rad(double a) {
  return a * kDegToRad;
}
inline double rad_deg(double a) {
  return a / kDegToRad;
}

constexpr Span kLonRange{kLonMin, kLonMax};
constexpr Span kLatRange{kLatMin, kLatMax};

// x's bits in the even positions, y's in the odd ones.
uint64_t interleave(uint32_t xlo, uint32_t ylo) {
  auto spread = [](uint64_t v) {
    v = (v | (v << 16)) & 0x0000FFFF0000FFFFULL;
    v = (v | (v << 8)) & 0x00FF00FF00FF00FFULL;
    v = (v | (v << 4)) & 0x0F0F0F0F0F0F0F0FULL;
    v = (v | (v << 2)) & 0x3333333333333333ULL;
    v = (v | (v << 1)) & 0x5555555555555555ULL;
    return v;
  };
  return spread(xlo) | (spread(ylo) << 1);
}

// The even bits in the low half, the odd ones in the high half.
uint64_t deinterleave(uint64_t v) {
  auto gather = [](uint64_t x) {
    x &= 0x5555555555555555ULL;
    x = (x | (x >> 1)) & 0x3333333333333333ULL;
    x = (x | (x >> 2)) & 0x0F0F0F0F0F0F0F0FULL;
    x = (x | (x >> 4)) & 0x00FF00FF00FF00FFULL;
    x = (x | (x >> 8)) & 0x0000FFFF0000FFFFULL;
    x = (x | (x >> 16)) & 0x00000000FFFFFFFFULL;
    return x;
  };
  return gather(v) | (gather(v >> 1) << 32);
}

// Redis casts a score to uint64_t; what x86-64 code does for any double
// (a sorted set may hold scores no GEOADD wrote: negative, huge, inf).
uint64_t score_bits(double s) {
  constexpr double kTwo63 = 9223372036854775808.0;
  constexpr uint64_t kIndefinite = 0x8000000000000000ULL;
  if (s >= kTwo63) {
    const double t = s - kTwo63;
    return (t < kTwo63 ? static_cast<uint64_t>(static_cast<int64_t>(t)) : kIndefinite) ^
           kIndefinite;
  }
  if (s >= -kTwo63) return static_cast<uint64_t>(static_cast<int64_t>(s));
  return kIndefinite;  // below -2^63, or NaN
}

Area decode_with(const Span& lon_range, const Span& lat_range, const Bits& hash) {
  const uint64_t sep = deinterleave(hash.bits);
  const double lat_scale = lat_range.max - lat_range.min;
  const double lon_scale = lon_range.max - lon_range.min;
  const uint32_t ilat = static_cast<uint32_t>(sep);
  const uint32_t ilon = static_cast<uint32_t>(sep >> 32);
  const double cells = static_cast<double>(1ULL << hash.step);
  Area a;
  a.lat.min = lat_range.min + (ilat * 1.0 / cells) * lat_scale;
  a.lat.max = lat_range.min + ((ilat + 1) * 1.0 / cells) * lat_scale;
  a.lon.min = lon_range.min + (ilon * 1.0 / cells) * lon_scale;
  a.lon.max = lon_range.min + ((ilon + 1) * 1.0 / cells) * lon_scale;
  return a;
}

// One cell up (d > 0) or down along the axis whose bits `axis` selects (the
// odd bits: longitude, east; the even ones: latitude, north), those bits
// taken as one number and the others kept.
void move(Bits& h, int d, uint64_t axis) {
  const uint64_t shift = 64 - h.step * 2;
  uint64_t v = h.bits & axis;
  const uint64_t zz = ~axis >> shift;
  if (d > 0) {
    v = v + (zz + 1);
  } else {
    v = v | zz;
    v = v - (zz + 1);
  }
  v &= axis >> shift;
  h.bits = v | (h.bits & ~axis);
}
constexpr uint64_t kLonBits = 0xaaaaaaaaaaaaaaaaULL;
constexpr uint64_t kLatBits = 0x5555555555555555ULL;
void move_x(Bits& h, int d) {
  move(h, d, kLonBits);
}
void move_y(Bits& h, int d) {
  move(h, d, kLatBits);
}

// geohashEstimateStepsByRadius: boxes about as large as the radius, larger
// towards the poles where meridians converge.
int estimate_step(double range_meters, double lat) {
  if (range_meters == 0) return kStepMax;
  int step = 1;
  while (range_meters < kMercatorMax) {
    range_meters *= 2;
    step++;
  }
  step -= 2;
  if (lat > 66 || lat < -66) {
    step--;
    if (lat > 80 || lat < -80) step--;
  }
  if (step < 1) step = 1;
  if (step > kStepMax) step = kStepMax;
  return step;
}

// geohashBoundingBox: [min lon, min lat, max lon, max lat] of the shape.
void bounding_box(const Shape& s, double b[4]) {
  const double height = s.conversion * (s.box ? s.height / 2 : s.radius);
  const double width = s.conversion * (s.box ? s.width / 2 : s.radius);
  const double lat_delta = rad_deg(height / kEarthRadiusMeters);
  const double lon_delta_top =
      rad_deg(width / kEarthRadiusMeters / cos(deg_rad(s.lat + lat_delta)));
  const double lon_delta_bottom =
      rad_deg(width / kEarthRadiusMeters / cos(deg_rad(s.lat - lat_delta)));
  // The wider edge is the one nearer the equator.
  const bool south = s.lat < 0;
  b[0] = south ? s.lon - lon_delta_bottom : s.lon - lon_delta_top;
  b[2] = south ? s.lon + lon_delta_bottom : s.lon + lon_delta_top;
  b[1] = s.lat - lat_delta;
  b[3] = s.lat + lat_delta;
}

}  // namespace

bool encode(const Span& lon_range, const Span& lat_range, double lon, double lat, uint8_t step,
            Bits* out) {
  if (step > 32 || step == 0) return false;
  if (lon > kLonMax || lon < kLonMin || lat > kLatMax || lat < kLatMin) return false;
  if (lat < lat_range.min || lat > lat_range.max || lon < lon_range.min || lon > lon_range.max) {
    return false;
  }
  double lat_offset = (lat - lat_range.min) / (lat_range.max - lat_range.min);
  double lon_offset = (lon - lon_range.min) / (lon_range.max - lon_range.min);
  lat_offset *= static_cast<double>(1ULL << step);
  lon_offset *= static_cast<double>(1ULL << step);
  // At the upper limit the offset is 2^step, one bit past the hash: Redis
  // keeps it (GEOADD at longitude 180 stores a score above 2^52).
  out->bits = interleave(static_cast<uint32_t>(lat_offset), static_cast<uint32_t>(lon_offset));
  out->step = step;
  return true;
}

bool encode_wgs84(double lon, double lat, uint8_t step, Bits* out) {
  return encode(kLonRange, kLatRange, lon, lat, step, out);
}

Area decode_area(const Bits& hash) {
  return decode_with(kLonRange, kLatRange, hash);
}

void decode_score(double score, double* lon, double* lat) {
  const Area a = decode_area(Bits{score_bits(score), kStepMax});
  double x = (a.lon.min + a.lon.max) / 2;
  double y = (a.lat.min + a.lat.max) / 2;
  if (x > kLonMax) x = kLonMax;
  if (x < kLonMin) x = kLonMin;
  if (y > kLatMax) y = kLatMax;
  if (y < kLatMin) y = kLatMin;
  *lon = x;
  *lat = y;
}

uint64_t align52(const Bits& hash) {
  return hash.bits << (52 - hash.step * 2);
}

Neighbors neighbors(const Bits& hash) {
  Neighbors n;
  n.east = n.west = n.north = n.south = hash;
  n.south_east = n.south_west = n.north_east = n.north_west = hash;
  move_x(n.east, 1);
  move_x(n.west, -1);
  move_y(n.south, -1);
  move_y(n.north, 1);
  move_x(n.north_west, -1);
  move_y(n.north_west, 1);
  move_x(n.north_east, 1);
  move_y(n.north_east, 1);
  move_x(n.south_east, 1);
  move_y(n.south_east, -1);
  move_x(n.south_west, -1);
  move_y(n.south_west, -1);
  return n;
}

uint64_t score_of(double lon, double lat) {
  Bits h;
  encode_wgs84(lon, lat, kStepMax, &h);
  return align52(h);
}

double distance(double lon1, double lat1, double lon2, double lat2) {
  const double lat1r = deg_rad(lat1);
  const double lon1r = deg_rad(lon1);
  const double lat2r = deg_rad(lat2);
  const double lon2r = deg_rad(lon2);
  const double u = sin((lat2r - lat1r) / 2);
  const double v = sin((lon2r - lon1r) / 2);
  return 2.0 * kEarthRadiusMeters * asin(sqrt(u * u + cos(lat1r) * cos(lat2r) * v * v));
}

bool in_shape(const Shape& s, double lon, double lat, double* dist_meters) {
  if (!s.box) {
    *dist_meters = distance(s.lon, s.lat, lon, lat);
    return *dist_meters <= s.radius * s.conversion;
  }
  // Redis 7.0 measures the offsets along the point's parallel and meridian.
  const double width_m = s.width * s.conversion, height_m = s.height * s.conversion;
  const double lon_distance = distance(lon, lat, s.lon, lat);
  const double lat_distance = distance(lon, lat, lon, s.lat);
  if (lon_distance > width_m / 2 || lat_distance > height_m / 2) return false;
  *dist_meters = distance(s.lon, s.lat, lon, lat);
  return true;
}

Cover cover(const Shape& s) {
  double b[4];
  bounding_box(s, b);
  const double min_lon = b[0], min_lat = b[1], max_lon = b[2], max_lat = b[3];
  const double radius_meters =
      (s.box ? sqrt((s.width / 2) * (s.width / 2) + (s.height / 2) * (s.height / 2)) : s.radius) *
      s.conversion;
  int step = estimate_step(radius_meters, s.lat);
  Cover c;
  auto at_step = [&](int st) {
    encode_wgs84(s.lon, s.lat, static_cast<uint8_t>(st), &c.hash);
    c.around = neighbors(c.hash);
    c.area = decode_area(c.hash);
  };
  at_step(step);
  // Near an edge of its box the shape may reach past a neighbour: use
  // boxes twice as large then.
  const Area north = decode_area(c.around.north), south = decode_area(c.around.south);
  const Area east = decode_area(c.around.east), west = decode_area(c.around.west);
  const bool decrease = north.lat.max < max_lat || south.lat.min > min_lat ||
                        east.lon.max < max_lon || west.lon.min > min_lon;
  if (step > 1 && decrease) at_step(--step);
  // Neighbours the shape cannot reach are skipped.
  if (step >= 2) {
    Neighbors& n = c.around;
    if (c.area.lat.min < min_lat) n.south = n.south_west = n.south_east = Bits{};
    if (c.area.lat.max > max_lat) n.north = n.north_east = n.north_west = Bits{};
    if (c.area.lon.min < min_lon) n.west = n.south_west = n.north_west = Bits{};
    if (c.area.lon.max > max_lon) n.east = n.south_east = n.north_east = Bits{};
  }
  return c;
}

void cover_boxes(const Cover& c, Bits out[9]) {
  const Neighbors& n = c.around;
  const Bits all[9] = {c.hash,       n.north,      n.south,      n.east,      n.west,
                       n.north_east, n.north_west, n.south_east, n.south_west};
  for (int i = 0; i < 9; ++i) out[i] = all[i];
}

void box_scores(const Bits& hash, uint64_t* min, uint64_t* max) {
  *min = align52(hash);
  Bits next = hash;
  next.bits++;
  *max = align52(next);
}

std::string geohash_string(double score) {
  static constexpr char kAlphabet[] = "0123456789bcdefghjkmnpqrstuvwxyz";
  double lon = 0, lat = 0;
  decode_score(score, &lon, &lat);
  // Stored hashes use latitudes +-85.05; the standard geohash uses +-90.
  Bits h;
  encode(Span{-180, 180}, Span{-90, 90}, lon, lat, kStepMax, &h);
  std::string out(11, '0');
  // 52 bits make ten characters; the eleventh is taken as zero bits.
  for (int i = 0; i < 10; ++i) out[i] = kAlphabet[(h.bits >> (52 - ((i + 1) * 5))) & 0x1f];
  return out;
}

std::string format_distance(double d) {
  char buf[128];
  const int n = snprintf(buf, sizeof(buf), "%.4f", d);
  return std::string(buf, static_cast<size_t>(n));
}

std::string format_coord(double v) {
  char buf[5 * 1024];
  int n = snprintf(buf, sizeof(buf), "%.17Lf", static_cast<long double>(v));
  if (n < 0 || n >= static_cast<int>(sizeof(buf))) return "0";
  std::string s(buf, static_cast<size_t>(n));
  if (s.find('.') != std::string::npos) {
    while (s.back() == '0') s.pop_back();
    if (s.back() == '.') s.pop_back();
  }
  if (s == "-0") s = "0";
  return s;
}

}  // namespace meridian::geo
