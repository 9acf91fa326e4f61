#pragma once
#include <cstdint>

namespace meridian {

// The Redis type of a key. Numbered as stored: never renumber.
enum class ValueType : uint8_t { kNone = 0, kString = 1, kSet = 2, kHash = 3, kList = 4, kZSet = 5 };
inline constexpr uint8_t kMaxValueType = 5;

const char* type_name(ValueType t);  // "string", "set", "hash", "list", "zset", "none"

inline bool is_collection(ValueType t) {
  return t == ValueType::kSet || t == ValueType::kHash || t == ValueType::kList ||
         t == ValueType::kZSet;
}
// Collections whose fields carry a value (a set's members carry none; a
// sorted set's carry the score).
inline bool has_field_values(ValueType t) {
  return t == ValueType::kHash || t == ValueType::kList || t == ValueType::kZSet;
}

}  // namespace meridian
