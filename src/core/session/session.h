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

#include "core/commands/command_acl.h"
#include "core/env/lifetime.h"
#include "core/failover/write_forwarder.h"
#include "core/placement/placement.h"
#include "core/protocol/request_parser.h"
#include "core/region/client.h"
#include "core/settings/consistency.h"
#include "core/settings/region_settings.h"

namespace meridian {

class Region;
struct CommandSpec;

class Session : public Client, public ForwardedClient {
 public:
  // A new client connection, or nullptr with the line to send in `refusal`
  // (maxclients).
  static std::unique_ptr<Session> connect(Region& region, std::string peer_address,
                                          std::string* refusal);
  // Lets `region` run the writes other regions forward to it, each in an
  // internal session (authenticated, not subject to maxclients).
  static void serve_forwarded_writes(Region& region);

  Session(Region& region, std::string peer_address);
  ~Session() override;

  // Consumes bytes read from the client and appends replies to `out`.
  // Returns false when the connection must be closed once `out` is sent
  // (QUIT, protocol error).
  bool feed(std::string_view bytes, std::string& out) override;

  // Blocking. The runtime's hook, called (from the core's thread) when a
  // blocked command has finished waiting; the runtime must then call
  // resume() and send what it appends, after Region::end_pass().
  void set_ready_hook(std::function<void()> hook) { ready_hook_ = std::move(hook); }
  bool blocked() const override { return blocked_; }
  // Bytes read from the client and not yet run (a blocked session keeps
  // what arrives meanwhile).
  size_t buffered_input() const { return parser_.buffered(); }
  // While another client's script is busy (Scripts::busy_poll): reads
  // `bytes` and answers each whole command as Redis does meanwhile (BUSY,
  // or SCRIPT KILL / FUNCTION KILL); a partial command waits in the parser
  // for feed(). Only for a session with nothing unrun or unanswered.
  void feed_while_busy(std::string_view bytes, std::string& out);
  // Same return value as feed().
  bool resume(std::string& out) override;
  void kill() override;
  void push(std::string_view bytes) override;
  // Redis' client-output-buffer-limit of this client's class: pubsub while
  // it is subscribed, else normal. The runtime enforces it on the replies
  // the client has not read yet (output_limit.cc).
  const RegionSettings::OutputLimit& output_limit() const;
  // A MONITOR client that falls this far behind is closed (Redis'
  // client-output-buffer-limit for monitors, in spirit).
  static constexpr size_t kMaxPushed = size_t{32} << 20;

  // Client: blocks this session until `start`'s function is called.
  void suspend(const std::function<void(std::function<void(Finish)> complete)>& start) override;
  void set_authenticated(const std::string& user) override;
  void block_on(const std::vector<std::string_view>& keys, int64_t timeout_ms,
                std::vector<std::string> retry_argv = {}) override;
  bool retry_blocked() override;
  void reset_connection() override;
  std::optional<std::string> script_call(std::vector<std::string_view>& argv, std::string& reply,
                                         bool read_only, int proto) override;
  void block_timed_out() override;
  size_t query_buffer_bytes() const override { return parser_.buffered(); }
  size_t pending_output_bytes() const override { return pushed_.size(); }
  int64_t queued_commands() const override {
    return multi_ ? static_cast<int64_t>(multi_->queued.size()) : -1;
  }
  // For a command forwarded from another region.
  void set_forwarded() { forwarded_ = true; }

 private:
  void process(std::string& out);
  void dispatch(std::vector<std::string_view>& argv, std::string& out);
  void execute(const CommandSpec& spec, std::vector<std::string_view>& argv, std::string& out);
  // Records a command that ran (its time, an error reply, the slow log).
  void account(const CommandSpec& spec, const std::vector<std::string_view>& argv,
               const std::string& out, size_t reply_start, int64_t started_us);
  void feed_monitors(const std::vector<std::string_view>& argv, int64_t now_ms);
  // `arrived_us`: when the command's turn came (the client-seen latency by
  // read level and write mode is measured from it).
  bool defer_read(const CommandSpec& spec, const std::vector<std::string_view>& argv,
                  const ReadPolicy& policy, int64_t arrived_us);
  void hold_write(const WritePolicy& policy, std::string& out, size_t reply_start,
                  int64_t arrived_us);
  // Records a read's or a write's client-seen latency now.
  std::function<void()> timer(bool write, std::string label, int64_t arrived_us);
  // Runs `argv` in region `to` and hands its reply to this client.
  void forward(RegionId to, const CommandSpec& spec, const std::vector<std::string_view>& argv);
  // Geo-partitioning: sends a command on keys homed elsewhere to their home
  // (or answers MOVED / CROSSREGION / CLUSTERDOWN). True if it answered or
  // forwarded; false to run the command here. Sets home_allowed_.
  bool route(const CommandSpec& spec, const std::vector<std::string_view>& argv, std::string& out);
  RegionId acting_home(const Placement::Decision& d) const;
  void run_once(std::vector<std::string_view>& argv, std::string& out);
  // CLIENT PAUSE: waits until the pause ends, then dispatches `argv`.
  void hold_for_pause(const std::vector<std::string_view>& argv);
  WritePolicy write_policy(const CommandSpec& spec, const std::vector<std::string_view>& argv);
  // Runs a command in this region now (no routing, waits or refusals);
  // returns whether it wrote (a script: through the commands it ran).
  bool run_here(const CommandSpec& spec, std::vector<std::string_view>& argv, std::string& out);
  // The keyspace notifications of the write command just run: published
  // here and sent with its record (when some region may want them).
  void note_events(const std::vector<std::string_view>& argv);
  void note_command(const CommandSpec& spec);

  // ---- ACL (acl_check.cc) ----
  // Whether this connection's user may run `argv` (Redis' ACLCheckAllPerm);
  // a refusal is logged in ACL LOG under `context` ("toplevel", "multi",
  // "lua"). Forwarded writes were checked in the region they came from.
  std::optional<AclRefusal> acl_refusal(const CommandSpec& spec,
                                        const std::vector<std::string_view>& argv,
                                        const char* context);
  // Redis' NOPERM line for a refusal before the command runs.
  static std::string noperm_line(const AclRefusal& r);

  // ---- MULTI / EXEC (transaction.cc) ----
  // MULTI, EXEC, DISCARD, or a command queued between them: true if it
  // answered (the command must not run now).
  bool transaction_step(const CommandSpec& spec, std::vector<std::string_view>& argv,
                        std::string& out);
  void exec(std::string& out);
  void end_transaction();
  // Why the queued transaction cannot run in this region now, if it cannot.
  std::optional<std::string> exec_refusal();
  // Why a command of a transaction or a script cannot run in this region
  // now (it writes where writes are refused, or names keys homed elsewhere).
  std::optional<std::string> unit_refusal(const CommandSpec& spec,
                                          const std::vector<std::string_view>& argv);
  struct Transaction {
    std::vector<std::vector<std::string>> queued;
    bool aborted = false;              // a command was refused while queued: EXEC answers EXECABORT
    bool writes = false;               // a queued command may write (CLIENT PAUSE WRITE holds EXEC)
    std::optional<WritePolicy> write;  // MR.ONCE <mode> MULTI
  };
  std::optional<Transaction> multi_;
  bool exec_waited_ = false;  // a command in EXEC tried to wait
  // The command running now (run_here), and the blocking command waiting
  // for its keys with what wakes it.
  const std::vector<std::string_view>* running_argv_ = nullptr;
  std::vector<std::string> blocked_argv_;
  std::function<void(Finish)> wake_;
  bool blocked_again_ = false;  // retry_blocked() found nothing again
  ReadPolicy read_policy(const CommandSpec& spec, const std::vector<std::string_view>& argv);

  Region& region_;
  RequestParser parser_;
  std::vector<std::string_view> argv_;

  std::optional<WritePolicy> once_write_;
  // The regions allowed to hold the running command's keys (empty: global
  // keys): semi-sync and sync count only those.
  std::vector<RegionId> home_allowed_;
  bool forwarded_ = false;  // runs commands another region forwarded: never forwards again
  std::optional<ReadPolicy> once_read_;
  bool blocked_ = false;
  std::optional<Finish> finish_;  // set when a blocked command's wait ended
  std::function<void()> ready_hook_;
  std::string pushed_;  // MONITOR lines and messages not yet handed to the runtime
  // The output of the command running now: what is pushed meanwhile (a
  // message the client published to itself) goes before its reply, as in Redis.
  std::string* running_out_ = nullptr;
  Lifetime lifetime_;
};

}  // namespace meridian
