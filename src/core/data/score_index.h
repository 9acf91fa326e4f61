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
//
// The buckets are also kept in memory and written back once per pass
// (flush(), before the pass commits): every write of a set changes the same
// few bucket records, and each version written lands in RocksDB's memtable,
// where a reverse seek walks every one of them; reading buckets back from
// storage made each ZADD slower than the last. Per set the cache holds
// the top level whole and, below it, the children of the buckets a command
// went through, each span loaded by one forward scan of at most
// kMaxChildren records; whole sets are evicted, least recently used first,
// past the byte budget. An insert or removal then costs the entry's write
// and kLevels bucket writes (plus, now and then, a split that reads
// kMaxChildren entries); count_before and at_rank visit at most
// kMaxChildren buckets per level in memory, plus the top level's (about
// n / (kMaxChildren / 2 * 3 / 2)^kLevels), and kMaxChildren entries.
#include <array>
#include <cstdint>
#include <functional>
#include <list>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>

#include "core/storage/storage.h"

namespace meridian {

class ScoreIndex {
 public:
  static constexpr int kLevels = 3;
  static constexpr uint64_t kMaxChildren = 64;

  // cache_bytes: the bucket cache's budget; the set a command works on
  // stays loaded whatever the budget (0 keeps only that one).
  ScoreIndex(Storage& storage, size_t cache_bytes) : storage_(storage), budget_(cache_bytes) {}

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
  // Writes the buckets changed since the last flush (once each, however
  // often they changed); the region calls it before each commit.
  void flush();
  // What the bucket cache holds (for tests and INFO).
  size_t cached_sets() const { return sets_.size(); }
  size_t cached_bytes() const { return bytes_; }

 private:
  struct Bucket {
    int level = 0;
    std::string fence;
    uint64_t entries = 0, children = 0;
    bool stored = false;  // found in storage (else the first, made empty)
  };
  struct Counts {
    uint64_t entries = 0, children = 0;
  };
  // One set's buckets in memory, exactly as stored, for the spans loaded.
  struct SetCache {
    std::array<std::map<std::string, Counts, std::less<>>, kLevels> level;
    // loaded[k]: fences of level k+1 buckets whose children (level k
    // buckets) are all in level[k]. The top level is always whole.
    std::array<std::set<std::string, std::less<>>, kLevels - 1> loaded;
    // Buckets changed (or erased: absent from level) since the last flush.
    std::set<std::pair<int, std::string>> dirty;
    size_t bytes = 0;
    std::list<std::string>::iterator lru;
  };

  // The set's cache, loaded (its top level) if absent, now the most
  // recently used; other sets are evicted past the budget.
  SetCache& open(std::string_view prefix);
  // Makes the children of `parent` (a level k+1 bucket) present in level k.
  void load_children(std::string_view prefix, SetCache& c, int k, const Bucket& parent);
  // The bucket of each level holding `pos` (the last at or before it; the
  // first bucket, made empty, when there is none yet), top level last.
  std::array<Bucket, kLevels> path_to(std::string_view prefix, SetCache& c, std::string_view pos);
  void put(std::string_view prefix, SetCache& c, const Bucket& b);
  void erase(std::string_view prefix, SetCache& c, const Bucket& b);
  // Splits `b` (over its limit) in two; `parent`, if any, gains a child.
  void split(std::string_view prefix, SetCache& c, Bucket& b, Bucket* parent);
  void charge(SetCache& c, std::string_view fence, bool add);
  void write_back(std::string_view prefix, SetCache& c);

  Storage& storage_;
  size_t budget_;
  size_t bytes_ = 0;
  std::unordered_map<std::string, SetCache> sets_;
  std::list<std::string> lru_;  // most recently used first
  std::set<std::string, std::less<>> dirty_sets_;
};

}  // namespace meridian
