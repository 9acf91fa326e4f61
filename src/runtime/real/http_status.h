#pragma once
// A small HTTP server for status pages (cpp-httplib). It serves GET requests
// on its own threads, but every response body is produced on the event-loop
// thread: each request is posted to `io` and awaited, so the core is never
// touched from another thread.
#include <asio/io_context.hpp>
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

#include "config/cluster_config.h"

namespace httplib {
class Server;
}

namespace meridian {

class HttpStatus {
 public:
  // Runs on the io thread. Fills *body (and *content_type, which starts as
  // "text/plain; charset=utf-8") for a GET of `path` (without the query
  // string) and returns the HTTP status.
  using Handler =
      std::function<int(const std::string& path, std::string* body, std::string* content_type)>;

  // Binds `listen` (port 0: any free port) and starts serving. Throws
  // std::runtime_error naming the address if it cannot bind. A request the
  // io thread has not answered within `io_timeout` gets 503.
  // With `tls` it serves HTTPS with tls's certificate; with a `token` it
  // answers 401 to a request without "Authorization: Bearer <token>".
  struct Security {
    std::optional<TlsConfig> tls;
    std::string token;
  };
  HttpStatus(asio::io_context& io, HostPort listen, Handler handler, Security security = {},
             std::chrono::milliseconds io_timeout = std::chrono::milliseconds(2000));
  // Stops serving and joins the server's threads. After it returns the
  // handler is not called again (a request already posted to `io` is skipped
  // when it runs). Safe on the io thread or any other.
  ~HttpStatus();
  HttpStatus(const HttpStatus&) = delete;
  HttpStatus& operator=(const HttpStatus&) = delete;

  uint16_t port() const { return port_; }

 private:
  struct Shared;
  std::shared_ptr<Shared> shared_;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  std::atomic<bool> finished_{false};
  uint16_t port_ = 0;
};

}  // namespace meridian
