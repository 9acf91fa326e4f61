// Peer frames: whatever the chunking, frames come back exactly; any damaged
// byte is detected; limits and versions are enforced.
#include "core/peer/frame.h"

#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

namespace meridian::peer {
namespace {

std::vector<Frame> decode_all(FrameDecoder& d, FrameDecoder::Result* last) {
  std::vector<Frame> out;
  Frame f;
  while ((*last = d.next(f)) == FrameDecoder::Result::kFrame) out.push_back(f);
  return out;
}

// A compressible payload half of the time, random bytes otherwise.
rc::Gen<std::string> payloads() {
  return rc::gen::oneOf(rc::gen::arbitrary<std::string>(),
                        rc::gen::map(rc::gen::inRange<size_t>(0, 5000), [](size_t n) {
                          std::string s;
                          for (size_t i = 0; i < n; ++i) s.push_back("abcab"[i % 5]);
                          return s;
                        }));
}

RC_GTEST_PROP(Frames, RoundTripWhateverTheChunking, ()) {
  auto payload_list = *rc::gen::container<std::vector<std::string>>(payloads());
  bool compress = *rc::gen::arbitrary<bool>();
  std::string wire;
  std::vector<uint16_t> types;
  for (const auto& p : payload_list) {
    types.push_back(*rc::gen::arbitrary<uint16_t>());
    encode_frame(wire, types.back(), p, compress);
  }
  FrameDecoder d;
  std::vector<Frame> got;
  size_t pos = 0;
  FrameDecoder::Result last = FrameDecoder::Result::kNeedMore;
  while (pos < wire.size()) {
    size_t n = *rc::gen::inRange<size_t>(1, wire.size() - pos + 1);
    d.append(std::string_view(wire).substr(pos, n));
    pos += n;
    auto part = decode_all(d, &last);
    RC_ASSERT(last == FrameDecoder::Result::kNeedMore);
    got.insert(got.end(), part.begin(), part.end());
  }
  RC_ASSERT(got.size() == payload_list.size());
  for (size_t i = 0; i < got.size(); ++i) {
    RC_ASSERT(got[i].type == types[i]);
    RC_ASSERT(got[i].payload == payload_list[i]);
  }
}

RC_GTEST_PROP(Frames, AnyDamagedByteIsDetected, ()) {
  std::string payload = *payloads();
  std::string wire;
  encode_frame(wire, 7, payload, *rc::gen::arbitrary<bool>());
  size_t at = *rc::gen::inRange<size_t>(0, wire.size());
  auto flip = *rc::gen::inRange<int>(1, 256);
  wire[at] = static_cast<char>(wire[at] ^ flip);
  FrameDecoder d;
  d.append(wire);
  Frame f;
  auto r = d.next(f);
  // A damaged length may make the frame look incomplete; it is never
  // accepted as a frame.
  RC_ASSERT(r != FrameDecoder::Result::kFrame);
}

TEST(Frames, CompressionShrinksRepetitivePayloads) {
  std::string payload(100000, 'x');
  std::string plain, packed;
  encode_frame(plain, 1, payload, false);
  encode_frame(packed, 1, payload, true);
  EXPECT_EQ(plain.size(), kFrameHeaderSize + payload.size());
  EXPECT_LT(packed.size(), plain.size() / 10);
}

TEST(Frames, OversizedAndForeignFramesAreRefused) {
  FrameLimits small;
  small.max_payload = 100;
  std::string wire;
  encode_frame(wire, 1, std::string(101, 'a'), false);
  FrameDecoder d(small);
  d.append(wire);
  Frame f;
  EXPECT_EQ(d.next(f), FrameDecoder::Result::kError);
  EXPECT_NE(d.error().find("exceeds the limit"), std::string::npos);

  std::string v2;
  encode_frame(v2, 1, "hi", false);
  v2[0] = 2;
  FrameDecoder d2;
  d2.append(v2);
  EXPECT_EQ(d2.next(f), FrameDecoder::Result::kError);
  EXPECT_EQ(d2.error(), "unsupported frame version 2 (this build speaks 1)");
  EXPECT_EQ(d2.next(f), FrameDecoder::Result::kError);  // stays failed
}

}  // namespace
}  // namespace meridian::peer
