#pragma once
#include <cstdint>

namespace meridian {

// The Redis type of a key. Numbered as stored: never renumber.
enum class ValueType : uint8_t { kNone = 0, kString = 1, kSet = 2, kHash = 3, kList = 4 };
inline constexpr uint8_t kMaxValueType = 4;

const char* type_name(ValueType t);  // "string", "set", "hash", "list", "none"

inline bool is_collection(ValueType t) {
  return t == ValueType::kSet || t == ValueType::kHash || t == ValueType::kList;
}
// Collections whose fields carry a value (a set's members carry none).
inline bool has_field_values(ValueType t) {
  return t == ValueType::kHash || t == ValueType::kList;
}

}  // namespace meridian
