#pragma once
// The real runtime for one region: an Asio event loop on one thread, TCP
// client connections and RocksDB storage driving the core (core/region/region.h).
//
// Each event-loop pass reads what clients sent, runs their commands, then
// commits once (Region::end_pass: group commit, fsync per the config) and
// only then writes the replies, so no client sees a write acknowledged before
// it is durable. The commit itself is pipelined: a second thread writes it
// to RocksDB while the loop runs the next pass, and the pass's replies and
// messages to other regions wait (in order, pass by pass) until it is done.
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/context.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <unordered_set>
#include <vector>

#include "config/cluster_config.h"
#include "core/env/pass_scheduler.h"
#include "core/region/region.h"
#include "runtime/real/backup_service.h"
#include "runtime/real/dashboard/dashboard.h"
#include "runtime/real/failover_hooks.h"
#include "runtime/real/held_network.h"
#include "runtime/real/http_status.h"
#include "runtime/real/peer_transport.h"
#include "runtime/real/process_memory.h"
#include "runtime/real/system_env.h"
#include "storage/rocksdb_compactor.h"
#include "storage/rocksdb_storage.h"

namespace meridian {

class Connection;
template <class Stream>
class StreamConnection;

// How a region of a cluster reaches the others.
// Redis' tls-port: a second client port speaking TLS.
struct ClientTls {
  uint16_t port = 0;  // on the client host; 0: any free port (see tls_port())
  TlsConfig config;
};

struct ClusterLinks {
  PeerTransportOptions transport;
  std::vector<PeerEndpoint> peers;
  std::optional<HostPort> http;  // where /status is served
  HttpStatus::Security http_security;
  FailoverHooks hooks;
  std::vector<DashboardRegion> map;  // every serving region, for the dashboard
};

class RegionServer {
 public:
  // Opens storage in data_dir and binds host:port (port 0: any free port),
  // and with `links` the peer and http addresses. Throws on failure with a
  // message saying what to fix.
  // With `backup`, BGSAVE/MR.BACKUP make backups into its destinations, on
  // its schedule too.
  // With `tls`, clients may also connect over TLS on its port.
  RegionServer(RegionSettings settings, const std::string& data_dir, const std::string& host,
               uint16_t port, std::optional<ClusterLinks> links = std::nullopt,
               std::optional<BackupOptions> backup = std::nullopt,
               std::optional<ClientTls> tls = std::nullopt);
  ~RegionServer();

  uint16_t port() const { return port_; }
  uint16_t tls_port() const { return tls_port_; }
  // Serves until stop() or SIGINT/SIGTERM (when handle_signals).
  void run(bool handle_signals);
  // Thread-safe.
  void stop();

 private:
  template <class Stream>
  friend class StreamConnection;
  template <class Stream>
  class StreamConnection;
  void accept();
  void accept_tls();
  // Serves a connection whose stream is ready (TLS: after its handshake).
  void admit(const std::shared_ptr<Connection>& conn, const std::string& peer);
  void schedule_flush(const std::shared_ptr<Connection>& c);
  void flush();
  // Sends what the passes whose commits are now durable produced.
  void release_durable();
  void forget(Connection* c);
  // Scripts::busy_poll: answers the clients that wrote while a script runs.
  void serve_while_busy();
  int serve_http(const std::string& path, std::string* body, std::string* type);
  void schedule_backup();

  // Before io_: TLS streams still queued in io_ when it goes refer to it.
  std::unique_ptr<asio::ssl::context> tls_context_;
  asio::io_context io_{1};  // one thread: no locking inside Asio
  SystemClock clock_;
  SystemRandom random_;
  AsioScheduler scheduler_{io_};
  // The region's timers: each is followed by a pass, batched with whatever
  // else this event-loop turn handles.
  PassScheduler passes_{scheduler_, [this] { schedule_flush(nullptr); }};
  std::unique_ptr<RocksDbStorage> storage_;
  std::unique_ptr<BackupService> backups_;       // uses storage_'s database
  std::unique_ptr<RocksDbCompactor> compactor_;  // likewise
  std::unique_ptr<AclFile> acl_file_;
  std::unique_ptr<ProcessMemory> memory_;  // likewise
  std::unique_ptr<asio::steady_timer> backup_timer_;
  std::unique_ptr<Region> region_;
  std::unique_ptr<PeerTransport> transport_;
  std::unique_ptr<HeldNetwork> network_;  // transport_, for the core
  std::unique_ptr<HttpStatus> http_;
  std::vector<DashboardRegion> map_;
  asio::ip::tcp::acceptor acceptor_{io_};
  asio::ip::tcp::acceptor tls_acceptor_{io_};
  uint16_t port_ = 0;
  uint16_t tls_port_ = 0;
  size_t handshakes_ = 0;  // TLS connections not yet admitted
  bool flush_scheduled_ = false;
  bool flush_deferred_ = false;  // a pass waits for the commit in flight to end
  std::vector<std::shared_ptr<Connection>> dirty_;
  // A pass whose commit is not yet durable, and what it may then send.
  struct HeldPass {
    uint64_t commit = 0;  // RocksDbStorage::commits_started() after the pass
    std::vector<std::pair<std::shared_ptr<Connection>, uint64_t>> replies;  // seal() marks
    HeldNetwork::Messages messages;
  };
  std::deque<HeldPass> held_;
  std::unordered_set<Connection*> connections_;
};

}  // namespace meridian
