#pragma once
// The replication protocol between regions: what each message carries. The
// runtime moves them as opaque bytes (authenticated frames over TCP, or the
// simulated network); every message is self-contained and may be lost,
// duplicated or delayed without harming correctness. Type numbers come from
// the registry in core/peer/message_types.h.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/version_vector.h"
#include "core/data/clear_marks.h"
#include "core/data/delta.h"
#include "core/peer/message_types.h"

namespace meridian::repl {

using peer::MessageType;

// Log records of one origin, seq > after, in order. Sent by the origin
// (its stream) or by any region that has them (a pull). The receiver
// applies them in order, each once its dependencies are applied.
struct Records {
  RegionId origin = 0;
  uint64_t after = 0;
  std::vector<std::string> records;  // encoded LogRecord
};

// The sender's applied vector (its own entry is its own sequence). Sent after
// applying records (the acknowledgement) and on every heartbeat; `resend`
// asks the origins to resend from there (records were lost), `resync` asks
// for a full resync (this region's state is not a prefix of the log).
struct Status {
  VersionVector applied;
  bool resend = false;
  bool resync = false;
};

// One part of a full resync, in order: a header (the vector the whole
// resync is consistent with), the sender's recent log (every origin's
// records it keeps, for later deletes and pulls), the keys in chunks, an end.
struct Snapshot {
  enum Kind : uint8_t { kHeader = 0, kLog = 1, kKeys = 2, kEnd = 3 };
  uint64_t id = 0;
  uint32_t part = 0;
  Kind kind = kHeader;
  // header: the positions the receiver takes on (only the sender's own
  // when it may not hold every key the receiver may: it has not seen the
  // other origins' writes to those)
  VersionVector applied;
  VersionVector context;  // header: the sender's applied vector, what its keys have seen
  ClearMarks clears;      // header: the FLUSHALLs the sender knows
  VersionVector floors;   // header: per origin, the log the sender sends starts after this
  std::vector<std::string> records;  // log: encoded LogRecord
  std::vector<KeyChunk> chunks;      // keys
};

// Flow control of a resync: parts up to `part` arrived; `broken`: a part
// was lost or the receiver cannot take this resync now (the sender tries
// again later).
struct SnapshotAck {
  uint64_t id = 0;
  uint32_t part = 0;
  bool broken = false;
};

// Send me, up to max_bytes, the records you have beyond `applied` (every
// origin's, from your log). Leader and quorum reads, and a region whose
// records wait for a dependency its origin's link does not bring.
struct Pull {
  uint64_t id = 0;
  VersionVector applied;
  uint64_t max_bytes = 0;
};

// After the records a pull asked for: the sender's applied vector, and
// whether it has more beyond what fitted.
struct PullReply {
  uint64_t id = 0;
  VersionVector applied;
  bool more = false;
};

std::string encode(const Records& m);
std::string encode(const Status& m);
std::string encode(const Snapshot& m);
std::string encode(const SnapshotAck& m);
std::string encode(const Pull& m);
std::string encode(const PullReply& m);

// Each returns false on malformed input (the message is then ignored).
bool decode(std::string_view in, Records* m);
bool decode(std::string_view in, Status* m);
bool decode(std::string_view in, Snapshot* m);
bool decode(std::string_view in, SnapshotAck* m);
bool decode(std::string_view in, Pull* m);
bool decode(std::string_view in, PullReply* m);

}  // namespace meridian::repl
