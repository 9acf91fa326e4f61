#pragma once
// Redis' HyperLogLog, bit for bit where a client can tell: the same hash
// (MurmurHash64A, seed 0xadc83b19), the same 16384 registers (P = 14) and
// the same estimator as Redis 7.0's hllCount (Otmar Ertl's histogram-based
// "new cardinality estimation algorithm"), so PFCOUNT answers exactly what
// redis-server answers for the same elements.
//
// Storage is ours: an HLL key is a collection whose fields are its nonzero
// registers, named by register_name() (2 bytes, big-endian index) and
// valued by one byte, the rank. A write raises only the registers it
// changes, so a delta carries only those. Across regions a register is a
// multi-value cell and reads take the maximum of its live entries
// (max_rank()): registers only grow, so any two copies merge by maximum.
// Pure functions, no I/O.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

namespace meridian::hll {

inline constexpr int kPrecision = 14;
inline constexpr size_t kRegisters = size_t{1} << kPrecision;  // 16384
// Ranks run from 1 to 64 - P + 1 = 51.
inline constexpr int kMaxRank = 64 - kPrecision + 1;

using Registers = std::array<uint8_t, kRegisters>;

// Redis' MurmurHash64A (little-endian reading of 8-byte blocks).
uint64_t murmur64a(std::string_view data, uint64_t seed);

// The register an element falls in and the rank it brings there.
struct Slot {
  uint16_t index = 0;
  uint8_t rank = 0;
};
Slot slot_of(std::string_view element);

// Redis 7.0's cardinality estimate of a set of registers.
uint64_t estimate(const Registers& regs);

// Field names: a register is 2 bytes (index, big-endian). A collection that
// holds no register yet (PFADD key with no elements) is kept alive by one
// field of another length, kEmptyMarker, which every read skips.
std::string register_name(uint16_t index);
// The index of a register field; false for the marker or anything else.
bool parse_register_name(std::string_view name, uint16_t* index);
inline constexpr std::string_view kEmptyMarker{"\xff", 1};

// Field values: the rank as one byte; an empty value is rank 0.
inline std::string rank_value(uint8_t rank) {
  return std::string(1, static_cast<char>(rank));
}
inline uint8_t rank_of(std::string_view value) {
  return value.empty() ? 0 : static_cast<uint8_t>(value[0]);
}

}  // namespace meridian::hll
