// PING, ECHO, HELLO, AUTH, CLIENT, SELECT, QUIT.
#include <optional>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/region/client.h"
#include "core/region/client_info.h"
#include "core/region/region.h"
#include "core/region/version.h"

namespace meridian {
namespace {

using cmd::equals_ci;

// Redis' ACLAuthenticateUser: the user must exist, be on and take the
// password; a failure is logged in ACL LOG.
bool authenticate(CommandContext& ctx, std::string_view user, std::string_view pass) {
  if (ctx.region.acl().authenticate(user, pass) != nullptr) return true;
  AclLogEntry e;
  e.reason = "auth";
  e.context = ctx.session.in_multi() ? "multi" : "toplevel";
  e.object = "AUTH";
  e.username = std::string(user);
  e.created_ms = ctx.now_ms;
  e.client_info = client_info_line(ctx.session, ctx.region.pubsub(), ctx.now_ms);
  ctx.region.acl().log().add(std::move(e));
  return false;
}

void wrongpass(Reply& reply) {
  reply.error("WRONGPASS invalid username-password pair or user is disabled.");
}

void ping(CommandContext& ctx) {
  if (ctx.argv.size() > 2) return cmd::arity_error(ctx.reply, "ping");
  if (ctx.reply.proto() == 2 && ctx.region.pubsub().subscribed(&ctx.session)) {
    // Subscribed RESP2 clients read arrays only.
    ctx.reply.array(2);
    ctx.reply.bulk("pong");
    return ctx.reply.bulk(ctx.argv.size() == 2 ? ctx.argv[1] : "");
  }
  if (ctx.argv.size() == 2) return ctx.reply.bulk(ctx.argv[1]);
  ctx.reply.simple("PONG");
}

void echo(CommandContext& ctx) {
  ctx.reply.bulk(ctx.argv[1]);
}

void auth(CommandContext& ctx) {
  if (ctx.argv.size() > 3) return ctx.reply.error(cmd::kSyntax);
  std::string_view user = "default", pass;
  if (ctx.argv.size() == 2) {
    const AclUser* d = ctx.region.acl().find("default");
    if (d != nullptr && d->nopass()) {
      return ctx.reply.error(
          "ERR AUTH <password> called without any password configured for the default user. "
          "Are you sure your configuration is correct?");
    }
    pass = ctx.argv[1];
  } else {
    user = ctx.argv[1];
    pass = ctx.argv[2];
  }
  if (!authenticate(ctx, user, pass)) return wrongpass(ctx.reply);
  ctx.session.set_authenticated(std::string(user));
  ctx.reply.ok();
}

bool valid_client_name(std::string_view name) {
  for (char c : name)
    if (c < '!' || c > '~') return false;
  return true;
}

void hello(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t ver = 0;
  size_t next = 1;
  if (argv.size() >= 2) {
    auto v = parse_int64(argv[next++]);
    if (!v) return ctx.reply.error("ERR Protocol version is not an integer or out of range");
    ver = *v;
    if (ver < 2 || ver > 3) return ctx.reply.error("NOPROTO unsupported protocol version");
  }
  std::string_view user, pass, name;
  bool has_auth = false, has_name = false;
  for (size_t j = next; j < argv.size(); ++j) {
    size_t more = argv.size() - 1 - j;
    if (equals_ci(argv[j], "AUTH") && more >= 2) {
      user = argv[j + 1];
      pass = argv[j + 2];
      has_auth = true;
      j += 2;
    } else if (equals_ci(argv[j], "SETNAME") && more >= 1) {
      name = argv[j + 1];
      has_name = true;
      ++j;
    } else {
      return ctx.reply.error("ERR Syntax error in HELLO option '" +
                             std::string(cmd::as_c_string(argv[j])) + "'");
    }
  }
  if (has_auth) {
    if (!authenticate(ctx, user, pass)) return wrongpass(ctx.reply);
    ctx.session.set_authenticated(std::string(user));
  }
  if (!ctx.session.authenticated()) {
    return ctx.reply.error(
        "NOAUTH HELLO must be called with the client already authenticated, otherwise the "
        "HELLO AUTH <user> <pass> option can be used to authenticate the client and "
        "select the RESP protocol version at the same time");
  }
  if (has_name) {
    if (!valid_client_name(name)) {
      return ctx.reply.error(
          "ERR Client names cannot contain spaces, newlines or special characters.");
    }
    ctx.session.set_name(std::string(name));
  }
  if (ver != 0) ctx.session.set_proto(static_cast<int>(ver));
  // The reply is written in the protocol just chosen.
  Reply& reply = ctx.reply;
  reply.set_proto(ctx.session.proto());
  reply.map(7);
  reply.bulk("server");
  reply.bulk("redis");
  reply.bulk("version");
  reply.bulk(kRedisCompatVersion);
  reply.bulk("proto");
  reply.integer(ctx.session.proto());
  reply.bulk("id");
  reply.integer(static_cast<int64_t>(ctx.session.id()));
  reply.bulk("mode");
  reply.bulk("standalone");
  reply.bulk("role");
  reply.bulk("master");
  reply.bulk("modules");
  reply.array(0);
}

// CLIENT KILL addr (replies OK), or CLIENT KILL [ID id] [ADDR addr] [USER
// name] [SKIPME yes|no] (replies how many). The caller itself is closed
// after its reply, as Redis does.
void client_kill(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() < 3) return cmd::arity_error(ctx.reply, "client|kill");
  const bool old_form = argv.size() == 3;
  std::optional<uint64_t> id;
  std::optional<std::string_view> addr, user;
  bool skipme = !old_form;
  if (old_form) {
    addr = argv[2];
  } else {
    if (argv.size() % 2 != 0) return ctx.reply.error(cmd::kSyntax);
    for (size_t i = 2; i + 1 < argv.size(); i += 2) {
      std::string_view opt = argv[i], v = argv[i + 1];
      if (equals_ci(opt, "ID")) {
        auto n = parse_int64(v);
        if (!n || *n <= 0) return ctx.reply.error("ERR client-id should be greater than 0");
        id = static_cast<uint64_t>(*n);
      } else if (equals_ci(opt, "ADDR")) {
        addr = v;
      } else if (equals_ci(opt, "USER")) {
        user = v;
      } else if (equals_ci(opt, "SKIPME")) {
        if (equals_ci(v, "YES")) {
          skipme = true;
        } else if (equals_ci(v, "NO")) {
          skipme = false;
        } else {
          return ctx.reply.error(cmd::kSyntax);
        }
      } else {
        return ctx.reply.error(cmd::kSyntax);
      }
    }
  }
  std::vector<Client*> victims;
  for (Client* c : ctx.region.clients()) {
    if (id && c->id() != *id) continue;
    if (addr && c->peer_address() != *addr) continue;
    if (user && c->user() != *user) continue;
    if (skipme && c == &ctx.session) continue;
    victims.push_back(c);
  }
  for (Client* c : victims) {
    if (c == &ctx.session) {
      c->close_after_reply();
    } else {
      c->kill();
    }
  }
  if (!old_form) return ctx.reply.integer(static_cast<int64_t>(victims.size()));
  if (victims.empty()) return ctx.reply.error("ERR No such client");
  ctx.reply.ok();
}

// CLIENT PAUSE timeout [WRITE|ALL]: holds client commands (all, or those
// that may write) for `timeout` ms; CLIENT UNPAUSE ends it early.
void client_pause(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() < 3) return cmd::arity_error(ctx.reply, "client|pause");
  if (argv.size() > 4) {
    return ctx.reply.error(
        "ERR unknown subcommand or wrong number of arguments for 'PAUSE'. Try CLIENT HELP.");
  }
  auto timeout = parse_int64(argv[2]);
  if (!timeout) return ctx.reply.error("ERR timeout is not an integer or out of range");
  if (*timeout < 0) return ctx.reply.error("ERR timeout is negative");
  bool all = true;
  if (argv.size() == 4) {
    if (equals_ci(argv[3], "WRITE")) {
      all = false;
    } else if (!equals_ci(argv[3], "ALL")) {
      return ctx.reply.error("ERR CLIENT PAUSE mode must be WRITE or ALL");
    }
  }
  const int64_t until = ctx.now_ms > INT64_MAX - *timeout ? INT64_MAX : ctx.now_ms + *timeout;
  ctx.region.client_pause().pause(until, all);
  ctx.reply.ok();
}

void client(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  std::string_view sub = argv[1];
  if (equals_ci(sub, "ID")) {
    if (argv.size() != 2) return cmd::arity_error(ctx.reply, "client|id");
    return ctx.reply.integer(static_cast<int64_t>(ctx.session.id()));
  }
  if (equals_ci(sub, "SETNAME")) {
    if (argv.size() != 3) return cmd::arity_error(ctx.reply, "client|setname");
    if (!valid_client_name(argv[2])) {
      return ctx.reply.error(
          "ERR Client names cannot contain spaces, newlines or special characters.");
    }
    ctx.session.set_name(std::string(argv[2]));
    return ctx.reply.ok();
  }
  if (equals_ci(sub, "GETNAME")) {
    if (argv.size() != 2) return cmd::arity_error(ctx.reply, "client|getname");
    if (ctx.session.name().empty()) return ctx.reply.null();
    return ctx.reply.bulk(ctx.session.name());
  }
  if (equals_ci(sub, "SETINFO")) {
    // Newer clients announce their library; accepted and ignored.
    if (argv.size() != 4) return cmd::arity_error(ctx.reply, "client|setinfo");
    return ctx.reply.ok();
  }
  if (equals_ci(sub, "INFO")) {
    if (argv.size() != 2) return cmd::arity_error(ctx.reply, "client|info");
    return ctx.reply.verbatim(client_info_line(ctx.session, ctx.region.pubsub(), ctx.now_ms) +
                              "\n");
  }
  if (equals_ci(sub, "LIST")) {
    if (argv.size() != 2) return ctx.reply.error(cmd::kSyntax);
    std::string out;
    for (const Client* s : ctx.region.clients()) {
      out += client_info_line(*s, ctx.region.pubsub(), ctx.now_ms) + "\n";
    }
    return ctx.reply.verbatim(out);
  }
  if (equals_ci(sub, "KILL")) return client_kill(ctx);
  if (equals_ci(sub, "PAUSE")) return client_pause(ctx);
  if (equals_ci(sub, "UNPAUSE")) {
    if (argv.size() != 2) return cmd::arity_error(ctx.reply, "client|unpause");
    ctx.region.client_pause().unpause();
    return ctx.reply.ok();
  }
  if (equals_ci(sub, "NO-EVICT")) {
    // Meridian evicts no keys (maxmemory-policy noeviction): the flag changes nothing.
    if (argv.size() != 3) return cmd::arity_error(ctx.reply, "client|no-evict");
    if (!equals_ci(argv[2], "ON") && !equals_ci(argv[2], "OFF")) {
      return ctx.reply.error(cmd::kSyntax);
    }
    return ctx.reply.ok();
  }
  if (equals_ci(sub, "HELP")) {
    static const char* kHelp[] = {
        "CLIENT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "GETNAME",
        "    Return the name of the current connection.",
        "ID",
        "    Return the ID of the current connection.",
        "INFO",
        "    Return information about the current client connection.",
        "KILL <ip:port>",
        "    Kill connection made from <ip:port>.",
        "KILL <option> <value> [<option> <value> [...]]",
        "    Kill connections. Options are:",
        "    * ADDR (<ip:port>|<unixsocket>:0)",
        "      Kill connections made from the specified address",
        "    * ID <client-id>",
        "      Kill connections by client id.",
        "    * USER <username>",
        "      Kill connections authenticated by <username>.",
        "    * SKIPME (YES|NO)",
        "      Skip killing current connection (default: yes).",
        "LIST",
        "    Return information about all client connections.",
        "UNPAUSE",
        "    Stop the current client pause, resuming traffic.",
        "PAUSE <timeout> [WRITE|ALL]",
        "    Suspend all, or just write, clients for <timeout> milliseconds.",
        "SETNAME <name>",
        "    Assign the name <name> to the current connection.",
        "HELP",
        "    Print this help."};
    return cmd::reply_help(ctx.reply, kHelp);
  }
  cmd::unknown_subcommand(ctx.reply, sub, "CLIENT");
}

void select(CommandContext& ctx) {
  auto v = parse_int64(ctx.argv[1]);
  if (!v) return ctx.reply.error(cmd::kNotInteger);
  if (*v < INT32_MIN || *v > INT32_MAX) {
    return ctx.reply.error(
        "ERR value is out of range, value must between -2147483648 and 2147483647");
  }
  // One keyspace per region: Meridian replicates database 0 only.
  if (*v != 0) return ctx.reply.error("ERR DB index is out of range");
  ctx.reply.ok();
}

// MONITOR: from now on this connection is shown every command the region
// runs (but admin commands), as Redis shows them.
void monitor(CommandContext& ctx) {
  ctx.reply.ok();
  ctx.region.add_monitor(&ctx.session);
}

// RESET: Redis' reply is a status "RESET", in the protocol the connection
// had (the reset applies from the next command on).
void reset(CommandContext& ctx) {
  ctx.session.reset_connection();
  ctx.reply.simple("RESET");
}

void quit(CommandContext& ctx) {
  ctx.reply.ok();
  ctx.session.close_after_reply();
}

}  // namespace

void register_connection_commands(CommandTable& t) {
  t.add({"ping", -1, kCmdFast | kCmdStale | kCmdPubSubContext, 0, 0, 0, ping});
  t.add({"echo", 2, kCmdFast, 0, 0, 0, echo});
  t.add(
      {"auth", -2, kCmdNoAuth | kCmdFast | kCmdStale | kCmdLoading | kCmdNoScript, 0, 0, 0, auth});
  t.add({"hello", -1, kCmdNoAuth | kCmdFast | kCmdStale | kCmdLoading | kCmdNoScript, 0, 0, 0,
         hello});
  t.add({"client", -2, kCmdStale | kCmdLoading | kCmdNoScript, 0, 0, 0, client});
  t.add({"select", 2, kCmdFast | kCmdLoading | kCmdStale, 0, 0, 0, select});
  t.add({"monitor", 1, kCmdAdmin | kCmdLoading | kCmdStale | kCmdNoScript, 0, 0, 0, monitor});
  t.add({"reset", 1,
         kCmdNoAuth | kCmdFast | kCmdStale | kCmdLoading | kCmdPubSubContext | kCmdNoScript, 0, 0,
         0, reset});
  t.add({"quit", -1,
         kCmdNoAuth | kCmdFast | kCmdStale | kCmdLoading | kCmdPubSubContext | kCmdNoScript, 0, 0,
         0, quit});
}

}  // namespace meridian
