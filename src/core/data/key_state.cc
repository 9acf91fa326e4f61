#include "core/data/key_state.h"

#include <algorithm>

#include "core/base/coding.h"

namespace meridian {
namespace {

void put_version(std::string& out, Version v) {
  coding::put_fixed64_be(out, v.hlc.packed);
  coding::put_varint(out, v.origin);
}

bool get_version(std::string_view& in, Version* v) {
  uint64_t origin = 0;
  if (!coding::get_fixed64_be(in, &v->hlc.packed) || !coding::get_varint(in, &origin) ||
      origin > UINT32_MAX) {
    return false;
  }
  v->origin = static_cast<RegionId>(origin);
  return true;
}

size_t cell_cost(const crdt::Cell& c) {
  size_t n = c.entries.size() * sizeof(crdt::Entry) + c.counter.size() * sizeof(crdt::CounterPart);
  for (const auto& e : c.entries) n += e.value.size();
  return n;
}

}  // namespace

Version KeyState::latest_of(ValueType t) const {
  for (const auto& [type, v] : latest)
    if (type == t) return v;
  return Version{};
}

bool KeyState::note_write(ValueType t, Version v) {
  auto it = std::lower_bound(latest.begin(), latest.end(), t,
                             [](const auto& e, ValueType x) { return e.first < x; });
  if (it != latest.end() && it->first == t) {
    if (!(it->second < v)) return false;
    it->second = v;
    return true;
  }
  latest.insert(it, {t, v});
  return true;
}

Version KeyState::newest() const {
  Version best;
  for (const auto& [t, v] : latest) best = std::max(best, v);
  return std::max(best, cleared);
}

ValueType KeyState::newest_type() const {
  ValueType type = ValueType::kNone;
  Version best;
  for (const auto& [t, v] : latest) {
    if (best < v) {
      best = v;
      type = t;
    }
  }
  // A whole-key write (lww DEL) later than every typed write leaves no type.
  return cleared < best ? type : ValueType::kNone;
}

Version KeyState::void_before(ValueType t, Version watermark) const {
  Version before = std::max(cleared, watermark);
  for (const auto& [type, v] : latest)
    if (type != t) before = std::max(before, v);
  return before;
}

void KeyState::merge_thresholds(const KeyState& other) {
  removed.merge(other.removed);
  cleared = std::max(cleared, other.cleared);
  for (const auto& [t, v] : other.latest) note_write(t, v);
}

size_t KeyState::cache_cost() const {
  return cell_cost(value) + cell_cost(expiry) + removed.entries().size() * 16 +
         latest.size() * sizeof(latest[0]);
}

void KeyState::encode(std::string& out) const {
  out.push_back(static_cast<char>(kFormat));
  value.encode(out);
  expiry.encode(out);
  removed.encode(out);
  bool has_cleared = !cleared.empty();
  out.push_back(has_cleared ? 1 : 0);
  if (has_cleared) put_version(out, cleared);
  coding::put_varint(out, latest.size());
  for (const auto& [t, v] : latest) {
    out.push_back(static_cast<char>(t));
    put_version(out, v);
  }
}

bool KeyState::decode(std::string_view& in) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != kFormat) return false;
  in.remove_prefix(1);
  *this = KeyState{};
  if (!value.decode(in) || !expiry.decode(in) || !removed.decode(in) || in.empty()) return false;
  bool has_cleared = in[0] != 0;
  in.remove_prefix(1);
  if (has_cleared && !get_version(in, &cleared)) return false;
  uint64_t n = 0;
  if (!coding::get_varint(in, &n) || n > in.size()) return false;
  for (uint64_t i = 0; i < n; ++i) {
    if (in.empty()) return false;
    auto t = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    Version v;
    if (t == 0 || t > kMaxValueType || !get_version(in, &v)) return false;
    if (!latest.empty() && static_cast<uint8_t>(latest.back().first) >= t) return false;
    latest.emplace_back(static_cast<ValueType>(t), v);
  }
  return true;
}

}  // namespace meridian
