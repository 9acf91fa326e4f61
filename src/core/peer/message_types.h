#pragma once
// Every message regions send each other starts with one byte, its type.
// This is the one registry of those numbers: each owner encodes and decodes
// its own messages (typed structs next to it) but takes its numbers from
// here, and Region::on_message routes by owner. Numbers are on the wire:
// never renumber, never reuse.
#include <cstdint>
#include <optional>
#include <string_view>

namespace meridian::peer {

enum class MessageType : uint8_t {
  // Replication (core/replication/messages.h).
  kRecords = 1,      // log records of one origin, in order
  kStatus = 2,       // applied positions: acknowledgement, heartbeat, resend or resync request
  kSnapshot = 3,     // one part of a full resync
  kSnapshotAck = 4,  // a part received (or the stream broken)
  kPull = 5,         // send me the records you have beyond my vector
  kPullReply = 6,    // the sender's vector, after the records it sent
  // Failover (core/failover/failover_messages.h).
  kPing = 16,
  kPong = 17,
  kVoteRequest = 18,
  kVoteReply = 19,
  kNewPrimary = 20,
  kHandover = 21,
  kPromote = 22,
  kFence = 23,
  // Write forwarding (core/failover/write_forwarder.h).
  kForward = 24,
  kForwardReply = 25,
  // Global view (core/global/global_view.h).
  kScan = 26,
  kScanReply = 27,
  // Pub/sub (core/region/pubsub.h).
  kPublish = 28,  // a message published in the sending region
};

enum class Owner { kReplication, kFailover, kForwarder, kGlobalView, kPubSub };

// Who handles a message of this type; nothing for an unknown type.
inline std::optional<Owner> owner_of(uint8_t type) {
  if (type >= 1 && type <= 6) return Owner::kReplication;
  if (type >= 16 && type <= 23) return Owner::kFailover;
  if (type == 24 || type == 25) return Owner::kForwarder;
  if (type == 26 || type == 27) return Owner::kGlobalView;
  if (type == 28) return Owner::kPubSub;
  return std::nullopt;
}

inline std::optional<MessageType> type_of(std::string_view message) {
  if (message.empty() || !owner_of(static_cast<uint8_t>(message[0]))) return std::nullopt;
  return static_cast<MessageType>(message[0]);
}

// A new message of type `t`: its type byte.
inline std::string begin_message(MessageType t) {
  return std::string(1, static_cast<char>(t));
}

// Consumes the type byte of `in` if it is `t`; false (nothing consumed)
// otherwise.
inline bool open_message(std::string_view& in, MessageType t) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != static_cast<uint8_t>(t)) return false;
  in.remove_prefix(1);
  return true;
}

}  // namespace meridian::peer
