#pragma once
#include <cstdint>
#include <string_view>

namespace meridian {

// The Redis type of a key. Numbered as stored: never renumber.
// 5: sorted sets. kStream: fields are entries named by id (core/data/
// stream_id.h) and an anchor (core/commands/stream_access.h). kHll: a HyperLogLog, whose fields are
// its nonzero registers (core/data/hyperloglog.h); Redis calls it a string.
enum class ValueType : uint8_t {
  kNone = 0,
  kString = 1,
  kSet = 2,
  kHash = 3,
  kList = 4,
  kZSet = 5,
  kHll = 6,
  kStream = 7,
};
inline constexpr uint8_t kMaxValueType = 7;

// "string", "set", "hash", "list", "zset", "stream", "none"; a HyperLogLog is a
// "string", as TYPE and SCAN TYPE report it in Redis.
const char* type_name(ValueType t);

inline bool is_collection(ValueType t) {
  return t == ValueType::kSet || t == ValueType::kHash || t == ValueType::kList ||
         t == ValueType::kZSet || t == ValueType::kHll || t == ValueType::kStream;
}
// Collections whose fields carry a value (a set's members carry none; a
// sorted set's carry the score).
inline bool has_field_values(ValueType t) {
  return t == ValueType::kHash || t == ValueType::kList || t == ValueType::kZSet ||
         t == ValueType::kHll || t == ValueType::kStream;
}

// Whether a collection's field is one of its elements (what XLEN, SCARD...
// count) rather than bookkeeping kept beside them: a stream's elements are
// its entries, named by 16-byte ids; its anchor and consumer-group records
// are not. KeyRecord::extra counts the others.
inline bool is_element_field(ValueType t, std::string_view name) {
  return t != ValueType::kStream || name.size() == 16;
}

}  // namespace meridian
