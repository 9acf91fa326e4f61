#pragma once
// A client connection of a RegionServer, over plain TCP or TLS: the one
// event-loop protocol (read, run, commit, reply) for both, the stream type
// apart. Included by region_server.cc only.
#include <spdlog/spdlog.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <asio/ip/tcp.hpp>
#include <asio/ssl/stream.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>
#include <type_traits>

#include "core/session/session.h"
#include "runtime/real/region_server.h"

namespace meridian {

// What the server asks of every connection, whatever its stream.
class Connection : public std::enable_shared_from_this<Connection> {
 public:
  virtual ~Connection() = default;
  // Serves `session` from now on.
  virtual void start(std::unique_ptr<Session> session) = 0;
  // Sends a refusal (maxclients) and closes.
  virtual void refuse(std::string line) = 0;
  // The end of what this connection's session has produced so far (a
  // position in its output, counted from the start).
  virtual uint64_t seal() = 0;
  // Sends the output up to `mark` (a seal()): its pass is committed.
  virtual void release(uint64_t mark) = 0;
  // Answers what the client sent while a script is busy (see below).
  virtual void serve_while_busy() = 0;
  // Server shutdown: closes now and releases the session.
  virtual void shut_down() = 0;
};

// One client connection. Reads are paused while a reply is pending, so a
// client that pipelines faster than it reads replies is throttled by TCP.
// While the session is blocked (waiting for other regions, CLIENT PAUSE)
// reading goes on up to kReadAheadWhileBlocked unrun bytes, so a client that
// closes meanwhile is noticed and its session freed. At most one read and one
// write are in flight at a time.
template <class Stream>
class StreamConnection final : public Connection {
 public:
  StreamConnection(RegionServer& server, Stream stream)
      : server_(server), socket_(std::move(stream)) {}

  Stream& stream() { return socket_; }

  void start(std::unique_ptr<Session> session) override {
    session_ = std::move(session);
    server_.connections_.insert(this);
    std::weak_ptr<Connection> weak = weak_from_this();
    // A blocked command finished waiting: produce its reply in a pass.
    session_->set_ready_hook([weak, this] {
      if (auto self = weak.lock()) ready();
    });
    read();
  }

  void refuse(std::string line) override {
    out_ = std::move(line);
    closing_ = true;
    release(seal());
  }

  uint64_t seal() override { return sent_ + out_.size(); }

  void release(uint64_t mark) override {
    allowed_ = std::max(allowed_, mark);
    write();
  }

  void close() {
    std::error_code ignored;
    socket_.lowest_layer().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    socket_.lowest_layer().close(ignored);
  }

  // Releases the Session now, while the Region it points to still exists.
  void shut_down() override { finish(); }

  // While a script is busy (the event loop is not running): answers what
  // this client sent meanwhile, reading and writing its socket directly.
  // Only a connection waiting for input with nothing to send (its read is
  // in flight, and will find what is left; the script's own connection is
  // busy running it, so it has none); a reply the socket does not take at
  // once is sent by the loop afterwards. Not a TLS connection: its bytes
  // are OpenSSL's, whose state the read in flight owns; it waits for the
  // script like a peer link.
  void serve_while_busy() override {
    if constexpr (!std::is_same_v<Stream, asio::ip::tcp::socket>) return;
    if (!session_ || !reading_ || writing_active_ || !out_.empty() || closing_ ||
        session_->blocked()) {
      return;
    }
    const int fd = socket_.lowest_layer().native_handle();
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

 private:
  static constexpr size_t kReadAheadWhileBlocked = size_t{64} * 1024;

  // Sends what is released of the output; reads on once all of it is sent.
  void write() {
    if (writing_active_) return;  // the running write sends the rest
    if (out_.empty()) {
      if (closing_) return finish();
      if (session_) idle();
      return;
    }
    const size_t n = std::min<uint64_t>(out_.size(), allowed_ - sent_);
    if (n == 0) return;  // its pass is still being committed
    if (n == out_.size()) {
      writing_.swap(out_);
      out_.clear();
    } else {
      writing_.assign(out_, 0, n);
      out_.erase(0, n);
    }
    sent_ += n;
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
    if (over_output_limit()) return finish();
    server_.schedule_flush(shared_from_this());
  }

  // Redis' client-output-buffer-limit: what a client does not read piles up
  // here (messages to a subscriber keep coming); past its class's limit the
  // connection is closed, as Redis closes it.
  bool over_output_limit() {
    if (!session_) return false;
    const auto& limit = session_->output_limit();
    const uint64_t pending = out_.size() + writing_.size();
    bool over = limit.hard > 0 && pending > limit.hard;
    if (!over && limit.soft > 0 && pending > limit.soft) {
      const auto now = std::chrono::steady_clock::now();
      if (!soft_since_) soft_since_ = now;
      over = now - *soft_since_ >= std::chrono::seconds(limit.soft_seconds);
    } else if (!over) {
      soft_since_.reset();
    }
    if (over) {
      spdlog::warn(
          "client id={} addr={} closed for overcoming of output buffer limits ({} bytes "
          "unread)",
          session_->id(), session_->peer_address(), pending);
    }
    return over;
  }

  void read() {
    if (reading_ || !session_) return;
    reading_ = true;
    auto self = shared_from_this();
    socket_.async_read_some(asio::buffer(buf_), [this, self](const std::error_code& ec, size_t n) {
      reading_ = false;
      if (ec || !session_) return finish();
      if (!session_->feed(std::string_view(buf_.data(), n), out_)) closing_ = true;
      if (over_output_limit()) return finish();
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
  Stream socket_;
  std::unique_ptr<Session> session_;
  std::array<char, size_t{16} * 1024> buf_{};
  std::string out_;
  std::string writing_;
  uint64_t sent_ = 0;     // output bytes moved from out_ to writing_, ever
  uint64_t allowed_ = 0;  // output bytes whose passes are committed
  bool closing_ = false;
  bool reading_ = false;
  bool writing_active_ = false;
  std::optional<std::chrono::steady_clock::time_point> soft_since_;  // above the soft limit
  // Set while the session waits for other regions with no read or write in
  // flight (nothing else owns the connection then).
  std::shared_ptr<Connection> parked_;
};

using PlainConnection = StreamConnection<asio::ip::tcp::socket>;
using TlsStream = asio::ssl::stream<asio::ip::tcp::socket>;
using TlsConnection = StreamConnection<TlsStream>;

}  // namespace meridian
