// Commands that write a key whole from other keys (RENAME, COPY, SMOVE, the
// STORE forms) replicate as a delete plus a create: every region ends with
// the same value, TTL included, under the merging policies and under lww,
// and a member added concurrently elsewhere survives under crdt.
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "runtime/sim/sim_cluster.h"
#include "sim_call.h"
#include "sim_three_regions.h"

namespace meridian::sim {
namespace {

// three_regions(), with keys lww:* under lww.
SimClusterOptions with_lww_keys() {
  SimClusterOptions o = three_regions();
  KeyspacePolicy lww;
  lww.pattern = "lww:*";
  lww.conflict = crdt::Policy::kLww;
  o.replication.keyspaces = {lww};
  return o;
}

struct Cluster {
  SimCluster c{with_lww_keys()};
  std::vector<std::unique_ptr<SimConn>> r;
  Cluster() {
    c.run_for(200);
    for (int i = 0; i < 3; ++i) r.push_back(c.connect(i));
  }
  std::string at(int i, const std::vector<std::string>& argv) { return *call(c, *r[i], argv); }
  // The same reply in every region.
  void expect_everywhere(const std::vector<std::string>& argv, const std::string& want) {
    for (int i = 0; i < 3; ++i)
      EXPECT_EQ(at(i, argv), want) << argv[0] << " " << argv[1] << " r" << i + 1;
  }
};

class WholeKeyWrites : public ::testing::TestWithParam<std::string> {};

TEST_P(WholeKeyWrites, ReachEveryRegionAsTheWritingRegionShowsThem) {
  const std::string p = GetParam();  // "" (crdt) or "lww:"
  Cluster k;
  EXPECT_EQ(k.at(0, {"HSET", p + "h", "f", "1", "g", "2"}), ":2\r\n");
  EXPECT_EQ(k.at(0, {"EXPIRE", p + "h", "1000"}), ":1\r\n");
  EXPECT_EQ(k.at(0, {"SADD", p + "a", "x", "y", "z"}), ":3\r\n");
  EXPECT_EQ(k.at(0, {"SADD", p + "b", "y", "z", "w"}), ":3\r\n");
  EXPECT_EQ(k.at(0, {"SET", p + "dst", "a string"}), "+OK\r\n");
  k.c.run_for(300);
  // From another region, over keys that exist everywhere.
  EXPECT_EQ(k.at(1, {"RENAME", p + "h", p + "h2"}), "+OK\r\n");
  EXPECT_EQ(k.at(1, {"COPY", p + "h2", p + "h3"}), ":1\r\n");
  EXPECT_EQ(k.at(1, {"SUNIONSTORE", p + "dst", p + "a", p + "b"}), ":4\r\n");
  EXPECT_EQ(k.at(1, {"SINTERSTORE", p + "a", p + "a", p + "b"}), ":2\r\n");
  EXPECT_EQ(k.at(1, {"SMOVE", p + "b", p + "a", "w"}), ":1\r\n");
  EXPECT_EQ(k.at(1, {"SPOP", p + "b", "5"}), "*2\r\n$1\r\ny\r\n$1\r\nz\r\n");
  k.c.run_for(300);
  k.expect_everywhere({"EXISTS", p + "h", p + "b"}, ":0\r\n");
  k.expect_everywhere({"HGETALL", p + "h2"}, "*4\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n");
  k.expect_everywhere({"HGETALL", p + "h3"}, "*4\r\n$1\r\nf\r\n$1\r\n1\r\n$1\r\ng\r\n$1\r\n2\r\n");
  k.expect_everywhere({"TTL", p + "h3"}, ":999\r\n");
  k.expect_everywhere({"SMEMBERS", p + "dst"},
                      "*4\r\n$1\r\nw\r\n$1\r\nx\r\n$1\r\ny\r\n$1\r\nz\r\n");
  k.expect_everywhere({"SMEMBERS", p + "a"}, "*3\r\n$1\r\nw\r\n$1\r\ny\r\n$1\r\nz\r\n");
  k.expect_everywhere({"SCARD", p + "a"}, ":3\r\n");
}

INSTANTIATE_TEST_SUITE_P(Policies, WholeKeyWrites, ::testing::Values("", "lww:"),
                         [](const auto& info) { return info.param.empty() ? "crdt" : "lww"; });

// A STORE is a delete plus a create: under crdt a member added concurrently
// to the destination in another region survives it, like after a DEL.
TEST(WholeKeyWrites, AMemberAddedConcurrentlyToTheDestinationSurvivesUnderCrdt) {
  Cluster k;
  EXPECT_EQ(k.at(0, {"SADD", "src", "a"}), ":1\r\n");
  EXPECT_EQ(k.at(0, {"SADD", "dst", "old"}), ":1\r\n");
  k.c.run_for(300);
  k.c.network().isolate(k.c.id(0));
  EXPECT_EQ(k.at(0, {"SUNIONSTORE", "dst", "src"}), ":1\r\n");
  EXPECT_EQ(k.at(1, {"SADD", "dst", "concurrent"}), ":1\r\n");
  k.c.network().heal();
  k.c.run_for(2000);
  k.expect_everywhere({"SMEMBERS", "dst"}, "*2\r\n$1\r\na\r\n$10\r\nconcurrent\r\n");
}

// Bitmaps are strings: BITOP, BITFIELD and SETBIT write the whole value and
// SORT ... STORE writes its destination list whole; every region ends with
// what the writing region showed.
TEST_P(WholeKeyWrites, BitmapsAndSortStoreReachEveryRegion) {
  const std::string p = GetParam();
  Cluster k;
  EXPECT_EQ(k.at(0, {"RPUSH", p + "l", "3", "1", "2"}), ":3\r\n");
  EXPECT_EQ(k.at(0, {"SETBIT", p + "b", "9", "1"}), ":0\r\n");
  k.c.run_for(300);
  EXPECT_EQ(k.at(1, {"SORT", p + "l", "STORE", p + "sorted"}), ":3\r\n");
  EXPECT_EQ(k.at(1, {"BITOP", "NOT", p + "nb", p + "b"}), ":2\r\n");
  EXPECT_EQ(k.at(1, {"BITFIELD", p + "b", "INCRBY", "u8", "8", "5"}), "*1\r\n:69\r\n");
  k.c.run_for(300);
  k.expect_everywhere({"LRANGE", p + "sorted", "0", "-1"},
                      "*3\r\n$1\r\n1\r\n$1\r\n2\r\n$1\r\n3\r\n");
  k.expect_everywhere({"GET", p + "nb"}, "$2\r\n\xff\xbf\r\n");
  k.expect_everywhere({"GET", p + "b"}, std::string("$2\r\n\x00\x45\r\n", 8));
}

// A bitmap is a register across regions: SETBITs of different bits made at
// once in two regions keep one of the two bitmaps, the same everywhere, not
// both bits (docs/conflicts/crdt.md).
TEST_P(WholeKeyWrites, ConcurrentSetbitsKeepOneBitmap) {
  const std::string p = GetParam();
  Cluster k;
  EXPECT_EQ(k.at(0, {"SETBIT", p + "bm", "0", "1"}), ":0\r\n");
  k.c.run_for(300);
  k.c.network().isolate(k.c.id(0));
  EXPECT_EQ(k.at(0, {"SETBIT", p + "bm", "3", "1"}), ":0\r\n");
  EXPECT_EQ(k.at(1, {"SETBIT", p + "bm", "5", "1"}), ":0\r\n");
  k.c.network().heal();
  k.c.run_for(2000);
  const std::string v = k.at(0, {"GET", p + "bm"});
  EXPECT_TRUE(v == "$1\r\n\x90\r\n" || v == "$1\r\n\x84\r\n") << v;
  k.expect_everywhere({"GET", p + "bm"}, v);
}

// Lists are a sequence CRDT: pushes made at once in every region, while
// they cannot talk, are all kept, in the same order everywhere; LMOVE is a
// pop and a push in one record.
TEST_P(WholeKeyWrites, ConcurrentPushesAreAllKeptInOneOrderEverywhere) {
  const std::string p = GetParam();
  Cluster k;
  EXPECT_EQ(k.at(0, {"RPUSH", p + "l", "a", "b"}), ":2\r\n");
  k.c.run_for(300);
  for (int i = 0; i < 3; ++i) k.c.network().isolate(k.c.id(i));
  for (int i = 0; i < 3; ++i) {
    std::string me = "r" + std::to_string(i + 1);
    EXPECT_EQ(k.at(i, {"RPUSH", p + "l", me + "-tail"}), ":3\r\n");
    EXPECT_EQ(k.at(i, {"LPUSH", p + "l", me + "-head"}), ":4\r\n");
    EXPECT_EQ(k.at(i, {"LINSERT", p + "l", "AFTER", "a", me + "-mid"}), ":5\r\n");
  }
  k.c.network().heal();
  k.c.run_for(2000);
  k.expect_everywhere({"LLEN", p + "l"}, ":11\r\n");
  const std::string order = k.at(0, {"LRANGE", p + "l", "0", "-1"});
  k.expect_everywhere({"LRANGE", p + "l", "0", "-1"}, order);
  // Each region's own writes keep their places: heads before a, the
  // inserts right after a, then b, then the tails.
  k.expect_everywhere({"LRANGE", p + "l", "3", "3"}, "*1\r\n$1\r\na\r\n");
  k.expect_everywhere({"LINDEX", p + "l", "7"}, "$1\r\nb\r\n");
  EXPECT_EQ(k.at(1, {"LMOVE", p + "l", p + "m", "LEFT", "RIGHT"}).substr(0, 4), "$7\r\n");
  k.c.run_for(300);
  EXPECT_EQ(k.at(2, {"LPOP", p + "l", "2"}).substr(0, 4), "*2\r\n");
  k.c.run_for(300);
  k.expect_everywhere({"LLEN", p + "l"}, ":8\r\n");
  k.expect_everywhere({"LLEN", p + "m"}, ":1\r\n");
  k.expect_everywhere({"LRANGE", p + "l", "0", "-1"}, k.at(0, {"LRANGE", p + "l", "0", "-1"}));
}

// Two regions popping the head at once both get it (at-least-once, as
// Redis Active-Active): each removed what it saw, which was the same element.
TEST(WholeKeyWrites, AConcurrentPopOfOneElementGivesItToBothRegions) {
  Cluster k;
  EXPECT_EQ(k.at(0, {"RPUSH", "q", "job1", "job2"}), ":2\r\n");
  k.c.run_for(300);
  EXPECT_EQ(k.at(0, {"LPOP", "q"}), "$4\r\njob1\r\n");
  EXPECT_EQ(k.at(1, {"LPOP", "q"}), "$4\r\njob1\r\n");  // r2 has not seen r1's pop yet
  k.c.run_for(300);
  k.expect_everywhere({"LRANGE", "q", "0", "-1"}, "*1\r\n$4\r\njob2\r\n");
}

// CLIENT KILL from one connection closes another, in the simulator's
// runtime as in the real one.
TEST(Connections, ClientKillClosesTheOtherConnection) {
  Cluster k;
  auto victim = k.c.connect(0);
  std::string id = *call(k.c, *victim, {"CLIENT", "ID"});
  id = id.substr(1, id.size() - 3);  // ":N\r\n"
  EXPECT_EQ(k.at(0, {"CLIENT", "KILL", "ID", id}), ":1\r\n");
  k.c.run_for(1);
  EXPECT_FALSE(victim->open());
  EXPECT_EQ(k.at(0, {"CLIENT", "KILL", "ID", id}), ":0\r\n");
}

}  // namespace
}  // namespace meridian::sim
