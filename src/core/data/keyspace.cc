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
  uint64_t hlc = 0;
  if (coding::get_varint(in, &seq_) && coding::get_fixed64_be(in, &hlc) &&
      coding::get_varint(in, &keys_) && coding::get_varint(in, &expires_)) {
    hlc_.observe(Hlc{hlc});
  }
}

void Keyspace::flush_meta() {
  if (!meta_dirty_) return;
  std::string v;
  coding::put_varint(v, seq_);
  coding::put_fixed64_be(v, hlc_.last().packed);
  coding::put_varint(v, keys_);
  coding::put_varint(v, expires_);
  storage_.put(Column::kMeta, kMetaState, v);
  meta_dirty_ = false;
}

Keyspace::Stamp Keyspace::stamp(int64_t now_ms) {
  meta_dirty_ = true;
  return Stamp{hlc_.tick(now_ms), ++seq_};
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

const KeyRecord* Keyspace::peek(std::string_view key, int64_t now_ms) {
  const auto& rec = read_record(key);
  if (!rec || (rec->flags & KeyRecord::kFlagTombstone)) return nullptr;
  if (rec->expire_at_ms != 0 && rec->expire_at_ms <= now_ms) {
    KeyRecord expired = *rec;  // erase() replaces the cached entry
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
  erase(key, rec);
  ++expired_total_;
}

KeyRecord Keyspace::new_collection(ValueType type) {
  KeyRecord rec;
  rec.type = type;
  // A generation never used before, so fields of an older incarnation of the
  // same key (deleted lazily) can never be read as this one's.
  rec.generation = ++seq_;
  meta_dirty_ = true;
  return rec;
}

void Keyspace::write(std::string_view key, KeyRecord& rec, const KeyRecord* old, int64_t now_ms) {
  Stamp s = stamp(now_ms);
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
  storage_.put(Column::kKeys, key, rec.encode());
  keys_cache_.put(key, rec);
}

void Keyspace::erase(std::string_view key, const KeyRecord& old) {
  meta_dirty_ = true;
  if (old.is_collection()) drop_fields(key, old);
  if (old.expire_at_ms != 0) {
    storage_.del(Column::kExpiry, layout::expiry_key(old.expire_at_ms, key));
    --expires_;
  }
  storage_.del(Column::kKeys, key);
  keys_cache_.put(key, std::nullopt);
  --keys_;
}

void Keyspace::drop_fields(std::string_view key, const KeyRecord& rec) {
  std::string prefix = layout::field_prefix(key, rec.generation);
  storage_.del_range(Column::kFields, prefix, layout::prefix_end(prefix));
}

std::optional<FieldRecord> Keyspace::get_field(std::string_view key, const KeyRecord& rec,
                                               std::string_view field) {
  return read_through(fields_cache_, storage_, Column::kFields,
                      layout::field_key(key, rec.generation, field));
}

void Keyspace::put_field(std::string_view key, const KeyRecord& rec, std::string_view field,
                         std::string_view value, int64_t now_ms) {
  Stamp s = stamp(now_ms);
  FieldRecord f;
  f.hlc = s.hlc;
  f.origin = region_;
  f.seq = s.seq;
  f.value.assign(value);
  std::string fk = layout::field_key(key, rec.generation, field);
  storage_.put(Column::kFields, fk, f.encode());
  fields_cache_.put(fk, std::move(f));
}

void Keyspace::del_field(std::string_view key, const KeyRecord& rec, std::string_view field) {
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

void Keyspace::clear() {
  std::vector<std::pair<std::string, KeyRecord>> all;
  {
    auto it = storage_.iterate(Column::kKeys);
    KeyRecord rec;
    for (it->seek({}); it->valid(); it->next())
      if (rec.decode(it->value())) all.emplace_back(std::string(it->key()), rec);
  }
  for (const auto& [k, rec] : all) erase(k, rec);
  keys_cache_.clear();
  fields_cache_.clear();
}

}  // namespace meridian
