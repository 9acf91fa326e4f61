#pragma once
// The failover manager of one region: health checks of every other region,
// the primary and its epoch, the primary's lease, elections, switchover and
// the history of changes. No I/O: messages go through Network after the pass
// that produced them is committed, time through Clock and Scheduler, the
// epoch and vote through Storage.
//
// Safety (never two primaries taking writes):
// - the primary takes writes only while it holds a lease: a majority of
//   regions (itself included) answered one of its checks sent less than
//   lease_ms ago, and each such answer promises not to vote for another
//   primary for lease_ms from when it was given;
// - a new primary needs the votes of a majority for a higher epoch, each
//   vote persisted before it is sent, at most one per epoch;
// - any message stamped with an older epoch makes nobody step back.
// Liveness: a region is declared down only when a majority (of the regions
// that are not it) report it unhealthy; the best candidate (healthy before
// degraded, then holding the most of the old primary's writes, then by tier,
// latency to the others and priority) asks for votes, the others
// wait their turn, and a split vote backs off for a random time; a voter
// refuses a candidate that holds fewer of the old primary's writes than it
// does, so no write acknowledged under sync (or semi-sync on enough
// regions) is lost.
#include <algorithm>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/base/rate_meter.h"
#include "core/env/env.h"
#include "core/env/lifetime.h"
#include "core/env/network.h"
#include "core/env/outbox.h"
#include "core/failover/failover_messages.h"
#include "core/settings/region_settings.h"

namespace meridian {

class PrometheusText;

class Replicator;

enum class Health : uint8_t { kUnknown, kHealthy, kDegraded, kUnhealthy };
const char* health_name(Health h);

using PrimaryChange = failover::PrimaryChange;

class FailoverManager {
 public:
  FailoverManager(const RegionSettings& settings, Env env, Replicator& replicator);
  ~FailoverManager();
  FailoverManager(const FailoverManager&) = delete;
  FailoverManager& operator=(const FailoverManager&) = delete;

  void attach(Network* network);
  bool enabled() const { return network_ != nullptr && peers_.size() > 0; }
  void start();
  void on_message(RegionId from, std::string_view message);
  void flush();         // before the pass commits: persists epoch and vote
  void after_commit();  // sends

  RegionId primary() const { return primary_; }
  uint64_t epoch() const { return epoch_; }
  bool is_primary() const { return primary_ == self_; }
  // Whether a write may run here now (by pattern, tier, role and lease).
  bool accepts_writes() const;
  // Whether clients are served at all: a pilot light serves none (but the
  // commands flagged stale: AUTH, PING, INFO, MR.FAILOVER...) until promoted.
  bool serves_clients() const { return tier_ != Tier::kPilotLight || is_primary(); }
  Tier tier() const { return tier_; }
  // The error for a command refused because !serves_clients().
  std::string standby_refusal() const;
  bool holds_lease() const;
  // The error for a refused write, naming where writes go now.
  std::string write_refusal() const;
  Health health_of(RegionId region) const;
  // Other regions this one currently finds unhealthy (sync writes do not
  // wait for them).
  int unhealthy_peers() const;

  // Operator actions; each returns an error message or nothing.
  std::optional<std::string> switchover(RegionId to);  // planned, loses nothing
  std::optional<std::string> failover(RegionId to);    // forced
  void acknowledge();  // allows automatic failover again within the cooldown

  const std::vector<PrimaryChange>& history() const { return history_; }
  std::string status_json() const;
  // One line of internal state, for test failures.
  std::string debug_line() const;
  std::string history_json() const;
  // Its Prometheus metrics (failover_metrics.cc).
  void write_metrics(PrometheusText& out) const;
  // Runs the configured hooks (the runtime sets it).
  std::function<void(const PrimaryChange&)> on_change;
  // Commands run so far that read or write keys (the region sets it); sent
  // with every check so each region knows every region's rates.
  struct Activity {
    uint64_t reads = 0, writes = 0;
  };
  std::function<Activity()> activity;

 private:
  struct Peer {
    RegionId id;
    std::string name, address;
    Health health = Health::kUnknown;
    int failures = 0, successes = 0;
    int64_t rtt_ms = -1;
    int64_t mean_rtt_ms = -1;  // its own mean round trip to its healthy peers
    Tier tier = Tier::kActive;
    int64_t healthy_since = -1;          // -1: not healthy now
    std::map<int64_t, int64_t> pending;  // sent_ms -> deadline
    int64_t lease_ack_sent_ms = -1;      // send time of our check it acked (primary)
    bool says_primary_down = false;      // its latest view
    VersionVector applied;               // its latest applied vector
    uint64_t epoch = 0;
    RegionId says_primary = 0;  // the primary of its epoch
    RateMeter reads, writes;    // its commands per second, from its checks
  };

  Peer* peer(RegionId id);
  const Peer* peer(RegionId id) const;
  void tick();
  void check_peers();
  void record(Peer& p, bool ok, int64_t rtt);
  void maybe_elect();
  void request_votes(uint64_t epoch, bool forced, const std::string& reason);
  void become_primary(const std::string& reason);
  void force_takeover(const std::string& reason);
  void fence();
  // How long a fenced primary waits for its successor before writing again.
  int64_t fence_window() const {
    return std::max<int64_t>(10000, 4 * (cfg_.lease_ms + cfg_.check_timeout_ms));
  }
  void adopt(uint64_t epoch, RegionId primary);
  // Once an old primary is heard from in a later epoch, the history's count
  // of its writes no survivor had becomes exact.
  // `last`: its own position, reported in `its_epoch`.
  void settle_unreplicated(RegionId region, uint64_t last, uint64_t its_epoch);
  void send(RegionId to, std::string m);
  void broadcast(const std::string& m);
  std::vector<RegionId> candidates() const;
  uint64_t applied_of(RegionId holder, RegionId origin) const;
  std::string name_of(RegionId id) const;
  std::string primary_pointer() const;  // "us-east at 127.0.0.1:7001 (epoch 3)"
  int64_t mean_rtt_ms() const;
  int majority() const { return static_cast<int>(peers_.size() + 1) / 2 + 1; }
  int64_t now() const { return env_.clock.now_ms(); }

  FailoverSettings cfg_;
  Env env_;
  Replicator& replicator_;
  Network* network_ = nullptr;
  RegionId self_ = 0;
  std::string self_name_;
  Tier tier_ = Tier::kActive;
  RateMeter reads_, writes_;  // this region's, sampled every check
  RegionId initial_primary_ = 0;
  std::vector<Peer> peers_;
  Outbox outbox_{env_.storage};

  uint64_t epoch_ = 1;
  RegionId primary_ = 0;
  uint64_t voted_epoch_ = 0;  // highest epoch this region voted in (persisted)
  bool dirty_ = false;
  int64_t promise_until_ = 0;  // no vote for another primary before this
  RegionId promised_to_ = 0;   // whose lease that promise backs
  bool fenced_ = false;        // primary handing over: takes no writes
  int64_t fenced_since_ = 0;

  // Election in progress (this region as candidate).
  uint64_t running_epoch_ = 0;
  bool running_forced_ = false;
  uint64_t running_old_said_ = 0;  // the old primary's position, as the voters last heard it
  std::string running_reason_;
  int64_t running_since_ = 0;
  std::map<RegionId, bool> votes_;
  int64_t next_attempt_ms_ = 0;
  int64_t last_auto_failover_ms_ = -1;
  int64_t forced_until_ = 0;  // a forced takeover keeps trying until then
  std::string forced_reason_;
  bool acknowledged_ = true;
  RegionId switchover_to_ = 0;  // primary waiting for the target to catch up

  std::vector<PrimaryChange> history_;
  Lifetime lifetime_;
};

}  // namespace meridian
