#include "core/data/stream_id.h"

#include "core/base/coding.h"
#include "core/base/numbers.h"

namespace meridian::stream {

std::string encode(Id id) {
  std::string out;
  out.reserve(kIdBytes);
  coding::put_fixed64_be(out, id.ms);
  coding::put_fixed64_be(out, id.seq);
  return out;
}

std::optional<Id> decode(std::string_view name) {
  if (name.size() != kIdBytes) return std::nullopt;
  Id id;
  if (!coding::get_fixed64_be(name, &id.ms) || !coding::get_fixed64_be(name, &id.seq)) {
    return std::nullopt;
  }
  return id;
}

std::string format(Id id) {
  return std::to_string(id.ms) + "-" + std::to_string(id.seq);
}

namespace {

// Redis' string2ull: a canonical integer (string2ll) that is not
// negative, else whatever C's strtoull takes whole: leading white space, a
// sign (a minus wraps around), leading zeros, within u64.
bool parse_u64(std::string_view s, uint64_t* out) {
  if (auto v = parse_int64(s)) {
    if (*v < 0) return false;
    *out = static_cast<uint64_t>(*v);
    return true;
  }
  size_t i = 0;
  while (i < s.size() && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r'))) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  const size_t digits = i;
  uint64_t v = 0;
  bool overflow = false;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const auto d = static_cast<uint64_t>(s[i] - '0');
    if (v > (UINT64_MAX - d) / 10) overflow = true;
    v = v * 10 + d;
  }
  if (i == digits || i != s.size() || overflow) return false;
  *out = negative ? 0 - v : v;
  return true;
}

}  // namespace

std::optional<Id> parse(std::string_view s, uint64_t missing_seq, bool* seq_given) {
  // Redis copies the argument into a 128-byte C string.
  if (s.size() > 127) return std::nullopt;
  s = s.substr(0, s.find('\0'));
  if (seq_given != nullptr) *seq_given = true;
  if (s == "-") return kMinId;
  if (s == "+") return kMaxId;
  Id id;
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) {
    if (!parse_u64(s, &id.ms)) return std::nullopt;
    id.seq = missing_seq;
    return id;
  }
  if (!parse_u64(s.substr(0, dash), &id.ms)) return std::nullopt;
  std::string_view seq = s.substr(dash + 1);
  if (seq_given != nullptr && seq == "*") {
    *seq_given = false;
    return id;
  }
  if (!parse_u64(seq, &id.seq)) return std::nullopt;
  return id;
}

std::optional<Id> next(Id id) {
  if (id.seq < UINT64_MAX) return Id{id.ms, id.seq + 1};
  if (id.ms < UINT64_MAX) return Id{id.ms + 1, 0};
  return std::nullopt;
}

std::optional<Id> prev(Id id) {
  if (id.seq > 0) return Id{id.ms, id.seq - 1};
  if (id.ms > 0) return Id{id.ms - 1, UINT64_MAX};
  return std::nullopt;
}

namespace {

// The smallest sequence of `region` in millisecond `ms` above `after`
// (nothing: none above it), or the first of the millisecond.
std::optional<uint64_t> region_seq(uint32_t region, std::optional<uint64_t> after) {
  if (!after) return region;
  uint64_t slot = *after / kRegionSlots + 1;
  if (slot > (UINT64_MAX - region) / kRegionSlots) return std::nullopt;
  return slot * kRegionSlots + region;
}

}  // namespace

std::optional<Id> generate(Id last, uint64_t now_ms, uint32_t region, std::optional<uint64_t> ms) {
  if (ms) {
    // XADD ms-*: the caller's millisecond, never below the last id's.
    if (*ms < last.ms) return std::nullopt;
    std::optional<uint64_t> after;
    if (*ms == last.ms) after = last.seq;
    if (region == 0) {
      if (!after) return Id{*ms, 0};
      if (*after == UINT64_MAX) return std::nullopt;
      return Id{*ms, *after + 1};
    }
    auto seq = region_seq(region, after);
    if (!seq) return std::nullopt;
    return Id{*ms, *seq};
  }
  if (now_ms > last.ms) return Id{now_ms, region == 0 ? 0 : region};
  if (region == 0) return next(last);
  if (auto seq = region_seq(region, last.seq)) return Id{last.ms, *seq};
  if (last.ms == UINT64_MAX) return std::nullopt;
  return Id{last.ms + 1, region};
}

}  // namespace meridian::stream
