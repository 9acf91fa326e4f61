#include "core/data/keyspace.h"

#include <algorithm>
#include <vector>

#include "core/base/coding.h"
#include "core/data/zset_score.h"

namespace meridian {
namespace {

constexpr std::string_view kMetaState = "region-state";

// Collects keys to delete after an iteration (no writes while iterating).
struct PendingErase {
  std::string key;
  KeyRecord rec;
};

}  // namespace

void Keyspace::load() {
  auto v = storage_.get(Column::kMeta, kMetaState);
  if (!v) return;
  std::string_view in = *v;
  uint64_t hlc = 0, clear = 0;
  if (!coding::get_varint(in, &seq_) || !coding::get_fixed64_be(in, &hlc) ||
      !coding::get_varint(in, &keys_) || !coding::get_varint(in, &expires_)) {
    return;
  }
  hlc_.observe(Hlc{hlc});
  // Added with replication; data written before has neither (generations
  // then came from the sequence, so continuing from it keeps them unique).
  if (coding::get_varint(in, &generation_) && coding::get_fixed64_be(in, &clear)) {
    // Before FLUSHALLs were kept per origin, one mark voided every key.
    clears_.all = Hlc{clear};
    if (!clears_.by_origin.decode(in)) clears_.by_origin = VersionVector{};
  } else {
    generation_ = seq_;
  }
}

void Keyspace::flush_meta() {
  scores_.flush();
  if (!meta_dirty_) return;
  std::string v;
  coding::put_varint(v, seq_);
  coding::put_fixed64_be(v, hlc_.last().packed);
  coding::put_varint(v, keys_);
  coding::put_varint(v, expires_);
  coding::put_varint(v, generation_);
  clears_.encode(v);
  storage_.put(Column::kMeta, kMetaState, v);
  meta_dirty_ = false;
}

Keyspace::Stamp Keyspace::stamp(int64_t now_ms) {
  // One dot per command: every write of the command shares it.
  if (cmd_.seq == 0) {
    meta_dirty_ = true;
    cmd_.hlc = hlc_.tick(now_ms);
    cmd_.seq = ++seq_;
  }
  return Stamp{cmd_.hlc, cmd_.seq};
}

void Keyspace::note_event(char cls, std::string_view event, std::string_view key) {
  if (on_event) on_event(cls, event, key);
  if (merging()) delta_for(key).events.push_back(cls + std::string(event));
}

void Keyspace::touch(std::string_view key) {
  for (const auto& k : cmd_.keys)
    if (k == key) return;
  cmd_.keys.emplace_back(key);
  if (on_change) on_change(key);
}

const std::optional<KeyRecord>& Keyspace::read_record(std::string_view key) {
  if (const auto* cached = keys_cache_.get(key)) return *cached;
  auto raw = storage_.get(Column::kKeys, key);
  KeyRecord rec;
  if (!raw || !rec.decode(*raw)) return keys_cache_.put(key, {}, std::nullopt);
  return keys_cache_.put(key, *raw, std::move(rec));
}

const std::optional<FieldRecord>& Keyspace::read_field(const std::string& field_key) {
  // Fields are cached when read and found, and kept current by writes;
  // absences are not cached, and writes add entries only while the cache
  // has room: a bulk load of new members (read absent, then written once)
  // must not churn it.
  if (const auto* cached = fields_cache_.get(field_key)) return *cached;
  // A name the generation's filter has never seen: surely absent.
  uint64_t generation = 0;
  std::string_view name;
  if (layout::parse_field_key(field_key, &generation, &name) &&
      !filters_.may_contain(generation, name)) {
    return fields_cache_.hold(field_key, std::nullopt);
  }
  auto raw = storage_.get(Column::kFields, field_key);
  FieldRecord f;
  if (!raw || !f.decode(*raw)) return fields_cache_.hold(field_key, std::nullopt);
  return fields_cache_.put(field_key, *raw, std::move(f));
}

const KeyRecord* Keyspace::peek(std::string_view key, int64_t now_ms) {
  const auto& rec = read_record(key);
  if (!rec || (rec->flags & KeyRecord::kFlagTombstone)) return nullptr;
  if (rec->expire_at_ms != 0 && rec->expire_at_ms <= now_ms) {
    KeyRecord expired = *rec;  // removal replaces the cached entry
    remove_expired(key, expired);
    return nullptr;
  }
  return &*rec;
}

std::optional<KeyRecord> Keyspace::find(std::string_view key, int64_t now_ms) {
  const KeyRecord* rec = peek(key, now_ms);
  if (rec == nullptr) return std::nullopt;
  return *rec;
}

void Keyspace::remove_expired(std::string_view key, const KeyRecord& rec) {
  if (expiry_held_) return;
  if (merging()) {
    // Every region that sees the key expire deletes what it has seen, as a
    // replicated write (a concurrent update elsewhere survives under the
    // merging policies; under lww the later write wins). While a resync is
    // joined in nothing writes: the key reads as gone until then.
    if (frozen_) return;
    ++expired_total_;
    meta_dirty_ = true;
    Stamp s = stamp(rec.expire_at_ms);
    touch(key);
    rerase(key, s, /*prior=*/true);
    note_event('x', "expired", key);
    return;
  }
  ++expired_total_;
  meta_dirty_ = true;
  release(key, rec);
  --keys_;
  storage_.del(Column::kKeys, key);
  keys_cache_.put(key, {}, std::nullopt);
  if (on_event) on_event('x', "expired", key);
}

KeyRecord Keyspace::new_collection(ValueType type, std::string_view key) {
  KeyRecord rec;
  rec.type = type;
  if (merging() && !key.empty()) {
    // A deleted key lends its generation: counter fields keep their history.
    const auto& prev = read_record(key);
    if (prev && prev->generation != 0) {
      rec.generation = prev->generation;
      return rec;
    }
  }
  // A generation never used before, so fields of an older incarnation of the
  // same key (deleted lazily) can never be read as this one's.
  rec.generation = fresh_generation();
  return rec;
}

void Keyspace::put_record(std::string_view key, const KeyRecord& rec) {
  std::string encoded = rec.encode();
  storage_.put(Column::kKeys, key, encoded);
  keys_cache_.put(key, encoded, rec);
}

void Keyspace::release(std::string_view key, const KeyRecord& rec) {
  if (rec.flags & KeyRecord::kFlagTombstone) return;
  if (rec.is_collection()) drop_fields(key, rec);
  if (rec.expire_at_ms != 0) {
    storage_.del(Column::kExpiry, layout::expiry_key(rec.expire_at_ms, key));
    --expires_;
  }
}

void Keyspace::write(std::string_view key, KeyRecord& rec, const KeyRecord* old, int64_t now_ms) {
  Stamp s = stamp(now_ms);
  touch(key);
  if (merging()) {
    rwrite(key, rec, old, s);
  } else {
    rec.hlc = s.hlc;
    rec.origin = region_;
    if (old != nullptr && &rec != old) rec.vv.merge(old->vv);
    rec.vv.set(region_, s.seq);
    if (old == nullptr) {
      ++keys_;
    } else {
      if (old->is_collection() && !(rec.type == old->type && rec.generation == old->generation)) {
        drop_fields(key, *old);
      }
      if (old->expire_at_ms != 0 && old->expire_at_ms != rec.expire_at_ms) {
        storage_.del(Column::kExpiry, layout::expiry_key(old->expire_at_ms, key));
        --expires_;
      }
    }
    if (rec.expire_at_ms != 0 && (old == nullptr || old->expire_at_ms != rec.expire_at_ms)) {
      storage_.put(Column::kExpiry, layout::expiry_key(rec.expire_at_ms, key), {});
      ++expires_;
    }
    put_record(key, rec);
  }
  pending_increment_.reset();
  pending_context_.reset();
}

void Keyspace::erase(std::string_view key, const KeyRecord& old, int64_t now_ms, bool rewritten) {
  Stamp s = stamp(now_ms);
  touch(key);
  if (merging()) return rerase(key, s, rewritten);
  release(key, old);
  --keys_;
  storage_.del(Column::kKeys, key);
  keys_cache_.put(key, {}, std::nullopt);
}

uint64_t Keyspace::fresh_generation() {
  meta_dirty_ = true;
  filters_.start(++generation_);
  return generation_;
}

void Keyspace::drop_fields(std::string_view key, const KeyRecord& rec) {
  filters_.drop(rec.generation);
  std::string prefix = layout::field_prefix(key, rec.generation);
  end_hints_.erase(prefix);
  storage_.del_range(Column::kFields, prefix, layout::prefix_end(prefix));
  // In a cluster a generation may hold members of a type that lost to
  // another (a concurrent ZADD and HSET): its index goes too.
  if (rec.type == ValueType::kZSet || merging()) scores_.drop(prefix);
}

std::optional<double> Keyspace::indexed_score(std::string_view key, const FieldRecord& f,
                                              ValueType local_type) const {
  if (f.tombstone()) return std::nullopt;
  if (f.has_cell()) {
    if (f.type != ValueType::kZSet) return std::nullopt;
    return zset::cell_score(f.cell, resolver(key));
  }
  if (local_type != ValueType::kZSet) return std::nullopt;
  return zset::parse_score(f.value);
}

void Keyspace::reindex(const std::string& fk, const FieldRecord* old, const FieldRecord* now,
                       ValueType local_type) {
  uint64_t generation = 0;
  std::string_view name, key;
  if (!layout::parse_field_key(fk, &generation, &name, &key)) return;
  auto was = old ? indexed_score(key, *old, local_type) : std::nullopt;
  auto is = now ? indexed_score(key, *now, local_type) : std::nullopt;
  if (was == is || (was && is && *was == *is)) return;
  std::string_view prefix(fk.data(), fk.size() - name.size());
  if (was) scores_.remove(prefix, *was, name);
  if (is) scores_.add(prefix, *is, name);
}

void Keyspace::put_field_record(const std::string& fk, FieldRecord f, ValueType local_type) {
  uint64_t generation = 0;
  std::string_view name;
  if (layout::parse_field_key(fk, &generation, &name)) {
    filters_.add(generation, name);
    if (!end_hints_.empty()) {
      auto it = end_hints_.find(fk.substr(0, fk.size() - name.size()));
      if (it != end_hints_.end()) {
        EndHints& h = it->second;
        // A field that is not plainly live (a tombstone, a cell) at or past
        // an exact end leaves only a hint there.
        const bool live = !f.tombstone() && !f.has_cell();
        if (h.head && name <= *h.head) {
          h.head->assign(name);
          h.head_exact = h.head_exact && live;
        }
        if (h.tail && name >= *h.tail) {
          h.tail->assign(name);
          h.tail_exact = h.tail_exact && live;
        }
      }
    }
  }
  if (f.has_cell() ? merging() : local_type == ValueType::kZSet) {
    const auto& old = read_field(fk);
    reindex(fk, old ? &*old : nullptr, &f, local_type);
  }
  std::string encoded = f.encode();
  storage_.put(Column::kFields, fk, encoded);
  fields_cache_.update(fk, encoded, std::move(f));
}

void Keyspace::del_field_record(const std::string& fk, ValueType local_type) {
  uint64_t generation = 0;
  std::string_view name;
  if (!end_hints_.empty() && layout::parse_field_key(fk, &generation, &name)) {
    auto it = end_hints_.find(fk.substr(0, fk.size() - name.size()));
    if (it != end_hints_.end()) {
      // The end goes: what is next is known only by reading on from it.
      if (it->second.head == name) it->second.head_exact = false;
      if (it->second.tail == name) it->second.tail_exact = false;
    }
  }
  if (merging() || local_type == ValueType::kZSet) {
    const auto& old = read_field(fk);
    if (old) reindex(fk, &*old, nullptr, local_type);
  }
  storage_.del(Column::kFields, fk);
  fields_cache_.update(fk, {}, std::nullopt);
}

std::optional<FieldRecord> Keyspace::get_field(std::string_view key, const KeyRecord& rec,
                                               std::string_view field) {
  if (merging()) return rget_field(key, rec, field);
  const auto& f = read_field(layout::field_key(key, rec.generation, field));
  if (f && f->has_cell()) return rget_field(key, rec, field);  // written in a cluster
  if (f && f->tombstone()) return std::nullopt;
  return f;
}

void Keyspace::put_field(std::string_view key, const KeyRecord& rec, std::string_view field,
                         std::string_view value, int64_t now_ms) {
  Stamp s = stamp(now_ms);
  touch(key);
  if (merging()) {
    rput_field(key, rec, field, value, s);
  } else {
    FieldRecord f;
    f.hlc = s.hlc;
    f.origin = region_;
    f.seq = s.seq;
    f.value.assign(value);
    put_field_record(layout::field_key(key, rec.generation, field), std::move(f), rec.type);
  }
  pending_increment_.reset();
}

void Keyspace::del_field(std::string_view key, const KeyRecord& rec, std::string_view field,
                         int64_t now_ms) {
  Stamp s = stamp(now_ms);
  touch(key);
  if (merging()) return rdel_field(key, rec, field, s);
  del_field_record(layout::field_key(key, rec.generation, field), rec.type);
}

void Keyspace::for_each_field(std::string_view key, const KeyRecord& rec,
                              const std::function<bool(std::string_view, const FieldRecord&)>& fn,
                              std::string_view from) {
  visit_fields(key, rec, fn, from, false);
}

std::optional<std::string> Keyspace::end_field(std::string_view key, const KeyRecord& rec,
                                               bool tail) {
  if (!end_hints_.empty()) {
    auto it = end_hints_.find(layout::field_prefix(key, rec.generation));
    if (it != end_hints_.end() && (tail ? it->second.tail_exact : it->second.head_exact)) {
      return tail ? it->second.tail : it->second.head;
    }
  }
  std::optional<std::string> end;
  visit_fields(
      key, rec,
      [&](std::string_view name, const FieldRecord&) {
        end.emplace(name);
        return false;
      },
      {}, tail);
  return end;
}

void Keyspace::for_each_field_reverse(
    std::string_view key, const KeyRecord& rec,
    const std::function<bool(std::string_view, const FieldRecord&)>& fn, std::string_view from) {
  visit_fields(key, rec, fn, from, true);
}

void Keyspace::visit_fields(std::string_view key, const KeyRecord& rec,
                            const std::function<bool(std::string_view, const FieldRecord&)>& fn,
                            std::string_view from, bool reverse) {
  // Multi-region fields resolve against the key's state (what deletes and
  // type changes voided since they were written).
  std::optional<KeyRecord> stored = read_record(key);
  if (!stored) return;
  // A read from an end starts at that end's hint, and leaves the first
  // live name it met as the new one.
  const bool from_end = from.empty();
  std::string prefix;
  std::optional<std::string> hint;
  if (from_end) {
    prefix = layout::field_prefix(key, rec.generation);
    auto it = end_hints_.find(prefix);
    if (it != end_hints_.end()) hint = reverse ? it->second.tail : it->second.head;
  }
  std::optional<std::string> first_live;
  for_each_stored_field(
      key, rec.generation,
      [&](std::string_view name, FieldRecord& f) {
        std::optional<FieldRecord> live;
        if (merging() || f.has_cell()) {
          live = live_field(key, stored->state, rec.type, f);
        } else if (!f.tombstone()) {
          live = std::move(f);
        }
        if (!live) return true;
        if (from_end && !first_live) first_live.emplace(name);
        return fn(name, *live);
      },
      hint ? std::string_view(*hint) : from, reverse);
  if (first_live) {
    if (end_hints_.size() >= kMaxEndHints && end_hints_.count(prefix) == 0) end_hints_.clear();
    auto& h = end_hints_[prefix];
    (reverse ? h.tail : h.head) = std::move(first_live);
    // Live and first from this end: the end itself, unless a cluster's key
    // state (what deletes voided) decides liveness too.
    (reverse ? h.tail_exact : h.head_exact) = !merging();
  }
}

namespace {

// A string between `a` and `b` (a <= b) at fraction r / 2^64 of the way,
// reading the 8 bytes after their common prefix as a number.
std::string between(std::string_view a, std::string_view b, uint64_t r) {
  size_t p = 0;
  while (p < a.size() && p < b.size() && a[p] == b[p]) ++p;
  auto number = [p](std::string_view s) {
    uint64_t v = 0;
    for (size_t i = 0; i < 8; ++i)
      v = (v << 8) | (p + i < s.size() ? static_cast<unsigned char>(s[p + i]) : 0);
    return v;
  };
  uint64_t lo = number(a), hi = number(b);
  uint64_t x = lo + static_cast<uint64_t>((static_cast<unsigned __int128>(hi - lo) * r) >> 64);
  std::string out(a.substr(0, p));
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((x >> (8 * i)) & 0xff));
  return out;
}

// The first and last stored keys of `column` under `prefix`, as a pick
// point between them with the prefix removed.
std::string pick_point(Storage& storage, Column column, const std::string& prefix, uint64_t r) {
  auto it = storage.iterate(column);
  it->seek(prefix);
  if (!it->valid() || it->key().substr(0, prefix.size()) != prefix) return {};
  std::string first(it->key().substr(prefix.size()));
  if (prefix.empty()) {
    it->seek_for_prev(std::string(1024, '\xff'));
  } else {
    std::string end = layout::prefix_end(prefix);
    it->seek_for_prev(end);
    if (it->valid() && it->key() == end) it->prev();
  }
  if (!it->valid()) return first;
  return between(first, it->key().substr(prefix.size()), r);
}

}  // namespace

std::string Keyspace::field_pick_point(std::string_view key, const KeyRecord& rec, uint64_t r) {
  return pick_point(storage_, Column::kFields, layout::field_prefix(key, rec.generation), r);
}

std::string Keyspace::key_pick_point(uint64_t r) {
  return pick_point(storage_, Column::kKeys, {}, r);
}

void Keyspace::for_each_stored_field(std::string_view key, uint64_t generation,
                                     const std::function<bool(std::string_view, FieldRecord&)>& fn,
                                     std::string_view from, bool reverse) {
  std::string prefix = layout::field_prefix(key, generation);
  // Bounded to the collection: a walk never steps over a neighbour's
  // deletions (list tails next to a key just deleted).
  auto it = storage_.iterate(Column::kFields, prefix, layout::prefix_end(prefix));
  FieldRecord f;
  if (reverse && !from.empty()) {
    it->seek_for_prev(prefix + std::string(from));
  } else if (reverse) {
    std::string end = layout::prefix_end(prefix);
    it->seek_for_prev(end);
    if (it->valid() && it->key() == end) it->prev();
  } else {
    it->seek(prefix + std::string(from));
  }
  for (; it->valid(); reverse ? it->prev() : it->next()) {
    std::string_view k = it->key();
    if (k.substr(0, prefix.size()) != prefix) break;
    if (!f.decode(it->value())) continue;
    if (!fn(k.substr(prefix.size()), f)) break;
  }
}

void Keyspace::for_each_key(std::string_view start, int64_t now_ms,
                            const std::function<bool(std::string_view, const KeyRecord&)>& fn) {
  std::vector<PendingErase> expired;
  {
    auto it = storage_.iterate(Column::kKeys);
    KeyRecord rec;
    for (it->seek(start); it->valid(); it->next()) {
      if (!rec.decode(it->value()) || (rec.flags & KeyRecord::kFlagTombstone)) continue;
      if (rec.expire_at_ms != 0 && rec.expire_at_ms <= now_ms) {
        expired.push_back({std::string(it->key()), rec});
        continue;
      }
      if (!fn(it->key(), rec)) break;
    }
  }
  for (const auto& e : expired) remove_expired(e.key, e.rec);
}

size_t Keyspace::expire_cycle(int64_t now_ms, size_t budget) {
  if ((merging() && frozen_) || expiry_held_) return 0;
  std::vector<std::pair<int64_t, std::string>> due;
  std::vector<std::string> stale_index;
  {
    auto it = storage_.iterate(Column::kExpiry);
    for (it->seek({}); it->valid() && due.size() < budget; it->next()) {
      int64_t at = 0;
      std::string_view key;
      if (!layout::parse_expiry_key(it->key(), &at, &key)) {
        stale_index.emplace_back(it->key());
        continue;
      }
      if (at > now_ms) break;
      due.emplace_back(at, key);
    }
  }
  for (const auto& k : stale_index) storage_.del(Column::kExpiry, k);
  size_t removed = 0;
  for (const auto& [at, key] : due) {
    std::optional<KeyRecord> rec = read_record(key);
    if (rec && rec->expire_at_ms == at) {
      remove_expired(key, *rec);
      ++removed;
    } else {
      // The key's expiry changed without the entry going: drop the stale entry.
      storage_.del(Column::kExpiry, layout::expiry_key(at, key));
    }
  }
  return removed;
}

void Keyspace::clear(int64_t now_ms) {
  Stamp s = stamp(now_ms);
  cmd_.clear = true;
  if (on_flush) on_flush();
  if (merging()) {
    clear_from(region_, s.hlc, own_context(s));
    return;
  }
  std::vector<std::pair<std::string, KeyRecord>> all;
  for_each_record([&](std::string_view k, const KeyRecord& rec) { all.emplace_back(k, rec); });
  for (const auto& [k, rec] : all) {
    release(k, rec);
    storage_.del(Column::kKeys, k);
  }
  keys_ = 0;
  keys_cache_.clear();
  fields_cache_.clear();
  filters_.clear();
  end_hints_.clear();
}

std::vector<Keyspace::Miscount> Keyspace::miscounts() {
  std::vector<std::pair<std::string, KeyRecord>> live;
  for_each_record([&](std::string_view k, const KeyRecord& rec) {
    if (rec.is_collection() && !rec.tombstone()) live.emplace_back(k, rec);
  });
  std::vector<Miscount> out;
  for (const auto& [k, rec] : live) {
    uint64_t n = 0, extra = 0;
    for_each_field(k, rec, [&](std::string_view name, const FieldRecord&) {
      ++n;
      if (!is_element_field(rec.type, name)) ++extra;
      return true;
    });
    if (n != rec.count) out.push_back({k, rec.count, n});
    if (extra != rec.extra) out.push_back({k + " (not elements)", rec.extra, extra});
    if (rec.type != ValueType::kZSet) continue;
    // The score index: its buckets count its entries, and (when exact) its
    // entries are the live members.
    auto [entries, counted] = scores_.audit(layout::field_prefix(k, rec.generation));
    if (!counted) out.push_back({k + " (score index buckets)", rec.count, entries});
    if (!scores_exact(k)) continue;
    if (entries != rec.count) out.push_back({k + " (score index)", rec.count, entries});
    // And its order is the members' (score, name) order.
    std::vector<std::string> by_fields, by_index;
    for_each_field(k, rec, [&](std::string_view m, const FieldRecord& f) {
      by_fields.push_back(ScoreIndex::position(zset::parse_score(f.value).value_or(0), m));
      return true;
    });
    std::sort(by_fields.begin(), by_fields.end());
    zscan(k, rec, {}, false, [&](double score, std::string_view m) {
      by_index.push_back(ScoreIndex::position(score, m));
      return true;
    });
    if (by_fields != by_index) out.push_back({k + " (score order)", by_fields.size(), entries});
  }
  return out;
}

void Keyspace::for_each_record(
    const std::function<void(std::string_view key, const KeyRecord&)>& fn) {
  auto it = storage_.iterate(Column::kKeys);
  KeyRecord rec;
  for (it->seek({}); it->valid(); it->next())
    if (rec.decode(it->value())) fn(it->key(), rec);
}

}  // namespace meridian
