#pragma once
// Client locations from a MaxMind-format database (GeoLite2-City and the
// like, read with libmaxminddb): the location.latitude/longitude of the
// client's address. Used after the config's CIDR table, before the default.
#include <maxminddb.h>

#include <optional>
#include <string>

#include "core/dns/client_location.h"

namespace meridian::dns {

class MaxMind {
 public:
  // Opens `path`; throws std::runtime_error saying why it cannot.
  explicit MaxMind(const std::string& path);
  ~MaxMind();
  MaxMind(const MaxMind&) = delete;
  MaxMind& operator=(const MaxMind&) = delete;
  // `prefix` (optional): set to the length of the database's network that
  // holds `a`, whether or not it has a location.
  std::optional<Location> locate(const Address& a, int* prefix = nullptr) const;

 private:
  mutable MMDB_s db_{};
  std::string path_;
};

}  // namespace meridian::dns
