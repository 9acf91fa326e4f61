#pragma once
#include <string_view>

namespace meridian {

// Redis' glob-style matching (KEYS, SCAN MATCH): * ? [abc] [^a] [a-z] and \x.
bool glob_match(std::string_view pattern, std::string_view str, bool nocase = false);

}  // namespace meridian
