// XREAD and XREADGROUP (with BLOCK). A group read delivers entries past the
// group's last id (">") or serves the consumer's own pending entries again
// (an id), keeping the group's records (core/commands/stream_groups.h).
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/stream_access.h"
#include "core/commands/stream_groups.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using stream::Id;

// BLOCK: milliseconds, as Redis' getTimeoutFromObjectOrReply.
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

// The options of XREAD and XREADGROUP, as Redis' xreadCommand reads them.
struct ReadArgs {
  int64_t timeout = -1;  // no BLOCK
  int64_t count = 0;     // 0: no limit
  size_t streams_at = 0, n = 0;
  std::optional<std::string_view> group;
  std::string_view consumer;
  bool noack = false;
  std::string_view key(const CommandContext& ctx, size_t k) const {
    return ctx.argv[streams_at + k];
  }
  std::string_view id(const CommandContext& ctx, size_t k) const {
    return ctx.argv[streams_at + n + k];
  }
};

bool parse_read_args(CommandContext& ctx, bool grouped, ReadArgs* a) {
  const auto& argv = ctx.argv;
  for (size_t i = 1; i < argv.size(); ++i) {
    const size_t more = argv.size() - i - 1;
    std::string_view o = argv[i];
    if (cmd::equals_ci(o, "block") && more > 0) {
      if (ctx.session.in_script()) {
        ctx.reply.error("ERR " + std::string(grouped ? "xreadgroup" : "xread") +
                        " command is not allowed with BLOCK option from scripts");
        return false;
      }
      if (!block_ms(ctx, argv[++i], &a->timeout)) return false;
    } else if (cmd::equals_ci(o, "count") && more > 0) {
      if (!cmd::int_arg(ctx, argv[++i], &a->count)) return false;
      if (a->count < 0) a->count = 0;
    } else if (cmd::equals_ci(o, "streams") && more > 0) {
      a->streams_at = i + 1;
      if ((argv.size() - a->streams_at) % 2 != 0) {
        ctx.reply.error(
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be "
            "specified.");
        return false;
      }
      a->n = (argv.size() - a->streams_at) / 2;
      break;
    } else if (cmd::equals_ci(o, "group") && more >= 2) {
      if (!grouped) {
        ctx.reply.error(
            "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      a->group = argv[i + 1];
      a->consumer = argv[i + 2];
      i += 2;
    } else if (cmd::equals_ci(o, "noack")) {
      if (!grouped) {
        ctx.reply.error(
            "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead.");
        return false;
      }
      a->noack = true;
    } else {
      ctx.reply.error(cmd::kSyntax);
      return false;
    }
  }
  if (a->streams_at == 0) {
    ctx.reply.error(cmd::kSyntax);
    return false;
  }
  if (grouped && !a->group) {
    ctx.reply.error("ERR Missing GROUP option for XREADGROUP");
    return false;
  }
  return true;
}

// What one stream answers: entries, or (XREADGROUP's history) an id with no
// entry left.
struct Served {
  std::string_view key;
  std::vector<std::pair<Id, std::optional<std::string>>> items;
};

void reply_served(CommandContext& ctx, const std::vector<Served>& served) {
  if (ctx.session.proto() == 3) {
    ctx.reply.map(served.size());
  } else {
    ctx.reply.array(served.size());
  }
  for (const auto& s : served) {
    if (ctx.session.proto() != 3) ctx.reply.array(2);
    ctx.reply.bulk(s.key);
    ctx.reply.array(s.items.size());
    for (const auto& [id, value] : s.items) {
      if (value) {
        cmd::reply_entry(ctx, id, *value);
      } else {
        ctx.reply.array(2);
        ctx.reply.bulk(stream::format(id));
        ctx.reply.null_array();
      }
    }
  }
}

Served as_served(std::string_view key, cmd::Entries entries) {
  Served s{key, {}};
  for (auto& [id, v] : entries) s.items.emplace_back(id, std::move(v));
  return s;
}

// XREAD [COUNT count] [BLOCK ms] STREAMS key [key ...] id [id ...]
void xread(CommandContext& ctx) {
  ReadArgs a;
  if (!parse_read_args(ctx, false, &a)) return;
  // The ids: what each stream must go past ("$": its last id now).
  std::vector<Id> after(a.n);
  bool dollar = false;
  for (size_t k = 0; k < a.n; ++k) {
    std::string_view key = a.key(ctx, k), arg = a.id(ctx, k);
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
  std::vector<Served> served;
  for (size_t k = 0; k < a.n; ++k) {
    std::string_view key = a.key(ctx, k);
    std::optional<KeyRecord> rec;
    if (!cmd::blocking_source(ctx, key, ValueType::kStream, rec)) return;
    if (!rec || after[k].is_max()) continue;
    auto entries = cmd::read_entries(ctx, key, *rec, *stream::next(after[k]), stream::kMaxId, false,
                                     static_cast<uint64_t>(a.count));
    // A waiting reader is served once an XADD went past its id, even if
    // trimming took the entry again (Redis answers it an empty list).
    const bool moved = entries.empty() && ctx.session.retrying_blocked() &&
                       after[k] < cmd::stream_meta(ctx, key, *rec).last_added;
    if (!entries.empty() || moved) served.push_back(as_served(key, std::move(entries)));
  }
  if (!served.empty()) return reply_served(ctx, served);
  if (a.timeout < 0) return ctx.reply.null_array();
  std::vector<std::string_view> keys(ctx.argv.begin() + static_cast<ptrdiff_t>(a.streams_at),
                                     ctx.argv.begin() + static_cast<ptrdiff_t>(a.streams_at + a.n));
  std::vector<std::string> retry;
  if (dollar) {
    // Woken, it serves what came after the ids "$" stood for now.
    retry.assign(ctx.argv.begin(), ctx.argv.end());
    for (size_t k = 0; k < a.n; ++k) retry[a.streams_at + a.n + k] = stream::format(after[k]);
  }
  cmd::block(ctx, keys, a.timeout, false, std::move(retry));
}

// One stream of an XREADGROUP: new entries past the group's last id, or the
// consumer's pending entries after `after`. Nothing when ">" finds nothing
// new (the stream is left out of the reply).
std::optional<Served> read_group(CommandContext& ctx, const ReadArgs& a, std::string_view key,
                                 const KeyRecord& old, std::optional<Id> after) {
  KeyRecord rec = old;
  cmd::StreamGroups groups(ctx, key, rec);
  cmd::StreamGroup g = *groups.find(*a.group);
  const auto limit = static_cast<uint64_t>(a.count);
  Served s{key, {}};
  if (!after) {
    auto top = cmd::edge_entry(ctx, key, rec, true);
    if (!top || *top <= g.last_id) return std::nullopt;
    groups.touch_consumer(g, a.consumer);
    const cmd::StreamShape shape = cmd::stream_shape(ctx, key, rec);
    s = as_served(key, cmd::read_entries(ctx, key, rec, *stream::next(g.last_id), stream::kMaxId,
                                         false, limit));
    for (const auto& item : s.items) {
      cmd::note_delivery(shape, g, item.first);
      if (!a.noack) groups.put_pending(g, {item.first, std::string(a.consumer), ctx.now_ms, 1});
    }
    groups.delivered(g);
  } else {
    groups.touch_consumer(g, a.consumer);
    std::vector<cmd::PendingEntry> again;
    auto from = stream::next(*after);
    if (from) {
      groups.for_each_pending(g, *from, [&](const cmd::PendingEntry& p) {
        if (p.consumer != a.consumer) return true;
        auto f = ctx.keyspace.get_field(key, rec, stream::encode(p.id));
        s.items.emplace_back(p.id, f ? std::optional<std::string>(f->value) : std::nullopt);
        if (f) again.push_back(p);
        return limit == 0 || s.items.size() < limit;
      });
    }
    for (auto& p : again) {
      p.delivered_ms = ctx.now_ms;
      ++p.deliveries;
      groups.put_pending(g, p);
    }
  }
  if (groups.changed()) ctx.keyspace.write(key, rec, &old, ctx.now_ms);
  return s;
}

// XREADGROUP GROUP group consumer [COUNT count] [BLOCK ms] [NOACK]
//   STREAMS key [key ...] id [id ...]
void xreadgroup(CommandContext& ctx) {
  ReadArgs a;
  if (!parse_read_args(ctx, true, &a)) return;
  const bool woken = ctx.session.retrying_blocked();
  std::vector<std::optional<Id>> after(a.n);  // nothing: ">"
  for (size_t k = 0; k < a.n; ++k) {
    std::string_view key = a.key(ctx, k), arg = a.id(ctx, k);
    std::optional<KeyRecord> rec;
    if (!cmd::blocking_source(ctx, key, ValueType::kStream, rec)) return;
    if (!rec && woken) return ctx.reply.error("UNBLOCKED the stream key no longer exists");
    if (!rec || !cmd::StreamGroups(ctx, key, *rec).find(*a.group)) {
      if (woken) {
        return ctx.reply.error(
            "NOGROUP the consumer group this client was blocked on no longer exists");
      }
      return ctx.reply.error("NOGROUP No such key '" + std::string(key) + "' or consumer group '" +
                             std::string(*a.group) + "' in XREADGROUP with GROUP option");
    }
    if (arg == "$") {
      return ctx.reply.error(
          "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the "
          "history of this consumer by specifying a proper ID, or use the > ID to get new "
          "messages. The $ ID would just return an empty result set.");
    }
    if (arg == ">") continue;
    after[k] = cmd::strict_id(ctx, arg);
    if (!after[k]) return;
    // Redis stands for ">" with the largest id: given, it reads as ">".
    if (after[k]->is_max()) after[k].reset();
  }
  std::vector<Served> served;
  for (size_t k = 0; k < a.n; ++k) {
    std::string_view key = a.key(ctx, k);
    std::optional<KeyRecord> rec;
    if (!cmd::blocking_source(ctx, key, ValueType::kStream, rec) || !rec) continue;
    if (auto s = read_group(ctx, a, key, *rec, after[k])) served.push_back(std::move(*s));
  }
  if (!served.empty()) return reply_served(ctx, served);
  if (a.timeout < 0) return ctx.reply.null_array();
  std::vector<std::string_view> keys(ctx.argv.begin() + static_cast<ptrdiff_t>(a.streams_at),
                                     ctx.argv.begin() + static_cast<ptrdiff_t>(a.streams_at + a.n));
  cmd::block(ctx, keys, a.timeout, false);
}

// The keys of XREAD and XREADGROUP: the first half of what follows STREAMS
// (Redis' xreadGetKeys, which steps over the options' arguments).
std::vector<std::string_view> xread_keys(const std::vector<std::string_view>& argv) {
  for (size_t i = 1; i < argv.size(); ++i) {
    if (cmd::equals_ci(argv[i], "block") || cmd::equals_ci(argv[i], "count")) {
      ++i;
    } else if (cmd::equals_ci(argv[i], "group")) {
      i += 2;
    } else if (cmd::equals_ci(argv[i], "streams")) {
      const size_t rest = argv.size() - i - 1;
      if (rest == 0 || rest % 2 != 0) return {};
      return {argv.begin() + static_cast<ptrdiff_t>(i + 1),
              argv.begin() + static_cast<ptrdiff_t>(i + 1 + rest / 2)};
    } else if (!cmd::equals_ci(argv[i], "noack")) {
      break;
    }
  }
  return {};
}

}  // namespace

void register_stream_read_commands(CommandTable& t) {
  t.add({"xread", -4, kCmdReadOnly, 0, 0, 0, xread, 0, xread_keys});
  t.add({"xreadgroup", -7, kCmdWrite, 0, 0, 0, xreadgroup, 0, xread_keys});
}

}  // namespace meridian
