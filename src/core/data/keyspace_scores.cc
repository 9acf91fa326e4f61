// Sorted-set reads through the score index. The index follows the stored
// field records (Keyspace::reindex), so it is exact except while a delete's
// void members wait for reclaim(): then every entry is checked against the
// member's live field, and ranks are counted by a walk.
#include <algorithm>

#include "core/data/keyspace.h"
#include "core/data/zset_score.h"

namespace meridian {

bool Keyspace::scores_exact(std::string_view key) {
  if (!merging()) return true;
  const auto& rec = read_record(key);
  if (!rec || !(rec->flags & KeyRecord::kFlagVoidFields)) return true;
  // After a restart the queue is empty: the flag puts the key back on it.
  if (std::find(reclaim_.begin(), reclaim_.end(), key) == reclaim_.end()) {
    reclaim_.emplace_back(key);
  }
  return false;
}

void Keyspace::zscan(std::string_view key, const KeyRecord& rec, std::string_view pos, bool reverse,
                     const std::function<bool(double score, std::string_view member)>& fn) {
  const std::string prefix = layout::field_prefix(key, rec.generation);
  if (scores_exact(key)) return scores_.scan(prefix, pos, reverse, fn);
  // Reads only (fields and caches): nothing writes while the index iterator is open.
  scores_.scan(prefix, pos, reverse, [&](double score, std::string_view member) {
    auto f = get_field(key, rec, member);
    if (!f || zset::parse_score(f->value) != score) return true;  // void, not yet reclaimed
    return fn(score, member);
  });
}

uint64_t Keyspace::zcount_before(std::string_view key, const KeyRecord& rec, std::string_view pos) {
  if (scores_exact(key)) {
    return scores_.count_before(layout::field_prefix(key, rec.generation), pos);
  }
  uint64_t n = 0;
  zscan(key, rec, {}, false, [&](double score, std::string_view member) {
    if (ScoreIndex::position(score, member) >= pos) return false;
    ++n;
    return true;
  });
  return n;
}

std::optional<std::string> Keyspace::zat_rank(std::string_view key, const KeyRecord& rec,
                                              uint64_t rank) {
  if (scores_exact(key)) {
    return scores_.at_rank(layout::field_prefix(key, rec.generation), rank);
  }
  std::optional<std::string> out;
  uint64_t i = 0;
  zscan(key, rec, {}, false, [&](double score, std::string_view member) {
    if (i++ < rank) return true;
    out = ScoreIndex::position(score, member);
    return false;
  });
  return out;
}

}  // namespace meridian
