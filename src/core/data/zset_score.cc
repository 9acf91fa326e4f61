#include "core/data/zset_score.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace meridian::zset {

std::string format_score(double v) {
  if (std::isinf(v)) return v > 0 ? "inf" : "-inf";
  if (std::isnan(v)) return "nan";
  if (v == 0) return std::signbit(v) ? "-0" : "0";
  char buf[40];
  int n = std::snprintf(buf, sizeof(buf), "%.17g", v);
  return std::string(buf, static_cast<size_t>(n));
}

std::optional<double> parse_score(std::string_view s) {
  if (s.empty() || s.size() > 256 || std::isspace(static_cast<unsigned char>(s[0]))) {
    return std::nullopt;
  }
  std::string text(s);  // strtod needs a terminator
  errno = 0;
  char* end = nullptr;
  double v = std::strtod(text.c_str(), &end);
  if (end != text.c_str() + text.size()) return std::nullopt;
  if (errno == ERANGE && (v == HUGE_VAL || v == -HUGE_VAL || v == 0)) return std::nullopt;
  if (std::isnan(v)) return std::nullopt;
  return v;
}

namespace {

uint64_t order_bits(double v) {
  if (v == 0) v = 0;  // -0 and 0 are one score
  uint64_t bits = 0;
  std::memcpy(&bits, &v, sizeof(bits));
  return (bits & (1ULL << 63)) ? ~bits : bits | (1ULL << 63);
}

std::string be8(uint64_t x) {
  std::string out(8, '\0');
  for (int i = 7; i >= 0; --i) {
    out[static_cast<size_t>(i)] = static_cast<char>(x & 0xff);
    x >>= 8;
  }
  return out;
}

}  // namespace

std::string order_key(double v) {
  return be8(order_bits(v));
}

std::string order_key_after(double v) {
  // Order bits of +inf are below all-ones (NaN is never stored), so +1 fits.
  return be8(order_bits(v) + 1);
}

double from_order_key(std::string_view eight) {
  uint64_t x = 0;
  for (size_t i = 0; i < 8 && i < eight.size(); ++i) {
    x = x << 8 | static_cast<unsigned char>(eight[i]);
  }
  uint64_t bits = (x & (1ULL << 63)) ? x & ~(1ULL << 63) : ~x;
  double v = 0;
  std::memcpy(&v, &bits, sizeof(v));
  return v;
}

std::optional<double> cell_score(const crdt::Cell& cell, const crdt::Resolver& r) {
  if (!cell.present()) return std::nullopt;
  double base = 0;
  if (const crdt::Entry* w = r.winner(cell.entries);
      w != nullptr && w->kind == crdt::Entry::kValue) {
    base = parse_score(w->value).value_or(0);
  }
  if (!cell.has_counter()) return base;
  return base + static_cast<double>(cell.counter_value());
}

}  // namespace meridian::zset
