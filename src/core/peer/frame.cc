#include "core/peer/frame.h"

#define XXH_STATIC_LINKING_ONLY  // XXH3_state_t on the stack
#include <xxhash.h>
#include <zstd.h>

#include <algorithm>

#include "core/base/coding.h"

namespace meridian::peer {
namespace {

constexpr uint8_t kFlagZstd = 1;
constexpr size_t kChecksummedHeader = 12;  // the header bytes before the checksum

void put_u16(std::string& out, uint16_t v) {
  out.push_back(static_cast<char>(v >> 8));
  out.push_back(static_cast<char>(v & 0xff));
}
void put_u32(std::string& out, uint32_t v) {
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((v >> (i * 8)) & 0xff));
}
uint32_t get_u32(const char* p) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}
uint64_t get_u64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

uint64_t checksum(const char* header, std::string_view payload) {
  XXH3_state_t st;
  XXH3_INITSTATE(&st);
  XXH3_64bits_reset(&st);
  XXH3_64bits_update(&st, header, kChecksummedHeader);
  XXH3_64bits_update(&st, payload.data(), payload.size());
  return XXH3_64bits_digest(&st);
}

}  // namespace

void encode_frame(std::string& out, uint16_t type, std::string_view payload, bool compress,
                  const FrameLimits& limits) {
  std::string compressed;
  uint8_t flags = 0;
  std::string_view wire = payload;
  if (compress && payload.size() >= limits.compress_min) {
    compressed.resize(ZSTD_compressBound(payload.size()));
    size_t n = ZSTD_compress(compressed.data(), compressed.size(), payload.data(), payload.size(),
                             1);  // level 1: replication wants speed
    if (!ZSTD_isError(n) && n < payload.size()) {
      compressed.resize(n);
      wire = compressed;
      flags |= kFlagZstd;
    }
  }
  const size_t start = out.size();
  out.push_back(static_cast<char>(kFrameVersion));
  out.push_back(static_cast<char>(flags));
  put_u16(out, type);
  put_u32(out, static_cast<uint32_t>(wire.size()));
  put_u32(out, static_cast<uint32_t>(payload.size()));
  coding::put_fixed64_be(out, checksum(out.data() + start, wire));
  out.append(wire);
}

FrameDecoder::Result FrameDecoder::fail(std::string why) {
  error_ = std::move(why);
  return Result::kError;
}

FrameDecoder::Result FrameDecoder::next(Frame& frame) {
  if (!error_.empty()) return Result::kError;
  if (pos_ > 0 && pos_ * 2 > buf_.size()) {
    buf_.erase(0, pos_);
    pos_ = 0;
  }
  if (buf_.size() - pos_ < kFrameHeaderSize) return Result::kNeedMore;
  const char* h = buf_.data() + pos_;
  if (static_cast<uint8_t>(h[0]) != kFrameVersion) {
    return fail("unsupported frame version " + std::to_string(static_cast<uint8_t>(h[0])) +
                " (this build speaks " + std::to_string(kFrameVersion) + ")");
  }
  const auto flags = static_cast<uint8_t>(h[1]);
  if ((flags & ~kFlagZstd) != 0) return fail("unknown frame flags");
  const uint16_t type =
      static_cast<uint16_t>((static_cast<uint8_t>(h[2]) << 8) | static_cast<uint8_t>(h[3]));
  const uint32_t length = get_u32(h + 4);
  const uint32_t raw = get_u32(h + 8);
  if (length > limits_.max_payload || raw > limits_.max_payload) {
    return fail("frame of " + std::to_string(std::max(length, raw)) +
                " bytes exceeds the limit of " + std::to_string(limits_.max_payload));
  }
  if (!(flags & kFlagZstd) && raw != length) return fail("inconsistent frame lengths");
  if (buf_.size() - pos_ < kFrameHeaderSize + length) return Result::kNeedMore;
  std::string_view wire(h + kFrameHeaderSize, length);
  if (checksum(h, wire) != get_u64(h + kChecksummedHeader)) return fail("frame checksum mismatch");
  frame.type = type;
  if (flags & kFlagZstd) {
    frame.payload.resize(raw);
    size_t n = ZSTD_decompress(frame.payload.data(), raw, wire.data(), wire.size());
    if (ZSTD_isError(n) || n != raw) return fail("frame payload does not decompress");
  } else {
    frame.payload.assign(wire);
  }
  pos_ += kFrameHeaderSize + length;
  return Result::kFrame;
}

}  // namespace meridian::peer
