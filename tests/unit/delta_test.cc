// Deltas (core/data/delta.h, Keyspace::apply): the laws that make regions
// agree when each write ships only what it changed.
//
// Replicas here are bare Keyspaces on memory storage, each with the log of
// every origin's records it applied (what a raise reads), written to by the
// same Keyspace calls the commands make. Records are delivered the way the
// replicator delivers them: each origin's in order, each after its
// dependencies (a record whose cause has not arrived is held back), in any
// interleaving the test draws, with duplicates. Checked, for every type and
// policy (sets, hashes with register and counter fields, strings and
// counters, lists, HyperLogLogs, expiry, observed-remove DEL, lww whole-key
// DEL, type changes):
// - convergence: all replicas end identical, and each one's counts match
//   its data;
// - deltas == states: applying the deltas of a set of writes gives the same
//   state as merging the whole states of replicas that hold those writes;
// - a delta applied twice changes nothing.
#include "core/data/delta.h"

#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/gtest.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/base/numbers.h"
#include "core/data/hll_store.h"
#include "core/data/keyspace.h"
#include "core/data/list_position.h"
#include "core/data/stream_id.h"
#include "core/data/zset_score.h"
#include "storage/memory_storage.h"

namespace meridian {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

struct Replica {
  explicit Replica(RegionId r) : id(r), ks(storage, r, 1 << 16) {
    ks.enable_replication([this] {
      VersionVector v = applied;
      v.set(id, ks.sequence());
      return v;
    });
    ks.set_resolvers([](std::string_view key) {
      crdt::Resolver res;
      if (!key.empty() && key[0] == 'l') res.policy = crdt::Policy::kLww;
      return res;
    });
    ks.load();
  }
  RegionId id;
  MemoryStorage storage;
  Keyspace ks;
  VersionVector applied;  // other origins
  int64_t clock = kNow;

  // A write command: runs `op`, then logs its record as the replicator does.
  template <typename Op>
  std::optional<LogRecord> command(Op op) {
    ks.begin_command();
    clock += 1;
    op(ks, clock);
    std::optional<LogRecord> rec;
    const auto& w = ks.writes();
    if (w.seq != 0) {
      rec.emplace();
      rec->origin = id;
      rec->seq = w.seq;
      rec->hlc = w.hlc;
      rec->deps = applied;
      rec->clear = w.clear;
      rec->keys = w.deltas;
      storage.put(Column::kLog, layout::log_key(id, w.seq), rec->encode());
    }
    ks.mark_logged();
    ks.begin_command();
    ks.flush_meta();
    storage.commit(false);
    return rec;
  }

  bool can_apply(const LogRecord& r) const {
    if (r.seq != applied.get(r.origin) + 1) return false;
    for (const auto& [o, s] : r.deps.entries()) {
      if (o == r.origin || o == id) continue;
      if (applied.get(o) < s) return false;
    }
    return true;
  }

  void apply(const LogRecord& r) {
    ks.apply(r);
    storage.put(Column::kLog, layout::log_key(r.origin, r.seq), r.encode());
    applied.set(r.origin, r.seq);
    ks.flush_meta();
    storage.commit(false);
  }

  std::string state() {
    std::vector<std::string> keys;
    ks.for_each_record([&](std::string_view k, const KeyRecord&) { keys.emplace_back(k); });
    std::string out;
    for (const auto& k : keys) out += k + "=" + ks.canonical(k) + ";";
    return out;
  }

  // Each live collection's count equals its live fields.
  bool counts_agree() { return ks.miscounts().empty(); }
};

// The commands' logic, on the keyspace alone.
void sadd(Keyspace& ks, int64_t now, const std::string& key, const std::vector<std::string>& ms) {
  auto old = ks.find(key, now);
  if (old && old->type != ValueType::kSet) return;
  KeyRecord rec = old ? *old : ks.new_collection(ValueType::kSet, key);
  int64_t added = 0;
  for (const auto& m : ms) {
    if (ks.get_field(key, rec, m)) continue;
    ks.put_field(key, rec, m, {}, now);
    ++added;
  }
  if (added == 0) return;
  rec.count += static_cast<uint64_t>(added);
  ks.write(key, rec, old ? &*old : nullptr, now);
}

void remove_fields(Keyspace& ks, int64_t now, const std::string& key, ValueType type,
                   const std::vector<std::string>& names) {
  auto old = ks.find(key, now);
  if (!old || old->type != type) return;
  KeyRecord rec = *old;
  int64_t removed = 0;
  for (const auto& m : names) {
    if (!ks.get_field(key, rec, m)) continue;
    ks.del_field(key, rec, m, now);
    ++removed;
  }
  if (removed == 0) return;
  rec.count -= static_cast<uint64_t>(removed);
  if (rec.count == 0) {
    ks.erase(key, *old, now);
  } else {
    ks.write(key, rec, &*old, now);
  }
}

void hset(Keyspace& ks, int64_t now, const std::string& key, const std::string& f,
          const std::string& v) {
  auto old = ks.find(key, now);
  if (old && old->type != ValueType::kHash) return;
  KeyRecord rec = old ? *old : ks.new_collection(ValueType::kHash, key);
  if (!ks.get_field(key, rec, f)) ++rec.count;
  ks.put_field(key, rec, f, v, now);
  ks.write(key, rec, old ? &*old : nullptr, now);
}

void hincrby(Keyspace& ks, int64_t now, const std::string& key, const std::string& f, int64_t by) {
  auto old = ks.find(key, now);
  if (old && old->type != ValueType::kHash) return;
  KeyRecord rec = old ? *old : ks.new_collection(ValueType::kHash, key);
  auto cur = old ? ks.get_field(key, rec, f) : std::nullopt;
  int64_t value = cur ? parse_int64(cur->value).value_or(0) : 0;
  ks.note_increment(by);
  ks.put_field(key, rec, f, format_int64(value + by), now);
  if (!cur) ++rec.count;
  ks.write(key, rec, old ? &*old : nullptr, now);
}

void set_string(Keyspace& ks, int64_t now, const std::string& key, const std::string& v,
                std::optional<int64_t> increment = std::nullopt) {
  auto old = ks.find(key, now);
  KeyRecord rec;
  rec.type = ValueType::kString;
  rec.payload = v;
  if (increment) {
    if (old && old->type != ValueType::kString) return;
    int64_t base = old ? parse_int64(old->payload).value_or(0) : 0;
    rec.payload = format_int64(base + *increment);
    if (old) rec.expire_at_ms = old->expire_at_ms;
    ks.note_increment(*increment);
  }
  ks.write(key, rec, old ? &*old : nullptr, now);
}

void expire(Keyspace& ks, int64_t now, const std::string& key, int64_t at) {
  auto old = ks.find(key, now);
  if (!old) return;
  KeyRecord rec = *old;
  rec.expire_at_ms = at;
  ks.write(key, rec, &*old, now);
}

// RPUSH (or, `head`, LPUSH) of one element, and LPOP: a list's elements are
// fields named by their positions.
void push(Keyspace& ks, int64_t now, const std::string& key, const std::string& v, bool head) {
  auto old = ks.find(key, now);
  if (old && old->type != ValueType::kList) return;
  KeyRecord rec = old ? *old : ks.new_collection(ValueType::kList, key);
  std::string end;
  auto take = [&](std::string_view pos, const FieldRecord&) {
    end.assign(pos);
    return false;
  };
  if (old && head) ks.for_each_field(key, rec, take);
  if (old && !head) ks.for_each_field_reverse(key, rec, take);
  uint64_t counter = ks.command_seq(now);
  std::string pos = head ? list_position::between({}, end, ks.region_id(), counter)
                         : list_position::between(end, {}, ks.region_id(), counter);
  ks.put_field(key, rec, pos, v, now);
  ++rec.count;
  ks.write(key, rec, old ? &*old : nullptr, now);
}

void pop_head(Keyspace& ks, int64_t now, const std::string& key) {
  auto old = ks.find(key, now);
  if (!old || old->type != ValueType::kList) return;
  std::string first;
  ks.for_each_field(key, *old, [&](std::string_view pos, const FieldRecord&) {
    first.assign(pos);
    return false;
  });
  if (first.empty()) return;
  KeyRecord rec = *old;
  ks.del_field(key, rec, first, now);
  if (--rec.count == 0) return ks.erase(key, *old, now);
  ks.write(key, rec, &*old, now);
}

// XADD as the stream commands write it: an entry field named by its id
// (region-unique: its sequence is the region) and the anchor field after
// every id, rewritten each time; an emptied stream keeps its anchor.
void xadd(Keyspace& ks, int64_t now, const std::string& key, uint64_t ms, uint32_t region) {
  auto old = ks.find(key, now);
  if (old && old->type != ValueType::kStream) return;
  KeyRecord rec = old ? *old : ks.new_collection(ValueType::kStream, key);
  const std::string anchor(stream::kIdBytes + 1, '\xff');
  if (!ks.get_field(key, rec, anchor)) {
    ++rec.count;
    ++rec.extra;  // the anchor is no entry
  }
  const std::string id = stream::encode(stream::Id{ms, region});
  if (!ks.get_field(key, rec, id)) ++rec.count;
  ks.put_field(key, rec, id, "entry" + std::to_string(ms), now);
  ks.put_field(key, rec, anchor, "last" + std::to_string(ms), now);
  ks.write(key, rec, old ? &*old : nullptr, now);
}

// XDEL (or a trim) of the first entry: the anchor stays.
void xdel_first(Keyspace& ks, int64_t now, const std::string& key) {
  auto old = ks.find(key, now);
  if (!old || old->type != ValueType::kStream) return;
  std::string first;
  ks.for_each_field(key, *old, [&](std::string_view name, const FieldRecord&) {
    if (name.size() == stream::kIdBytes) first.assign(name);
    return false;
  });
  if (first.empty()) return;
  KeyRecord rec = *old;
  ks.del_field(key, rec, first, now);
  --rec.count;
  ks.write(key, rec, &*old, now);
}

// ZADD of one member, or (`incr`) ZINCRBY by a whole number: a sorted set's
// members are fields whose value is the score, and the keyspace indexes them.
void zadd(Keyspace& ks, int64_t now, const std::string& key, const std::string& m, int64_t score,
          bool incr) {
  auto old = ks.find(key, now);
  if (old && old->type != ValueType::kZSet) return;
  KeyRecord rec = old ? *old : ks.new_collection(ValueType::kZSet, key);
  auto cur = ks.get_field(key, rec, m);
  double base = cur && incr ? zset::parse_score(cur->value).value_or(0) : 0;
  if (incr) ks.note_increment(score);
  ks.put_field(key, rec, m, zset::format_score(base + static_cast<double>(score)), now);
  if (!cur) ++rec.count;
  ks.write(key, rec, old ? &*old : nullptr, now);
}

void del(Keyspace& ks, int64_t now, const std::string& key) {
  if (auto old = ks.find(key, now)) ks.erase(key, *old, now);
}

// PFADD of chosen registers: few indexes and ranks, so that regions raise
// the same register to different ranks concurrently (real elements would
// rarely meet in one register). No slots: PFADD with no element.
void pfadd(Keyspace& ks, int64_t now, const std::string& key, int b) {
  auto old = ks.find(key, now);
  if (old && old->type != ValueType::kHll) return;
  std::vector<hll::Slot> slots;
  for (int i = 0; i < b % 3; ++i) {
    slots.push_back({static_cast<uint16_t>((b / 3 + i) % 4), static_cast<uint8_t>(1 + b % 7)});
  }
  hll::raise_registers(ks, key, old ? &*old : nullptr, slots, now);
}

// One random write: keys s* sets, h* hashes (counters and registers), n*
// counters, t* strings, l* lww (strings, hashes, lists lq*, HyperLogLogs ly*), q* lists,
// y* HyperLogLogs, x* keys that change type; small pools so writes collide.
std::optional<LogRecord> random_write(Replica& r, int op, int a, int b) {
  std::string k = std::to_string(a % 2);
  std::string m = "m" + std::to_string(b % 6);
  auto member_list = [&] {
    std::vector<std::string> ms;
    for (int i = 0; i <= b % 4; ++i) ms.push_back("m" + std::to_string((b + i * 7) % 6));
    if (b % 5 == 0) ms.push_back(ms.front());  // the same member twice in one command
    return ms;
  };
  switch (op % 26) {
    case 0:
    case 1:
      return r.command([&](Keyspace& ks, int64_t now) { sadd(ks, now, "s" + k, member_list()); });
    case 2:
      return r.command([&](Keyspace& ks, int64_t now) {
        remove_fields(ks, now, "s" + k, ValueType::kSet, member_list());
      });
    case 3:
      return r.command(
          [&](Keyspace& ks, int64_t now) { hset(ks, now, "h" + k, m, "v" + std::to_string(b)); });
    case 4:
      return r.command(
          [&](Keyspace& ks, int64_t now) { hincrby(ks, now, "h" + k, "c" + m, b % 5 - 1); });
    case 5:
      return r.command([&](Keyspace& ks, int64_t now) {
        remove_fields(ks, now, "h" + k, ValueType::kHash, {m, "c" + m});
      });
    case 6:
      return r.command(
          [&](Keyspace& ks, int64_t now) { set_string(ks, now, "n" + k, "", b % 7 - 3); });
    case 7:
      return r.command([&](Keyspace& ks, int64_t now) {
        set_string(ks, now, "t" + k, "v" + std::to_string(b));
      });
    case 8: {
      static const char* const kDeletable[] = {"s", "h", "n", "t", "x", "y"};
      return r.command([&](Keyspace& ks, int64_t now) { del(ks, now, kDeletable[b % 6] + k); });
    }
    case 9:
      return r.command([&](Keyspace& ks, int64_t now) {
        // Soon (a later command finds it expired and deletes it), later, or never.
        int64_t at = b % 3 == 0 ? 0 : (b % 3 == 1 ? now + 1 + b % 4 : kNow + 1'000'000 + b);
        const char* kind = b % 2 ? "s" : (b % 4 == 0 ? "h" : (b % 8 == 2 ? "lh" : "t"));
        expire(ks, now, kind + k, at);
      });
    case 10:
      return r.command([&](Keyspace& ks, int64_t now) {
        set_string(ks, now, "l" + k, "v" + std::to_string(b));
      });
    case 11:
      return r.command(
          [&](Keyspace& ks, int64_t now) { hset(ks, now, "lh" + k, m, "v" + std::to_string(b)); });
    case 12:
      return r.command([&](Keyspace& ks, int64_t now) {
        if (b % 3 == 0) return del(ks, now, "lh" + k);
        remove_fields(ks, now, "lh" + k, ValueType::kHash, {m});
      });
    case 13:
      return r.command([&](Keyspace& ks, int64_t now) { del(ks, now, "l" + k); });
    case 14:  // a type change: a string over whatever x holds
      return r.command([&](Keyspace& ks, int64_t now) {
        set_string(ks, now, "x" + k, "v" + std::to_string(b));
      });
    case 16:  // lists: pushes at both ends (q* crdt, lq* lww), x* changes type
      return r.command([&](Keyspace& ks, int64_t now) {
        const char* kind = b % 3 == 0 ? "lq" : (b % 3 == 1 ? "q" : "x");
        push(ks, now, kind + k, "v" + std::to_string(b), b % 2 == 0);
      });
    case 17:
      return r.command(
          [&](Keyspace& ks, int64_t now) { pop_head(ks, now, (b % 2 ? "q" : "lq") + k); });
    case 18:  // sorted sets: z* crdt, lz* lww; x* changes type
      return r.command([&](Keyspace& ks, int64_t now) {
        const char* kind = b % 4 == 0 ? "lz" : (b % 4 == 3 ? "x" : "z");
        zadd(ks, now, kind + k, m, b % 9 - 4, false);
      });
    case 19:
      return r.command([&](Keyspace& ks, int64_t now) {
        zadd(ks, now, (b % 3 ? "z" : "lz") + k, m, b % 4, true);
      });
    case 20:
      return r.command([&](Keyspace& ks, int64_t now) {
        if (b % 4 == 0) return del(ks, now, (b % 8 ? "z" : "lz") + k);
        remove_fields(ks, now, (b % 3 ? "z" : "lz") + k, ValueType::kZSet, member_list());
      });
    case 21:  // HyperLogLogs (y* crdt, ly* lww); x* changes type
      return r.command([&](Keyspace& ks, int64_t now) {
        pfadd(ks, now, (b % 5 == 0 ? "x" : (b % 2 ? "y" : "ly")) + k, b);
      });
    case 22:
      return r.command([&](Keyspace& ks, int64_t now) {
        if (b % 4 == 0) return del(ks, now, "ly" + k);
        pfadd(ks, now, "y" + k, b);
      });
    case 23:  // streams: st* crdt, lst* lww; x* changes type
      return r.command([&](Keyspace& ks, int64_t now) {
        const char* kind = b % 5 == 0 ? "x" : (b % 2 ? "st" : "lst");
        // ids of this region, or now and then one any region may also add
        const auto region = static_cast<uint32_t>(b % 3 == 0 ? 99 : r.id);
        xadd(ks, now, kind + k, static_cast<uint64_t>(a % 50), region);
      });
    case 24:
      return r.command([&](Keyspace& ks, int64_t now) {
        if (b % 5 == 0) return del(ks, now, (b % 2 ? "st" : "lst") + k);
        xdel_first(ks, now, (b % 2 ? "st" : "lst") + k);
      });
    default:
      return r.command([&](Keyspace& ks, int64_t now) { sadd(ks, now, "x" + k, member_list()); });
  }
}

struct World {
  std::vector<std::unique_ptr<Replica>> replicas;
  std::vector<LogRecord> records;  // every record made, in creation order

  explicit World(int n) {
    for (int i = 0; i < n; ++i) replicas.push_back(std::make_unique<Replica>(i + 1));
  }
  // Delivers to replica `to` the `pick`-th deliverable record, if any.
  bool deliver(int to, size_t pick) {
    Replica& r = *replicas[to];
    std::vector<const LogRecord*> ready;
    for (const auto& rec : records)
      if (rec.origin != r.id && r.can_apply(rec)) ready.push_back(&rec);
    if (ready.empty()) return false;
    r.apply(*ready[pick % ready.size()]);
    return true;
  }
  void deliver_all() {
    for (size_t i = 0; i < replicas.size(); ++i)
      while (deliver(static_cast<int>(i), 0)) {
      }
  }
};

RC_GTEST_PROP(Deltas, AnyCausalInterleavingConvergesAndDuplicatesChangeNothing, ()) {
  const int n = *rc::gen::inRange(2, 5);
  World w(n);
  auto steps = *rc::gen::container<std::vector<std::tuple<int, int, int, int>>>(
      rc::gen::tuple(rc::gen::inRange(0, 100), rc::gen::inRange(0, 1000), rc::gen::inRange(0, 1000),
                     rc::gen::inRange(0, 1000)));
  for (const auto& [kind, who, a, b] : steps) {
    Replica& r = *w.replicas[who % n];
    if (kind < 45) {
      if (auto rec = random_write(r, a, b, who)) w.records.push_back(*rec);
    } else if (kind < 95) {
      w.deliver(who % n, static_cast<size_t>(a));
    } else {
      // A duplicate: a record this replica applied, applied again.
      for (const auto& rec : w.records) {
        if (rec.origin == r.id || r.applied.get(rec.origin) < rec.seq || (a + b) % 3 != 0) continue;
        std::string before = r.state();
        r.ks.apply(rec);
        RC_ASSERT(r.state() == before);
        break;
      }
    }
    RC_ASSERT(r.counts_agree());
  }
  w.deliver_all();
  std::string first = w.replicas[0]->state();
  for (auto& r : w.replicas) {
    RC_ASSERT(r->counts_agree());
    RC_ASSERT(r->state() == first);
  }
}

// Merges replica `from`'s whole state into `into`, in small chunks.
void merge_state(Replica& from, Replica& into) {
  auto snap = from.storage.snapshot();
  Keyspace::ChunkCursor cursor;
  VersionVector ctx = from.applied;
  ctx.set(from.id, from.ks.sequence());
  bool done = false;
  while (!done) {
    std::vector<KeyChunk> chunks;
    from.ks.read_chunks(*snap, &cursor, 64, &chunks, &done);
    for (const auto& c : chunks) into.ks.join_chunk(c, ctx);
  }
  for (const auto& [o, s] : ctx.entries())
    if (o != into.id && s > into.applied.get(o)) into.applied.set(o, s);
  into.ks.flush_meta();
  into.storage.commit(false);
}

RC_GTEST_PROP(Deltas, ApplyingDeltasEqualsMergingWholeStates, ()) {
  const int n = *rc::gen::inRange(2, 4);
  World w(n);
  auto steps = *rc::gen::container<std::vector<std::tuple<int, int, int, int>>>(
      rc::gen::tuple(rc::gen::inRange(0, 100), rc::gen::inRange(0, 1000), rc::gen::inRange(0, 1000),
                     rc::gen::inRange(0, 1000)));
  for (const auto& [kind, who, a, b] : steps) {
    if (kind < 50) {
      if (auto rec = random_write(*w.replicas[who % n], a, b, who)) w.records.push_back(*rec);
    } else {
      w.deliver(who % n, static_cast<size_t>(a));
    }
  }
  // The whole states of all replicas, merged into a new one...
  Replica merged(100);
  for (auto& r : w.replicas) merge_state(*r, merged);
  // ...equal a new replica that applied, as deltas, the writes they held.
  Replica applied(101);
  VersionVector all;
  for (auto& r : w.replicas) {
    all.merge(r->applied);
    all.set(r->id, std::max(all.get(r->id), r->ks.sequence()));
  }
  bool progress = true;
  while (progress) {
    progress = false;
    for (const auto& rec : w.records) {
      if (rec.seq <= all.get(rec.origin) && applied.can_apply(rec)) {
        applied.apply(rec);
        progress = true;
      }
    }
  }
  RC_ASSERT(merged.state() == applied.state());
  RC_ASSERT(merged.counts_agree());
}

TEST(Deltas, AnOldImageDoesNotBringBackAKeyDeletedAndPurged) {
  Replica a(1), b(2);
  auto set = a.command([](Keyspace& ks, int64_t now) { set_string(ks, now, "lk", "old"); });
  b.apply(*set);
  // b's image of the key, taken now and delivered late (a resync part resent).
  Replica stale(3);
  merge_state(b, stale);
  auto del_rec = a.command([](Keyspace& ks, int64_t now) { del(ks, now, "lk"); });
  b.apply(*del_rec);
  VersionVector all;
  all.set(1, a.ks.sequence());
  EXPECT_EQ(a.ks.purge_tombstones(all, 10), 1u);
  ASSERT_EQ(a.state(), "");
  merge_state(stale, a);  // everything in it was applied here, then deleted
  EXPECT_EQ(a.state(), "");
  EXPECT_FALSE(a.ks.find("lk", a.clock).has_value());
}

// Seed 5003: an HSET that finds its lww hash expired deletes the key and
// writes the field in one command, with one version. The delete must not
// void the field it writes, here or anywhere.
TEST(Deltas, AWriteToAnExpiredLwwKeyKeepsWhatItWrites) {
  Replica a(1), b(2);
  b.apply(*a.command([](Keyspace& ks, int64_t now) { hset(ks, now, "lh", "old", "1"); }));
  b.apply(*a.command([](Keyspace& ks, int64_t now) { expire(ks, now, "lh", now + 1); }));
  a.clock += 10;
  auto rec = a.command([](Keyspace& ks, int64_t now) { hset(ks, now, "lh", "new", "2"); });
  ASSERT_TRUE(rec);
  b.apply(*rec);
  for (Replica* r : {&a, &b}) {
    auto found = r->ks.find("lh", a.clock);
    ASSERT_TRUE(found) << r->id;
    EXPECT_EQ(found->count, 1u) << r->id;
    EXPECT_TRUE(r->ks.get_field("lh", *found, "new")) << r->id;
    EXPECT_FALSE(r->ks.get_field("lh", *found, "old")) << r->id;
    EXPECT_TRUE(r->counts_agree()) << r->id;
  }
  EXPECT_EQ(a.state(), b.state());
}

// Seed 5736, for one element of an lww list (or field of an lww hash): an
// image taken before the element was popped, delivered late, must not bring
// it back once the pop's removal has been purged.
TEST(Deltas, AnOldImageDoesNotBringBackAFieldRemovedAndPurged) {
  Replica a(1), b(2);
  b.apply(*a.command([](Keyspace& ks, int64_t now) { hset(ks, now, "lh", "f", "1"); }));
  b.apply(*a.command([](Keyspace& ks, int64_t now) { hset(ks, now, "lh", "g", "2"); }));
  Replica stale(3);
  merge_state(b, stale);  // b's image, with f, delivered late
  b.apply(*a.command(
      [](Keyspace& ks, int64_t now) { remove_fields(ks, now, "lh", ValueType::kHash, {"f"}); }));
  VersionVector all;
  all.set(1, a.ks.sequence());
  a.ks.purge_tombstones(all, 10);
  const std::string after_purge = a.state();
  merge_state(stale, a);  // everything in it was applied here, then f removed
  EXPECT_EQ(a.state(), after_purge);
  auto rec = a.ks.find("lh", a.clock);
  ASSERT_TRUE(rec);
  EXPECT_FALSE(a.ks.get_field("lh", *rec, "f"));
  EXPECT_EQ(rec->count, 1u);
}

TEST(Deltas, ASetMemberCostsItsBytesNotTheSetsSize) {
  Replica r(1);
  std::optional<LogRecord> last;
  for (int i = 0; i < 2000; ++i) {
    last = r.command([&](Keyspace& ks, int64_t now) {
      sadd(ks, now, "likers", {"user:" + std::to_string(100000 + i) + "-abcdefgh"});
    });
  }
  ASSERT_TRUE(last);
  // One 20-byte member: the record carries it, the key and the dot.
  EXPECT_LT(last->encode().size(), 80u) << last->encode().size();
  EXPECT_EQ(last->keys.size(), 1u);
  EXPECT_EQ(last->keys[0].fields.size(), 1u);
}

TEST(Deltas, DeleteOfABigSetIsOneSmallRecordAndConcurrentAddsSurvive) {
  Replica a(1), b(2);
  std::vector<LogRecord> from_a;
  for (int i = 0; i < 50; ++i) {
    std::vector<std::string> ms;
    for (int j = 0; j < 100; ++j) ms.push_back("m" + std::to_string(i * 100 + j));
    from_a.push_back(*a.command([&](Keyspace& ks, int64_t now) { sadd(ks, now, "big", ms); }));
  }
  for (const auto& rec : from_a) b.apply(rec);
  // b deletes the 5,000 members it has seen while a adds one more.
  auto d = b.command([&](Keyspace& ks, int64_t now) { del(ks, now, "big"); });
  auto add = a.command([&](Keyspace& ks, int64_t now) { sadd(ks, now, "big", {"late"}); });
  ASSERT_TRUE(d && add);
  EXPECT_LT(d->encode().size(), 64u);
  a.apply(*d);
  b.apply(*add);
  EXPECT_EQ(a.state(), b.state());
  auto rec = a.ks.find("big", a.clock);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->count, 1u);  // the concurrent add, nothing it had not seen
  EXPECT_TRUE(a.ks.get_field("big", *rec, "late"));
  EXPECT_TRUE(a.counts_agree() && b.counts_agree());
}

TEST(Deltas, ADeleteRemovesOnlyTheCounterIncrementsItSaw) {
  Replica a(1), b(2);
  std::vector<LogRecord> to_b;
  for (int i = 0; i < 5; ++i) {
    to_b.push_back(
        *a.command([&](Keyspace& ks, int64_t now) { hincrby(ks, now, "cart", "apple", 1); }));
  }
  for (const auto& rec : to_b) b.apply(rec);
  // b deletes the cart (5 apples seen); a, concurrently, adds 2 more.
  auto d = b.command([&](Keyspace& ks, int64_t now) { del(ks, now, "cart"); });
  auto more = a.command([&](Keyspace& ks, int64_t now) { hincrby(ks, now, "cart", "apple", 2); });
  a.apply(*d);
  b.apply(*more);
  for (Replica* r : {&a, &b}) {
    auto rec = r->ks.find("cart", r->clock);
    ASSERT_TRUE(rec);
    auto f = r->ks.get_field("cart", *rec, "apple");
    ASSERT_TRUE(f);
    EXPECT_EQ(f->value, "2");
  }
  EXPECT_EQ(a.state(), b.state());
}

// A register raised concurrently in two regions reads as the higher raise
// everywhere, under every policy: a later, lower raise must not win as the
// latest write would (ly*: lww, y*: crdt).
TEST(Deltas, ConcurrentRaisesOfARegisterKeepTheHighestUnderEveryPolicy) {
  for (std::string key : {"ly", "y"}) {
    Replica a(1), b(2);
    auto raise = [&](Replica& r, uint8_t rank) {
      return r.command([&](Keyspace& ks, int64_t now) {
        auto old = ks.find(key, now);
        hll::raise_registers(ks, key, old ? &*old : nullptr, {{7, rank}}, now);
      });
    };
    auto high = raise(a, 5);
    b.clock += 100;  // b's lower raise is the later write
    auto low = raise(b, 3);
    a.apply(*low);
    b.apply(*high);
    for (Replica* r : {&a, &b}) {
      auto rec = r->ks.find(key, r->clock);
      ASSERT_TRUE(rec) << key;
      auto f = r->ks.get_field(key, *rec, hll::register_name(7));
      ASSERT_TRUE(f) << key;
      EXPECT_EQ(hll::rank_of(f->value), 5) << key << " in " << r->id;
      EXPECT_EQ(rec->count, 1u) << key;
    }
    EXPECT_EQ(a.state(), b.state()) << key;
  }
}

}  // namespace
TEST(Deltas, TheUnitFlagTravelsWithTheRecordAndApartFromFlushes) {
  for (bool clear : {false, true}) {
    for (bool more : {false, true}) {
      LogRecord rec;
      rec.origin = 2;
      rec.seq = 7;
      rec.deps.set(1, 3);
      rec.clear = clear;
      rec.more = more;
      std::string bytes = rec.encode();
      LogRecord back;
      ASSERT_TRUE(back.decode(bytes));
      EXPECT_EQ(back.clear, clear);
      EXPECT_EQ(back.more, more);
      EXPECT_EQ(record_continues(bytes), more);
    }
  }
  EXPECT_FALSE(record_continues("garbage"));
}

}  // namespace meridian
