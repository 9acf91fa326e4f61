#include "core/failover/failover_manager.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/base/assert.h"
#include "core/base/coding.h"
#include "core/replication/replicator.h"

namespace meridian {
namespace {

constexpr std::string_view kMetaFailover = "failover";
constexpr size_t kHistoryKept = 1000;

}  // namespace

const char* pattern_name(Pattern p) {
  switch (p) {
    case Pattern::kActiveActive:
      return "active-active";
    case Pattern::kActivePassive:
      return "active-passive";
    case Pattern::kWriteGlobal:
      return "read-local-write-global";
  }
  return "active-active";
}

const char* tier_name(Tier t) {
  switch (t) {
    case Tier::kActive:
      return "active";
    case Tier::kWarmStandby:
      return "warm-standby";
    case Tier::kPilotLight:
      return "pilot-light";
    case Tier::kBackupRestore:
      return "backup-restore";
  }
  return "active";
}

const char* health_name(Health h) {
  switch (h) {
    case Health::kUnknown:
      return "unknown";
    case Health::kHealthy:
      return "healthy";
    case Health::kDegraded:
      return "degraded";
    case Health::kUnhealthy:
      return "unhealthy";
  }
  return "unknown";
}

FailoverManager::FailoverManager(const RegionSettings& settings, Env env, Replicator& replicator)
    : cfg_(settings.failover), env_(env), replicator_(replicator) {
  self_ = settings.region_id;
  self_name_ = settings.region_name;
  for (const auto& r : settings.replication.regions) {
    if (r.id == self_) {
      tier_ = r.tier;
      continue;
    }
    Peer p;
    p.id = r.id;
    p.name = r.name;
    p.address = r.client_address;
    p.tier = r.tier;
    peers_.push_back(std::move(p));
  }
  initial_primary_ =
      settings.replication.regions.empty() ? self_ : settings.replication.regions.front().id;
  primary_ = initial_primary_;
}

FailoverManager::~FailoverManager() = default;

void FailoverManager::attach(Network* network) {
  network_ = network;
}

FailoverManager::Peer* FailoverManager::peer(RegionId id) {
  for (auto& p : peers_)
    if (p.id == id) return &p;
  return nullptr;
}

const FailoverManager::Peer* FailoverManager::peer(RegionId id) const {
  for (const auto& p : peers_)
    if (p.id == id) return &p;
  return nullptr;
}

std::string FailoverManager::name_of(RegionId id) const {
  if (id == self_) return self_name_;
  const Peer* p = peer(id);
  return p ? p->name : std::to_string(id);
}

void FailoverManager::start() {
  if (auto v = env_.storage.get(Column::kMeta, kMetaFailover)) {
    std::string_view in = *v;
    uint64_t primary = 0, n = 0;
    if (coding::get_varint(in, &epoch_) && coding::get_varint(in, &primary) &&
        coding::get_varint(in, &voted_epoch_) && coding::get_varint(in, &n)) {
      primary_ = static_cast<RegionId>(primary);
      for (uint64_t i = 0; i < n; ++i) {
        PrimaryChange c;
        if (!failover::decode(in, &c)) break;
        history_.push_back(std::move(c));
      }
      // Stored since the counts became bounds: each entry's bounds follow.
      // History stored before that keeps its figure as it was.
      bool bounds = true;
      for (auto& c : history_) {
        bounds = bounds && !in.empty() && failover::decode_bounds(in, &c);
        if (!bounds) c.exact = true;
      }
    }
  }
  if (!enabled()) return;
  // After a restart this region may have promised a lease it no longer
  // remembers: honour it by not voting for a while.
  promise_until_ = now() + cfg_.lease_ms;
  promised_to_ = 0;
  tick();
}

void FailoverManager::flush() {
  if (!dirty_) return;
  std::string v;
  coding::put_varint(v, epoch_);
  coding::put_varint(v, primary_);
  coding::put_varint(v, voted_epoch_);
  size_t first = history_.size() > kHistoryKept ? history_.size() - kHistoryKept : 0;
  coding::put_varint(v, history_.size() - first);
  for (size_t i = first; i < history_.size(); ++i) failover::encode(v, history_[i]);
  for (size_t i = first; i < history_.size(); ++i) failover::encode_bounds(v, history_[i]);
  env_.storage.put(Column::kMeta, kMetaFailover, v);
  dirty_ = false;
}

void FailoverManager::send(RegionId to, std::string m) {
  outbox_.add(to, std::move(m));
}

void FailoverManager::broadcast(const std::string& m) {
  for (const auto& p : peers_) send(p.id, m);
}

void FailoverManager::after_commit() {
  if (!enabled()) return;
  outbox_.send_committed(network_);
}

Health FailoverManager::health_of(RegionId region) const {
  if (region == self_) return Health::kHealthy;
  const Peer* p = peer(region);
  return p ? p->health : Health::kUnknown;
}

int FailoverManager::unhealthy_peers() const {
  return static_cast<int>(std::count_if(
      peers_.begin(), peers_.end(), [](const Peer& p) { return p.health == Health::kUnhealthy; }));
}

bool FailoverManager::holds_lease() const {
  if (!is_primary() || fenced_) return false;
  if (!enabled()) return true;
  std::vector<int64_t> acks = {now()};
  for (const auto& p : peers_)
    if (p.lease_ack_sent_ms >= 0) acks.push_back(p.lease_ack_sent_ms);
  if (static_cast<int>(acks.size()) < majority()) return false;
  std::sort(acks.rbegin(), acks.rend());
  return acks[static_cast<size_t>(majority() - 1)] + cfg_.lease_ms > now();
}

bool FailoverManager::accepts_writes() const {
  // Standby tiers write only once promoted; active regions of an
  // active-active cluster always.
  if (cfg_.pattern == Pattern::kActiveActive && (tier_ == Tier::kActive || is_primary())) {
    return true;
  }
  return holds_lease();
}

std::string FailoverManager::primary_pointer() const {
  const Peer* p = peer(primary_);
  return name_of(primary_) + (p ? " at " + p->address : std::string()) + " (epoch " +
         std::to_string(epoch_) + ")";
}

std::string FailoverManager::write_refusal() const {
  if (is_primary()) {
    return "TRYAGAIN this region (" + self_name_ +
           ") is the primary but cannot confirm its lease with a majority of regions; "
           "retry shortly";
  }
  std::string what = tier_ == Tier::kWarmStandby ? ") is a warm standby and does not take writes"
                                                 : ") does not take writes";
  return "READONLY this region (" + self_name_ + what + "; the primary is " + primary_pointer();
}

std::string FailoverManager::standby_refusal() const {
  return "STANDBY this region (" + self_name_ +
         ") is a pilot light: it applies the replication log but serves no clients until it "
         "is promoted; the primary is " +
         primary_pointer();
}

int64_t FailoverManager::mean_rtt_ms() const {
  int64_t sum = 0, n = 0;
  for (const auto& p : peers_) {
    if (p.rtt_ms >= 0 && (p.health == Health::kHealthy || p.health == Health::kDegraded)) {
      sum += p.rtt_ms;
      ++n;
    }
  }
  return n == 0 ? -1 : sum / n;
}

void FailoverManager::tick() {
  check_peers();
  // Everyone checks everyone: the check carries this region's epoch, its
  // view of the primary and its applied vector (for candidate ranking).
  const Peer* pp = peer(primary_);
  bool primary_down = pp != nullptr && pp->health == Health::kUnhealthy;
  int64_t t = now();
  failover::Ping ping;
  ping.epoch = epoch_;
  ping.primary = primary_;
  ping.sent_ms = t;
  ping.primary_down = primary_down;
  // A primary handing over takes no writes: nobody needs to keep its lease.
  ping.fenced = is_primary() && fenced_;
  ping.applied = replicator_.applied();
  ping.mean_rtt_ms = mean_rtt_ms();
  if (activity) {
    Activity a = activity();
    ping.reads = a.reads;
    ping.writes = a.writes;
    reads_.sample(t, a.reads);
    writes_.sample(t, a.writes);
  }
  std::string m = failover::encode(ping);
  for (auto& p : peers_) {
    p.pending[t] = t + cfg_.check_timeout_ms;
    send(p.id, m);
  }
  maybe_elect();
  env_.scheduler.after(std::max<int64_t>(1, cfg_.check_interval_ms),
                       lifetime_.guard([this] { tick(); }));
}

void FailoverManager::check_peers() {
  int64_t t = now();
  for (auto& p : peers_) {
    while (!p.pending.empty() && p.pending.begin()->second <= t) {
      p.pending.erase(p.pending.begin());
      record(p, false, -1);
    }
  }
}

void FailoverManager::record(Peer& p, bool ok, int64_t rtt) {
  Health before = p.health;
  struct Since {  // keeps healthy_since in step with the state, however it changes
    Peer& p;
    Health before;
    int64_t now;
    ~Since() {
      bool up = p.health == Health::kHealthy || p.health == Health::kDegraded;
      bool was_up = before == Health::kHealthy || before == Health::kDegraded;
      if (up && !was_up) p.healthy_since = now;
      if (!up) p.healthy_since = -1;
    }
  } since{p, before, now()};
  if (ok) {
    p.failures = 0;
    ++p.successes;
    p.rtt_ms = rtt;
    bool slow = cfg_.degraded_ms > 0 && rtt > cfg_.degraded_ms;
    if (p.health == Health::kUnhealthy || p.health == Health::kUnknown) {
      if (p.successes >= cfg_.recovery_threshold) {
        p.health = slow ? Health::kDegraded : Health::kHealthy;
      }
    } else {
      p.health = slow ? Health::kDegraded : Health::kHealthy;
    }
  } else {
    p.successes = 0;
    ++p.failures;
    if (p.failures >= cfg_.failure_threshold) p.health = Health::kUnhealthy;
  }
}

}  // namespace meridian
