// libFuzzer target for the client request parser
// (src/core/protocol/request_parser.h): any bytes, cut at any point, must
// parse to the same commands (or the same error) as when they arrive whole,
// within Redis' limits, without a crash or undefined behaviour. Built and
// run by `make fuzz` (part of `make test`).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/protocol/request_parser.h"

namespace {

// Every command (argv joined with '\0') and the final error, feeding
// `data` in pieces of at most `chunk` bytes.
std::vector<std::string> parse(std::string_view data, size_t chunk, bool unauthenticated) {
  meridian::ParserLimits limits;
  limits.proto_max_bulk_len = 4096;
  limits.max_multibulk_len = 1024;
  limits.client_query_buffer_limit = 1 << 20;
  limits.unauthenticated = unauthenticated;
  meridian::RequestParser p(limits);
  std::vector<std::string> out;
  std::vector<std::string_view> argv;
  for (size_t at = 0; at < data.size(); at += chunk) {
    p.append(data.substr(at, chunk));
    for (;;) {
      auto r = p.next(argv);
      if (r == meridian::RequestParser::Result::kNeedMore) break;
      if (r == meridian::RequestParser::Result::kError) {
        out.push_back("error: " + p.error());
        return out;
      }
      std::string cmd;
      for (auto a : argv) cmd.append(a).push_back('\0');
      out.push_back(cmd);
    }
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  // The first byte picks the chunking and whether the client is
  // authenticated; the rest is what it sent.
  const size_t chunk = 1 + data[0] % 7;
  const bool unauthenticated = (data[0] & 0x80) != 0;
  std::string_view bytes(reinterpret_cast<const char*>(data + 1), size - 1);
  if (parse(bytes, bytes.size() + 1, unauthenticated) != parse(bytes, chunk, unauthenticated)) {
    __builtin_trap();  // the same bytes, parsed differently when split
  }
  return 0;
}
