#pragma once
// What regions' failover managers send each other: one struct per message,
// with its encoding. Type numbers come from the registry in
// core/peer/message_types.h. Pure encoding, no I/O.
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/version_vector.h"
#include "core/peer/message_types.h"

namespace meridian::failover {

// A change of primary, as the history keeps it.
struct PrimaryChange {
  uint64_t epoch = 0;
  RegionId from = 0, to = 0;
  std::string reason;  // "failover: ...", "switchover", "forced failover"
  int64_t start_ms = 0, end_ms = 0;
  uint64_t log_position = 0;  // the new primary's position in the old one's log
  // The old primary's writes no survivor had at the change: exact once the
  // old primary is heard from again (it stopped writing when its lease
  // ran out, so what it then reports is final); until then a lower bound,
  // old_reported - survivors_held.
  uint64_t unreplicated = 0;
  bool exact = false;
  uint64_t survivors_held = 0;  // the furthest any survivor had of the old primary's log
  uint64_t old_reported = 0;    // the old primary's own position, as last reported to any
};
void encode(std::string& out, const PrimaryChange& c);
bool decode(std::string_view& in, PrimaryChange* c);
// The fields after `unreplicated`, kept apart so that history stored before
// them still reads (as a bound of 0).
void encode_bounds(std::string& out, const PrimaryChange& c);
bool decode_bounds(std::string_view& in, PrimaryChange* c);

// Every region checks every other: its epoch, its primary, when it sent
// the check (echoed by the answer), whether the primary looks down from here
// and whether this primary is handing over (fenced), its applied vector and
// its mean round trip to the others (-1: not known yet), and how many
// commands that read or write keys it has run (for the dashboard's rates).
struct Ping {
  uint64_t epoch = 0;
  RegionId primary = 0;
  int64_t sent_ms = 0;
  bool primary_down = false;
  bool fenced = false;
  VersionVector applied;
  int64_t mean_rtt_ms = -1;
  uint64_t reads = 0, writes = 0;
};

// The answer: `lease` promises the sender, as primary, no other primary for
// lease_ms.
struct Pong {
  uint64_t epoch = 0;
  RegionId primary = 0;
  int64_t sent_ms = 0;
  bool lease = false;
};

// A candidate asks for votes in `epoch`, saying how much of the old
// primary's log it holds.
struct VoteRequest {
  uint64_t epoch = 0;
  RegionId old_primary = 0;
  uint64_t holds = 0;
  bool forced = false;
};

// The vote, what the voter holds of the old primary, the highest epoch it
// voted in, and the old primary's own position as last reported to the
// voter (for the count of writes the failover leaves behind).
struct VoteReply {
  uint64_t epoch = 0;
  bool granted = false;
  RegionId old_primary = 0;
  uint64_t holds = 0;
  uint64_t voted_epoch = 0;
  uint64_t old_said = 0;
};

struct NewPrimary {
  PrimaryChange change;
};

// Switchover and forced failover: primary -> target "take over now",
// operator -> target "take over", operator -> primary "stop taking writes".
struct Handover {
  uint64_t epoch = 0;
};
struct Promote {
  uint64_t epoch = 0;
};
struct Fence {
  uint64_t epoch = 0;
};

std::string encode(const Ping& m);
std::string encode(const Pong& m);
std::string encode(const VoteRequest& m);
std::string encode(const VoteReply& m);
std::string encode(const NewPrimary& m);
std::string encode(const Handover& m);
std::string encode(const Promote& m);
std::string encode(const Fence& m);

// Each returns false on malformed input (the message is then ignored).
bool decode(std::string_view in, Ping* m);
bool decode(std::string_view in, Pong* m);
bool decode(std::string_view in, VoteRequest* m);
bool decode(std::string_view in, VoteReply* m);
bool decode(std::string_view in, NewPrimary* m);
bool decode(std::string_view in, Handover* m);
bool decode(std::string_view in, Promote* m);
bool decode(std::string_view in, Fence* m);

}  // namespace meridian::failover
