#pragma once
// Rewriting a region's stored data into its most compact form, Redis'
// BGREWRITEAOF: the runtime (the real one on a worker thread) flushes the
// memtables, which lets the write-ahead log files they kept go, and compacts
// every table file. The core only starts it and reports its state, through
// BGREWRITEAOF and INFO persistence.
#include <cstdint>
#include <optional>
#include <string>

namespace meridian {

struct CompactionState {
  bool in_progress = false;
  bool last_ok = true;  // the last finished run (true before any; the runtime logs an error)
  int64_t last_duration_ms = 0;
  uint64_t runs = 0;  // finished ones
};

class Compactor {
 public:
  virtual ~Compactor() = default;
  // Starts a run in the background; an error (Redis' wording) when one is
  // already running.
  virtual std::optional<std::string> start() = 0;
  virtual CompactionState state() const = 0;
};

}  // namespace meridian
