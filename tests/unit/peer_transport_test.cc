// The real runtime's peer links and status server over loopback: ordered,
// complete delivery (with and without compression); refusal of a wrong
// secret, a wrong cluster and a stalled handshake; reconnection; emulated WAN
// delay; and per-frame MACs that stop injected, tampered and replayed frames.
// Hand-made peers below speak the wire format from the header's description,
// independently of the implementation. Nothing sleeps to synchronise: the
// io_context runs until a condition holds, with a deadline.
#include "runtime/real/peer_transport.h"

#include <gtest/gtest.h>
#include <httplib.h>
#include <openssl/hmac.h>

#include <asio/connect.hpp>
#include <asio/executor_work_guard.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <map>
#include <thread>

#include "core/base/coding.h"
#include "core/peer/frame.h"
#include "core/peer/peer_auth.h"
#include "runtime/real/http_status.h"

namespace meridian {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// Runs `io` until `pred` holds; false if `limit` passes first.
template <class Pred>
bool run_until(asio::io_context& io, Pred pred, std::chrono::milliseconds limit = 20s) {
  const auto deadline = Clock::now() + limit;
  while (!pred()) {
    if (Clock::now() >= deadline) return false;
    if (io.stopped()) io.restart();
    io.run_one_for(10ms);
  }
  return true;
}

// Runs `io` for `d` (to show that something does NOT happen).
void run_for(asio::io_context& io, std::chrono::milliseconds d) {
  const auto deadline = Clock::now() + d;
  while (Clock::now() < deadline) {
    if (io.stopped()) io.restart();
    io.run_one_until(deadline);
  }
}

uint16_t free_port() {
  asio::io_context io;
  asio::ip::tcp::acceptor a(io, asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
  return a.local_endpoint().port();
}

HostPort loopback(uint16_t port) {
  return HostPort{"127.0.0.1", port};
}

// Regions 1..n on free ports, each knowing all the others.
struct Cluster {
  explicit Cluster(int n, bool compress = true, int64_t delay_ms = 0, int64_t jitter_ms = 0) {
    for (int i = 1; i <= n; ++i) ports[static_cast<RegionId>(i)] = free_port();
    this->compress = compress;
    this->delay_ms = delay_ms;
    this->jitter_ms = jitter_ms;
  }

  std::vector<PeerEndpoint> endpoints() const {
    std::vector<PeerEndpoint> out;
    for (auto [id, port] : ports) {
      out.push_back({id, "r" + std::to_string(id), loopback(port), delay_ms, jitter_ms});
    }
    return out;
  }

  PeerTransport& make(RegionId id, std::string secret = "s3cret", std::string cluster = "test") {
    PeerTransportOptions o;
    o.self = id;
    o.cluster = std::move(cluster);
    o.secret = std::move(secret);
    o.listen = loopback(ports.at(id));
    o.compress = compress;
    auto t = std::make_unique<PeerTransport>(io, o, endpoints());
    t->start([this, id](RegionId from, std::string m) {
      received[id].emplace_back(from, std::move(m));
    });
    transports[id] = std::move(t);
    return *transports[id];
  }

  PeerTransport::LinkStatus link(RegionId at, RegionId peer) const {
    for (const auto& s : transports.at(at)->status())
      if (s.id == peer) return s;
    ADD_FAILURE() << "no link " << at << "->" << peer;
    return {};
  }

  bool up(RegionId a, RegionId b) const {
    return link(a, b).out_connected && link(b, a).in_connected;
  }

  asio::io_context io;
  std::map<RegionId, uint16_t> ports;
  bool compress = true;
  int64_t delay_ms = 0, jitter_ms = 0;
  std::map<RegionId, std::unique_ptr<PeerTransport>> transports;
  std::map<RegionId, std::vector<std::pair<RegionId, std::string>>> received;
};

// Message i of a stream: its index, then filler that is compressible for
// most messages and not for some; a few are 2 MiB (more than a frame holds).
std::string message(uint32_t stream, uint32_t i) {
  size_t size = i % 1000 == 999 ? (2u << 20) : i % 7 == 0 ? 1 + (i * 7919) % 20000 : i % 100;
  std::string m;
  coding::put_fixed64_be(m, (uint64_t{stream} << 32) | i);
  m.reserve(8 + size);
  uint64_t x = i * 0x9E3779B97F4A7C15ull + stream;
  for (size_t k = 0; k < size; ++k) {
    if (i % 3 == 0) {
      x ^= x << 13;
      x ^= x >> 7;
      x ^= x << 17;
      m.push_back(static_cast<char>(x));
    } else {
      m.push_back(static_cast<char>('a' + (k % 26)));
    }
  }
  return m;
}

void ordered_complete_delivery(bool compress) {
  Cluster c(3, compress);
  c.make(1);
  c.make(2);
  c.make(3);
  constexpr uint32_t kMessages = 10000;
  // Sent at once, before any link is up: queued, then streamed in batches.
  for (uint32_t i = 0; i < kMessages; ++i) c.transports[1]->send(2, message(1, i));
  for (uint32_t i = 0; i < 1000; ++i) c.transports[3]->send(2, message(3, i));
  for (uint32_t i = 0; i < 100; ++i) c.transports[2]->send(1, message(2, i));
  ASSERT_TRUE(run_until(c.io, [&] {
    return c.received[2].size() == kMessages + 1000 && c.received[1].size() == 100;
  }));
  std::map<RegionId, uint32_t> next;
  for (const auto& [from, m] : c.received[2]) {
    ASSERT_TRUE(from == 1 || from == 3);
    uint32_t i = next[from]++;
    ASSERT_EQ(m, message(from, i)) << "message " << i << " from " << from;
  }
  EXPECT_EQ(next[1], kMessages);
  EXPECT_EQ(next[3], 1000u);
  for (uint32_t i = 0; i < 100; ++i) {
    ASSERT_EQ(c.received[1][i], std::make_pair(RegionId{2}, message(2, i)));
  }
  EXPECT_TRUE(c.received[3].empty());
  // Counters agree on both ends.
  auto s12 = c.link(1, 2), r21 = c.link(2, 1);
  EXPECT_TRUE(s12.out_connected);
  EXPECT_TRUE(r21.in_connected);
  EXPECT_EQ(s12.messages_sent, kMessages);
  EXPECT_EQ(r21.messages_received, kMessages);
  EXPECT_EQ(s12.dropped, 0u);
  EXPECT_EQ(s12.auth_failures, 0u);
  EXPECT_EQ(s12.queued_bytes, 0u);
  ASSERT_TRUE(
      run_until(c.io, [&] { return c.link(2, 1).bytes_received == c.link(1, 2).bytes_sent; }));
  // The compress option is honoured, and messages queued together share
  // frames (a frame costs 36 bytes of header and MAC).
  uint64_t total = 0;
  for (uint32_t i = 0; i < kMessages; ++i) total += message(1, i).size();
  if (compress) {
    EXPECT_LT(s12.bytes_sent, total);
  } else {
    EXPECT_GT(s12.bytes_sent, total);
    EXPECT_LT(s12.bytes_sent, total + kMessages * 3 + 36 * kMessages / 4);
  }
}

TEST(PeerTransport, DeliversEverythingInOrderCompressed) {
  ordered_complete_delivery(true);
}

TEST(PeerTransport, DeliversEverythingInOrderUncompressed) {
  ordered_complete_delivery(false);
}

TEST(PeerTransport, WrongSecretIsRefusedAndNothingDelivered) {
  Cluster c(2);
  c.make(1, "right");
  c.make(2, "wrong");
  for (int i = 0; i < 10; ++i) {
    c.transports[1]->send(2, "m" + std::to_string(i));
    c.transports[2]->send(1, "m" + std::to_string(i));
  }
  // Each side's dial is refused when it checks the other's proof.
  ASSERT_TRUE(run_until(
      c.io, [&] { return c.link(1, 2).auth_failures >= 2 && c.link(2, 1).auth_failures >= 2; }));
  run_for(c.io, 100ms);
  EXPECT_TRUE(c.received[1].empty());
  EXPECT_TRUE(c.received[2].empty());
  for (auto [a, b] : {std::pair<RegionId, RegionId>{1, 2}, {2, 1}}) {
    auto s = c.link(a, b);
    EXPECT_FALSE(s.out_connected);
    EXPECT_FALSE(s.in_connected);
    EXPECT_EQ(s.messages_sent, 0u);
    EXPECT_EQ(s.messages_received, 0u);
  }
}

TEST(PeerTransport, WrongClusterNameIsRefused) {
  Cluster c(2);
  c.make(1, "s3cret", "prod");
  c.make(2, "s3cret", "staging");
  c.transports[1]->send(2, "hello");
  ASSERT_TRUE(run_until(
      c.io, [&] { return c.link(1, 2).auth_failures >= 1 && c.link(2, 1).auth_failures >= 1; }));
  run_for(c.io, 50ms);
  EXPECT_TRUE(c.received[2].empty());
}

TEST(PeerTransport, ReconnectsAfterThePeerRestarts) {
  Cluster c(2);
  c.make(1);
  c.make(2);
  c.transports[1]->send(2, "before");
  ASSERT_TRUE(run_until(c.io, [&] { return c.received[2].size() == 1; }));
  EXPECT_EQ(c.link(1, 2).reconnects, 0u);

  c.transports.erase(2);  // region 2 goes away...
  ASSERT_TRUE(run_until(c.io, [&] { return !c.link(1, 2).out_connected; }));
  c.transports[1]->send(2, "while down");  // ...queued meanwhile...
  run_for(c.io, 120ms);                    // ...across a few failed dials
  c.received[2].clear();
  c.make(2);  // ...and comes back on the same port
  ASSERT_TRUE(run_until(c.io, [&] { return c.received[2].size() == 1; }));
  EXPECT_EQ(c.received[2][0].second, "while down");
  c.transports[1]->send(2, "after");
  c.transports[2]->send(1, "back");
  ASSERT_TRUE(
      run_until(c.io, [&] { return c.received[2].size() == 2 && c.received[1].size() == 1; }));
  EXPECT_EQ(c.received[2][1].second, "after");
  EXPECT_EQ(c.received[1][0].second, "back");
  EXPECT_EQ(c.link(1, 2).reconnects, 1u);
  EXPECT_TRUE(c.up(1, 2));
  EXPECT_TRUE(c.up(2, 1));
}

TEST(PeerTransport, WanDelayHoldsMessagesBackAndKeepsOrder) {
  Cluster c(2, true, /*delay_ms=*/40);
  c.make(1);
  c.make(2);
  c.transports[1]->send(2, "warm-up");
  ASSERT_TRUE(run_until(c.io, [&] { return c.received[2].size() == 1; }));
  const auto sent = Clock::now();
  c.transports[1]->send(2, "delayed");
  ASSERT_TRUE(run_until(c.io, [&] { return c.received[2].size() == 2; }));
  EXPECT_GE(Clock::now() - sent, 40ms);

  // With jitter, messages still arrive in the order they were sent.
  Cluster j(2, true, /*delay_ms=*/2, /*jitter_ms=*/5);
  j.make(1);
  j.make(2);
  for (uint32_t i = 0; i < 300; ++i) j.transports[1]->send(2, message(1, i % 50));
  ASSERT_TRUE(run_until(j.io, [&] { return j.received[2].size() == 300; }));
  for (uint32_t i = 0; i < 300; ++i) ASSERT_EQ(j.received[2][i].second, message(1, i % 50));
}

TEST(PeerTransport, DropsBeyondTheQueueLimit) {
  Cluster c(2);
  PeerTransportOptions o;
  o.self = 1;
  o.cluster = "test";
  o.secret = "s3cret";
  o.listen = loopback(c.ports[1]);
  o.max_queued_bytes = 1000;
  PeerTransport t(c.io, o, c.endpoints());  // region 2 is not running: nothing drains
  t.start([](RegionId, std::string) {});
  for (int i = 0; i < 20; ++i) t.send(2, std::string(100, 'x'));
  auto s = t.status().at(0);
  EXPECT_EQ(s.dropped, 10u);
  EXPECT_EQ(s.queued_bytes, 1000u);
}

TEST(PeerTransport, StartRefusesABusyPortNamingIt) {
  Cluster c(2);
  c.make(1);
  PeerTransportOptions o;
  o.self = 2;
  o.cluster = "test";
  o.secret = "s3cret";
  o.listen = loopback(c.ports[1]);  // region 1's port
  PeerTransport t(c.io, o, c.endpoints());
  try {
    t.start([](RegionId, std::string) {});
    FAIL() << "bound a port in use";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(c.ports[1])),
              std::string::npos)
        << e.what();
  }
}

// ------------------------------------------------------- hand-made peers

std::string hmac_sha256(std::string_view key, std::string_view data) {
  unsigned char out[32];
  unsigned int len = 0;
  HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
       reinterpret_cast<const unsigned char*>(data.data()), data.size(), out, &len);
  return std::string(reinterpret_cast<char*>(out), len);
}

// A dialer written from the wire description in peer_transport.h.
class RawPeer {
 public:
  RawPeer(asio::io_context& io, uint16_t port) : socket_(io) {
    socket_.connect(asio::ip::tcp::endpoint(asio::ip::make_address("127.0.0.1"), port));
    read();
  }

  void send_frame(uint16_t type, std::string_view payload) {
    std::string out;
    peer::encode_frame(out, type, payload, false);
    send_raw(out);
  }
  void send_raw(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }

  // HELLO, CHALLENGE, PROOF, ACCEPT as region `self` to region `target`.
  // Returns false if the listener refused us.
  bool authenticate(asio::io_context& io, RegionId self, RegionId target, const std::string& secret,
                    const std::string& cluster = "test") {
    for (auto& b : nonce_d_) b = static_cast<uint8_t>(rand());
    std::string hello(1, static_cast<char>(peer::kLinkVersion));
    coding::put_bytes(hello, cluster);
    coding::put_varint(hello, self);
    coding::put_varint(hello, target);
    hello.append(reinterpret_cast<const char*>(nonce_d_.data()), nonce_d_.size());
    coding::put_varint(hello, 0);  // the config digest: none, as the transports under test
    send_frame(1, hello);
    if (!run_until(
            io, [&] { return !frames_.empty() || closed_; }, 5s) ||
        closed_)
      return false;
    peer::Frame challenge = frames_.front();
    frames_.clear();
    EXPECT_EQ(challenge.type, 2);
    std::string_view in = challenge.payload;
    uint64_t listener = 0;
    EXPECT_TRUE(coding::get_varint(in, &listener));
    EXPECT_EQ(listener, target);
    std::memcpy(nonce_l_.data(), in.data(), 32);
    peer::Proof theirs{};
    std::memcpy(theirs.data(), in.data() + 32, 32);
    EXPECT_TRUE(peer::verify(secret, cluster, target, self, nonce_d_, theirs));
    peer::Proof mine = peer::prove(secret, cluster, self, target, nonce_l_);
    send_frame(3, std::string_view(reinterpret_cast<const char*>(mine.data()), mine.size()));
    if (!run_until(
            io, [&] { return !frames_.empty() || closed_; }, 5s) ||
        closed_)
      return false;
    EXPECT_EQ(frames_.front().type, 4);
    frames_.clear();
    std::string input = "meridian-session-v1";
    coding::put_bytes(input, cluster);
    coding::put_varint(input, self);
    coding::put_varint(input, target);
    input.append(reinterpret_cast<const char*>(nonce_d_.data()), 32);
    input.append(reinterpret_cast<const char*>(nonce_l_.data()), 32);
    session_key_ = hmac_sha256(secret, input);
    return true;
  }

  // A DATA frame carrying `messages`, MAC'd as frame number `counter`.
  std::string data_frame(uint64_t counter, const std::vector<std::string>& messages,
                         bool corrupt_mac = false) {
    std::string batch;
    for (const auto& m : messages) coding::put_bytes(batch, m);
    std::string macced;
    coding::put_fixed64_be(macced, counter);
    macced += batch;
    std::string payload = hmac_sha256(session_key_, macced).substr(0, 16);
    if (corrupt_mac) payload[3] ^= 1;
    payload += batch;
    std::string out;
    peer::encode_frame(out, 16, payload, false);
    return out;
  }

  bool closed() const { return closed_; }
  size_t frames() const { return frames_.size(); }

 private:
  void read() {
    socket_.async_read_some(asio::buffer(buf_), [this](const std::error_code& ec, size_t n) {
      if (ec) {
        closed_ = true;
        return;
      }
      decoder_.append(std::string_view(buf_.data(), n));
      peer::Frame f;
      while (decoder_.next(f) == peer::FrameDecoder::Result::kFrame) frames_.push_back(f);
      read();
    });
  }

  asio::ip::tcp::socket socket_;
  std::array<char, 4096> buf_{};
  peer::FrameDecoder decoder_;
  std::vector<peer::Frame> frames_;
  bool closed_ = false;
  peer::Nonce nonce_d_{}, nonce_l_{};
  std::string session_key_;
};

TEST(PeerTransport, ValidFramesFromAHandMadePeerAreDelivered) {
  Cluster c(3);  // region 3 is the hand-made peer
  c.make(2);
  RawPeer p(c.io, c.ports[2]);
  ASSERT_TRUE(p.authenticate(c.io, 3, 2, "s3cret"));
  ASSERT_TRUE(run_until(c.io, [&] { return c.link(2, 3).in_connected; }));
  p.send_raw(p.data_frame(0, {"a", "bb"}) + p.data_frame(1, {std::string(5000, 'c')}));
  ASSERT_TRUE(run_until(c.io, [&] { return c.received[2].size() == 3; }));
  EXPECT_EQ(c.received[2][0], std::make_pair(RegionId{3}, std::string("a")));
  EXPECT_EQ(c.received[2][1], std::make_pair(RegionId{3}, std::string("bb")));
  EXPECT_EQ(c.received[2][2].second, std::string(5000, 'c'));
  EXPECT_FALSE(p.closed());
}

TEST(PeerTransport, BadMacClosesTheConnectionAndNothingIsDelivered) {
  Cluster c(3);
  c.make(2);
  RawPeer p(c.io, c.ports[2]);
  ASSERT_TRUE(p.authenticate(c.io, 3, 2, "s3cret"));
  p.send_raw(p.data_frame(0, {"evil"}, /*corrupt_mac=*/true) + p.data_frame(1, {"later"}));
  ASSERT_TRUE(run_until(c.io, [&] { return p.closed(); }));
  run_for(c.io, 50ms);
  EXPECT_TRUE(c.received[2].empty());
  EXPECT_FALSE(c.link(2, 3).in_connected);
}

TEST(PeerTransport, ReplayedOrReorderedFramesCloseTheConnection) {
  Cluster c(3);
  c.make(2);
  {
    RawPeer p(c.io, c.ports[2]);
    ASSERT_TRUE(p.authenticate(c.io, 3, 2, "s3cret"));
    std::string first = p.data_frame(0, {"once"});
    p.send_raw(first + first);  // a relay replays frame 0
    ASSERT_TRUE(run_until(c.io, [&] { return p.closed(); }));
    run_for(c.io, 50ms);
    ASSERT_EQ(c.received[2].size(), 1u);
    EXPECT_EQ(c.received[2][0].second, "once");
  }
  {
    RawPeer p(c.io, c.ports[2]);
    ASSERT_TRUE(p.authenticate(c.io, 3, 2, "s3cret"));
    p.send_raw(p.data_frame(1, {"second"}) + p.data_frame(0, {"first"}));  // reordered
    ASSERT_TRUE(run_until(c.io, [&] { return p.closed(); }));
    run_for(c.io, 50ms);
    EXPECT_EQ(c.received[2].size(), 1u);
  }
}

TEST(PeerTransport, ListenerRefusesAWrongProofAndCountsIt) {
  Cluster c(3);
  c.make(2);
  RawPeer p(c.io, c.ports[2]);
  std::string hello(1, static_cast<char>(peer::kLinkVersion));
  coding::put_bytes(hello, "test");
  coding::put_varint(hello, 3);
  coding::put_varint(hello, 2);
  hello.append(32, '\x07');
  coding::put_varint(hello, 0);
  p.send_frame(1, hello);
  ASSERT_TRUE(run_until(c.io, [&] { return p.frames() == 1; }));  // the CHALLENGE
  p.send_frame(3, std::string(32, '\x55'));                       // not a proof of anything
  ASSERT_TRUE(run_until(c.io, [&] { return p.closed(); }));
  EXPECT_EQ(c.link(2, 3).auth_failures, 1u);
  EXPECT_FALSE(c.link(2, 3).in_connected);
}

TEST(PeerTransport, UnknownRegionAndStalledHandshakesAreClosed) {
  Cluster c(2);
  PeerTransportOptions o;
  o.self = 2;
  o.cluster = "test";
  o.secret = "s3cret";
  o.listen = loopback(c.ports[2]);
  o.handshake_timeout = 100ms;
  PeerTransport t(c.io, o, c.endpoints());
  std::vector<std::string> got;
  t.start([&](RegionId, std::string m) { got.push_back(std::move(m)); });

  RawPeer unknown(c.io, c.ports[2]);
  EXPECT_FALSE(unknown.authenticate(c.io, 9, 2, "s3cret"));  // region 9 is not in the config
  EXPECT_TRUE(unknown.closed());

  RawPeer silent(c.io, c.ports[2]);  // connects and says nothing
  const auto start = Clock::now();
  ASSERT_TRUE(run_until(
      c.io, [&] { return silent.closed(); }, 5s));
  EXPECT_GE(Clock::now() - start, 90ms);

  RawPeer misdialled(c.io, c.ports[2]);
  EXPECT_FALSE(misdialled.authenticate(c.io, 1, 5, "s3cret"));  // meant region 5
  EXPECT_TRUE(got.empty());
}

TEST(PeerTransport, NoHandlerRunsAfterStop) {
  Cluster c(2);
  c.make(1);
  c.make(2);
  c.transports[1]->send(2, "first");
  ASSERT_TRUE(run_until(c.io, [&] { return c.received[2].size() == 1; }));
  for (int i = 0; i < 100; ++i) c.transports[1]->send(2, "more");
  c.transports[2]->stop();
  run_for(c.io, 100ms);
  EXPECT_EQ(c.received[2].size(), 1u);
  c.transports[1]->send(2, "ignored");  // still safe to call
}

// ------------------------------------------------------------ HttpStatus

TEST(HttpStatus, AnswersOnTheIoThread) {
  asio::io_context io;
  auto guard = asio::make_work_guard(io);
  std::thread io_thread([&] { io.run(); });
  std::thread::id handled_on;
  {
    HttpStatus http(io, loopback(0),
                    [&](const std::string& path, std::string* body, std::string* type) {
                      handled_on = std::this_thread::get_id();
                      if (path == "/missing") return 404;
                      *body = "{\"path\":\"" + path + "\"}";
                      *type = "application/json";
                      return 200;
                    });
    ASSERT_NE(http.port(), 0);
    httplib::Client client("127.0.0.1", http.port());
    auto res = client.Get("/status?x=1");
    ASSERT_TRUE(res) << httplib::to_string(res.error());
    EXPECT_EQ(res->status, 200);
    EXPECT_EQ(res->body, "{\"path\":\"/status\"}");
    EXPECT_EQ(res->get_header_value("Content-Type"), "application/json");
    EXPECT_EQ(handled_on, io_thread.get_id());
    auto missing = client.Get("/missing");
    ASSERT_TRUE(missing);
    EXPECT_EQ(missing->status, 404);
  }
  guard.reset();
  io.stop();
  io_thread.join();
}

TEST(HttpStatus, BusyIoThreadMeans503) {
  asio::io_context io;  // never run: the io thread "does not answer"
  int calls = 0;
  {
    HttpStatus http(
        io, loopback(0),
        [&](const std::string&, std::string*, std::string*) {
          ++calls;
          return 200;
        },
        {}, 200ms);
    httplib::Client client("127.0.0.1", http.port());
    const auto start = Clock::now();
    auto res = client.Get("/");
    ASSERT_TRUE(res);
    EXPECT_EQ(res->status, 503);
    EXPECT_GE(Clock::now() - start, 190ms);
  }
  io.run();  // the abandoned request's job runs now and must not call the handler
  EXPECT_EQ(calls, 0);
}

TEST(HttpStatus, ABusyPortIsRefusedNamingTheAddress) {
  asio::io_context io;
  HttpStatus first(io, loopback(0),
                   [](const std::string&, std::string*, std::string*) { return 200; });
  try {
    HttpStatus second(io, loopback(first.port()),
                      [](const std::string&, std::string*, std::string*) { return 200; });
    FAIL() << "bound a port in use";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:" + std::to_string(first.port())),
              std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace meridian
