#include "core/data/score_index.h"

#include <algorithm>
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

void ScoreIndex::charge(SetCache& c, std::string_view fence, bool add) {
  // A map or set node and its key, roughly.
  const size_t n = 80 + fence.size();
  if (add) {
    c.bytes += n;
    bytes_ += n;
  } else {
    c.bytes -= std::min(c.bytes, n);
    bytes_ -= std::min(bytes_, n);
  }
}

ScoreIndex::SetCache& ScoreIndex::open(std::string_view prefix) {
  auto found = sets_.find(std::string(prefix));
  if (found != sets_.end()) {
    lru_.splice(lru_.begin(), lru_, found->second.lru);
  } else {
    lru_.emplace_front(prefix);
    found = sets_.emplace(std::string(prefix), SetCache{}).first;
    SetCache& c = found->second;
    c.lru = lru_.begin();
    const int top = kLevels - 1;
    const std::string head = bucket_key(prefix, top);
    auto it = bounded(storage_, prefix);
    for (it->seek(head); it->valid() && starts_with(it->key(), head); it->next()) {
      Counts n;
      decode(it->value(), &n.entries, &n.children);
      std::string_view fence = it->key().substr(head.size());
      c.level[top].emplace(fence, n);
      charge(c, fence, true);
    }
  }
  // Evict the least recently used other sets (their changes written first).
  while (bytes_ > budget_ && lru_.size() > 1) {
    auto victim = sets_.find(lru_.back());
    write_back(victim->first, victim->second);
    dirty_sets_.erase(victim->first);
    bytes_ -= std::min(bytes_, victim->second.bytes);
    sets_.erase(victim);
    lru_.pop_back();
  }
  return found->second;
}

void ScoreIndex::write_back(std::string_view prefix, SetCache& c) {
  for (const auto& [level, fence] : c.dirty) {
    const auto& m = c.level[level];
    auto it = m.find(fence);
    if (it == m.end()) {
      storage_.del(Column::kScores, bucket_key(prefix, level, fence));
      continue;
    }
    std::string v;
    coding::put_varint(v, it->second.entries);
    coding::put_varint(v, it->second.children);
    storage_.put(Column::kScores, bucket_key(prefix, level, fence), v);
  }
  c.dirty.clear();
}

void ScoreIndex::flush() {
  for (const auto& prefix : dirty_sets_) {
    auto found = sets_.find(prefix);
    if (found != sets_.end()) write_back(prefix, found->second);
  }
  dirty_sets_.clear();
}

void ScoreIndex::load_children(std::string_view prefix, SetCache& c, int k, const Bucket& parent) {
  if (!c.loaded[k].emplace(parent.fence).second) return;
  charge(c, parent.fence, true);
  // An unstored parent is the first bucket of a set with none yet: no
  // bucket is stored below it either.
  if (!parent.stored) return;
  const std::string head = bucket_key(prefix, k);
  auto it = bounded(storage_, prefix);
  uint64_t n = 0;
  for (it->seek(bucket_key(prefix, k, parent.fence));
       n < parent.children && it->valid() && starts_with(it->key(), head); it->next(), ++n) {
    Counts counts;
    decode(it->value(), &counts.entries, &counts.children);
    std::string_view fence = it->key().substr(head.size());
    if (c.level[k].emplace(fence, counts).second) charge(c, fence, true);
  }
}

std::array<ScoreIndex::Bucket, ScoreIndex::kLevels> ScoreIndex::path_to(std::string_view prefix,
                                                                        SetCache& c,
                                                                        std::string_view pos) {
  std::array<Bucket, kLevels> path;
  for (int k = kLevels - 1; k >= 0; --k) {
    if (k + 1 < kLevels) load_children(prefix, c, k, path[k + 1]);
    const auto& m = c.level[k];
    Bucket& b = path[k];
    b.level = k;
    auto it = m.upper_bound(pos);  // the first fence after pos
    if (it == m.begin()) {
      b.children = k == 0 ? 0 : 1;  // the first bucket of the level below
      continue;
    }
    --it;
    b.fence = it->first;
    b.entries = it->second.entries;
    b.children = it->second.children;
    b.stored = true;
  }
  return path;
}

void ScoreIndex::put(std::string_view prefix, SetCache& c, const Bucket& b) {
  auto [it, added] = c.level[b.level].try_emplace(b.fence);
  it->second = Counts{b.entries, b.children};
  if (added) charge(c, b.fence, true);
  c.dirty.emplace(b.level, b.fence);  // cleared each pass: not charged
  if (dirty_sets_.find(prefix) == dirty_sets_.end()) dirty_sets_.emplace(prefix);
}

void ScoreIndex::erase(std::string_view prefix, SetCache& c, const Bucket& b) {
  if (c.level[b.level].erase(b.fence) > 0) charge(c, b.fence, false);
  c.dirty.emplace(b.level, b.fence);
  if (dirty_sets_.find(prefix) == dirty_sets_.end()) dirty_sets_.emplace(prefix);
  if (b.level > 0 && c.loaded[b.level - 1].erase(b.fence) > 0) charge(c, b.fence, false);
}

void ScoreIndex::split(std::string_view prefix, SetCache& c, Bucket& b, Bucket* parent) {
  const uint64_t parts = b.level == 0 ? b.entries : b.children;
  Bucket upper;
  upper.level = b.level;
  uint64_t moved_entries = 0;  // entries of the lower half (level > 0)
  if (b.level == 0) {
    const std::string head = entry_key(prefix);
    auto it = bounded(storage_, prefix);
    it->seek(entry_key(prefix, b.fence));
    for (uint64_t i = 0; i < parts / 2 && it->valid(); ++i) it->next();
    MERIDIAN_ASSERT(it->valid() && starts_with(it->key(), head), "a bucket holds its entries");
    upper.fence.assign(it->key().substr(head.size()));
  } else {
    // The upper half starts at a child's fence, so fences nest; the
    // children are in memory (path_to loaded them).
    const auto& below = c.level[b.level - 1];
    auto it = below.lower_bound(b.fence);
    for (uint64_t i = 0; i < parts / 2 && it != below.end(); ++i, ++it) {
      moved_entries += it->second.entries;
    }
    MERIDIAN_ASSERT(it != below.end(), "a bucket holds its children");
    upper.fence = it->first;
    // The upper half's children were the bucket's: loaded too.
    if (c.loaded[b.level - 1].insert(upper.fence).second) charge(c, upper.fence, true);
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
  put(prefix, c, b);
  put(prefix, c, upper);
  if (parent != nullptr) ++parent->children;
}

void ScoreIndex::add(std::string_view prefix, double score, std::string_view member) {
  const std::string pos = position(score, member);
  storage_.put(Column::kScores, entry_key(prefix, pos), {});
  SetCache& c = open(prefix);
  std::array<Bucket, kLevels> path = path_to(prefix, c, pos);
  for (auto& b : path) ++b.entries;
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
      split(prefix, c, path[k], parent);
    } else {
      put(prefix, c, path[k]);
    }
  }
}

void ScoreIndex::remove(std::string_view prefix, double score, std::string_view member) {
  const std::string pos = position(score, member);
  storage_.del(Column::kScores, entry_key(prefix, pos));
  SetCache& c = open(prefix);
  std::array<Bucket, kLevels> path = path_to(prefix, c, pos);
  for (auto& b : path) {
    MERIDIAN_ASSERT(b.entries > 0, "a removed entry was counted");
    if (b.entries > 0) --b.entries;
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
      erase(prefix, c, path[k]);
    } else {
      if (k == gone + 1 && gone >= 0 && path[k].children > 0) --path[k].children;
      put(prefix, c, path[k]);
    }
  }
}

void ScoreIndex::drop(std::string_view prefix) {
  storage_.del_range(Column::kScores, prefix, layout::prefix_end(prefix));
  auto found = sets_.find(std::string(prefix));
  if (found == sets_.end()) return;
  dirty_sets_.erase(found->first);  // its changes go with it
  bytes_ -= std::min(bytes_, found->second.bytes);
  lru_.erase(found->second.lru);
  sets_.erase(found);
}

uint64_t ScoreIndex::count_before(std::string_view prefix, std::string_view pos) {
  SetCache& c = open(prefix);
  uint64_t before = 0;
  Bucket parent;
  for (int k = kLevels - 1; k >= 0; --k) {
    if (k + 1 < kLevels) load_children(prefix, c, k, parent);
    const auto& m = c.level[k];
    // The buckets from the holder above up to pos (all its children); all
    // but the last, the holder at this level, come before pos.
    auto holder = m.end();
    for (auto it = m.lower_bound(parent.fence); it != m.end() && it->first <= pos; ++it) {
      if (holder != m.end()) before += holder->second.entries;
      holder = it;
    }
    if (holder == m.end()) return 0;  // no bucket yet: no entry
    parent = Bucket{k, holder->first, holder->second.entries, holder->second.children, true};
  }
  const std::string end = entry_key(prefix, pos);
  auto it = bounded(storage_, prefix);
  for (it->seek(entry_key(prefix, parent.fence)); it->valid() && it->key() < end; it->next()) {
    ++before;
  }
  return before;
}

std::optional<std::string> ScoreIndex::at_rank(std::string_view prefix, uint64_t rank) {
  SetCache& c = open(prefix);
  Bucket parent;
  for (int k = kLevels - 1; k >= 0; --k) {
    if (k + 1 < kLevels) load_children(prefix, c, k, parent);
    const auto& m = c.level[k];
    const uint64_t span = k + 1 < kLevels ? parent.children : m.size();
    uint64_t seen = 0;
    bool found = false;
    auto it = m.lower_bound(parent.fence);
    for (uint64_t i = 0; i < span && it != m.end(); ++i, ++it) {
      if (seen + it->second.entries > rank) {
        rank -= seen;
        parent = Bucket{k, it->first, it->second.entries, it->second.children, true};
        found = true;
        break;
      }
      seen += it->second.entries;
    }
    if (!found) return std::nullopt;
  }
  // At most kMaxChildren entries to step over.
  const std::string head = entry_key(prefix);
  auto it = bounded(storage_, prefix);
  it->seek(entry_key(prefix, parent.fence));
  for (uint64_t i = 0; i < rank && it->valid(); ++i) it->next();
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
  flush();
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
