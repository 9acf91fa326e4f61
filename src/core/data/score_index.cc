#include "core/data/score_index.h"

#include "core/base/assert.h"
#include "core/base/coding.h"
#include "core/data/records.h"
#include "core/data/zset_score.h"

namespace meridian {
namespace {

constexpr char kBucket = 'b';
constexpr char kEntry = 'e';

std::string with(std::string_view prefix, char tag, std::string_view pos = {}) {
  std::string k;
  k.reserve(prefix.size() + 1 + pos.size());
  k.append(prefix);
  k.push_back(tag);
  k.append(pos);
  return k;
}

bool starts_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.compare(0, p.size(), p) == 0;
}

uint64_t decode_count(std::string_view v) {
  uint64_t n = 0;
  coding::get_varint(v, &n);
  return n;
}

}  // namespace

std::string ScoreIndex::position(double score, std::string_view member) {
  std::string pos = zset::order_key(score);
  pos.append(member);
  return pos;
}

std::optional<ScoreIndex::Bucket> ScoreIndex::bucket_of(std::string_view prefix,
                                                        std::string_view pos) {
  const std::string head = with(prefix, kBucket);
  auto it = storage_.iterate(Column::kScores);
  it->seek_for_prev(with(prefix, kBucket, pos));
  if (!it->valid() || !starts_with(it->key(), head)) return std::nullopt;
  return Bucket{std::string(it->key()), decode_count(it->value())};
}

void ScoreIndex::put_bucket(const Bucket& b) {
  std::string v;
  coding::put_varint(v, b.count);
  storage_.put(Column::kScores, b.key, v);
}

void ScoreIndex::add(std::string_view prefix, double score, std::string_view member) {
  const std::string pos = position(score, member);
  storage_.put(Column::kScores, with(prefix, kEntry, pos), {});
  Bucket b = bucket_of(prefix, pos).value_or(Bucket{with(prefix, kBucket), 0});
  ++b.count;
  if (b.count <= kMaxBucket) return put_bucket(b);
  // Split: the upper half gets a bucket of its own, starting at its first entry.
  const size_t head = prefix.size() + 1;
  std::string mid;
  {
    auto it = storage_.iterate(Column::kScores);
    it->seek(with(prefix, kEntry, std::string_view(b.key).substr(head)));
    for (uint64_t i = 0; i < b.count / 2 && it->valid(); ++i) it->next();
    MERIDIAN_ASSERT(it->valid() && starts_with(it->key(), with(prefix, kEntry)),
                    "a bucket holds the entries it counts");
    mid.assign(it->key().substr(head));
  }
  Bucket upper{with(prefix, kBucket, mid), b.count - b.count / 2};
  b.count /= 2;
  put_bucket(b);
  put_bucket(upper);
}

void ScoreIndex::remove(std::string_view prefix, double score, std::string_view member) {
  const std::string pos = position(score, member);
  storage_.del(Column::kScores, with(prefix, kEntry, pos));
  auto b = bucket_of(prefix, pos);
  MERIDIAN_ASSERT(b && b->count > 0, "a removed entry was counted");
  if (!b || b->count == 0) return;
  --b->count;
  if (b->count == 0 && b->key.size() > prefix.size() + 1) {
    storage_.del(Column::kScores, b->key);  // empty and not the first
  } else {
    put_bucket(*b);
  }
}

void ScoreIndex::drop(std::string_view prefix) {
  storage_.del_range(Column::kScores, prefix, layout::prefix_end(prefix));
}

uint64_t ScoreIndex::count_before(std::string_view prefix, std::string_view pos) {
  const std::string head = with(prefix, kBucket);
  const std::string target = with(prefix, kBucket, pos);
  uint64_t before = 0;     // entries of the buckets before the holder
  std::string holder_pos;  // position of the bucket holding pos
  {
    uint64_t last = 0;
    auto it = storage_.iterate(Column::kScores);
    for (it->seek(head); it->valid() && starts_with(it->key(), head) && it->key() <= target;
         it->next()) {
      before += last;
      last = decode_count(it->value());
      holder_pos.assign(it->key().substr(head.size()));
    }
  }
  const std::string end = with(prefix, kEntry, pos);
  auto it = storage_.iterate(Column::kScores);
  for (it->seek(with(prefix, kEntry, holder_pos)); it->valid() && it->key() < end; it->next()) {
    ++before;
  }
  return before;
}

std::optional<std::string> ScoreIndex::at_rank(std::string_view prefix, uint64_t rank,
                                               uint64_t total) {
  if (rank >= total) return std::nullopt;
  const std::string head = with(prefix, kBucket);
  std::string from;   // the holder bucket's position
  uint64_t skip = 0;  // entries of the holder before the one wanted
  bool found = false;
  {
    auto it = storage_.iterate(Column::kScores);
    if (rank < total / 2) {
      uint64_t seen = 0;
      for (it->seek(head); it->valid() && starts_with(it->key(), head); it->next()) {
        uint64_t n = decode_count(it->value());
        if (seen + n > rank) {
          from.assign(it->key().substr(head.size()));
          skip = rank - seen;
          found = true;
          break;
        }
        seen += n;
      }
    } else {
      const uint64_t from_end = total - 1 - rank;
      uint64_t seen = 0;
      for (it->seek_for_prev(with(prefix, static_cast<char>(kBucket + 1)));
           it->valid() && starts_with(it->key(), head); it->prev()) {
        uint64_t n = decode_count(it->value());
        if (seen + n > from_end) {
          from.assign(it->key().substr(head.size()));
          skip = n - 1 - (from_end - seen);
          found = true;
          break;
        }
        seen += n;
      }
    }
  }
  if (!found) return std::nullopt;
  const std::string entries = with(prefix, kEntry);
  auto it = storage_.iterate(Column::kScores);
  it->seek(with(prefix, kEntry, from));
  for (uint64_t i = 0; i < skip && it->valid(); ++i) it->next();
  if (!it->valid() || !starts_with(it->key(), entries)) return std::nullopt;
  return std::string(it->key().substr(entries.size()));
}

void ScoreIndex::scan(std::string_view prefix, std::string_view pos, bool reverse,
                      const std::function<bool(double, std::string_view)>& fn) {
  const std::string entries = with(prefix, kEntry);
  auto it = storage_.iterate(Column::kScores);
  if (!reverse) {
    it->seek(with(prefix, kEntry, pos));
  } else {
    // The last entry before pos: seek_for_prev is inclusive, so step off an
    // exact match.
    const std::string bound =
        pos.empty() ? with(prefix, static_cast<char>(kEntry + 1)) : with(prefix, kEntry, pos);
    it->seek_for_prev(bound);
    if (it->valid() && it->key() == bound) it->prev();
  }
  for (; it->valid() && starts_with(it->key(), entries); reverse ? it->prev() : it->next()) {
    std::string_view p = it->key().substr(entries.size());
    if (p.size() < 8) continue;
    if (!fn(zset::from_order_key(p.substr(0, 8)), p.substr(8))) return;
  }
}

std::pair<uint64_t, uint64_t> ScoreIndex::audit(std::string_view prefix) {
  uint64_t entries = 0, counted = 0;
  auto it = storage_.iterate(Column::kScores);
  const std::string b = with(prefix, kBucket), e = with(prefix, kEntry);
  for (it->seek(prefix); it->valid() && starts_with(it->key(), prefix); it->next()) {
    if (starts_with(it->key(), b)) counted += decode_count(it->value());
    if (starts_with(it->key(), e)) ++entries;
  }
  return {entries, counted};
}

}  // namespace meridian
