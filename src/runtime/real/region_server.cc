#include "runtime/real/region_server.h"

#include <spdlog/spdlog.h>

#include <array>
#include <asio/post.hpp>
#include <asio/signal_set.hpp>
#include <asio/write.hpp>

#include "core/session/session.h"

namespace meridian {

// One client connection. Reads are paused while a reply is pending, so a
// client that pipelines faster than it reads replies is throttled by TCP.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  Connection(RegionServer& server, asio::ip::tcp::socket socket)
      : server_(server), socket_(std::move(socket)) {}

  void start(std::unique_ptr<Session> session) {
    session_ = std::move(session);
    server_.connections_.insert(this);
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

  // Called by the flush after the pass was committed.
  void write() {
    if (out_.empty()) {
      if (closing_) return finish();
      return read();
    }
    writing_.swap(out_);
    out_.clear();
    auto self = shared_from_this();
    asio::async_write(socket_, asio::buffer(writing_),
                      [this, self](const std::error_code& ec, size_t) {
                        writing_.clear();
                        if (ec) return finish();
                        if (closing_) return finish();
                        read();
                      });
  }

 private:
  void read() {
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(buf_), [this, self](const std::error_code& ec, size_t n) {
      if (ec) return finish();
      if (!session_->feed(std::string_view(buf_.data(), n), out_)) closing_ = true;
      if (out_.empty() && !closing_) return read();  // an incomplete command: keep reading
      server_.schedule_flush(self);
    });
  }

  void finish() {
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
};

RegionServer::RegionServer(RegionSettings settings, const std::string& data_dir,
                           const std::string& host, uint16_t port) {
  storage_ = std::make_unique<RocksDbStorage>(data_dir, settings.fsync == FsyncMode::kEverySec);
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
  region_ =
      std::make_unique<Region>(std::move(settings), Env{clock_, random_, scheduler_, *storage_});
}

RegionServer::~RegionServer() {
  // Sessions reference the region: release every one before the region goes,
  // including connections whose handlers will never run again.
  std::vector<Connection*> open(connections_.begin(), connections_.end());
  for (auto* c : open) c->shut_down();
  dirty_.clear();
  try {
    io_.restart();
    io_.poll();  // lets aborted handlers release their connections
    region_->end_pass();
  } catch (const std::exception& e) {
    spdlog::error("final commit failed: {}", e.what());
  }
  region_.reset();
  storage_.reset();
}

void RegionServer::run(bool handle_signals) {
  region_->start();
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
    auto session = region_->connect(peer, &refusal);
    if (session) {
      conn->start(std::move(session));
    } else {
      conn->refuse(std::move(refusal));
    }
    accept();
  });
}

void RegionServer::schedule_flush(const std::shared_ptr<Connection>& c) {
  dirty_.push_back(c);
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

void RegionServer::forget(Connection* c) {
  connections_.erase(c);
}

}  // namespace meridian
