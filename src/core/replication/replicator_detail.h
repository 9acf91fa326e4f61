#pragma once
// The Replicator's bounds and small helpers, shared by its files
// (replicator.cc: state, own writes, log, streams, timers;
// replicator_incoming.cc: records and full resyncs from peers;
// replicator_reads.cc: pulls, remote reads, waits, reporting).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/data/delta.h"

namespace meridian::replicator_detail {

inline constexpr std::string_view kMetaReplication = "replication-v2";
inline constexpr std::string_view kMetaReplicationV1 = "replication";
inline constexpr uint8_t kMetaFormat = 2;
// Unacknowledged bytes of records in flight per peer before its stream
// pauses: the back-pressure that keeps a slow or stopped peer from growing
// this region's memory.
inline constexpr size_t kWindowBytes = 4u << 20;
// Bytes of records per Records message.
inline constexpr size_t kMaxMessageBytes = 256u << 10;
// Tail of the own log kept in memory, so live streaming never reads storage.
inline constexpr size_t kRecentBytes = 32u << 20;
// Records of one origin held back until their dependencies are applied.
inline constexpr size_t kHeldBytes = 8u << 20;
// Bytes of records sent in answer to one pull.
inline constexpr uint64_t kPullBytes = 1u << 20;
// Full resyncs: bytes per part, unacknowledged bytes in flight, and parts
// a receiver keeps when they arrive out of order.
inline constexpr size_t kSnapshotPartBytes = 256u << 10;
inline constexpr size_t kSnapshotWindow = 2u << 20;
inline constexpr size_t kSnapshotBuffer = 2 * kSnapshotWindow;
// A resync the peer refused or that broke is retried after this.
inline constexpr int64_t kSnapshotRetryMs = 5000;

// The sequence number of an encoded log record (0 if it does not parse).
inline uint64_t last_seq(const std::string& record) {
  RegionId o = 0;
  uint64_t seq = 0;
  Hlc hlc;
  return peek_record(record, &o, &seq, &hlc) ? seq : 0;
}

}  // namespace meridian::replicator_detail
