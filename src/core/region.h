#pragma once
// The core of one region: its keyspace, command table, clients and timers.
// It does no I/O: a runtime (src/runtime/real or src/runtime/sim) hands it
// client bytes through Session::feed and calls end_pass() once per event-loop
// pass, before sending that pass's replies.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/commands/command_table.h"
#include "core/data/keyspace.h"
#include "core/env/env.h"
#include "core/region_settings.h"
#include "core/scan_cursors.h"
#include "core/stats.h"

namespace meridian {

class Session;

class Region {
 public:
  Region(RegionSettings settings, Env env);
  ~Region();
  Region(const Region&) = delete;
  Region& operator=(const Region&) = delete;

  // Loads stored state and starts the background expiry cycle.
  void start();

  // Admits a new client connection, or refuses it (maxclients) with the
  // error line to send in `refusal`.
  std::unique_ptr<Session> connect(std::string peer_address, std::string* refusal);

  // Makes the writes of this pass durable as the fsync mode requires. The
  // runtime must call it before sending any reply produced in the pass.
  void end_pass();

  int64_t now_ms() { return env_.clock.now_ms(); }
  const RegionSettings& settings() const { return settings_; }
  Keyspace& keyspace() { return keyspace_; }
  const CommandTable& commands() const { return commands_; }
  ScanCursors& scan_cursors() { return cursors_; }
  Stats& stats() { return stats_; }
  int64_t start_time_ms() const { return start_ms_; }
  // Open client sessions, oldest first (CLIENT LIST).
  const std::vector<Session*>& sessions() const { return sessions_; }

 private:
  friend class Session;
  void expire_tick();

  RegionSettings settings_;
  Env env_;
  Keyspace keyspace_;
  CommandTable commands_;
  ScanCursors cursors_;
  Stats stats_;
  std::vector<Session*> sessions_;  // maintained by Session's constructor/destructor
  uint64_t next_client_id_ = 1;
  int64_t start_ms_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace meridian
