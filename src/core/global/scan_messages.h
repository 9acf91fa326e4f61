#pragma once
// The global view's key scans between regions (core/global/global_view.h):
// names after `after` matching `pattern`, and the answer. Type numbers come
// from the registry in core/peer/message_types.h.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::scan {

struct Scan {
  uint64_t id = 0;
  std::string after;
  std::string pattern;
  uint64_t count = 0;  // 0: all
};

struct ScanReply {
  uint64_t id = 0;
  bool more = false;
  std::vector<std::string> names;
};

std::string encode(const Scan& m);
std::string encode(const ScanReply& m);
bool decode(std::string_view in, Scan* m);
bool decode(std::string_view in, ScanReply* m);

}  // namespace meridian::scan
