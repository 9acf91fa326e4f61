// EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT: Lua scripts (core/scripting).
// A script runs atomically in its region; its commands each take their own
// dot and replicate together as one unit (Replicator::begin_unit), never
// the script text, so other regions show all of its writes at once.
#include <array>

#include "core/commands/command_util.h"
#include "core/region/region.h"
#include "core/scripting/scripts.h"

namespace meridian {
namespace {

constexpr std::string_view kNoScript = "NOSCRIPT No matching script. Please use EVAL.";

// EVAL script numkeys key... arg... (and the other three).
void eval_generic(CommandContext& ctx, bool by_sha, bool read_only) {
  const auto& argv = ctx.argv;
  Scripts& scripts = ctx.region.scripts();
  if (by_sha && argv[1].size() != 40) return ctx.reply.error(kNoScript);
  int64_t numkeys = 0;
  if (!cmd::int_arg(ctx, argv[2], &numkeys)) return;
  if (numkeys < 0) return ctx.reply.error("ERR Number of keys can't be negative");
  if (numkeys > static_cast<int64_t>(argv.size()) - 3) {
    return ctx.reply.error("ERR Number of keys can't be greater than number of args");
  }
  std::string sha;
  if (by_sha) {
    sha = cmd::lower(argv[1]);
    if (!scripts.exists(sha)) return ctx.reply.error(kNoScript);
  } else {
    std::string error;
    auto loaded = scripts.load(argv[1], true, &error);
    if (!loaded) return ctx.reply.error(error);
    sha = *loaded;
  }
  const auto first_arg = static_cast<std::ptrdiff_t>(3 + numkeys);
  std::vector<std::string_view> keys(argv.begin() + 3, argv.begin() + first_arg);
  std::vector<std::string_view> args(argv.begin() + first_arg, argv.end());
  Replicator& repl = ctx.region.replicator();
  repl.begin_unit();
  Scripts::Call call = [&ctx, read_only](std::vector<std::string_view>& a, std::string& out) {
    return ctx.session.script_call(a, out, read_only);
  };
  scripts.run(sha, keys, args, call, ctx.reply);
  repl.end_unit();
}

void eval(CommandContext& ctx) {
  eval_generic(ctx, false, false);
}
void evalsha(CommandContext& ctx) {
  eval_generic(ctx, true, false);
}
void eval_ro(CommandContext& ctx) {
  eval_generic(ctx, false, true);
}
void evalsha_ro(CommandContext& ctx) {
  eval_generic(ctx, true, true);
}

constexpr std::array<const char*, 15> kScriptHelp = {
    "SCRIPT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "DEBUG (YES|SYNC|NO)",
    "    Set the debug mode for subsequent scripts executed.",
    "EXISTS <sha1> [<sha1> ...]",
    "    Return information about the existence of the scripts in the script cache.",
    "FLUSH [ASYNC|SYNC]",
    "    Flush the Lua scripts cache. Very dangerous on replicas.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the scripts cache.",
    "    * SYNC: Synchronously flush the scripts cache.",
    "KILL",
    "    Kill the currently executing Lua script.",
    "LOAD <script>",
    "    Load a script into the scripts cache without executing it.",
};

void script(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const std::string sub = cmd::lower(argv[1]);
  Scripts& scripts = ctx.region.scripts();
  if (sub == "help" && argv.size() == 2) {
    std::vector<const char*> lines(kScriptHelp.begin(), kScriptHelp.end());
    lines.push_back("HELP");
    lines.push_back("    Prints this help.");
    return cmd::reply_help(ctx.reply, lines);
  }
  if (sub == "load") {
    if (argv.size() != 3) return cmd::arity_error(ctx.reply, "script|load");
    std::string error;
    auto sha = scripts.load(argv[2], false, &error);
    return sha ? ctx.reply.bulk(*sha) : ctx.reply.error(error);
  }
  if (sub == "exists") {
    if (argv.size() < 3) return cmd::arity_error(ctx.reply, "script|exists");
    ctx.reply.array(argv.size() - 2);
    for (size_t i = 2; i < argv.size(); ++i) ctx.reply.integer(scripts.exists(argv[i]) ? 1 : 0);
    return;
  }
  if (sub == "flush") {
    if (argv.size() > 3 || (argv.size() == 3 && !cmd::equals_ci(argv[2], "SYNC") &&
                            !cmd::equals_ci(argv[2], "ASYNC"))) {
      return ctx.reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    }
    scripts.flush();
    return ctx.reply.ok();
  }
  if (sub == "kill") {
    if (argv.size() != 2) return cmd::arity_error(ctx.reply, "script|kill");
    return ctx.reply.error("NOTBUSY No scripts in execution right now.");
  }
  cmd::unknown_subcommand(ctx.reply, argv[1], "SCRIPT");
}

}  // namespace

void register_script_commands(CommandTable& t) {
  const uint32_t flags = kCmdNoScript | kCmdStale | kCmdMayReplicate;
  // Keys follow numkeys (Redis: movablekeys).
  t.add({"eval", -3, flags, 0, 0, 0, eval, 2});
  t.add({"evalsha", -3, flags, 0, 0, 0, evalsha, 2});
  t.add({"eval_ro", -3, kCmdNoScript | kCmdStale, 0, 0, 0, eval_ro, 2});
  t.add({"evalsha_ro", -3, kCmdNoScript | kCmdStale, 0, 0, 0, evalsha_ro, 2});
  t.add({"script", -2, kCmdNoScript, 0, 0, 0, script});
}

}  // namespace meridian
