#include "core/commands/stream_groups.h"

#include <utility>
#include <vector>

#include "core/base/coding.h"
#include "core/commands/stream_access.h"
#include "core/region/region.h"

namespace meridian::cmd {
namespace {

using stream::Id;

// Every group field starts with the largest id's 16 bytes, then a tag below
// 0xff: after every entry, before the anchor (17 bytes of 0xff).
const std::string& group_space() {
  static const std::string kSpace(stream::kIdBytes, '\xff');
  return kSpace;
}

std::string group_record_name(std::string_view group) {
  return group_space() + 'G' + std::string(group);
}

// The fields of one group with `tag`: the name escaped (0x00 -> 0x00 0xff,
// ended by 0x00 0x01) so that no group's fields run into another's and
// names keep their order.
std::string group_part(char tag, std::string_view group) {
  std::string out = group_space() + tag;
  for (char c : group) {
    out.push_back(c);
    if (c == '\0') out.push_back('\xff');
  }
  out.append("\0\x01", 2);
  return out;
}

void put_stamp(std::string& out, GroupStamp s) {
  coding::put_varint(out, s.region);
  coding::put_varint(out, s.seq);
}

bool get_stamp(std::string_view& in, GroupStamp* s) {
  uint64_t region = 0;
  if (!coding::get_varint(in, &region) || !coding::get_varint(in, &s->seq)) return false;
  s->region = static_cast<uint32_t>(region);
  return true;
}

bool get_id(std::string_view& in, Id* id) {
  if (in.size() < stream::kIdBytes) return false;
  auto d = stream::decode(in.substr(0, stream::kIdBytes));
  in.remove_prefix(stream::kIdBytes);
  if (d) *id = *d;
  return d.has_value();
}

// entries_read is stored plus one (unknown: 0).
void put_entries_read(std::string& out, int64_t n) {
  coding::put_varint(out, static_cast<uint64_t>(n + 1));
}

bool get_entries_read(std::string_view& in, int64_t* n) {
  uint64_t v = 0;
  if (!coding::get_varint(in, &v)) return false;
  *n = static_cast<int64_t>(v) - 1;
  return true;
}

// A region's cursor: how far it delivered since the group's set_at.
struct Cursor {
  GroupStamp set_at;
  Id last;
  int64_t entries_read = kEntriesReadUnknown;
};

std::string encode_cursor(const Cursor& c) {
  std::string out;
  put_stamp(out, c.set_at);
  out += stream::encode(c.last);
  put_entries_read(out, c.entries_read);
  return out;
}

std::optional<Cursor> decode_cursor(std::string_view in) {
  Cursor c;
  if (!get_stamp(in, &c.set_at) || !get_id(in, &c.last) || !get_entries_read(in, &c.entries_read)) {
    return std::nullopt;
  }
  return c;
}

std::string encode_group(const StreamGroup& g) {
  std::string out;
  put_stamp(out, g.created);
  out += encode_cursor({g.set_at, g.last_id, g.entries_read});
  return out;
}

std::optional<StreamGroup> decode_group(std::string_view name, std::string_view in) {
  StreamGroup g;
  g.name = name;
  if (!get_stamp(in, &g.created)) return std::nullopt;
  auto c = decode_cursor(in);
  if (!c) return std::nullopt;
  g.set_at = c->set_at;
  g.last_id = c->last;
  g.entries_read = c->entries_read;
  return g;
}

// Consumer and pending records start with their group's creation stamp.
bool of_group(std::string_view& in, const StreamGroup& g) {
  GroupStamp s;
  return get_stamp(in, &s) && s == g.created;
}

std::optional<PendingEntry> decode_pending(const StreamGroup& g, Id id, std::string_view in) {
  PendingEntry p;
  p.id = id;
  uint64_t at = 0;
  if (!of_group(in, g) || !coding::get_varint(in, &at) || !coding::get_varint(in, &p.deliveries)) {
    return std::nullopt;
  }
  p.delivered_ms = static_cast<int64_t>(at);
  p.consumer = in;
  return p;
}

std::optional<StreamConsumer> decode_consumer(const StreamGroup& g, std::string_view name,
                                              std::string_view in) {
  uint64_t seen = 0;
  if (!of_group(in, g) || !coding::get_varint(in, &seen)) return std::nullopt;
  return StreamConsumer{std::string(name), static_cast<int64_t>(seen)};
}

}  // namespace

GroupStamp StreamGroups::stamp() {
  return {ctx_.keyspace.region_id(), ctx_.keyspace.command_seq(ctx_.now_ms)};
}

void StreamGroups::put(const std::string& name, const std::string& value) {
  if (!ctx_.keyspace.get_field(key_, rec_, name)) {
    ++rec_.count;
    ++rec_.extra;
  }
  ctx_.keyspace.put_field(key_, rec_, name, value, ctx_.now_ms);
  changed_ = true;
}

void StreamGroups::del(const std::string& name) {
  if (!ctx_.keyspace.get_field(key_, rec_, name)) return;
  ctx_.keyspace.del_field(key_, rec_, name, ctx_.now_ms);
  --rec_.count;
  --rec_.extra;
  changed_ = true;
}

void StreamGroups::scan(const std::string& prefix,
                        const std::function<bool(std::string_view, std::string_view)>& fn,
                        std::string_view from) {
  ctx_.keyspace.for_each_field(
      key_, rec_,
      [&](std::string_view name, const FieldRecord& f) {
        if (name.substr(0, prefix.size()) != prefix) return false;
        return fn(name.substr(prefix.size()), f.value);
      },
      prefix + std::string(from));
}

void StreamGroups::delete_prefix(const std::string& prefix,
                                 const std::function<bool(std::string_view)>& which) {
  // Collected first: the walk must not see its own deletes.
  std::vector<std::string> names;
  scan(prefix, [&](std::string_view rest, std::string_view value) {
    if (which(value)) names.push_back(prefix + std::string(rest));
    return true;
  });
  for (const auto& n : names) del(n);
}

std::optional<StreamGroup> StreamGroups::find(std::string_view name) {
  auto f = ctx_.keyspace.get_field(key_, rec_, group_record_name(name));
  if (!f) return std::nullopt;
  auto g = decode_group(name, f->value);
  if (!g) return std::nullopt;
  scan(group_part('D', name), [&](std::string_view, std::string_view value) {
    auto c = decode_cursor(value);
    if (c && c->set_at == g->set_at && c->last > g->last_id) {
      g->last_id = c->last;
      g->entries_read = c->entries_read;
    }
    return true;
  });
  return g;
}

std::vector<StreamGroup> StreamGroups::all() {
  std::vector<std::string> names;
  scan(group_record_name({}), [&](std::string_view rest, std::string_view) {
    names.emplace_back(rest);
    return true;
  });
  std::vector<StreamGroup> out;
  for (const auto& n : names) {
    if (auto g = find(n)) out.push_back(std::move(*g));
  }
  return out;
}

uint64_t StreamGroups::count() {
  uint64_t n = 0;
  scan(group_record_name({}), [&](std::string_view, std::string_view) {
    ++n;
    return true;
  });
  return n;
}

void StreamGroups::create(std::string_view name, Id last, int64_t entries_read) {
  StreamGroup g;
  g.name = name;
  g.created = g.set_at = stamp();
  g.last_id = last;
  g.entries_read = entries_read;
  put(group_record_name(name), encode_group(g));
}

void StreamGroups::set_id(StreamGroup& g, Id last, int64_t entries_read) {
  g.set_at = stamp();
  g.last_id = last;
  g.entries_read = entries_read;
  put(group_record_name(g.name), encode_group(g));
  // The regions' cursors are for the previous id.
  delete_prefix(group_part('D', g.name), [](std::string_view) { return true; });
}

void StreamGroups::delivered(const StreamGroup& g) {
  std::string name = group_part('D', g.name);
  coding::put_fixed64_be(name, ctx_.keyspace.region_id());
  put(name, encode_cursor({g.set_at, g.last_id, g.entries_read}));
}

void StreamGroups::destroy(const StreamGroup& g) {
  del(group_record_name(g.name));
  for (char tag : {'C', 'D', 'P'}) {
    delete_prefix(group_part(tag, g.name), [](std::string_view) { return true; });
  }
}

std::optional<StreamConsumer> StreamGroups::consumer(const StreamGroup& g, std::string_view name) {
  auto f = ctx_.keyspace.get_field(key_, rec_, group_part('C', g.name) + std::string(name));
  if (!f) return std::nullopt;
  return decode_consumer(g, name, f->value);
}

std::vector<StreamConsumer> StreamGroups::consumers(const StreamGroup& g) {
  std::vector<StreamConsumer> out;
  scan(group_part('C', g.name), [&](std::string_view name, std::string_view value) {
    if (auto c = decode_consumer(g, name, value)) out.push_back(std::move(*c));
    return true;
  });
  return out;
}

bool StreamGroups::touch_consumer(const StreamGroup& g, std::string_view name) {
  const bool created = !consumer(g, name);
  if (created) ctx_.keyspace.add_own_event('t', "xgroup-createconsumer", key_);
  std::string value;
  put_stamp(value, g.created);
  coding::put_varint(value, static_cast<uint64_t>(ctx_.now_ms));
  put(group_part('C', g.name) + std::string(name), value);
  return created;
}

uint64_t StreamGroups::delete_consumer(const StreamGroup& g, std::string_view name) {
  uint64_t pending = 0;
  delete_prefix(group_part('P', g.name), [&](std::string_view value) {
    auto p = decode_pending(g, Id{}, value);
    const bool mine = p && p->consumer == name;
    pending += mine ? 1 : 0;
    return mine;
  });
  del(group_part('C', g.name) + std::string(name));
  return pending;
}

std::optional<PendingEntry> StreamGroups::pending(const StreamGroup& g, Id id) {
  auto f = ctx_.keyspace.get_field(key_, rec_, group_part('P', g.name) + stream::encode(id));
  if (!f) return std::nullopt;
  return decode_pending(g, id, f->value);
}

void StreamGroups::put_pending(const StreamGroup& g, const PendingEntry& p) {
  std::string value;
  put_stamp(value, g.created);
  coding::put_varint(value, static_cast<uint64_t>(std::max<int64_t>(p.delivered_ms, 0)));
  coding::put_varint(value, p.deliveries);
  value += p.consumer;
  put(group_part('P', g.name) + stream::encode(p.id), value);
}

void StreamGroups::del_pending(const StreamGroup& g, Id id) {
  del(group_part('P', g.name) + stream::encode(id));
}

void StreamGroups::for_each_pending(const StreamGroup& g, Id from,
                                    const std::function<bool(const PendingEntry&)>& fn) {
  scan(
      group_part('P', g.name),
      [&](std::string_view name, std::string_view value) {
        auto id = stream::decode(name);
        if (!id) return true;
        auto p = decode_pending(g, *id, value);
        return !p || fn(*p);
      },
      from == stream::kMinId ? std::string() : stream::encode(from));
}

uint64_t StreamGroups::pending_count(const StreamGroup& g,
                                     std::optional<std::string_view> consumer) {
  uint64_t n = 0;
  for_each_pending(g, stream::kMinId, [&](const PendingEntry& p) {
    if (!consumer || p.consumer == *consumer) ++n;
    return true;
  });
  return n;
}

StreamShape stream_shape(CommandContext& ctx, std::string_view key, const KeyRecord& rec) {
  const StreamMeta meta = stream_meta(ctx, key, rec);
  StreamShape s;
  s.length = stream_length(rec);
  s.entries_added = meta.entries_added;
  s.last = meta.last;
  s.max_deleted = meta.max_deleted;
  if (s.length > 0) s.first = edge_entry(ctx, key, rec, false);
  return s;
}

int64_t entries_read_at(const StreamShape& s, Id id) {
  const auto added = static_cast<int64_t>(s.entries_added);
  const auto length = static_cast<int64_t>(s.length);
  if (s.entries_added == 0) return 0;
  if (s.length == 0 && id <= s.last) return added;
  if (id == s.last) return added;
  if (id > s.last || !s.first) return kEntriesReadUnknown;
  // Without deletes past the first entry the counters tell where it is.
  if (s.max_deleted == stream::kMinId || s.max_deleted < *s.first) {
    if (id < *s.first) return added - length;
    if (id == *s.first) return added - length + 1;
  }
  return kEntriesReadUnknown;
}

bool tombstones_after(const StreamShape& s, Id from) {
  if (s.length == 0 || s.max_deleted == stream::kMinId) return false;
  if (s.first && *s.first > s.max_deleted) return false;
  return from <= s.max_deleted;
}

std::optional<int64_t> group_lag(const StreamShape& s, const StreamGroup& g) {
  const auto added = static_cast<int64_t>(s.entries_added);
  if (s.entries_added == 0) return 0;
  if (g.entries_read != kEntriesReadUnknown && !tombstones_after(s, g.last_id)) {
    return added - g.entries_read;
  }
  const int64_t read = entries_read_at(s, g.last_id);
  if (read == kEntriesReadUnknown) return std::nullopt;
  return added - read;
}

void note_delivery(const StreamShape& s, StreamGroup& g, Id id) {
  if (g.entries_read != kEntriesReadUnknown && !tombstones_after(s, id)) {
    ++g.entries_read;
  } else if (s.entries_added > 0) {
    g.entries_read = entries_read_at(s, id);
  }
  g.last_id = id;
}

}  // namespace meridian::cmd
