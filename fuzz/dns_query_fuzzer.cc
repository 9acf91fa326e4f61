// libFuzzer target for GeoDNS's query parser and answer builder
// (src/dns/dns_packet.h): any bytes must parse to a query, FORMERR, NOTIMP
// or a drop, and every query must build an answer, without a crash, a leak
// or undefined behaviour. Built and run by `make fuzz` (part of `make test`).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "dns/dns_packet.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  meridian::dns::Query q;
  switch (meridian::dns::parse_query(data, size, &q)) {
    case meridian::dns::Parsed::kQuery: {
      std::vector<std::string> addrs = {"192.0.2.1", "2001:db8::1"};
      meridian::dns::ZoneInfo zone{{"ns1.example.test"}, "hostmaster.example.test", 1, 30};
      std::string out = meridian::dns::build_answer(q, 0, addrs, 30, 512, &zone);
      if (out.size() > 512) __builtin_trap();  // must truncate to the client's buffer
      meridian::dns::build_answer(q, 5, {}, 0, 65535);
      break;
    }
    case meridian::dns::Parsed::kFormErr:
    case meridian::dns::Parsed::kNotImp:
      if (meridian::dns::build_error(data, size, 1).size() != 12) __builtin_trap();
      break;
    case meridian::dns::Parsed::kDrop:
      break;
  }
  return 0;
}
