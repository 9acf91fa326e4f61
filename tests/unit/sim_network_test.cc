// The simulated WAN: delays, order, loss, duplication, partitions, and the
// same deliveries for the same seed.
#include "runtime/sim/sim_network.h"

#include <gtest/gtest.h>

namespace meridian::sim {
namespace {

struct Inbox {
  std::vector<std::tuple<int64_t, RegionId, std::string>> got;  // (time, from, message)
};

struct World {
  explicit World(uint64_t seed) : clock(0), scheduler(clock), net(scheduler, seed) {
    for (RegionId r : {1u, 2u, 3u}) {
      net.attach(r, [this, r](RegionId from, std::string m) {
        inbox[r].got.emplace_back(clock.now_ms(), from, std::move(m));
      });
      ends[r] = net.endpoint(r);
    }
    net.set_delay(1, 2, 35);  // US east - US west: 70 ms round trip
    net.set_delay(1, 3, 50);  // US - Europe: 100 ms
    net.set_delay(2, 3, 100);
  }
  SimClock clock;
  SimScheduler scheduler;
  SimNetwork net;
  std::map<RegionId, std::unique_ptr<Network>> ends;
  std::map<RegionId, Inbox> inbox;
};

TEST(SimNetwork, DeliversAfterTheOneWayDelayInOrder) {
  World w(1);
  for (int i = 0; i < 5; ++i) w.ends[1]->send(2, "m" + std::to_string(i));
  w.ends[1]->send(3, "eu");
  w.scheduler.advance(34);
  EXPECT_TRUE(w.inbox[2].got.empty());
  w.scheduler.advance(1);
  ASSERT_EQ(w.inbox[2].got.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(std::get<0>(w.inbox[2].got[i]), 35);
    EXPECT_EQ(std::get<1>(w.inbox[2].got[i]), 1u);
    EXPECT_EQ(std::get<2>(w.inbox[2].got[i]), "m" + std::to_string(i));
  }
  w.scheduler.advance(15);
  ASSERT_EQ(w.inbox[3].got.size(), 1u);
  EXPECT_EQ(std::get<0>(w.inbox[3].got[0]), 50);
}

TEST(SimNetwork, JitterNeverReordersAnOrderedLink) {
  World w(2);
  w.net.set_faults({.jitter_ms = 40});
  for (int i = 0; i < 200; ++i) w.ends[1]->send(2, std::to_string(i));
  w.scheduler.advance(1000);
  ASSERT_EQ(w.inbox[2].got.size(), 200u);
  for (int i = 0; i < 200; ++i) EXPECT_EQ(std::get<2>(w.inbox[2].got[i]), std::to_string(i));
}

TEST(SimNetwork, PartitionsCutTrafficIncludingInFlightAndHeal) {
  World w(3);
  w.ends[1]->send(2, "in flight");
  w.net.isolate(1);
  w.ends[2]->send(1, "to isolated");
  w.ends[2]->send(3, "unaffected");
  w.scheduler.advance(200);
  EXPECT_TRUE(w.inbox[1].got.empty());
  EXPECT_TRUE(w.inbox[2].got.empty());
  EXPECT_EQ(w.inbox[3].got.size(), 1u);
  w.net.heal();
  w.net.block(1, 2);  // one-way
  w.ends[1]->send(2, "blocked");
  w.ends[2]->send(1, "open");
  w.scheduler.advance(200);
  EXPECT_TRUE(w.inbox[2].got.empty());
  EXPECT_EQ(w.inbox[1].got.size(), 1u);
}

TEST(SimNetwork, LossAndDuplicationFollowTheSeed) {
  auto run = [](uint64_t seed) {
    World w(seed);
    w.net.set_faults({.loss = 0.2, .duplicate = 0.1, .jitter_ms = 10, .keep_order = false});
    for (int i = 0; i < 1000; ++i) w.ends[1]->send(2, std::to_string(i));
    w.scheduler.advance(1000);
    return std::make_pair(w.inbox[2].got, w.net.dropped());
  };
  auto a = run(7), b = run(7), c = run(8);
  EXPECT_EQ(a, b);  // a seed replays exactly
  EXPECT_NE(a.first, c.first);
  // Roughly 20 % lost and 10 % of the rest doubled.
  EXPECT_GT(a.second, 120u);
  EXPECT_LT(a.second, 280u);
  EXPECT_GT(a.first.size(), 800u);
  EXPECT_LT(a.first.size(), 980u);
}

// ------------------------------------------------ links with the handshake

std::vector<std::string> messages(const Inbox& in) {
  std::vector<std::string> out;
  for (const auto& g : in.got) out.push_back(std::get<2>(g));
  return out;
}

TEST(SecureSimNetwork, TheFirstMessageWaitsForTheHandshake) {
  World w(5);
  w.net.secure("t", {{1, "s"}, {2, "s"}, {3, "s"}});
  w.ends[1]->send(2, "hello");
  // HELLO, CHALLENGE, PROOF, ACCEPT: four one-way trips of 35 ms, then the
  // message's own.
  w.scheduler.advance(4 * 35 + 34);
  EXPECT_TRUE(w.inbox[2].got.empty());
  EXPECT_TRUE(w.net.link_up(1, 2));
  w.scheduler.advance(1);
  EXPECT_EQ(messages(w.inbox[2]), std::vector<std::string>{"hello"});
  EXPECT_EQ(w.net.handshakes(), 1u);
  // Up now: later messages take only the one-way delay.
  w.ends[1]->send(2, "again");
  w.scheduler.advance(35);
  EXPECT_EQ(messages(w.inbox[2]), (std::vector<std::string>{"hello", "again"}));
}

TEST(SecureSimNetwork, AReplayedFrameIsRefusedAndTheLinkOpensAgain) {
  World w(6);
  w.net.secure("t", {{1, "s"}, {2, "s"}, {3, "s"}});
  std::string first;
  int frames = 0;
  w.net.tamper = [&](RegionId, RegionId, std::string& payload) {
    if (++frames == 1) first = payload;
    if (frames == 3) payload = first;  // an attacker replays frame 0 as frame 2
  };
  for (int i = 0; i < 4; ++i) w.ends[1]->send(2, "m" + std::to_string(i));
  w.scheduler.advance(1000);
  EXPECT_EQ(w.net.refused_frames(), 1u);
  // m0 and m1 arrived; the replayed frame delivered nothing (no second m0)
  // and closed the connection, with m3 in flight on it.
  EXPECT_EQ(messages(w.inbox[2]), (std::vector<std::string>{"m0", "m1"}));
  EXPECT_FALSE(w.net.link_up(1, 2));
  // The next message opens a new connection (new nonces, new key) and gets
  // through.
  w.ends[1]->send(2, "after");
  w.scheduler.advance(1000);
  EXPECT_TRUE(w.net.link_up(1, 2));
  EXPECT_EQ(w.net.handshakes(), 2u);
  EXPECT_EQ(messages(w.inbox[2]).back(), "after");
}

TEST(SecureSimNetwork, AFrameReMacedWithAnotherKeyIsRefused) {
  World w(7);
  w.net.secure("t", {{1, "s"}, {2, "s"}, {3, "s"}});
  // Someone on the path rewrites a message and computes a MAC with a key of
  // its own (it cannot know the session key).
  peer::SessionKey forged{};
  forged.fill(0x42);
  peer::DataSealer attacker(forged);
  w.net.tamper = [&](RegionId, RegionId, std::string& payload) {
    std::string batch = peer::DataSealer::begin_batch();
    peer::DataSealer::add_to_batch(batch, "DEL everything");
    attacker.seal(batch);
    payload = batch;
  };
  w.ends[1]->send(2, "SET k v");
  w.scheduler.advance(1000);
  EXPECT_TRUE(w.inbox[2].got.empty());
  EXPECT_EQ(w.net.refused_frames(), 1u);
}

TEST(SecureSimNetwork, ARegionWithAnotherSecretIsRefused) {
  World w(8);
  w.net.secure("t", {{1, "s"}, {2, "s"}, {3, "not the secret"}});
  w.ends[1]->send(3, "to 3");
  w.ends[3]->send(1, "from 3");
  w.ends[1]->send(2, "to 2");
  w.scheduler.advance(2000);
  EXPECT_TRUE(w.inbox[3].got.empty());
  EXPECT_TRUE(w.inbox[1].got.empty());
  EXPECT_EQ(messages(w.inbox[2]), std::vector<std::string>{"to 2"});
  EXPECT_FALSE(w.net.link_up(1, 3));
  EXPECT_FALSE(w.net.link_up(3, 1));
  EXPECT_GE(w.net.refused_handshakes(), 2u);
}

TEST(SecureSimNetwork, ARegionWithAnotherConfigIsRefusedNamingTheSection) {
  World w(8);
  w.net.secure("t", {{1, "s"}, {2, "s"}, {3, "s"}});
  const peer::ConfigDigest same = {{"[[placement]]", 7}, {"[[regions]] id=1", 9}};
  w.net.set_config(1, same);
  w.net.set_config(2, same);
  w.net.set_config(3, {{"[[placement]]", 8}, {"[[regions]] id=1", 9}});  // no placement rules
  w.ends[1]->send(3, "to 3");
  w.ends[3]->send(1, "from 3");
  w.ends[1]->send(2, "to 2");
  w.scheduler.advance(2000);
  EXPECT_TRUE(w.inbox[3].got.empty());
  EXPECT_TRUE(w.inbox[1].got.empty());
  EXPECT_EQ(messages(w.inbox[2]), std::vector<std::string>{"to 2"});
  EXPECT_FALSE(w.net.link_up(1, 3));
  EXPECT_FALSE(w.net.link_up(3, 1));
  EXPECT_GE(w.net.refused_handshakes(), 2u);
  EXPECT_NE(w.net.last_refusal().find("its config differs from this region's in [[placement]]"),
            std::string::npos)
      << w.net.last_refusal();
  EXPECT_EQ(w.net.last_refusal().find("[[regions]]"), std::string::npos);
}

TEST(LinkHandshake, DifferingSectionsNamesEachOnce) {
  EXPECT_EQ(peer::differing_sections({{"a", 1}, {"b", 2}}, {{"a", 1}, {"b", 2}}), "");
  EXPECT_EQ(peer::differing_sections({{"a", 1}, {"b", 2}}, {{"a", 3}, {"c", 2}}), "a, b, c");
  // A region only one side knows is being added; one both know must agree.
  EXPECT_EQ(peer::differing_sections({{"[[regions]] id=1", 5}, {"[[regions]] id=2", 6}},
                                     {{"[[regions]] id=1", 5}}),
            "");
  EXPECT_EQ(peer::differing_sections({{"[[regions]] id=1", 5}}, {{"[[regions]] id=1", 4}}),
            "[[regions]] id=1");
}

TEST(SkewedClock, AddsItsSkewToVirtualTime) {
  SimClock base(1000);
  SkewedClock fast(base, 250), slow(base, -250);
  EXPECT_EQ(fast.now_ms(), 1250);
  EXPECT_EQ(slow.now_ms(), 750);
}

}  // namespace
}  // namespace meridian::sim
