#include "core/commands/dump_format.h"

#include <lzf.h>

#include <array>
#include <cmath>
#include <cstring>
#include <optional>

#include "core/base/numbers.h"

namespace meridian::dump {
namespace {

enum RdbType : uint8_t {
  kString = 0,
  kList = 1,
  kSet = 2,
  kZSet = 3,
  kHash = 4,
  kZSet2 = 5,
  kSetIntset = 11,
  kHashListpack = 16,
  kZSetListpack = 17,
  kListQuicklist2 = 18,
};

// Redis' HLL string: "HYLL", encoding, 3 unused bytes, 8 bytes of cached
// cardinality (top bit of the last set: not valid), then the registers.
constexpr size_t kHllHeader = 16;
constexpr size_t kHllDense = kHllHeader + hll::kRegisters * 6 / 8;

// ---------------------------------------------------------------- writing

void put_length(std::string& out, uint64_t n) {
  if (n < (1 << 6)) {
    out.push_back(static_cast<char>(n));
  } else if (n < (1 << 14)) {
    out.push_back(static_cast<char>(0x40 | (n >> 8)));
    out.push_back(static_cast<char>(n & 0xff));
  } else if (n <= UINT32_MAX) {
    out.push_back(static_cast<char>(0x80));
    for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  } else {
    out.push_back(static_cast<char>(0x81));
    for (int i = 7; i >= 0; --i) out.push_back(static_cast<char>((n >> (8 * i)) & 0xff));
  }
}

void put_string(std::string& out, std::string_view s) {
  put_length(out, s.size());
  out.append(s);
}

std::string dense_hll(const hll::Registers& regs) {
  std::string s(kHllDense, '\0');
  std::memcpy(s.data(), "HYLL", 4);
  s[kHllHeader - 1] = static_cast<char>(0x80);  // no cached cardinality
  auto* p = reinterpret_cast<unsigned char*>(s.data() + kHllHeader);
  for (size_t i = 0; i < hll::kRegisters; ++i) {
    const size_t bit = i * 6, byte = bit / 8, fb = bit & 7;
    const unsigned v = regs[i] & 63u;
    p[byte] = static_cast<unsigned char>((p[byte] & ~(63u << fb)) | (v << fb));
    if (fb > 2) {
      p[byte + 1] =
          static_cast<unsigned char>((p[byte + 1] & ~(63u >> (8 - fb))) | (v >> (8 - fb)));
    }
  }
  return s;
}

// ---------------------------------------------------------------- reading

class Reader {
 public:
  explicit Reader(std::string_view in) : in_(in) {}
  bool done() const { return in_.empty(); }
  std::optional<uint8_t> byte() {
    if (in_.empty()) return std::nullopt;
    auto b = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    return b;
  }
  std::optional<std::string_view> take(uint64_t n) {
    if (n > in_.size()) return std::nullopt;
    auto s = in_.substr(0, n);
    in_.remove_prefix(n);
    return s;
  }
  // A length; `special` is set to the encoding for 11xxxxxx.
  std::optional<uint64_t> length(int* special = nullptr) {
    auto b = byte();
    if (!b) return std::nullopt;
    if (special) *special = -1;
    switch (*b >> 6) {
      case 0:
        return *b & 0x3f;
      case 1: {
        auto c = byte();
        if (!c) return std::nullopt;
        return (uint64_t{*b & 0x3fu} << 8) | *c;
      }
      case 2: {
        const int n = *b == 0x80 ? 4 : *b == 0x81 ? 8 : 0;
        if (n == 0) return std::nullopt;
        auto s = take(static_cast<uint64_t>(n));
        if (!s) return std::nullopt;
        uint64_t v = 0;
        for (char c : *s) v = v << 8 | static_cast<unsigned char>(c);
        return v;
      }
      default:
        if (!special) return std::nullopt;
        *special = *b & 0x3f;
        return 0;
    }
  }
  std::optional<std::string> string() {
    int special = -1;
    auto n = length(&special);
    if (!n) return std::nullopt;
    if (special < 0) {
      auto s = take(*n);
      if (!s) return std::nullopt;
      return std::string(*s);
    }
    if (special <= 2) {  // an integer of 1, 2 or 4 bytes, little-endian
      auto s = take(uint64_t{1} << special);
      if (!s) return std::nullopt;
      uint64_t v = 0;
      for (size_t i = s->size(); i-- > 0;) v = v << 8 | static_cast<unsigned char>((*s)[i]);
      const int bits = 8 << special;
      int64_t sv = static_cast<int64_t>(v << (64 - bits)) >> (64 - bits);
      return format_int64(sv);
    }
    if (special == 3) {  // LZF: compressed length, length, data
      auto clen = length(), len = length();
      if (!clen || !len || *len > (uint64_t{512} << 20)) return std::nullopt;
      auto c = take(*clen);
      if (!c) return std::nullopt;
      std::string out(*len, '\0');
      if (*len > 0 && lzf_decompress(c->data(), static_cast<unsigned>(c->size()), out.data(),
                                     static_cast<unsigned>(*len)) != *len) {
        return std::nullopt;
      }
      return out;
    }
    return std::nullopt;
  }

 private:
  std::string_view in_;
};

int64_t le(std::string_view s) {
  uint64_t v = 0;
  for (size_t i = s.size(); i-- > 0;) v = v << 8 | static_cast<unsigned char>(s[i]);
  const int bits = static_cast<int>(s.size() * 8);
  return bits == 64 ? static_cast<int64_t>(v)
                    : static_cast<int64_t>(v << (64 - bits)) >> (64 - bits);
}

// The entries of a listpack, as strings (integers in decimal).
bool listpack(std::string_view lp, std::vector<std::string>* out) {
  if (lp.size() < 7) return false;
  Reader r(lp.substr(6));
  for (;;) {
    auto b = r.byte();
    if (!b) return false;
    if (*b == 0xff) return true;
    size_t size = 1;  // encoding and data, for the back-length after them
    std::string v;
    if ((*b & 0x80) == 0) {
      v = std::to_string(*b & 0x7f);
    } else if ((*b & 0xc0) == 0x80) {
      auto s = r.take(*b & 0x3f);
      if (!s) return false;
      v.assign(*s);
      size += s->size();
    } else if ((*b & 0xe0) == 0xc0) {
      auto c = r.byte();
      if (!c) return false;
      int64_t x = ((*b & 0x1f) << 8) | *c;
      if (x >= (1 << 12)) x -= 1 << 13;
      v = format_int64(x);
      size = 2;
    } else if ((*b & 0xf0) == 0xe0) {
      auto c = r.byte();
      if (!c) return false;
      auto s = r.take(((*b & 0x0fu) << 8) | *c);
      if (!s) return false;
      v.assign(*s);
      size = 2 + s->size();
    } else if (*b == 0xf0) {
      auto n = r.take(4);
      if (!n) return false;
      auto s = r.take(static_cast<uint64_t>(le(*n)) & 0xffffffffu);
      if (!s) return false;
      v.assign(*s);
      size = 5 + s->size();
    } else if (*b >= 0xf1 && *b <= 0xf4) {
      const uint64_t width = *b == 0xf1 ? 2 : *b == 0xf2 ? 3 : *b == 0xf3 ? 4 : 8;
      auto s = r.take(width);
      if (!s) return false;
      v = format_int64(le(*s));
      size = 1 + width;
    } else {
      return false;
    }
    const uint64_t back = size < 128         ? 1
                          : size < 16384     ? 2
                          : size < 2097152   ? 3
                          : size < 268435456 ? 4
                                             : 5;
    if (!r.take(back)) return false;
    out->push_back(std::move(v));
  }
}

bool intset(std::string_view s, std::vector<std::string>* out) {
  if (s.size() < 8) return false;
  const auto width = static_cast<size_t>(le(s.substr(0, 4)));
  const auto n = static_cast<size_t>(static_cast<uint32_t>(le(s.substr(4, 4))));
  if ((width != 2 && width != 4 && width != 8) || s.size() != 8 + width * n) return false;
  for (size_t i = 0; i < n; ++i) out->push_back(format_int64(le(s.substr(8 + i * width, width))));
  return true;
}

std::optional<double> parse_double(const std::string& s) {
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (s.empty() || end != s.c_str() + s.size() || std::isnan(d)) return std::nullopt;
  return d;
}

// Redis' HLL string (dense or sparse) into registers.
bool hll_registers(std::string_view s, hll::Registers* regs) {
  if (s.size() < kHllHeader || s.substr(0, 4) != "HYLL") return false;
  regs->fill(0);
  const auto* p = reinterpret_cast<const unsigned char*>(s.data() + kHllHeader);
  const size_t n = s.size() - kHllHeader;
  if (s[4] == 0) {  // dense
    if (s.size() != kHllDense) return false;
    for (size_t i = 0; i < hll::kRegisters; ++i) {
      const size_t bit = i * 6, byte = bit / 8, fb = bit & 7;
      unsigned v = p[byte] >> fb;
      if (fb > 2) v |= static_cast<unsigned>(p[byte + 1]) << (8 - fb);
      (*regs)[i] = static_cast<uint8_t>(v & 63);
    }
    return true;
  }
  if (s[4] != 1) return false;
  size_t idx = 0;
  for (size_t i = 0; i < n;) {  // sparse: ZERO, XZERO and VAL runs
    const unsigned char b = p[i];
    size_t run = 0;
    uint8_t value = 0;
    if ((b & 0xc0) == 0) {
      run = (b & 0x3f) + 1u;
      i += 1;
    } else if ((b & 0xc0) == 0x40) {
      if (i + 1 >= n) return false;
      run = (((b & 0x3fu) << 8) | p[i + 1]) + 1;
      i += 2;
    } else {
      value = static_cast<uint8_t>(((b >> 2) & 0x1f) + 1);
      run = (b & 3u) + 1;
      i += 1;
    }
    if (idx + run > hll::kRegisters) return false;
    for (size_t k = 0; k < run; ++k) (*regs)[idx++] = value;
  }
  return idx == hll::kRegisters;
}

bool read_object(Reader& r, uint8_t type, Value* v) {
  auto count = [&]() { return r.length(); };
  switch (type) {
    case kString: {
      auto s = r.string();
      if (!s) return false;
      if (hll_registers(*s, &v->registers)) {
        v->type = ValueType::kHll;
      } else {
        v->type = ValueType::kString;
        v->str = std::move(*s);
      }
      return true;
    }
    case kList:
    case kSet: {
      auto n = count();
      if (!n) return false;
      v->type = type == kList ? ValueType::kList : ValueType::kSet;
      for (uint64_t i = 0; i < *n; ++i) {
        auto s = r.string();
        if (!s) return false;
        v->items.push_back(std::move(*s));
      }
      return true;
    }
    case kHash: {
      auto n = count();
      if (!n) return false;
      v->type = ValueType::kHash;
      for (uint64_t i = 0; i < *n; ++i) {
        auto f = r.string(), val = r.string();
        if (!f || !val) return false;
        v->pairs.emplace_back(std::move(*f), std::move(*val));
      }
      return true;
    }
    case kZSet:
    case kZSet2: {
      auto n = count();
      if (!n) return false;
      v->type = ValueType::kZSet;
      for (uint64_t i = 0; i < *n; ++i) {
        auto m = r.string();
        if (!m) return false;
        double d = 0;
        if (type == kZSet2) {
          auto raw = r.take(8);
          if (!raw) return false;
          uint64_t bits = static_cast<uint64_t>(le(*raw));
          std::memcpy(&d, &bits, 8);
        } else {
          auto len = r.byte();
          if (!len) return false;
          if (*len >= 253) {
            d = *len == 253 ? NAN : *len == 254 ? INFINITY : -INFINITY;
          } else {
            auto txt = r.take(*len);
            if (!txt) return false;
            auto p = parse_double(std::string(*txt));
            if (!p) return false;
            d = *p;
          }
        }
        if (std::isnan(d)) return false;
        v->scored.emplace_back(std::move(*m), d);
      }
      return true;
    }
    case kSetIntset: {
      auto s = r.string();
      v->type = ValueType::kSet;
      return s && intset(*s, &v->items);
    }
    case kHashListpack:
    case kZSetListpack: {
      auto s = r.string();
      std::vector<std::string> e;
      if (!s || !listpack(*s, &e) || e.size() % 2 != 0) return false;
      for (size_t i = 0; i < e.size(); i += 2) {
        if (type == kHashListpack) {
          v->pairs.emplace_back(std::move(e[i]), std::move(e[i + 1]));
        } else {
          auto d = parse_double(e[i + 1]);
          if (!d) return false;
          v->scored.emplace_back(std::move(e[i]), *d);
        }
      }
      v->type = type == kHashListpack ? ValueType::kHash : ValueType::kZSet;
      return true;
    }
    case kListQuicklist2: {
      auto nodes = count();
      if (!nodes) return false;
      v->type = ValueType::kList;
      for (uint64_t i = 0; i < *nodes; ++i) {
        auto container = r.length();
        auto s = r.string();
        if (!container || !s) return false;
        if (*container == 1) {  // a plain node: one big element
          v->items.push_back(std::move(*s));
        } else if (*container != 2 || !listpack(*s, &v->items)) {
          return false;
        }
      }
      return true;
    }
    default:
      return false;  // modules, streams, ziplists of Redis < 7
  }
}

}  // namespace

uint64_t crc64(uint64_t crc, std::string_view data) {
  // Jones polynomial, reflected (Redis' crc64), one bit at a time over a
  // table built once.
  static const auto table = [] {
    std::array<uint64_t, 256> t{};
    for (uint64_t i = 0; i < 256; ++i) {
      uint64_t c = i;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? (c >> 1) ^ 0x95ac9329ac4bc9b5ULL : c >> 1;
      t[i] = c;
    }
    return t;
  }();
  for (unsigned char b : data) crc = table[(crc ^ b) & 0xff] ^ (crc >> 8);
  return crc;
}

namespace {

constexpr uint8_t kOpcodeFunction = 245;  // Redis' RDB_OPCODE_FUNCTION2

// The RDB version and CRC-64 every payload ends with.
void seal(std::string& out) {
  out.push_back(static_cast<char>(kRdbVersion & 0xff));
  out.push_back(static_cast<char>(kRdbVersion >> 8));
  const uint64_t crc = crc64(0, out);
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((crc >> (8 * i)) & 0xff));
}

// The body of a sealed payload, or nothing when its version or checksum is
// wrong.
std::optional<std::string_view> unseal(std::string_view payload) {
  if (payload.size() < 10) return std::nullopt;
  const std::string_view footer = payload.substr(payload.size() - 10);
  const auto version = static_cast<uint16_t>(static_cast<unsigned char>(footer[0]) |
                                             static_cast<unsigned char>(footer[1]) << 8);
  if (version > kRdbVersion) return std::nullopt;
  const auto stored = static_cast<uint64_t>(le(footer.substr(2)));
  if (crc64(0, payload.substr(0, payload.size() - 8)) != stored) return std::nullopt;
  return payload.substr(0, payload.size() - 10);
}

}  // namespace

std::string encode_functions(const std::vector<std::string>& codes) {
  std::string out;
  for (const auto& code : codes) {
    out.push_back(static_cast<char>(kOpcodeFunction));
    put_string(out, code);
  }
  seal(out);
  return out;
}

Decoded decode_functions(std::string_view payload, std::vector<std::string>* codes) {
  auto body = unseal(payload);
  if (!body) return Decoded::kBadVersionOrChecksum;
  Reader r(*body);
  while (!r.done()) {
    auto op = r.byte();
    if (!op || *op != kOpcodeFunction) return Decoded::kBadFormat;
    auto code = r.string();
    if (!code) return Decoded::kBadFormat;
    codes->push_back(std::move(*code));
  }
  return Decoded::kOk;
}

std::string encode(const Value& v) {
  std::string out;
  switch (v.type) {
    case ValueType::kList:
    case ValueType::kSet:
      out.push_back(static_cast<char>(v.type == ValueType::kList ? kList : kSet));
      put_length(out, v.items.size());
      for (const auto& s : v.items) put_string(out, s);
      break;
    case ValueType::kHash:
      out.push_back(static_cast<char>(kHash));
      put_length(out, v.pairs.size());
      for (const auto& [f, val] : v.pairs) {
        put_string(out, f);
        put_string(out, val);
      }
      break;
    case ValueType::kZSet:
      out.push_back(static_cast<char>(kZSet2));
      put_length(out, v.scored.size());
      for (const auto& [m, d] : v.scored) {
        put_string(out, m);
        uint64_t bits = 0;
        std::memcpy(&bits, &d, 8);
        for (int i = 0; i < 8; ++i) out.push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
      }
      break;
    case ValueType::kHll:
      out.push_back(static_cast<char>(kString));
      put_string(out, dense_hll(v.registers));
      break;
    default:
      out.push_back(static_cast<char>(kString));
      put_string(out, v.str);
      break;
  }
  seal(out);
  return out;
}

Decoded decode(std::string_view payload, Value* out) {
  auto body = unseal(payload);
  if (!body) return Decoded::kBadVersionOrChecksum;
  Reader r(*body);
  auto type = r.byte();
  if (!type || !read_object(r, *type, out) || !r.done()) return Decoded::kBadFormat;
  return Decoded::kOk;
}

}  // namespace meridian::dump
