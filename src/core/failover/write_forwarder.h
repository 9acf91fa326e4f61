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
#include "core/env/network.h"

namespace meridian {

class Region;
class Session;

class WriteForwarder {
 public:
  WriteForwarder(Region& region, Env env);
  ~WriteForwarder();
  void attach(Network* network) { network_ = network; }

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
    std::unique_ptr<Session> session;
    std::string out;
  };
  void run(RegionId from, uint64_t id, int proto, std::vector<std::string> argv);
  void finish(uint64_t key);
  void send(RegionId to, std::string m) { outbox_.emplace_back(to, std::move(m)); }

  Region& region_;
  Env env_;
  Network* network_ = nullptr;
  uint64_t next_id_ = 1;
  std::map<uint64_t, std::function<void(std::string)>> waiting_;
  uint64_t next_running_ = 1;
  std::map<uint64_t, Running> running_;
  std::vector<std::pair<RegionId, std::string>> outbox_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace meridian
