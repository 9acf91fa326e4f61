#pragma once
// Write forwarding between regions (core/failover/write_forwarder.h): a
// command sent to the region that must run it, and the reply bytes back.
// Type numbers come from the registry in core/peer/message_types.h.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace meridian::forward {

struct Forward {
  uint64_t id = 0;
  int proto = 2;  // RESP version the reply is encoded in
  std::vector<std::string> argv;
};

struct ForwardReply {
  uint64_t id = 0;
  std::string reply;  // the reply's bytes, as the client gets them
};

std::string encode(const Forward& m);
std::string encode(const ForwardReply& m);
bool decode(std::string_view in, Forward* m);
bool decode(std::string_view in, ForwardReply* m);

}  // namespace meridian::forward
