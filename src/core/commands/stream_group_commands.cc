// XGROUP, XACK, XPENDING, XCLAIM, XAUTOCLAIM: a stream's consumer groups
// (core/commands/stream_groups.h), with Redis 7.0's replies and errors.
#include <map>
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/stream_access.h"
#include "core/commands/stream_groups.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using cmd::PendingEntry;
using cmd::StreamGroup;
using cmd::StreamGroups;
using stream::Id;

void reply_id(CommandContext& ctx, Id id) {
  ctx.reply.bulk(stream::format(id));
}

std::string nogroup(std::string_view key, std::string_view group) {
  return "NOGROUP No such key '" + std::string(key) + "' or consumer group '" + std::string(group) +
         "'";
}

// XGROUP's options after the id: MKSTREAM (CREATE), ENTRIESREAD n (CREATE,
// SETID).
bool xgroup_options(CommandContext& ctx, bool create, bool* mkstream, int64_t* entries_read) {
  const auto& argv = ctx.argv;
  const bool setid = cmd::equals_ci(argv[1], "setid");
  for (size_t i = 5; i < argv.size();) {
    if (create && cmd::equals_ci(argv[i], "mkstream")) {
      *mkstream = true;
      ++i;
    } else if ((create || setid) && cmd::equals_ci(argv[i], "entriesread") && i + 1 < argv.size()) {
      if (!cmd::int_arg(ctx, argv[i + 1], entries_read)) return false;
      if (*entries_read < 0 && *entries_read != cmd::kEntriesReadUnknown) {
        ctx.reply.error("ERR value for ENTRIESREAD must be positive or -1");
        return false;
      }
      i += 2;
    } else {
      cmd::subcommand_syntax_error(ctx.reply, argv[1], "XGROUP");
      return false;
    }
  }
  return true;
}

void xgroup_help(CommandContext& ctx) {
  static const char* const kHelp[] = {
      "XGROUP <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
      "CREATE <key> <groupname> <id|$> [option]",
      "    Create a new consumer group. Options are:",
      "    * MKSTREAM",
      "      Create the empty stream if it does not exist.",
      "    * ENTRIESREAD entries_read",
      "      Set the group's entries_read counter (internal use).",
      "CREATECONSUMER <key> <groupname> <consumer>",
      "    Create a new consumer in the specified group.",
      "DELCONSUMER <key> <groupname> <consumer>",
      "    Remove the specified consumer.",
      "DESTROY <key> <groupname>",
      "    Remove the specified group.",
      "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
      "    Set the current group ID and entries_read counter.",
      "HELP",
      "    Prints this help.",
  };
  cmd::reply_help(ctx.reply, kHelp);
}

// XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n] | SETID key group
// id|$ [ENTRIESREAD n] | DESTROY key group | CREATECONSUMER key group
// consumer | DELCONSUMER key group consumer | HELP
void xgroup(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const std::string_view sub = argv[1];
  struct Sub {
    const char* name;
    int arity;
  };
  static constexpr Sub kSubs[] = {{"create", -5},        {"setid", -5},      {"destroy", 4},
                                  {"createconsumer", 5}, {"delconsumer", 5}, {"help", 2}};
  const Sub* found = nullptr;
  for (const auto& s : kSubs) {
    if (cmd::equals_ci(sub, s.name)) found = &s;
  }
  if (found == nullptr) return cmd::unknown_subcommand(ctx.reply, sub, "XGROUP");
  const auto argc = static_cast<int64_t>(argv.size());
  if (found->arity > 0 ? argc != found->arity : argc < -found->arity) {
    return cmd::arity_error(ctx.reply, std::string("xgroup|") + found->name);
  }
  const std::string_view name = found->name;
  if (name == "help") return xgroup_help(ctx);
  const bool create = name == "create";
  bool mkstream = false;
  int64_t entries_read = cmd::kEntriesReadUnknown;
  if (!xgroup_options(ctx, create, &mkstream, &entries_read)) return;
  const std::string_view key = argv[2], group = argv[3];
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, key, ValueType::kStream, old)) return;
  if (!old && !mkstream) {
    return ctx.reply.error(
        "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you may want "
        "to use the MKSTREAM option to create an empty stream automatically.");
  }
  KeyRecord rec = old ? *old : KeyRecord{};
  StreamGroups groups(ctx, key, rec);
  std::optional<StreamGroup> g = old ? groups.find(group) : std::nullopt;
  if (!g && !create && name != "destroy") {
    return ctx.reply.error("NOGROUP No such consumer group '" + std::string(group) +
                           "' for key name '" + std::string(key) + "'");
  }
  auto written = [&] { ctx.keyspace.write(key, rec, old ? &*old : nullptr, ctx.now_ms); };
  if (create || name == "setid") {
    if (create ? argc > 8 : (argc != 5 && argc != 7)) {
      return cmd::subcommand_syntax_error(ctx.reply, sub, "XGROUP");
    }
    std::optional<Id> id;
    if (argv[4] == "$") {
      id = old ? cmd::stream_meta(ctx, key, rec).last : stream::kMinId;
    } else {
      // CREATE takes an id (Redis' strict parse), SETID "-" and "+" too.
      id = create ? cmd::strict_id(ctx, argv[4]) : stream::parse(argv[4], 0);
      if (!id && !create) ctx.reply.error(cmd::kInvalidStreamId);
      if (!id) return;
    }
    if (!create) {
      groups.set_id(*g, *id, entries_read);
    } else if (g) {
      return ctx.reply.error("BUSYGROUP Consumer Group name already exists");
    } else {
      if (!old) rec = cmd::new_stream(ctx, key);
      groups.create(group, *id, entries_read);
    }
    written();
    return ctx.reply.ok();
  }
  if (name == "destroy") {
    if (!g) return ctx.reply.integer(0);
    groups.destroy(*g);
    written();
    return ctx.reply.integer(1);
  }
  const std::string_view consumer = argv[4];
  if (name == "createconsumer") {
    if (groups.consumer(*g, consumer)) return ctx.reply.integer(0);
    groups.touch_consumer(*g, consumer);
    written();
    return ctx.reply.integer(1);
  }
  // DELCONSUMER: the consumer's pending entries go with it.
  if (!groups.consumer(*g, consumer)) return ctx.reply.integer(0);
  const uint64_t pending = groups.delete_consumer(*g, consumer);
  written();
  ctx.reply.integer(static_cast<int64_t>(pending));
}

// XACK key group id [id ...]
void xack(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, argv[1], ValueType::kStream, old)) return;
  if (!old) return ctx.reply.integer(0);
  KeyRecord rec = *old;
  StreamGroups groups(ctx, argv[1], rec);
  auto g = groups.find(argv[2]);
  if (!g) return ctx.reply.integer(0);
  // Every id is parsed first: the command acknowledges all or none.
  std::vector<Id> ids;
  for (size_t i = 3; i < argv.size(); ++i) {
    auto id = cmd::strict_id(ctx, argv[i]);
    if (!id) return;
    ids.push_back(*id);
  }
  int64_t acked = 0;
  for (Id id : ids) {
    if (!groups.pending(*g, id)) continue;
    groups.del_pending(*g, id);
    ++acked;
  }
  if (groups.changed()) ctx.keyspace.write(argv[1], rec, &*old, ctx.now_ms);
  ctx.reply.integer(acked);
}

// XPENDING key group: the group's pending count, first and last id, and
// the consumers holding some.
void xpending_summary(CommandContext& ctx, StreamGroups& groups, const StreamGroup& g) {
  uint64_t n = 0;
  Id first, last;
  std::map<std::string, uint64_t> per_consumer;
  groups.for_each_pending(g, stream::kMinId, [&](const PendingEntry& p) {
    if (n++ == 0) first = p.id;
    last = p.id;
    ++per_consumer[p.consumer];
    return true;
  });
  ctx.reply.array(4);
  ctx.reply.integer(static_cast<int64_t>(n));
  if (n == 0) {
    ctx.reply.null();
    ctx.reply.null();
    return ctx.reply.null_array();
  }
  reply_id(ctx, first);
  reply_id(ctx, last);
  ctx.reply.array(per_consumer.size());
  for (const auto& [consumer, count] : per_consumer) {
    ctx.reply.array(2);
    ctx.reply.bulk(consumer);
    ctx.reply.bulk(std::to_string(count));
  }
}

// XPENDING key group [[IDLE min-idle] start end count [consumer]]
void xpending(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const size_t argc = argv.size();
  if (argc != 3 && (argc < 6 || argc > 9)) return ctx.reply.error(cmd::kSyntax);
  int64_t min_idle = 0, count = 0;
  Id start, end;
  std::optional<std::string_view> consumer;
  if (argc >= 6) {
    size_t at = 3;
    if (cmd::equals_ci(argv[3], "idle")) {
      if (!cmd::int_arg(ctx, argv[4], &min_idle)) return;
      if (argc < 8) return ctx.reply.error(cmd::kSyntax);
      at += 2;
    }
    if (!cmd::int_arg(ctx, argv[at + 2], &count)) return;
    if (count < 0) count = 0;
    auto s = cmd::interval_id(ctx, argv[at], true);
    if (!s) return;
    auto e = cmd::interval_id(ctx, argv[at + 1], false);
    if (!e) return;
    start = *s;
    end = *e;
    if (at + 3 < argc) consumer = argv[at + 3];
  }
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, argv[1], ValueType::kStream, found)) return;
  KeyRecord rec = found != nullptr ? *found : KeyRecord{};
  StreamGroups groups(ctx, argv[1], rec);
  auto g = found != nullptr ? groups.find(argv[2]) : std::nullopt;
  if (!g) return ctx.reply.error(nogroup(argv[1], argv[2]));
  if (argc == 3) return xpending_summary(ctx, groups, *g);
  if (consumer && !groups.consumer(*g, *consumer)) return ctx.reply.array(0);
  std::vector<PendingEntry> out;
  if (count > 0) {
    groups.for_each_pending(*g, start, [&](const PendingEntry& p) {
      if (p.id > end) return false;
      if (consumer && p.consumer != *consumer) return true;
      if (min_idle != 0 && ctx.now_ms - p.delivered_ms < min_idle) return true;
      out.push_back(p);
      return static_cast<int64_t>(out.size()) < count;
    });
  }
  ctx.reply.array(out.size());
  for (const auto& p : out) {
    ctx.reply.array(4);
    reply_id(ctx, p.id);
    ctx.reply.bulk(p.consumer);
    ctx.reply.integer(std::max<int64_t>(ctx.now_ms - p.delivered_ms, 0));
    ctx.reply.integer(static_cast<int64_t>(p.deliveries));
  }
}

// One claimed entry of XCLAIM / XAUTOCLAIM: its id (JUSTID) or the entry.
struct Claimed {
  Id id;
  std::string value;
};

void reply_claimed(CommandContext& ctx, const std::vector<Claimed>& claimed, bool justid) {
  ctx.reply.array(claimed.size());
  for (const auto& c : claimed) {
    if (justid) {
      reply_id(ctx, c.id);
    } else {
      cmd::reply_entry(ctx, c.id, c.value);
    }
  }
}

// Claims make the consumer on their first entry (and see it, as Redis'
// streamLookupConsumer does).
class Claimer {
 public:
  Claimer(StreamGroups& groups, const StreamGroup& g, std::string_view name)
      : groups_(groups), g_(g), name_(name) {}
  // Gives pending entry `p` to the consumer; `deliveries`: its new count.
  void claim(PendingEntry p, int64_t delivered_ms, uint64_t deliveries) {
    if (!touched_) groups_.touch_consumer(g_, name_);
    touched_ = true;
    p.delivered_ms = delivered_ms;
    p.deliveries = deliveries;
    p.consumer = name_;
    groups_.put_pending(g_, p);
  }

 private:
  StreamGroups& groups_;
  const StreamGroup& g_;
  std::string_view name_;
  bool touched_ = false;
};

// XCLAIM's options after the ids.
struct ClaimOptions {
  int64_t delivered_ms = -1;  // -1: now
  int64_t retrycount = -1;    // -1: not given
  bool force = false, justid = false;
  std::optional<Id> lastid;
};

bool xclaim_options(CommandContext& ctx, size_t from, ClaimOptions* o) {
  const auto& argv = ctx.argv;
  for (size_t j = from; j < argv.size(); ++j) {
    const bool more = j + 1 < argv.size();
    std::string_view opt = argv[j];
    auto number = [&](const char* what, int64_t* out) {
      auto v = parse_int64(argv[++j]);
      if (!v) {
        ctx.reply.error(std::string("ERR Invalid ") + what + " option argument for XCLAIM");
        return false;
      }
      *out = *v;
      return true;
    };
    if (cmd::equals_ci(opt, "force")) {
      o->force = true;
    } else if (cmd::equals_ci(opt, "justid")) {
      o->justid = true;
    } else if (cmd::equals_ci(opt, "idle") && more) {
      int64_t idle = 0;
      if (!number("IDLE", &idle)) return false;
      o->delivered_ms = ctx.now_ms - idle;
    } else if (cmd::equals_ci(opt, "time") && more) {
      if (!number("TIME", &o->delivered_ms)) return false;
    } else if (cmd::equals_ci(opt, "retrycount") && more) {
      if (!number("RETRYCOUNT", &o->retrycount)) return false;
    } else if (cmd::equals_ci(opt, "lastid") && more) {
      o->lastid = cmd::strict_id(ctx, argv[++j]);
      if (!o->lastid) return false;
    } else {
      ctx.reply.error("ERR Unrecognized XCLAIM option '" + std::string(cmd::as_c_string(opt)) +
                      "'");
      return false;
    }
  }
  // A time in the future or before the epoch is taken as now (clients
  // compute it from their own clocks).
  if (o->delivered_ms < 0 || o->delivered_ms > ctx.now_ms) o->delivered_ms = ctx.now_ms;
  return true;
}

bool entry_value(CommandContext& ctx, std::string_view key, const KeyRecord& rec, Id id,
                 std::string* value) {
  auto f = ctx.keyspace.get_field(key, rec, stream::encode(id));
  if (f) *value = f->value;
  return f.has_value();
}

// The stream and group (argv[1], argv[2]) XCLAIM / XAUTOCLAIM work on,
// loaded into old / rec / g; false (replied WRONGTYPE or NOGROUP) if none.
bool claim_target(CommandContext& ctx, StreamGroups& groups, std::optional<KeyRecord>& old,
                  KeyRecord& rec, std::optional<StreamGroup>& g) {
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kStream, old)) return false;
  if (old) {
    rec = *old;
    g = groups.find(ctx.argv[2]);
  }
  if (!g) ctx.reply.error(nogroup(ctx.argv[1], ctx.argv[2]));
  return g.has_value();
}

// XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms] [TIME ms]
//   [RETRYCOUNT n] [FORCE] [JUSTID] [LASTID id]
void xclaim(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const std::string_view key = argv[1];
  std::optional<KeyRecord> old;
  KeyRecord rec;
  StreamGroups groups(ctx, key, rec);
  std::optional<StreamGroup> g;
  if (!claim_target(ctx, groups, old, rec, g)) return;
  auto min_idle = parse_int64(argv[4]);
  if (!min_idle) return ctx.reply.error("ERR Invalid min-idle-time argument for XCLAIM");
  // The ids run up to the first argument that is none; options follow.
  std::vector<Id> ids;
  size_t j = 5;
  for (; j < argv.size(); ++j) {
    auto id = argv[j] == "-" || argv[j] == "+" ? std::nullopt : stream::parse(argv[j], 0);
    if (!id) break;
    ids.push_back(*id);
  }
  ClaimOptions o;
  if (!xclaim_options(ctx, j, &o)) return;
  if (o.lastid && *o.lastid > g->last_id) {
    g->last_id = *o.lastid;
    groups.delivered(*g);
  }
  Claimer claimer(groups, *g, argv[3]);
  std::vector<Claimed> claimed;
  for (Id id : ids) {
    auto p = groups.pending(*g, id);
    std::string value;
    if (!entry_value(ctx, key, rec, id, &value)) {
      // The entry is gone: so is its pending record.
      if (p) groups.del_pending(*g, id);
      continue;
    }
    const bool fresh = !p && o.force;
    if (fresh) p = PendingEntry{id, {}, ctx.now_ms, 1};
    if (!p) continue;
    if (!fresh && *min_idle > 0 && ctx.now_ms - p->delivered_ms < *min_idle) continue;
    uint64_t deliveries = p->deliveries;
    if (o.retrycount >= 0) {
      deliveries = static_cast<uint64_t>(o.retrycount);
    } else if (!o.justid) {
      ++deliveries;
    }
    claimer.claim(*p, o.delivered_ms, deliveries);
    claimed.push_back({id, std::move(value)});
  }
  if (groups.changed()) ctx.keyspace.write(key, rec, &*old, ctx.now_ms);
  reply_claimed(ctx, claimed, o.justid);
}

// XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID]
void xautoclaim(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  const std::string_view key = argv[1];
  auto min_idle = parse_int64(argv[4]);
  if (!min_idle) return ctx.reply.error("ERR Invalid min-idle-time argument for XAUTOCLAIM");
  auto start = cmd::interval_id(ctx, argv[5], true);
  if (!start) return;
  int64_t count = 100;
  bool justid = false;
  for (size_t j = 6; j < argv.size(); ++j) {
    if (cmd::equals_ci(argv[j], "count") && j + 1 < argv.size()) {
      // Redis caps it so that count * 10 attempts cannot overflow.
      auto v = parse_int64(argv[++j]);
      if (!v || *v < 1 || *v > INT64_MAX / 16) return ctx.reply.error("ERR COUNT must be > 0");
      count = *v;
    } else if (cmd::equals_ci(argv[j], "justid")) {
      justid = true;
    } else {
      return ctx.reply.error(cmd::kSyntax);
    }
  }
  std::optional<KeyRecord> old;
  KeyRecord rec;
  StreamGroups groups(ctx, key, rec);
  std::optional<StreamGroup> g;
  if (!claim_target(ctx, groups, old, rec, g)) return;
  // Redis looks at up to ten entries per one it may claim; the one after
  // the last looked at is the cursor of the next call.
  int64_t attempts = count * 10;
  std::vector<PendingEntry> window;
  groups.for_each_pending(*g, *start, [&](const PendingEntry& p) {
    window.push_back(p);
    return static_cast<int64_t>(window.size()) <= attempts;
  });
  Claimer claimer(groups, *g, argv[3]);
  std::vector<Claimed> claimed;
  std::vector<Id> deleted;
  size_t i = 0;
  for (; attempts > 0 && count > 0 && i < window.size(); --attempts, ++i) {
    const PendingEntry& p = window[i];
    std::string value;
    if (!entry_value(ctx, key, rec, p.id, &value)) {
      groups.del_pending(*g, p.id);
      deleted.push_back(p.id);
      --count;
      continue;
    }
    if (*min_idle > 0 && ctx.now_ms - p.delivered_ms < *min_idle) continue;
    claimer.claim(p, ctx.now_ms, p.deliveries + (justid ? 0 : 1));
    claimed.push_back({p.id, std::move(value)});
    --count;
  }
  if (groups.changed()) ctx.keyspace.write(key, rec, &*old, ctx.now_ms);
  ctx.reply.array(3);
  reply_id(ctx, i < window.size() ? window[i].id : stream::kMinId);
  reply_claimed(ctx, claimed, justid);
  ctx.reply.array(deleted.size());
  for (Id id : deleted) reply_id(ctx, id);
}

}  // namespace

void register_stream_group_commands(CommandTable& t) {
  t.add({"xgroup", -2, kCmdWrite, 2, 2, 1, xgroup});
  t.add({"xack", -4, kCmdWrite | kCmdFast, 1, 1, 1, xack});
  t.add({"xpending", -3, kCmdReadOnly, 1, 1, 1, xpending});
  t.add({"xclaim", -6, kCmdWrite | kCmdFast, 1, 1, 1, xclaim});
  t.add({"xautoclaim", -6, kCmdWrite | kCmdFast, 1, 1, 1, xautoclaim});
}

}  // namespace meridian
