#pragma once
// The core of one region: its keyspace, replication, failover, forwarding,
// global view, conflict feed, the list of its clients, and its timers. It
// does no I/O: a runtime (src/runtime/real or src/runtime/sim) hands it
// peer messages (on_message) and client bytes (through a Session, the layer
// above, which runs commands against it) and calls end_pass() once per
// event-loop pass, before sending that pass's replies. Timers are events
// too: the runtime's Scheduler ends a pass after each (PassScheduler), so no
// part of the core starts a commit itself.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "core/acl/acl.h"
#include "core/data/keyspace.h"
#include "core/env/acl_file.h"
#include "core/env/backups.h"
#include "core/env/compactor.h"
#include "core/env/env.h"
#include "core/env/lifetime.h"
#include "core/env/memory_probe.h"
#include "core/env/network.h"
#include "core/failover/failover_manager.h"
#include "core/failover/write_forwarder.h"
#include "core/global/global_view.h"
#include "core/region/blocked_clients.h"
#include "core/region/client.h"
#include "core/region/client_pause.h"
#include "core/region/command_stats.h"
#include "core/region/pubsub.h"
#include "core/region/scan_cursors.h"
#include "core/region/stats.h"
#include "core/region/watches.h"
#include "core/replication/conflict_feed.h"
#include "core/replication/replicator.h"
#include "core/scripting/functions.h"
#include "core/scripting/scripts.h"
#include "core/settings/region_settings.h"

namespace meridian {

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
  // BGREWRITEAOF's compaction of the stored data; null in the simulator.
  Compactor* compactor = nullptr;
  // The process's memory (INFO memory, MEMORY STATS); null in the simulator.
  MemoryProbe* memory = nullptr;
  // The aclfile of ACL SAVE / LOAD; null when none is configured.
  AclFile* acl_file = nullptr;

  // Before start(): the links to the other regions of the cluster (the
  // runtime owns them). Without it the region runs alone.
  void attach_network(Network* network);
  // Loads stored state and starts the background expiry cycle and, in a
  // cluster, replication. Like any event, the runtime ends a pass after it.
  void start();
  // A message from another region; the runtime calls end_pass() afterwards
  // (it may batch several messages into one pass).
  void on_message(RegionId from, std::string_view message);

  // Makes the writes of this pass durable as the fsync mode requires. The
  // runtime must call it before sending any reply produced in the pass.
  void end_pass();

  int64_t now_ms() { return env_.clock.now_ms(); }
  // For commands that pick at random (SPOP, RANDOMKEY): seeded by the
  // simulator, so a seed replays the same picks.
  Random& random() { return env_.random; }
  const RegionSettings& settings() const { return settings_; }
  Keyspace& keyspace() { return keyspace_; }
  Replicator& replicator() { return replicator_; }
  FailoverManager& failover() { return failover_; }
  WriteForwarder& forwarder() { return forwarder_; }
  GlobalView& global_view() { return global_view_; }
  ConflictFeed& conflicts() { return conflicts_; }
  // Region id -> name, for messages and feeds.
  const std::map<RegionId, std::string>& region_names() const { return names_; }
  ScanCursors& scan_cursors() { return cursors_; }
  Stats& stats() { return stats_; }
  CommandStats& command_stats() { return command_stats_; }
  int64_t now_us() { return env_.clock.now_us(); }
  int64_t wall_us() { return env_.clock.wall_us(); }
  int64_t start_time_ms() const { return start_ms_; }
  // Open client connections, oldest first (CLIENT LIST). A client adds
  // itself when it opens and removes itself when it closes.
  const std::vector<Client*>& clients() const { return clients_; }
  void add_client(Client* c) { clients_.push_back(c); }
  void remove_client(Client* c) {
    std::erase(clients_, c);
    forget_client_state(c);
  }
  // What a client set up (MONITOR, subscriptions, WATCH): on close or RESET.
  void forget_client_state(Client* c) {
    std::erase(monitors_, c);
    pubsub_.forget(c);
    watches_.unwatch(c);
  }
  // MONITOR: clients shown every command the region runs.
  void add_monitor(Client* c) {
    if (std::find(monitors_.begin(), monitors_.end(), c) == monitors_.end()) monitors_.push_back(c);
  }
  const std::vector<Client*>& monitors() const { return monitors_; }
  uint64_t next_client_id() { return next_client_id_++; }
  // CLIENT PAUSE / UNPAUSE; sessions ask it before running a command.
  ClientPause& client_pause() { return pause_; }
  // SUBSCRIBE / PUBLISH within this region.
  PubSub& pubsub() { return pubsub_; }
  // Users and permissions (per region; the config gives each the same start).
  Acl& acl() { return acl_; }
  // notify-keyspace-events (core/region/keyspace_events.h).
  uint32_t notify_flags() const { return notify_flags_; }
  void set_notify_flags(uint32_t flags) { notify_flags_ = flags; }
  // Publishes a keyspace notification here, as the flags ask.
  void notify_key_event(char cls, std::string_view event, std::string_view key);
  // WATCH: marked by every change of a key, local or replicated.
  Watches& watches() { return watches_; }
  // BLPOP and the other blocking commands: who waits on which key.
  BlockedClients& blocked_clients() { return blocked_; }
  // EVAL and SCRIPT: the region's Lua interpreter and script cache.
  Scripts& scripts() { return scripts_; }
  // FUNCTION and FCALL: the region's libraries, kept in its storage.
  Functions& functions() { return functions_; }
  // Stores the libraries (after FUNCTION LOAD / DELETE / FLUSH), with the pass.
  void save_functions();

 private:
  void expire_tick();
  // The default user and [[users]] from the settings.
  void configure_users();

  RegionSettings settings_;
  Env env_;
  Keyspace keyspace_;
  Replicator replicator_;
  FailoverManager failover_;
  ConflictFeed conflicts_;
  std::map<RegionId, std::string> names_;
  ScanCursors cursors_;
  Stats stats_;
  CommandStats command_stats_;
  std::vector<Client*> clients_;
  std::vector<Client*> monitors_;
  uint64_t next_client_id_ = 1;
  int64_t start_ms_ = 0;
  WriteForwarder forwarder_;
  GlobalView global_view_;
  ClientPause pause_;
  PubSub pubsub_;
  Acl acl_;
  uint32_t notify_flags_ = 0;
  Watches watches_;
  BlockedClients blocked_;
  Scripts scripts_;
  Functions functions_{scripts_};
  Lifetime lifetime_;
};

}  // namespace meridian
