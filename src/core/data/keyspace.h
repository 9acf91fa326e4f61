#pragma once
// Typed access to the keys of one region over Storage: lookup with lazy expiry,
// writes stamped with HLC, origin and dot, the expiry index, collection fields
// and the key counts DBSIZE and INFO report.
//
// In a multi-region cluster every key also keeps its replicated state
// (KeyRecord::state, FieldRecord::cell) and every write command leaves a
// delta per key it touched (writes().deltas), which the replicator logs and
// ships; apply() joins another region's deltas, join_chunk() a full resync's
// whole keys. keyspace_replicated.cc holds that part.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/base/assert.h"
#include "core/base/hlc.h"
#include "core/crdt/cell.h"
#include "core/crdt/conflict.h"
#include "core/data/clear_marks.h"
#include "core/data/delta.h"
#include "core/data/encoded_record_cache.h"
#include "core/data/field_filter.h"
#include "core/data/records.h"
#include "core/data/score_index.h"
#include "core/storage/storage.h"

namespace meridian {

class Keyspace {
 public:
  // cache_bytes: budget of the record caches (0 disables them); key records
  // get three quarters, collection fields the rest; the sorted sets' bucket
  // cache and the field filters an eighth each on top.
  Keyspace(Storage& storage, RegionId region, size_t cache_bytes)
      : storage_(storage),
        region_(region),
        keys_cache_(cache_bytes / 4 * 3),
        fields_cache_(cache_bytes / 4),
        filters_(cache_bytes / 8),
        scores_(storage, cache_bytes / 8) {}

  // What the record caches, the field filters and the score buckets hold
  // (their own estimate, the figure their budgets bound).
  size_t cache_bytes() const {
    return keys_cache_.bytes() + fields_cache_.bytes() + filters_.bytes() + scores_.cached_bytes();
  }

  // Reads the region-wide records (sequence, HLC, counts) written by flush_meta().
  void load();

  // Multi-region: every key keeps its replicated state and every write
  // leaves deltas. `applied` returns this region's applied vector (its own
  // entry: its own sequence): the dots it has seen.
  void enable_replication(std::function<VersionVector()> applied) { applied_ = std::move(applied); }
  bool merging() const { return static_cast<bool>(applied_); }
  // The conflict policy of each key (the config's [[keyspaces]]).
  void set_resolvers(std::function<crdt::Resolver(std::string_view key)> fn) {
    resolvers_ = std::move(fn);
  }
  crdt::Resolver resolver(std::string_view key) const;
  // Whether `origin` may hold `key` (the config's [[placement]]): a
  // FLUSHALL from `origin` clears only such keys. Unset: every key.
  void set_clear_scope(std::function<bool(std::string_view key, RegionId origin)> fn) {
    clear_scope_ = std::move(fn);
    wm_key_.reset();
  }
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
  // While a full resync is joined in, nothing may write: expiry waits.
  void set_frozen(bool on) { frozen_ = on; }
  bool frozen() const { return frozen_; }
  // Test hook: each tombstone purged, with its last record.
  std::function<void(std::string_view key, const KeyRecord& tombstone)> on_purge;
  // Every key whose state changed, by a local write (once per command), an
  // expiry, a replicated write or a resync (WATCH, blocked clients); and
  // every FLUSHALL, local or replicated. Called during the write: a hook
  // only takes note.
  std::function<void(std::string_view key)> on_change;
  std::function<void()> on_flush;
  // Keyspace notifications: each event of a local write (note_event) or of
  // an applied one, and each expiry ('x', "expired"). Only takes note.
  std::function<void(char cls, std::string_view event, std::string_view key)> on_event;
  // A local command's event on `key`: reported, and sent with its delta.
  void note_event(char cls, std::string_view event, std::string_view key);
  // An event the running command makes beside those its name implies
  // (the session reports them after those).
  void add_own_event(char cls, std::string_view event, std::string_view key) {
    cmd_.own_events.emplace_back(cls + std::string(event), key);
  }
  // Every resolution that discarded a write.
  std::function<void(const crdt::ConflictEvent&)> on_conflict;
  // Fault injection (MR.DEBUG, the simulator's checker test): applying a
  // delta skips the voids of key-level deletes, which the chaos checker must
  // catch as divergence.
  void set_broken_join(bool on) { broken_join_ = on; }
  // Removes tombstones (deleted keys kept for their causal context and
  // counter history, and removed fields of lww collections) whose writes
  // `stable` covers: every region has applied them, so no write they must
  // win over can still arrive. Returns how many keys went.
  size_t purge_tombstones(const VersionVector& stable, size_t budget);
  size_t tombstone_count();
  uint64_t tombstones_purged() const { return purged_total_; }
  uint64_t siblings_dropped() const { return siblings_dropped_; }
  // Background work after deletes of collections that hold counters: their
  // void fields are removed (counter history stays). Returns fields visited.
  size_t reclaim(size_t budget);
  size_t reclaim_pending() const { return reclaim_.size(); }

  // Every write command takes one dot: its writes share one sequence number
  // and HLC. begin_command() starts a command; writes() tells what it did.
  struct CommandWrites {
    uint64_t seq = 0;  // 0: the command wrote nothing
    Hlc hlc;
    bool clear = false;             // it was a FLUSHALL/FLUSHDB
    std::vector<std::string> keys;  // keys whose state it changed, in order
    // Multi-region: what it changed, per key (same order as keys).
    std::vector<KeyDelta> deltas;
    // Keyspace notifications the command asked for itself (class letter
    // and name, key), sent after those its name implies (XADD's xtrim).
    std::vector<std::pair<std::string, std::string>> own_events;
  };
  void begin_command() {
    // Invariant: a command's writes are logged before the next one starts.
    MERIDIAN_ASSERT(cmd_.seq == 0 || !merging() || logged_,
                    "a command's writes are logged before the next");
    cmd_ = CommandWrites{};
    logged_ = false;
  }
  // The replicator has logged writes(): the next command may start.
  void mark_logged() { logged_ = true; }
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
  // Stamps the write (HLC, origin, dot), keeps the expiry index and counts,
  // and drops the fields of an old collection that `rec` replaces.
  void write(std::string_view key, KeyRecord& rec, const KeyRecord* old, int64_t now_ms);
  // Deletes a live key (a write: DEL, GETDEL, a collection left empty).
  // `rewritten`: the command writes the key again after (RENAME onto it,
  // SUNIONSTORE): the delete voids what came before the command, never what
  // the command writes.
  void erase(std::string_view key, const KeyRecord& old, int64_t now_ms, bool rewritten = false);

  // What makes names unique to one command (list positions): this region
  // and the command's dot. Stamps the command as a write: call it only when
  // the command writes.
  RegionId region_id() const { return region_; }
  uint64_t command_seq(int64_t now_ms) { return stamp(now_ms).seq; }

  // A fresh, empty collection record of the given type (not yet written).
  // In a multi-region cluster a deleted `key` lends its generation, so the
  // counter history of its fields carries over.
  KeyRecord new_collection(ValueType type, std::string_view key = {});

  // Collection fields. The caller writes the key record afterwards (count).
  std::optional<FieldRecord> get_field(std::string_view key, const KeyRecord& rec,
                                       std::string_view field);
  void put_field(std::string_view key, const KeyRecord& rec, std::string_view field,
                 std::string_view value, int64_t now_ms);
  void del_field(std::string_view key, const KeyRecord& rec, std::string_view field,
                 int64_t now_ms);
  // Visits live fields in byte order from `from` (inclusive); stop early by
  // returning false.
  void for_each_field(std::string_view key, const KeyRecord& rec,
                      const std::function<bool(std::string_view field, const FieldRecord&)>& fn,
                      std::string_view from = {});
  // As for_each_field, from the last field backwards (list tails).
  // `from`: the last field visited is at or before it (empty: the end).
  // The name of the first (or, `tail`, the last) live field of a
  // collection; none if it has no live field. From memory when the end is
  // known exactly (EndHints), else read from storage.
  std::optional<std::string> end_field(std::string_view key, const KeyRecord& rec, bool tail);
  void for_each_field_reverse(
      std::string_view key, const KeyRecord& rec,
      const std::function<bool(std::string_view field, const FieldRecord&)>& fn,
      std::string_view from = {});
  // Where a random pick starts (SRANDMEMBER, RANDOMKEY on big data): a name
  // between the first and the last stored field of `rec` (keys: of the
  // keyspace), placed by `r`. Uniform over the bytes of the names, so over
  // names only as far as they are spread evenly; O(log n). Empty when
  // nothing is stored.
  std::string field_pick_point(std::string_view key, const KeyRecord& rec, uint64_t r);
  std::string key_pick_point(uint64_t r);

  // Sorted sets: members in (score, member) order through the score index
  // (keyspace_scores.cc). A position is ScoreIndex::position(score, member)
  // or a prefix of one. zscan visits live members from `pos` forward (the
  // first at or after it) or in reverse (the last before it; an empty pos:
  // from the end) until fn returns false; O(log n + visited).
  void zscan(std::string_view key, const KeyRecord& rec, std::string_view pos, bool reverse,
             const std::function<bool(double score, std::string_view member)>& fn);
  // Live members before `pos`, and the position of the member of a rank;
  // O(log n) reads (ScoreIndex).
  uint64_t zcount_before(std::string_view key, const KeyRecord& rec, std::string_view pos);
  std::optional<std::string> zat_rank(std::string_view key, const KeyRecord& rec, uint64_t rank);

  // Visits live keys from `start` (inclusive) in byte order until fn returns
  // false. Expired keys are skipped (and removed afterwards).
  void for_each_key(std::string_view start, int64_t now_ms,
                    const std::function<bool(std::string_view key, const KeyRecord&)>& fn);

  // Active expiry: removes up to `budget` keys whose time has passed. Returns
  // how many were removed.
  size_t expire_cycle(int64_t now_ms, size_t budget);
  // CLIENT PAUSE: while held, expired keys read as gone but are neither
  // removed nor replicated as deleted.
  void hold_expiry(bool held) { expiry_held_ = held; }

  // Removes every key (FLUSHALL): a write that also makes every version
  // stamped at or before it, arriving later from another region, void; in
  // other regions only on the keys this region may hold (set_clear_scope).
  void clear(int64_t now_ms);

  // Replication.
  // Applies another region's write command; the replicator calls it in
  // causal order (never before the record's dependencies, never twice).
  void apply(const LogRecord& rec);
  // Joins one chunk of another region's full state, consistent with
  // `their_ctx` (its applied vector). A key's chunks arrive in order.
  void join_chunk(const KeyChunk& chunk, const VersionVector& their_ctx);
  // Reads the next chunks of a full resync from `snap`, after (key, field)
  // position `*cursor` (empty: from the start), about `budget` bytes; sets
  // `*done` at the end.
  struct ChunkCursor {
    std::string key;       // the key being sent, or the last one sent
    std::string field;     // last field sent of `key`
    bool in_key = false;   // `key` has more fields to send
    bool started = false;  // past the first key
  };
  void read_chunks(StorageSnapshot& snap, ChunkCursor* cursor, size_t budget,
                   std::vector<KeyChunk>* out, bool* done) const;
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
  const ClearMarks& clear_marks() const { return clears_; }
  // The FLUSHALLs a region learns of from a full resync consistent with
  // `ctx`: what they void goes.
  void apply_clears(const ClearMarks& theirs, const VersionVector& ctx);
  // Visits every stored key record, tombstones included, in byte order.
  void for_each_record(const std::function<void(std::string_view key, const KeyRecord&)>& fn);
  // The logical state of `key` as a canonical string (type, value or live
  // fields with their resolved values and normalized cells, expiry, the
  // key-level thresholds): two regions that converged give equal strings.
  std::string canonical(std::string_view key);
  // The same, readable: for debugging and MR.DEBUG KEY.
  std::string describe(std::string_view key);
  // For checkers: each live collection whose stored count differs from the
  // live fields it holds, as (key, count, fields). Visits every field; does
  // no lazy expiry (it would write outside a command).
  struct Miscount {
    std::string key;
    uint64_t count = 0, fields = 0;
  };
  std::vector<Miscount> miscounts();
  // The version of the latest write applied to `key` (none if never written).
  Version version_of(std::string_view key);

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
  // A collection generation never used before (its field filter starts empty).
  uint64_t fresh_generation();
  void remove_expired(std::string_view key, const KeyRecord& rec);
  // Removes what a stored version owns (fields, expiry entry, counts), not
  // the key record itself.
  void release(std::string_view key, const KeyRecord& rec);
  void put_record(std::string_view key, const KeyRecord& rec);
  void touch(std::string_view key);
  const std::optional<KeyRecord>& read_record(std::string_view key);
  // A field record by its storage key, tombstones included.
  const std::optional<FieldRecord>& read_field(const std::string& field_key);
  // `local_type`: the collection's type, for single-region records (which
  // do not store it); the sorted-set index follows every change here.
  void put_field_record(const std::string& fk, FieldRecord f,
                        ValueType local_type = ValueType::kNone);
  void del_field_record(const std::string& fk, ValueType local_type = ValueType::kNone);
  // The score a stored field record is indexed under (a present member of a
  // sorted set), or nothing.
  std::optional<double> indexed_score(std::string_view key, const FieldRecord& f,
                                      ValueType local_type) const;
  // Whether the score index of `key` holds only its live members: not while
  // a delete's void fields wait for reclaim() (they are still indexed).
  bool scores_exact(std::string_view key);
  // Keeps the score index equal to the stored field records: `old` is
  // replaced by `now` (nullptr: none) at storage key `fk`.
  void reindex(const std::string& fk, const FieldRecord* old, const FieldRecord* now,
               ValueType local_type);

  // ---- multi-region (keyspace_replicated.cc) ----
  // What a key was before a write, for the counts and the expiry index.
  struct Before {
    bool live = false;
    ValueType type = ValueType::kNone;
    int64_t expire_at_ms = 0;
    std::string payload;
  };
  // The key's stored record in replicated form (a blank one if none).
  KeyRecord load_replicated(std::string_view key);
  Before before(const KeyRecord& r) const;
  // What the FLUSHALLs void on `key`: versions at or before this.
  Version watermark(std::string_view key) const;
  crdt::Voids key_voids(std::string_view key, const KeyState& st) const {
    return crdt::Voids{&st.removed, std::max(st.cleared, watermark(key))};
  }
  bool lww(std::string_view key) const { return resolver(key).policy == crdt::Policy::kLww; }
  VersionVector own_context(const Stamp& s) const;
  KeyDelta& delta_for(std::string_view key);
  void rwrite(std::string_view key, KeyRecord& rec, const KeyRecord* old, Stamp s);
  // A whole-key delete; `prior`: it precedes the command's own writes.
  void rerase(std::string_view key, Stamp s, bool prior = false);
  void rput_field(std::string_view key, const KeyRecord& rec, std::string_view field,
                  std::string_view value, Stamp s);
  void rdel_field(std::string_view key, const KeyRecord& rec, std::string_view field, Stamp s);
  std::optional<FieldRecord> rget_field(std::string_view key, const KeyRecord& rec,
                                        std::string_view field);
  // The live view of a stored field (normalized, value resolved), or nothing.
  std::optional<FieldRecord> live_field(std::string_view key, const KeyState& st, ValueType type,
                                        const FieldRecord& f) const;
  // After a threshold in r.state rose by a write with context `ctx`: voids
  // what it covers. Elements the write had seen are void by the threshold
  // alone; those written concurrently (after ctx) are found in the log and
  // re-checked, so the cost is what happened concurrently, not the key's size.
  // `every_field`: the write's context is not known exactly (a FLUSHALL
  // learned from a resync), so every stored field is re-checked instead.
  void raise(std::string_view key, KeyRecord& r, const VersionVector& ctx, bool fields, bool string,
             bool every_field = false);
  // Joins one key delta of record `rec`; false if the key already held it.
  bool apply_key(const LogRecord& rec, const KeyDelta& d, const VersionVector& ctx);
  // Resolves a key's visible value, type, expiry and liveness from its state
  // and stores it, keeping counts and the expiry index.
  void finish(std::string_view key, KeyRecord& r, const Before& b);
  // Baselines counter parts that a threshold covers only in part, from the
  // increments logged after `ctx`.
  struct LoggedIncrement {
    RegionId origin;
    uint64_t seq;
    Hlc hlc;
    int64_t amount;
    uint64_t p_after, n_after;
  };
  static void baseline(crdt::Cell& cell, const std::vector<LoggedIncrement>& incs,
                       const crdt::Voids& v);
  // An incoming increment whose previous total a local threshold covers:
  // that total is void here too.
  static void baseline_previous(crdt::Cell& cell, RegionId origin, const Increment& inc,
                                const crdt::Voids& v);
  void join_string(std::string_view key, KeyRecord& r, const crdt::Cell& theirs,
                   const VersionVector& their_ctx, bool report_conflicts);
  // Joins `theirs` (nothing: the other side holds no such field) into the
  // stored field `name`; returns whether it was live before and after.
  std::pair<bool, bool> join_field(std::string_view key, KeyRecord& r, const std::string& name,
                                   const crdt::Cell* theirs, ValueType their_type,
                                   const VersionVector& their_ctx, bool report_conflicts);
  // lww: joins `theirs` into `mine` and reports the write that lost, if
  // the two were concurrent. `field`: a member or field; empty: the value.
  void join_lww_reporting(std::string_view key, std::string_view field, crdt::Cell& mine,
                          const crdt::Cell& theirs, const VersionVector& their_ctx,
                          bool report_conflicts);
  // A FLUSHALL of `origin` at `at` with context `ctx` (a local one, or
  // another region's record): clear_before() with that mark raised.
  void clear_from(RegionId origin, Hlc at, const VersionVector& ctx);
  // Raises the marks to `marks` and removes what that voids, key by key;
  // keys whose watermark stayed are left alone. `exact`: ctx is the
  // FLUSHALL's own context (else fields are re-checked whole, see raise()).
  void clear_before(const ClearMarks& marks, const VersionVector& ctx, bool exact = true);
  // Every stored field record of one generation of `key`, as stored (void
  // and removed ones included), in name order, until fn returns false.
  void for_each_stored_field(std::string_view key, uint64_t generation,
                             const std::function<bool(std::string_view, FieldRecord&)>& fn,
                             std::string_view from = {}, bool reverse = false);
  void visit_fields(std::string_view key, const KeyRecord& rec,
                    const std::function<bool(std::string_view, const FieldRecord&)>& fn,
                    std::string_view from, bool reverse);
  void report(const std::string& key, crdt::Policy policy, const crdt::Entry& winner,
              const crdt::Entry& loser, const char* reason, std::string_view field = {});
  // A fresh generation for `r`, moving the live fields listed; the old
  // generation goes in one range delete.
  void renew_generation(std::string_view key, KeyRecord& r, const std::vector<std::string>& keep);

  Storage& storage_;
  RegionId region_;
  EncodedRecordCache<KeyRecord> keys_cache_;
  // Keyed by the field's storage key: an old generation's entries are never
  // looked up again and age out.
  EncodedRecordCache<FieldRecord> fields_cache_;
  // Where reads from an end of a collection start (list pops): per field
  // prefix, a name no live field precedes (head) and one none follows
  // (tail), so a read skips what earlier pops deleted (RocksDB would step
  // over each deletion again). Every field write past a hint moves it; in
  // memory only, and dropped whole past kMaxEndHints prefixes.
  // Exact (single region only): the hint is the live end itself, as the
  // last read from that end found it and writes since kept it (a push
  // moves it to the new element, a delete of it makes it a hint again), so
  // a push finds its neighbour without a read.
  struct EndHints {
    std::optional<std::string> head, tail;
    bool head_exact = false, tail_exact = false;
  };
  static constexpr size_t kMaxEndHints = 4096;
  std::unordered_map<std::string, EndHints> end_hints_;
  FieldFilters filters_;
  ScoreIndex scores_;
  HlcClock hlc_;
  uint64_t seq_ = 0;         // this region's write sequence: the counter of its dots
  uint64_t generation_ = 0;  // counter of collection generations (local only)
  ClearMarks clears_;        // the FLUSHALLs known (clear_marks.h)
  std::function<bool(std::string_view, RegionId)> clear_scope_;
  // watermark() of the last key asked (a write asks per field).
  mutable std::optional<std::string> wm_key_;
  mutable Version wm_;
  CommandWrites cmd_;
  bool logged_ = false;
  std::function<VersionVector()> applied_;
  std::function<crdt::Resolver(std::string_view)> resolvers_;
  std::optional<int64_t> pending_increment_;
  std::optional<std::vector<crdt::Dot>> pending_context_;
  std::set<std::string> counter_keys_;  // keys this command gave counter fields
  std::set<std::string> tombstones_;    // keys stored as tombstones
  bool tombstones_loaded_ = false;
  // Removed fields of lww collections, kept (as a removal entry) only until
  // no older write can arrive; oldest first, at most kMaxLwwRemovals (one
  // forgotten stays in storage, harmless).
  struct LwwRemoval {
    std::string key, field;
    RegionId origin = 0;
    uint64_t seq = 0;
  };
  static constexpr size_t kMaxLwwRemovals = 1 << 20;
  std::deque<LwwRemoval> lww_removals_;
  void note_lww_removal(std::string_view key, std::string_view field, const crdt::Cell& cell);
  void purge_lww_removals(const VersionVector& stable, size_t budget);
  std::deque<std::string> reclaim_;  // keys whose generation holds void fields
  std::string reclaim_cursor_;       // field position within reclaim_.front()
  bool frozen_ = false;
  bool broken_join_ = false;
  // A key whose resync chunks are being joined: its record so far.
  struct Joining {
    std::string key;
    KeyRecord rec;
    Before before;
    uint64_t count = 0, extra = 0;
  };
  std::optional<Joining> joining_;
  uint64_t siblings_dropped_ = 0;
  uint64_t purged_total_ = 0;
  uint64_t keys_ = 0;
  uint64_t expires_ = 0;
  uint64_t expired_total_ = 0;
  bool expiry_held_ = false;
  bool meta_dirty_ = false;
};

}  // namespace meridian
