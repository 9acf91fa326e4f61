#include "runtime/real/http_status.h"

#include <httplib.h>
#include <openssl/crypto.h>
#include <sys/socket.h>

#include <asio/post.hpp>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <stdexcept>

namespace meridian {

// What the HTTP threads and the jobs posted to the io thread share; it
// outlives the HttpStatus if a posted job runs after destruction.
struct HttpStatus::Shared {
  Handler handler;
  std::chrono::milliseconds io_timeout;
  // Held while the handler runs, so the destructor waits for a running
  // handler and no handler starts after it.
  std::mutex call_mu;
  std::mutex mu;  // guards the fields below and every Reply
  std::condition_variable cv;
  bool stopped = false;
};

namespace {

struct Reply {
  bool done = false;
  bool abandoned = false;  // the HTTP thread gave up waiting
  int status = 500;
  std::string body;
  std::string content_type = "text/plain; charset=utf-8";
};

}  // namespace

namespace {

std::unique_ptr<httplib::Server> make_server(const HttpStatus::Security& security) {
  if (!security.tls) return std::make_unique<httplib::Server>();
  auto server = std::make_unique<httplib::SSLServer>(security.tls->cert_file.c_str(),
                                                     security.tls->key_file.c_str());
  if (!server->is_valid()) {
    throw std::runtime_error("cannot serve the status pages over HTTPS: OpenSSL refused " +
                             security.tls->cert_file + " or " + security.tls->key_file);
  }
  return server;
}

// In constant time: how long a comparison takes says nothing of the token.
bool token_matches(const std::string& header, const std::string& token) {
  const std::string want = "Bearer " + token;
  return header.size() == want.size() &&
         CRYPTO_memcmp(header.data(), want.data(), want.size()) == 0;
}

}  // namespace

HttpStatus::HttpStatus(asio::io_context& io, HostPort listen, Handler handler, Security security,
                       std::chrono::milliseconds io_timeout)
    : shared_(std::make_shared<Shared>()), server_(make_server(security)) {
  if (!security.token.empty()) {
    server_->set_pre_routing_handler(
        [token = security.token](const httplib::Request& req, httplib::Response& res) {
          if (token_matches(req.get_header_value("Authorization"), token)) {
            return httplib::Server::HandlerResponse::Unhandled;
          }
          res.status = 401;
          res.set_header("WWW-Authenticate", "Bearer");
          res.set_content("unauthorized: send \"Authorization: Bearer <[server] http_token>\"\n",
                          "text/plain; charset=utf-8");
          return httplib::Server::HandlerResponse::Handled;
        });
  }
  shared_->handler = std::move(handler);
  shared_->io_timeout = io_timeout;
  // A status page needs few threads (httplib's default is one per core).
  server_->new_task_queue = [] { return new httplib::ThreadPool(2); };
  // httplib's default sets SO_REUSEPORT, which would let two regions share a
  // status port without an error; SO_REUSEADDR alone still allows a quick
  // restart over TIME_WAIT.
  server_->set_socket_options([](socket_t sock) {
    int yes = 1;
    setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  server_->set_read_timeout(std::chrono::seconds(5));
  server_->set_write_timeout(std::chrono::seconds(5));
  std::shared_ptr<Shared> shared = shared_;
  server_->Get(".*", [shared, &io](const httplib::Request& req, httplib::Response& res) {
    auto reply = std::make_shared<Reply>();
    asio::post(io, [shared, reply, path = req.path] {
      std::lock_guard<std::mutex> call(shared->call_mu);
      {
        std::lock_guard<std::mutex> lk(shared->mu);
        if (shared->stopped || reply->abandoned) return;
      }
      std::string body;
      std::string type = "text/plain; charset=utf-8";
      int status = 500;
      try {
        status = shared->handler(path, &body, &type);
      } catch (const std::exception& e) {
        status = 500;
        body = std::string("internal error: ") + e.what() + "\n";
      }
      std::lock_guard<std::mutex> lk(shared->mu);
      reply->status = status;
      reply->body = std::move(body);
      reply->content_type = std::move(type);
      reply->done = true;
      shared->cv.notify_all();
    });
    std::unique_lock<std::mutex> lk(shared->mu);
    bool answered =
        shared->cv.wait_for(lk, shared->io_timeout, [&] { return reply->done || shared->stopped; });
    if (!answered || !reply->done) {
      reply->abandoned = true;
      res.status = 503;
      res.set_content(shared->stopped ? "shutting down\n" : "the server is busy; try again\n",
                      "text/plain; charset=utf-8");
      return;
    }
    res.status = reply->status;
    res.set_content(reply->body, reply->content_type.c_str());
  });

  errno = 0;
  bool bound = false;
  if (listen.port == 0) {
    int port = server_->bind_to_any_port(listen.host);
    bound = port > 0;
    port_ = static_cast<uint16_t>(bound ? port : 0);
  } else {
    bound = server_->bind_to_port(listen.host, listen.port);
    port_ = listen.port;
  }
  if (!bound) {
    std::string why = errno != 0 ? std::string(std::strerror(errno)) : "cannot bind";
    throw std::runtime_error("cannot serve HTTP status on " + listen.str() + ": " + why +
                             " (is another process using the port? fix this region's `http` "
                             "address in the config)");
  }
  thread_ = std::thread([this] {
    server_->listen_after_bind();
    finished_ = true;
  });
}

HttpStatus::~HttpStatus() {
  {
    std::lock_guard<std::mutex> call(shared_->call_mu);
    std::lock_guard<std::mutex> lk(shared_->mu);
    shared_->stopped = true;
  }
  shared_->cv.notify_all();
  // httplib 0.11's stop() does nothing until listen_after_bind has started
  // its loop: wait for that (it takes microseconds) so the join cannot hang.
  while (!server_->is_running() && !finished_) std::this_thread::yield();
  server_->stop();
  if (thread_.joinable()) thread_.join();
}

}  // namespace meridian
