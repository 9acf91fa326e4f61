#include "core/session/session.h"

#include "core/base/assert.h"
#include "core/base/glob.h"
#include "core/commands/command_table.h"
#include "core/commands/command_util.h"
#include "core/protocol/reply.h"
#include "core/region/region.h"

namespace meridian {

std::unique_ptr<Session> Session::connect(Region& region, std::string peer_address,
                                          std::string* refusal) {
  if (static_cast<int64_t>(region.stats().connected_clients) >= region.settings().maxclients) {
    ++region.stats().rejected_connections;
    *refusal = "-ERR max number of clients reached\r\n";
    return nullptr;
  }
  return std::make_unique<Session>(region, std::move(peer_address));
}

void Session::serve_forwarded_writes(Region& region) {
  region.forwarder().open_client = [&region](RegionId from, int proto,
                                             std::function<void()> ready) {
    auto s = std::make_unique<Session>(region, "forwarded:" + std::to_string(from));
    s->set_authenticated("default");
    s->set_proto(proto);
    s->set_forwarded();
    s->set_ready_hook(std::move(ready));
    return std::unique_ptr<ForwardedClient>(std::move(s));
  };
}

Session::Session(Region& region, std::string peer_address)
    : Client(region.next_client_id(), std::move(peer_address), region.now_ms()),
      region_(region),
      parser_(region.settings().limits) {
  authenticated_ = !region_.acl().default_needs_auth();
  parser_.set_unauthenticated(!authenticated_);
  ++region_.stats().connected_clients;
  ++region_.stats().total_connections_received;
  region_.add_client(this);
}

Session::~Session() {
  region_.client_pause().drop(this);
  region_.watches().unwatch(this);
  region_.blocked_clients().unblock(this);
  --region_.stats().connected_clients;
  region_.remove_client(this);
}

void Session::set_authenticated(const std::string& user) {
  Client::set_authenticated(user);
  parser_.set_unauthenticated(false);
}

bool Session::feed(std::string_view bytes, std::string& out) {
  if (closing_) return false;
  parser_.append(bytes);
  process(out);
  return !closing_;
}

bool Session::resume(std::string& out) {
  out.append(pushed_);
  pushed_.clear();
  if (!finish_) return !closing_;
  Finish f = std::move(*finish_);
  finish_.reset();
  blocked_ = false;
  size_t before = out.size();
  f(out, proto_);
  // A command held by CLIENT PAUSE may wait again once it runs.
  MERIDIAN_ASSERT(blocked_ || out.size() > before, "a command that waited ended without a reply");
  process(out);
  return !closing_;
}

void Session::push(std::string_view bytes) {
  if (closing_) return;
  if (running_out_ != nullptr) {
    running_out_->append(bytes);
    return;
  }
  if (pushed_.size() + bytes.size() > kMaxPushed) {
    pushed_.clear();
    return kill();
  }
  const bool wake = pushed_.empty();
  pushed_.append(bytes);
  if (wake && ready_hook_) ready_hook_();
}

void Session::kill() {
  closing_ = true;
  // The runtime calls resume(), which reports the session closed; a wait in
  // progress is abandoned (its completion finds the session gone).
  if (ready_hook_) ready_hook_();
}

void Session::suspend(const std::function<void(std::function<void(Finish)>)>& start) {
  if (in_exec()) {
    exec_waited_ = true;  // EXEC answers for it: a transaction never waits
    return;
  }
  blocked_ = true;
  // A client that went away before its wait ended gets nothing.
  start(lifetime_.guard([this](Finish f) {
    MERIDIAN_ASSERT(blocked_ && !finish_, "a command's wait ended twice (two replies)");
    finish_ = std::move(f);
    if (ready_hook_) ready_hook_();
  }));
}

void Session::process(std::string& out) {
  while (!closing_ && !blocked_) {
    auto r = parser_.next(argv_);
    if (r == RequestParser::Result::kNeedMore) break;
    if (r == RequestParser::Result::kError) {
      Reply(out, proto_, &region_.stats().total_error_replies).error(parser_.error());
      ++region_.stats().protocol_errors;
      closing_ = true;
      break;
    }
    size_t before = out.size();
    running_out_ = &out;
    dispatch(argv_, out);
    running_out_ = nullptr;
    // What the command wrote may serve clients blocked on its keys, before
    // this client's next command (as Redis serves them after each command).
    region_.blocked_clients().serve();
    // Every command answers exactly once: now, or when its wait ends.
    MERIDIAN_ASSERT(blocked_ || out.size() > before || argv_.empty(),
                    "a command ended without a reply");
  }
}

namespace {

// Redis' wording, including the quoted beginning of the arguments. Redis
// formats with "%.*s", so an argument ends at its first NUL byte.
std::string unknown_command_error(const std::vector<std::string_view>& argv) {
  std::string args;
  for (size_t i = 1; i < argv.size() && args.size() < 128; ++i) {
    size_t room = 128 - args.size();
    args.push_back('\'');
    args.append(cmd::as_c_string(argv[i]).substr(0, room));
    args.append("' ");
  }
  std::string msg = "ERR unknown command '";
  msg.append(cmd::as_c_string(argv[0]).substr(0, 128));
  msg.append("', with args beginning with: ");
  msg.append(args);
  return msg;
}

}  // namespace

void Session::dispatch(std::vector<std::string_view>& argv, std::string& out) {
  Reply reply(out, proto_, &region_.stats().total_error_replies);
  CommandStats& stats = region_.command_stats();
  const CommandSpec* spec = command_table().find(argv[0]);
  // A refusal before the command runs (Redis' rejectCommand): it dooms a
  // transaction being queued, and EXEC answers EXECABORT with the reason.
  auto reject = [&](const std::string& msg) {
    std::string line = msg;
    if (spec != nullptr && spec->name == "exec") {
      end_transaction();
      std::string_view why = msg;
      if (why.starts_with("ERR ")) why.remove_prefix(4);
      line = "EXECABORT Transaction discarded because of: " + std::string(why);
    } else if (multi_) {
      multi_->aborted = true;
    }
    reply.error(line);
    if (spec != nullptr) stats.reject(spec->name);
    stats.error(line);
  };
  if (spec == nullptr) return reject(unknown_command_error(argv));
  const int argc = static_cast<int>(argv.size());
  if ((spec->arity > 0 && spec->arity != argc) || argc < -spec->arity) {
    return reject("ERR wrong number of arguments for '" + spec->name + "' command");
  }
  if (!authenticated_ && !(spec->flags & kCmdNoAuth)) {
    return reject("NOAUTH Authentication required.");
  }
  if (auto refusal = acl_refusal(*spec, argv, multi_ ? "multi" : "toplevel")) {
    return reject(noperm_line(*refusal));
  }
  if (proto_ == 2 && region_.pubsub().subscribed(this) && !(spec->flags & kCmdPubSubContext)) {
    return reject("ERR Can't execute '" + spec->name +
                  "': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed "
                  "in this context");
  }
  const bool exec = spec->name == "exec" && multi_;
  if (!(multi_ && !exec && spec->name != "discard") &&
      region_.client_pause().holds(exec ? multi_->writes
                                        : (spec->flags & (kCmdWrite | kCmdMayReplicate)) != 0)) {
    return hold_for_pause(argv);
  }
  if (transaction_step(*spec, argv, out)) return;
  if (spec->name == "mr.once") return run_once(argv, out);
  execute(*spec, argv, out);
}

void Session::hold_for_pause(const std::vector<std::string_view>& argv) {
  std::vector<std::string> args(argv.begin(), argv.end());
  ClientPause& pause = region_.client_pause();
  suspend([&](std::function<void(Finish)> complete) {
    pause.hold(this, [this, complete, args] {
      // Runs in resume(), on this live session (complete is guarded).
      complete([this, args](std::string& o, int) {
        std::vector<std::string_view> av(args.begin(), args.end());
        dispatch(av, o);
      });
    });
  });
}

// MR.ONCE <mode or level...> <command> [args...]: one command with its own
// write mode and/or read level.
void Session::run_once(std::vector<std::string_view>& argv, std::string& out) {
  Reply reply(out, proto_, &region_.stats().total_error_replies);
  const auto& cfg = region_.settings().replication;
  PolicyArgs p;
  size_t pos = 1;
  if (auto err = parse_policy_args(argv, &pos, cfg.default_write, cfg.default_read, &p)) {
    return reply.error("ERR " + *err);
  }
  if (!p.write && !p.read) {
    return reply.error(
        "ERR MR.ONCE needs a write mode (ASYNC, SEMI-SYNC N, SYNC) or a read level (LOCAL, "
        "LEADER, QUORUM, SESSION) before the command");
  }
  if (pos >= argv.size()) {
    return reply.error(
        "ERR MR.ONCE needs a command after the mode, e.g. MR.ONCE SYNC SET key value");
  }
  if (p.write && p.write->mode == WriteMode::kSemiSync &&
      p.write->regions > region_.replicator().peer_count()) {
    return reply.error("ERR semi-sync " + std::to_string(p.write->regions) + " needs " +
                       std::to_string(p.write->regions) + " other regions but the cluster has " +
                       std::to_string(region_.replicator().peer_count()));
  }
  if (p.token) token_.merge(*p.token);
  std::vector<std::string_view> inner(argv.begin() + static_cast<std::ptrdiff_t>(pos), argv.end());
  const CommandSpec* spec = command_table().find(inner[0]);
  if (spec != nullptr && spec->name == "mr.once") {
    return reply.error("ERR MR.ONCE cannot wrap MR.ONCE");
  }
  once_write_ = p.write;
  once_read_ = p.read;
  dispatch(inner, out);
  once_write_.reset();
  once_read_.reset();
}

namespace {

// A connection's policy for a command: MR.ONCE, else the connection's
// MR.WRITE / MR.READ, else the first [[keyspaces]] pattern matching the
// first key that sets one, else the default.
template <class Policy>
Policy policy_for(const std::optional<Policy>& once, const std::optional<Policy>& over,
                  std::optional<Policy> KeyspacePolicy::*field, const Policy& fallback,
                  const ReplicationSettings& cfg, const CommandSpec& spec,
                  const std::vector<std::string_view>& argv) {
  if (once) return *once;
  if (over) return *over;
  if (spec.first_key > 0 && spec.first_key < static_cast<int>(argv.size())) {
    for (const auto& ks : cfg.keyspaces) {
      if (ks.*field && glob_match(ks.pattern, argv[spec.first_key])) return *(ks.*field);
    }
  }
  return fallback;
}

}  // namespace

WritePolicy Session::write_policy(const CommandSpec& spec,
                                  const std::vector<std::string_view>& argv) {
  const auto& cfg = region_.settings().replication;
  return policy_for(once_write_, write_override_, &KeyspacePolicy::write, cfg.default_write, cfg,
                    spec, argv);
}

ReadPolicy Session::read_policy(const CommandSpec& spec,
                                const std::vector<std::string_view>& argv) {
  const auto& cfg = region_.settings().replication;
  return policy_for(once_read_, read_override_, &KeyspacePolicy::read, cfg.default_read, cfg, spec,
                    argv);
}

void Session::execute(const CommandSpec& spec, std::vector<std::string_view>& argv,
                      std::string& out) {
  Replicator& repl = region_.replicator();
  note_command(spec);
  const int64_t arrived_us = region_.now_us();
  std::optional<ReadLevel> read_level;
  // A refusal before the command runs (Redis' rejected_calls).
  auto refuse = [&](const std::string& msg) {
    Reply(out, proto_, &region_.stats().total_error_replies).error(msg);
    region_.command_stats().reject(spec.name);
    region_.command_stats().error(msg);
  };
  if (repl.enabled() && !(spec.flags & kCmdStale) && !region_.failover().serves_clients()) {
    // A pilot light: only connection and admin commands until promoted.
    return refuse(region_.failover().standby_refusal());
  }
  home_allowed_.clear();
  if (repl.enabled() && spec.first_key > 0 && !region_.settings().placement.empty() &&
      route(spec, argv, out)) {
    return;
  }
  if (repl.enabled() && (spec.flags & kCmdReadOnly) && spec.first_key > 0 &&
      home_allowed_.empty()) {
    ReadPolicy rp = read_policy(spec, argv);
    if (rp.level != ReadLevel::kLocal && defer_read(spec, argv, rp, arrived_us)) return;
    read_level = rp.level;
  }
  // Homed keys (geo-partitioning) are written by their acting home,
  // whatever the pattern says about the other keys.
  if ((spec.flags & kCmdWrite) && repl.enabled() && home_allowed_.empty() &&
      !region_.failover().accepts_writes()) {
    FailoverManager& fm = region_.failover();
    if (region_.settings().failover.pattern == Pattern::kWriteGlobal && !fm.is_primary() &&
        home_allowed_.empty()) {
      forward(fm.primary(), spec, argv);
      return;
    }
    // active-passive (or a standby tier): only the primary, while it holds
    // its lease, writes.
    return refuse(fm.write_refusal());
  }
  if ((spec.flags & kCmdWrite) && repl.resyncing()) {
    // A full resync is being joined in: a write now would claim to have
    // seen state this region does not have yet.
    return refuse(repl.resync_refusal());
  }
  const size_t reply_start = out.size();
  const bool wrote = run_here(spec, argv, out);
  if (read_level) timer(false, describe(*read_level), arrived_us)();
  if (!wrote || !repl.enabled()) return;
  WritePolicy wp = write_policy(spec, argv);
  if (wp.mode != WriteMode::kAsync) return hold_write(wp, out, reply_start, arrived_us);
  timer(true, describe(wp), arrived_us)();
}

void Session::note_command(const CommandSpec& spec) {
  Stats& st = region_.stats();
  ++st.total_commands_processed;
  if (spec.flags & kCmdWrite) {
    ++st.write_commands;
  } else if ((spec.flags & kCmdReadOnly) && spec.first_key > 0) {
    ++st.read_commands;
  }
  last_command_ms_ = region_.now_ms();
  last_command_ = spec.name;
}

bool Session::run_here(const CommandSpec& spec, std::vector<std::string_view>& argv,
                       std::string& out) {
  Keyspace& ks = region_.keyspace();
  const size_t reply_start = out.size();
  const uint64_t seq_before = last_write_seq_;
  const auto* outer_argv = running_argv_;  // a script's command runs inside EVAL
  running_argv_ = &argv;
  ks.begin_command();
  Reply reply(out, proto_, &region_.stats().total_error_replies);
  CommandContext ctx{region_, *this, ks, argv, reply, last_command_ms_};
  const int64_t started_us = region_.now_us();
  spec.handler(ctx);
  running_argv_ = outer_argv;
  account(spec, argv, out, reply_start, started_us);
  // A script wrote through the commands it ran.
  if (ks.writes().seq == 0) return last_write_seq_ != seq_before;
  note_events(argv);
  Replicator& repl = region_.replicator();
  repl.log_command(ks.writes());
  last_write_seq_ = ks.writes().seq;
  last_write_hlc_ = ks.writes().hlc;
  token_.set(repl.self().id, last_write_seq_);
  ks.begin_command();  // nothing outside a command may reuse its dot
  return true;
}

void Session::account(const CommandSpec& spec, const std::vector<std::string_view>& argv,
                      const std::string& out, size_t reply_start, int64_t started_us) {
  CommandStats& stats = region_.command_stats();
  const auto usec = static_cast<uint64_t>(std::max<int64_t>(0, region_.now_us() - started_us));
  const bool failed = out.size() > reply_start && out[reply_start] == '-';
  const int64_t now = region_.now_ms();
  stats.record(spec.name, usec, failed, now);
  if (failed) stats.error(std::string_view(out).substr(reply_start + 1));
  stats.slow(argv, usec, now, peer_address(), name());
  if (!region_.monitors().empty() && !(spec.flags & kCmdAdmin)) feed_monitors(argv, now);
}

void Session::feed_monitors(const std::vector<std::string_view>& argv, int64_t now_ms) {
  // Redis' line: +<unix seconds>.<microseconds> [<db> <addr>] "arg" ...
  static const char* const kHex = "0123456789abcdef";
  std::string line = "+" + std::to_string(now_ms / 1000) + ".";
  std::string frac = std::to_string(now_ms % 1000 * 1000);
  line.append(6 - frac.size(), '0').append(frac);
  line += " [0 " + peer_address() + "]";
  for (auto a : argv) {
    line += " \"";
    for (char ch : a) {
      auto u = static_cast<unsigned char>(ch);
      switch (ch) {
        case '\\':
          line += "\\\\";
          break;
        case '"':
          line += "\\\"";
          break;
        case '\n':
          line += "\\n";
          break;
        case '\r':
          line += "\\r";
          break;
        case '\t':
          line += "\\t";
          break;
        case '\a':
          line += "\\a";
          break;
        case '\b':
          line += "\\b";
          break;
        default:
          if (u >= 0x20 && u < 0x7f) {
            line.push_back(ch);
          } else {
            line += "\\x";
            line.push_back(kHex[u >> 4]);
            line.push_back(kHex[u & 15]);
          }
      }
    }
    line += "\"";
  }
  line += "\r\n";
  for (Client* m : region_.monitors()) {
    if (m != this) m->push(line);
  }
}

RegionId Session::acting_home(const Placement::Decision& d) const {
  // The home, or while it is down for this region the first allowed region
  // that is not (config order); an unknown health counts as up: no
  // decision is taken before the first checks.
  const FailoverManager& fm = region_.failover();
  auto up = [&](RegionId r) {
    return r == region_.settings().region_id || fm.health_of(r) != Health::kUnhealthy;
  };
  if (up(d.home)) return d.home;
  for (RegionId r : *d.allowed) {
    if (region_.region_names().count(r) && up(r)) return r;
  }
  return 0;
}

bool Session::route(const CommandSpec& spec, const std::vector<std::string_view>& argv,
                    std::string& out) {
  const Placement& placement = region_.settings().placement;
  std::optional<Placement::Decision> first;
  bool global = false;
  int last = spec.last_key < 0 ? static_cast<int>(argv.size()) + spec.last_key : spec.last_key;
  int step = spec.step > 0 ? spec.step : 1;
  Reply reply(out, proto_, &region_.stats().total_error_replies);
  for (int i = spec.first_key; i <= last && i < static_cast<int>(argv.size()); i += step) {
    auto d = placement.decide(argv[i]);
    if (!d) {
      global = true;
    } else if (!first) {
      first = d;
    } else if (d->home != first->home || d->allowed != first->allowed) {
      first->rule = nullptr;  // mixed homes
    }
  }
  if (!first) return false;
  // Key names stay out of errors: they would reach whoever reads the logs.
  if (global || first->rule == nullptr) {
    reply.error(
        "CROSSREGION Keys in request don't have the same home region (or mix homed and global "
        "keys); send one command per home");
    return true;
  }
  home_allowed_ = *first->allowed;
  const RegionId self = region_.settings().region_id;
  RegionId home = acting_home(*first);
  auto names = [&](const std::vector<RegionId>& ids) {
    std::string o;
    for (RegionId r : ids) {
      auto it = region_.region_names().find(r);
      if (it != region_.region_names().end()) o += (o.empty() ? "" : ", ") + it->second;
    }
    return o;
  };
  if (home == 0) {
    reply.error("CLUSTERDOWN no region allowed to hold this key is reachable (home " +
                names({first->home}) + "; allowed " + names(*first->allowed) +
                "); it fails closed until one returns");
    return true;
  }
  if (home == self) return false;
  // Reads are served by any region allowed to hold the key, at the local level.
  if (!(spec.flags & kCmdWrite) && first->allows(self)) return false;
  if (forwarded_) {
    reply.error("TRYAGAIN the home of this key is moving (" + names({home}) +
                " in this region's view); retry");
    return true;
  }
  if (first->rule->redirect) {
    std::string address;
    for (const auto& r : region_.settings().replication.regions) {
      if (r.id == home) address = r.client_address;
    }
    reply.error("MOVED " + std::to_string(key_hash_slot(argv[spec.first_key])) + " " + address);
    return true;
  }
  forward(home, spec, argv);
  return true;
}

// read-local/write-global and geo-partitioning: region `to` runs the
// command; its reply comes back here. A write mode chosen for the command or
// the connection goes with it.
void Session::forward(RegionId to, const CommandSpec& spec,
                      const std::vector<std::string_view>& argv) {
  WritePolicy wp = write_policy(spec, argv);
  std::vector<std::string> args;
  if ((spec.flags & kCmdWrite) && (once_write_ || write_override_)) {
    args = {"MR.ONCE"};
    if (wp.mode == WriteMode::kAsync) {
      args.emplace_back("ASYNC");
    } else {
      args.emplace_back(wp.mode == WriteMode::kSync ? "SYNC" : "SEMI-SYNC");
      if (wp.mode == WriteMode::kSemiSync) args.push_back(std::to_string(wp.regions));
      args.push_back(std::to_string(wp.timeout_ms));
    }
  }
  args.insert(args.end(), argv.begin(), argv.end());
  int64_t timeout = wp.timeout_ms + 2000;  // the other region's own wait, and the trip
  suspend([&](std::function<void(Finish)> complete) {
    region_.forwarder().forward(to, args, proto_, timeout, [complete](std::string reply) {
      complete([reply](std::string& o, int) { o.append(reply); });
    });
  });
}

void Session::block_on(const std::vector<std::string_view>& keys, int64_t timeout_ms,
                       std::vector<std::string> retry_argv) {
  if (retrying_) {
    blocked_again_ = true;  // still nothing: it keeps waiting
    return;
  }
  MERIDIAN_ASSERT(running_argv_ != nullptr, "a command blocks while it runs");
  if (!retry_argv.empty()) {
    blocked_argv_ = std::move(retry_argv);
  } else {
    blocked_argv_.assign(running_argv_->begin(), running_argv_->end());
  }
  suspend([this](std::function<void(Finish)> complete) { wake_ = std::move(complete); });
  region_.blocked_clients().block(this, keys, timeout_ms);
}

bool Session::retry_blocked() {
  std::vector<std::string_view> argv(blocked_argv_.begin(), blocked_argv_.end());
  const CommandSpec* spec = command_table().find(argv[0]);
  std::string out;
  retrying_ = true;
  blocked_again_ = false;
  note_command(*spec);
  run_here(*spec, argv, out);
  retrying_ = false;
  if (blocked_again_) return false;
  auto wake = std::move(wake_);
  wake_ = nullptr;
  wake([out = std::move(out)](std::string& o, int) { o.append(out); });
  return true;
}

void Session::block_timed_out() {
  auto wake = std::move(wake_);
  wake_ = nullptr;
  if (wake) wake([](std::string& o, int proto) { Reply(o, proto).null_array(); });
}

}  // namespace meridian
