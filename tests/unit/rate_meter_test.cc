// RateMeter: events per second from a growing counter, over windows.
#include "core/base/rate_meter.h"

#include <gtest/gtest.h>

namespace meridian {
namespace {

TEST(RateMeter, RateOverAWindowOfAtLeastItsLength) {
  RateMeter m(1000);
  EXPECT_EQ(m.per_second(), 0);
  m.sample(0, 100);
  m.sample(250, 150);  // inside the window: no new figure yet
  EXPECT_EQ(m.per_second(), 0);
  m.sample(1000, 600);  // 500 events in 1 s
  EXPECT_DOUBLE_EQ(m.per_second(), 500);
  m.sample(1500, 700);
  EXPECT_DOUBLE_EQ(m.per_second(), 500);  // kept until the next window closes
  m.sample(3000, 1000);                   // 400 events in 2 s
  EXPECT_DOUBLE_EQ(m.per_second(), 200);
}

TEST(RateMeter, ACounterThatRestartsStartsOver) {
  RateMeter m(1000);
  m.sample(0, 0);
  m.sample(1000, 1000);
  EXPECT_DOUBLE_EQ(m.per_second(), 1000);
  m.sample(1200, 5);  // the region restarted: its counters began again
  EXPECT_EQ(m.per_second(), 0);
  m.sample(2200, 305);
  EXPECT_DOUBLE_EQ(m.per_second(), 300);
}

}  // namespace
}  // namespace meridian
