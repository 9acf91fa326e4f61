#include "core/data/hll_store.h"

#include <algorithm>
#include <optional>

namespace meridian::hll {
namespace {

// Below this many registers to raise, each is looked up alone; above it
// the key's registers are read in one pass (at most 16384 fields).
constexpr size_t kPointReads = 64;

}  // namespace

uint8_t max_rank(const crdt::Cell& cell) {
  uint8_t best = 0;
  for (const auto& e : cell.entries) {
    if (e.kind == crdt::Entry::kValue) best = std::max(best, rank_of(e.value));
  }
  return best;
}

void read_registers(Keyspace& ks, std::string_view key, const KeyRecord& rec, Registers& regs) {
  ks.for_each_field(key, rec, [&](std::string_view name, const FieldRecord& f) {
    uint16_t i = 0;
    if (parse_register_name(name, &i)) regs[i] = std::max(regs[i], rank_of(f.value));
    return true;
  });
}

bool raise_registers(Keyspace& ks, std::string_view key, const KeyRecord* old,
                     const std::vector<Slot>& slots, int64_t now_ms) {
  KeyRecord rec = old != nullptr ? *old : ks.new_collection(ValueType::kHll, key);
  std::optional<Registers> held;
  if (old != nullptr && slots.size() > kPointReads) {
    held.emplace();
    held->fill(0);
    read_registers(ks, key, rec, *held);
  }
  auto current = [&](uint16_t i) -> uint8_t {
    if (old == nullptr) return 0;  // an absent key holds no live field
    if (held) return (*held)[i];
    auto f = ks.get_field(key, rec, register_name(i));
    return f ? rank_of(f->value) : 0;
  };
  bool raised = false;
  for (const auto& s : slots) {
    const uint8_t now = current(s.index);
    if (s.rank <= now) continue;
    ks.put_field(key, rec, register_name(s.index), rank_value(s.rank), now_ms);
    if (now == 0) ++rec.count;
    raised = true;
  }
  if (old == nullptr && !raised) {
    // An empty HyperLogLog exists in Redis; a collection lives by its fields.
    ks.put_field(key, rec, kEmptyMarker, {}, now_ms);
    ++rec.count;
  }
  if (old != nullptr && !raised) return false;
  ks.write(key, rec, old, now_ms);
  return true;
}

std::vector<Slot> slots_of(const std::vector<std::string_view>& elements) {
  std::vector<Slot> slots;
  slots.reserve(elements.size());
  for (auto e : elements) slots.push_back(slot_of(e));
  std::sort(slots.begin(), slots.end(), [](const Slot& a, const Slot& b) {
    return a.index != b.index ? a.index < b.index : a.rank > b.rank;
  });
  slots.erase(std::unique(slots.begin(), slots.end(),
                          [](const Slot& a, const Slot& b) { return a.index == b.index; }),
              slots.end());
  return slots;
}

}  // namespace meridian::hll
