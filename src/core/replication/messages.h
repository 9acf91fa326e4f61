#pragma once
// The replication protocol between regions: what each message carries. The
// runtime moves them as opaque bytes (authenticated frames over TCP, or the
// simulated network); every message is self-contained and may be lost,
// duplicated or delayed without harming correctness.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/data/version_vector.h"
#include "core/replication/log_record.h"

namespace meridian::repl {

enum class MessageType : uint8_t {
  kRecords = 1,   // origin -> peer: consecutive log records after `after`
  kStatus = 2,    // any -> any: applied positions (ack, heartbeat, resend request)
  kSnapshot = 3,  // origin -> lagging peer: one part of a full resync
  kRead = 4,      // reader -> peer: the images of these keys, please
  kReadReply = 5,
  kRepair = 6,  // reader -> stale peer: newer images it returned older versions of
};

// Log records of the sender's own origin, seq > after, in order. The receiver
// applies them only if it has applied everything up to `after`.
struct Records {
  uint64_t after = 0;
  std::vector<std::string> records;  // encoded LogRecord
};

// The sender's applied vector (its own entry is its own sequence). Sent after
// applying records (the acknowledgement), on every heartbeat, and with
// `resend` set when records arrived with a gap before them.
struct Status {
  VersionVector applied;
  bool resend = false;
};

// One part of a snapshot: every key image of the sender, split in parts. The
// last part carries the vector the snapshot is consistent with.
struct Snapshot {
  uint64_t id = 0;
  uint32_t part = 0;
  bool last = false;
  VersionVector applied;  // valid in the last part
  Hlc clear_watermark;    // valid in the last part
  std::vector<KeyImage> images;
};

struct Read {
  uint64_t id = 0;
  std::vector<std::string> keys;
};

struct ReadReply {
  uint64_t id = 0;
  std::vector<KeyImage> images;
};

struct Repair {
  std::vector<KeyImage> images;
};

std::string encode(const Records& m);
std::string encode(const Status& m);
std::string encode(const Snapshot& m);
std::string encode(const Read& m);
std::string encode(const ReadReply& m);
std::string encode(const Repair& m);

// The type of an encoded message, or nothing when it is not one.
std::optional<MessageType> peek_type(std::string_view in);
// Each returns false on malformed input (the message is then ignored).
bool decode(std::string_view in, Records* m);
bool decode(std::string_view in, Status* m);
bool decode(std::string_view in, Snapshot* m);
bool decode(std::string_view in, Read* m);
bool decode(std::string_view in, ReadReply* m);
bool decode(std::string_view in, Repair* m);

}  // namespace meridian::repl
