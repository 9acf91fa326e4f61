#include "core/placement/placement.h"

#include <algorithm>

#include "core/base/glob.h"

namespace meridian {

std::string PlacementRule::describe() const {
  return "[[placement]] pattern \"" + pattern + "\"";
}

bool Placement::Decision::allows(RegionId r) const {
  return allowed != nullptr && std::find(allowed->begin(), allowed->end(), r) != allowed->end();
}

std::optional<Placement::Decision> Placement::decide(std::string_view key) const {
  for (const auto& rule : rules) {
    if (!glob_match(rule.pattern, key)) continue;
    if (rule.allowed.empty()) return std::nullopt;  // explicitly global
    RegionId home = rule.home;
    if (rule.segment > 0) {
      home = rule.default_home;
      size_t start = 0;
      for (int i = 1; i < rule.segment && start != std::string_view::npos; ++i) {
        start = key.find(':', start);
        if (start != std::string_view::npos) ++start;
      }
      if (start != std::string_view::npos) {
        size_t end = key.find(':', start);
        std::string_view part =
            key.substr(start, end == std::string_view::npos ? end : end - start);
        auto it = rule.homes.find(std::string(part));
        if (it != rule.homes.end()) home = it->second;
      }
    }
    auto a = rule.allowed.find(home);
    if (a == rule.allowed.end()) return std::nullopt;  // unreachable: the loader fills every home
    return Decision{&rule, home, &a->second};
  }
  return std::nullopt;
}

bool Placement::may_hold(std::string_view key, RegionId region) const {
  if (rules.empty()) return true;
  auto d = decide(key);
  return !d || d->allows(region);
}

bool Placement::covers(RegionId holder, RegionId other) const {
  for (const auto& rule : rules) {
    for (const auto& [home, set] : rule.allowed) {
      bool o = std::find(set.begin(), set.end(), other) != set.end();
      bool h = std::find(set.begin(), set.end(), holder) != set.end();
      if (o && !h) return false;
    }
  }
  return true;
}

int key_hash_slot(std::string_view key) {
  // Only the part between the first '{' and the next '}' counts, if any.
  size_t open = key.find('{');
  if (open != std::string_view::npos) {
    size_t close = key.find('}', open + 1);
    if (close != std::string_view::npos && close > open + 1) {
      key = key.substr(open + 1, close - open - 1);
    }
  }
  uint16_t crc = 0;  // CRC16-CCITT (XMODEM), as Redis Cluster
  for (unsigned char c : key) {
    crc ^= static_cast<uint16_t>(c << 8);
    for (int i = 0; i < 8; ++i) {
      crc = (crc & 0x8000) ? static_cast<uint16_t>((crc << 1) ^ 0x1021)
                           : static_cast<uint16_t>(crc << 1);
    }
  }
  return crc & 16383;
}

}  // namespace meridian
