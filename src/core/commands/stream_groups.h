#pragma once
// The consumer groups of a stream. They live in the stream's own key, as
// fields named after every entry id and before the anchor (16 bytes of
// 0xff, then a tag), so they go wherever the stream goes (DEL, RENAME,
// COPY, expiry, resync) and replicate like its entries, field by field:
//   G <group>               the group: stamps of its CREATE and last
//                           SETID, its last-delivered id, entries read
//   D <group> <region>      how far that region delivered (XREADGROUP >)
//                           since the group's last CREATE/SETID
//   C <group> <consumer>    a consumer and when it was last seen
//   P <group> <id>          a pending entry: consumer, delivery time,
//                           deliveries
// (<group> escaped so that names sort as Redis lists them). A group's
// last-delivered id is the highest of its record's and its regions'
// cursors, so deliveries made in two regions never move it back; records
// of a destroyed group (written concurrently elsewhere) carry its creation
// stamp and are ignored by a group created again. KeyRecord::extra counts
// these fields. docs/conflicts/streams.md says what clients see.
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

// What wrote a group record: a region and the dot of its command, unique
// in the cluster.
struct GroupStamp {
  uint32_t region = 0;
  uint64_t seq = 0;
  auto operator<=>(const GroupStamp&) const = default;
};

inline constexpr int64_t kEntriesReadUnknown = -1;  // Redis' SCG_INVALID_ENTRIES_READ

struct StreamGroup {
  std::string name;
  GroupStamp created, set_at;
  stream::Id last_id;  // last delivered
  int64_t entries_read = kEntriesReadUnknown;
};

struct StreamConsumer {
  std::string name;
  int64_t seen_ms = 0;
};

struct PendingEntry {
  stream::Id id;
  std::string consumer;
  int64_t delivered_ms = 0;
  uint64_t deliveries = 0;
};

// The groups of one stream record, for one command. Writes change `rec`
// (count, extra); the caller writes the key record when changed().
class StreamGroups {
 public:
  StreamGroups(CommandContext& ctx, std::string_view key, KeyRecord& rec)
      : ctx_(ctx), key_(key), rec_(rec) {}

  std::optional<StreamGroup> find(std::string_view name);
  // Every group, in name order.
  std::vector<StreamGroup> all();
  uint64_t count();
  // XGROUP CREATE of a group that does not exist.
  void create(std::string_view name, stream::Id last, int64_t entries_read);
  // XGROUP SETID: the group's last id, whatever the regions delivered.
  void set_id(StreamGroup& g, stream::Id last, int64_t entries_read);
  // Deliveries moved the group to g.last_id / g.entries_read (this
  // region's cursor).
  void delivered(const StreamGroup& g);
  // XGROUP DESTROY: the group and everything it holds.
  void destroy(const StreamGroup& g);

  std::optional<StreamConsumer> consumer(const StreamGroup& g, std::string_view name);
  // The group's consumers, in name order.
  std::vector<StreamConsumer> consumers(const StreamGroup& g);
  // Creates the consumer or refreshes its seen time; true if created.
  bool touch_consumer(const StreamGroup& g, std::string_view name);
  // Deletes a consumer with its pending entries; returns how many it had.
  uint64_t delete_consumer(const StreamGroup& g, std::string_view name);

  std::optional<PendingEntry> pending(const StreamGroup& g, stream::Id id);
  void put_pending(const StreamGroup& g, const PendingEntry& p);
  void del_pending(const StreamGroup& g, stream::Id id);
  // Pending entries with id >= from, in id order, until fn returns false.
  void for_each_pending(const StreamGroup& g, stream::Id from,
                        const std::function<bool(const PendingEntry&)>& fn);
  // Pending entries of the group (all consumers; one consumer's).
  uint64_t pending_count(const StreamGroup& g,
                         std::optional<std::string_view> consumer = std::nullopt);

  bool changed() const { return changed_; }

 private:
  GroupStamp stamp();
  // A group field; count and extra follow whether it existed.
  void put(const std::string& name, const std::string& value);
  void del(const std::string& name);
  // Fields whose names start with `prefix`, in order (the rest of the name).
  void scan(const std::string& prefix,
            const std::function<bool(std::string_view rest, std::string_view value)>& fn,
            std::string_view from = {});
  void delete_prefix(const std::string& prefix,
                     const std::function<bool(std::string_view value)>& which);

  CommandContext& ctx_;
  std::string_view key_;
  KeyRecord& rec_;
  bool changed_ = false;
};

// Redis' streamEstimateDistanceFromFirstEverEntry: the number of entries
// ever added up to `id`, when the stream's counters tell it.
// `first`: the first entry (nothing: empty).
struct StreamShape {
  uint64_t length = 0;
  uint64_t entries_added = 0;
  stream::Id last, max_deleted;
  std::optional<stream::Id> first;
};
StreamShape stream_shape(CommandContext& ctx, std::string_view key, const KeyRecord& rec);
int64_t entries_read_at(const StreamShape& s, stream::Id id);
// Whether an entry at or after `from` was deleted (Redis'
// streamRangeHasTombstones(from, +)).
bool tombstones_after(const StreamShape& s, stream::Id from);
// The group's lag (XINFO GROUPS), or nothing when unknown.
std::optional<int64_t> group_lag(const StreamShape& s, const StreamGroup& g);
// An XREADGROUP delivered `id`, past g.last_id: its read counter follows.
void note_delivery(const StreamShape& s, StreamGroup& g, stream::Id id);

}  // namespace meridian::cmd
