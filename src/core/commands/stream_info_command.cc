// XINFO STREAM [FULL] / GROUPS / CONSUMERS / HELP.
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/stream_access.h"
#include "core/commands/stream_groups.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using stream::Id;

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

void reply_optional(CommandContext& ctx, std::optional<int64_t> v) {
  if (v) {
    ctx.reply.integer(*v);
  } else {
    ctx.reply.null();
  }
}

// A group's last-delivered-id, entries-read and lag (XINFO GROUPS and
// STREAM FULL name them in this order).
void reply_progress(CommandContext& ctx, const cmd::StreamShape& shape, const cmd::StreamGroup& g) {
  ctx.reply.bulk("last-delivered-id");
  reply_id(ctx, g.last_id);
  ctx.reply.bulk("entries-read");
  reply_optional(ctx, g.entries_read == cmd::kEntriesReadUnknown
                          ? std::nullopt
                          : std::optional<int64_t>(g.entries_read));
  ctx.reply.bulk("lag");
  reply_optional(ctx, cmd::group_lag(shape, g));
}

int64_t idle_since(const CommandContext& ctx, int64_t at) {
  return std::max<int64_t>(ctx.now_ms - at, 0);
}

// XINFO STREAM FULL's groups: each with its pending entries and consumers
// (each with its own), up to `count` entries per list (0: all).
void reply_full_groups(CommandContext& ctx, std::string_view key, KeyRecord& rec,
                       const cmd::StreamShape& shape, uint64_t count) {
  cmd::StreamGroups groups(ctx, key, rec);
  const std::vector<cmd::StreamGroup> all = groups.all();
  ctx.reply.array(all.size());
  auto pending_of = [&](const cmd::StreamGroup& g, std::optional<std::string_view> consumer) {
    std::vector<cmd::PendingEntry> out;
    groups.for_each_pending(g, stream::kMinId, [&](const cmd::PendingEntry& p) {
      if (!consumer || p.consumer == *consumer) out.push_back(p);
      return count == 0 || out.size() < count;
    });
    return out;
  };
  for (const auto& g : all) {
    ctx.reply.map(7);
    ctx.reply.bulk("name");
    ctx.reply.bulk(g.name);
    reply_progress(ctx, shape, g);
    ctx.reply.bulk("pel-count");
    ctx.reply.integer(static_cast<int64_t>(groups.pending_count(g)));
    ctx.reply.bulk("pending");
    const auto pel = pending_of(g, std::nullopt);
    ctx.reply.array(pel.size());
    for (const auto& p : pel) {
      ctx.reply.array(4);
      reply_id(ctx, p.id);
      ctx.reply.bulk(p.consumer);
      ctx.reply.integer(p.delivered_ms);
      ctx.reply.integer(static_cast<int64_t>(p.deliveries));
    }
    const std::vector<cmd::StreamConsumer> consumers = groups.consumers(g);
    ctx.reply.bulk("consumers");
    ctx.reply.array(consumers.size());
    for (const auto& c : consumers) {
      ctx.reply.map(4);
      ctx.reply.bulk("name");
      ctx.reply.bulk(c.name);
      ctx.reply.bulk("seen-time");
      ctx.reply.integer(c.seen_ms);
      ctx.reply.bulk("pel-count");
      ctx.reply.integer(static_cast<int64_t>(groups.pending_count(g, c.name)));
      ctx.reply.bulk("pending");
      const auto own = pending_of(g, c.name);
      ctx.reply.array(own.size());
      for (const auto& p : own) {
        ctx.reply.array(3);
        reply_id(ctx, p.id);
        ctx.reply.integer(p.delivered_ms);
        ctx.reply.integer(static_cast<int64_t>(p.deliveries));
      }
    }
  }
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
      return cmd::subcommand_syntax_error(ctx.reply, argv[1], "XINFO");
    }
    full = true;
    if (argv.size() == 6) {
      if (!cmd::int_arg(ctx, argv[5], &count)) return;
      if (count < 0) count = 10;
    }
  }
  KeyRecord rec = *found;
  const std::string_view key = argv[2];
  const cmd::StreamMeta meta = cmd::stream_meta(ctx, key, rec);
  const cmd::StreamShape shape = cmd::stream_shape(ctx, key, rec);
  const uint64_t len = shape.length;
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
  reply_id(ctx, shape.first.value_or(stream::kMinId));
  if (full) {
    ctx.reply.bulk("entries");
    cmd::reply_entries(ctx, cmd::read_entries(ctx, key, rec, stream::kMinId, stream::kMaxId, false,
                                              static_cast<uint64_t>(count)));
    ctx.reply.bulk("groups");
    reply_full_groups(ctx, key, rec, shape, static_cast<uint64_t>(count));
    return;
  }
  ctx.reply.bulk("groups");
  ctx.reply.integer(static_cast<int64_t>(cmd::StreamGroups(ctx, key, rec).count()));
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

// XINFO GROUPS key
void xinfo_groups(CommandContext& ctx, std::string_view key, KeyRecord& rec) {
  cmd::StreamGroups groups(ctx, key, rec);
  const cmd::StreamShape shape = cmd::stream_shape(ctx, key, rec);
  const std::vector<cmd::StreamGroup> all = groups.all();
  ctx.reply.array(all.size());
  for (const auto& g : all) {
    ctx.reply.map(6);
    ctx.reply.bulk("name");
    ctx.reply.bulk(g.name);
    ctx.reply.bulk("consumers");
    ctx.reply.integer(static_cast<int64_t>(groups.consumers(g).size()));
    ctx.reply.bulk("pending");
    ctx.reply.integer(static_cast<int64_t>(groups.pending_count(g)));
    reply_progress(ctx, shape, g);
  }
}

// XINFO CONSUMERS key group
void xinfo_consumers(CommandContext& ctx, std::string_view key, KeyRecord& rec,
                     std::string_view group) {
  cmd::StreamGroups groups(ctx, key, rec);
  auto g = groups.find(group);
  if (!g) {
    return ctx.reply.error("NOGROUP No such consumer group '" + std::string(group) +
                           "' for key name '" + std::string(key) + "'");
  }
  const std::vector<cmd::StreamConsumer> consumers = groups.consumers(*g);
  ctx.reply.array(consumers.size());
  for (const auto& c : consumers) {
    ctx.reply.map(3);
    ctx.reply.bulk("name");
    ctx.reply.bulk(c.name);
    ctx.reply.bulk("pending");
    ctx.reply.integer(static_cast<int64_t>(groups.pending_count(*g, c.name)));
    ctx.reply.bulk("idle");
    ctx.reply.integer(idle_since(ctx, c.seen_ms));
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
  const KeyRecord* found_rec = info_stream(ctx, argv[2]);
  if (found_rec == nullptr) return;
  KeyRecord rec = *found_rec;
  if (cmd::equals_ci(sub, "groups")) return xinfo_groups(ctx, argv[2], rec);
  xinfo_consumers(ctx, argv[2], rec, argv[3]);
}

}  // namespace

void register_stream_info_command(CommandTable& t) {
  t.add({"xinfo", -2, kCmdReadOnly, 2, 2, 1, xinfo});
}

}  // namespace meridian
