#pragma once
// DUMP / RESTORE payloads in Redis' format: an RDB object (type byte and
// value), the RDB version (2 bytes, little-endian) and a CRC-64 (Jones,
// reflected, as Redis' crc64) of all that. Meridian writes the plain RDB
// types every Redis since 2.x loads (string, list, set, hash, zset with
// binary scores; a HyperLogLog as Redis' dense HLL string); it reads those
// and what Redis 7.0 writes for small values (listpacks, intsets,
// quicklists, int-encoded and LZF-compressed strings).
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/data/hyperloglog.h"
#include "core/data/value_type.h"

namespace meridian::dump {

inline constexpr uint16_t kRdbVersion = 10;  // Redis 7.0's

struct Value {
  ValueType type = ValueType::kNone;  // kString, kList, kSet, kHash, kZSet or kHll
  std::string str;                    // a string
  std::vector<std::string> items;     // list elements in order, set members
  std::vector<std::pair<std::string, std::string>> pairs;  // hash fields
  std::vector<std::pair<std::string, double>> scored;      // sorted-set members
  hll::Registers registers{};                              // a HyperLogLog
};

std::string encode(const Value& v);

enum class Decoded { kOk, kBadVersionOrChecksum, kBadFormat };
// A string holding Redis' HLL format comes back as kHll.
Decoded decode(std::string_view payload, Value* out);

uint64_t crc64(uint64_t crc, std::string_view data);

// FUNCTION DUMP / RESTORE payloads: each library's code after Redis' RDB
// function opcode, then the RDB version and CRC-64 as above. kBadFormat
// from decode_functions() means something other than a function.
std::string encode_functions(const std::vector<std::string>& codes);
Decoded decode_functions(std::string_view payload, std::vector<std::string>* codes);

}  // namespace meridian::dump
