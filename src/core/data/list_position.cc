#include "core/data/list_position.h"

#include "core/base/assert.h"

namespace meridian::list_position {
namespace {

constexpr uint32_t kMaxDigit = 0xffffffffu;

struct Triple {
  uint32_t digit = 0, region = 0;
  uint64_t counter = 0;
  bool operator==(const Triple&) const = default;
};

uint64_t read_be(std::string_view s, size_t at, int bytes) {
  uint64_t v = 0;
  for (int i = 0; i < bytes; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

void write_be(std::string& out, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

Triple at(std::string_view p, size_t level) {
  size_t o = level * kTripleBytes;
  return Triple{static_cast<uint32_t>(read_be(p, o, 4)),
                static_cast<uint32_t>(read_be(p, o + 4, 4)), read_be(p, o + 8, 8)};
}

void append(std::string& out, const Triple& t) {
  write_be(out, t.digit, 4);
  write_be(out, t.region, 4);
  write_be(out, t.counter, 8);
}

}  // namespace

std::string between(std::string_view before, std::string_view after, uint32_t region,
                    uint64_t counter) {
  MERIDIAN_ASSERT(region >= 1, "a position's region is a real region");
  MERIDIAN_ASSERT(before.empty() || after.empty() || before < after, "bounds in order");
  std::string out;
  // While the path so far equals `after`'s, `after` bounds the next level;
  // once it is smaller, anything deeper stays below `after`.
  bool bounded = !after.empty();
  for (size_t level = 0;; ++level) {
    const bool has_low = level * kTripleBytes < before.size();
    const bool has_high = bounded && level * kTripleBytes < after.size();
    // A missing bound is the virtual least (0,0,0) or greatest digit; no
    // real triple equals (0,0,0), as regions start at 1.
    const Triple low = has_low ? at(before, level) : Triple{};
    const Triple high = has_high ? at(after, level) : Triple{kMaxDigit, 0, 0};
    if (uint64_t{high.digit} - low.digit >= 2) {
      uint32_t digit;
      if (has_low && !has_high) {
        digit = low.digit + 1;  // appending: the next digit
      } else if (has_high && !has_low) {
        digit = high.digit - 1;  // prepending
      } else {
        digit = low.digit + (high.digit - low.digit) / 2;  // room on both sides
      }
      append(out, Triple{digit, region, counter});
      return out;
    }
    append(out, low);
    if (!(low == high)) bounded = false;
  }
}

}  // namespace meridian::list_position
