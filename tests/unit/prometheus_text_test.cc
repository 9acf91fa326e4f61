// The Prometheus text writer: families, label escaping, histograms.
#include "core/base/prometheus_text.h"

#include <gtest/gtest.h>

#include <cmath>

#include "core/region/command_stats.h"

namespace meridian {
namespace {

TEST(PrometheusText, WritesFamiliesAndEscapesLabelValues) {
  PrometheusText m;
  m.family("x_total", PrometheusText::Type::kCounter, "Things, with a \\ and\na newline");
  m.sample({{"name", "a\"b\\c\nd"}}, 3);
  m.sample({}, 0.25);
  m.family("g", PrometheusText::Type::kGauge, "A gauge");
  m.sample({{"a", "1"}, {"b", "2"}}, std::nan(""));
  EXPECT_EQ(m.text(),
            "# HELP x_total Things, with a \\\\ and\\na newline\n"
            "# TYPE x_total counter\n"
            "x_total{name=\"a\\\"b\\\\c\\nd\"} 3\n"
            "x_total 0.25\n"
            "# HELP g A gauge\n"
            "# TYPE g gauge\n"
            "g{a=\"1\",b=\"2\"} NaN\n");
}

TEST(PrometheusText, WritesCumulativeHistogramsWithInfSumAndCount) {
  PrometheusText m;
  m.family("lat_seconds", PrometheusText::Type::kHistogram, "Latency");
  m.histogram({{"command", "get"}}, {{0.001, 2}, {0.5, 5}}, 7, 1.5);
  EXPECT_EQ(m.text(),
            "# HELP lat_seconds Latency\n"
            "# TYPE lat_seconds histogram\n"
            "lat_seconds_bucket{command=\"get\",le=\"0.001\"} 2\n"
            "lat_seconds_bucket{command=\"get\",le=\"0.5\"} 5\n"
            "lat_seconds_bucket{command=\"get\",le=\"+Inf\"} 7\n"
            "lat_seconds_sum{command=\"get\"} 1.5\n"
            "lat_seconds_count{command=\"get\"} 7\n");
}

TEST(PrometheusText, LatencyBucketsCountOnlyWhatLiesWhollyBelowABound) {
  LatencyHistogram h;
  for (uint64_t us : {3, 50, 90, 1000, 250000}) h.add(us);
  // 50 and 90 us share no bucket with 100 us; 1000 us lies in [960, 1024).
  EXPECT_EQ(h.cumulative_at({1, 10, 100, 1000, 1100, 1e6}),
            (std::vector<uint64_t>{0, 1, 3, 3, 4, 5}));
}

}  // namespace
}  // namespace meridian
