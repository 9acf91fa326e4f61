#pragma once
// Typed access to the keys of one region over Storage: lookup with lazy expiry,
// writes stamped with HLC, origin and dot, the expiry index, collection fields
// and the key counts DBSIZE and INFO report.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/data/hlc.h"
#include "core/data/record_cache.h"
#include "core/data/records.h"
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
  // Removes a live key and everything it owns.
  void erase(std::string_view key, const KeyRecord& old);

  // A fresh, empty collection record of the given type (not yet written).
  KeyRecord new_collection(ValueType type);

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

  // Removes every key.
  void clear();

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

  const std::optional<KeyRecord>& read_record(std::string_view key);

  Storage& storage_;
  RegionId region_;
  RecordCache<KeyRecord> keys_cache_;
  // Keyed by the field's storage key: an old generation's entries are never
  // looked up again and age out.
  RecordCache<FieldRecord> fields_cache_;
  HlcClock hlc_;
  uint64_t seq_ = 0;  // this region's write sequence: the counter of its dots
  uint64_t keys_ = 0;
  uint64_t expires_ = 0;
  uint64_t expired_total_ = 0;
  bool meta_dirty_ = false;
};

}  // namespace meridian
