#pragma once
// One client connection as commands and CLIENT LIST see it: identity, RESP
// version, authentication, name and its replication choices (write mode,
// read level, session token). A Session (core/session) is one; the region
// keeps the list of those open (Region::clients()).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/hlc.h"
#include "core/base/version_vector.h"
#include "core/settings/consistency.h"

namespace meridian {

class Client {
 public:
  Client(uint64_t id, std::string peer_address, int64_t now_ms)
      : id_(id), peer_(std::move(peer_address)), created_ms_(now_ms), last_command_ms_(now_ms) {}
  virtual ~Client() = default;
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  // For commands that wait (WAIT, MR.GLOBAL, ...): suspends the current
  // command. `start` receives the function to call once, later, with what
  // produces the reply.
  using Finish = std::function<void(std::string& out, int proto)>;
  virtual void suspend(const std::function<void(std::function<void(Finish)> complete)>& start) = 0;
  virtual void set_authenticated(const std::string& user) {
    authenticated_ = true;
    user_ = user;
  }

  uint64_t id() const { return id_; }
  const std::string& peer_address() const { return peer_; }
  const std::string& name() const { return name_; }
  void set_name(std::string n) { name_ = std::move(n); }
  int proto() const { return proto_; }
  void set_proto(int p) { proto_ = p; }
  bool authenticated() const { return authenticated_; }
  const std::string& user() const { return user_; }
  void close_after_reply() { closing_ = true; }
  // CLIENT KILL from another connection: closes this one as soon as the
  // runtime can (the session wakes its runtime; a plain client just closes
  // after its next reply).
  virtual void kill() { closing_ = true; }
  // MONITOR, pub/sub: bytes for this client outside any reply of its own. A
  // session buffers them (bounded) and wakes its runtime; past the bound it
  // is killed, which closes it later, never during the call (callers may be
  // walking lists the client is on).
  virtual void push(std::string_view bytes) { (void)bytes; }
  // Waiting for its command to finish (WAIT, a sync write, CLIENT PAUSE,
  // BLPOP).
  virtual bool blocked() const { return false; }
  // Blocking commands (cmd::block): the running command waits on `keys`
  // (BlockedClients) until retry_blocked(), which runs it again and is
  // true if it answered this time, or block_timed_out() (a nil array).
  // `retry_argv`, when given, is what runs again instead (XREAD's "$" as
  // the id it stood for when the client blocked).
  virtual void block_on(const std::vector<std::string_view>& keys, int64_t timeout_ms,
                        std::vector<std::string> /*retry_argv*/ = {}) {
    (void)keys;
    (void)timeout_ms;
  }
  // Running a command of a Lua script.
  bool in_script() const { return in_script_; }
  virtual bool retry_blocked() { return false; }
  // A command of a Lua script: fills `reply` (RESP `proto`, the script's
  // redis.setresp) or returns why the
  // script may not run it (Scripts::Call).
  virtual std::optional<std::string> script_call(std::vector<std::string_view>& argv,
                                                 std::string& reply, bool read_only, int proto) {
    (void)argv;
    (void)reply;
    (void)read_only;
    (void)proto;
    return "ERR scripts run only on a client connection";
  }
  // RESET: the connection as it was when it opened (no transaction, no
  // watched keys, no subscriptions, not a monitor, RESP2, no name, the
  // default user, no MR.WRITE / MR.READ choice).
  virtual void reset_connection() {}
  // retry_blocked() is running the command again.
  bool retrying_blocked() const { return retrying_; }
  virtual void block_timed_out() {}
  // CLIENT LIST's buffer fields: bytes read and not yet run (qbuf), bytes
  // produced and not yet handed to the runtime (omem), and the commands
  // queued in MULTI (-1 outside one).
  virtual size_t query_buffer_bytes() const { return 0; }
  virtual size_t pending_output_bytes() const { return 0; }
  virtual int64_t queued_commands() const { return -1; }
  // Between MULTI and EXEC / DISCARD (commands are queued).
  bool in_multi() const { return multi_state_ != Multi::kNone; }
  // Running the commands of EXEC: nothing may wait (WAIT answers at once).
  bool in_exec() const { return multi_state_ == Multi::kExec; }
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

 protected:
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
  std::optional<WritePolicy> write_override_;
  std::optional<ReadPolicy> read_override_;
  VersionVector token_;
  uint64_t last_write_seq_ = 0;
  Hlc last_write_hlc_;
  enum class Multi { kNone, kQueuing, kExec };
  Multi multi_state_ = Multi::kNone;
  bool retrying_ = false;
  bool in_script_ = false;
};

}  // namespace meridian
