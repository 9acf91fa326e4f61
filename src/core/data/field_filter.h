#pragma once
// Which field names a collection may hold, in memory: a Bloom filter per
// generation, grown in stages as the collection grows. A lookup of a name
// the filter has never seen (every new member of a bulk load, in the region
// that writes it and in every region that applies it) then skips storage,
// whose lookups of absent keys get slower as the data grows.
//
// Only generations created since the process started are tracked (their
// every field went through add()); others answer "maybe" and go to storage.
// Removals leave their names in the filter (a "maybe" for an absent name
// only costs the storage lookup it would have cost anyway). About 1.25 bytes
// per name; past the budget, a generation's filter is dropped.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace meridian {

class FieldFilter {
 public:
  void add(std::string_view name);
  bool may_contain(std::string_view name) const;
  size_t bytes() const { return bytes_; }
  // The bytes the next add() may allocate (a new stage).
  size_t growth() const;

 private:
  struct Stage {
    std::vector<uint64_t> words;  // 512-bit blocks of 8 words
    size_t count = 0;
    size_t capacity = 0;
  };
  static void set(Stage& s, uint64_t h);
  static bool test(const Stage& s, uint64_t h);
  std::vector<Stage> stages_;
  size_t bytes_ = 0;
};

class FieldFilters {
 public:
  explicit FieldFilters(size_t budget_bytes) : budget_(budget_bytes) {}

  // A generation with no fields yet: track it.
  void start(uint64_t generation);
  // A field written to a generation (no-op if it is not tracked).
  void add(uint64_t generation, std::string_view name);
  // False: the generation surely holds no such field. True: it may, or the
  // generation is not tracked.
  bool may_contain(uint64_t generation, std::string_view name) const;
  void drop(uint64_t generation);
  void clear();
  size_t bytes() const { return bytes_; }

 private:
  size_t budget_;
  size_t bytes_ = 0;
  std::unordered_map<uint64_t, FieldFilter> filters_;
};

}  // namespace meridian
