// Command-level tests that run unchanged on both runtimes: the deterministic
// simulator and the real server (Asio, TCP, RocksDB).
#include <gtest/gtest.h>

#include "backends.h"

namespace meridian::testing {
namespace {

template <typename B>
class CommandsTest : public ::testing::Test {
 protected:
  CommandsTest() : c_(std::make_unique<B>()) {}
  std::string cmd(std::vector<std::string> args) { return c_->cmd(std::move(args)); }
  Backend& c() { return *c_; }
  std::unique_ptr<Backend> c_;
};

using Backends = ::testing::Types<SimBackend, RealBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, SimBackend> ? "Sim" : "Real";
  }
};
TYPED_TEST_SUITE(CommandsTest, Backends, BackendNames);

TYPED_TEST(CommandsTest, PingEchoAndUnknownCommands) {
  EXPECT_EQ(this->cmd({"PING"}), "+PONG\r\n");
  EXPECT_EQ(this->cmd({"ping", "hi"}), "$2\r\nhi\r\n");
  EXPECT_EQ(this->cmd({"ECHO", "x"}), "$1\r\nx\r\n");
  EXPECT_EQ(this->cmd({"NOPE", "a", "b"}),
            "-ERR unknown command 'NOPE', with args beginning with: 'a' 'b' \r\n");
  EXPECT_EQ(this->cmd({"GET"}), "-ERR wrong number of arguments for 'get' command\r\n");
  EXPECT_EQ(this->c().send("PING\r\n"), "+PONG\r\n");  // inline form
}

TYPED_TEST(CommandsTest, StringsBehaveLikeRedis) {
  EXPECT_EQ(this->cmd({"GET", "k"}), "$-1\r\n");
  EXPECT_EQ(this->cmd({"SET", "k", "v"}), "+OK\r\n");
  EXPECT_EQ(this->cmd({"GET", "k"}), "$1\r\nv\r\n");
  EXPECT_EQ(this->cmd({"SET", "k", "w", "NX"}), "$-1\r\n");
  EXPECT_EQ(this->cmd({"SET", "k", "w", "XX", "GET"}), "$1\r\nv\r\n");
  EXPECT_EQ(this->cmd({"SET", "k", "w", "NX", "XX"}), "-ERR syntax error\r\n");
  EXPECT_EQ(this->cmd({"SET", "k", "w", "EX", "0"}),
            "-ERR invalid expire time in 'set' command\r\n");
  EXPECT_EQ(this->cmd({"APPEND", "k", "xyz"}), ":4\r\n");
  EXPECT_EQ(this->cmd({"STRLEN", "k"}), ":4\r\n");
  EXPECT_EQ(this->cmd({"GETDEL", "k"}), "$4\r\nwxyz\r\n");
  EXPECT_EQ(this->cmd({"EXISTS", "k"}), ":0\r\n");
  EXPECT_EQ(this->cmd({"MSET", "a", "1", "b", "2"}), "+OK\r\n");
  EXPECT_EQ(this->cmd({"MGET", "a", "nope", "b"}), "*3\r\n$1\r\n1\r\n$-1\r\n$1\r\n2\r\n");
  EXPECT_EQ(this->cmd({"SETNX", "a", "9"}), ":0\r\n");
  EXPECT_EQ(this->cmd({"GETSET", "a", "5"}), "$1\r\n1\r\n");
}

TYPED_TEST(CommandsTest, CountersOverflowAndFloats) {
  EXPECT_EQ(this->cmd({"INCR", "n"}), ":1\r\n");
  EXPECT_EQ(this->cmd({"INCRBY", "n", "41"}), ":42\r\n");
  EXPECT_EQ(this->cmd({"DECRBY", "n", "2"}), ":40\r\n");
  EXPECT_EQ(this->cmd({"INCRBY", "n", "x"}), "-ERR value is not an integer or out of range\r\n");
  EXPECT_EQ(this->cmd({"SET", "big", "9223372036854775807"}), "+OK\r\n");
  EXPECT_EQ(this->cmd({"INCR", "big"}), "-ERR increment or decrement would overflow\r\n");
  EXPECT_EQ(this->cmd({"INCRBYFLOAT", "f", "10.5"}), "$4\r\n10.5\r\n");
  EXPECT_EQ(this->cmd({"INCRBYFLOAT", "f", "0.1"}), "$4\r\n10.6\r\n");
  EXPECT_EQ(this->cmd({"INCRBYFLOAT", "f", "abc"}), "-ERR value is not a valid float\r\n");
  EXPECT_EQ(this->cmd({"SADD", "s", "m"}), ":1\r\n");
  EXPECT_EQ(this->cmd({"INCR", "s"}),
            "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n");
}

TYPED_TEST(CommandsTest, SetsAndHashes) {
  EXPECT_EQ(this->cmd({"SADD", "s", "a", "b", "a"}), ":2\r\n");
  EXPECT_EQ(this->cmd({"SCARD", "s"}), ":2\r\n");
  EXPECT_EQ(this->cmd({"SMISMEMBER", "s", "a", "z"}), "*2\r\n:1\r\n:0\r\n");
  EXPECT_EQ(this->cmd({"SMEMBERS", "s"}), "*2\r\n$1\r\na\r\n$1\r\nb\r\n");
  EXPECT_EQ(this->cmd({"SREM", "s", "a", "b"}), ":2\r\n");
  EXPECT_EQ(this->cmd({"EXISTS", "s"}), ":0\r\n");  // empty collections disappear
  EXPECT_EQ(this->cmd({"HSET", "h", "f", "1", "g", "2"}), ":2\r\n");
  EXPECT_EQ(this->cmd({"HSET", "h", "f"}), "-ERR wrong number of arguments for 'hset' command\r\n");
  EXPECT_EQ(this->cmd({"HINCRBY", "h", "f", "5"}), ":6\r\n");
  EXPECT_EQ(this->cmd({"HGETALL", "h"}), "*4\r\n$1\r\nf\r\n$1\r\n6\r\n$1\r\ng\r\n$1\r\n2\r\n");
  EXPECT_EQ(this->cmd({"HSETNX", "h", "f", "0"}), ":0\r\n");
  EXPECT_EQ(this->cmd({"HDEL", "h", "f", "x"}), ":1\r\n");
  EXPECT_EQ(this->cmd({"HLEN", "h"}), ":1\r\n");
  EXPECT_EQ(this->cmd({"TYPE", "h"}), "+hash\r\n");
  // Overwriting a collection with a string drops its fields.
  EXPECT_EQ(this->cmd({"SET", "h", "str"}), "+OK\r\n");
  EXPECT_EQ(this->cmd({"HSET", "h2", "a", "b"}), ":1\r\n");
  EXPECT_EQ(this->cmd({"DEL", "h2"}), ":1\r\n");
  EXPECT_EQ(this->cmd({"HGETALL", "h2"}), "*0\r\n");
}

TYPED_TEST(CommandsTest, Resp3Shapes) {
  std::string hello = this->cmd({"HELLO", "3"});
  EXPECT_EQ(hello.substr(0, 3), "%7\r");
  EXPECT_EQ(this->cmd({"GET", "missing"}), "_\r\n");
  EXPECT_EQ(this->cmd({"HSET", "h", "f", "v"}), ":1\r\n");
  EXPECT_EQ(this->cmd({"HGETALL", "h"}), "%1\r\n$1\r\nf\r\n$1\r\nv\r\n");
  EXPECT_EQ(this->cmd({"SADD", "s", "x"}), ":1\r\n");
  EXPECT_EQ(this->cmd({"SMEMBERS", "s"}), "~1\r\n$1\r\nx\r\n");
  EXPECT_EQ(this->cmd({"HELLO", "4"}), "-NOPROTO unsupported protocol version\r\n");
}

TYPED_TEST(CommandsTest, ExpiryRemovesKeysLazilyAndActively) {
  EXPECT_EQ(this->cmd({"SET", "k", "v", "PX", "100"}), "+OK\r\n");
  EXPECT_EQ(this->cmd({"SADD", "s", "m"}), ":1\r\n");
  EXPECT_EQ(this->cmd({"PEXPIRE", "s", "100"}), ":1\r\n");
  EXPECT_EQ(this->cmd({"TTL", "s"}), ":0\r\n");
  EXPECT_EQ(this->cmd({"SET", "keep", "v", "EX", "1000"}), "+OK\r\n");
  EXPECT_EQ(this->cmd({"TTL", "keep"}), ":1000\r\n");
  EXPECT_EQ(this->cmd({"PERSIST", "keep"}), ":1\r\n");
  EXPECT_EQ(this->cmd({"TTL", "keep"}), ":-1\r\n");
  EXPECT_EQ(this->cmd({"TTL", "nope"}), ":-2\r\n");
  // The active cycle removes them without anyone reading the keys.
  EXPECT_TRUE(this->c().eventually([&] { return this->cmd({"DBSIZE"}) == ":1\r\n"; }, 5000));
  EXPECT_EQ(this->cmd({"EXPIRE", "keep", "-1"}), ":1\r\n");  // past: deleted now
  EXPECT_EQ(this->cmd({"DBSIZE"}), ":0\r\n");
}

TYPED_TEST(CommandsTest, ScanVisitsEveryKeyOnce) {
  for (int i = 0; i < 57; ++i) this->cmd({"SET", "key:" + std::to_string(i), "v"});
  this->cmd({"SADD", "other", "x"});
  std::set<std::string> seen;
  std::string cursor = "0";
  int rounds = 0;
  do {
    std::string r = this->cmd({"SCAN", cursor, "MATCH", "key:*", "COUNT", "7"});
    // *2\r\n$N\r\n<cursor>\r\n*M\r\n...
    size_t p = r.find("\r\n", 4);
    size_t q = r.find("\r\n", p + 2);
    cursor = r.substr(p + 2, q - p - 2);
    size_t pos = r.find("\r\n", q + 2) + 2;
    while (pos < r.size()) {
      size_t e = r.find("\r\n", pos);
      size_t len = std::stoul(r.substr(pos + 1, e - pos - 1));
      seen.insert(r.substr(e + 2, len));
      pos = e + 2 + len + 2;
    }
    ASSERT_LT(++rounds, 100);
  } while (cursor != "0");
  EXPECT_EQ(seen.size(), 57u);
  EXPECT_EQ(this->cmd({"SCAN", "abc"}), "-ERR invalid cursor\r\n");
}

TYPED_TEST(CommandsTest, ProtocolErrorClosesOnlyThatConnection) {
  auto other = this->c().another_client();
  EXPECT_EQ(other->cmd({"SET", "safe", "1"}), "+OK\r\n");
  EXPECT_EQ(this->c().send("*1\r\n$abc\r\n"), "-ERR Protocol error: invalid bulk length\r\n");
  EXPECT_TRUE(this->c().closed());
  EXPECT_EQ(other->cmd({"GET", "safe"}), "$1\r\n1\r\n");
}

TYPED_TEST(CommandsTest, ClientListShowsEveryConnection) {
  auto other = this->c().another_client();
  EXPECT_EQ(other->cmd({"CLIENT", "SETNAME", "worker"}), "+OK\r\n");
  EXPECT_EQ(this->cmd({"CLIENT", "SETNAME", "admin"}), "+OK\r\n");
  std::string list = this->cmd({"CLIENT", "LIST"});
  EXPECT_NE(list.find("name=worker "), std::string::npos) << list;
  EXPECT_NE(list.find("name=admin "), std::string::npos) << list;
  EXPECT_NE(list.find("cmd=client"), std::string::npos) << list;
  other.reset();
  EXPECT_TRUE(this->c().eventually(
      [&] {
        return this->cmd({"CLIENT", "LIST"}).find("name=worker ") == std::string::npos;
      },
      5000));
}

TYPED_TEST(CommandsTest, FlushAllWhenEnabled) {
  this->cmd({"SET", "a", "1"});
  EXPECT_EQ(this->cmd({"FLUSHALL"}), "+OK\r\n");
  EXPECT_EQ(this->cmd({"DBSIZE"}), ":0\r\n");
}

template <typename B>
std::unique_ptr<Backend> make_with(RegionSettings s) {
  return std::make_unique<B>(std::move(s));
}

TYPED_TEST(CommandsTest, AuthenticationGuardsEverythingElse) {
  RegionSettings s = test_settings();
  s.requirepass = "secret";
  s.users["app"] = "app-pass";
  auto c = make_with<TypeParam>(s);
  EXPECT_EQ(c->cmd({"GET", "k"}), "-NOAUTH Authentication required.\r\n");
  EXPECT_EQ(c->cmd({"AUTH", "bad"}),
            "-WRONGPASS invalid username-password pair or user is disabled.\r\n");
  EXPECT_EQ(c->cmd({"AUTH", "app", "app-pass"}), "+OK\r\n");
  EXPECT_EQ(c->cmd({"SET", "k", "v"}), "+OK\r\n");
  auto d = c->another_client();
  EXPECT_EQ(d->cmd({"AUTH", "secret"}), "+OK\r\n");
  EXPECT_EQ(d->cmd({"GET", "k"}), "$1\r\nv\r\n");
}

TYPED_TEST(CommandsTest, FlushAllRefusedByDefault) {
  RegionSettings s = test_settings();
  s.enable_flushall = false;
  auto c = make_with<TypeParam>(s);
  EXPECT_EQ(c->cmd({"FLUSHALL"}).substr(0, 30), "-ERR FLUSHALL is disabled on t");
}

TYPED_TEST(CommandsTest, MaxClients) {
  RegionSettings s = test_settings();
  s.maxclients = 2;
  auto a = make_with<TypeParam>(s);
  auto b = a->another_client();
  EXPECT_EQ(b->cmd({"PING"}), "+PONG\r\n");
  auto c = a->another_client();
  EXPECT_EQ(c->cmd({"PING"}), "-ERR max number of clients reached\r\n");
  b.reset();  // a slot frees up
  EXPECT_TRUE(
      a->eventually([&] { return a->another_client()->cmd({"PING"}) == "+PONG\r\n"; }, 5000));
}

}  // namespace
}  // namespace meridian::testing
