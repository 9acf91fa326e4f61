#pragma once
// The ordered index of sorted sets (Column::kScores): per collection
// generation (its field prefix P), one entry per member in (score, member)
// order, and a tree of counted buckets over those entries so that a rank or
// a count costs O(log n) reads instead of O(n):
//
//   P 'a'                            -> ""      a sentinel: the first key of
//                                               the set, so a reverse seek
//                                               stops at it instead of walking
//                                               over the deletions of the key
//                                               before (RocksDB skips deleted
//                                               entries one by one)
//   P 'e' order_key(score) member    -> ""      an entry
//   P 'b' level position             -> varint entries, varint children
//
// A bucket of level k starts at its position (its fence) and ends at the
// next fence of its level; it counts the entries in that span and (k > 0)
// the level k-1 buckets whose fences lie in it. The fences of a level are
// fences of every level below, and the first bucket of each level has the
// empty fence, so the levels nest like a B-tree's. A bucket splits in two
// past kMaxChildren entries (level 0) or children; an empty one goes once
// it is no fence of the level above. A "position" is order_key(score)
// followed by a member, or a prefix of one (a bound).
//
// The index is derived data, local to a region: the keyspace keeps it equal
// to the stored field records (Keyspace::reindex) and never replicates it.
// An insert or removal costs kLevels seeks and writes, plus now and then a
// split that reads kMaxChildren records; count_before and at_rank read at
// most kMaxChildren records per level, plus the top level's buckets (about
// n / (kMaxChildren / 2 * 3 / 2)^kLevels).
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

#include "core/storage/storage.h"

namespace meridian {

class ScoreIndex {
 public:
  static constexpr int kLevels = 3;
  static constexpr uint64_t kMaxChildren = 64;

  explicit ScoreIndex(Storage& storage) : storage_(storage) {}

  static std::string position(double score, std::string_view member);

  void add(std::string_view prefix, double score, std::string_view member);
  void remove(std::string_view prefix, double score, std::string_view member);
  // Removes every entry and bucket of `prefix` (a dropped generation).
  void drop(std::string_view prefix);

  // Entries whose position sorts before `pos`.
  uint64_t count_before(std::string_view prefix, std::string_view pos);
  // The position of the entry with 0-based rank `rank` (walking each level
  // from the nearer end of its span); nothing past the last.
  std::optional<std::string> at_rank(std::string_view prefix, uint64_t rank);
  // Visits entries from `pos` (forward: the first at or after it; reverse:
  // the last before it; empty reverse pos: from the end) until fn returns false.
  void scan(std::string_view prefix, std::string_view pos, bool reverse,
            const std::function<bool(double score, std::string_view member)>& fn);
  // For checkers: the entries, and whether every level's buckets count
  // them all (and each level's children add up to the level below).
  std::pair<uint64_t, bool> audit(std::string_view prefix);

 private:
  struct Bucket {
    int level = 0;
    std::string fence;
    uint64_t entries = 0, children = 0;
    bool stored = false;  // found in storage (else the first, made empty)
  };
  // The bucket of `level` holding `pos`: the last at or before it (the
  // first bucket, made empty, when there is none yet).
  Bucket holder(std::string_view prefix, int level, std::string_view pos);
  void put(std::string_view prefix, const Bucket& b);
  void erase(std::string_view prefix, const Bucket& b);
  // Splits `b` (over its limit) in two; `parent`, if any, gains a child.
  void split(std::string_view prefix, Bucket& b, Bucket* parent);
  Storage& storage_;
};

}  // namespace meridian
