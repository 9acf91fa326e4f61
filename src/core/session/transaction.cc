// MULTI / EXEC / DISCARD, and the commands of Lua scripts (which run as a
// transaction does). A transaction runs its queued commands one after
// the other with nothing in between, in this region, and replicates as one
// unit (Replicator::begin_unit): no other region ever shows part of it.
// Each command still takes its own dot, so a DEL in the middle deletes what
// came before it exactly as it would outside a transaction.
#include "core/base/glob.h"
#include "core/commands/command_table.h"
#include "core/protocol/reply.h"
#include "core/region/region.h"
#include "core/session/session.h"

namespace meridian {
namespace {

bool named(const CommandSpec& spec, std::string_view name) {
  return spec.name == name;
}

// The stricter of two write modes (a transaction waits as long as its
// strictest write would alone).
WritePolicy stricter(const WritePolicy& a, const WritePolicy& b) {
  auto rank = [](const WritePolicy& p) {
    return p.mode == WriteMode::kSync ? 1 << 30 : p.mode == WriteMode::kSemiSync ? p.regions : 0;
  };
  WritePolicy out = rank(b) > rank(a) ? b : a;
  out.timeout_ms = std::max(a.timeout_ms, b.timeout_ms);
  return out;
}

}  // namespace

bool Session::transaction_step(const CommandSpec& spec, std::vector<std::string_view>& argv,
                               std::string& out) {
  Reply reply(out, proto_, &region_.stats().total_error_replies);
  if (named(spec, "multi")) {
    note_command(spec);
    if (multi_) {
      reply.error("ERR MULTI calls can not be nested");
      region_.command_stats().record(spec.name, 0, true, region_.now_ms());
      region_.command_stats().error("ERR");
      return true;
    }
    multi_.emplace();
    multi_->write = once_write_;
    multi_state_ = Multi::kQueuing;
    reply.ok();
    region_.command_stats().record(spec.name, 0, false, region_.now_ms());
    return true;
  }
  if (named(spec, "exec")) {
    note_command(spec);
    exec(out);
    return true;
  }
  if (named(spec, "discard")) {
    note_command(spec);
    if (!multi_) {
      reply.error("ERR DISCARD without MULTI");
      region_.command_stats().error("ERR");
    } else {
      end_transaction();
      reply.ok();
    }
    region_.command_stats().record(spec.name, 0, !multi_, region_.now_ms());
    return true;
  }
  if (!multi_ || named(spec, "watch") || named(spec, "quit") || named(spec, "reset")) {
    return false;
  }
  if (named(spec, "mr.once")) {
    multi_->aborted = true;
    reply.error(
        "ERR MR.ONCE is not allowed inside MULTI: put it before MULTI (MR.ONCE SYNC MULTI) to "
        "choose the transaction's write mode");
    region_.command_stats().error("ERR");
    return true;
  }
  multi_->queued.emplace_back(argv.begin(), argv.end());
  multi_->writes = multi_->writes || (spec.flags & (kCmdWrite | kCmdMayReplicate)) != 0;
  reply.simple("QUEUED");
  return true;
}

void Session::reset_connection() {
  end_transaction();
  region_.forget_client_state(this);
  proto_ = 2;
  set_name("");
  write_override_.reset();
  read_override_.reset();
  user_ = "default";
  authenticated_ = !region_.acl().default_needs_auth();
  parser_.set_unauthenticated(!authenticated_);
}

void Session::end_transaction() {
  multi_.reset();
  multi_state_ = Multi::kNone;
  region_.watches().unwatch(this);
}

std::optional<std::string> Session::unit_refusal(const CommandSpec& spec,
                                                 const std::vector<std::string_view>& argv) {
  Replicator& repl = region_.replicator();
  if (!repl.enabled()) return std::nullopt;
  FailoverManager& fm = region_.failover();
  const bool writes = (spec.flags & kCmdWrite) != 0;
  if (writes && !fm.accepts_writes()) {
    if (region_.settings().failover.pattern == Pattern::kWriteGlobal) {
      return "ERR a transaction or script that writes runs in the primary region (" +
             region_.region_names().at(fm.primary()) +
             ") under read-local/write-global: send it there";
    }
    return fm.write_refusal();
  }
  if (writes && repl.resyncing()) return repl.resync_refusal();
  const Placement& placement = region_.settings().placement;
  if (placement.empty() || spec.first_key <= 0) return std::nullopt;
  for (auto key : command_keys(spec, argv)) {
    auto d = placement.decide(key);
    if (d && !(writes ? acting_home(*d) == repl.self().id : d->allows(repl.self().id))) {
      return "CROSSREGION a transaction or script runs in one region and names keys homed in "
             "another; run it in their home region";
    }
  }
  return std::nullopt;
}

std::optional<std::string> Session::exec_refusal() {
  if (!region_.replicator().enabled()) return std::nullopt;
  FailoverManager& fm = region_.failover();
  if (!fm.serves_clients()) return fm.standby_refusal();
  for (const auto& q : multi_->queued) {
    std::vector<std::string_view> argv(q.begin(), q.end());
    const CommandSpec* spec = command_table().find(argv[0]);
    if (spec == nullptr) continue;
    if (auto why = unit_refusal(*spec, argv)) return why;
  }
  return std::nullopt;
}

std::optional<std::string> Session::script_call(std::vector<std::string_view>& argv,
                                                std::string& reply, bool read_only, int proto) {
  const CommandSpec* spec = command_table().find(argv[0]);
  if (spec == nullptr) return "ERR Unknown Redis command called from script";
  const int argc = static_cast<int>(argv.size());
  if ((spec->arity > 0 && spec->arity != argc) || argc < -spec->arity) {
    return "ERR Wrong number of args calling Redis command from script";
  }
  if (spec->flags & kCmdNoScript) return "ERR This Redis command is not allowed from script";
  if (auto refusal = acl_refusal(*spec, argv, "lua")) {
    switch (refusal->kind) {
      case AclRefusal::kCommand:
        return "ERR The user executing the script can't run this command or subcommand";
      case AclRefusal::kKey:
        return "ERR The user executing the script can't access at least one of the keys "
               "mentioned in the command arguments";
      case AclRefusal::kChannel:
        break;
    }
    return "ERR The user executing the script can't publish to the channel mentioned in the "
           "command";
  }
  if (read_only && (spec->flags & kCmdWrite)) {
    return "ERR Write commands are not allowed from read-only scripts.";
  }
  if (auto why = unit_refusal(*spec, argv)) return why;
  // A script sees replies in its own protocol (RESP2 unless it called
  // redis.setresp(3)) and never waits (as in a transaction).
  const int client_proto = proto_;
  const Multi state = multi_state_;
  proto_ = proto;
  multi_state_ = Multi::kExec;
  in_script_ = true;
  exec_waited_ = false;
  note_command(*spec);
  if (run_here(*spec, argv, reply)) region_.scripts().note_write();
  in_script_ = false;
  proto_ = client_proto;
  multi_state_ = state;
  if (reply.empty()) {
    MERIDIAN_ASSERT(exec_waited_, "a command of a script ended without a reply");
    return "ERR '" + spec->name + "' waits for other regions, which a script cannot do";
  }
  return std::nullopt;
}

void Session::exec(std::string& out) {
  Reply reply(out, proto_, &region_.stats().total_error_replies);
  CommandStats& stats = region_.command_stats();
  if (!multi_) {
    reply.error("ERR EXEC without MULTI");
    stats.record("exec", 0, true, region_.now_ms());
    return stats.error("ERR");
  }
  const bool watched_changed = region_.watches().dirty(this);
  if (multi_->aborted) {
    end_transaction();
    reply.error("EXECABORT Transaction discarded because of previous errors.");
    stats.record("exec", 0, true, region_.now_ms());
    return stats.error("EXECABORT");
  }
  if (watched_changed) {
    end_transaction();
    reply.null_array();
    return stats.record("exec", 0, false, region_.now_ms());
  }
  if (auto why = exec_refusal()) {
    end_transaction();
    std::string_view w = *why;
    if (w.starts_with("ERR ")) w.remove_prefix(4);
    std::string line = "EXECABORT Transaction discarded because of: " + std::string(w);
    reply.error(line);
    stats.record("exec", 0, true, region_.now_ms());
    return stats.error(line);
  }
  Transaction t = std::move(*multi_);
  end_transaction();
  Replicator& repl = region_.replicator();
  const size_t reply_start = out.size();
  const int64_t started_us = region_.now_us();
  reply.array(t.queued.size());
  std::optional<WritePolicy> wp = t.write;
  bool wrote = false;
  multi_state_ = Multi::kExec;
  repl.begin_unit();
  for (auto& q : t.queued) {
    std::vector<std::string_view> argv(q.begin(), q.end());
    const CommandSpec& spec = *command_table().find(argv[0]);
    note_command(spec);
    exec_waited_ = false;
    // Checked again: the rules may have changed since it was queued.
    if (auto refusal = acl_refusal(spec, argv, "multi")) {
      static const char* const kWhy[] = {
          "no permission to execute the command or subcommand",
          "no permission to touch the specified keys",
          "no permission to access one of the channels used as arguments"};
      Reply(out, proto_, &region_.stats().total_error_replies)
          .error(std::string("NOPERM ACLs rules changed between the moment the transaction was "
                             "accumulated and the EXEC call. This command is no longer allowed "
                             "for the following reason: ") +
                 kWhy[refusal->kind]);
      continue;
    }
    const size_t before = out.size();
    if (run_here(spec, argv, out)) {
      wrote = true;
      if (!t.write) wp = wp ? stricter(*wp, write_policy(spec, argv)) : write_policy(spec, argv);
    }
    if (out.size() == before) {
      MERIDIAN_ASSERT(exec_waited_, "a command in EXEC ended without a reply");
      Reply(out, proto_, &region_.stats().total_error_replies)
          .error("ERR '" + spec.name +
                 "' waits for other regions, which a transaction cannot do: run it outside MULTI");
    }
  }
  const uint64_t last = repl.end_unit();
  multi_state_ = Multi::kNone;
  stats.record("exec", static_cast<uint64_t>(std::max<int64_t>(0, region_.now_us() - started_us)),
               false, region_.now_ms());
  if (!wrote || !repl.enabled() || last == 0) return;
  last_write_seq_ = last;
  home_allowed_.clear();
  // A transaction's write waits as one write of the strictest mode its
  // commands asked for.
  if (!wp) return;
  if (wp->mode != WriteMode::kAsync) return hold_write(*wp, out, reply_start, started_us);
  timer(true, describe(*wp), started_us)();
}

}  // namespace meridian
