#include "core/base/glob.h"

#include <cctype>

namespace meridian {
namespace {

int lower(int c) {
  return std::tolower(c);
}

bool match(const char* p, long plen, const char* s, long slen, bool nocase, bool* skip_longer,
           int nesting) {
  // Bounded recursion, as Redis does, against patterns like "*********a".
  if (nesting > 1000) return false;
  while (plen && slen) {
    switch (p[0]) {
      case '*':
        while (plen > 1 && p[1] == '*') {
          ++p;
          --plen;
        }
        if (plen == 1) return true;
        while (slen) {
          if (match(p + 1, plen - 1, s, slen, nocase, skip_longer, nesting + 1)) return true;
          if (*skip_longer) return false;
          ++s;
          --slen;
        }
        *skip_longer = true;
        return false;
      case '?':
        ++s;
        --slen;
        break;
      case '[': {
        ++p;
        --plen;
        bool negate = plen > 0 && p[0] == '^';
        if (negate) {
          ++p;
          --plen;
        }
        bool matched = false;
        while (true) {
          if (plen == 0) {
            // An unterminated class: Redis treats the '[' run to the end.
            break;
          }
          if (p[0] == '\\' && plen >= 2) {
            ++p;
            --plen;
            if (p[0] == s[0]) matched = true;
          } else if (p[0] == ']') {
            break;
          } else if (plen >= 3 && p[1] == '-') {
            int start = static_cast<unsigned char>(p[0]);
            int end = static_cast<unsigned char>(p[2]);
            int c = static_cast<unsigned char>(s[0]);
            if (start > end) std::swap(start, end);
            if (nocase) {
              start = lower(start);
              end = lower(end);
              c = lower(c);
            }
            p += 2;
            plen -= 2;
            if (c >= start && c <= end) matched = true;
          } else if (nocase ? lower(static_cast<unsigned char>(p[0])) ==
                                  lower(static_cast<unsigned char>(s[0]))
                            : p[0] == s[0]) {
            matched = true;
          }
          ++p;
          --plen;
        }
        if (plen == 0) {
          // Redis steps back so the loop's p++ below lands at the end.
          --p;
          ++plen;
        }
        if (negate) matched = !matched;
        if (!matched) return false;
        ++s;
        --slen;
        break;
      }
      case '\\':
        if (plen >= 2) {
          ++p;
          --plen;
        }
        [[fallthrough]];
      default:
        if (nocase
                ? lower(static_cast<unsigned char>(p[0])) != lower(static_cast<unsigned char>(s[0]))
                : p[0] != s[0]) {
          return false;
        }
        ++s;
        --slen;
        break;
    }
    ++p;
    --plen;
    if (slen == 0) {
      while (plen && *p == '*') {
        ++p;
        --plen;
      }
      break;
    }
  }
  return plen == 0 && slen == 0;
}

}  // namespace

bool glob_match(std::string_view pattern, std::string_view str, bool nocase) {
  bool skip_longer = false;
  return match(pattern.data(), static_cast<long>(pattern.size()), str.data(),
               static_cast<long>(str.size()), nocase, &skip_longer, 0);
}

}  // namespace meridian
