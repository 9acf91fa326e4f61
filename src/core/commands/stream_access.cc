#include "core/commands/stream_access.h"

#include <algorithm>

#include "core/base/coding.h"
#include "core/commands/command_util.h"
#include "core/region/region.h"

namespace meridian::cmd {

using stream::Id;

std::string StreamMeta::encode() const {
  std::string out = stream::encode(last) + stream::encode(max_deleted) + stream::encode(tail_node) +
                    stream::encode(last_added);
  coding::put_varint(out, entries_added);
  coding::put_varint(out, tail_used);
  coding::put_varint(out, tail_live);
  return out;
}

StreamMeta StreamMeta::decode(std::string_view in) {
  StreamMeta m;
  if (in.size() < 4 * stream::kIdBytes) return m;
  auto id = [&] {
    Id out = stream::decode(in.substr(0, stream::kIdBytes)).value_or(Id{});
    in.remove_prefix(stream::kIdBytes);
    return out;
  };
  m.last = id();
  m.max_deleted = id();
  m.tail_node = id();
  m.last_added = id();
  if (coding::get_varint(in, &m.entries_added) && coding::get_varint(in, &m.tail_used)) {
    coding::get_varint(in, &m.tail_live);
  }
  return m;
}

std::optional<Id> strict_id(CommandContext& ctx, std::string_view arg, bool* seq_given) {
  auto id = arg == "-" || arg == "+" ? std::nullopt : stream::parse(arg, 0, seq_given);
  if (!id) ctx.reply.error(kInvalidStreamId);
  return id;
}

std::optional<Id> interval_id(CommandContext& ctx, std::string_view arg, bool start) {
  const uint64_t missing_seq = start ? 0 : UINT64_MAX;
  const bool exclusive = !arg.empty() && arg[0] == '(';
  if (exclusive) arg.remove_prefix(1);
  auto id =
      exclusive && (arg == "-" || arg == "+") ? std::nullopt : stream::parse(arg, missing_seq);
  if (!id) {
    ctx.reply.error(kInvalidStreamId);
    return std::nullopt;
  }
  if (!exclusive) return id;
  auto moved = start ? stream::next(*id) : stream::prev(*id);
  if (!moved) {
    ctx.reply.error(start ? "ERR invalid start ID for the interval"
                          : "ERR invalid end ID for the interval");
  }
  return moved;
}

StreamMeta stream_meta(CommandContext& ctx, std::string_view key, const KeyRecord& rec) {
  StreamMeta m;
  if (auto f = ctx.keyspace.get_field(key, rec, stream_anchor())) {
    m = StreamMeta::decode(f->value);
    m.stored = true;
  }
  if (ctx.keyspace.merging()) {
    if (auto last = edge_entry(ctx, key, rec, true)) {
      m.last = std::max(m.last, *last);
      m.last_added = std::max(m.last_added, *last);
    }
  }
  return m;
}

void put_stream_meta(CommandContext& ctx, std::string_view key, KeyRecord& rec,
                     const StreamMeta& meta) {
  if (!meta.stored) {
    ++rec.count;
    ++rec.extra;
  }
  ctx.keyspace.put_field(key, rec, stream_anchor(), meta.encode(), ctx.now_ms);
}

KeyRecord new_stream(CommandContext& ctx, std::string_view key) {
  KeyRecord rec = ctx.keyspace.new_collection(ValueType::kStream, key);
  put_stream_meta(ctx, key, rec, StreamMeta{});
  return rec;
}

std::string encode_entry(Id node, const std::vector<std::string_view>& argv, size_t first) {
  std::string out = stream::encode(node);
  coding::put_varint(out, (argv.size() - first) / 2);
  for (size_t i = first; i < argv.size(); ++i) coding::put_bytes(out, argv[i]);
  return out;
}

Id entry_node(std::string_view value) {
  return stream::decode(value.substr(0, std::min(value.size(), stream::kIdBytes))).value_or(Id{});
}

Id place_entry(StreamMeta& meta, Id id) {
  // A new node when the last is full, or gone: Redis frees a node once no
  // entry of it is left.
  if (meta.tail_used == 0 || meta.tail_used >= kStreamNodeEntries || meta.tail_live == 0) {
    meta.tail_node = id;
    meta.tail_used = 0;
    meta.tail_live = 0;
  }
  ++meta.tail_used;
  ++meta.tail_live;
  return meta.tail_node;
}

void reply_entry(CommandContext& ctx, Id id, std::string_view value) {
  value.remove_prefix(std::min(value.size(), stream::kIdBytes));
  uint64_t n = 0;
  coding::get_varint(value, &n);
  ctx.reply.array(2);
  ctx.reply.bulk(stream::format(id));
  ctx.reply.array(2 * n);
  for (uint64_t i = 0; i < 2 * n; ++i) {
    std::string_view b;
    if (!coding::get_bytes(value, &b)) b = {};
    ctx.reply.bulk(b);
  }
}

void scan_entries(CommandContext& ctx, std::string_view key, const KeyRecord& rec, Id start, Id end,
                  bool reverse, const EntryFn& fn) {
  if (end < start) return;
  auto visit = [&](std::string_view name, const FieldRecord& f) {
    auto id = stream::decode(name);
    // Past the entries (forwards): consumer groups, then the anchor.
    if (!id) return reverse;
    if (reverse ? *id < start : *id > end) return false;
    if (reverse ? *id > end : *id < start) return true;
    return fn(*id, f.value);
  };
  if (reverse) {
    // Always from a bound, even the largest id: that is before the anchor,
    // whose many versions (every XADD rewrites it) a walk from the very end
    // would step over.
    ctx.keyspace.for_each_field_reverse(key, rec, visit, stream::encode(end));
  } else {
    ctx.keyspace.for_each_field(key, rec, visit,
                                start == stream::kMinId ? std::string() : stream::encode(start));
  }
}

Entries read_entries(CommandContext& ctx, std::string_view key, const KeyRecord& rec, Id start,
                     Id end, bool reverse, uint64_t limit) {
  Entries out;
  scan_entries(ctx, key, rec, start, end, reverse, [&](Id id, std::string_view v) {
    out.emplace_back(id, std::string(v));
    return limit == 0 || out.size() < limit;
  });
  return out;
}

void reply_entries(CommandContext& ctx, const Entries& entries) {
  ctx.reply.array(entries.size());
  for (const auto& [id, v] : entries) reply_entry(ctx, id, v);
}

std::optional<Id> edge_entry(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                             bool last, std::string* value) {
  std::optional<Id> out;
  scan_entries(ctx, key, rec, stream::kMinId, stream::kMaxId, last, [&](Id id, std::string_view v) {
    out = id;
    if (value != nullptr) value->assign(v);
    return false;
  });
  return out;
}

void delete_entries(CommandContext& ctx, std::string_view key, KeyRecord& rec, StreamMeta& meta,
                    const std::vector<EntryRef>& refs) {
  for (const EntryRef& e : refs) {
    ctx.keyspace.del_field(key, rec, stream::encode(e.id), ctx.now_ms);
    --rec.count;
    if (e.node == meta.tail_node && meta.tail_live > 0) --meta.tail_live;
  }
}

bool parse_trim_option(CommandContext& ctx, size_t* i, TrimSpec* spec) {
  const auto& argv = ctx.argv;
  const bool maxlen = equals_ci(argv[*i], "maxlen");
  if (spec->kind != TrimSpec::Kind::kNone) {
    ctx.reply.error(
        "ERR syntax error, MAXLEN and MINID options at the same time are not "
        "compatible");
    return false;
  }
  spec->approx = false;
  const size_t more = argv.size() - 1 - *i;
  if (more >= 2 && (argv[*i + 1] == "~" || argv[*i + 1] == "=")) {
    spec->approx = argv[*i + 1] == "~";
    ++*i;
  }
  std::string_view arg = argv[*i + 1];
  if (maxlen) {
    int64_t n = 0;
    if (!int_arg(ctx, arg, &n)) return false;
    if (n < 0) {
      ctx.reply.error("ERR The MAXLEN argument must be >= 0.");
      return false;
    }
    spec->kind = TrimSpec::Kind::kMaxLen;
    spec->maxlen = static_cast<uint64_t>(n);
  } else {
    auto id = strict_id(ctx, arg);
    if (!id) return false;
    spec->kind = TrimSpec::Kind::kMinId;
    spec->minid = *id;
  }
  ++*i;
  return true;
}

bool check_trim(CommandContext& ctx, const TrimSpec& spec, bool xtrim) {
  const bool none = spec.kind == TrimSpec::Kind::kNone;
  if (spec.limit > 0 && none) {
    ctx.reply.error(
        "ERR syntax error, LIMIT cannot be used without specifying a trimming "
        "strategy");
    return false;
  }
  if (xtrim && none) {
    ctx.reply.error("ERR syntax error, XTRIM must be called with a trimming strategy");
    return false;
  }
  if (spec.limit >= 0 && !spec.approx) {
    ctx.reply.error("ERR syntax error, LIMIT cannot be used without the special ~ option");
    return false;
  }
  return true;
}

uint64_t trim_stream(CommandContext& ctx, std::string_view key, KeyRecord& rec, StreamMeta& meta,
                     const TrimSpec& spec) {
  using Kind = TrimSpec::Kind;
  if (spec.kind == Kind::kNone) return 0;
  // Past the threshold: the entry at the head must go.
  auto beyond = [&](Id id, uint64_t len) {
    return spec.kind == Kind::kMaxLen ? len > spec.maxlen : id < spec.minid;
  };
  uint64_t removed = 0;
  if (!spec.approx) {
    std::vector<EntryRef> refs;
    uint64_t len = stream_length(rec);
    scan_entries(ctx, key, rec, stream::kMinId, stream::kMaxId, false,
                 [&](Id id, std::string_view v) {
                   if (!beyond(id, len)) return false;
                   refs.push_back({id, entry_node(v)});
                   --len;
                   return true;
                 });
    delete_entries(ctx, key, rec, meta, refs);
    return refs.size();
  }
  // Redis: whole nodes from the head, while the next goes whole (MAXLEN
  // leaves at least the threshold, MINID's last entry is below it) and
  // does not take the count past LIMIT (0: none; by default 100 nodes).
  const uint64_t limit =
      spec.limit < 0 ? 100 * kStreamNodeEntries : static_cast<uint64_t>(spec.limit);
  for (;;) {
    std::vector<EntryRef> node;
    scan_entries(ctx, key, rec, stream::kMinId, stream::kMaxId, false,
                 [&](Id id, std::string_view v) {
                   Id n = entry_node(v);
                   if (!node.empty() && n != node[0].node) return false;
                   node.push_back({id, n});
                   return true;
                 });
    if (node.empty() || (limit > 0 && removed + node.size() > limit)) break;
    const uint64_t len = stream_length(rec);
    const bool whole =
        spec.kind == Kind::kMaxLen ? len - node.size() >= spec.maxlen : node.back().id < spec.minid;
    if (!whole) break;
    delete_entries(ctx, key, rec, meta, node);
    removed += node.size();
  }
  return removed;
}

}  // namespace meridian::cmd
