#pragma once
// DNS wire format for Meridian's GeoDNS, on ldns: parsing a query (with EDNS
// Client Subnet) and building the answer. Bad input never crashes: a packet
// that is not a well-formed query yields FORMERR when its header can be
// answered, or is dropped.
#include <cstdint>
#include <string>
#include <vector>

#include "core/dns/client_location.h"

namespace meridian::dns {

struct Query {
  uint16_t id = 0;
  bool rd = false;
  std::string qname;  // lower case, no trailing dot
  uint16_t qtype = 0, qclass = 0;
  bool edns = false;
  uint16_t udp_size = 512;
  bool has_ecs = false;
  uint16_t ecs_family = 0;  // 1: IPv4, 2: IPv6
  uint8_t ecs_source = 0;   // source prefix length
  Address ecs_address;      // zero-padded
};

enum class Parsed : uint8_t {
  kQuery,    // answer it
  kFormErr,  // reply FORMERR (id and opcode come from the header)
  kNotImp,   // not a QUERY opcode
  kDrop,     // too short to answer, or a response: ignore
};

Parsed parse_query(const uint8_t* data, size_t size, Query* out);

// The zone data served for every name when [dns] names its servers: NS and
// SOA queries are answered, and answers without records carry the SOA (so
// resolvers can cache the negative answer).
struct ZoneInfo {
  std::vector<std::string> nameservers;  // host names, no trailing dot
  std::string hostmaster;                // the SOA RNAME, as a name
  uint32_t serial = 1;
  uint32_t minimum = 30;  // negative caching TTL
};

// An answer: the regions' addresses as A (and AAAA) records for the name,
// the ECS option echoed when the query had one, with `ecs_scope` as its
// scope (-1: the source prefix). `rcode` is an ldns rcode (0 NOERROR, 2
// SERVFAIL, 5 REFUSED...). Returns the wire bytes, truncated (TC) to
// `max_size` when they do not fit.
std::string build_answer(const Query& q, int rcode, const std::vector<std::string>& addresses,
                         uint32_t ttl, size_t max_size, const ZoneInfo* zone = nullptr,
                         int ecs_scope = -1);

// FORMERR / NOTIMP for a packet whose header could be read.
std::string build_error(const uint8_t* data, size_t size, int rcode);

}  // namespace meridian::dns
