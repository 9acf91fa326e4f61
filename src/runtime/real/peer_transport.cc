#include "runtime/real/peer_transport.h"

#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <asio/connect.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>
#include <stdexcept>

#include "core/peer/frame.h"
#include "core/peer/link_handshake.h"
#include "core/peer/peer_auth.h"
#include "runtime/real/tls_context.h"

namespace meridian {
namespace {

using namespace std::chrono_literals;

using peer::kData;
using peer::kHello;
using peer::kMacSize;
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

peer::Nonce fresh_nonce() {
  peer::Nonce n{};
  if (RAND_bytes(n.data(), static_cast<int>(n.size())) != 1) {
    throw std::runtime_error("OpenSSL could not produce random bytes");
  }
  return n;
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
  // TLS links: the stream over `socket` every read and write goes through.
  std::unique_ptr<asio::ssl::stream<asio::ip::tcp::socket&>> tls;
  asio::steady_timer timer;  // the handshake deadline
  peer::FrameDecoder decoder;
  std::vector<char> rbuf = std::vector<char>(kReadChunk);
  const bool outbound;
  bool closed = false;
  bool up = false;      // handshake complete
  RegionId region = 0;  // outbound: the peer dialled; inbound: the dialer (as claimed until up)
  std::string remote;   // address for the log
  // Outbound: the handshake, then the MACs of what we send.
  std::unique_ptr<peer::DialerHandshake> dialer;
  std::unique_ptr<peer::DataSealer> sealer;
  // Inbound: the handshake, then the checks of what we receive.
  std::unique_ptr<peer::ListenerHandshake> listener;
  std::unique_ptr<peer::DataOpener> opener;
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
  if (opts_.tls) {
    tls_listen_ = std::make_unique<asio::ssl::context>(make_peer_tls_context(*opts_.tls, true));
    tls_dial_ = std::make_unique<asio::ssl::context>(make_peer_tls_context(*opts_.tls, false));
  }
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

std::string PeerTransport::refusal(RegionId peer) const {
  auto it = by_id_.find(peer);
  return it == by_id_.end() ? std::string() : it->second->stats.refused;
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

void PeerTransport::tls_handshake(const std::shared_ptr<Conn>& c, Link* link,
                                  std::function<void()> next) {
  c->tls = std::make_unique<asio::ssl::stream<asio::ip::tcp::socket&>>(
      c->socket, c->outbound ? *tls_dial_ : *tls_listen_);
  auto alive = alive_;
  auto side = c->outbound ? asio::ssl::stream_base::client : asio::ssl::stream_base::server;
  c->tls->async_handshake(side, [this, alive, c, link, next](const std::error_code& ec) {
    if (!*alive || c->closed) return;
    if (ec) {
      // A plaintext peer, no certificate, one from another CA, a timeout.
      return auth_failed(c, link, link ? link->ep.id : 0, "TLS handshake: " + ec.message());
    }
    // The dialer knows whom it called; the listener checks the name once
    // the secret's handshake says who called (on_inbound_frame).
    if (link != nullptr && !certificate_names(c->tls->native_handle(), link->ep.name)) {
      return auth_failed(c, link, link->ep.id,
                         "its TLS certificate does not name region \"" + link->ep.name + "\"");
    }
    next();
  });
}

void PeerTransport::on_connected(Link& link, const std::shared_ptr<Conn>& c) {
  std::error_code ignored;
  c->socket.set_option(asio::ip::tcp::no_delay(true), ignored);
  if (tls_dial_ && !c->tls) {
    return tls_handshake(c, &link, [this, c, &link] { on_connected(link, c); });
  }
  c->dialer =
      std::make_unique<peer::DialerHandshake>(identity(), link.ep.id, link.ep.name, fresh_nonce());
  write(c, frame(kHello, c->dialer->hello()));
  read(c);
}

void PeerTransport::on_outbound_frame(Link& link, const std::shared_ptr<Conn>& c, uint16_t type,
                                      const std::string& payload) {
  if (c->up) return outbound_failed(link, c, "unexpected frame type " + std::to_string(type));
  auto step = c->dialer->on_frame(type, payload);
  using Outcome = peer::HandshakeStep::Outcome;
  if (step.outcome == Outcome::kFailed) return outbound_failed(link, c, step.why);
  if (step.outcome == Outcome::kRefused) return auth_failed(c, &link, step.claimed, step.why);
  if (step.reply_type != 0) write(c, frame(step.reply_type, step.reply));
  if (step.outcome == Outcome::kContinue) return;
  c->up = true;
  c->timer.cancel();
  c->sealer = std::make_unique<peer::DataSealer>(c->dialer->session_key());
  link.stats.refused.clear();
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
  std::string batch = peer::DataSealer::begin_batch();
  size_t count = 0;
  while (!link.ready.empty()) {
    std::string& m = link.ready.front();
    if (count > 0 && batch.size() + m.size() + kVarintMax > kMacSize + kFrameTarget) break;
    peer::DataSealer::add_to_batch(batch, m);
    link.queued_bytes -= m.size();
    link.ready.pop_front();
    ++count;
  }
  c->sealer->seal(batch);
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
    c->listener = std::make_unique<peer::ListenerHandshake>(
        identity(), [this](RegionId id) { return link_for(id) != nullptr; }, fresh_nonce());
    handshaking_.insert(c);
    c->timer.expires_after(opts_.handshake_timeout);
    c->timer.async_wait([this, alive, c](const std::error_code& ec) {
      if (ec || !*alive || c->closed || c->up) return;
      spdlog::warn("peer connection from {}: no handshake within {} ms; closed", c->remote,
                   opts_.handshake_timeout.count());
      inbound_failed(c, "handshake timeout");
    });
    if (tls_listen_) {
      tls_handshake(c, nullptr, [this, c] { read(c); });
    } else {
      read(c);
    }
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
  auto step = c->listener->on_frame(type, payload);
  c->region = c->listener->dialer();
  using Outcome = peer::HandshakeStep::Outcome;
  if (step.outcome == Outcome::kFailed) return inbound_failed(c, step.why);
  if (step.outcome == Outcome::kRefused) {
    return auth_failed(c, link_for(step.claimed), step.claimed, step.why);
  }
  if (step.outcome == Outcome::kContinue) return write(c, frame(step.reply_type, step.reply));
  // The dialer waits for ACCEPT, so nothing may follow PROOF yet; what does
  // is a protocol violation (and must not be decoded with the handshake's
  // limits swapped for the larger ones below).
  peer::Frame extra;
  if (c->decoder.next(extra) != peer::FrameDecoder::Result::kNeedMore) {
    return inbound_failed(c, "data before ACCEPT");
  }
  Link* link = link_for(c->region);
  if (c->tls && !certificate_names(c->tls->native_handle(), link->ep.name)) {
    return auth_failed(c, link, c->region,
                       "its TLS certificate does not name region \"" + link->ep.name + "\"");
  }
  c->decoder = peer::FrameDecoder(kDataLimits);
  c->up = true;
  c->timer.cancel();
  c->opener = std::make_unique<peer::DataOpener>(c->listener->session_key());
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
  write(c, frame(step.reply_type, step.reply));
}

bool PeerTransport::deliver_data(const std::shared_ptr<Conn>& c, std::string& payload) {
  Link& link = *link_for(c->region);
  std::vector<std::string_view> parts;
  switch (c->opener->open(payload, &parts)) {
    case peer::DataOpener::Result::kOk:
      break;
    case peer::DataOpener::Result::kNoMac:
      inbound_failed(c, "DATA frame without a MAC");
      return false;
    case peer::DataOpener::Result::kBadMac:
      spdlog::warn(
          "peer link from {} ({}): DATA frame {} fails its MAC (tampered with, replayed or "
          "reordered); closing it",
          link.ep.name, c->remote, c->opener->frames());
      inbound_failed(c, "bad MAC");
      return false;
    case peer::DataOpener::Result::kMalformed:
      inbound_failed(c, "malformed DATA frame");
      return false;
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
  if (claimed == 0) {
    spdlog::warn("peer authentication failed from {}: {}", c->remote, why);
  } else {
    spdlog::warn("peer authentication failed from {} claiming region {}: {}", c->remote, claimed,
                 why);
  }
  if (link != nullptr) {
    ++link->stats.auth_failures;
    link->stats.refused = why;
  }
  if (c->outbound) {
    outbound_failed(*link_for(c->region), c, "authentication failed: " + why);
  } else {
    inbound_failed(c, "authentication failed: " + why);
  }
}

void PeerTransport::read(const std::shared_ptr<Conn>& c) {
  auto alive = alive_;
  auto on_read = [this, alive, c](const std::error_code& ec, size_t n) {
    if (!*alive || c->closed) return;
    if (ec) {
      if (c->outbound) return outbound_failed(*link_for(c->region), c, describe(ec));
      return inbound_failed(c, describe(ec));
    }
    if (c->up && !c->outbound) link_for(c->region)->stats.bytes_received += n;
    c->decoder.append(std::string_view(c->rbuf.data(), n));
    peer::Frame f;
    for (;;) {
      auto r = c->decoder.next(f);
      if (r == peer::FrameDecoder::Result::kNeedMore) break;
      if (r == peer::FrameDecoder::Result::kError) {
        std::string why = "bad frame: " + c->decoder.error();
        spdlog::warn("peer connection {} {}: {}; closing it", c->outbound ? "to" : "from",
                     c->remote, why);
        if (c->outbound) return outbound_failed(*link_for(c->region), c, why);
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
  };
  if (c->tls) {
    c->tls->async_read_some(asio::buffer(c->rbuf), std::move(on_read));
  } else {
    c->socket.async_read_some(asio::buffer(c->rbuf), std::move(on_read));
  }
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
  auto on_written = [this, alive, c](const std::error_code& ec, size_t n) {
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
  };
  if (c->tls) {
    asio::async_write(*c->tls, asio::buffer(c->writing), std::move(on_written));
  } else {
    asio::async_write(c->socket, asio::buffer(c->writing), std::move(on_written));
  }
}

void PeerTransport::close(const std::shared_ptr<Conn>& c) {
  if (c->closed) return;
  c->closed = true;
  std::error_code ignored;
  c->socket.close(ignored);
  c->timer.cancel();
}

}  // namespace meridian
