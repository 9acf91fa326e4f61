#pragma once
// Typed access to the keys of one region over Storage: lookup with lazy expiry,
// writes stamped with HLC, origin and dot, the expiry index, collection fields
// and the key counts DBSIZE and INFO report.
#include <cstdint>
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/crdt/cell.h"
#include "core/crdt/conflict.h"
#include "core/data/hlc.h"
#include "core/data/record_cache.h"
#include "core/data/records.h"
#include "core/replication/log_record.h"
#include "core/storage/storage.h"

namespace meridian {

class Keyspace {
 public:
  // cache_bytes: budget of the record caches (0 disables them); key records
  // get three quarters, collection fields the rest.
  Keyspace(Storage& storage, RegionId region, size_t cache_bytes)
      : storage_(storage),
        region_(region),
        keys_cache_(cache_bytes / 4 * 3),
        fields_cache_(cache_bytes / 4) {}

  // Reads the region-wide records (sequence, HLC, counts) written by flush_meta().
  void load();
  // In a multi-region cluster a deleted or expired key leaves a tombstone,
  // so an older version arriving later from another region cannot bring it
  // back. A single region deletes outright.
  void set_keep_tombstones(bool on) { keep_tombstones_ = on; }

  // Multi-region merging: every key whose policy is not lww keeps its
  // replicated state (crdt::Cell per value, field and member) and merges
  // other regions' images by its policy. `applied` returns this region's
  // applied vector: the dots it has seen.
  void enable_merging(std::function<VersionVector()> applied) {
    applied_ = std::move(applied);
    keep_tombstones_ = true;
  }
  bool merging() const { return static_cast<bool>(applied_); }
  // The conflict policy of each key (the config's [[keyspaces]]).
  void set_resolvers(std::function<crdt::Resolver(std::string_view key)> fn) {
    resolvers_ = std::move(fn);
  }
  crdt::Resolver resolver(std::string_view key) const;
  // INCR-family and HINCRBY: the next write() of a string or put_field()
  // adds `delta` to the value's counter instead of replacing the value, so
  // concurrent increments in different regions all count.
  void note_increment(int64_t delta) { pending_increment_ = delta; }
  // MR.SET ... CONTEXT: the next write() of a string replaces only the
  // concurrent values whose dots are listed (what the client read), keeping
  // any it has not seen as siblings.
  void note_context(std::vector<crdt::Dot> seen) { pending_context_ = std::move(seen); }
  // The concurrent values of a string key (several only under siblings).
  std::vector<crdt::Entry> values(const KeyRecord& rec) const;
  // Test hook: each tombstone purged, with its last record.
  std::function<void(std::string_view key, const KeyRecord& tombstone)> on_purge;
  // Every resolution that discarded a write.
  std::function<void(const crdt::ConflictEvent&)> on_conflict;
  // Removes tombstones (deleted keys kept for their causal context and
  // counter history) whose context `stable` covers: every region has
  // applied them. Returns how many went.
  size_t purge_tombstones(const VersionVector& stable, size_t budget);
  size_t tombstone_count();
  uint64_t tombstones_purged() const { return purged_total_; }
  uint64_t siblings_dropped() const { return siblings_dropped_; }

  // Every write command takes one dot: its writes share one sequence number
  // and HLC. begin_command() starts a command; writes() tells what it did.
  struct CommandWrites {
    uint64_t seq = 0;  // 0: the command wrote nothing
    Hlc hlc;
    bool clear = false;             // it was a FLUSHALL/FLUSHDB
    std::vector<std::string> keys;  // keys whose state it changed, in order
  };
  void begin_command() { cmd_ = CommandWrites{}; }
  const CommandWrites& writes() const { return cmd_; }
  // Writes the region-wide records if they changed; called once per pass.
  void flush_meta();

  // The live record of `key`, or nothing. A key whose expiry time has passed is
  // deleted here (Redis' lazy expiry) and reported absent.
  std::optional<KeyRecord> find(std::string_view key, int64_t now_ms);
  // As find(), without a copy, for commands that only read: the pointer is
  // valid until the next call that reads or writes a key record (find, peek,
  // write, erase, for_each_key, expire_cycle, clear). Field calls keep it.
  const KeyRecord* peek(std::string_view key, int64_t now_ms);

  // Stores a new version of `key`. `old` is its current live record, if any.
  // Stamps the write (HLC, origin, dot; the version vector covers old's), keeps
  // the expiry index and counts, and drops the fields of an old collection
  // that `rec` replaces.
  void write(std::string_view key, KeyRecord& rec, const KeyRecord* old, int64_t now_ms);
  // Deletes a live key (a write: DEL, GETDEL, a collection left empty).
  void erase(std::string_view key, const KeyRecord& old, int64_t now_ms);

  // A fresh, empty collection record of the given type (not yet written).
  // When merging, a deleted `key` of that type lends its generation, so the
  // counter history of its fields carries over.
  KeyRecord new_collection(ValueType type, std::string_view key = {});

  // Collection fields. The caller writes the key record afterwards (count).
  std::optional<FieldRecord> get_field(std::string_view key, const KeyRecord& rec,
                                       std::string_view field);
  void put_field(std::string_view key, const KeyRecord& rec, std::string_view field,
                 std::string_view value, int64_t now_ms);
  void del_field(std::string_view key, const KeyRecord& rec, std::string_view field);
  // Visits fields in byte order; stop early by returning false.
  void for_each_field(std::string_view key, const KeyRecord& rec,
                      const std::function<bool(std::string_view field, const FieldRecord&)>& fn);

  // Visits live keys from `start` (inclusive) in byte order until fn returns
  // false. Expired keys are skipped (and removed afterwards).
  void for_each_key(std::string_view start, int64_t now_ms,
                    const std::function<bool(std::string_view key, const KeyRecord&)>& fn);

  // Active expiry: removes up to `budget` keys whose time has passed. Returns
  // how many were removed.
  size_t expire_cycle(int64_t now_ms, size_t budget);

  // Removes every key (FLUSHALL): a write that also makes every version
  // stamped at or before it, arriving later from another region, void.
  void clear(int64_t now_ms);

  // Replication.
  // The whole current state of `key` (a tombstone included); an image whose
  // record has type kNone and no tombstone flag when the key never existed.
  KeyImage image(std::string_view key);
  // Installs `img` if it wins over the local version (last-writer-wins by
  // HLC, then region id). Returns whether it did. Idempotent.
  bool apply_image(const KeyImage& img);
  // Applies another region's FLUSHALL stamped `at`.
  void apply_clear(Hlc at);
  // Makes sure the next dot is above `seq` (a region restored from a peer's
  // snapshot must not reuse dots the cluster has already seen).
  void bump_sequence(uint64_t seq) {
    if (seq > seq_) {
      seq_ = seq;
      meta_dirty_ = true;
    }
  }
  void observe(Hlc remote) {
    hlc_.observe(remote);
    meta_dirty_ = true;
  }
  Hlc clear_watermark() const { return clear_before_; }
  // Visits every stored key record, tombstones included, in byte order.
  void for_each_record(const std::function<void(std::string_view key, const KeyRecord&)>& fn);

  uint64_t key_count() const { return keys_; }
  uint64_t expires_count() const { return expires_; }
  uint64_t expired_total() const { return expired_total_; }
  Hlc last_hlc() const { return hlc_.last(); }
  uint64_t sequence() const { return seq_; }

 private:
  struct Stamp {
    Hlc hlc;
    uint64_t seq;
  };
  Stamp stamp(int64_t now_ms);
  void drop_fields(std::string_view key, const KeyRecord& rec);
  void remove_expired(std::string_view key, const KeyRecord& rec);
  // Removes what a stored version owns (fields, expiry entry, counts), not
  // the key record itself.
  void release(std::string_view key, const KeyRecord& rec);
  void put_record(std::string_view key, const KeyRecord& rec);
  // Deletes a key whose policy is lww: outright in a single region, else
  // leaving a tombstone stamped (hlc, origin, vv).
  void delete_lww(std::string_view key, const KeyRecord& old, Hlc hlc, RegionId origin,
                  const VersionVector& vv);
  // Every stored field of one incarnation of a collection, tombstones
  // included, with its storage key, in field order.
  std::vector<std::pair<std::string, FieldRecord>> raw_fields(std::string_view key,
                                                              uint64_t generation);
  void touch(std::string_view key);

  // Merging (keyspace_merge.cc).
  bool merges(std::string_view key) const;
  void merge_write(std::string_view key, KeyRecord& rec, const KeyRecord* old, Stamp s);
  void merge_erase(std::string_view key, const KeyRecord& old, Stamp s);
  void merge_put_field(std::string_view key, const KeyRecord& rec, std::string_view field,
                       std::string_view value, Stamp s);
  void merge_del_field(std::string_view key, const KeyRecord& rec, std::string_view field);
  bool merge_apply(const KeyImage& img);
  bool has_counter_fields(std::string_view key, const KeyRecord& rec);
  void merge_image(KeyImage& img);
  void report(const std::string& key, crdt::Policy policy, const crdt::Entry& winner,
              const crdt::Entry& loser, const char* reason);

  const std::optional<KeyRecord>& read_record(std::string_view key);
  // A field record by its storage key, tombstones included.
  const std::optional<FieldRecord>& read_field(const std::string& field_key);

  Storage& storage_;
  RegionId region_;
  RecordCache<KeyRecord> keys_cache_;
  // Keyed by the field's storage key: an old generation's entries are never
  // looked up again and age out.
  RecordCache<FieldRecord> fields_cache_;
  HlcClock hlc_;
  uint64_t seq_ = 0;         // this region's write sequence: the counter of its dots
  uint64_t generation_ = 0;  // counter of collection generations (local only)
  Hlc clear_before_;         // versions at or before this were flushed
  bool keep_tombstones_ = false;
  CommandWrites cmd_;
  std::function<VersionVector()> applied_;
  std::function<crdt::Resolver(std::string_view)> resolvers_;
  std::optional<int64_t> pending_increment_;
  std::optional<std::vector<crdt::Dot>> pending_context_;
  std::set<std::string> tombstones_;  // keys stored as tombstones
  bool tombstones_loaded_ = false;
  uint64_t siblings_dropped_ = 0;
  uint64_t purged_total_ = 0;
  uint64_t keys_ = 0;
  uint64_t expires_ = 0;
  uint64_t expired_total_ = 0;
  bool meta_dirty_ = false;
};

}  // namespace meridian
