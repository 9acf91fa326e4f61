// XREAD (with BLOCK) and XINFO STREAM / GROUPS / CONSUMERS / HELP.
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/stream_access.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using stream::Id;

// XREAD's BLOCK: milliseconds, as Redis' getTimeoutFromObjectOrReply.
bool block_ms(CommandContext& ctx, std::string_view arg, int64_t* ms) {
  auto v = parse_int64(arg);
  if (!v) {
    ctx.reply.error("ERR timeout is not an integer or out of range");
    return false;
  }
  if (*v < 0) {
    ctx.reply.error("ERR timeout is negative");
    return false;
  }
  if (*v > INT64_MAX - ctx.now_ms) {
    ctx.reply.error("ERR timeout is out of range");
    return false;
  }
  *ms = *v;
  return true;
}

// XREAD [COUNT count] [BLOCK ms] STREAMS key [key ...] id [id ...]
void xread(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  int64_t timeout = -1;  // no BLOCK
  int64_t count = 0;     // 0: no limit
  size_t streams_at = 0, n = 0;
  for (size_t i = 1; i < argv.size(); ++i) {
    const bool more = i + 1 < argv.size();
    std::string_view o = argv[i];
    if (cmd::equals_ci(o, "block") && more) {
      if (ctx.session.in_script()) {
        return ctx.reply.error("ERR xread command is not allowed with BLOCK option from scripts");
      }
      if (!block_ms(ctx, argv[++i], &timeout)) return;
    } else if (cmd::equals_ci(o, "count") && more) {
      if (!cmd::int_arg(ctx, argv[++i], &count)) return;
      if (count < 0) count = 0;
    } else if (cmd::equals_ci(o, "streams") && more) {
      streams_at = i + 1;
      if ((argv.size() - streams_at) % 2 != 0) {
        return ctx.reply.error(
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified.");
      }
      n = (argv.size() - streams_at) / 2;
      break;
    } else if (cmd::equals_ci(o, "group") && i + 2 < argv.size()) {
      return ctx.reply.error(
          "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
    } else if (cmd::equals_ci(o, "noack")) {
      return ctx.reply.error(
          "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
    } else {
      return ctx.reply.error(cmd::kSyntax);
    }
  }
  if (streams_at == 0) return ctx.reply.error(cmd::kSyntax);
  // The ids: what each stream must go past ("$": its last id now).
  std::vector<Id> after(n);
  bool dollar = false;
  for (size_t k = 0; k < n; ++k) {
    std::string_view key = argv[streams_at + k], arg = argv[streams_at + n + k];
    std::optional<KeyRecord> rec;
    if (!cmd::blocking_source(ctx, key, ValueType::kStream, rec)) return;
    if (arg == "$") {
      dollar = true;
      after[k] = rec ? cmd::stream_meta(ctx, key, *rec).last : stream::kMinId;
      continue;
    }
    if (arg == ">") {
      return ctx.reply.error(
          "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> "
          "<consumer> option.");
    }
    auto id = cmd::strict_id(ctx, arg);
    if (!id) return;
    after[k] = *id;
  }
  struct Served {
    std::string_view key;
    cmd::Entries entries;
  };
  std::vector<Served> served;
  for (size_t k = 0; k < n; ++k) {
    std::string_view key = argv[streams_at + k];
    std::optional<KeyRecord> rec;
    if (!cmd::blocking_source(ctx, key, ValueType::kStream, rec)) return;
    if (!rec || after[k].is_max()) continue;
    Served s{key, cmd::read_entries(ctx, key, *rec, *stream::next(after[k]), stream::kMaxId, false,
                                    static_cast<uint64_t>(count))};
    // A waiting reader is served once an XADD went past its id, even if
    // trimming took the entry again (Redis answers it an empty list).
    const bool moved = s.entries.empty() && ctx.session.retrying_blocked() &&
                       after[k] < cmd::stream_meta(ctx, key, *rec).last_added;
    if (!s.entries.empty() || moved) served.push_back(std::move(s));
  }
  if (!served.empty()) {
    if (ctx.session.proto() == 3) {
      ctx.reply.map(served.size());
    } else {
      ctx.reply.array(served.size());
    }
    for (const auto& s : served) {
      if (ctx.session.proto() != 3) ctx.reply.array(2);
      ctx.reply.bulk(s.key);
      cmd::reply_entries(ctx, s.entries);
    }
    return;
  }
  if (timeout < 0) return ctx.reply.null_array();
  std::vector<std::string_view> keys(argv.begin() + static_cast<ptrdiff_t>(streams_at),
                                     argv.begin() + static_cast<ptrdiff_t>(streams_at + n));
  std::vector<std::string> retry;
  if (dollar) {
    // Woken, it serves what came after the ids "$" stood for now.
    retry.assign(argv.begin(), argv.end());
    for (size_t k = 0; k < n; ++k) retry[streams_at + n + k] = stream::format(after[k]);
  }
  cmd::block(ctx, keys, timeout, false, std::move(retry));
}

// A stream for XINFO: WRONGTYPE or "no such key" replied when there is none.
const KeyRecord* info_stream(CommandContext& ctx, std::string_view key) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, key, ValueType::kStream, rec)) return nullptr;
  if (rec == nullptr) ctx.reply.error("ERR no such key");
  return rec;
}

void reply_id(CommandContext& ctx, Id id) {
  ctx.reply.bulk(stream::format(id));
}

// XINFO STREAM key [FULL [COUNT count]]
void xinfo_stream(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const KeyRecord* found = info_stream(ctx, argv[2]);
  if (found == nullptr) return;
  bool full = false;
  int64_t count = 10;
  if (argv.size() > 3) {
    const bool ok = cmd::equals_ci(argv[3], "full") &&
                    (argv.size() == 4 || (argv.size() == 6 && cmd::equals_ci(argv[4], "count")));
    if (!ok) {
      return ctx.reply.error("ERR unknown subcommand or wrong number of arguments for '" +
                             std::string(cmd::as_c_string(argv[1])) + "'. Try XINFO HELP.");
    }
    full = true;
    if (argv.size() == 6) {
      if (!cmd::int_arg(ctx, argv[5], &count)) return;
      if (count < 0) count = 10;
    }
  }
  const KeyRecord rec = *found;
  const std::string_view key = argv[2];
  const cmd::StreamMeta meta = cmd::stream_meta(ctx, key, rec);
  const uint64_t len = cmd::stream_length(rec);
  const auto first = cmd::edge_entry(ctx, key, rec, false);
  // Redis' radix tree holds a node per 100 entries (stream-node-max-
  // entries); Meridian stores entries one per field and reports that shape.
  const uint64_t nodes = (len + cmd::kStreamNodeEntries - 1) / cmd::kStreamNodeEntries;
  ctx.reply.map(full ? 9 : 10);
  ctx.reply.bulk("length");
  ctx.reply.integer(static_cast<int64_t>(len));
  ctx.reply.bulk("radix-tree-keys");
  ctx.reply.integer(static_cast<int64_t>(nodes));
  ctx.reply.bulk("radix-tree-nodes");
  ctx.reply.integer(static_cast<int64_t>(nodes + 1));
  ctx.reply.bulk("last-generated-id");
  reply_id(ctx, meta.last);
  ctx.reply.bulk("max-deleted-entry-id");
  reply_id(ctx, meta.max_deleted);
  ctx.reply.bulk("entries-added");
  ctx.reply.integer(static_cast<int64_t>(meta.entries_added));
  ctx.reply.bulk("recorded-first-entry-id");
  reply_id(ctx, first.value_or(stream::kMinId));
  if (full) {
    ctx.reply.bulk("entries");
    cmd::reply_entries(ctx, cmd::read_entries(ctx, key, rec, stream::kMinId, stream::kMaxId, false,
                                              static_cast<uint64_t>(count)));
    ctx.reply.bulk("groups");
    ctx.reply.array(0);
    return;
  }
  ctx.reply.bulk("groups");
  ctx.reply.integer(0);
  for (bool last : {false, true}) {
    ctx.reply.bulk(last ? "last-entry" : "first-entry");
    std::string value;
    if (auto id = cmd::edge_entry(ctx, key, rec, last, &value)) {
      cmd::reply_entry(ctx, *id, value);
    } else {
      ctx.reply.null();
    }
  }
}

void xinfo(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const std::string_view sub = argv[1];
  struct Sub {
    const char* name;
    int arity;
  };
  static constexpr Sub kSubs[] = {{"stream", -3}, {"groups", 3}, {"consumers", 4}, {"help", 2}};
  const Sub* found = nullptr;
  for (const auto& s : kSubs) {
    if (cmd::equals_ci(sub, s.name)) found = &s;
  }
  if (found == nullptr) return cmd::unknown_subcommand(ctx.reply, sub, "XINFO");
  const auto argc = static_cast<int64_t>(argv.size());
  if (found->arity > 0 ? argc != found->arity : argc < -found->arity) {
    return cmd::arity_error(ctx.reply, std::string("xinfo|") + found->name);
  }
  if (cmd::equals_ci(sub, "help")) {
    static const char* const kHelp[] = {
        "XINFO <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
        "CONSUMERS <key> <groupname>",
        "    Show consumers of <groupname>.",
        "GROUPS <key>",
        "    Show the stream consumer groups.",
        "STREAM <key> [FULL [COUNT <count>]",
        "    Show information about the stream.",
        "HELP",
        "    Prints this help.",
    };
    return cmd::reply_help(ctx.reply, kHelp);
  }
  if (cmd::equals_ci(sub, "stream")) return xinfo_stream(ctx);
  // Consumer groups are not kept yet: a stream has none.
  if (info_stream(ctx, argv[2]) == nullptr) return;
  if (cmd::equals_ci(sub, "groups")) return ctx.reply.array(0);
  ctx.reply.error("NOGROUP No such consumer group '" + std::string(argv[3]) + "' for key name '" +
                  std::string(argv[2]) + "'");
}

// XREAD's keys: the first half of what follows STREAMS.
std::vector<std::string_view> xread_keys(const std::vector<std::string_view>& argv) {
  for (size_t i = 1; i < argv.size(); ++i) {
    if (!cmd::equals_ci(argv[i], "streams")) continue;
    const size_t rest = argv.size() - i - 1;
    if (rest == 0 || rest % 2 != 0) return {};
    return {argv.begin() + static_cast<ptrdiff_t>(i + 1),
            argv.begin() + static_cast<ptrdiff_t>(i + 1 + rest / 2)};
  }
  return {};
}

}  // namespace

void register_stream_read_commands(CommandTable& t) {
  t.add({"xread", -4, kCmdReadOnly, 0, 0, 0, xread, 0, xread_keys});
  t.add({"xinfo", -2, kCmdReadOnly, 2, 2, 1, xinfo});
}

}  // namespace meridian
