#pragma once
// Where a DNS client is: its address (or EDNS Client Subnet) looked up in the
// config's CIDR table. Pure data and arithmetic, no I/O.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace meridian::dns {

// An IPv4 or IPv6 address as 16 bytes (IPv4 mapped into ::ffff:0:0/96).
struct Address {
  std::array<uint8_t, 16> bytes{};
  bool v4 = true;
  static std::optional<Address> parse(const std::string& text);
  std::string str() const;
};

struct Network {
  Address base;
  int prefix = 0;  // bits, counted in the family's own width (32 or 128)
  static std::optional<Network> parse(const std::string& cidr);
  bool contains(const Address& a, int client_prefix = 128) const;
  std::string str() const;
};

struct Location {
  double latitude = 0, longitude = 0;
  std::string label;  // "10.1.0.0/16 (us-east)" for explanations
};

// The config's [[dns.networks]]: client prefixes and where they are.
struct NetworkTable {
  struct Entry {
    Network network;
    Location location;
  };
  std::vector<Entry> entries;
  // The most specific entry containing `a` (and, for an ECS subnet, covering
  // the whole subnet: its prefix is at least the entry's).
  const Entry* lookup(const Address& a, int prefix) const;
  // The longest prefix of an entry inside the subnet a/prefix and more
  // specific than it (0: none): the subnet covers networks with answers of
  // their own.
  int longest_inside(const Address& a, int prefix) const;
};

// Great-circle distance in km.
double distance_km(double lat1, double lon1, double lat2, double lon2);

}  // namespace meridian::dns
