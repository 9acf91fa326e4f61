#pragma once
// Lua scripts (EVAL, EVALSHA, SCRIPT): one Lua 5.1 interpreter per region,
// set up as Redis sets up its own: the base, table, string, math, cjson and
// bit libraries and nothing that reaches the system (no os, io, loadfile,
// dofile); globals read-only (a script cannot leave state behind for the
// next one); KEYS and ARGV; the `redis` table (call, pcall, error_reply,
// status_reply, sha1hex, log, setresp, set_repl, replicate_commands).
// Errors read as Redis writes them ("... script: <sha>, on
// @user_script:<line>.").
//
// No I/O: a script's commands run through the caller's `Call`, which runs
// them as the region runs any command (each its own write, all of them one
// replicated unit: Session).
#include <cstdint>
#include <deque>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

struct lua_State;
struct lua_Debug;

namespace meridian {

class Reply;

class Scripts {
 public:
  // Runs one command for a script: fills `reply` with its reply in RESP
  // `proto` (2, or 3 after redis.setresp(3)), or returns the error that
  // makes redis.call fail before running it ("ERR Unknown Redis command
  // called from script", ...).
  using Call = std::function<std::optional<std::string>(std::vector<std::string_view>& argv,
                                                        std::string& reply, int proto)>;
  // `now_ms`: a monotonic clock, for the time limit.
  explicit Scripts(std::function<int64_t()> now_ms);
  ~Scripts();
  Scripts(const Scripts&) = delete;
  Scripts& operator=(const Scripts&) = delete;

  static std::string sha1_hex(std::string_view text);
  // Library and function names: letters, digits and '_', at least one.
  static bool valid_name(std::string_view name);

  // Compiles and caches `body` (SCRIPT LOAD keeps it until SCRIPT FLUSH;
  // EVAL's scripts are kept up to kMaxEvalScripts, least recently loaded
  // first out). Returns its SHA1, or nothing with Redis' error in `error`.
  std::optional<std::string> load(std::string_view body, bool from_eval, std::string* error);
  bool exists(std::string_view sha) const;
  void flush();
  size_t size() const { return cached_.size(); }

  // Runs the cached script `sha` with KEYS and ARGV and writes its reply.
  // False if no such script (NOSCRIPT).
  bool run(const std::string& sha, const std::vector<std::string_view>& keys,
           const std::vector<std::string_view>& args, const Call& call, Reply& reply);
  bool running() const { return running_; }

  // Function libraries (Functions drives these). load_library runs `code`
  // (its first line the "#!lua ..." metadata) with only
  // redis.register_function at hand, and returns what it registered, or
  // nothing with Redis' error in `error`; commit_library then makes `add`
  // callable (and `remove` not).
  struct Registered {
    std::string name, description;
    std::vector<std::string> flags;
  };
  std::optional<std::vector<Registered>> load_library(std::string_view code, std::string* error);
  void commit_library(const std::vector<std::string>& add, const std::vector<std::string>& remove);
  // Runs function `name` with (keys, args); false if there is none.
  bool run_function(const std::string& name, const std::vector<std::string_view>& keys,
                    const std::vector<std::string_view>& args, const Call& call, Reply& reply);
  // Called after SCRIPT FLUSH renewed the interpreter (libraries load again).
  std::function<void()> on_reset;

  // Redis' lua-time-limit (busy-reply-threshold). A script running longer
  // is busy: the hook calls busy_poll every kBusyPollMs, through which the
  // runtime answers other clients (BUSY, or SCRIPT KILL / FUNCTION KILL via
  // kill()). Without a busy_poll (a runtime that cannot answer meanwhile)
  // such a script is stopped with an error instead.
  void set_time_limit_ms(int64_t ms) { time_limit_ms_ = ms; }
  int64_t time_limit_ms() const { return time_limit_ms_; }
  std::function<void()> busy_poll;
  static constexpr int64_t kBusyPollMs = 10;
  // Past the time limit (other clients are answered BUSY).
  bool busy() const { return busy_; }
  // The running script is a function (FCALL), not an EVAL.
  bool running_function() const { return function_running_; }
  // A command the running script made wrote: it can no longer be killed.
  void note_write() { wrote_ = true; }
  // SCRIPT KILL (function: FUNCTION KILL) of the busy script: the script
  // stops with an error at its next hook.
  enum class Kill { kNotBusy, kUnkillable, kWrongKind, kKilled };
  Kill kill(bool function);
  static constexpr size_t kMaxEvalScripts = 500;

 private:
  void open();
  void close();
  static int redis_call(lua_State* L);
  static int redis_pcall(lua_State* L);
  static int command(lua_State* L, bool raise);
  static int setresp(lua_State* L);
  static int register_function(lua_State* L);
  // Pushes the error handler and function `name` of registry table
  // `table`; false (nothing pushed) if there is none.
  bool push_callable(const char* table, const std::string& name);
  // Runs the function under the error handler at base+1 (with `nargs`
  // arguments above it) and writes its reply or its error, named `name`.
  void execute(int base, int nargs, const std::string& name, const Call& call, Reply& reply);
  static void hook(lua_State* L, lua_Debug* ar);

  std::function<int64_t()> now_ms_;
  lua_State* L_ = nullptr;
  std::unordered_map<std::string, bool> cached_;  // sha -> loaded by SCRIPT LOAD
  std::deque<std::string> eval_order_;            // EVAL-loaded, oldest first
  const Call* call_ = nullptr;                    // of the running script
  std::vector<Registered> pending_;               // registrations of the library loading
  bool running_ = false;
  int resp_ = 2;  // redis.setresp() of the running script
  int64_t started_ms_ = 0;
  int64_t time_limit_ms_ = 5000;
  int64_t last_poll_ms_ = 0;
  bool busy_ = false;
  bool function_running_ = false;
  bool wrote_ = false;
  bool kill_requested_ = false;
};

}  // namespace meridian
