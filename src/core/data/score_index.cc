#include "core/data/score_index.h"

#include <array>

#include "core/base/assert.h"
#include "core/base/coding.h"
#include "core/data/records.h"
#include "core/data/zset_score.h"

namespace meridian {
namespace {

constexpr char kSentinel = 'a';
constexpr char kBucket = 'b';
constexpr char kEntry = 'e';

std::string entry_key(std::string_view prefix, std::string_view pos = {}) {
  std::string k;
  k.reserve(prefix.size() + 1 + pos.size());
  k.append(prefix);
  k.push_back(kEntry);
  k.append(pos);
  return k;
}

std::string bucket_key(std::string_view prefix, int level, std::string_view fence = {}) {
  std::string k;
  k.reserve(prefix.size() + 2 + fence.size());
  k.append(prefix);
  k.push_back(kBucket);
  k.push_back(static_cast<char>('0' + level));
  k.append(fence);
  return k;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

// Iterators stay within one set's keys: a reverse seek must not walk over
// the deletions of a set dropped next to it.
std::unique_ptr<StorageIterator> bounded(Storage& storage, std::string_view prefix) {
  return storage.iterate(Column::kScores, prefix, layout::prefix_end(prefix));
}

void decode(std::string_view v, uint64_t* entries, uint64_t* children) {
  *entries = *children = 0;
  coding::get_varint(v, entries);
  coding::get_varint(v, children);
}

}  // namespace

std::string ScoreIndex::position(double score, std::string_view member) {
  std::string pos = zset::order_key(score);
  pos.append(member);
  return pos;
}

ScoreIndex::Bucket ScoreIndex::holder(std::string_view prefix, int level, std::string_view pos) {
  const std::string head = bucket_key(prefix, level);
  auto it = bounded(storage_, prefix);
  it->seek_for_prev(bucket_key(prefix, level, pos));
  Bucket b;
  b.level = level;
  if (it->valid() && starts_with(it->key(), head)) {
    b.fence.assign(it->key().substr(head.size()));
    decode(it->value(), &b.entries, &b.children);
    b.stored = true;
  } else {
    b.children = level == 0 ? 0 : 1;  // the first bucket of the level below
  }
  return b;
}

void ScoreIndex::put(std::string_view prefix, const Bucket& b) {
  std::string v;
  coding::put_varint(v, b.entries);
  coding::put_varint(v, b.children);
  storage_.put(Column::kScores, bucket_key(prefix, b.level, b.fence), v);
}

void ScoreIndex::erase(std::string_view prefix, const Bucket& b) {
  storage_.del(Column::kScores, bucket_key(prefix, b.level, b.fence));
}

void ScoreIndex::split(std::string_view prefix, Bucket& b, Bucket* parent) {
  const uint64_t parts = b.level == 0 ? b.entries : b.children;
  Bucket upper;
  upper.level = b.level;
  uint64_t moved_entries = 0;  // entries of the lower half (level > 0)
  {
    auto it = bounded(storage_, prefix);
    if (b.level == 0) {
      const std::string head = entry_key(prefix);
      it->seek(entry_key(prefix, b.fence));
      for (uint64_t i = 0; i < parts / 2 && it->valid(); ++i) it->next();
      MERIDIAN_ASSERT(it->valid() && starts_with(it->key(), head), "a bucket holds its entries");
      upper.fence.assign(it->key().substr(head.size()));
    } else {
      // The upper half starts at a child's fence, so fences nest.
      const std::string head = bucket_key(prefix, b.level - 1);
      it->seek(bucket_key(prefix, b.level - 1, b.fence));
      for (uint64_t i = 0; i < parts / 2 && it->valid(); ++i, it->next()) {
        uint64_t e = 0, c = 0;
        decode(it->value(), &e, &c);
        moved_entries += e;
      }
      MERIDIAN_ASSERT(it->valid() && starts_with(it->key(), head), "a bucket holds its children");
      upper.fence.assign(it->key().substr(head.size()));
    }
  }
  if (b.level == 0) {
    upper.entries = b.entries - parts / 2;
    upper.children = upper.entries;
    b.entries = b.children = parts / 2;
  } else {
    upper.entries = b.entries - moved_entries;
    upper.children = b.children - parts / 2;
    b.entries = moved_entries;
    b.children = parts / 2;
  }
  put(prefix, b);
  put(prefix, upper);
  if (parent != nullptr) ++parent->children;
}

void ScoreIndex::add(std::string_view prefix, double score, std::string_view member) {
  const std::string pos = position(score, member);
  storage_.put(Column::kScores, entry_key(prefix, pos), {});
  std::array<Bucket, kLevels> path;
  for (int k = 0; k < kLevels; ++k) {
    path[k] = holder(prefix, k, pos);
    ++path[k].entries;
  }
  ++path[0].children;  // a level-0 bucket's children are its entries
  if (!path[0].stored) {
    std::string sentinel(prefix);
    sentinel.push_back(kSentinel);
    storage_.put(Column::kScores, sentinel, {});
  }
  // Split bottom-up: a split adds a child to the level above.
  for (int k = 0; k < kLevels; ++k) {
    Bucket* parent = k + 1 < kLevels ? &path[k + 1] : nullptr;
    if (path[k].children > kMaxChildren) {
      split(prefix, path[k], parent);
    } else {
      put(prefix, path[k]);
    }
  }
}

void ScoreIndex::remove(std::string_view prefix, double score, std::string_view member) {
  const std::string pos = position(score, member);
  storage_.del(Column::kScores, entry_key(prefix, pos));
  std::array<Bucket, kLevels> path;
  for (int k = 0; k < kLevels; ++k) {
    path[k] = holder(prefix, k, pos);
    MERIDIAN_ASSERT(path[k].entries > 0, "a removed entry was counted");
    if (path[k].entries > 0) --path[k].entries;
  }
  if (path[0].children > 0) --path[0].children;
  // An emptied bucket goes unless it is the first of its level or the fence
  // of the level above (then that level decides, for the whole chain).
  int gone = -1;  // buckets [0, gone] are deleted
  for (int k = 0; k < kLevels; ++k) {
    if (path[k].entries != 0 || path[k].fence.empty()) break;
    if (k + 1 < kLevels && path[k + 1].fence == path[k].fence) continue;
    gone = k;
    break;
  }
  for (int k = 0; k < kLevels; ++k) {
    if (k <= gone) {
      erase(prefix, path[k]);
    } else {
      if (k == gone + 1 && gone >= 0 && path[k].children > 0) --path[k].children;
      put(prefix, path[k]);
    }
  }
}

void ScoreIndex::drop(std::string_view prefix) {
  storage_.del_range(Column::kScores, prefix, layout::prefix_end(prefix));
}

uint64_t ScoreIndex::count_before(std::string_view prefix, std::string_view pos) {
  uint64_t before = 0;
  std::string lo;  // the holder's fence at the level above
  for (int k = kLevels - 1; k >= 0; --k) {
    const std::string head = bucket_key(prefix, k);
    const std::string target = bucket_key(prefix, k, pos);
    uint64_t last = 0;
    auto it = bounded(storage_, prefix);
    for (it->seek(bucket_key(prefix, k, lo));
         it->valid() && starts_with(it->key(), head) && it->key() <= target; it->next()) {
      before += last;
      uint64_t c = 0;
      decode(it->value(), &last, &c);
      lo.assign(it->key().substr(head.size()));
    }
  }
  const std::string end = entry_key(prefix, pos);
  auto it = bounded(storage_, prefix);
  for (it->seek(entry_key(prefix, lo)); it->valid() && it->key() < end; it->next()) ++before;
  return before;
}

std::optional<std::string> ScoreIndex::at_rank(std::string_view prefix, uint64_t rank) {
  // The span [lo, hi) of the holder at the level above (hi empty: to the
  // end), its entry count, and the rank wanted within it.
  std::string lo, hi;
  uint64_t total = 0;
  bool known = false;  // total is known (below the top level)
  for (int k = kLevels - 1; k >= 0; --k) {
    const std::string head = bucket_key(prefix, k);
    const std::string stop = hi.empty() ? bucket_key(prefix, k + 1) : bucket_key(prefix, k, hi);
    auto it = bounded(storage_, prefix);
    bool found = false;
    if (known && rank >= total / 2) {
      // Nearer the end of the span: walk it backwards.
      const uint64_t from_end = total - 1 - rank;
      uint64_t seen = 0;
      std::string next = hi;
      it->seek_for_prev(stop);
      if (it->valid() && it->key() == stop) it->prev();
      for (; it->valid() && starts_with(it->key(), head); it->prev()) {
        uint64_t e = 0, c = 0;
        decode(it->value(), &e, &c);
        std::string fence(it->key().substr(head.size()));
        if (seen + e > from_end) {
          rank = e - 1 - (from_end - seen);
          total = e;
          lo = fence;
          hi = next;
          found = true;
          break;
        }
        seen += e;
        next = fence;
      }
    } else {
      uint64_t seen = 0;
      for (it->seek(bucket_key(prefix, k, lo)); it->valid() && it->key() < stop; it->next()) {
        uint64_t e = 0, c = 0;
        decode(it->value(), &e, &c);
        if (found) {  // the bucket after the holder: where its span ends
          hi.assign(it->key().substr(head.size()));
          break;
        }
        if (seen + e > rank) {
          rank -= seen;
          total = e;
          lo.assign(it->key().substr(head.size()));
          found = true;
          continue;
        }
        seen += e;
      }
    }
    if (!found) return std::nullopt;
    known = true;
  }
  const std::string head = entry_key(prefix);
  auto it = bounded(storage_, prefix);
  if (rank < total / 2) {
    it->seek(entry_key(prefix, lo));
    for (uint64_t i = 0; i < rank && it->valid(); ++i) it->next();
  } else {
    std::string end = entry_key(prefix, hi);
    if (hi.empty()) end.back() = static_cast<char>(kEntry + 1);
    it->seek_for_prev(end);
    if (it->valid() && it->key() == end) it->prev();
    for (uint64_t i = 0; i < total - 1 - rank && it->valid(); ++i) it->prev();
  }
  if (!it->valid() || !starts_with(it->key(), head)) return std::nullopt;
  return std::string(it->key().substr(head.size()));
}

void ScoreIndex::scan(std::string_view prefix, std::string_view pos, bool reverse,
                      const std::function<bool(double, std::string_view)>& fn) {
  const std::string entries = entry_key(prefix);
  auto it = bounded(storage_, prefix);
  if (!reverse) {
    it->seek(entry_key(prefix, pos));
  } else {
    // The last entry before pos: seek_for_prev is inclusive, so step off an
    // exact match.
    std::string bound = entry_key(prefix, pos);
    if (pos.empty()) bound.back() = static_cast<char>(kEntry + 1);
    it->seek_for_prev(bound);
    if (it->valid() && it->key() == bound) it->prev();
  }
  for (; it->valid() && starts_with(it->key(), entries); reverse ? it->prev() : it->next()) {
    std::string_view p = it->key().substr(entries.size());
    if (p.size() < 8) continue;
    if (!fn(zset::from_order_key(p.substr(0, 8)), p.substr(8))) return;
  }
}

std::pair<uint64_t, bool> ScoreIndex::audit(std::string_view prefix) {
  uint64_t entries = 0;
  std::array<uint64_t, kLevels> counted{}, children{}, buckets{};
  auto it = bounded(storage_, prefix);
  const std::string e = entry_key(prefix);
  for (it->seek(prefix); it->valid() && starts_with(it->key(), prefix); it->next()) {
    if (starts_with(it->key(), e)) ++entries;
    for (int k = 0; k < kLevels; ++k) {
      if (!starts_with(it->key(), bucket_key(prefix, k))) continue;
      uint64_t n = 0, c = 0;
      decode(it->value(), &n, &c);
      counted[k] += n;
      children[k] += c;
      ++buckets[k];
    }
  }
  bool ok = true;
  for (int k = 0; k < kLevels; ++k) {
    if (entries > 0 && counted[k] != entries) ok = false;
    if (k == 0 && children[k] != counted[k]) ok = false;
    if (k > 0 && buckets[k] > 0 && children[k] != buckets[k - 1]) ok = false;
  }
  return {entries, ok};
}

}  // namespace meridian
