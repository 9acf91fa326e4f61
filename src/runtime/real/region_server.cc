#include "runtime/real/region_server.h"

#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <array>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/write.hpp>
#include <nlohmann/json.hpp>

#include "core/session/session.h"

namespace meridian {

// One client connection. Reads are paused while a reply is pending, so a
// client that pipelines faster than it reads replies is throttled by TCP.
// While the session is blocked (waiting for other regions, CLIENT PAUSE)
// reading goes on up to kReadAheadWhileBlocked unrun bytes, so a client that
// closes meanwhile is noticed and its session freed. At most one read and one
// write are in flight at a time.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(RegionServer& server, asio::ip::tcp::socket socket)
      : server_(server), socket_(std::move(socket)) {}

  void start(std::unique_ptr<Session> session) {
    session_ = std::move(session);
    server_.connections_.insert(this);
    std::weak_ptr<Connection> weak = weak_from_this();
    // A blocked command finished waiting: produce its reply in a pass.
    session_->set_ready_hook([weak] {
      if (auto self = weak.lock()) self->ready();
    });
    read();
  }

  // Sends a refusal (maxclients) and closes.
  void refuse(std::string line) {
    out_ = std::move(line);
    closing_ = true;
    write();
  }

  void close() {
    std::error_code ignored;
    socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
  }

  // Server shutdown: closes the socket and releases the Session now, while
  // the Region it points to still exists.
  void shut_down() { finish(); }

  // While a script is busy (the event loop is not running): answers what
  // this client sent meanwhile, reading and writing its socket directly.
  // Only a connection waiting for input with nothing to send (its read is
  // in flight, and will find what is left; the script's own connection is
  // busy running it, so it has none); a reply the socket does not take at
  // once is sent by the loop afterwards.
  void serve_while_busy() {
    if (!session_ || !reading_ || writing_active_ || !out_.empty() || closing_ ||
        session_->blocked()) {
      return;
    }
    const int fd = socket_.native_handle();
    std::string replies;
    for (;;) {
      const ssize_t n = ::recv(fd, buf_.data(), buf_.size(), MSG_DONTWAIT);
      if (n <= 0) break;
      session_->feed_while_busy(std::string_view(buf_.data(), static_cast<size_t>(n)), replies);
    }
    size_t sent = 0;
    while (sent < replies.size()) {
      const ssize_t n =
          ::send(fd, replies.data() + sent, replies.size() - sent, MSG_DONTWAIT | MSG_NOSIGNAL);
      if (n <= 0) break;
      sent += static_cast<size_t>(n);
    }
    if (sent < replies.size()) {
      out_ = replies.substr(sent);
      server_.schedule_flush(shared_from_this());
    }
  }

  // Called by the flush after the pass was committed.
  void write() {
    if (writing_active_) return;  // the running write sends the rest
    if (out_.empty()) {
      if (closing_) return finish();
      if (session_) idle();
      return;
    }
    writing_.swap(out_);
    out_.clear();
    writing_active_ = true;
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(writing_),
                      [this, self](const std::error_code& ec, size_t) {
                        writing_active_ = false;
                        writing_.clear();
                        if (ec) return finish();
                        write();
                      });
  }

 private:
  static constexpr size_t kReadAheadWhileBlocked = size_t{64} * 1024;

  // Nothing to send: read on, unless a blocked session already holds enough
  // unrun input; then nothing is in flight and parked_ keeps it alive.
  void idle() {
    if (!session_->blocked() || session_->buffered_input() < kReadAheadWhileBlocked) {
      return read();
    }
    parked_ = shared_from_this();
  }

  void ready() {
    auto keep = std::move(parked_);  // no longer parked; alive until this returns
    if (!session_) return;
    if (!session_->resume(out_)) closing_ = true;
    server_.schedule_flush(shared_from_this());
  }

  void read() {
    if (reading_ || !session_) return;
    reading_ = true;
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(buf_), [this, self](const std::error_code& ec, size_t n) {
      reading_ = false;
      if (ec || !session_) return finish();
      if (!session_->feed(std::string_view(buf_.data(), n), out_)) closing_ = true;
      if (out_.empty() && !closing_) {
        // A blocked write must still be committed and sent to the peers
        // now, not at the next pass something else triggers.
        if (session_->blocked()) server_.schedule_flush(nullptr);
        return idle();  // an incomplete command, or a wait
      }
      server_.schedule_flush(self);
    });
  }

  void finish() {
    parked_.reset();
    close();
    if (session_) {
      server_.forget(this);
      session_.reset();
    }
  }

  RegionServer& server_;
  asio::ip::tcp::socket socket_;
  std::unique_ptr<Session> session_;
  std::array<char, size_t{16} * 1024> buf_{};
  std::string out_;
  std::string writing_;
  bool closing_ = false;
  bool reading_ = false;
  bool writing_active_ = false;
  // Set while the session waits for other regions with no read or write in
  // flight (nothing else owns the connection then).
  std::shared_ptr<Connection> parked_;
};

RegionServer::RegionServer(RegionSettings settings, const std::string& data_dir,
                           const std::string& host, uint16_t port,
                           std::optional<ClusterLinks> links, std::optional<BackupOptions> backup) {
  storage_ = std::make_unique<RocksDbStorage>(data_dir, settings.fsync == FsyncMode::kEverySec);
  if (backup) {
    backups_ = std::make_unique<BackupService>(storage_->db(), *backup, settings.region_name);
  }
  asio::ip::tcp::endpoint ep(asio::ip::make_address(host), port);
  acceptor_.open(ep.protocol());
  acceptor_.set_option(asio::ip::tcp::acceptor::reuse_address(true));
  std::error_code ec;
  acceptor_.bind(ep, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + host + ":" + std::to_string(port) + ": " +
                             ec.message() + " (is another server using the port?)");
  }
  acceptor_.listen(asio::socket_base::max_listen_connections);
  port_ = acceptor_.local_endpoint().port();
  settings.tcp_address = host + ":" + std::to_string(port_);
  region_ = std::make_unique<Region>(std::move(settings), Env{clock_, random_, passes_, *storage_});
  Session::serve_forwarded_writes(*region_);
  region_->warn = [](const std::string& msg) { spdlog::warn("{}", msg); };
  region_->scripts().busy_poll = [this] { serve_while_busy(); };
  region_->backups = backups_.get();
  memory_ = std::make_unique<ProcessMemory>(*storage_);
  region_->memory = memory_.get();
  if (links) {
    transport_ = std::make_unique<PeerTransport>(io_, links->transport, links->peers);
    region_->attach_network(transport_.get());
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
    if (links->http) {
      http_ = std::make_unique<HttpStatus>(
          io_, *links->http, [this](const std::string& path, std::string* body, std::string* type) {
            return serve_http(path, body, type);
          });
    }
  }
}

int RegionServer::serve_http(const std::string& path, std::string* body, std::string* type) {
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
  if (path != "/status") {
    *body = "not found: try /status, /conflicts, /failover or /history\n";
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
                          {"queued_bytes", l.queued_bytes}};
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
    auto remote = socket.remote_endpoint(ignored);
    std::string peer = remote.address().to_string() + ":" + std::to_string(remote.port());
    auto conn = std::make_shared<Connection>(*this, std::move(socket));
    std::string refusal;
    auto session = Session::connect(*region_, peer, &refusal);
    if (session) {
      conn->start(std::move(session));
    } else {
      conn->refuse(std::move(refusal));
    }
    accept();
  });
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
  flush_scheduled_ = false;
  std::vector<std::shared_ptr<Connection>> ready;
  ready.swap(dirty_);
  // If the commit fails nothing is sent: the error ends the event loop and
  // the process, and no client was told its write succeeded.
  region_->end_pass();
  for (auto& c : ready) c->write();
}

void RegionServer::serve_while_busy() {
  for (Connection* c : connections_) c->serve_while_busy();
}

void RegionServer::forget(Connection* c) {
  connections_.erase(c);
}

}  // namespace meridian
