// EVAL EVALSHA EVAL_RO EVALSHA_RO SCRIPT, FCALL FCALL_RO FUNCTION: Lua
// scripts and function libraries (core/scripting).
// A script runs atomically in its region; its commands each take their own
// dot and replicate together as one unit (Replicator::begin_unit), never
// the script text, so other regions show all of its writes at once.
#include <algorithm>
#include <array>

#include "core/base/glob.h"
#include "core/commands/command_util.h"
#include "core/commands/dump_format.h"
#include "core/region/region.h"
#include "core/scripting/functions.h"
#include "core/scripting/scripts.h"

namespace meridian {
namespace {

constexpr std::string_view kNoScript = "NOSCRIPT No matching script. Please use EVAL.";

// SCRIPT FLUSH / FUNCTION FLUSH [ASYNC|SYNC]: whether the mode is one.
bool flush_mode_ok(const std::vector<std::string_view>& argv) {
  return argv.size() == 2 || (argv.size() == 3 && (cmd::equals_ci(argv[2], "SYNC") ||
                                                   cmd::equals_ci(argv[2], "ASYNC")));
}

// The keys and arguments after numkeys (argv[2], already read); false with
// Redis' error when numkeys does not fit.
bool split_keys(CommandContext& ctx, int64_t numkeys, std::vector<std::string_view>* keys,
                std::vector<std::string_view>* args) {
  const auto& argv = ctx.argv;
  if (numkeys < 0) {
    ctx.reply.error("ERR Number of keys can't be negative");
    return false;
  }
  if (numkeys > static_cast<int64_t>(argv.size()) - 3) {
    ctx.reply.error("ERR Number of keys can't be greater than number of args");
    return false;
  }
  const auto first_arg = argv.begin() + static_cast<std::ptrdiff_t>(3 + numkeys);
  keys->assign(argv.begin() + 3, first_arg);
  args->assign(first_arg, argv.end());
  return true;
}

// Runs `body(call)` as one replicated unit, its commands running on the
// caller's connection (refused if they write and `read_only`).
template <class Body>
void run_unit(CommandContext& ctx, bool read_only, const Body& body) {
  Replicator& repl = ctx.region.replicator();
  repl.begin_unit();
  Scripts::Call call = [&ctx, read_only](std::vector<std::string_view>& a, std::string& out,
                                         int proto) {
    return ctx.session.script_call(a, out, read_only, proto);
  };
  body(call);
  repl.end_unit();
}

// EVAL script numkeys key... arg... (and the other three).
void eval_generic(CommandContext& ctx, bool by_sha, bool read_only) {
  const auto& argv = ctx.argv;
  Scripts& scripts = ctx.region.scripts();
  if (by_sha && argv[1].size() != 40) return ctx.reply.error(kNoScript);
  int64_t numkeys = 0;
  std::vector<std::string_view> keys, args;
  if (!cmd::int_arg(ctx, argv[2], &numkeys) || !split_keys(ctx, numkeys, &keys, &args)) return;
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
  run_unit(ctx, read_only,
           [&](const Scripts::Call& call) { scripts.run(sha, keys, args, call, ctx.reply); });
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

constexpr std::array<const char*, 17> kScriptHelp = {
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
    "HELP",
    "    Prints this help.",
};

void script(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const std::string sub = cmd::lower(argv[1]);
  Scripts& scripts = ctx.region.scripts();
  if (sub == "help" && argv.size() == 2) return cmd::reply_help(ctx.reply, kScriptHelp);
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
    if (!flush_mode_ok(argv))
      return ctx.reply.error("ERR SCRIPT FLUSH only support SYNC|ASYNC option");
    scripts.flush();
    return ctx.reply.ok();
  }
  if (sub == "kill") {
    if (argv.size() != 2) return cmd::arity_error(ctx.reply, "script|kill");
    return ctx.reply.error("NOTBUSY No scripts in execution right now.");
  }
  cmd::unknown_subcommand(ctx.reply, argv[1], "SCRIPT");
}

// FCALL / FCALL_RO function numkeys key... arg...
void fcall_generic(CommandContext& ctx, bool read_only) {
  const auto& argv = ctx.argv;
  auto numkeys = parse_int64(argv[2]);
  if (!numkeys) return ctx.reply.error("ERR Bad number of keys provided");
  std::vector<std::string_view> keys, args;
  if (!split_keys(ctx, *numkeys, &keys, &args)) return;
  const Functions::Function* f = ctx.region.functions().find(argv[1]);
  if (f == nullptr) return ctx.reply.error("ERR Function not found");
  if (read_only && !f->no_writes()) {
    return ctx.reply.error("ERR Can not execute a script with write flag using *_ro command.");
  }
  run_unit(ctx, f->no_writes(), [&](const Scripts::Call& call) {
    ctx.region.functions().call(*f, keys, args, call, ctx.reply);
  });
}

void fcall(CommandContext& ctx) {
  fcall_generic(ctx, false);
}
void fcall_ro(CommandContext& ctx) {
  fcall_generic(ctx, true);
}

void function_list(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  bool with_code = false;
  std::optional<std::string> pattern;
  for (size_t i = 2; i < argv.size(); ++i) {
    if (cmd::equals_ci(argv[i], "WITHCODE") && !with_code) {
      with_code = true;
    } else if (cmd::equals_ci(argv[i], "LIBRARYNAME") && !pattern) {
      if (i + 1 >= argv.size()) return ctx.reply.error("ERR library name argument was not given");
      pattern = std::string(argv[++i]);
    } else {
      return ctx.reply.error("ERR Unknown argument " + std::string(argv[i]));
    }
  }
  const Functions& fns = ctx.region.functions();
  std::vector<const Functions::Library*> libs;
  for (const auto& [name, lib] : fns.libraries()) {
    if (!pattern || glob_match(*pattern, name)) libs.push_back(&lib);
  }
  ctx.reply.array(libs.size());
  for (const auto* lib : libs) {
    ctx.reply.map(with_code ? 4 : 3);
    ctx.reply.bulk("library_name");
    ctx.reply.bulk(lib->name);
    ctx.reply.bulk("engine");
    ctx.reply.bulk("LUA");
    ctx.reply.bulk("functions");
    std::vector<std::string> names = lib->functions;
    std::sort(names.begin(), names.end());
    ctx.reply.array(names.size());
    for (const auto& n : names) {
      const Functions::Function* f = fns.find(n);
      ctx.reply.map(3);
      ctx.reply.bulk("name");
      ctx.reply.bulk(f->name);
      ctx.reply.bulk("description");
      f->description.empty() ? ctx.reply.null() : ctx.reply.bulk(f->description);
      ctx.reply.bulk("flags");
      ctx.reply.set(f->flags.size());
      for (const auto& flag : f->flags) ctx.reply.simple(flag);
    }
    if (with_code) {
      ctx.reply.bulk("library_code");
      ctx.reply.bulk(lib->code);
    }
  }
}

constexpr std::array<const char*, 40> kFunctionHelp = {
    "FUNCTION <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "LOAD [REPLACE] <FUNCTION CODE>",
    "    Create a new library with the given library name and code.",
    "DELETE <LIBRARY NAME>",
    "    Delete the given library.",
    "LIST [LIBRARYNAME PATTERN] [WITHCODE]",
    "    Return general information on all the libraries:",
    "    * Library name",
    "    * The engine used to run the Library",
    "    * Library description",
    "    * Functions list",
    "    * Library code (if WITHCODE is given)",
    "    It also possible to get only function that matches a pattern using LIBRARYNAME argument.",
    "STATS",
    "    Return information about the current function running:",
    "    * Function name",
    "    * Command used to run the function",
    "    * Duration in MS that the function is running",
    "    If no function is running, return nil",
    "    In addition, returns a list of available engines.",
    "KILL",
    "    Kill the current running function.",
    "FLUSH [ASYNC|SYNC]",
    "    Delete all the libraries.",
    "    When called without the optional mode argument, the behavior is determined by the",
    "    lazyfree-lazy-user-flush configuration directive. Valid modes are:",
    "    * ASYNC: Asynchronously flush the libraries.",
    "    * SYNC: Synchronously flush the libraries.",
    "DUMP",
    "    Return a serialized payload representing the current libraries, can be restored using "
    "FUNCTION RESTORE command",
    "RESTORE <PAYLOAD> [FLUSH|APPEND|REPLACE]",
    "    Restore the libraries represented by the given payload, it is possible to give a restore "
    "policy to",
    "    control how to handle existing libraries (default APPEND):",
    "    * FLUSH: delete all existing libraries.",
    "    * APPEND: appends the restored libraries to the existing libraries. On collision, abort.",
    "    * REPLACE: appends the restored libraries to the existing libraries, On collision, "
    "replace the old",
    "      libraries with the new libraries (notice that even on this option there is a chance of "
    "failure",
    "      in case of functions name collision with another library).",
    "HELP",
    "    Prints this help.",
};

// FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]
void function_restore(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  if (argv.size() < 3) return cmd::arity_error(ctx.reply, "function|restore");
  if (argv.size() > 4) {
    return cmd::subcommand_syntax_error(ctx.reply, argv[1], "FUNCTION");
  }
  auto policy = Functions::RestorePolicy::kAppend;
  if (argv.size() == 4) {
    if (cmd::equals_ci(argv[3], "flush")) {
      policy = Functions::RestorePolicy::kFlush;
    } else if (cmd::equals_ci(argv[3], "replace")) {
      policy = Functions::RestorePolicy::kReplace;
    } else if (!cmd::equals_ci(argv[3], "append")) {
      return ctx.reply.error(
          "ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.");
    }
  }
  std::vector<std::string> codes;
  switch (dump::decode_functions(argv[2], &codes)) {
    case dump::Decoded::kBadVersionOrChecksum:
      return ctx.reply.error("ERR DUMP payload version or checksum are wrong");
    case dump::Decoded::kBadFormat:
      return ctx.reply.error("ERR given type is not a function");
    case dump::Decoded::kOk:
      break;
  }
  std::string error;
  if (!ctx.region.functions().restore_libraries(codes, policy, &error)) {
    return ctx.reply.error(error);
  }
  ctx.region.save_functions();
  ctx.reply.ok();
}

void function(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const std::string sub = cmd::lower(argv[1]);
  Functions& fns = ctx.region.functions();
  if (sub == "load") {
    if (argv.size() < 3 || argv.size() > 4) return cmd::arity_error(ctx.reply, "function|load");
    const bool replace = argv.size() == 4;
    if (replace && !cmd::equals_ci(argv[2], "REPLACE")) {
      return ctx.reply.error("ERR Unknown option given: " + std::string(argv[2]));
    }
    std::string error;
    auto name = fns.load(argv.back(), replace, &error);
    if (!name) return ctx.reply.error(error);
    ctx.region.save_functions();
    return ctx.reply.bulk(*name);
  }
  if (sub == "delete") {
    if (argv.size() != 3) return cmd::arity_error(ctx.reply, "function|delete");
    if (!fns.remove(argv[2])) return ctx.reply.error("ERR Library not found");
    ctx.region.save_functions();
    return ctx.reply.ok();
  }
  if (sub == "flush") {
    if (!flush_mode_ok(argv)) {
      return ctx.reply.error("ERR FUNCTION FLUSH only supports SYNC|ASYNC option");
    }
    fns.flush();
    ctx.region.save_functions();
    return ctx.reply.ok();
  }
  if (sub == "list") return function_list(ctx);
  if (sub == "dump") {
    if (argv.size() != 2) return cmd::arity_error(ctx.reply, "function|dump");
    std::vector<std::string> codes;
    for (const auto& [name, lib] : fns.libraries()) codes.push_back(lib.code);
    return ctx.reply.bulk(dump::encode_functions(codes));
  }
  if (sub == "restore") return function_restore(ctx);
  if (sub == "kill") {
    if (argv.size() != 2) return cmd::arity_error(ctx.reply, "function|kill");
    return ctx.reply.error("NOTBUSY No scripts in execution right now.");
  }
  if (sub == "stats") {
    if (argv.size() != 2) return cmd::arity_error(ctx.reply, "function|stats");
    ctx.reply.map(2);
    ctx.reply.bulk("running_script");
    ctx.reply.null();
    ctx.reply.bulk("engines");
    ctx.reply.map(1);
    ctx.reply.bulk("LUA");
    ctx.reply.map(2);
    ctx.reply.bulk("libraries_count");
    ctx.reply.integer(static_cast<int64_t>(fns.libraries().size()));
    ctx.reply.bulk("functions_count");
    return ctx.reply.integer(static_cast<int64_t>(fns.function_count()));
  }
  if (sub == "help" && argv.size() == 2) return cmd::reply_help(ctx.reply, kFunctionHelp);
  cmd::unknown_subcommand(ctx.reply, argv[1], "FUNCTION");
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
  t.add({"fcall", -3, flags, 0, 0, 0, fcall, 2});
  t.add({"fcall_ro", -3, kCmdNoScript | kCmdStale, 0, 0, 0, fcall_ro, 2});
  t.add({"function", -2, kCmdNoScript, 0, 0, 0, function});
}

}  // namespace meridian
