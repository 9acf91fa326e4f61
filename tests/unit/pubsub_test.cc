// Pub/sub's bookkeeping and its relay between regions: what a subscriber
// reads in each protocol, patterns and shard channels kept apart, and a
// relayed message delivered at most once and in its origin's order, across
// a restart of the origin (a new incarnation).
#include "core/region/pubsub.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "core/region/client.h"
#include "storage/memory_storage.h"

namespace meridian {
namespace {

class FakeClient : public Client {
 public:
  explicit FakeClient(int proto) : Client(1, "test", 0) { set_proto(proto); }
  void suspend(const std::function<void(std::function<void(Finish)>)>& /*start*/) override {}
  void push(std::string_view bytes) override { got.append(bytes); }
  std::string got;
};

// Records what publish() sends to each region.
class FakeNetwork : public Network {
 public:
  void send(RegionId to, std::string message) override { sent[to].push_back(message); }
  std::map<RegionId, std::vector<std::string>> sent;
};

TEST(PubSub, SubscribersReadArraysInResp2AndPushesInResp3) {
  MemoryStorage storage;
  PubSub ps{storage};
  FakeClient two(2), three(3);
  EXPECT_TRUE(ps.subscribe(&two, PubSub::kChannel, "c"));
  EXPECT_FALSE(ps.subscribe(&two, PubSub::kChannel, "c"));
  ps.subscribe(&three, PubSub::kPattern, "c*");
  ps.subscribe(&three, PubSub::kShard, "c");
  EXPECT_EQ(ps.count(&three, PubSub::kChannel), 1u);  // channels + patterns
  EXPECT_EQ(ps.count(&three, PubSub::kShard), 1u);
  EXPECT_EQ(ps.publish(PubSub::kChannel, "c", "m"), 2u);
  EXPECT_EQ(two.got, "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\nm\r\n");
  EXPECT_EQ(three.got, ">4\r\n$8\r\npmessage\r\n$2\r\nc*\r\n$1\r\nc\r\n$1\r\nm\r\n");
  three.got.clear();
  EXPECT_EQ(ps.publish(PubSub::kShard, "c", "s"), 1u);
  EXPECT_EQ(three.got, ">3\r\n$8\r\nsmessage\r\n$1\r\nc\r\n$1\r\ns\r\n");
  ps.forget(&three);
  EXPECT_FALSE(ps.subscribed(&three));
  EXPECT_EQ(ps.patterns(), 0u);
  EXPECT_EQ(ps.active(PubSub::kChannel, ""), std::vector<std::string>{"c"});
}

TEST(PubSub, RelayedMessagesArriveOnceAndInOrder) {
  FakeNetwork net;
  MemoryStorage storage;
  PubSub origin{storage}, here{storage};
  origin.attach(&net, {2, 3}, /*incarnation=*/100);
  FakeClient sub(2);
  here.subscribe(&sub, PubSub::kChannel, "c");
  for (const char* m : {"1", "2", "3"}) origin.publish(PubSub::kChannel, "c", m);
  EXPECT_TRUE(net.sent.empty());  // nothing leaves before the pass commits
  origin.after_commit();
  ASSERT_EQ(net.sent[2].size(), 3u);
  ASSERT_EQ(net.sent[3].size(), 3u);
  const auto& msgs = net.sent[2];
  auto payload = [](const char* m) {
    return "*3\r\n$7\r\nmessage\r\n$1\r\nc\r\n$1\r\n" + std::string(m) + "\r\n";
  };
  here.on_message(1, msgs[0]);
  here.on_message(1, msgs[0]);  // a duplicate
  here.on_message(1, msgs[2]);  // overtakes 2: 2 is then late, and dropped
  here.on_message(1, msgs[1]);
  EXPECT_EQ(sub.got, payload("1") + payload("3"));
  // The origin restarts: its numbering starts again, in a later incarnation.
  PubSub restarted{storage};
  restarted.attach(&net, {2}, /*incarnation=*/200);
  restarted.publish(PubSub::kChannel, "c", "4");
  restarted.after_commit();
  here.on_message(1, net.sent[2].back());
  EXPECT_EQ(sub.got, payload("1") + payload("3") + payload("4"));
  // Garbage is ignored.
  here.on_message(1, std::string("\x1c\x01", 2));
  here.on_message(1, "");
  EXPECT_EQ(sub.got, payload("1") + payload("3") + payload("4"));
}

}  // namespace
}  // namespace meridian
