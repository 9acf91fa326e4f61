// Keyspace, multi-region part: keys that merge by policy (crdt, fww,
// siblings, region-priority) keep a crdt::Cell per string value, hash field
// and set member, plus one for the key's expiry, and merge other regions'
// images cell by cell. Keys under lww keep whole-key last-writer-wins
// (keyspace.cc). See core/crdt/cell.h for the merge rules.
#include <algorithm>

#include "core/data/coding.h"
#include "core/data/keyspace.h"

namespace meridian {
namespace {

// A string key's cells, in KeyRecord::ext.
struct KeyCells {
  crdt::Cell value;
  crdt::Cell expiry;  // kExpire entries: be64 expire-at (0: persist)
};

constexpr size_t kFeedValueBytes = 256;

std::string be64(int64_t v) {
  std::string out;
  coding::put_fixed64_be(out, static_cast<uint64_t>(v));
  return out;
}

int64_t from_be64(std::string_view s) {
  uint64_t v = 0;
  coding::get_fixed64_be(s, &v);
  return static_cast<int64_t>(v);
}

KeyCells cells_of(const KeyRecord& rec) {
  KeyCells c;
  std::string_view in = rec.ext;
  if (!in.empty() && c.value.decode(in) && c.expiry.decode(in)) return c;
  c = KeyCells{};
  // Written before merging was on: its one version becomes an entry.
  if (rec.type == ValueType::kString && !(rec.flags & KeyRecord::kFlagTombstone)) {
    uint64_t seq = std::max<uint64_t>(1, rec.vv.get(rec.origin));
    c.value.entries.push_back({rec.origin, seq, rec.hlc, crdt::Entry::kValue, rec.payload});
  }
  return c;
}

void store_cells(KeyRecord& rec, const KeyCells& c) {
  rec.ext.clear();
  c.value.encode(rec.ext);
  c.expiry.encode(rec.ext);
}

crdt::Cell cell_of(const FieldRecord& f) {
  crdt::Cell c;
  std::string_view in = f.cell;
  if (!in.empty() && c.decode(in)) return c;
  c = crdt::Cell{};
  if (!f.tombstone()) {
    c.entries.push_back(
        {f.origin, std::max<uint64_t>(1, f.seq), f.hlc, crdt::Entry::kValue, f.value});
  }
  return c;
}

// The expiry a key's expiry cell resolves to: concurrent EXPIREs keep the
// longest TTL, and a concurrent PERSIST (0) beats any TTL.
int64_t resolve_expiry(const crdt::Cell& c) {
  int64_t best = -1;
  for (const auto& e : c.entries) {
    int64_t at = from_be64(e.value);
    if (at == 0) return 0;
    best = std::max(best, at);
  }
  return best < 0 ? 0 : best;
}

bool newer_field(const FieldRecord& a, const FieldRecord& b) {
  return a.hlc != b.hlc ? a.hlc > b.hlc : a.origin > b.origin;
}

size_t value_entries(const crdt::Cell& c) {
  return static_cast<size_t>(std::count_if(c.entries.begin(), c.entries.end(), [](const auto& e) {
    return e.kind == crdt::Entry::kValue;
  }));
}

}  // namespace

crdt::Resolver Keyspace::resolver(std::string_view key) const {
  return resolvers_ ? resolvers_(key) : crdt::Resolver{};
}

bool Keyspace::merges(std::string_view key) const {
  return merging() && resolver(key).policy != crdt::Policy::kLww;
}

std::vector<crdt::Entry> Keyspace::values(const KeyRecord& rec) const {
  std::vector<crdt::Entry> out;
  for (auto& e : cells_of(rec).value.entries)
    if (e.kind == crdt::Entry::kValue) out.push_back(std::move(e));
  return out;
}

void Keyspace::report(const std::string& key, crdt::Policy policy, const crdt::Entry& winner,
                      const crdt::Entry& loser, const char* reason) {
  if (!on_conflict) return;
  crdt::ConflictEvent ev;
  ev.key = key;
  ev.policy = policy;
  ev.winner = {winner.origin, winner.hlc, false, winner.value.substr(0, kFeedValueBytes)};
  ev.discarded = {loser.origin, loser.hlc, false, loser.value.substr(0, kFeedValueBytes)};
  ev.reason = reason;
  on_conflict(ev);
}

void Keyspace::merge_write(std::string_view key, KeyRecord& rec, const KeyRecord* old, Stamp s) {
  KeyRecord tomb;
  const KeyRecord* base = old;
  if (base == nullptr) {
    const auto& prev = read_record(key);
    if (prev) {
      tomb = *prev;
      base = &tomb;
    }
  }
  KeyCells c = base ? cells_of(*base) : KeyCells{};
  if (rec.type == ValueType::kString) {
    if (pending_increment_) {
      c.value.increment(region_, s.seq, s.hlc, *pending_increment_);
    } else if (pending_context_) {
      c.value.assign_over(region_, s.seq, s.hlc, rec.payload, *pending_context_);
    } else if (old == nullptr || old->type != ValueType::kString || old->payload != rec.payload) {
      c.value.assign(region_, s.seq, s.hlc, rec.payload);
    }
    auto v = crdt::resolved_value(c.value, resolver(key));
    if (v) rec.payload = std::move(*v);
  } else {
    c.value = crdt::Cell{};
  }
  int64_t before = old ? old->expire_at_ms : 0;
  if (rec.expire_at_ms != before) {
    c.expiry.assign(region_, s.seq, s.hlc, be64(rec.expire_at_ms));
  } else if (old == nullptr) {
    c.expiry = crdt::Cell{};  // a new key starts without expiry history
  }
  store_cells(rec, c);
  tombstones_.erase(std::string(key));
}

void Keyspace::merge_erase(std::string_view key, const KeyRecord& old, Stamp s) {
  KeyCells c = cells_of(old);
  c.value.remove();
  c.expiry.remove();
  if (old.expire_at_ms != 0) {
    storage_.del(Column::kExpiry, layout::expiry_key(old.expire_at_ms, key));
    --expires_;
  }
  if (old.type == ValueType::kHash) {
    // Counter fields keep their history (so a concurrent HINCRBY elsewhere
    // adds to zero, not to the old total); the rest go.
    for (auto& [name, f] : raw_fields(key, old.generation)) {
      std::string fk = layout::field_key(key, old.generation, name);
      crdt::Cell cell = cell_of(f);
      cell.remove();
      if (cell.empty()) {
        storage_.del(Column::kFields, fk);
        fields_cache_.put(fk, std::nullopt);
        continue;
      }
      f.flags = FieldRecord::kFlagTombstone;
      f.cell.clear();
      cell.encode(f.cell);
      f.value.clear();
      storage_.put(Column::kFields, fk, f.encode());
      fields_cache_.put(fk, f);
    }
  } else if (old.is_collection()) {
    drop_fields(key, old);
  }
  --keys_;
  meta_dirty_ = true;
  KeyRecord tomb;
  tomb.type = old.type;
  tomb.flags = KeyRecord::kFlagTombstone;
  tomb.generation = old.generation;
  tomb.hlc = s.hlc;
  tomb.origin = region_;
  tomb.vv = old.vv;
  tomb.vv.set(region_, s.seq);
  store_cells(tomb, c);
  put_record(key, tomb);
  tombstones_.insert(std::string(key));
}

void Keyspace::merge_put_field(std::string_view key, const KeyRecord& rec, std::string_view field,
                               std::string_view value, Stamp s) {
  std::string fk = layout::field_key(key, rec.generation, field);
  const auto& cur = read_field(fk);
  crdt::Cell cell = cur ? cell_of(*cur) : crdt::Cell{};
  if (pending_increment_) {
    cell.increment(region_, s.seq, s.hlc, *pending_increment_);
    pending_increment_.reset();
  } else {
    cell.assign(region_, s.seq, s.hlc, std::string(value));
  }
  FieldRecord f;
  f.hlc = s.hlc;
  f.origin = region_;
  f.seq = s.seq;
  cell.encode(f.cell);
  f.value = crdt::resolved_value(cell, resolver(key)).value_or(std::string(value));
  storage_.put(Column::kFields, fk, f.encode());
  fields_cache_.put(fk, std::move(f));
}

void Keyspace::merge_del_field(std::string_view key, const KeyRecord& rec, std::string_view field) {
  std::string fk = layout::field_key(key, rec.generation, field);
  const auto& cur = read_field(fk);
  if (!cur) return;
  crdt::Cell cell = cell_of(*cur);
  cell.remove();
  if (cell.empty()) {
    storage_.del(Column::kFields, fk);
    fields_cache_.put(fk, std::nullopt);
    return;
  }
  FieldRecord f = *cur;
  f.flags = FieldRecord::kFlagTombstone;
  f.cell.clear();
  cell.encode(f.cell);
  f.value.clear();
  storage_.put(Column::kFields, fk, f.encode());
  fields_cache_.put(fk, std::move(f));
}

void Keyspace::merge_image(KeyImage& img) {
  img.rec.vv.merge(applied_());  // everything this region has seen
  if (!img.rec.is_collection()) return;
  img.fields = raw_fields(img.key, img.rec.generation);
  for (auto& [name, f] : img.fields) {
    if (f.cell.empty()) cell_of(f).encode(f.cell);  // written before merging was on
  }
}

std::vector<std::pair<std::string, FieldRecord>> Keyspace::raw_fields(std::string_view key,
                                                                      uint64_t generation) {
  std::vector<std::pair<std::string, FieldRecord>> out;
  std::string prefix = layout::field_prefix(key, generation);
  auto it = storage_.iterate(Column::kFields);
  FieldRecord f;
  for (it->seek(prefix); it->valid(); it->next()) {
    if (it->key().substr(0, prefix.size()) != prefix) break;
    if (f.decode(it->value())) out.emplace_back(std::string(it->key().substr(prefix.size())), f);
  }
  return out;
}

bool Keyspace::merge_apply(const KeyImage& img) {
  if (img.rec.hlc != Hlc{} && img.rec.hlc <= clear_before_) return false;
  const std::optional<KeyRecord> cur = read_record(img.key);
  const crdt::Resolver res = resolver(img.key);
  VersionVector mine = applied_();
  if (cur) mine.merge(cur->vv);
  const VersionVector& theirs = img.rec.vv;

  const bool local_live = cur && !(cur->flags & KeyRecord::kFlagTombstone);
  const bool in_live = img.rec.type != ValueType::kNone && !img.tombstone();
  ValueType type =
      local_live ? cur->type : (cur && cur->type != ValueType::kNone ? cur->type : img.rec.type);
  bool replace_local = false;
  if (local_live && in_live && cur->type != img.rec.type) {
    // A string here, a set there: the later write's type wins whole.
    crdt::Entry a{img.rec.origin, img.rec.vv.get(img.rec.origin), img.rec.hlc, crdt::Entry::kValue,
                  type_name(img.rec.type)};
    crdt::Entry b{cur->origin, cur->vv.get(cur->origin), cur->hlc, crdt::Entry::kValue,
                  type_name(cur->type)};
    if (!newer(img.rec, *cur)) {
      report(img.key, res.policy, b, a, "type conflict");
      return false;
    }
    report(img.key, res.policy, a, b, "type conflict");
    replace_local = true;
    type = img.rec.type;
  } else if (!local_live && in_live) {
    type = img.rec.type;
  }
  if (type == ValueType::kNone) return false;  // neither side has anything

  KeyRecord rec;
  rec.type = type;
  rec.vv = cur ? cur->vv : VersionVector{};
  rec.vv.merge(theirs);
  const bool in_newer = !cur || newer(img.rec, *cur);
  rec.hlc = in_newer ? img.rec.hlc : cur->hlc;
  rec.origin = in_newer ? img.rec.origin : cur->origin;
  hlc_.observe(img.rec.hlc);
  meta_dirty_ = true;

  // The local state to merge into (nothing when replaced or of another type).
  const bool use_local = cur && !replace_local && cur->type == type;
  if (local_live) {
    if (cur->expire_at_ms != 0) {
      storage_.del(Column::kExpiry, layout::expiry_key(cur->expire_at_ms, img.key));
      --expires_;
    }
    --keys_;
  }
  if (cur && !use_local && cur->is_collection() && cur->generation != 0) drop_fields(img.key, *cur);
  KeyCells lc = use_local ? cells_of(*cur) : KeyCells{};
  KeyCells ic = (img.rec.type == type) ? cells_of(img.rec) : KeyCells{};
  crdt::join(lc.expiry, mine, ic.expiry, theirs);
  bool present = false;
  if (type == ValueType::kString) {
    std::vector<crdt::Entry> before = lc.value.entries;
    crdt::join(lc.value, mine, ic.value, theirs);
    if (res.policy == crdt::Policy::kSiblings) {
      // Past the cap the oldest values go, the same ones in every region.
      while (value_entries(lc.value) > res.max_siblings) {
        auto oldest = lc.value.entries.end();
        for (auto it = lc.value.entries.begin(); it != lc.value.entries.end(); ++it) {
          if (it->kind == crdt::Entry::kValue &&
              (oldest == lc.value.entries.end() || oldest->later_than(*it))) {
            oldest = it;
          }
        }
        const crdt::Entry* w = res.winner(lc.value.entries);
        if (w != nullptr) report(img.key, res.policy, *w, *oldest, "sibling cap");
        ++siblings_dropped_;
        lc.value.entries.erase(oldest);
      }
    } else if (value_entries(lc.value) > 1 && lc.value.entries != before) {
      const crdt::Entry* w = res.winner(lc.value.entries);
      auto is_new = [&](const crdt::Entry& e) {
        return std::none_of(before.begin(), before.end(),
                            [&](const crdt::Entry& b) { return b.same_dot(e); });
      };
      // Each loser is reported once: when it arrives, or when a new winner does.
      const bool winner_new = w != nullptr && is_new(*w);
      for (const auto& e : lc.value.entries) {
        if (e.kind == crdt::Entry::kValue && w != nullptr && !e.same_dot(*w) &&
            (winner_new || is_new(e))) {
          report(img.key, res.policy, *w, e, "concurrent write");
        }
      }
    }
    present = lc.value.present();
    if (present) rec.payload = crdt::resolved_value(lc.value, res).value_or("");
    rec.generation = 0;
  } else {
    // Collections: merge field by field (both sides are sorted by name).
    uint64_t generation = use_local && cur->generation != 0 ? cur->generation : ++generation_;
    std::vector<std::pair<std::string, FieldRecord>> local;
    if (use_local) local = raw_fields(img.key, cur->generation);
    const auto& remote =
        img.rec.type == type ? img.fields : std::vector<std::pair<std::string, FieldRecord>>{};
    uint64_t count = 0;
    auto a = local.begin();
    auto b = remote.begin();
    while (a != local.end() || b != remote.end()) {
      const std::string* name;
      crdt::Cell cell, other;
      const FieldRecord* meta = nullptr;
      bool had_local = false;
      if (b == remote.end() || (a != local.end() && a->first < b->first)) {
        name = &a->first;
        cell = cell_of(a->second);
        meta = &a->second;
        had_local = true;
        ++a;
      } else if (a == local.end() || b->first < a->first) {
        name = &b->first;
        other = cell_of(b->second);
        meta = &b->second;
        ++b;
      } else {
        name = &a->first;
        cell = cell_of(a->second);
        other = cell_of(b->second);
        meta = newer_field(b->second, a->second) ? &b->second : &a->second;
        had_local = true;
        ++a;
        ++b;
      }
      crdt::join(cell, mine, other, theirs);
      std::string fk = layout::field_key(img.key, generation, *name);
      if (cell.empty()) {
        if (had_local) {
          storage_.del(Column::kFields, fk);
          fields_cache_.put(fk, std::nullopt);
        }
        continue;
      }
      FieldRecord f;
      f.hlc = meta->hlc;
      f.origin = meta->origin;
      f.seq = meta->seq;
      f.flags = cell.present() ? 0 : FieldRecord::kFlagTombstone;
      cell.encode(f.cell);
      if (cell.present()) {
        f.value = crdt::resolved_value(cell, res).value_or("");
        ++count;
      }
      storage_.put(Column::kFields, fk, f.encode());
      fields_cache_.put(fk, std::move(f));
    }
    rec.generation = generation;
    rec.count = count;
    present = count > 0;
  }
  if (present) {
    rec.expire_at_ms = resolve_expiry(lc.expiry);
    if (rec.expire_at_ms != 0) {
      storage_.put(Column::kExpiry, layout::expiry_key(rec.expire_at_ms, img.key), {});
      ++expires_;
    }
    ++keys_;
    tombstones_.erase(img.key);
  } else {
    rec.flags = KeyRecord::kFlagTombstone;
    rec.payload.clear();
    rec.count = 0;
    tombstones_.insert(img.key);
  }
  store_cells(rec, lc);
  put_record(img.key, rec);
  return true;
}

bool Keyspace::has_counter_fields(std::string_view key, const KeyRecord& rec) {
  auto fields = raw_fields(key, rec.generation);
  return std::any_of(fields.begin(), fields.end(),
                     [](const auto& f) { return cell_of(f.second).has_counter(); });
}

size_t Keyspace::tombstone_count() {
  if (!keep_tombstones_) return 0;  // a single region deletes outright
  if (!tombstones_loaded_) {
    tombstones_loaded_ = true;
    for_each_record([&](std::string_view k, const KeyRecord& rec) {
      if (rec.flags & KeyRecord::kFlagTombstone) tombstones_.emplace(k);
    });
  }
  return tombstones_.size();
}

size_t Keyspace::purge_tombstones(const VersionVector& stable, size_t budget) {
  tombstone_count();  // loads the set on first use
  std::vector<std::string> done;
  size_t purged = 0;
  for (const auto& k : tombstones_) {
    if (done.size() >= budget) break;
    const auto& rec = read_record(k);
    if (!rec || !(rec->flags & KeyRecord::kFlagTombstone)) {
      done.push_back(k);
      continue;
    }
    if (!stable.dominates(rec->vv)) continue;
    KeyRecord tomb = *rec;
    // A deleted counter keeps its per-region totals: were they forgotten
    // here while another region still held them, this region's next
    // increments would restart below those totals and be lost in the max.
    // So counters keep one small tombstone per name, never more.
    if (!tomb.ext.empty() && cells_of(tomb).value.has_counter()) continue;
    if (tomb.type == ValueType::kHash && has_counter_fields(k, tomb)) continue;
    if (on_purge) on_purge(k, tomb);
    if (tomb.generation != 0) drop_fields(k, tomb);
    storage_.del(Column::kKeys, k);
    keys_cache_.put(k, std::nullopt);
    done.push_back(k);
    ++purged;
  }
  for (const auto& k : done) tombstones_.erase(k);
  purged_total_ += purged;
  return purged;
}

}  // namespace meridian
