#pragma once
// Several regions of one cluster in one process, on the deterministic
// runtime: a shared virtual clock (each region sees it through its own
// skew), the simulated WAN, in-memory storage that a crash rolls back to the
// last commit, and clients that send one command at a time and get their
// reply when the core produces it (after any replication wait).
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "core/env/pass_scheduler.h"
#include "core/region/region.h"
#include "core/session/session.h"
#include "runtime/sim/sim_network.h"
#include "runtime/sim/sim_world.h"
#include "storage/memory_storage.h"

namespace meridian::sim {

struct SimClusterOptions {
  uint64_t seed = 1;
  int regions = 3;
  // One-way delay between region i and j (symmetric); empty: 20 ms.
  std::vector<std::vector<int64_t>> one_way_ms;
  std::vector<int64_t> skew_ms;  // per region; empty: none
  LinkFaults faults;
  ReplicationSettings replication;  // `regions` is filled in
  FailoverSettings failover;
  std::vector<Tier> tiers;  // per region; empty: all active
  Placement placement;      // [[placement]] rules, with region ids 1..regions
  FsyncMode fsync = FsyncMode::kAlways;
  bool enable_flushall = false;
  int64_t start_ms = 1'700'000'000'000;
  // Each region's cluster secret for its peer links (region i at index i);
  // empty: one secret for all. A region with another secret is refused.
  std::vector<std::string> secrets;
};

class SimCluster;

// A client connection to one region. One command at a time.
class SimConn {
 public:
  ~SimConn();
  // Sends a command; `done` gets the raw RESP reply, or nothing if the
  // connection was lost first (region crash). Returns false if a command is
  // still outstanding or the connection is closed.
  bool send(const std::vector<std::string>& argv,
            std::function<void(const std::optional<std::string>&)> done);
  bool busy() const { return static_cast<bool>(done_); }
  bool open() const { return session_ != nullptr; }
  Session* session() { return session_.get(); }
  int region() const { return region_; }

 private:
  friend class SimCluster;
  SimConn(SimCluster& cluster, int region) : cluster_(cluster), region_(region) {}
  void deliver(std::string& out);
  void lost();

  SimCluster& cluster_;
  int region_;
  std::unique_ptr<Session> session_;
  std::function<void(const std::optional<std::string>&)> done_;
};

class SimCluster {
 public:
  explicit SimCluster(SimClusterOptions options);
  ~SimCluster();

  int size() const { return static_cast<int>(nodes_.size()); }
  Region& region(int i) { return *nodes_[i]->region; }
  MemoryStorage& storage(int i) { return nodes_[i]->storage; }
  SimNetwork& network() { return network_; }
  SimScheduler& scheduler() { return scheduler_; }
  int64_t now() const { return scheduler_.now(); }
  RegionId id(int i) const { return static_cast<RegionId>(i + 1); }
  int index(RegionId id) const { return static_cast<int>(id) - 1; }

  std::unique_ptr<SimConn> connect(int region);
  void run_for(int64_t ms) { scheduler_.advance(ms); }
  // Kills region i (uncommitted writes are lost, its clients disconnected)
  // and starts it again on the same storage.
  void crash_and_restart(int i);
  // Called after every region start (first start and restarts).
  std::function<void(int region)> on_start;
  // Asked after each message a region handles: true makes the region die
  // before that pass commits (the message's effects and replies are lost).
  std::function<bool(int region)> crash_mid_pass;

 private:
  friend class SimConn;
  struct Node {
    explicit Node(Clock& base, int64_t skew) : clock(base, skew) {}
    SkewedClock clock;
    std::unique_ptr<SimRandom> random;
    MemoryStorage storage;
    std::unique_ptr<Network> endpoint;
    // The region's timers, each followed by a pass; one per incarnation.
    std::unique_ptr<PassScheduler> passes;
    std::unique_ptr<Region> region;
    std::vector<SimConn*> conns;
  };
  void start(int i);
  void pass(int i) { nodes_[i]->region->end_pass(); }

  SimClusterOptions opts_;
  SimClock clock_;
  SimScheduler scheduler_{clock_};
  SimNetwork network_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

}  // namespace meridian::sim
