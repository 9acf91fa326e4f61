#pragma once
// The binary framing of region-to-region (peer) traffic: versioned,
// length-prefixed, checksummed, optionally zstd-compressed. Pure encoding and
// decoding, no I/O: the runtimes move the bytes.
//
// Layout (all integers big-endian), 20-byte header then the payload:
//   u8  version   (kFrameVersion)
//   u8  flags     (bit 0: payload is zstd-compressed)
//   u16 type      (message kind, defined by the replication protocol)
//   u32 length    (payload bytes on the wire)
//   u32 raw       (payload bytes once decompressed; == length if not)
//   u64 checksum  (XXH3-64 of the first 12 header bytes and the wire payload)
// A frame that fails any check ends the connection: nothing it carried may be
// applied.
#include <cstdint>
#include <string>
#include <string_view>

namespace meridian::peer {

inline constexpr uint8_t kFrameVersion = 1;
inline constexpr size_t kFrameHeaderSize = 20;

struct Frame {
  uint16_t type = 0;
  std::string payload;  // decompressed
};

struct FrameLimits {
  // Largest payload accepted, compressed or not (a bound on memory per link).
  uint32_t max_payload = 64u << 20;
  // Payloads at least this large are compressed when compression is on.
  uint32_t compress_min = 512;
};

// Appends one encoded frame to `out`. Compresses the payload with zstd when
// `compress` is set, the payload is large enough and compression makes it
// smaller. The payload must not exceed limits.max_payload.
void encode_frame(std::string& out, uint16_t type, std::string_view payload, bool compress,
                  const FrameLimits& limits = {});

// Reassembles frames from a byte stream split at arbitrary points.
class FrameDecoder {
 public:
  enum class Result { kFrame, kNeedMore, kError };

  explicit FrameDecoder(FrameLimits limits = {}) : limits_(limits) {}
  void append(std::string_view bytes) { buf_.append(bytes); }
  // On kError, error() says what was wrong; the decoder stays failed.
  Result next(Frame& frame);
  const std::string& error() const { return error_; }

 private:
  Result fail(std::string why);
  FrameLimits limits_;
  std::string buf_;
  size_t pos_ = 0;
  std::string error_;
};

}  // namespace meridian::peer
