#pragma once
// Number parsing and formatting with Redis' exact rules, so that replies and
// errors match Redis byte for byte.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace meridian {

// Redis' string2ll: optional '-', no '+', no leading zeros, no spaces, in range.
std::optional<int64_t> parse_int64(std::string_view s);
// Redis' string2ld: strtold over the whole string, no leading space, no NaN.
std::optional<long double> parse_long_double(std::string_view s);
// Redis' ld2string(LD_STR_HUMAN): "%.17Lf" with trailing zeros removed.
std::string format_long_double(long double v);
std::string format_int64(int64_t v);
// Redis' bytesToHuman: "512B", "1.50K", "2.00M", ... (INFO memory).
std::string bytes_to_human(uint64_t n);

}  // namespace meridian
