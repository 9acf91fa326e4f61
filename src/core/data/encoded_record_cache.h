#pragma once
// A write-through cache of records kept in their stored encoding, in front of
// storage (key records, one per user key, and collection fields: the entry's
// size decides how many fit). Every write of the cached column goes through
// Keyspace, which updates the cache in the same step, so the cache never
// disagrees with storage. It can also remember keys known to be absent,
// which makes the first write of a new key cheap.
//
// An entry is one allocation holding the key and the encoded record (~180
// bytes for a 100-byte string value, against ~520 for a decoded record in a
// node map: docs/benchmarks.md). A read decodes the entry into one of a few
// rotating slots; the caller gets a reference to the slot.
//
// Bounded by an approximate byte budget. Eviction is CLOCK (second chance):
// a hit only sets a flag; the hand passes over the entries in turn, clearing
// flags, and evicts the first entry it finds unflagged. New entries start
// unflagged, so a record written once and never read again (most of a bulk
// load) goes first. Every step is O(1) amortised.
#include <absl/container/flat_hash_set.h>
#include <absl/hash/hash.h>
#include <absl/strings/string_view.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/assert.h"

namespace meridian {

// V must provide `bool decode(std::string_view)`, the inverse of the
// encoding given to put(): decode(encode(v)) == v for every value put.
template <typename V>
class EncodedRecordCache {
 public:
  // A reference returned by get(), put() or hold() stays valid (and shows
  // the key's latest cached state, put() of the same key included) until
  // kSlots reads or writes of other keys have happened.
  static constexpr size_t kSlots = 8;

  explicit EncodedRecordCache(size_t budget_bytes) : budget_(budget_bytes) {}
  ~EncodedRecordCache() { clear(); }
  EncodedRecordCache(const EncodedRecordCache&) = delete;
  EncodedRecordCache& operator=(const EncodedRecordCache&) = delete;

  // nullptr: not cached. Otherwise the cached state: an engaged optional is
  // the record, a disengaged one means the key is known to be absent.
  const std::optional<V>* get(std::string_view key) {
    if (budget_ == 0) return nullptr;
    auto it = set_.find(key);
    if (it == set_.end()) return nullptr;
    Entry* e = *it;
    e->referenced = true;
    // A slot holding the key holds its latest state (put() keeps it so):
    // nothing to decode, and a caller holding it sees no change.
    if (Slot* held = find_slot(key)) return &held->value;
    Slot& s = next_slot(key);
    if (!e->present) {
      s.value.reset();
    } else {
      if (!s.value) s.value.emplace();
      bool ok = s.value->decode(e->encoded());
      MERIDIAN_ASSERT(ok, "a cached record decodes");
    }
    return &s.value;
  }

  // Stores the state of `key`: `encoded` is `value`'s encoding (ignored when
  // `value` is empty). Returns `value`, held in a slot.
  const std::optional<V>& put(std::string_view key, std::string_view encoded,
                              std::optional<V> value) {
    Slot& s = slot_for(key);
    s.value = std::move(value);
    store(key, encoded, s.value.has_value(), /*make_room=*/true);
    return s.value;
  }

  // As put(), but a key not cached yet is added only while the budget has
  // room for it: a bulk load of records nobody reads back fills the cache
  // once and then evicts nothing (a slot holding the key is replaced).
  void update(std::string_view key, std::string_view encoded, std::optional<V> value) {
    const bool present = value.has_value();
    if (Slot* held = find_slot(key)) held->value = std::move(value);
    store(key, encoded, present, /*make_room=*/false);
  }

  // Returns `value` (the state of `key`, read elsewhere) without caching it;
  // held in a slot like get()'s.
  const std::optional<V>& hold(std::string_view key, std::optional<V> value) {
    Slot& s = slot_for(key);
    s.value = std::move(value);
    return s.value;
  }

  size_t bytes() const { return bytes_; }  // what the cached entries cost
  size_t size() const { return set_.size(); }

  void clear() {
    for (Entry* e : set_) Entry::destroy(e);
    set_.clear();
    clock_.clear();
    free_.clear();
    hand_ = 0;
    bytes_ = 0;
    for (Slot& s : slots_) s.used = false;  // held references stay readable
  }

 private:
  // One allocation: the header, the key, then the encoded record, with room
  // to spare up to the allocator's 16-byte granule so a rewrite of about the
  // same size reuses it.
  struct Entry {
    uint32_t key_len;
    uint32_t value_len;
    uint32_t capacity;  // bytes after the header
    uint32_t slot;      // index in clock_
    bool present;
    bool referenced;

    // The allocation for `need` bytes of key and record: up to the end of
    // the allocator's chunk (16-byte granules, 8 of them its header).
    static size_t allocation(size_t need) {
      return ((sizeof(Entry) + need + 8 + 15) & ~size_t{15}) - 8;
    }
    static size_t cost_for(size_t need) { return allocation(need) + kOverhead; }
    static Entry* make(std::string_view key, std::string_view encoded, bool present) {
      size_t total = allocation(key.size() + encoded.size());
      auto* e = static_cast<Entry*>(::operator new(total));
      e->key_len = static_cast<uint32_t>(key.size());
      e->capacity = static_cast<uint32_t>(total - sizeof(Entry));
      e->slot = 0;
      e->referenced = false;
      std::memcpy(e->data(), key.data(), key.size());
      e->assign(encoded, present);
      return e;
    }
    static void destroy(Entry* e) { ::operator delete(e); }

    char* data() { return reinterpret_cast<char*>(this + 1); }
    const char* data() const { return reinterpret_cast<const char*>(this + 1); }
    std::string_view key() const { return {data(), key_len}; }
    std::string_view encoded() const { return {data() + key_len, value_len}; }
    bool fits(size_t n) const { return key_len + n <= capacity; }
    void assign(std::string_view encoded, bool is_present) {
      MERIDIAN_ASSERT(fits(encoded.size()), "an entry holds what is assigned");
      std::memcpy(data() + key_len, encoded.data(), encoded.size());
      value_len = static_cast<uint32_t>(encoded.size());
      present = is_present;
    }
    // The allocation, the set's slot and control byte (at ~3/4 load), and
    // the clock's slot.
    static constexpr size_t kOverhead = 8 + 12 + 8;
    size_t cost() const { return sizeof(Entry) + capacity + kOverhead; }
  };

  struct Hash {
    using is_transparent = void;
    // Debian's abseil has its own string_view type.
    size_t operator()(std::string_view s) const {
      return absl::Hash<absl::string_view>{}(absl::string_view(s.data(), s.size()));
    }
    size_t operator()(const Entry* e) const { return (*this)(e->key()); }
  };
  struct Eq {
    using is_transparent = void;
    static std::string_view view(std::string_view s) { return s; }
    static std::string_view view(const Entry* e) { return e->key(); }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return view(a) == view(b);
    }
  };

  // The slot holding `key`'s decoded state, or the next one in turn (reused:
  // its strings keep their capacity, so decoding seldom allocates).
  struct Slot {
    bool used = false;
    std::string key;
    std::optional<V> value;
  };
  Slot* find_slot(std::string_view key) {
    for (Slot& s : slots_)
      if (s.used && s.key == key) return &s;
    return nullptr;
  }
  Slot& slot_for(std::string_view key) {
    Slot* held = find_slot(key);
    return held != nullptr ? *held : next_slot(key);
  }
  Slot& next_slot(std::string_view key) {
    Slot& s = slots_[next_slot_];
    next_slot_ = (next_slot_ + 1) % kSlots;
    s.used = true;
    s.key.assign(key);
    return s;
  }

  // make_room: a new key may evict others (put); otherwise it is added only
  // if it fits (update).
  void store(std::string_view key, std::string_view encoded, bool present, bool make_room) {
    if (budget_ == 0) return;
    if (!present) encoded = {};
    auto it = set_.find(key);
    if (it == set_.end()) {
      if (!make_room &&
          (!present || bytes_ + Entry::cost_for(key.size() + encoded.size()) > budget_))
        return;
      Entry* e = Entry::make(key, encoded, present);
      set_.insert(e);
      place(e);
      bytes_ += e->cost();
    } else {
      Entry* e = *it;
      bytes_ -= e->cost();
      if (e->fits(encoded.size())) {
        e->assign(encoded, present);
      } else {
        // Grown past its allocation: a new one takes its place in the clock.
        Entry* n = Entry::make(key, encoded, present);
        n->slot = e->slot;
        clock_[n->slot] = n;
        set_.erase(it);
        set_.insert(n);
        Entry::destroy(e);
        e = n;
      }
      if (make_room) e->referenced = true;
      bytes_ += e->cost();
    }
    if (bytes_ > budget_) evict(key);
  }

  void place(Entry* e) {
    if (!free_.empty()) {
      e->slot = free_.back();
      free_.pop_back();
      clock_[e->slot] = e;
    } else {
      e->slot = static_cast<uint32_t>(clock_.size());
      clock_.push_back(e);
    }
  }

  // Until the budget holds: the entry under the hand goes unless it was used
  // since the hand last passed (then it loses its flag). `keep` (the entry
  // just written) never goes.
  void evict(std::string_view keep) {
    size_t steps = 2 * clock_.size();
    while (bytes_ > budget_ && set_.size() > 1 && steps-- > 0) {
      if (hand_ >= clock_.size()) hand_ = 0;
      Entry* e = clock_[hand_];
      if (e == nullptr) {
        ++hand_;
        continue;
      }
      if (e->referenced || e->key() == keep) {
        e->referenced = false;
        ++hand_;
        continue;
      }
      bytes_ -= e->cost();
      clock_[hand_] = nullptr;
      free_.push_back(static_cast<uint32_t>(hand_));
      set_.erase(e->key());
      Entry::destroy(e);
      ++hand_;
    }
  }

  size_t budget_;
  size_t bytes_ = 0;
  // abseil's Swiss table of entry pointers: a lookup probes a dense array of
  // control bytes, then compares the key in the entry. Nothing iterates it
  // but clear(), so its per-process hash seed never changes what it does.
  absl::flat_hash_set<Entry*, Hash, Eq> set_;
  std::vector<Entry*> clock_;  // nullptr: a free place (listed in free_)
  std::vector<uint32_t> free_;
  size_t hand_ = 0;
  std::array<Slot, kSlots> slots_;
  size_t next_slot_ = 0;
};

}  // namespace meridian
