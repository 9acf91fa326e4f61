#pragma once
// One client connection's protocol state: request parsing, RESP version,
// authentication, name, and its replication choices (write mode, read level,
// session token). The runtime feeds it the bytes it reads and sends the bytes
// it produces (after Region::end_pass()).
//
// A command may have to wait for other regions (a semi-sync or sync write, a
// leader, quorum or session read, WAIT). The session is then blocked: its
// reply and everything pipelined after it wait. When the wait ends the
// session calls the runtime's ready hook; the runtime then calls resume(),
// which produces the reply and runs the commands that queued up, and sends
// the output after Region::end_pass().
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/hlc.h"
#include "core/data/version_vector.h"
#include "core/placement/placement.h"
#include "core/protocol/request_parser.h"
#include "core/replication/consistency.h"

namespace meridian {

class Region;
struct CommandSpec;

class Session {
 public:
  Session(Region& region, uint64_t id, std::string peer_address);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  // Consumes bytes read from the client and appends replies to `out`.
  // Returns false when the connection must be closed once `out` is sent
  // (QUIT, protocol error).
  bool feed(std::string_view bytes, std::string& out);

  // Blocking. The runtime's hook, called (from the core's thread) when a
  // blocked command has finished waiting; the runtime must then call
  // resume() and send what it appends, after Region::end_pass().
  void set_ready_hook(std::function<void()> hook) { ready_hook_ = std::move(hook); }
  bool blocked() const { return blocked_; }
  // Same return value as feed().
  bool resume(std::string& out);

  // For commands: suspends the current command. `start` receives the
  // function to call once, later, with what produces the reply.
  using Finish = std::function<void(std::string& out, int proto)>;
  void suspend(const std::function<void(std::function<void(Finish)> complete)>& start);

  uint64_t id() const { return id_; }
  const std::string& peer_address() const { return peer_; }
  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }
  int proto() const { return proto_; }
  void set_proto(int p) { proto_ = p; }
  // For a command forwarded from another region.
  void set_forwarded() { forwarded_ = true; }
  bool authenticated() const { return authenticated_; }
  void set_authenticated(const std::string& user);
  const std::string& user() const { return user_; }
  void close_after_reply() { closing_ = true; }
  int64_t created_ms() const { return created_ms_; }
  int64_t last_command_ms() const { return last_command_ms_; }
  // Name of the last command run, "NULL" before the first (as Redis shows it).
  std::string_view last_command() const { return last_command_; }

  // Replication choices of this connection (MR.WRITE, MR.READ).
  std::optional<WritePolicy>& write_override() { return write_override_; }
  std::optional<ReadPolicy>& read_override() { return read_override_; }
  // The session token: every write this session made or was handed.
  VersionVector& token() { return token_; }
  // The dot and timestamp of this connection's last write (seq 0: none).
  uint64_t last_write_seq() const { return last_write_seq_; }
  Hlc last_write_hlc() const { return last_write_hlc_; }

 private:
  void process(std::string& out);
  void dispatch(std::vector<std::string_view>& argv, std::string& out);
  void execute(const CommandSpec& spec, std::vector<std::string_view>& argv, std::string& out);
  bool defer_read(const CommandSpec& spec, const std::vector<std::string_view>& argv,
                  const ReadPolicy& policy);
  void hold_write(const WritePolicy& policy, std::string& out, size_t reply_start);
  // Runs `argv` in region `to` and hands its reply to this client.
  void forward(RegionId to, const CommandSpec& spec, const std::vector<std::string_view>& argv);
  // Geo-partitioning: sends a command on keys homed elsewhere to their home
  // (or answers MOVED / CROSSREGION / CLUSTERDOWN). True if it answered or
  // forwarded; false to run the command here. Sets home_allowed_.
  bool route(const CommandSpec& spec, const std::vector<std::string_view>& argv, std::string& out);
  RegionId acting_home(const Placement::Decision& d) const;
  void run_once(std::vector<std::string_view>& argv, std::string& out);
  WritePolicy write_policy(const CommandSpec& spec, const std::vector<std::string_view>& argv);
  ReadPolicy read_policy(const CommandSpec& spec, const std::vector<std::string_view>& argv);

  Region& region_;
  uint64_t id_;
  std::string peer_;
  std::string name_;
  std::string user_ = "default";
  int proto_ = 2;
  bool authenticated_ = false;
  bool closing_ = false;
  int64_t created_ms_ = 0;
  int64_t last_command_ms_ = 0;
  std::string_view last_command_ = "NULL";  // points into the command table
  RequestParser parser_;
  std::vector<std::string_view> argv_;

  std::optional<WritePolicy> write_override_, once_write_;
  // The regions allowed to hold the running command's keys (empty: global
  // keys): semi-sync and sync count only those.
  std::vector<RegionId> home_allowed_;
  bool forwarded_ = false;  // runs commands another region forwarded: never forwards again
  std::optional<ReadPolicy> read_override_, once_read_;
  VersionVector token_;
  uint64_t last_write_seq_ = 0;
  Hlc last_write_hlc_;
  bool blocked_ = false;
  std::optional<Finish> finish_;  // set when a blocked command's wait ended
  std::function<void()> ready_hook_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace meridian
