#include "dns/maxmind.h"

#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

namespace meridian::dns {

MaxMind::MaxMind(const std::string& path) : path_(path) {
  int rc = MMDB_open(path.c_str(), MMDB_MODE_MMAP, &db_);
  if (rc != MMDB_SUCCESS) {
    throw std::runtime_error("cannot open the MaxMind database " + path + ": " + MMDB_strerror(rc));
  }
}

MaxMind::~MaxMind() {
  MMDB_close(&db_);
}

std::optional<Location> MaxMind::locate(const Address& a, int* prefix) const {
  sockaddr_storage ss{};
  if (a.v4) {
    auto* in = reinterpret_cast<sockaddr_in*>(&ss);
    in->sin_family = AF_INET;
    std::memcpy(&in->sin_addr, &a.bytes[12], 4);
  } else {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&ss);
    in6->sin6_family = AF_INET6;
    std::memcpy(&in6->sin6_addr, a.bytes.data(), 16);
  }
  int err = 0;
  MMDB_lookup_result_s res = MMDB_lookup_sockaddr(&db_, reinterpret_cast<sockaddr*>(&ss), &err);
  if (err != MMDB_SUCCESS) return std::nullopt;
  if (prefix != nullptr) {
    // In an IPv6 database, the netmask found through an IPv4 address
    // counts the tree's 96 leading bits.
    const bool v6_tree = db_.metadata.ip_version == 6;
    *prefix = a.v4 && v6_tree ? std::max(0, static_cast<int>(res.netmask) - 96)
                              : static_cast<int>(res.netmask);
  }
  if (!res.found_entry) return std::nullopt;
  MMDB_entry_data_s lat{}, lon{};
  if (MMDB_get_value(&res.entry, &lat, "location", "latitude", nullptr) != MMDB_SUCCESS ||
      MMDB_get_value(&res.entry, &lon, "location", "longitude", nullptr) != MMDB_SUCCESS ||
      !lat.has_data || !lon.has_data || lat.type != MMDB_DATA_TYPE_DOUBLE ||
      lon.type != MMDB_DATA_TYPE_DOUBLE) {
    return std::nullopt;
  }
  return Location{
      lat.double_value, lon.double_value,
      "MaxMind " + std::to_string(lat.double_value) + ", " + std::to_string(lon.double_value)};
}

}  // namespace meridian::dns
