#pragma once
// The ordered index of sorted sets (Column::kScores): per collection
// generation (its field prefix P), one entry per member in (score, member)
// order, and counted buckets over those entries so that a rank costs
// O(n / kMaxBucket + kMaxBucket) reads instead of O(n):
//
//   P 'e' order_key(score) member -> ""      an entry
//   P 'b' position                -> varint  a bucket: how many entries lie
//                                            between its position and the next
//                                            bucket's; P 'b' (empty position)
//                                            is the first and always exists
//
// A "position" is order_key(score) followed by a member (or a prefix of one,
// as a bound). The index is derived data, local to a region: the keyspace
// keeps it equal to the stored field records (Keyspace::reindex) and it is
// never replicated. A write costs O(1) reads and writes plus, once per
// kMaxBucket / 2 inserts into one bucket, a split that reads kMaxBucket / 2.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/storage/storage.h"

namespace meridian {

class ScoreIndex {
 public:
  static constexpr uint64_t kMaxBucket = 1024;

  explicit ScoreIndex(Storage& storage) : storage_(storage) {}

  static std::string position(double score, std::string_view member);

  void add(std::string_view prefix, double score, std::string_view member);
  void remove(std::string_view prefix, double score, std::string_view member);
  // Removes every entry and bucket of `prefix` (a dropped generation).
  void drop(std::string_view prefix);

  // Entries whose position sorts before `pos`.
  uint64_t count_before(std::string_view prefix, std::string_view pos);
  // The position of the entry with 0-based rank `rank`, given `total`
  // entries (walks the buckets from the nearer end); nothing past the end.
  std::optional<std::string> at_rank(std::string_view prefix, uint64_t rank, uint64_t total);
  // Visits entries from `pos` (forward: the first at or after it; reverse:
  // the last before it; empty reverse pos: from the end) until fn returns false.
  void scan(std::string_view prefix, std::string_view pos, bool reverse,
            const std::function<bool(double score, std::string_view member)>& fn);
  // Every entry counted, for checkers: (entries, sum of bucket counts).
  std::pair<uint64_t, uint64_t> audit(std::string_view prefix);

 private:
  struct Bucket {
    std::string key;  // full storage key (P 'b' position)
    uint64_t count = 0;
  };
  // The bucket holding `pos`: the last at or before it.
  std::optional<Bucket> bucket_of(std::string_view prefix, std::string_view pos);
  void put_bucket(const Bucket& b);
  Storage& storage_;
};

}  // namespace meridian
