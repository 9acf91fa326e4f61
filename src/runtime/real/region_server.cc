#include "runtime/real/region_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <array>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/write.hpp>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "core/base/prometheus_text.h"
#include "core/region/region_metrics.h"
#include "core/session/session.h"
#include "runtime/real/acl_file_on_disk.h"
#include "runtime/real/client_connection.h"
#include "runtime/real/tls_context.h"

namespace meridian {
namespace {

// A TLS client that has not finished its handshake in this time is closed.
constexpr auto kHandshakeTimeout = std::chrono::seconds(10);

// Binds and listens; the port bound (port 0: any free one).
uint16_t listen(asio::ip::tcp::acceptor& acceptor, const std::string& host, uint16_t port) {
  asio::ip::tcp::endpoint ep(asio::ip::make_address(host), port);
  acceptor.open(ep.protocol());
  acceptor.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  std::error_code ec;
  acceptor.bind(ep, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                             ec.message() + " (is another server using the port?)");
  }
  acceptor.listen(asio::socket_base::max_listen_connections);
  return acceptor.local_endpoint().port();
}

std::string remote_of(const asio::ip::tcp::socket& socket) {
  std::error_code ignored;
  auto remote = socket.remote_endpoint(ignored);
  return remote.address().to_string() + ":" + std::to_string(remote.port());
}

}  // namespace

RegionServer::RegionServer(RegionSettings settings, const std::string& data_dir,
                           const std::string& host, uint16_t port,
                           std::optional<ClusterLinks> links, std::optional<BackupOptions> backup,
                           std::optional<ClientTls> tls) {
  StorageMemory memory;
  memory.block_cache_bytes = settings.block_cache_bytes;
  memory.memtable_bytes = settings.memtable_bytes;
  memory.fit_block_cache = settings.memory_budget_bytes != 0;
  storage_ =
      std::make_unique<RocksDbStorage>(data_dir, settings.fsync == FsyncMode::kEverySec, memory);
  storage_->pipeline_commits([this] { asio::post(io_, [this] { release_durable(); }); });
  if (backup) {
    backups_ = std::make_unique<BackupService>(storage_->db(), *backup, settings.region_name);
  }
  port_ = listen(acceptor_, host, port);
  if (tls) {
    tls_context_ = std::make_unique<asio::ssl::context>(make_server_tls_context(tls->config));
    tls_port_ = listen(tls_acceptor_, host, tls->port);
  }
  settings.tcp_address = host + ":" + std::to_string(port_);
  region_ = std::make_unique<Region>(std::move(settings), Env{clock_, random_, passes_, *storage_});
  Session::serve_forwarded_writes(*region_);
  region_->warn = [](const std::string& msg) { spdlog::warn("{}", msg); };
  region_->scripts().busy_poll = [this] { serve_while_busy(); };
  region_->backups = backups_.get();
  compactor_ = std::make_unique<RocksDbCompactor>(storage_->db(), storage_->columns());
  region_->compactor = compactor_.get();
  if (!region_->settings().aclfile.empty()) {
    std::filesystem::path path(region_->settings().aclfile);
    if (path.is_relative()) path = std::filesystem::path(data_dir) / path;
    acl_file_ = std::make_unique<AclFileOnDisk>(path.string());
    region_->acl_file = acl_file_.get();
    std::string text;
    if (std::filesystem::exists(path)) {
      if (auto err = acl_file_->read(&text)) throw std::runtime_error(*err);
      if (auto err = region_->acl().load(text, path.string())) {
        throw std::runtime_error("cannot load the users of aclfile " + path.string() + ": " +
                                 err->substr(4));
      }
    }
  }
  memory_ = std::make_unique<ProcessMemory>(*storage_);
  region_->memory = memory_.get();
  if (links) {
    transport_ = std::make_unique<PeerTransport>(io_, links->transport, links->peers);
    network_ = std::make_unique<HeldNetwork>(*transport_);
    region_->attach_network(network_.get());
    region_->partition = [this](int64_t ms) {
      spdlog::warn("MR.DEBUG PARTITION: dropping all peer traffic for {} ms", ms);
      transport_->blackout(std::chrono::milliseconds(ms));
    };
    RegionId original = region_->settings().replication.regions.empty()
                            ? region_->settings().region_id
                            : region_->settings().replication.regions.front().id;
    region_->failover().on_change = [this, hooks = links->hooks, original](const PrimaryChange& c) {
      spdlog::warn("primary is now {} (epoch {}): {}", region_->region_names().at(c.to), c.epoch,
                   c.reason);
      run_hooks(hooks, c, region_->region_names(), original);
    };
    map_ = links->map;
    if (links->http) {
      http_ = std::make_unique<HttpStatus>(
          io_, *links->http,
          [this](const std::string& path, std::string* body, std::string* type) {
            return serve_http(path, body, type);
          },
          links->http_security);
    }
  }
}

namespace {

// The peer links as the transport sees them (sockets, handshakes, queues).
void write_transport_metrics(const std::vector<PeerTransport::LinkStatus>& links,
                             PrometheusText& m) {
  using T = PrometheusText::Type;
  auto each = [&](const char* name, T type, const char* help, auto value) {
    m.family(name, type, help);
    for (const auto& l : links) m.sample({{"peer", l.name}}, static_cast<double>(value(l)));
  };
  using L = PeerTransport::LinkStatus;
  each("meridian_peer_connected", T::kGauge,
       "1 while both authenticated connections with the peer are up (ours and theirs)",
       [](const L& l) { return l.out_connected && l.in_connected ? 1 : 0; });
  each("meridian_peer_handshake_failures_total", T::kCounter,
       "Peer handshakes refused either way (certificate, secret, config fingerprint)",
       [](const L& l) { return l.auth_failures; });
  each("meridian_peer_reconnects_total", T::kCounter,
       "Outbound peer connections made again after the first",
       [](const L& l) { return l.reconnects; });
  each("meridian_peer_dropped_messages_total", T::kCounter,
       "Messages to the peer dropped (queue full or a lost connection)",
       [](const L& l) { return l.dropped; });
  each("meridian_peer_queued_bytes", T::kGauge, "Bytes of messages to the peer not yet written",
       [](const L& l) { return l.queued_bytes; });
}

}  // namespace

int RegionServer::serve_http(const std::string& path, std::string* body, std::string* type) {
  if (auto status = serve_dashboard(path, *region_, map_, body, type)) return *status;
  if (path == "/conflicts") {
    // The newest entries of the conflict feed (MR.CONFLICTS pages further).
    const ConflictFeed& feed = region_->conflicts();
    uint64_t last = feed.last_id();
    *body = feed.json(last > 1000 ? last - 1000 : 0, 1000, region_->region_names()) + "\n";
    *type = "application/json";
    return 200;
  }
  if (path == "/failover" || path == "/history") {
    *body = (path == "/failover" ? region_->failover().status_json()
                                 : region_->failover().history_json()) +
            "\n";
    *type = "application/json";
    return 200;
  }
  if (path == "/metrics") {
    PrometheusText m;
    write_region_metrics(*region_, m);
    if (transport_) write_transport_metrics(transport_->status(), m);
    *body = m.text();
    *type = "text/plain; version=0.0.4; charset=utf-8";
    return 200;
  }
  if (path != "/status") {
    *body =
        "not found: try / (the dashboard), /status, /metrics, /conflicts, /failover or "
        "/history\n";
    return 404;
  }
  // The core's view (positions, lag) plus the transport's (sockets, bytes).
  auto j = nlohmann::json::parse(region_->replicator().status_json(region_->now_ms()));
  if (transport_) {
    auto links = transport_->status();
    for (auto& p : j["peers"]) {
      for (const auto& l : links) {
        if (l.id != p["id"].get<RegionId>()) continue;
        p["transport"] = {{"out_connected", l.out_connected},
                          {"in_connected", l.in_connected},
                          {"messages_sent", l.messages_sent},
                          {"messages_received", l.messages_received},
                          {"bytes_sent", l.bytes_sent},
                          {"bytes_received", l.bytes_received},
                          {"reconnects", l.reconnects},
                          {"auth_failures", l.auth_failures},
                          {"dropped", l.dropped},
                          {"queued_bytes", l.queued_bytes},
                          {"refused", l.refused}};
      }
    }
  }
  *body = j.dump(2) + "\n";
  *type = "application/json";
  return 200;
}

RegionServer::~RegionServer() {
  // Sessions reference the region: release every one before the region goes,
  // including connections whose handlers will never run again.
  std::vector<Connection*> open(connections_.begin(), connections_.end());
  for (auto* c : open) c->shut_down();
  dirty_.clear();
  http_.reset();  // before the region it reads
  if (transport_) transport_->stop();
  try {
    io_.restart();
    io_.poll();  // lets aborted handlers release their connections
    region_->end_pass();
  } catch (const std::exception& e) {
    spdlog::error("final commit failed: {}", e.what());
  }
  backup_timer_.reset();
  region_.reset();
  backups_.reset();  // stops a running backup before its database closes
  storage_.reset();
}

void RegionServer::schedule_backup() {
  if (!backups_ || backups_->options().interval_s <= 0) return;
  if (!backup_timer_) backup_timer_ = std::make_unique<asio::steady_timer>(io_);
  backup_timer_->expires_after(std::chrono::seconds(backups_->options().interval_s));
  backup_timer_->async_wait([this](const std::error_code& ec) {
    if (ec) return;
    if (auto err = backups_->start()) spdlog::warn("scheduled backup skipped: {}", *err);
    schedule_backup();
  });
}

void RegionServer::run(bool handle_signals) {
  if (transport_) {
    transport_->start([this](RegionId from, std::string message) {
      region_->on_message(from, message);
      schedule_flush(nullptr);  // one pass (commit, then sends) for the batch
    });
  }
  region_->start();
  schedule_flush(nullptr);  // starting is an event too: its first expiry cycle may write
  schedule_backup();
  accept();
  if (tls_context_) accept_tls();
  asio::signal_set signals(io_);
  if (handle_signals) {
    signals.add(SIGINT);
    signals.add(SIGTERM);
    signals.async_wait([this](const std::error_code& ec, int sig) {
      if (ec) return;
      spdlog::info("signal {} received: stopping", sig);
      stop();
    });
  }
  io_.run();
}

void RegionServer::stop() {
  asio::post(io_, [this] {
    std::error_code ignored;
    acceptor_.close(ignored);
    tls_acceptor_.close(ignored);
    region_->end_pass();
    io_.stop();
  });
}

void RegionServer::accept() {
  acceptor_.async_accept([this](const std::error_code& ec, asio::ip::tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      // Out of file descriptors or similar: retry shortly instead of spinning.
      spdlog::warn("accept failed: {} (retrying in 100 ms)", ec.message());
      scheduler_.after(100, [this] { accept(); });
      return;
    }
    std::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    std::string peer = remote_of(socket);
    admit(std::make_shared<PlainConnection>(*this, std::move(socket)), peer);
    accept();
  });
}

void RegionServer::accept_tls() {
  tls_acceptor_.async_accept([this](const std::error_code& ec, asio::ip::tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted) return;
      spdlog::warn("TLS accept failed: {} (retrying in 100 ms)", ec.message());
      scheduler_.after(100, [this] { accept_tls(); });
      return;
    }
    accept_tls();
    std::error_code ignored;
    socket.set_option(asio::ip::tcp::no_delay(true), ignored);
    std::string peer = remote_of(socket);
    // Handshakes in progress are bounded like clients: past maxclients a new
    // one is closed at once (it has no channel for Redis' error yet).
    if (handshakes_ >= static_cast<size_t>(region_->settings().maxclients)) {
      socket.close(ignored);
      return;
    }
    ++handshakes_;
    auto conn = std::make_shared<TlsConnection>(*this, TlsStream(std::move(socket), *tls_context_));
    auto timer = std::make_shared<asio::steady_timer>(io_, kHandshakeTimeout);
    timer->async_wait([conn](const std::error_code& e) {
      if (!e) conn->stream().lowest_layer().close();  // fails the handshake
    });
    conn->stream().async_handshake(
        asio::ssl::stream_base::server, [this, conn, timer, peer](const std::error_code& e) {
          --handshakes_;
          timer->cancel();
          if (e) {
            // A plaintext client, a bad or missing certificate, a timeout:
            // logged as Redis does.
            spdlog::warn("Error accepting a client connection: {} (from {})", e.message(), peer);
            conn->shut_down();
            return;
          }
          admit(conn, peer);
        });
  });
}

void RegionServer::admit(const std::shared_ptr<Connection>& conn, const std::string& peer) {
  std::string refusal;
  auto session = Session::connect(*region_, peer, &refusal);
  if (session) {
    conn->start(std::move(session));
  } else {
    conn->refuse(std::move(refusal));
  }
}

void RegionServer::schedule_flush(const std::shared_ptr<Connection>& c) {
  if (c) dirty_.push_back(c);
  if (flush_scheduled_) return;
  flush_scheduled_ = true;
  // Runs after the handlers already queued in this pass: their writes share
  // one commit.
  asio::post(io_, [this] { flush(); });
}

void RegionServer::flush() {
  if (storage_->commits_durable() < storage_->commits_started()) {
    // The previous commit is still being written: this pass goes on taking
    // in commands (flush_scheduled_ stays set) and ends once it is done, so
    // the loop never waits for the committer.
    flush_deferred_ = true;
    return;
  }
  flush_deferred_ = false;
  flush_scheduled_ = false;
  std::vector<std::shared_ptr<Connection>> ready;
  ready.swap(dirty_);
  // If a commit fails nothing of its pass or any later one is sent: the
  // error ends the event loop and the process, and no client was told its
  // write succeeded.
  if (network_) network_->hold(true);
  region_->end_pass();
  if (network_) network_->hold(false);
  HeldPass pass;
  pass.commit = storage_->commits_started();
  if (network_) pass.messages = network_->take();
  pass.replies.reserve(ready.size());
  for (auto& c : ready) pass.replies.emplace_back(c, c->seal());
  // Released in order: a later pass's reply may show what this one wrote.
  held_.push_back(std::move(pass));
  release_durable();
}

void RegionServer::release_durable() {
  const uint64_t durable = storage_->commits_durable();
  while (!held_.empty() && held_.front().commit <= durable) {
    HeldPass pass = std::move(held_.front());
    held_.pop_front();
    if (network_) network_->release(std::move(pass.messages));
    for (auto& [c, mark] : pass.replies) c->release(mark);
  }
  if (flush_deferred_ && durable == storage_->commits_started()) flush();
}

void RegionServer::serve_while_busy() {
  for (Connection* c : connections_) c->serve_while_busy();
}

void RegionServer::forget(Connection* c) {
  connections_.erase(c);
}

}  // namespace meridian
