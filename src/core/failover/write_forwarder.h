#pragma once
// read-local/write-global: a standby forwards each write command to the
// primary, which runs it as a client would and sends the reply bytes back;
// the standby hands them to its client. The client pays one round trip to
// the primary and nothing more; the write reaches the standby by
// replication. No I/O: messages go through Network after the pass commits.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/env/env.h"
#include "core/env/lifetime.h"
#include "core/env/network.h"
#include "core/env/outbox.h"

namespace meridian {

// A client connection of the primary that runs one forwarded command (a
// Session; the forwarder only feeds it and collects its reply).
class ForwardedClient {
 public:
  virtual ~ForwardedClient() = default;
  // As Session::feed, blocked and resume.
  virtual bool feed(std::string_view bytes, std::string& out) = 0;
  virtual bool blocked() const = 0;
  virtual bool resume(std::string& out) = 0;
};

class WriteForwarder {
 public:
  // `names`: region id -> name, for errors.
  WriteForwarder(Env env, const std::map<RegionId, std::string>& names);
  ~WriteForwarder();
  void attach(Network* network) { network_ = network; }

  // Primary side: opens a client for a command forwarded by `from`, in
  // RESP version `proto`; the client calls `ready` when a blocked command
  // finished waiting. Set by the session layer (Session::
  // serve_forwarded_writes); without it forwarded commands are refused.
  std::function<std::unique_ptr<ForwardedClient>(RegionId from, int proto,
                                                 std::function<void()> ready)>
      open_client;

  // Standby side: sends `argv` to `primary`; `done` gets the reply bytes,
  // or an error reply after timeout_ms.
  void forward(RegionId primary, const std::vector<std::string>& argv, int proto,
               int64_t timeout_ms, std::function<void(std::string reply)> done);
  // Either side.
  void on_message(RegionId from, std::string_view message);
  void after_commit();

 private:
  struct Running {  // a forwarded command the primary is running
    RegionId from;
    uint64_t id;
    std::unique_ptr<ForwardedClient> session;
    std::string out;
  };
  void run(RegionId from, uint64_t id, int proto, std::vector<std::string> argv);
  void finish(uint64_t key);
  void send(RegionId to, std::string m) { outbox_.add(to, std::move(m)); }

  Env env_;
  const std::map<RegionId, std::string>& names_;
  Network* network_ = nullptr;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::function<void(std::string)>> waiting_;
  uint64_t next_running_ = 1;
  std::map<uint64_t, Running> running_;
  Outbox outbox_{env_.storage};
  Lifetime lifetime_;
};

}  // namespace meridian
