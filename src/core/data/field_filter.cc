#include "core/data/field_filter.h"

#include <xxhash.h>

#include "core/base/assert.h"

namespace meridian {
namespace {

constexpr size_t kFirstCapacity = 1024;
constexpr size_t kGrowth = 4;
constexpr size_t kBitsPerName = 10;
constexpr int kProbes = 6;

uint64_t hash_of(std::string_view name) {
  return XXH3_64bits(name.data(), name.size());
}

}  // namespace

void FieldFilter::set(Stage& s, uint64_t h) {
  size_t blocks = s.words.size() / 8;
  uint64_t* block = &s.words[(h % blocks) * 8];
  uint64_t g = h * 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < kProbes; ++i) {
    unsigned bit = static_cast<unsigned>(g >> 55);  // 9 bits: 0..511
    block[bit / 64] |= uint64_t{1} << (bit % 64);
    g *= 0xC2B2AE3D27D4EB4FULL;
  }
}

bool FieldFilter::test(const Stage& s, uint64_t h) {
  size_t blocks = s.words.size() / 8;
  const uint64_t* block = &s.words[(h % blocks) * 8];
  uint64_t g = h * 0x9E3779B97F4A7C15ULL;
  for (int i = 0; i < kProbes; ++i) {
    unsigned bit = static_cast<unsigned>(g >> 55);
    if (!(block[bit / 64] & (uint64_t{1} << (bit % 64)))) return false;
    g *= 0xC2B2AE3D27D4EB4FULL;
  }
  return true;
}

size_t FieldFilter::growth() const {
  if (!stages_.empty() && stages_.back().count < stages_.back().capacity) return 0;
  size_t capacity = stages_.empty() ? kFirstCapacity : stages_.back().capacity * kGrowth;
  return (capacity * kBitsPerName / 512 + 1) * 64;
}

void FieldFilter::add(std::string_view name) {
  if (stages_.empty() || stages_.back().count >= stages_.back().capacity) {
    Stage s;
    s.capacity = stages_.empty() ? kFirstCapacity : stages_.back().capacity * kGrowth;
    s.words.assign((s.capacity * kBitsPerName / 512 + 1) * 8, 0);
    bytes_ += s.words.size() * 8;
    stages_.push_back(std::move(s));
  }
  Stage& s = stages_.back();
  set(s, hash_of(name));
  ++s.count;
}

bool FieldFilter::may_contain(std::string_view name) const {
  uint64_t h = hash_of(name);
  for (const auto& s : stages_)
    if (test(s, h)) return true;
  return false;
}

void FieldFilters::start(uint64_t generation) {
  filters_.try_emplace(generation);
}

void FieldFilters::add(uint64_t generation, std::string_view name) {
  auto it = filters_.find(generation);
  if (it == filters_.end()) return;
  size_t more = it->second.growth();
  if (bytes_ + more > budget_) {
    // Out of room: this generation goes back to storage lookups.
    bytes_ -= it->second.bytes();
    filters_.erase(it);
    return;
  }
  it->second.add(name);
  bytes_ += more;
  MERIDIAN_ASSERT(it->second.may_contain(name), "a field just added is in its filter");
}

bool FieldFilters::may_contain(uint64_t generation, std::string_view name) const {
  auto it = filters_.find(generation);
  return it == filters_.end() || it->second.may_contain(name);
}

void FieldFilters::drop(uint64_t generation) {
  auto it = filters_.find(generation);
  if (it == filters_.end()) return;
  bytes_ -= it->second.bytes();
  filters_.erase(it);
}

void FieldFilters::clear() {
  filters_.clear();
  bytes_ = 0;
}

}  // namespace meridian
