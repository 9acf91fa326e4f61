#pragma once
// One region driven by the deterministic runtime: in-memory storage, virtual
// time and seeded randomness. Clients are in-process sessions; each call to
// SimClient::send is one event-loop pass (commands run, then end_pass, then
// the reply bytes are returned), as in the real runtime.
#include <memory>
#include <string>
#include <vector>

#include "core/env/pass_scheduler.h"
#include "core/region/region.h"
#include "core/session/session.h"
#include "runtime/sim/sim_world.h"
#include "storage/memory_storage.h"

namespace meridian::sim {

class SimRegion;

class SimClient {
 public:
  ~SimClient();
  // Sends raw bytes; returns the reply bytes of that pass. A client whose
  // connection was closed (QUIT, protocol error, region crash) gets nothing.
  std::string send_raw(std::string_view bytes);
  bool open() const { return open_; }

 private:
  friend class SimRegion;
  SimClient(SimRegion& region, std::unique_ptr<Session> session)
      : region_(region), session_(std::move(session)) {}
  void drop() {
    session_.reset();
    open_ = false;
  }
  SimRegion& region_;
  std::unique_ptr<Session> session_;
  bool open_ = true;
};

class SimRegion {
 public:
  SimRegion(RegionSettings settings, uint64_t seed, int64_t start_ms = 1'700'000'000'000);
  ~SimRegion();

  // A new client, or nullptr with the refusal in *refusal (maxclients).
  std::unique_ptr<SimClient> connect(std::string* refusal = nullptr);
  void advance(int64_t ms) { scheduler_.advance(ms); }
  // Loses uncommitted writes and restarts the region on the same storage.
  // Every client's connection is closed, as a crash would.
  void crash_and_restart();

  Region& region() { return *region_; }
  MemoryStorage& storage() { return storage_; }
  SimClock& clock() { return clock_; }

 private:
  friend class SimClient;
  void start_region();
  std::vector<SimClient*> clients_;
  RegionSettings settings_;
  SimClock clock_;
  SimRandom random_;
  SimScheduler scheduler_{clock_};
  MemoryStorage storage_;
  // Declared before the region: it goes after the region it ends passes of.
  std::unique_ptr<PassScheduler> passes_;
  std::unique_ptr<Region> region_;
};

}  // namespace meridian::sim
