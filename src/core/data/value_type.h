#pragma once
#include <cstdint>

namespace meridian {

// The Redis type of a key. Numbered as stored: never renumber.
enum class ValueType : uint8_t { kNone = 0, kString = 1, kSet = 2, kHash = 3 };
inline constexpr uint8_t kMaxValueType = 3;

const char* type_name(ValueType t);  // "string", "set", "hash", "none"

inline bool is_collection(ValueType t) {
  return t == ValueType::kSet || t == ValueType::kHash;
}

}  // namespace meridian
