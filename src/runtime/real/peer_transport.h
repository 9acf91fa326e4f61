#pragma once
// The real runtime's region-to-region links: authenticated TCP connections
// carrying the core's messages (meridian::Network), with optional emulated
// WAN latency.
//
// Each region dials every peer and sends only on that outbound connection;
// connections accepted on the listen address only receive. A connection
// starts with the handshake of core/peer/link_handshake.h (both sides prove
// they know the cluster secret), then carries MAC'd DATA frames. Any check
// that fails closes the connection, and nothing the failing frame carried
// is delivered.
//
// Single-threaded: every member function and the message handler run on the
// io_context's thread.
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/steady_timer.hpp>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "config/cluster_config.h"
#include "core/env/network.h"
#include "core/peer/link_handshake.h"

namespace meridian {

struct PeerEndpoint {
  RegionId id = 0;
  std::string name;
  HostPort address;  // the peer's listen (config `peer`) address
  // Emulated WAN: each message to this peer is released to the socket this
  // much later (plus a uniform 0..jitter_ms), never before an earlier one.
  int64_t one_way_delay_ms = 0;
  int64_t jitter_ms = 0;
};

struct PeerTransportOptions {
  RegionId self = 0;
  std::string cluster;  // cluster name: links between clusters are refused
  std::string secret;
  HostPort listen;  // port 0: any free port (see listen_port())
  bool compress = true;
  // Per peer: messages waiting (in the WAN delay, for the link to come up,
  // or behind a slow socket) beyond this are dropped and counted. A safety
  // net only: the replicator keeps at most a few MiB unacknowledged per
  // peer (its window), so a slow or stopped peer fills this to that and no
  // further; what is dropped is resent from the log.
  size_t max_queued_bytes = 64u << 20;
  // An unauthenticated connection (or a dial) that has not finished the
  // handshake in this time is closed.
  std::chrono::milliseconds handshake_timeout{5000};
  // With [tls] replication = true: every link is TLS 1.3 with this region's
  // certificate, and a peer's must come from the CA and name its region.
  // The secret's handshake and MACs still run inside (a second factor).
  std::optional<TlsConfig> tls;
  // The shared config sections, compared at every handshake.
  peer::ConfigDigest config;
};

class PeerTransport final : public Network {
 public:
  // `peers` may include this region (it is skipped).
  PeerTransport(asio::io_context& io, PeerTransportOptions opts, std::vector<PeerEndpoint> peers);
  ~PeerTransport() override;  // stop()s
  PeerTransport(const PeerTransport&) = delete;
  PeerTransport& operator=(const PeerTransport&) = delete;

  // Binds the listen address (throws std::runtime_error naming host:port and
  // what to fix) and dials every peer. `handler` receives each message from
  // an authenticated peer, in the order that peer sent them.
  void start(MessageHandler handler);
  // Queues `message` for region `to`; never blocks. Messages to an unknown
  // region, or sent before start() or after stop(), are dropped.
  void send(RegionId to, std::string message) override;
  size_t queued_bytes(RegionId to) const override;
  std::string refusal(RegionId peer) const override;
  // Closes the listener and every connection and cancels every timer; no
  // handler runs afterwards, even for data already received.
  void stop();
  // The bound port (after start()).
  uint16_t listen_port() const { return listen_port_; }

  struct LinkStatus {
    RegionId id = 0;
    std::string name;
    bool out_connected = false;  // our outbound link is authenticated
    bool in_connected = false;   // the peer's link to us is authenticated
    uint64_t messages_sent = 0, messages_received = 0, bytes_sent = 0, bytes_received = 0;
    uint64_t reconnects = 0;     // outbound handshakes completed after the first
    uint64_t auth_failures = 0;  // handshakes refused, either direction
    uint64_t dropped = 0;        // messages to the peer dropped (queue full, lost write)
    uint64_t queued_bytes = 0;   // messages to the peer not yet written
    std::string refused;         // the last refusal's reason, until a link is up
  };
  // One entry per peer, in the order given to the constructor.
  std::vector<LinkStatus> status() const;
  // Tests (MR.DEBUG PARTITION): drops every message in and out for `d`,
  // as a network partition would, while clients still reach the region.
  void blackout(std::chrono::milliseconds d);
  bool blacked_out() const;

 private:
  struct Conn;
  struct Link;
  struct Queued {
    std::chrono::steady_clock::time_point release;
    std::string message;
  };

  Link* link_for(RegionId id);
  // Outbound.
  void dial(Link& link);
  void on_connected(Link& link, const std::shared_ptr<Conn>& c);
  // TLS links: the handshake of `c`, then `next` (or the failure, logged).
  void tls_handshake(const std::shared_ptr<Conn>& c, Link* link, std::function<void()> next);
  void on_outbound_frame(Link& link, const std::shared_ptr<Conn>& c, uint16_t type,
                         const std::string& payload);
  void outbound_failed(Link& link, const std::shared_ptr<Conn>& c, const std::string& why);
  void release_due(Link& link);
  void arm_delay_timer(Link& link);
  void pump(Link& link);
  // Inbound.
  void accept();
  void on_inbound_frame(const std::shared_ptr<Conn>& c, uint16_t type, std::string& payload);
  // False if the connection was closed (or the transport stopped) meanwhile.
  bool deliver_data(const std::shared_ptr<Conn>& c, std::string& payload);
  void inbound_failed(const std::shared_ptr<Conn>& c, const std::string& why);
  // Both.
  void read(const std::shared_ptr<Conn>& c);
  void write(const std::shared_ptr<Conn>& c, std::string bytes);
  void flush(const std::shared_ptr<Conn>& c);
  void close(const std::shared_ptr<Conn>& c);
  // A refused handshake: logs a warning, counts it on `link` (if known) and
  // closes `c`.
  void auth_failed(const std::shared_ptr<Conn>& c, Link* link, RegionId claimed,
                   const std::string& why);
  peer::LinkIdentity identity() const {
    return {opts_.cluster, opts_.secret, opts_.self, opts_.config};
  }

  asio::io_context& io_;
  PeerTransportOptions opts_;
  std::unique_ptr<asio::ssl::context> tls_listen_, tls_dial_;  // with opts_.tls
  asio::ip::tcp::acceptor acceptor_;
  uint16_t listen_port_ = 0;
  MessageHandler handler_;
  bool running_ = false;
  // Shared with every pending completion handler: false once stopped, so a
  // handler that runs after stop() (or after destruction) does nothing.
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  std::vector<std::unique_ptr<Link>> links_;
  std::map<RegionId, Link*> by_id_;
  std::set<std::shared_ptr<Conn>> handshaking_;  // inbound, not yet authenticated
  std::mt19937_64 rng_;
  std::chrono::steady_clock::time_point blackout_until_{};
};

}  // namespace meridian
