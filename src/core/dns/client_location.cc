#include "core/dns/client_location.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cmath>
#include <cstring>

namespace meridian::dns {

std::optional<Address> Address::parse(const std::string& text) {
  Address a;
  in_addr v4{};
  in6_addr v6{};
  if (inet_pton(AF_INET, text.c_str(), &v4) == 1) {
    a.v4 = true;
    a.bytes[10] = a.bytes[11] = 0xff;
    std::memcpy(&a.bytes[12], &v4, 4);
    return a;
  }
  if (inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
    a.v4 = false;
    std::memcpy(a.bytes.data(), &v6, 16);
    return a;
  }
  return std::nullopt;
}

std::string Address::str() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (v4) {
    inet_ntop(AF_INET, &bytes[12], buf, sizeof(buf));
  } else {
    inet_ntop(AF_INET6, bytes.data(), buf, sizeof(buf));
  }
  return buf;
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

double distance_km(double lat1, double lon1, double lat2, double lon2) {
  constexpr double kRad = M_PI / 180.0, kEarthKm = 6371.0;
  double dlat = (lat2 - lat1) * kRad, dlon = (lon2 - lon1) * kRad;
  double h = std::sin(dlat / 2) * std::sin(dlat / 2) + std::cos(lat1 * kRad) *
                                                           std::cos(lat2 * kRad) *
                                                           std::sin(dlon / 2) * std::sin(dlon / 2);
  return 2 * kEarthKm * std::asin(std::min(1.0, std::sqrt(h)));
}

}  // namespace meridian::dns
