#include "core/data/keyspace.h"

#include <vector>

#include "core/data/coding.h"

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
    clear_before_ = Hlc{clear};
  } else {
    generation_ = seq_;
  }
}

void Keyspace::flush_meta() {
  if (!meta_dirty_) return;
  std::string v;
  coding::put_varint(v, seq_);
  coding::put_fixed64_be(v, hlc_.last().packed);
  coding::put_varint(v, keys_);
  coding::put_varint(v, expires_);
  coding::put_varint(v, generation_);
  coding::put_fixed64_be(v, clear_before_.packed);
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

void Keyspace::touch(std::string_view key) {
  for (const auto& k : cmd_.keys)
    if (k == key) return;
  cmd_.keys.emplace_back(key);
}

// The cached state of `key` in `column`, read from storage on a miss.
template <typename R>
const std::optional<R>& read_through(RecordCache<R>& cache, Storage& storage, Column column,
                                     std::string_view key) {
  if (const auto* cached = cache.get(key)) return *cached;
  std::optional<R> result;
  if (auto raw = storage.get(column, key)) {
    R rec;
    if (rec.decode(*raw)) result = std::move(rec);
  }
  return cache.put(key, std::move(result));
}

const std::optional<KeyRecord>& Keyspace::read_record(std::string_view key) {
  return read_through(keys_cache_, storage_, Column::kKeys, key);
}

const std::optional<FieldRecord>& Keyspace::read_field(const std::string& field_key) {
  return read_through(fields_cache_, storage_, Column::kFields, field_key);
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
  ++expired_total_;
  meta_dirty_ = true;
  if (merges(key)) {
    // Every region that sees the key expire deletes what it has observed,
    // as a replicated write; a concurrent update elsewhere survives.
    touch(key);
    merge_erase(key, rec, stamp(rec.expire_at_ms));
    return;
  }
  // Every region expires the key at the same replicated time, so the
  // tombstone keeps the expired version's stamp and needs no message.
  delete_lww(key, rec, rec.hlc, rec.origin, rec.vv);
}

void Keyspace::delete_lww(std::string_view key, const KeyRecord& old, Hlc hlc, RegionId origin,
                          const VersionVector& vv) {
  release(key, old);
  --keys_;
  if (!keep_tombstones_) {
    storage_.del(Column::kKeys, key);
    keys_cache_.put(key, std::nullopt);
    return;
  }
  KeyRecord tomb;
  tomb.flags = KeyRecord::kFlagTombstone;
  tomb.hlc = hlc;
  tomb.origin = origin;
  tomb.vv = vv;
  put_record(key, tomb);
  tombstones_.insert(std::string(key));
}

KeyRecord Keyspace::new_collection(ValueType type, std::string_view key) {
  KeyRecord rec;
  rec.type = type;
  if (merging() && !key.empty()) {
    const auto& prev = read_record(key);
    if (prev && (prev->flags & KeyRecord::kFlagTombstone) && prev->type == type &&
        prev->generation != 0) {
      rec.generation = prev->generation;
      return rec;
    }
  }
  // A generation never used before, so fields of an older incarnation of the
  // same key (deleted lazily) can never be read as this one's.
  rec.generation = ++generation_;
  meta_dirty_ = true;
  return rec;
}

void Keyspace::put_record(std::string_view key, const KeyRecord& rec) {
  storage_.put(Column::kKeys, key, rec.encode());
  keys_cache_.put(key, rec);
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
  rec.hlc = s.hlc;
  rec.origin = region_;
  if (old != nullptr && &rec != old) {
    rec.vv.merge(old->vv);
  } else if (old == nullptr && keep_tombstones_) {
    // A write over a deleted key follows the delete causally.
    const auto& prev = read_record(key);
    if (prev) rec.vv.merge(prev->vv);
  }
  rec.vv.set(region_, s.seq);
  if (merges(key)) merge_write(key, rec, old, s);

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
  pending_increment_.reset();
  pending_context_.reset();
}

void Keyspace::erase(std::string_view key, const KeyRecord& old, int64_t now_ms) {
  Stamp s = stamp(now_ms);
  touch(key);
  if (merges(key)) return merge_erase(key, old, s);
  VersionVector vv = old.vv;
  vv.set(region_, s.seq);
  delete_lww(key, old, s.hlc, region_, vv);
}

void Keyspace::drop_fields(std::string_view key, const KeyRecord& rec) {
  std::string prefix = layout::field_prefix(key, rec.generation);
  storage_.del_range(Column::kFields, prefix, layout::prefix_end(prefix));
}

std::optional<FieldRecord> Keyspace::get_field(std::string_view key, const KeyRecord& rec,
                                               std::string_view field) {
  const auto& f = read_through(fields_cache_, storage_, Column::kFields,
                               layout::field_key(key, rec.generation, field));
  if (f && f->tombstone()) return std::nullopt;
  return f;
}

void Keyspace::put_field(std::string_view key, const KeyRecord& rec, std::string_view field,
                         std::string_view value, int64_t now_ms) {
  Stamp s = stamp(now_ms);
  touch(key);
  if (merges(key)) return merge_put_field(key, rec, field, value, s);
  FieldRecord f;
  f.hlc = s.hlc;
  f.origin = region_;
  f.seq = s.seq;
  f.value.assign(value);
  std::string fk = layout::field_key(key, rec.generation, field);
  storage_.put(Column::kFields, fk, f.encode());
  fields_cache_.put(fk, std::move(f));
  pending_increment_.reset();
}

void Keyspace::del_field(std::string_view key, const KeyRecord& rec, std::string_view field) {
  touch(key);
  if (merges(key)) return merge_del_field(key, rec, field);
  std::string fk = layout::field_key(key, rec.generation, field);
  storage_.del(Column::kFields, fk);
  fields_cache_.put(fk, std::nullopt);
}

void Keyspace::for_each_field(std::string_view key, const KeyRecord& rec,
                              const std::function<bool(std::string_view, const FieldRecord&)>& fn) {
  std::string prefix = layout::field_prefix(key, rec.generation);
  auto it = storage_.iterate(Column::kFields);
  FieldRecord f;
  for (it->seek(prefix); it->valid(); it->next()) {
    std::string_view k = it->key();
    if (k.substr(0, prefix.size()) != prefix) break;
    if (!f.decode(it->value()) || f.tombstone()) continue;
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
  apply_clear(s.hlc);
}

void Keyspace::apply_clear(Hlc at) {
  if (at > clear_before_) clear_before_ = at;
  hlc_.observe(at);
  meta_dirty_ = true;
  std::vector<std::pair<std::string, KeyRecord>> doomed;
  for_each_record([&](std::string_view k, const KeyRecord& rec) {
    if (rec.hlc <= at) doomed.emplace_back(std::string(k), rec);
  });
  for (const auto& [k, rec] : doomed) {
    release(k, rec);
    if (!(rec.flags & KeyRecord::kFlagTombstone)) --keys_;
    storage_.del(Column::kKeys, k);
  }
  keys_cache_.clear();
  fields_cache_.clear();
}

void Keyspace::for_each_record(
    const std::function<void(std::string_view key, const KeyRecord&)>& fn) {
  auto it = storage_.iterate(Column::kKeys);
  KeyRecord rec;
  for (it->seek({}); it->valid(); it->next())
    if (rec.decode(it->value())) fn(it->key(), rec);
}

KeyImage Keyspace::image(std::string_view key) {
  KeyImage img;
  img.key.assign(key);
  const auto& rec = read_record(key);
  if (!rec) {
    if (merges(key)) img.rec.vv = applied_();  // what we have seen and do not hold
    return img;
  }
  img.rec = *rec;
  if (merges(key)) {
    merge_image(img);
  } else if (img.rec.is_collection() && !img.tombstone()) {
    KeyRecord copy = img.rec;
    for_each_field(key, copy, [&](std::string_view name, const FieldRecord& f) {
      img.fields.emplace_back(std::string(name), f);
      return true;
    });
  }
  img.rec.generation = 0;  // local: never sent
  return img;
}

bool Keyspace::apply_image(const KeyImage& img) {
  if (merges(img.key)) return merge_apply(img);
  if (img.rec.hlc <= clear_before_) return false;
  if (img.rec.type == ValueType::kNone && !img.tombstone()) return false;
  const auto& cur = read_record(img.key);
  if (cur && !(img.rec.hlc == cur->hlc && img.rec.origin == cur->origin) &&
      !img.rec.vv.dominates(cur->vv) && !cur->vv.dominates(img.rec.vv)) {
    // Concurrent versions: last-writer-wins discards one of them.
    bool in_wins = newer(img.rec, *cur);
    crdt::Entry a{img.rec.origin, img.rec.vv.get(img.rec.origin), img.rec.hlc, crdt::Entry::kValue,
                  img.tombstone() ? std::string() : img.rec.payload};
    crdt::Entry b{cur->origin, cur->vv.get(cur->origin), cur->hlc, crdt::Entry::kValue,
                  (cur->flags & KeyRecord::kFlagTombstone) ? std::string() : cur->payload};
    report(img.key, crdt::Policy::kLww, in_wins ? a : b, in_wins ? b : a,
           img.tombstone() || (cur->flags & KeyRecord::kFlagTombstone) ? "concurrent delete"
                                                                       : "concurrent write");
  }
  if (cur && !newer(img.rec, *cur)) return false;
  hlc_.observe(img.rec.hlc);
  meta_dirty_ = true;
  if (cur) {
    KeyRecord old = *cur;
    release(img.key, old);
    if (!(old.flags & KeyRecord::kFlagTombstone)) --keys_;
  }
  KeyRecord rec = img.rec;
  if (img.tombstone()) {
    rec.type = ValueType::kNone;
    rec.expire_at_ms = 0;
    rec.payload.clear();
    rec.generation = rec.count = 0;
    put_record(img.key, rec);
    tombstones_.insert(img.key);
    return true;
  }
  if (rec.is_collection()) {
    rec.generation = ++generation_;
    rec.count = img.fields.size();
    for (const auto& [name, f] : img.fields) {
      std::string fk = layout::field_key(img.key, rec.generation, name);
      storage_.put(Column::kFields, fk, f.encode());
      fields_cache_.put(fk, f);
    }
  } else {
    rec.generation = rec.count = 0;
  }
  if (rec.expire_at_ms != 0) {
    storage_.put(Column::kExpiry, layout::expiry_key(rec.expire_at_ms, img.key), {});
    ++expires_;
  }
  ++keys_;
  put_record(img.key, rec);
  return true;
}

}  // namespace meridian
