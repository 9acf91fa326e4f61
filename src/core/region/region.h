#pragma once
// The core of one region: its keyspace, command table, clients and timers.
// It does no I/O: a runtime (src/runtime/real or src/runtime/sim) hands it
// client bytes through Session::feed and calls end_pass() once per event-loop
// pass, before sending that pass's replies.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/commands/command_table.h"
#include "core/data/keyspace.h"
#include "core/env/backups.h"
#include "core/env/env.h"
#include "core/env/network.h"
#include "core/failover/failover_manager.h"
#include "core/failover/write_forwarder.h"
#include "core/placement/global_view.h"
#include "core/region_settings.h"
#include "core/replication/conflict_feed.h"
#include "core/replication/replicator.h"
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

  // Where the core's warnings go (the runtime's log); none by default.
  std::function<void(const std::string&)> warn;
  // MR.DEBUG PARTITION: cut this region off from its peers for a while (the
  // runtime sets it; tests only).
  std::function<void(int64_t ms)> partition;
  // Backups of this region's storage (BGSAVE, MR.BACKUP); the runtime sets
  // it, or leaves it null where it cannot make them (the simulator).
  Backups* backups = nullptr;

  // Before start(): the links to the other regions of the cluster (the
  // runtime owns them). Without it the region runs alone.
  void attach_network(Network* network);
  // Loads stored state and starts the background expiry cycle and, in a
  // cluster, replication.
  void start();
  // A message from another region; the runtime calls end_pass() afterwards
  // (it may batch several messages into one pass).
  void on_message(RegionId from, std::string_view message);

  // Admits a new client connection, or refuses it (maxclients) with the
  // error line to send in `refusal`.
  std::unique_ptr<Session> connect(std::string peer_address, std::string* refusal);

  // Makes the writes of this pass durable as the fsync mode requires. The
  // runtime must call it before sending any reply produced in the pass.
  void end_pass();

  int64_t now_ms() { return env_.clock.now_ms(); }
  const RegionSettings& settings() const { return settings_; }
  Keyspace& keyspace() { return keyspace_; }
  Replicator& replicator() { return replicator_; }
  FailoverManager& failover() { return failover_; }
  WriteForwarder& forwarder() { return *forwarder_; }
  GlobalView& global_view() { return *global_view_; }
  // A session for work that comes from another region (forwarded writes):
  // authenticated, not subject to maxclients.
  std::unique_ptr<Session> internal_session(std::string address);
  ConflictFeed& conflicts() { return conflicts_; }
  // Region id -> name, for messages and feeds.
  const std::map<RegionId, std::string>& region_names() const { return names_; }
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
  Replicator replicator_;
  FailoverManager failover_;
  ConflictFeed conflicts_;
  std::map<RegionId, std::string> names_;
  CommandTable commands_;
  ScanCursors cursors_;
  Stats stats_;
  std::vector<Session*> sessions_;  // maintained by Session's constructor/destructor
  uint64_t next_client_id_ = 1;
  int64_t start_ms_ = 0;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
  // Last: its sessions use the members above as they go.
  std::unique_ptr<WriteForwarder> forwarder_;
  std::unique_ptr<GlobalView> global_view_;
};

}  // namespace meridian
