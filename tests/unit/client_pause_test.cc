// CLIENT PAUSE's rules on virtual time: which commands wait, how two pauses
// combine, the order held clients run in, and that a closed client's entry
// goes with it.
#include "core/region/client_pause.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "runtime/sim/sim_world.h"

namespace meridian::testing {
namespace {

struct PauseFixture {
  sim::SimClock clock{1000};
  sim::SimScheduler scheduler{clock};
  std::vector<bool> changes;
  ClientPause pause{clock, scheduler, [this](bool on) { changes.push_back(on); }};
};

TEST(ClientPause, WriteModeHoldsOnlyWhatMayWrite) {
  PauseFixture f;
  EXPECT_FALSE(f.pause.holds(true));
  f.pause.pause(1100, /*all=*/false);
  EXPECT_TRUE(f.pause.holds(true));
  EXPECT_FALSE(f.pause.holds(false));
  f.scheduler.advance(99);
  EXPECT_TRUE(f.pause.holds(true));
  f.scheduler.advance(1);
  EXPECT_FALSE(f.pause.holds(true));
  EXPECT_EQ(f.changes, (std::vector<bool>{true, false}));
}

TEST(ClientPause, TwoPausesKeepTheLaterDeadlineAndTheStricterMode) {
  PauseFixture f;
  f.pause.pause(2000, /*all=*/false);
  f.pause.pause(1010, /*all=*/true);  // shorter, stricter: ALL until 2000
  f.scheduler.advance(500);
  EXPECT_TRUE(f.pause.holds(false));
  f.pause.pause(1600, /*all=*/false);  // WRITE never loosens ALL
  EXPECT_TRUE(f.pause.holds(false));
  f.scheduler.advance(499);
  EXPECT_TRUE(f.pause.active());
  f.scheduler.advance(1);
  EXPECT_FALSE(f.pause.active());
  EXPECT_EQ(f.changes, (std::vector<bool>{true, false}));
}

TEST(ClientPause, HeldClientsRunInArrivalOrderWhenThePauseEnds) {
  PauseFixture f;
  std::string ran;
  int a = 0, b = 0, c = 0;
  f.pause.pause(5000, /*all=*/true);
  f.pause.hold(&a, [&] { ran += "a"; });
  f.pause.hold(&b, [&] { ran += "b"; });
  f.pause.hold(&c, [&] { ran += "c"; });
  f.pause.drop(&b);  // closed while held
  EXPECT_EQ(f.pause.held(), 2u);
  f.scheduler.advance(10);
  EXPECT_EQ(ran, "");
  f.pause.unpause();
  EXPECT_EQ(ran, "ac");
  EXPECT_EQ(f.pause.held(), 0u);
  // The deadline's timer, still queued, finds nothing to end.
  f.scheduler.advance(5000);
  EXPECT_EQ(f.changes, (std::vector<bool>{true, false}));
}

TEST(ClientPause, AClientReleasedIntoANewPauseWaitsAgain) {
  PauseFixture f;
  int a = 0;
  int runs = 0;
  f.pause.pause(1100, /*all=*/true);
  std::function<void()> release = [&] {
    ++runs;
    // The released command finds a pause again (another client paused in
    // between): it queues anew.
    if (f.pause.holds(true)) f.pause.hold(&a, release);
  };
  f.pause.hold(&a, release);
  f.pause.unpause();
  EXPECT_EQ(runs, 1);
  f.pause.pause(1200, /*all=*/false);
  f.pause.hold(&a, release);
  f.scheduler.advance(200);
  EXPECT_EQ(runs, 2);
  EXPECT_EQ(f.pause.held(), 0u);
}

}  // namespace
}  // namespace meridian::testing
