// XADD, XLEN, XRANGE, XREVRANGE, XDEL, XTRIM, XSETID: entries are fields
// named by their ids (core/commands/stream_access.h); an XADD writes its
// entry and the stream's anchor, a trim or XDEL what it removes.
#include <string>
#include <vector>

#include "core/commands/command_util.h"
#include "core/commands/stream_access.h"
#include "core/region/region.h"

namespace meridian {
namespace {

using cmd::kInvalidStreamId;
using cmd::strict_id;
using stream::Id;

bool limit_option(CommandContext& ctx, size_t* i, cmd::TrimSpec* trim) {
  int64_t n = 0;
  if (!cmd::int_arg(ctx, ctx.argv[*i + 1], &n)) return false;
  if (n < 0) {
    ctx.reply.error("ERR The LIMIT argument must be >= 0.");
    return false;
  }
  trim->limit = n;
  ++*i;
  return true;
}

void xadd(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  cmd::TrimSpec trim;
  bool nomkstream = false;
  bool seq_given = true;
  std::optional<Id> given;  // nothing: "*"
  size_t i = 2;
  for (; i < argv.size(); ++i) {
    const bool more = i + 1 < argv.size();
    std::string_view opt = argv[i];
    if (opt == "*") break;
    if ((cmd::equals_ci(opt, "maxlen") || cmd::equals_ci(opt, "minid")) && more) {
      if (!cmd::parse_trim_option(ctx, &i, &trim)) return;
    } else if (cmd::equals_ci(opt, "limit") && more) {
      if (!limit_option(ctx, &i, &trim)) return;
    } else if (cmd::equals_ci(opt, "nomkstream")) {
      nomkstream = true;
    } else {
      given = strict_id(ctx, opt, &seq_given);
      if (!given) return;
      break;
    }
  }
  if (!cmd::check_trim(ctx, trim, false)) return;
  const size_t fields = i + 1;
  if (fields > argv.size() || argv.size() - fields < 2 || (argv.size() - fields) % 2 == 1) {
    return cmd::arity_error(ctx.reply, "xadd");
  }
  if (given && seq_given && *given == stream::kMinId) {
    return ctx.reply.error("ERR The ID specified in XADD must be greater than 0-0");
  }
  const std::string_view key = argv[1];
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, key, ValueType::kStream, old)) return;
  if (!old && nomkstream) return ctx.reply.null();
  if (!old) {
    // Stored first, so that trimming and node placement read the stream
    // like any other.
    KeyRecord fresh = cmd::new_stream(ctx, key);
    ctx.keyspace.write(key, fresh, nullptr, ctx.now_ms);
    old = fresh;
  }
  KeyRecord rec = *old;
  cmd::StreamMeta meta = cmd::stream_meta(ctx, key, rec);
  if (meta.last.is_max()) {
    return ctx.reply.error(
        "ERR The stream has exhausted the last possible ID, unable to add more items");
  }
  // In a multi-region cluster a region's own ids carry its id, so ids
  // generated in different regions never collide.
  const uint32_t region = ctx.keyspace.merging() ? ctx.keyspace.region_id() : 0;
  std::optional<Id> id;
  if (!given) {
    id = stream::generate(meta.last, static_cast<uint64_t>(ctx.now_ms), region);
  } else if (!seq_given) {
    id = stream::generate(meta.last, 0, region, given->ms);
  } else if (*given > meta.last) {
    id = given;
  }
  if (!id && given && !seq_given && given->ms == meta.last.ms) {
    // Redis' ERANGE: no sequence is left in that millisecond.
    return ctx.reply.error("ERR Elements are too large to be stored");
  }
  if (!id) {
    return ctx.reply.error(
        "ERR The ID specified in XADD is equal or smaller than the target stream top item");
  }
  const Id node = cmd::place_entry(meta, *id);
  ctx.keyspace.put_field(key, rec, stream::encode(*id), cmd::encode_entry(node, argv, fields),
                         ctx.now_ms);
  ++rec.count;
  meta.last = *id;
  meta.last_added = *id;
  ++meta.entries_added;
  if (cmd::trim_stream(ctx, key, rec, meta, trim) > 0)
    ctx.keyspace.add_own_event('t', "xtrim", key);
  cmd::put_stream_meta(ctx, key, rec, meta);
  ctx.keyspace.write(key, rec, &*old, ctx.now_ms);
  ctx.reply.bulk(stream::format(*id));
}

void xlen(CommandContext& ctx) {
  const KeyRecord* rec = nullptr;
  if (!cmd::peek(ctx, ctx.argv[1], ValueType::kStream, rec)) return;
  ctx.reply.integer(rec != nullptr ? static_cast<int64_t>(cmd::stream_length(*rec)) : 0);
}

// XRANGE / XREVRANGE key start end [COUNT count]; "(" makes a bound
// exclusive, an id without a sequence is its first (start) or last (end).
template <bool kRev>
void xrange(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  std::string_view start_arg = argv[kRev ? 3 : 2], end_arg = argv[kRev ? 2 : 3];
  auto start = cmd::interval_id(ctx, start_arg, true);
  if (!start) return;
  auto end = cmd::interval_id(ctx, end_arg, false);
  if (!end) return;
  int64_t count = -1;
  for (size_t j = 4; j < argv.size(); ++j) {
    if (cmd::equals_ci(argv[j], "count") && j + 1 < argv.size()) {
      if (!cmd::int_arg(ctx, argv[++j], &count)) return;
      if (count < 0) count = 0;
    } else {
      return ctx.reply.error(cmd::kSyntax);
    }
  }
  const KeyRecord* found = nullptr;
  if (!cmd::peek(ctx, argv[1], ValueType::kStream, found)) return;
  if (found == nullptr) return ctx.reply.array(0);
  if (count == 0) return ctx.reply.null_array();
  const KeyRecord rec = *found;
  cmd::reply_entries(ctx, cmd::read_entries(ctx, argv[1], rec, *start, *end, kRev,
                                            count < 0 ? 0 : static_cast<uint64_t>(count)));
}

void xdel(CommandContext& ctx) {
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, ctx.argv[1], ValueType::kStream, old)) return;
  if (!old) return ctx.reply.integer(0);
  std::vector<Id> ids;
  for (size_t i = 2; i < ctx.argv.size(); ++i) {
    auto id = strict_id(ctx, ctx.argv[i]);
    if (!id) return;
    ids.push_back(*id);
  }
  KeyRecord rec = *old;
  std::vector<cmd::EntryRef> present;
  for (Id id : ids) {
    auto seen = [&](const cmd::EntryRef& e) { return e.id == id; };
    if (std::find_if(present.begin(), present.end(), seen) != present.end()) continue;
    if (auto f = ctx.keyspace.get_field(ctx.argv[1], rec, stream::encode(id))) {
      present.push_back({id, cmd::entry_node(f->value)});
    }
  }
  if (!present.empty()) {
    cmd::StreamMeta meta = cmd::stream_meta(ctx, ctx.argv[1], rec);
    cmd::delete_entries(ctx, ctx.argv[1], rec, meta, present);
    for (const auto& e : present) meta.max_deleted = std::max(meta.max_deleted, e.id);
    cmd::put_stream_meta(ctx, ctx.argv[1], rec, meta);
    ctx.keyspace.write(ctx.argv[1], rec, &*old, ctx.now_ms);
  }
  ctx.reply.integer(static_cast<int64_t>(present.size()));
}

void xtrim(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  cmd::TrimSpec trim;
  for (size_t i = 2; i < argv.size(); ++i) {
    const bool more = i + 1 < argv.size();
    if ((cmd::equals_ci(argv[i], "maxlen") || cmd::equals_ci(argv[i], "minid")) && more) {
      if (!cmd::parse_trim_option(ctx, &i, &trim)) return;
    } else if (cmd::equals_ci(argv[i], "limit") && more) {
      if (!limit_option(ctx, &i, &trim)) return;
    } else {
      return ctx.reply.error(cmd::kSyntax);
    }
  }
  if (!cmd::check_trim(ctx, trim, true)) return;
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, argv[1], ValueType::kStream, old)) return;
  if (!old) return ctx.reply.integer(0);
  KeyRecord rec = *old;
  cmd::StreamMeta meta = cmd::stream_meta(ctx, argv[1], rec);
  uint64_t removed = cmd::trim_stream(ctx, argv[1], rec, meta, trim);
  if (removed > 0) {
    cmd::put_stream_meta(ctx, argv[1], rec, meta);
    ctx.keyspace.write(argv[1], rec, &*old, ctx.now_ms);
  }
  ctx.reply.integer(static_cast<int64_t>(removed));
}

void xsetid(CommandContext& ctx) {
  const auto& argv = ctx.argv;
  auto id = strict_id(ctx, argv[2]);
  if (!id) return;
  int64_t entries_added = -1;
  Id max_deleted;
  for (size_t i = 3; i < argv.size(); i += 2) {
    const bool more = i + 1 < argv.size();
    if (cmd::equals_ci(argv[i], "entriesadded") && more) {
      if (!cmd::int_arg(ctx, argv[i + 1], &entries_added)) return;
      if (entries_added < 0) return ctx.reply.error("ERR entries_added must be positive");
    } else if (cmd::equals_ci(argv[i], "maxdeletedid") && more) {
      auto m = strict_id(ctx, argv[i + 1]);
      if (!m) return;
      if (*id < *m) {
        return ctx.reply.error(
            "ERR The ID specified in XSETID is smaller than the provided max_deleted_entry_id");
      }
      max_deleted = *m;
    } else {
      return ctx.reply.error(cmd::kSyntax);
    }
  }
  std::optional<KeyRecord> old;
  if (!cmd::lookup(ctx, argv[1], ValueType::kStream, old)) return;
  if (!old) return ctx.reply.error("ERR no such key");
  KeyRecord rec = *old;
  cmd::StreamMeta meta = cmd::stream_meta(ctx, argv[1], rec);
  const uint64_t len = cmd::stream_length(rec);
  if (len > 0) {
    auto top = cmd::edge_entry(ctx, argv[1], rec, true);
    if (top && *id < *top) {
      return ctx.reply.error(
          "ERR The ID specified in XSETID is smaller than the target stream top item");
    }
    if (entries_added >= 0 && len > static_cast<uint64_t>(entries_added)) {
      return ctx.reply.error(
          "ERR The entries_added specified in XSETID is smaller than the target stream length");
    }
  }
  meta.last = *id;
  if (entries_added >= 0) meta.entries_added = static_cast<uint64_t>(entries_added);
  if (max_deleted != stream::kMinId) meta.max_deleted = max_deleted;
  cmd::put_stream_meta(ctx, argv[1], rec, meta);
  ctx.keyspace.write(argv[1], rec, &*old, ctx.now_ms);
  ctx.reply.ok();
}

}  // namespace

void register_stream_commands(CommandTable& t) {
  t.add({"xadd", -5, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, xadd});
  t.add({"xlen", 2, kCmdReadOnly | kCmdFast, 1, 1, 1, xlen});
  t.add({"xrange", -4, kCmdReadOnly, 1, 1, 1, xrange<false>});
  t.add({"xrevrange", -4, kCmdReadOnly, 1, 1, 1, xrange<true>});
  t.add({"xdel", -3, kCmdWrite | kCmdFast, 1, 1, 1, xdel});
  t.add({"xtrim", -4, kCmdWrite, 1, 1, 1, xtrim});
  t.add({"xsetid", -3, kCmdWrite | kCmdDenyOom | kCmdFast, 1, 1, 1, xsetid});
}

}  // namespace meridian
