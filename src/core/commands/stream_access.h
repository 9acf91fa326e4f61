#pragma once
// Reading and writing stream entries for the stream commands. A stream is a
// collection whose fields are its entries, named by their ids (core/data/
// stream_id.h) and holding their field-value pairs, plus one more field,
// the anchor, named after every id: it keeps an emptied stream alive (Redis
// keeps a stream with no entries; a collection lives while it has fields)
// and holds what Redis keeps beside the entries (the last id, the largest
// deleted id, how many entries were ever added). So XLEN is the field count
// less one, and an XADD writes two fields whatever the stream's length.
//
// Across regions the anchor is written by every XADD, so an XADD
// concurrent with a DEL elsewhere keeps its stream alive with it; its
// counters are those of the region that wrote it last (docs/conflicts/
// streams.md).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/commands/command_table.h"
#include "core/data/records.h"
#include "core/data/stream_id.h"

namespace meridian::cmd {

// The anchor's field name: 17 bytes of 0xff, after every 16-byte id.
inline const std::string& stream_anchor() {
  static const std::string kAnchor(stream::kIdBytes + 1, '\xff');
  return kAnchor;
}

struct StreamMeta {
  stream::Id last;         // the largest id ever added (XADD must go above it)
  stream::Id max_deleted;  // the largest id XDEL deleted
  stream::Id last_added;   // the id of the last XADD (XSETID leaves it)
  uint64_t entries_added = 0;
  // Redis' approximate trimming removes whole nodes of its radix tree; a
  // stream here remembers them: each entry names its node (the id of the
  // node's first entry), and the meta the last node and how many entries it
  // took (deleted ones too, as in Redis).
  stream::Id tail_node;
  uint64_t tail_used = 0;
  uint64_t tail_live = 0;  // entries of the last node still there
  // Read from a stored anchor (a stream may lack one: group records written
  // concurrently with a DEL elsewhere survive it without their anchor).
  bool stored = false;
  std::string encode() const;
  static StreamMeta decode(std::string_view in);
};

inline uint64_t stream_length(const KeyRecord& rec) {
  return rec.elements();
}

inline constexpr std::string_view kInvalidStreamId =
    "ERR Invalid stream ID specified as stream command argument";
// Redis' streamParseStrictIDOrReply: an id ("ms" is ms-0), not "-" or "+";
// replies kInvalidStreamId when it is none. Given `seq_given`, "ms-*" too.
std::optional<stream::Id> strict_id(CommandContext& ctx, std::string_view arg,
                                    bool* seq_given = nullptr);

// Redis' streamParseIntervalIDOrReply: a range bound of XRANGE, XPENDING,
// XAUTOCLAIM: "-", "+", an id ("ms": ms-0 as a start, ms-max as an end), or
// "(" and an id for the id after it (a start) or before it (an end).
std::optional<stream::Id> interval_id(CommandContext& ctx, std::string_view arg, bool start);

// The stream's metadata; in a multi-region cluster `last` and `last_added`
// are at least the last entry's id (an entry from another region may be
// above what the anchor recorded).
StreamMeta stream_meta(CommandContext& ctx, std::string_view key, const KeyRecord& rec);
// Stores `meta` in the anchor (adding it to rec.count unless meta.stored).
void put_stream_meta(CommandContext& ctx, std::string_view key, KeyRecord& rec,
                     const StreamMeta& meta);
// A new, empty stream record with its anchor; the caller writes it.
KeyRecord new_stream(CommandContext& ctx, std::string_view key);

// An entry's value: its node, then its field-value pairs argv[first..]
// (pairs, in order).
std::string encode_entry(stream::Id node, const std::vector<std::string_view>& argv, size_t first);
// Replies [id, [field, value, ...]].
void reply_entry(CommandContext& ctx, stream::Id id, std::string_view value);
// The node an entry's value names.
stream::Id entry_node(std::string_view value);
// The node an XADD's entry `id` goes in (a new one when the last is full or
// gone), updating meta.
stream::Id place_entry(StreamMeta& meta, stream::Id id);

// Visits entries with start <= id <= end, in id order or reversed, until fn
// returns false.
using EntryFn = std::function<bool(stream::Id id, std::string_view value)>;
void scan_entries(CommandContext& ctx, std::string_view key, const KeyRecord& rec, stream::Id start,
                  stream::Id end, bool reverse, const EntryFn& fn);
// Up to `limit` entries (0: all) of scan_entries(), and the reply listing
// them.
using Entries = std::vector<std::pair<stream::Id, std::string>>;
Entries read_entries(CommandContext& ctx, std::string_view key, const KeyRecord& rec,
                     stream::Id start, stream::Id end, bool reverse, uint64_t limit);
void reply_entries(CommandContext& ctx, const Entries& entries);
// The first entry's id (or the last's), and its value when asked.
std::optional<stream::Id> edge_entry(CommandContext& ctx, std::string_view key,
                                     const KeyRecord& rec, bool last, std::string* value = nullptr);

// An entry and its node.
struct EntryRef {
  stream::Id id, node;
};
// Deletes the entries `refs` (present ones) from rec, counting them off
// meta's last node; the caller writes rec and meta (whose max_deleted XDEL
// raises and trimming does not, as in Redis).
void delete_entries(CommandContext& ctx, std::string_view key, KeyRecord& rec, StreamMeta& meta,
                    const std::vector<EntryRef>& refs);

// XADD's and XTRIM's trimming: MAXLEN or MINID, exact or approximate (~,
// whole nodes of kStreamNodeEntries, as Redis removes them), with LIMIT.
inline constexpr uint64_t kStreamNodeEntries = 100;  // Redis' stream-node-max-entries
struct TrimSpec {
  enum class Kind { kNone, kMaxLen, kMinId } kind = Kind::kNone;
  bool approx = false;
  uint64_t maxlen = 0;
  stream::Id minid;
  int64_t limit = -1;  // -1: none given
};
// Parses [MAXLEN|MINID [=|~] threshold [LIMIT count]] at argv[*i]
// (the word MAXLEN or MINID; advancing *i to the threshold); false
// (replied) on an error.
bool parse_trim_option(CommandContext& ctx, size_t* i, TrimSpec* spec);
// Checks the parsed options as Redis does (LIMIT needs ~; XTRIM needs a
// strategy); false (replied) on an error.
bool check_trim(CommandContext& ctx, const TrimSpec& spec, bool xtrim);
// Trims; returns how many entries went. The caller writes rec and meta.
uint64_t trim_stream(CommandContext& ctx, std::string_view key, KeyRecord& rec, StreamMeta& meta,
                     const TrimSpec& spec);

}  // namespace meridian::cmd
