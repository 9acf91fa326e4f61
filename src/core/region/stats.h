#pragma once
#include <cstdint>

namespace meridian {

// Counters INFO reports.
struct Stats {
  uint64_t connected_clients = 0;
  uint64_t total_connections_received = 0;
  uint64_t rejected_connections = 0;
  uint64_t total_commands_processed = 0;
  // Of those, the commands that read keys and those that write them.
  uint64_t read_commands = 0, write_commands = 0;
  uint64_t total_error_replies = 0;
  uint64_t protocol_errors = 0;
  uint64_t keyspace_hits = 0;
  uint64_t keyspace_misses = 0;
  uint64_t commits = 0;
  uint64_t synced_commits = 0;
};

}  // namespace meridian
