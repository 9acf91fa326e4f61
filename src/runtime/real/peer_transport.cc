#include "runtime/real/peer_transport.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <asio/connect.hpp>
#include <asio/write.hpp>
#include <cstring>
#include <stdexcept>

#include "core/base/coding.h"
#include "core/peer/frame.h"
#include "core/peer/peer_auth.h"

namespace meridian {
namespace {

using namespace std::chrono_literals;

constexpr uint16_t kHello = 1;
constexpr uint16_t kChallenge = 2;
constexpr uint16_t kProof = 3;
constexpr uint16_t kAccept = 4;
constexpr uint16_t kData = 16;
constexpr uint8_t kLinkVersion = 1;
constexpr size_t kMacSize = 16;
// Messages per DATA frame, roughly: big enough to amortise the per-frame
// cost, small enough that one frame does not hold the link for long.
constexpr size_t kFrameTarget = 1u << 20;
constexpr size_t kReadChunk = 64u << 10;
// Unauthenticated inbound connections at once: beyond this, new ones are
// closed at once, so a flood cannot exhaust memory or descriptors.
constexpr size_t kMaxHandshaking = 64;
constexpr std::chrono::milliseconds kBackoffMin = 50ms;
constexpr std::chrono::milliseconds kBackoffMax = 2000ms;
// Handshake frames are tiny: an unauthenticated peer may not make us buffer
// a large frame.
constexpr peer::FrameLimits kHandshakeLimits{4096, 1u << 30};
constexpr peer::FrameLimits kDataLimits{};
// varint length prefix of one message, at most.
constexpr size_t kVarintMax = 10;

using Key = std::array<uint8_t, 32>;

// The per-connection key both ends derive after the handshake (see the header).
Key session_key(std::string_view secret, std::string_view cluster, RegionId dialer,
                RegionId listener, const peer::Nonce& nonce_d, const peer::Nonce& nonce_l) {
  std::string input = "meridian-session-v1";
  coding::put_bytes(input, cluster);
  coding::put_varint(input, dialer);
  coding::put_varint(input, listener);
  input.append(reinterpret_cast<const char*>(nonce_d.data()), nonce_d.size());
  input.append(reinterpret_cast<const char*>(nonce_l.data()), nonce_l.size());
  Key out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), out.data(), &len);
  return out;
}

// HMAC-SHA256 under one key, streamed, so a frame's MAC covers its counter
// and its messages without copying them together.
class FrameMac {
 public:
  explicit FrameMac(const Key& key) {
    EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
    if (mac != nullptr) ctx_ = EVP_MAC_CTX_new(mac);
    EVP_MAC_free(mac);  // the context holds its own reference
    char digest[] = "SHA256";
    OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                           OSSL_PARAM_construct_end()};
    if (ctx_ == nullptr || EVP_MAC_init(ctx_, key.data(), key.size(), params) != 1) {
      EVP_MAC_CTX_free(ctx_);
      throw std::runtime_error("OpenSSL has no HMAC-SHA256");
    }
  }
  ~FrameMac() { EVP_MAC_CTX_free(ctx_); }
  FrameMac(const FrameMac&) = delete;
  FrameMac& operator=(const FrameMac&) = delete;

  std::array<uint8_t, kMacSize> compute(uint64_t counter, std::string_view messages) {
    std::string ctr;
    coding::put_fixed64_be(ctr, counter);
    std::array<uint8_t, 32> full{};
    size_t n = 0;
    // A null key re-initialises with the key given at construction.
    bool ok = EVP_MAC_init(ctx_, nullptr, 0, nullptr) == 1 &&
              EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(ctr.data()), 8) == 1 &&
              EVP_MAC_update(ctx_, reinterpret_cast<const unsigned char*>(messages.data()),
                             messages.size()) == 1 &&
              EVP_MAC_final(ctx_, full.data(), &n, full.size()) == 1;
    if (!ok) throw std::runtime_error("HMAC-SHA256 failed");
    std::array<uint8_t, kMacSize> out{};
    std::memcpy(out.data(), full.data(), kMacSize);
    return out;
  }

 private:
  EVP_MAC_CTX* ctx_ = nullptr;
};

peer::Nonce fresh_nonce() {
  peer::Nonce n{};
  if (RAND_bytes(n.data(), static_cast<int>(n.size())) != 1) {
    throw std::runtime_error("OpenSSL could not produce random bytes");
  }
  return n;
}

template <size_t N>
void append(std::string& out, const std::array<uint8_t, N>& a) {
  out.append(reinterpret_cast<const char*>(a.data()), N);
}

template <size_t N>
std::array<uint8_t, N> take(std::string_view& in) {
  std::array<uint8_t, N> a{};
  std::memcpy(a.data(), in.data(), N);
  in.remove_prefix(N);
  return a;
}

std::string frame(uint16_t type, std::string_view payload) {
  std::string out;
  peer::encode_frame(out, type, payload, /*compress=*/false, kHandshakeLimits);
  return out;
}

std::string describe(const std::error_code& ec) {
  return ec == asio::error::eof ? std::string("closed by the peer") : ec.message();
}

}  // namespace

// One TCP connection: outbound (we dialled; we only send DATA on it) or
// inbound (accepted; we only receive DATA on it).
struct PeerTransport::Conn {
  Conn(asio::io_context& io, bool outbound_)
      : socket(io), timer(io), decoder(kHandshakeLimits), outbound(outbound_) {}

  asio::ip::tcp::socket socket;
  asio::steady_timer timer;  // the handshake deadline
  peer::FrameDecoder decoder;
  std::vector<char> rbuf = std::vector<char>(kReadChunk);
  const bool outbound;
  bool closed = false;
  bool up = false;      // handshake complete
  uint16_t expect = 0;  // the handshake frame expected next
  RegionId region = 0;  // outbound: the peer dialled; inbound: the dialer (as claimed until up)
  std::string remote;   // address for the log
  peer::Nonce nonce_d{}, nonce_l{};
  std::unique_ptr<FrameMac> mac;
  uint64_t frames = 0;  // DATA frames sent (outbound) or received (inbound)
  std::string out;      // bytes waiting for the write in flight
  std::string writing;  // bytes of the write in flight
  bool write_busy = false;
  size_t writing_messages = 0;  // messages in the DATA frame being written
};

// Everything about one peer: the outbound connection and its queues, the
// current authenticated inbound connection, counters.
struct PeerTransport::Link {
  Link(asio::io_context& io, PeerEndpoint endpoint)
      : ep(std::move(endpoint)), delay_timer(io), retry_timer(io) {}

  PeerEndpoint ep;
  asio::steady_timer delay_timer;  // releases `delayed` (WAN emulation)
  asio::steady_timer retry_timer;  // the next dial
  bool delay_armed = false;
  std::shared_ptr<Conn> out;  // dialling, handshaking or up
  std::shared_ptr<Conn> in;   // authenticated
  std::deque<Queued> delayed;
  std::deque<std::string> ready;  // released, waiting for the socket
  std::chrono::steady_clock::time_point last_release{};
  size_t queued_bytes = 0;  // delayed + ready
  std::chrono::milliseconds backoff = kBackoffMin;
  bool ever_up = false;
  enum class Reported { kNothing, kUp, kDown } reported = Reported::kNothing;
  bool full_reported = false;
  LinkStatus stats;
};

PeerTransport::PeerTransport(asio::io_context& io, PeerTransportOptions opts,
                             std::vector<PeerEndpoint> peers)
    : io_(io), opts_(std::move(opts)), acceptor_(io), rng_(std::random_device{}()) {
  for (auto& p : peers) {
    if (p.id == opts_.self || by_id_.count(p.id)) continue;
    auto link = std::make_unique<Link>(io_, std::move(p));
    link->stats.id = link->ep.id;
    link->stats.name = link->ep.name;
    by_id_[link->ep.id] = link.get();
    links_.push_back(std::move(link));
  }
}

PeerTransport::~PeerTransport() {
  stop();
}

PeerTransport::Link* PeerTransport::link_for(RegionId id) {
  auto it = by_id_.find(id);
  return it == by_id_.end() ? nullptr : it->second;
}

void PeerTransport::start(MessageHandler handler) {
  handler_ = std::move(handler);
  const std::string where = opts_.listen.str();
  auto fail = [&](const std::string& what, const std::error_code& ec) {
    std::string hint = "check this region's `peer` address in the config";
    if (ec == asio::error::address_in_use) {
      hint =
          "another process is using the port: stop it or give this region another `peer` "
          "address in the config";
    } else if (ec == std::errc::address_not_available) {
      hint = "the host is not an address of this machine: fix this region's `peer` address";
    }
    throw std::runtime_error("cannot listen for peer links on " + where + ": " + what + ": " +
                             ec.message() + " (" + hint + ")");
  };
  std::error_code ec;
  asio::ip::tcp::resolver resolver(io_);
  auto results = resolver.resolve(opts_.listen.host, std::to_string(opts_.listen.port),
                                  asio::ip::resolver_base::passive, ec);
  if (ec) fail("cannot resolve the host", ec);
  if (results.empty()) fail("the host has no address", asio::error::host_not_found);
  asio::ip::tcp::endpoint ep = results.begin()->endpoint();
  acceptor_.open(ep.protocol(), ec);
  if (ec) fail("socket", ec);
  // A restarted region must be able to bind while old connections linger
  // in TIME_WAIT.
  acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  acceptor_.bind(ep, ec);
  if (ec) fail("bind", ec);
  acceptor_.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) fail("listen", ec);
  listen_port_ = acceptor_.local_endpoint().port();
  running_ = true;
  accept();
  for (auto& link : links_) dial(*link);
}

void PeerTransport::stop() {
  if (!*alive_) return;
  *alive_ = false;
  running_ = false;
  std::error_code ignored;
  acceptor_.close(ignored);
  for (auto& link : links_) {
    if (link->out) close(link->out);
    if (link->in) close(link->in);
    link->out.reset();
    link->in.reset();
    link->delay_timer.cancel();
    link->retry_timer.cancel();
    link->delayed.clear();
    link->ready.clear();
    link->queued_bytes = 0;
  }
  for (const auto& c : handshaking_) close(c);
  handshaking_.clear();
  // handler_ stays: stop() may be running inside it.
}

void PeerTransport::blackout(std::chrono::milliseconds d) {
  blackout_until_ = std::chrono::steady_clock::now() + d;
}

bool PeerTransport::blacked_out() const {
  return std::chrono::steady_clock::now() < blackout_until_;
}

size_t PeerTransport::queued_bytes(RegionId to) const {
  auto it = by_id_.find(to);
  return it == by_id_.end() ? 0 : it->second->queued_bytes;
}

void PeerTransport::send(RegionId to, std::string message) {
  if (!running_ || blacked_out()) return;
  Link* link = link_for(to);
  if (link == nullptr) return;
  if (message.size() + kMacSize + kVarintMax > kDataLimits.max_payload) {
    ++link->stats.dropped;
    spdlog::error("peer link to {}: dropped a message of {} bytes (frames carry at most {})",
                  link->ep.name, message.size(), kDataLimits.max_payload);
    return;
  }
  if (link->queued_bytes + message.size() > opts_.max_queued_bytes) {
    ++link->stats.dropped;
    if (!link->full_reported) {
      link->full_reported = true;
      spdlog::warn(
          "peer link to {}: {} bytes queued, the limit; dropping messages until it drains "
          "(replication resends them)",
          link->ep.name, link->queued_bytes);
    }
    return;
  }
  if (link->queued_bytes < opts_.max_queued_bytes / 2) link->full_reported = false;
  link->queued_bytes += message.size();
  if (link->ep.one_way_delay_ms <= 0 && link->ep.jitter_ms <= 0) {
    link->ready.push_back(std::move(message));
    pump(*link);
    return;
  }
  auto delay = std::chrono::milliseconds(link->ep.one_way_delay_ms);
  if (link->ep.jitter_ms > 0) {
    std::uniform_int_distribution<int64_t> jitter(0, link->ep.jitter_ms);
    delay += std::chrono::milliseconds(jitter(rng_));
  }
  // Never before an earlier message: the emulated link keeps order, like TCP.
  auto release = std::max(std::chrono::steady_clock::now() + delay, link->last_release);
  link->last_release = release;
  link->delayed.push_back({release, std::move(message)});
  arm_delay_timer(*link);
}

std::vector<PeerTransport::LinkStatus> PeerTransport::status() const {
  std::vector<LinkStatus> out;
  for (const auto& link : links_) {
    LinkStatus s = link->stats;
    s.out_connected = link->out && link->out->up && !link->out->closed;
    s.in_connected = link->in && !link->in->closed;
    s.queued_bytes = link->queued_bytes;
    out.push_back(std::move(s));
  }
  return out;
}

// ------------------------------------------------------------- outbound

void PeerTransport::dial(Link& link) {
  auto c = std::make_shared<Conn>(io_, /*outbound=*/true);
  c->region = link.ep.id;
  c->remote = link.ep.address.str();
  link.out = c;
  auto alive = alive_;
  c->timer.expires_after(opts_.handshake_timeout);
  c->timer.async_wait([this, alive, c, &link](const std::error_code& ec) {
    if (ec || !*alive || c->closed || c->up) return;
    outbound_failed(
        link, c, "no handshake within " + std::to_string(opts_.handshake_timeout.count()) + " ms");
  });
  auto resolver = std::make_shared<asio::ip::tcp::resolver>(io_);
  resolver->async_resolve(
      link.ep.address.host, std::to_string(link.ep.address.port),
      [this, alive, c, &link, resolver](const std::error_code& ec,
                                        asio::ip::tcp::resolver::results_type results) {
        if (!*alive || c->closed) return;
        if (ec) return outbound_failed(link, c, "cannot resolve the host: " + ec.message());
        asio::async_connect(
            c->socket, results,
            [this, alive, c, &link](const std::error_code& ec, const asio::ip::tcp::endpoint&) {
              if (!*alive || c->closed) return;
              if (ec) return outbound_failed(link, c, ec.message());
              on_connected(link, c);
            });
      });
}

void PeerTransport::on_connected(Link& link, const std::shared_ptr<Conn>& c) {
  std::error_code ignored;
  c->socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  c->nonce_d = fresh_nonce();
  std::string hello;
  hello.push_back(static_cast<char>(kLinkVersion));
  coding::put_bytes(hello, opts_.cluster);
  coding::put_varint(hello, opts_.self);
  coding::put_varint(hello, link.ep.id);
  append(hello, c->nonce_d);
  c->expect = kChallenge;
  write(c, frame(kHello, hello));
  read(c);
}

void PeerTransport::on_outbound_frame(Link& link, const std::shared_ptr<Conn>& c, uint16_t type,
                                      const std::string& payload) {
  if (c->up || type != c->expect) {
    return outbound_failed(link, c, "unexpected frame type " + std::to_string(type));
  }
  std::string_view in = payload;
  if (type == kChallenge) {
    uint64_t listener = 0;
    if (!coding::get_varint(in, &listener) || in.size() != peer::kNonceSize + peer::kProofSize) {
      return outbound_failed(link, c, "malformed CHALLENGE");
    }
    if (listener != link.ep.id) {
      return auth_failed(c, &link, static_cast<RegionId>(listener),
                         "it is not region " + std::to_string(link.ep.id) + " (" + link.ep.name +
                             "); check the `peer` addresses in the config");
    }
    c->nonce_l = take<peer::kNonceSize>(in);
    auto proof = take<peer::kProofSize>(in);
    if (!peer::verify(opts_.secret, opts_.cluster, link.ep.id, opts_.self, c->nonce_d, proof)) {
      return auth_failed(c, &link, link.ep.id, "wrong cluster secret");
    }
    std::string answer;
    append(answer, peer::prove(opts_.secret, opts_.cluster, opts_.self, link.ep.id, c->nonce_l));
    c->expect = kAccept;
    write(c, frame(kProof, answer));
    return;
  }
  // ACCEPT
  if (!payload.empty()) return outbound_failed(link, c, "malformed ACCEPT");
  c->up = true;
  c->timer.cancel();
  c->mac = std::make_unique<FrameMac>(
      session_key(opts_.secret, opts_.cluster, opts_.self, link.ep.id, c->nonce_d, c->nonce_l));
  link.backoff = kBackoffMin;
  if (link.ever_up) ++link.stats.reconnects;
  link.ever_up = true;
  if (link.reported != Link::Reported::kUp) {
    link.reported = Link::Reported::kUp;
    spdlog::info("peer link to {} ({}) is up", link.ep.name, c->remote);
  }
  pump(link);
}

void PeerTransport::outbound_failed(Link& link, const std::shared_ptr<Conn>& c,
                                    const std::string& why) {
  const bool current = link.out == c;
  const bool was_up = c->up;
  // A DATA frame being written is lost with the connection.
  if (c->write_busy && c->writing_messages > 0) link.stats.dropped += c->writing_messages;
  c->writing_messages = 0;
  close(c);
  if (!current) return;
  link.out.reset();
  if (was_up) {
    link.reported = Link::Reported::kDown;
    spdlog::info("peer link to {} ({}) is down: {}; reconnecting", link.ep.name, c->remote, why);
  } else if (link.reported != Link::Reported::kDown) {
    link.reported = Link::Reported::kDown;
    spdlog::info("peer link to {} ({}) cannot connect: {}; retrying", link.ep.name, c->remote, why);
  }
  auto alive = alive_;
  link.retry_timer.expires_after(link.backoff);
  link.retry_timer.async_wait([this, alive, &link](const std::error_code& ec) {
    if (ec || !*alive) return;
    dial(link);
  });
  link.backoff = std::min(link.backoff * 2, kBackoffMax);
}

void PeerTransport::arm_delay_timer(Link& link) {
  if (link.delay_armed || link.delayed.empty()) return;
  link.delay_armed = true;
  link.delay_timer.expires_at(link.delayed.front().release);
  auto alive = alive_;
  link.delay_timer.async_wait([this, alive, &link](const std::error_code&) {
    if (!*alive) return;
    link.delay_armed = false;
    release_due(link);
  });
}

void PeerTransport::release_due(Link& link) {
  const auto now = std::chrono::steady_clock::now();
  while (!link.delayed.empty() && link.delayed.front().release <= now) {
    link.ready.push_back(std::move(link.delayed.front().message));
    link.delayed.pop_front();
  }
  arm_delay_timer(link);
  pump(link);
}

void PeerTransport::pump(Link& link) {
  const auto& c = link.out;
  if (!c || !c->up || c->closed || c->write_busy || link.ready.empty()) return;
  // Everything released while the previous write was in flight goes out now,
  // up to about kFrameTarget per frame (one larger message goes alone).
  std::string batch(kMacSize, '\0');
  size_t count = 0;
  while (!link.ready.empty()) {
    std::string& m = link.ready.front();
    if (count > 0 && batch.size() + m.size() + kVarintMax > kMacSize + kFrameTarget) break;
    coding::put_bytes(batch, m);
    link.queued_bytes -= m.size();
    link.ready.pop_front();
    ++count;
  }
  auto mac = c->mac->compute(c->frames++, std::string_view(batch).substr(kMacSize));
  std::memcpy(batch.data(), mac.data(), kMacSize);
  std::string bytes;
  peer::encode_frame(bytes, kData, batch, opts_.compress, kDataLimits);
  c->writing_messages = count;
  write(c, std::move(bytes));
}

// -------------------------------------------------------------- inbound

void PeerTransport::accept() {
  auto alive = alive_;
  acceptor_.async_accept([this, alive](const std::error_code& ec, asio::ip::tcp::socket socket) {
    if (!*alive) return;
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      // Out of descriptors or similar: try again shortly rather than spin.
      spdlog::warn("peer listener on {}: accept failed: {}", opts_.listen.str(), ec.message());
      auto timer = std::make_shared<asio::steady_timer>(io_, 100ms);
      timer->async_wait([this, alive, timer](const std::error_code&) {
        if (*alive) accept();
      });
      return;
    }
    if (handshaking_.size() >= kMaxHandshaking) {
      std::error_code ignored;
      socket.close(ignored);
      return accept();
    }
    auto c = std::make_shared<Conn>(io_, /*outbound=*/false);
    c->socket = std::move(socket);
    std::error_code ignored;
    auto remote = c->socket.remote_endpoint(ignored);
    c->remote = remote.address().to_string() + ":" + std::to_string(remote.port());
    c->socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    c->expect = kHello;
    handshaking_.insert(c);
    c->timer.expires_after(opts_.handshake_timeout);
    c->timer.async_wait([this, alive, c](const std::error_code& ec) {
      if (ec || !*alive || c->closed || c->up) return;
      spdlog::warn("peer connection from {}: no handshake within {} ms; closed", c->remote,
                   opts_.handshake_timeout.count());
      inbound_failed(c, "handshake timeout");
    });
    read(c);
    accept();
  });
}

void PeerTransport::on_inbound_frame(const std::shared_ptr<Conn>& c, uint16_t type,
                                     std::string& payload) {
  if (c->up) {
    if (type != kData) return inbound_failed(c, "unexpected frame type " + std::to_string(type));
    deliver_data(c, payload);
    return;
  }
  if (type != c->expect) {
    return inbound_failed(c, "unexpected frame type " + std::to_string(type) + " in the handshake");
  }
  std::string_view in = payload;
  if (type == kHello) {
    std::string_view cluster;
    uint64_t dialer = 0, target = 0;
    uint8_t version = in.empty() ? 0 : static_cast<uint8_t>(in.front());
    if (!in.empty()) in.remove_prefix(1);
    if (version == 0 || !coding::get_bytes(in, &cluster) || !coding::get_varint(in, &dialer) ||
        !coding::get_varint(in, &target) || in.size() != peer::kNonceSize) {
      return inbound_failed(c, "malformed HELLO");
    }
    const auto claimed = static_cast<RegionId>(std::min<uint64_t>(dialer, UINT32_MAX));
    c->region = claimed;
    Link* link = link_for(claimed);
    if (version != kLinkVersion) {
      return auth_failed(c, link, claimed,
                         "link protocol version " + std::to_string(version) +
                             " (this build speaks " + std::to_string(kLinkVersion) + ")");
    }
    if (cluster != opts_.cluster) {
      return auth_failed(c, link, claimed,
                         "wrong cluster name \"" + std::string(cluster) + "\" (this is \"" +
                             opts_.cluster + "\")");
    }
    if (link == nullptr || dialer != claimed) {
      return auth_failed(c, nullptr, claimed, "no such region in this cluster's config");
    }
    if (target != opts_.self) {
      return auth_failed(c, link, claimed,
                         "it dialled region " + std::to_string(target) + " but this is region " +
                             std::to_string(opts_.self) +
                             "; check the `peer` addresses in the config");
    }
    c->nonce_d = take<peer::kNonceSize>(in);
    c->nonce_l = fresh_nonce();
    std::string challenge;
    coding::put_varint(challenge, opts_.self);
    append(challenge, c->nonce_l);
    append(challenge, peer::prove(opts_.secret, opts_.cluster, opts_.self, claimed, c->nonce_d));
    c->expect = kProof;
    write(c, frame(kChallenge, challenge));
    return;
  }
  // PROOF
  Link* link = link_for(c->region);
  if (in.size() != peer::kProofSize) return inbound_failed(c, "malformed PROOF");
  auto proof = take<peer::kProofSize>(in);
  if (!peer::verify(opts_.secret, opts_.cluster, c->region, opts_.self, c->nonce_l, proof)) {
    return auth_failed(c, link, c->region, "wrong cluster secret");
  }
  // The dialer waits for ACCEPT, so nothing may follow PROOF yet; what does
  // is a protocol violation (and must not be decoded with the handshake's
  // limits swapped for the larger ones below).
  peer::Frame extra;
  if (c->decoder.next(extra) != peer::FrameDecoder::Result::kNeedMore) {
    return inbound_failed(c, "data before ACCEPT");
  }
  c->decoder = peer::FrameDecoder(kDataLimits);
  c->up = true;
  c->timer.cancel();
  c->mac = std::make_unique<FrameMac>(
      session_key(opts_.secret, opts_.cluster, c->region, opts_.self, c->nonce_d, c->nonce_l));
  handshaking_.erase(c);
  if (link->in) {
    // The peer reconnected before we noticed its old connection die.
    spdlog::info("peer {} connected from {} (replacing its connection from {})", link->ep.name,
                 c->remote, link->in->remote);
    close(link->in);
  } else {
    spdlog::info("peer {} connected from {}", link->ep.name, c->remote);
  }
  link->in = c;
  write(c, frame(kAccept, ""));
}

bool PeerTransport::deliver_data(const std::shared_ptr<Conn>& c, std::string& payload) {
  Link& link = *link_for(c->region);
  if (payload.size() < kMacSize) {
    inbound_failed(c, "DATA frame without a MAC");
    return false;
  }
  std::string_view messages = std::string_view(payload).substr(kMacSize);
  auto expected = c->mac->compute(c->frames, messages);
  if (CRYPTO_memcmp(expected.data(), payload.data(), kMacSize) != 0) {
    spdlog::warn(
        "peer link from {} ({}): DATA frame {} fails its MAC (tampered with, replayed or "
        "reordered); closing it",
        link.ep.name, c->remote, c->frames);
    inbound_failed(c, "bad MAC");
    return false;
  }
  ++c->frames;
  // Check the whole batch before delivering any of it.
  std::vector<std::string_view> parts;
  while (!messages.empty()) {
    std::string_view m;
    if (!coding::get_bytes(messages, &m)) {
      inbound_failed(c, "malformed DATA frame");
      return false;
    }
    parts.push_back(m);
  }
  auto alive = alive_;
  for (std::string_view m : parts) {
    ++link.stats.messages_received;
    if (!blacked_out()) handler_(c->region, std::string(m));
    // The handler may have stopped (or destroyed) the transport.
    if (!*alive || c->closed) return false;
  }
  return true;
}

void PeerTransport::inbound_failed(const std::shared_ptr<Conn>& c, const std::string& why) {
  const bool was_up = c->up;
  close(c);
  handshaking_.erase(c);
  if (!was_up) {
    spdlog::debug("peer connection from {}: handshake failed: {}", c->remote, why);
    return;
  }
  Link* link = link_for(c->region);
  if (link != nullptr && link->in == c) {
    link->in.reset();
    spdlog::info("peer {} disconnected ({}): {}", link->ep.name, c->remote, why);
  }
}

// ----------------------------------------------------------------- both

void PeerTransport::auth_failed(const std::shared_ptr<Conn>& c, Link* link, RegionId claimed,
                                const std::string& why) {
  spdlog::warn("peer authentication failed from {} claiming region {}: {}", c->remote, claimed,
               why);
  if (link != nullptr) ++link->stats.auth_failures;
  if (c->outbound) {
    outbound_failed(*link_for(c->region), c, "authentication failed: " + why);
  } else {
    inbound_failed(c, "authentication failed: " + why);
  }
}

void PeerTransport::read(const std::shared_ptr<Conn>& c) {
  auto alive = alive_;
  c->socket.async_read_some(asio::buffer(c->rbuf),
                            [this, alive, c](const std::error_code& ec, size_t n) {
                              if (!*alive || c->closed) return;
                              if (ec) {
                                if (c->outbound)
                                  return outbound_failed(*link_for(c->region), c, describe(ec));
                                return inbound_failed(c, describe(ec));
                              }
                              if (c->up && !c->outbound)
                                link_for(c->region)->stats.bytes_received += n;
                              c->decoder.append(std::string_view(c->rbuf.data(), n));
                              peer::Frame f;
                              for (;;) {
                                auto r = c->decoder.next(f);
                                if (r == peer::FrameDecoder::Result::kNeedMore) break;
                                if (r == peer::FrameDecoder::Result::kError) {
                                  std::string why = "bad frame: " + c->decoder.error();
                                  spdlog::warn("peer connection {} {}: {}; closing it",
                                               c->outbound ? "to" : "from", c->remote, why);
                                  if (c->outbound)
                                    return outbound_failed(*link_for(c->region), c, why);
                                  return inbound_failed(c, why);
                                }
                                if (c->outbound) {
                                  on_outbound_frame(*link_for(c->region), c, f.type, f.payload);
                                } else {
                                  on_inbound_frame(c, f.type, f.payload);
                                }
                                if (!*alive || c->closed) return;
                              }
                              read(c);
                            });
}

void PeerTransport::write(const std::shared_ptr<Conn>& c, std::string bytes) {
  c->out += bytes;
  flush(c);
}

void PeerTransport::flush(const std::shared_ptr<Conn>& c) {
  if (c->write_busy || c->closed || c->out.empty()) return;
  c->writing.swap(c->out);
  c->out.clear();
  c->write_busy = true;
  auto alive = alive_;
  asio::async_write(c->socket, asio::buffer(c->writing),
                    [this, alive, c](const std::error_code& ec, size_t n) {
                      c->write_busy = false;
                      if (!*alive || c->closed) return;
                      c->writing.clear();
                      if (ec) {
                        std::string why = "write failed: " + describe(ec);
                        if (c->outbound) return outbound_failed(*link_for(c->region), c, why);
                        return inbound_failed(c, why);
                      }
                      if (!c->outbound || !c->up) return flush(c);
                      Link& link = *link_for(c->region);
                      if (c->writing_messages > 0) {  // a DATA frame, not the handshake's PROOF
                        link.stats.messages_sent += c->writing_messages;
                        link.stats.bytes_sent += n;
                        c->writing_messages = 0;
                      }
                      flush(c);
                      pump(link);
                    });
}

void PeerTransport::close(const std::shared_ptr<Conn>& c) {
  if (c->closed) return;
  c->closed = true;
  std::error_code ignored;
  c->socket.close(ignored);
  c->timer.cancel();
}

}  // namespace meridian
