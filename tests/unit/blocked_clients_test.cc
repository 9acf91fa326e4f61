// BlockedClients' rules on virtual time: waiters on a key are retried
// oldest first until one finds nothing, a served client is forgotten,
// deadlines end waits in order (one timer at a time), and a closed client
// leaves no trace.
#include "core/region/blocked_clients.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/region/client.h"
#include "runtime/sim/sim_world.h"

namespace meridian::testing {
namespace {

// A client whose command finds something while `stock` lasts.
struct FakeClient : Client {
  FakeClient(uint64_t id, int& stock, std::string& log)
      : Client(id, "t", 0), stock(stock), log(log) {}
  void suspend(const std::function<void(std::function<void(Finish)>)>&) override {}
  bool retry_blocked() override {
    if (stock == 0) return false;
    --stock;
    log += "served" + std::to_string(id()) + " ";
    return true;
  }
  void block_timed_out() override { log += "timeout" + std::to_string(id()) + " "; }
  int& stock;
  std::string& log;
};

struct Fixture {
  sim::SimClock clock{1000};
  sim::SimScheduler scheduler{clock};
  BlockedClients blocked{clock, scheduler};
  int stock = 0;
  std::string log;
};

TEST(BlockedClients, WaitersAreServedOldestFirstWhileThereIsSomething) {
  Fixture f;
  FakeClient a(1, f.stock, f.log), b(2, f.stock, f.log), c(3, f.stock, f.log);
  f.blocked.block(&a, {"q"}, 0);
  f.blocked.block(&b, {"q", "other"}, 0);
  f.blocked.block(&c, {"q"}, 0);
  f.blocked.key_changed("unrelated");
  f.blocked.serve();
  EXPECT_EQ(f.log, "");
  f.stock = 2;
  f.blocked.key_changed("q");
  f.blocked.serve();
  EXPECT_EQ(f.log, "served1 served2 ");
  EXPECT_EQ(f.blocked.blocked(), 1u);
  f.stock = 5;
  f.blocked.key_changed("other");  // c does not wait on it
  f.blocked.serve();
  EXPECT_EQ(f.blocked.blocked(), 1u);
  f.blocked.key_changed("q");
  f.blocked.serve();
  EXPECT_EQ(f.log, "served1 served2 served3 ");
  EXPECT_EQ(f.blocked.blocked(), 0u);
}

TEST(BlockedClients, DeadlinesEndWaitsInOrderAndServedClientsDoNotTimeOut) {
  Fixture f;
  FakeClient a(1, f.stock, f.log), b(2, f.stock, f.log), c(3, f.stock, f.log);
  f.blocked.block(&a, {"k"}, 300);
  f.blocked.block(&b, {"k"}, 100);
  f.blocked.block(&c, {"k"}, 200);
  f.scheduler.advance(99);
  EXPECT_EQ(f.log, "");
  f.scheduler.advance(1);
  EXPECT_EQ(f.log, "timeout2 ");
  f.stock = 1;
  f.blocked.key_changed("k");
  f.blocked.serve();  // a is the oldest still waiting
  EXPECT_EQ(f.log, "timeout2 served1 ");
  f.scheduler.advance(500);
  EXPECT_EQ(f.log, "timeout2 served1 timeout3 ");
  EXPECT_EQ(f.blocked.blocked(), 0u);
}

TEST(BlockedClients, AClosedClientIsForgottenWithItsDeadline) {
  Fixture f;
  {
    FakeClient gone(1, f.stock, f.log);
    f.blocked.block(&gone, {"k"}, 100);
    f.blocked.unblock(&gone);
  }
  f.stock = 1;
  f.blocked.key_changed("k");
  f.blocked.serve();
  f.scheduler.advance(200);
  EXPECT_EQ(f.log, "");
  EXPECT_EQ(f.blocked.blocked(), 0u);
}

}  // namespace
}  // namespace meridian::testing
