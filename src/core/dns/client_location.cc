#include "core/dns/client_location.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <string_view>

namespace meridian::dns {

namespace {

// Dotted quad into 4 bytes; false unless exactly four decimal parts <= 255.
bool parse_v4(std::string_view s, uint8_t* out) {
  int part = 0;
  for (int i = 0; i < 4; ++i) {
    if (s.empty() || !std::isdigit(static_cast<unsigned char>(s[0]))) return false;
    int v = 0, digits = 0;
    while (!s.empty() && std::isdigit(static_cast<unsigned char>(s[0]))) {
      v = v * 10 + (s[0] - '0');
      s.remove_prefix(1);
      if (++digits > 3 || v > 255) return false;
    }
    out[part++] = static_cast<uint8_t>(v);
    if (i < 3) {
      if (s.empty() || s[0] != '.') return false;
      s.remove_prefix(1);
    }
  }
  return s.empty();
}

int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// RFC 4291 text: eight groups, one "::" for a run of zero groups, and an
// optional dotted quad for the last 32 bits.
bool parse_v6(std::string_view s, uint8_t* out) {
  std::array<uint16_t, 8> head{}, tail{};
  size_t nh = 0, nt = 0;
  bool gap = false;
  if (s.substr(0, 2) == "::") {
    gap = true;
    s.remove_prefix(2);
  }
  while (!s.empty()) {
    auto& groups = gap ? tail : head;
    size_t& n = gap ? nt : nh;
    if (nh + nt >= 8) return false;
    size_t colon = s.find(':');
    std::string_view part = s.substr(0, colon);
    if (part.find('.') != std::string_view::npos) {  // embedded IPv4: the last 32 bits
      uint8_t v4[4];
      if (colon != std::string_view::npos || nh + nt > 6 || !parse_v4(part, v4)) return false;
      groups[n++] = static_cast<uint16_t>(v4[0] << 8 | v4[1]);
      groups[n++] = static_cast<uint16_t>(v4[2] << 8 | v4[3]);
      s = {};
      break;
    }
    if (part.empty() || part.size() > 4) return false;
    uint16_t v = 0;
    for (char c : part) {
      int d = hex_digit(c);
      if (d < 0) return false;
      v = static_cast<uint16_t>(v << 4 | d);
    }
    groups[n++] = v;
    if (colon == std::string_view::npos) break;
    s.remove_prefix(colon + 1);
    if (!s.empty() && s[0] == ':') {
      if (gap) return false;  // a second "::"
      gap = true;
      s.remove_prefix(1);
    } else if (s.empty()) {
      return false;  // a trailing single ':'
    }
  }
  if (gap ? nh + nt > 7 : nh != 8) return false;
  std::array<uint16_t, 8> all{};
  for (size_t i = 0; i < nh; ++i) all[i] = head[i];
  for (size_t i = 0; i < nt; ++i) all[8 - nt + i] = tail[i];
  for (size_t i = 0; i < 8; ++i) {
    out[2 * i] = static_cast<uint8_t>(all[i] >> 8);
    out[2 * i + 1] = static_cast<uint8_t>(all[i] & 0xff);
  }
  return true;
}

}  // namespace

std::optional<Address> Address::parse(const std::string& text) {
  Address a;
  if (parse_v4(text, &a.bytes[12])) {
    a.v4 = true;
    a.bytes[10] = a.bytes[11] = 0xff;
    return a;
  }
  if (parse_v6(text, a.bytes.data())) {
    a.v4 = false;
    return a;
  }
  return std::nullopt;
}

std::string Address::str() const {
  if (v4) {
    return std::to_string(bytes[12]) + "." + std::to_string(bytes[13]) + "." +
           std::to_string(bytes[14]) + "." + std::to_string(bytes[15]);
  }
  static const uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
  if (std::memcmp(bytes.data(), kMapped, 12) == 0) {  // ::ffff:a.b.c.d, as RFC 5952 says
    return "::ffff:" + std::to_string(bytes[12]) + "." + std::to_string(bytes[13]) + "." +
           std::to_string(bytes[14]) + "." + std::to_string(bytes[15]);
  }
  // RFC 5952: lower case, no leading zeros, the longest run of two or more
  // zero groups as "::".
  std::array<uint16_t, 8> g{};
  for (size_t i = 0; i < 8; ++i) g[i] = static_cast<uint16_t>(bytes[2 * i] << 8 | bytes[2 * i + 1]);
  int best = -1, best_len = 0;
  for (int i = 0; i < 8;) {
    int j = i;
    while (j < 8 && g[static_cast<size_t>(j)] == 0) ++j;
    if (j - i > best_len && j - i >= 2) {
      best = i;
      best_len = j - i;
    }
    i = j == i ? i + 1 : j;
  }
  std::string out;
  char buf[8];
  for (int i = 0; i < 8; ++i) {
    if (i == best) {
      out += "::";
      i += best_len - 1;
      continue;
    }
    if (!out.empty() && out.back() != ':') out += ':';
    std::snprintf(buf, sizeof(buf), "%x", g[static_cast<size_t>(i)]);
    out += buf;
  }
  return out;
}

std::optional<Network> Network::parse(const std::string& cidr) {
  auto slash = cidr.find('/');
  if (slash == std::string::npos) return std::nullopt;
  auto a = Address::parse(cidr.substr(0, slash));
  if (!a) return std::nullopt;
  int bits = 0;
  try {
    size_t used = 0;
    bits = std::stoi(cidr.substr(slash + 1), &used);
    if (used != cidr.size() - slash - 1) return std::nullopt;
  } catch (...) {
    return std::nullopt;
  }
  if (bits < 0 || bits > (a->v4 ? 32 : 128)) return std::nullopt;
  return Network{*a, bits};
}

bool Network::contains(const Address& a, int client_prefix) const {
  if (a.v4 != base.v4 || client_prefix < prefix) return false;
  int offset = base.v4 ? 96 : 0;
  for (int bit = 0; bit < prefix; ++bit) {
    int i = offset + bit;
    uint8_t mask = static_cast<uint8_t>(0x80 >> (i % 8));
    if ((a.bytes[static_cast<size_t>(i / 8)] & mask) !=
        (base.bytes[static_cast<size_t>(i / 8)] & mask)) {
      return false;
    }
  }
  return true;
}

std::string Network::str() const {
  return base.str() + "/" + std::to_string(prefix);
}

const NetworkTable::Entry* NetworkTable::lookup(const Address& a, int prefix) const {
  const Entry* best = nullptr;
  for (const auto& e : entries) {
    if (e.network.contains(a, prefix) &&
        (best == nullptr || e.network.prefix > best->network.prefix)) {
      best = &e;
    }
  }
  return best;
}

int NetworkTable::longest_inside(const Address& a, int prefix) const {
  const Network subnet{a, prefix};
  int longest = 0;
  for (const auto& e : entries) {
    if (e.network.prefix > prefix && subnet.contains(e.network.base, e.network.prefix)) {
      longest = std::max(longest, e.network.prefix);
    }
  }
  return longest;
}

double distance_km(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = M_PI / 180.0, kEarthKm = 6371.0;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(lat1 * kRad) *
                                                           std::cos(lat2 * kRad) *
                                                           std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace meridian::dns
