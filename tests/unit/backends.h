#pragma once
// Two ways to drive one region, for tests that must hold on both runtimes:
// SimBackend (deterministic runtime: virtual time, memory storage) and
// RealBackend (the real runtime: Asio, TCP and RocksDB, on a free port).
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "runtime/real/region_server.h"
#include "runtime/sim/sim_region.h"

namespace meridian::testing {

// Length of the first complete RESP reply in `s`, or 0 if incomplete.
inline size_t resp_length(std::string_view s, size_t pos = 0) {
  if (pos >= s.size()) return 0;
  auto line_end = s.find("\r\n", pos);
  if (line_end == std::string_view::npos) return 0;
  char type = s[pos];
  std::string_view header = s.substr(pos + 1, line_end - pos - 1);
  size_t after = line_end + 2;
  switch (type) {
    case '+':
    case '-':
    case ':':
    case '_':
    case ',':
    case '#':
    case '(':
      return after - pos;
    case '$':
    case '=':
    case '!': {
      long n = std::stol(std::string(header));
      if (n < 0) return after - pos;
      if (s.size() < after + static_cast<size_t>(n) + 2) return 0;
      return after + static_cast<size_t>(n) + 2 - pos;
    }
    case '*':
    case '~':
    case '%':
    case '>': {
      long n = std::stol(std::string(header));
      if (n < 0) return after - pos;
      if (type == '%') n *= 2;
      size_t p = after;
      for (long i = 0; i < n; ++i) {
        size_t len = resp_length(s, p);
        if (len == 0) return 0;
        p += len;
      }
      return p - pos;
    }
    default:
      throw std::runtime_error("bad RESP type byte");
  }
}

inline std::string encode_command(const std::vector<std::string>& args) {
  std::string out = "*" + std::to_string(args.size()) + "\r\n";
  for (const auto& a : args) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

class Backend {
 public:
  virtual ~Backend() = default;
  // Sends raw request bytes and returns exactly `replies` complete replies.
  virtual std::string send(const std::string& raw, int replies = 1) = 0;
  // Waits until pred() holds: virtual time moves in the simulator, real time
  // (polled, with a deadline) on the real runtime. False on timeout.
  virtual bool eventually(const std::function<bool()>& pred, int64_t timeout_ms) = 0;
  // True once the server closed the connection.
  virtual bool closed() = 0;
  virtual std::unique_ptr<Backend> another_client() = 0;

  std::string cmd(std::vector<std::string> args) { return send(encode_command(args)); }
};

inline RegionSettings test_settings() {
  RegionSettings s;
  s.region_name = "test";
  s.region_id = 1;
  s.enable_flushall = true;
  s.fsync = FsyncMode::kNo;
  return s;
}

class SimBackend : public Backend {
 public:
  explicit SimBackend(RegionSettings s = test_settings())
      : owned_(std::make_shared<sim::SimRegion>(std::move(s), 42)), region_(owned_) {
    client_ = region_->connect(&refusal_);
  }
  explicit SimBackend(std::shared_ptr<sim::SimRegion> region) : region_(std::move(region)) {
    client_ = region_->connect(&refusal_);
  }
  std::string send(const std::string& raw, int replies) override {
    if (!client_) return refusal_;  // refused at connect, as the real server does
    std::string out = client_->send_raw(raw);
    size_t total = 0;
    for (int i = 0; i < replies; ++i) {
      size_t n = resp_length(out, total);
      if (n == 0) throw std::runtime_error("incomplete reply: " + out);
      total += n;
    }
    return out.substr(0, total);
  }
  bool eventually(const std::function<bool()>& pred, int64_t timeout_ms) override {
    for (int64_t t = 0; t <= timeout_ms; t += 10) {
      if (pred()) return true;
      region_->advance(10);
    }
    return pred();
  }
  bool closed() override { return !client_ || !client_->open(); }
  std::unique_ptr<Backend> another_client() override {
    return std::make_unique<SimBackend>(region_);
  }
  sim::SimRegion& region() { return *region_; }

 private:
  std::shared_ptr<sim::SimRegion> owned_;
  std::shared_ptr<sim::SimRegion> region_;
  std::unique_ptr<sim::SimClient> client_;
  std::string refusal_;
};

// A RegionServer on its own thread, with RocksDB in a fresh temp directory.
class RealServer {
 public:
  explicit RealServer(RegionSettings s = test_settings()) {
    char tmpl[] = "/tmp/meridian-unit-XXXXXX";
    dir_ = mkdtemp(tmpl);
    server_ = std::make_unique<RegionServer>(std::move(s), dir_, "127.0.0.1", 0);
    thread_ = std::thread([this] { server_->run(false); });
  }
  ~RealServer() {
    server_->stop();
    thread_.join();
    server_.reset();
    std::filesystem::remove_all(dir_);
  }
  uint16_t port() const { return server_->port(); }

 private:
  std::string dir_;
  std::unique_ptr<RegionServer> server_;
  std::thread thread_;
};

class RealBackend : public Backend {
 public:
  explicit RealBackend(RegionSettings s = test_settings())
      : server_(std::make_shared<RealServer>(std::move(s))) {
    connect();
  }
  explicit RealBackend(std::shared_ptr<RealServer> server) : server_(std::move(server)) {
    connect();
  }
  ~RealBackend() override { ::close(fd_); }

  std::string send(const std::string& raw, int replies) override {
    size_t off = 0;
    while (off < raw.size()) {
      ssize_t n = ::send(fd_, raw.data() + off, raw.size() - off, MSG_NOSIGNAL);
      if (n <= 0) throw std::runtime_error("send failed");
      off += static_cast<size_t>(n);
    }
    std::string out;
    size_t total = 0;
    for (int i = 0; i < replies; ++i) {
      size_t n;
      while ((n = resp_length(buf_, total)) == 0) {
        char tmp[65536];
        ssize_t r = ::recv(fd_, tmp, sizeof(tmp), 0);
        if (r <= 0) throw std::runtime_error("connection closed; got: " + buf_);
        buf_.append(tmp, static_cast<size_t>(r));
      }
      total += n;
    }
    out = buf_.substr(0, total);
    buf_.erase(0, total);
    return out;
  }
  bool eventually(const std::function<bool()>& pred, int64_t timeout_ms) override {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (std::chrono::steady_clock::now() < deadline) {
      if (pred()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));  // poll interval, with a deadline
    }
    return pred();
  }
  bool closed() override {
    char c;
    ssize_t r = ::recv(fd_, &c, 1, 0);  // blocks until data or EOF
    return r == 0 || r < 0;
  }
  std::unique_ptr<Backend> another_client() override {
    return std::make_unique<RealBackend>(server_);
  }

 private:
  void connect() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(server_->port());
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
      throw std::runtime_error("cannot connect to the test server");
    }
    timeval tv{10, 0};  // a hung server fails the test instead of hanging it
    setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }
  std::shared_ptr<RealServer> server_;
  int fd_ = -1;
  std::string buf_;
};

}  // namespace meridian::testing
