#pragma once
#include <algorithm>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/coding.h"
#include "core/base/region_id.h"

namespace meridian {

// Per-key causal metadata: for each region, the highest write sequence number
// of that region this version of the key has seen. A write by region r with
// sequence s is the dot (r, s); a key's vector covers every dot that its
// current value supersedes. Kept sorted by region, small by construction (one
// entry per region that ever wrote the key).
class VersionVector {
 public:
  uint64_t get(RegionId region) const {
    auto it = find(region);
    return it != entries_.end() && it->first == region ? it->second : 0;
  }
  void set(RegionId region, uint64_t counter) {
    auto it = find(region);
    if (it != entries_.end() && it->first == region) {
      it->second = counter;
    } else {
      entries_.insert(it, {region, counter});
    }
  }
  void merge(const VersionVector& other) {
    for (const auto& [r, c] : other.entries_)
      if (c > get(r)) set(r, c);
  }
  // True when every dot of `other` is covered by this vector.
  bool dominates(const VersionVector& other) const {
    return std::all_of(other.entries_.begin(), other.entries_.end(),
                       [&](const auto& e) { return get(e.first) >= e.second; });
  }
  const std::vector<std::pair<RegionId, uint64_t>>& entries() const { return entries_; }
  bool operator==(const VersionVector&) const = default;

  void encode(std::string& out) const {
    coding::put_varint(out, entries_.size());
    for (const auto& [r, c] : entries_) {
      coding::put_varint(out, r);
      coding::put_varint(out, c);
    }
  }
  bool decode(std::string_view& in) {
    uint64_t n = 0;
    if (!coding::get_varint(in, &n) || n > in.size()) return false;
    entries_.clear();
    entries_.reserve(n);
    for (uint64_t i = 0; i < n; ++i) {
      uint64_t r = 0, c = 0;
      if (!coding::get_varint(in, &r) || !coding::get_varint(in, &c)) return false;
      entries_.emplace_back(static_cast<RegionId>(r), c);
    }
    return true;
  }

 private:
  std::vector<std::pair<RegionId, uint64_t>>::iterator find(RegionId region) {
    return std::lower_bound(entries_.begin(), entries_.end(), region,
                            [](const auto& e, RegionId r) { return e.first < r; });
  }
  std::vector<std::pair<RegionId, uint64_t>>::const_iterator find(RegionId region) const {
    return std::lower_bound(entries_.begin(), entries_.end(), region,
                            [](const auto& e, RegionId r) { return e.first < r; });
  }
  std::vector<std::pair<RegionId, uint64_t>> entries_;
};

}  // namespace meridian
