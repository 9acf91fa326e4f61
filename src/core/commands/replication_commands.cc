// Meridian's replication commands: MR.WRITE, MR.READ, MR.ONCE, MR.TOKEN,
// MR.STATUS, and Redis' WAIT counted in regions.
#include <functional>
#include <optional>
#include <string>

#include "core/commands/command_util.h"
#include "core/region/client.h"
#include "core/region/region.h"

namespace meridian {
namespace {

std::string semi_sync_too_wide(int wanted, int peers) {
  return "ERR semi-sync " + std::to_string(wanted) + " needs " + std::to_string(wanted) +
         " other regions but the cluster has " + std::to_string(peers);
}

// MR.WRITE and MR.READ share their shape: no argument shows the
// connection's current choice, DEFAULT drops it, anything else is parsed as
// policy arguments. Returns the parsed arguments, or nothing when it has
// already replied.
std::optional<PolicyArgs> connection_policy(CommandContext& ctx, const std::string& current,
                                            const std::function<void()>& reset, bool write,
                                            std::string_view usage) {
  const auto& cfg = ctx.region.settings().replication;
  if (ctx.argv.size() == 1) {
    ctx.reply.bulk(current);
    return std::nullopt;
  }
  if (ctx.argv.size() == 2 && cmd::equals_ci(ctx.argv[1], "default")) {
    reset();
    ctx.reply.ok();
    return std::nullopt;
  }
  PolicyArgs p;
  size_t pos = 1;
  if (auto err = parse_policy_args(ctx.argv, &pos, cfg.default_write, cfg.default_read, &p)) {
    ctx.reply.error("ERR " + *err);
    return std::nullopt;
  }
  bool right_kind = write ? (p.write && !p.read) : (p.read && !p.write);
  if (!right_kind || pos != ctx.argv.size()) {
    ctx.reply.error("ERR syntax error: " + std::string(usage));
    return std::nullopt;
  }
  return p;
}

// MR.WRITE [ASYNC | SYNC [timeout-ms] | SEMI-SYNC N [timeout-ms] | DEFAULT]
void mr_write(CommandContext& ctx) {
  auto& over = ctx.session.write_override();
  WritePolicy now = over ? *over : ctx.region.settings().replication.default_write;
  std::string current = describe(now);
  if (now.mode != WriteMode::kAsync) current += " " + std::to_string(now.timeout_ms);
  auto p = connection_policy(
      ctx, current, [&] { over.reset(); }, true,
      "MR.WRITE ASYNC | SYNC [timeout-ms] | SEMI-SYNC N [timeout-ms] | "
      "DEFAULT");
  if (!p) return;
  int peers = ctx.region.replicator().peer_count();
  if (p->write->mode == WriteMode::kSemiSync && p->write->regions > peers) {
    return ctx.reply.error(semi_sync_too_wide(p->write->regions, peers));
  }
  over = p->write;
  ctx.reply.ok();
}

// MR.READ [LOCAL | LEADER [ms] | QUORUM [ms] | SESSION [token] [ms] | DEFAULT]
void mr_read(CommandContext& ctx) {
  auto& over = ctx.session.read_override();
  ReadPolicy now = over ? *over : ctx.region.settings().replication.default_read;
  std::string current = describe(now.level);
  if (now.level != ReadLevel::kLocal) current += " " + std::to_string(now.timeout_ms);
  auto p = connection_policy(
      ctx, current, [&] { over.reset(); }, false,
      "MR.READ LOCAL | LEADER [timeout-ms] | QUORUM [timeout-ms] | "
      "SESSION [token] [timeout-ms] | DEFAULT");
  if (!p) return;
  if (p->token) ctx.session.token().merge(*p->token);
  over = p->read;
  ctx.reply.ok();
}

// Handled by Session (it runs another command); listed for COMMAND and arity.
void mr_once(CommandContext& ctx) {  // NOLINT: never reached
  ctx.reply.error("ERR MR.ONCE cannot be used here");
}

// MR.TOKEN: the session token (every write this connection made or was
// handed), to pass to MR.READ SESSION in any region.
void mr_token(CommandContext& ctx) {
  ctx.reply.bulk(format_token(ctx.session.token()));
}

// MR.STATUS: this region's replication state as JSON (as /status serves it).
void mr_status(CommandContext& ctx) {
  ctx.reply.bulk(ctx.region.replicator().status_json(ctx.now_ms));
}

// WAIT numregions timeout: blocks until `numregions` other regions have
// applied this connection's last write, or the timeout (ms, 0: forever)
// passes; replies with how many have.
void wait(CommandContext& ctx) {
  int64_t n = 0, timeout = 0;
  if (!cmd::int_arg(ctx, ctx.argv[1], &n)) return;
  if (!cmd::int_arg(ctx, ctx.argv[2], &timeout)) return;
  if (timeout < 0) return ctx.reply.error("ERR timeout is negative");
  Replicator& repl = ctx.region.replicator();
  uint64_t seq = ctx.session.last_write_seq();
  int acked = repl.acked_count(seq);
  if (!repl.enabled() || acked >= n) return ctx.reply.integer(acked);
  ctx.session.suspend([&](std::function<void(Client::Finish)> complete) {
    repl.wait_acks(seq, static_cast<int>(n), timeout, [complete](int got, bool) {
      complete([got](std::string& o, int proto) { Reply(o, proto).integer(got); });
    });
  });
}

}  // namespace

void register_replication_commands(CommandTable& t) {
  t.add({"mr.write", -1, kCmdFast | kCmdStale | kCmdNoScript, 0, 0, 0, mr_write});
  t.add({"mr.read", -1, kCmdFast | kCmdStale | kCmdNoScript, 0, 0, 0, mr_read});
  t.add({"mr.once", -3, kCmdMayReplicate | kCmdNoScript, 0, 0, 0, mr_once});
  t.add({"mr.token", 1, kCmdFast | kCmdStale, 0, 0, 0, mr_token});
  t.add({"mr.status", 1, kCmdStale, 0, 0, 0, mr_status});
  t.add({"wait", 3, kCmdMayReplicate | kCmdNoScript, 0, 0, 0, wait});
}

}  // namespace meridian
