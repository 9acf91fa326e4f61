// The geohash math of the GEO commands (core/commands/geohash.h) against
// values redis-server 7.0 gave for the same positions: GEOADD's scores,
// GEOPOS's coordinates, GEOHASH's strings and GEODIST's distances, bit for
// bit; the search cover and the number formats.
#include "core/commands/geohash.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace meridian {
namespace {

struct Known {
  double lon, lat;
  uint64_t score;      // ZSCORE after GEOADD
  const char* pos[2];  // GEOPOS
  const char* hash;    // GEOHASH
};

// redis-server 7.0.15: GEOADD k <lon> <lat> m; ZSCORE; GEOPOS; GEOHASH.
const Known kKnown[] = {
    {13.361389,
     38.115556,
     3479099956230698ULL,
     {"13.36138933897018433", "38.11555639549629859"},
     "sqc8b49rny0"},
    {15.087269,
     37.502669,
     3479447370796909ULL,
     {"15.08726745843887329", "37.50266842333162032"},
     "sqdtr74hyu0"},
    {-122.4194,
     37.7749,
     1367859919124626ULL,
     {"-122.41940170526504517", "37.77490001056577995"},
     "9q8yyk8ytp0"},
    {0, 0, 3377699720527872ULL, {"0.00000268220901489", "0.00000126736058093"}, "s0000000000"},
    // the limits: latitude 85.05112878 decodes above the limit and is clamped
    {180, 85.05112878, 13510798882111488ULL, {"180", "85.0511287799999991"}, "bp05b5048p0"},
    {-180, -85.05112878, 0, {"-179.99999731779098511", "-85.05112751263942528"}, "00bh0hbj200"},
};

TEST(Geohash, EncodesAsRedis) {
  for (const auto& k : kKnown) {
    EXPECT_EQ(geo::score_of(k.lon, k.lat), k.score) << k.lon << "," << k.lat;
  }
}

TEST(Geohash, DecodesAsRedis) {
  for (const auto& k : kKnown) {
    double lon = 0, lat = 0;
    geo::decode_score(static_cast<double>(k.score), &lon, &lat);
    EXPECT_EQ(geo::format_coord(lon), k.pos[0]) << k.score;
    EXPECT_EQ(geo::format_coord(lat), k.pos[1]) << k.score;
    EXPECT_EQ(geo::geohash_string(static_cast<double>(k.score)), k.hash) << k.score;
  }
}

TEST(Geohash, DecodesAnyScore) {
  // ZADD k 4503599627370495 max52 1.5 frac; GEOPOS; GEOHASH.
  double lon = 0, lat = 0;
  geo::decode_score(4503599627370495.0, &lon, &lat);
  EXPECT_EQ(geo::format_coord(lon), "179.99999731779098511");
  EXPECT_EQ(geo::format_coord(lat), "85.05112751263942528");
  EXPECT_EQ(geo::geohash_string(4503599627370495.0), "zzpgzgpfxz0");
  geo::decode_score(1.5, &lon, &lat);
  EXPECT_EQ(geo::format_coord(lon), "-179.99999731779098511");
  EXPECT_EQ(geo::format_coord(lat), "-85.05112497791824921");
}

TEST(Geohash, DistanceAsRedis) {
  auto dist = [](uint64_t a, uint64_t b, double unit) {
    double lon1, lat1, lon2, lat2;
    geo::decode_score(static_cast<double>(a), &lon1, &lat1);
    geo::decode_score(static_cast<double>(b), &lon2, &lat2);
    return geo::format_distance(geo::distance(lon1, lat1, lon2, lat2) / unit);
  };
  // GEODIST k Palermo Catania; SF Palermo km; ne sw; o SF mi.
  EXPECT_EQ(dist(3479099956230698ULL, 3479447370796909ULL, 1), "166274.1516");
  EXPECT_EQ(dist(1367859919124626ULL, 3479099956230698ULL, 1000), "10441.3928");
  EXPECT_EQ(dist(13510798882111488ULL, 0, 1), "18919844.5891");
  EXPECT_EQ(dist(3377699720527872ULL, 1367859919124626ULL, 1609.34), "7952.9666");
  EXPECT_EQ(geo::format_distance(0), "0.0000");
}

TEST(Geohash, RejectsPositionsOutsideTheLimits) {
  geo::Bits h;
  EXPECT_FALSE(geo::encode_wgs84(180.0001, 0, geo::kStepMax, &h));
  EXPECT_FALSE(geo::encode_wgs84(0, 85.06, geo::kStepMax, &h));
  EXPECT_FALSE(geo::encode_wgs84(0, -90, geo::kStepMax, &h));
  EXPECT_TRUE(geo::encode_wgs84(-180, -85.05112878, geo::kStepMax, &h));
}

TEST(Geohash, NeighboursAreAdjacentBoxes) {
  geo::Bits h;
  ASSERT_TRUE(geo::encode_wgs84(13.36, 38.11, 10, &h));
  const geo::Area c = geo::decode_area(h);
  const geo::Neighbors n = geo::neighbors(h);
  const geo::Area north = geo::decode_area(n.north), east = geo::decode_area(n.east);
  const geo::Area sw = geo::decode_area(n.south_west);
  EXPECT_DOUBLE_EQ(north.lat.min, c.lat.max);
  EXPECT_DOUBLE_EQ(north.lon.min, c.lon.min);
  EXPECT_DOUBLE_EQ(east.lon.min, c.lon.max);
  EXPECT_DOUBLE_EQ(east.lat.min, c.lat.min);
  EXPECT_DOUBLE_EQ(sw.lon.max, c.lon.min);
  EXPECT_DOUBLE_EQ(sw.lat.max, c.lat.min);
}

TEST(Geohash, CoverHoldsTheShape) {
  // Every point within the radius lies in one of the boxes searched.
  geo::Shape s;
  s.lon = 15;
  s.lat = 37;
  s.radius = 200;
  s.conversion = 1000;
  geo::Bits boxes[9];
  geo::cover_boxes(geo::cover(s), boxes);
  const uint64_t palermo = 3479099956230698ULL;
  bool found = false;
  for (const auto& b : boxes) {
    if (b.zero()) continue;
    uint64_t lo = 0, hi = 0;
    geo::box_scores(b, &lo, &hi);
    found = found || (palermo >= lo && palermo < hi);
  }
  EXPECT_TRUE(found);
  double d = 0;
  double lon = 0, lat = 0;
  geo::decode_score(static_cast<double>(palermo), &lon, &lat);
  EXPECT_TRUE(geo::in_shape(s, lon, lat, &d));
  EXPECT_EQ(geo::format_distance(d / 1000), "190.4424");  // GEORADIUS k 15 37 200 km WITHDIST
}

TEST(Geohash, CoordinatesPrintLikeRedis) {
  EXPECT_EQ(geo::format_coord(1.5), "1.5");
  EXPECT_EQ(geo::format_coord(-0.0), "0");
  EXPECT_EQ(geo::format_coord(-1e-20), "0");
  EXPECT_EQ(geo::format_coord(180), "180");
  EXPECT_EQ(geo::format_coord(0.1), "0.10000000000000001");
}

}  // namespace
}  // namespace meridian
