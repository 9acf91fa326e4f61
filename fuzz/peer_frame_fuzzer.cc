// libFuzzer target for what a peer link reads before and after its
// handshake (src/core/peer/frame.h, link_handshake.h): any bytes must decode
// to frames or an error, a listener's handshake must answer any frame
// without accepting an unauthenticated dialer, and DATA frames under a key
// must open or be refused, without a crash or undefined behaviour. Built
// and run by `make fuzz` (part of `make test`).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/peer/frame.h"
#include "core/peer/link_handshake.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace meridian::peer;
  FrameDecoder decoder(FrameLimits{1u << 16, 512});
  decoder.append(std::string_view(reinterpret_cast<const char*>(data), size));
  ListenerHandshake listener(
      LinkIdentity{"fuzz", "fuzz-secret", 1},
      [](meridian::RegionId id) { return id == 2 || id == 3; }, Nonce{});
  SessionKey key{};
  DataOpener opener(key);
  Frame f;
  while (decoder.next(f) == FrameDecoder::Result::kFrame) {
    HandshakeStep step = listener.on_frame(f.type, f.payload);
    // Nobody who does not know the secret gets the link up: the fuzzer
    // would have to forge an HMAC-SHA256 proof.
    if (step.outcome == HandshakeStep::Outcome::kUp) __builtin_trap();
    std::vector<std::string_view> messages;
    opener.open(f.payload, &messages);
    for (auto m : messages) {
      if (m.data() < f.payload.data() || m.data() + m.size() > f.payload.data() + f.payload.size())
        __builtin_trap();  // a message outside its frame
    }
  }
  return 0;
}
