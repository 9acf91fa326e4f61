#pragma once
// Little helpers for the stored binary formats: LEB128 varints and big-endian
// fixed-width integers (big-endian so that encoded keys sort numerically).
#include <cstdint>
#include <string>
#include <string_view>

namespace meridian::coding {

inline void put_varint(std::string& out, uint64_t v) {
  while (v >= 0x80) {
    out.push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out.push_back(static_cast<char>(v));
}

// Reads a varint from the front of `in` and advances it; false on truncation.
inline bool get_varint(std::string_view& in, uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in.empty(); shift += 7) {
    auto byte = static_cast<uint8_t>(in.front());
    in.remove_prefix(1);
    result |= static_cast<uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

inline void put_fixed64_be(std::string& out, uint64_t v) {
  for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}

inline bool get_fixed64_be(std::string_view& in, uint64_t* v) {
  if (in.size() < 8) return false;
  uint64_t r = 0;
  for (int i = 0; i < 8; ++i) r = (r << 8) | static_cast<uint8_t>(in[i]);
  in.remove_prefix(8);
  *v = r;
  return true;
}

inline void put_bytes(std::string& out, std::string_view b) {
  put_varint(out, b.size());
  out.append(b);
}

inline bool get_bytes(std::string_view& in, std::string_view* b) {
  uint64_t n = 0;
  if (!get_varint(in, &n) || n > in.size()) return false;
  *b = in.substr(0, n);
  in.remove_prefix(n);
  return true;
}

}  // namespace meridian::coding
