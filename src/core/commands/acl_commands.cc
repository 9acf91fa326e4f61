// ACL: Redis' user and permission commands. ACLs are per region (the
// config's [[users]] give every region the same start; see acl.h).
#include <algorithm>
#include <array>
#include <cstdio>
#include <string>
#include <vector>

#include "core/commands/command_acl.h"
#include "core/commands/command_util.h"
#include "core/region/client.h"
#include "core/region/pubsub.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using cmd::equals_ci;

constexpr const char* kHelp[] = {
    "ACL <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "CAT [<category>]",
    "    List all commands that belong to <category>, or all command categories",
    "    when no category is specified.",
    "DELUSER <username> [<username> ...]",
    "    Delete a list of users.",
    "DRYRUN <username> <command> [<arg> ...]",
    "    Returns whether the user can execute the given command without executing the command.",
    "GETUSER <username>",
    "    Get the user's details.",
    "GENPASS [<bits>]",
    "    Generate a secure 256-bit user password. The optional `bits` argument can",
    "    be used to specify a different size.",
    "LIST",
    "    Show users details in config file format.",
    "LOAD",
    "    Reload users from the ACL file.",
    "LOG [<count> | RESET]",
    "    Show the ACL log entries.",
    "SAVE",
    "    Save the current config to the ACL file.",
    "SETUSER <username> <attribute> [<attribute> ...]",
    "    Create or modify a user with the specified attributes.",
    "USERS",
    "    List all the registered usernames.",
    "WHOAMI",
    "    Return the current connection username.",
    "HELP",
    "    Prints this help.",
};

constexpr std::string_view kNoAclFile =
    "ERR This Redis instance is not configured to use an ACL file. You may want to specify users "
    "via the ACL SETUSER command and then issue a CONFIG REWRITE (assuming you have a Redis "
    "configuration file set) in order to store users in the Redis configuration.";

void cat(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() == 2) {
    const auto& names = AclCatalog::category_names();
    ctx.reply.array(names.size());
    for (const auto& n : names) ctx.reply.bulk(n);
    return;
  }
  const int c = AclCatalog::category(argv[2]);
  if (c < 0) {
    return ctx.reply.error("ERR Unknown category '" + std::string(cmd::as_c_string(argv[2])) + "'");
  }
  // The commands Meridian answers (the catalogue also knows Redis' others).
  std::vector<const AclCommand*> in;
  for (const auto& cmd : AclCatalog::get().all()) {
    const std::string base = cmd.name.substr(0, cmd.name.find('|'));
    if ((cmd.categories >> c & 1) && command_table().find(base) != nullptr) in.push_back(&cmd);
  }
  ctx.reply.array(in.size());
  for (const auto* cmd : in) ctx.reply.bulk(cmd->name);
}

void deluser(CommandContext& ctx) {
  Acl& acl = ctx.region.acl();
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    if (ctx.argv[i] == "default")
      return ctx.reply.error("ERR The 'default' user cannot be removed");
  }
  int64_t deleted = 0;
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    if (!acl.del_user(ctx.argv[i])) continue;
    ++deleted;
    // As Redis: the user's connections go with it.
    for (Client* c : ctx.region.clients()) {
      if (c->user() == ctx.argv[i]) c->kill();
    }
  }
  ctx.reply.integer(deleted);
}

void dryrun(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const AclUser* u = ctx.region.acl().find(argv[2]);
  if (u == nullptr) {
    return ctx.reply.error("ERR User '" + std::string(cmd::as_c_string(argv[2])) + "' not found");
  }
  const CommandSpec* spec = command_table().find(argv[3]);
  if (spec == nullptr) {
    return ctx.reply.error("ERR Command '" + std::string(cmd::as_c_string(argv[3])) +
                           "' not found");
  }
  std::vector<std::string_view> call(argv.begin() + 3, argv.end());
  const int argc = static_cast<int>(call.size());
  if ((spec->arity > 0 && spec->arity != argc) || argc < -spec->arity) {
    return cmd::arity_error(ctx.reply, spec->name);
  }
  auto refusal = acl_check(*u, *spec, call);
  if (!refusal) return ctx.reply.ok();
  switch (refusal->kind) {
    case AclRefusal::kCommand:
      return ctx.reply.bulk("This user has no permissions to run the '" + refusal->object +
                            "' command");
    case AclRefusal::kKey:
      return ctx.reply.bulk("This user has no permissions to access the '" + refusal->object +
                            "' key");
    case AclRefusal::kChannel:
      break;
  }
  ctx.reply.bulk("This user has no permissions to access the '" + refusal->object + "' channel");
}

void genpass(CommandContext& ctx) {
  int64_t bits = 256;
  if (ctx.argv.size() > 3) return cmd::subcommand_syntax_error(ctx.reply, ctx.argv[1], "ACL");
  if (ctx.argv.size() == 3) {
    auto b = parse_int64(ctx.argv[2]);
    if (!b) return ctx.reply.error(cmd::kNotInteger);
    if (*b <= 0 || *b > 4096) {
      return ctx.reply.error(
          "ERR ACL GENPASS argument must be the number of bits for the output password, a "
          "positive number up to 4096");
    }
    bits = *b;
  }
  static const char* const kHex = "0123456789abcdef";
  const size_t chars = static_cast<size_t>((bits + 3) / 4);
  std::string out;
  while (out.size() < chars) {
    uint64_t r = ctx.region.random().next_u64();
    for (int i = 0; i < 16 && out.size() < chars; ++i, r >>= 4) out.push_back(kHex[r & 15]);
  }
  ctx.reply.bulk(out);
}

void getuser(CommandContext& ctx) {
  if (ctx.argv.size() != 3) return cmd::subcommand_syntax_error(ctx.reply, ctx.argv[1], "ACL");
  const AclUser* u = ctx.region.acl().find(ctx.argv[2]);
  if (u == nullptr) return ctx.reply.null();
  Reply& r = ctx.reply;
  r.map(6);
  r.bulk("flags");
  const auto flags = u->flag_names();
  r.set(flags.size());
  for (const auto& f : flags) r.bulk(f);
  r.bulk("passwords");
  r.array(u->password_hashes().size());
  for (const auto& h : u->password_hashes()) r.bulk(h);
  r.bulk("commands");
  r.bulk(u->describe_commands());
  r.bulk("keys");
  r.bulk(u->describe_keys());
  r.bulk("channels");
  r.bulk(u->describe_channels());
  r.bulk("selectors");
  r.array(0);
}

void log(CommandContext& ctx) {
  AclLog& log = ctx.region.acl().log();
  size_t count = 10;
  if (ctx.argv.size() > 3) return cmd::subcommand_syntax_error(ctx.reply, ctx.argv[1], "ACL");
  if (ctx.argv.size() == 3) {
    if (equals_ci(ctx.argv[2], "RESET")) {
      log.reset();
      return ctx.reply.ok();
    }
    auto n = parse_int64(ctx.argv[2]);
    if (!n) return ctx.reply.error(cmd::kNotInteger);
    count = static_cast<size_t>(std::max<int64_t>(*n, 0));
  }
  const auto& entries = log.entries();
  count = std::min(count, entries.size());
  ctx.reply.array(count);
  for (size_t i = 0; i < count; ++i) {
    const AclLogEntry& e = entries[i];
    ctx.reply.map(7);
    ctx.reply.bulk("count");
    ctx.reply.integer(static_cast<int64_t>(e.count));
    ctx.reply.bulk("reason");
    ctx.reply.bulk(e.reason);
    ctx.reply.bulk("context");
    ctx.reply.bulk(e.context);
    ctx.reply.bulk("object");
    ctx.reply.bulk(e.object);
    ctx.reply.bulk("username");
    ctx.reply.bulk(e.username);
    ctx.reply.bulk("age-seconds");
    char age[64];
    std::snprintf(age, sizeof(age), "%.17g",
                  static_cast<double>(ctx.now_ms - e.created_ms) / 1000.0);
    ctx.reply.dbl(age);
    ctx.reply.bulk("client-info");
    ctx.reply.bulk(e.client_info);
  }
}

void load(CommandContext& ctx) {
  AclFile* file = ctx.region.acl_file;
  if (file == nullptr) return ctx.reply.error(kNoAclFile);
  std::string text;
  if (auto err = file->read(&text)) return ctx.reply.error("ERR " + *err);
  if (auto err = ctx.region.acl().load(text, file->path())) return ctx.reply.error(*err);
  // Connections of users that are gone go with them.
  for (Client* c : ctx.region.clients()) {
    if (ctx.region.acl().find(c->user()) == nullptr) c->kill();
  }
  ctx.reply.ok();
}

void save(CommandContext& ctx) {
  AclFile* file = ctx.region.acl_file;
  if (file == nullptr) return ctx.reply.error(kNoAclFile);
  if (auto err = file->write(ctx.region.acl().save())) {
    if (ctx.region.warn) ctx.region.warn("ACL SAVE: " + *err);
    return ctx.reply.error(
        "ERR There was an error trying to save the ACLs. Please check the server logs for more "
        "information");
  }
  ctx.reply.ok();
}

// As Redis 7: once a user's channel rules change, its connections
// subscribed to a channel or pattern the rules no longer allow are closed.
void close_subscribers_who_lost_access(CommandContext& ctx, std::string_view name) {
  const AclUser* u = ctx.region.acl().find(name);
  if (u == nullptr) return;
  const PubSub& ps = ctx.region.pubsub();
  for (Client* c : ctx.region.clients()) {
    if (c->user() != name) continue;
    bool lost = false;
    for (auto kind : {PubSub::kChannel, PubSub::kShard, PubSub::kPattern}) {
      for (const auto& ch : ps.names_of(c, kind)) {
        lost = lost || !u->may_use_channel(ch, kind == PubSub::kPattern);
      }
    }
    if (lost) c->kill();
  }
}

void acl(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  std::string_view sub = argv[1];
  const size_t n = argv.size();
  Acl& acl = ctx.region.acl();
  auto wrong = [&] { cmd::arity_error(ctx.reply, "acl|" + cmd::lower(sub)); };
  if (equals_ci(sub, "HELP")) return n != 2 ? wrong() : cmd::reply_help(ctx.reply, kHelp);
  if (equals_ci(sub, "CAT")) {
    return n > 3 ? cmd::subcommand_syntax_error(ctx.reply, sub, "ACL") : cat(ctx);
  }
  if (equals_ci(sub, "DELUSER")) return n < 3 ? wrong() : deluser(ctx);
  if (equals_ci(sub, "DRYRUN")) return n < 4 ? wrong() : dryrun(ctx);
  if (equals_ci(sub, "GENPASS")) return genpass(ctx);
  if (equals_ci(sub, "GETUSER")) return n != 3 ? wrong() : getuser(ctx);
  if (equals_ci(sub, "LOG")) return log(ctx);
  if (equals_ci(sub, "LOAD")) return n != 2 ? wrong() : load(ctx);
  if (equals_ci(sub, "SAVE")) return n != 2 ? wrong() : save(ctx);
  if (equals_ci(sub, "SETUSER")) {
    if (n < 3) return wrong();
    std::vector<std::string_view> rules(argv.begin() + 3, argv.end());
    if (auto err = acl.set_user(argv[2], rules)) return ctx.reply.error(*err);
    close_subscribers_who_lost_access(ctx, argv[2]);
    return ctx.reply.ok();
  }
  if (equals_ci(sub, "LIST") || equals_ci(sub, "USERS")) {
    if (n != 2) return wrong();
    ctx.reply.array(acl.users().size());
    for (const auto& [name, u] : acl.users()) {
      ctx.reply.bulk(equals_ci(sub, "USERS") ? name : "user " + name + " " + u.describe());
    }
    return;
  }
  if (equals_ci(sub, "WHOAMI")) return n != 2 ? wrong() : ctx.reply.bulk(ctx.session.user());
  cmd::unknown_subcommand(ctx.reply, sub, "ACL");
}

}  // namespace

void register_acl_commands(CommandTable& t) {
  t.add({"acl", -2, kCmdAdmin | kCmdNoScript | kCmdLoading | kCmdStale, 0, 0, 0, acl});
}

}  // namespace meridian
