// FailoverManager: operator actions (switchover, failover, fence, takeover,
// acknowledge) and what it reports (status, history).
#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/base/assert.h"
#include "core/base/coding.h"
#include "core/failover/failover_manager.h"
#include "core/replication/replicator.h"

namespace meridian {

std::optional<std::string> FailoverManager::switchover(RegionId to) {
  if (!enabled()) return "switchover needs a cluster of several regions";
  if (to == primary_) return name_of(to) + " is already the primary";
  if (peer(to) == nullptr && to != self_) return "no such region";
  if (!is_primary()) {
    return "run the switchover on the primary (" + name_of(primary_) + ")";
  }
  // Stop taking writes, then hand over once the target has all of them.
  fence();
  switchover_to_ = to;
  return std::nullopt;
}

std::optional<std::string> FailoverManager::failover(RegionId to) {
  if (!enabled()) return "failover needs a cluster of several regions";
  if (to == primary_) return name_of(to) + " is already the primary";
  if (to == self_) {
    force_takeover("forced failover to " + self_name_);
    return std::nullopt;
  }
  if (peer(to) == nullptr) return "no such region";
  send(to, failover::encode(failover::Promote{epoch_}));
  // Ask the primary to stop taking writes, so its lease need not run out
  // first (if it cannot be reached, the new primary waits for that).
  if (is_primary()) {
    fence();
  } else {
    send(primary_, failover::encode(failover::Fence{epoch_}));
  }
  return std::nullopt;
}

void FailoverManager::fence() {
  fenced_ = true;
  fenced_since_ = now();
}

void FailoverManager::force_takeover(const std::string& reason) {
  // The primary may still be alive and its voters bound by its lease: ask it
  // to stop taking writes (its next check then releases them), and keep
  // asking for votes until elected or the window closes.
  send(primary_, failover::encode(failover::Fence{epoch_}));
  forced_until_ = now() + 3 * (cfg_.lease_ms + cfg_.check_timeout_ms);
  forced_reason_ = reason;
  next_attempt_ms_ = 0;
  if (running_epoch_ == 0) request_votes(std::max(epoch_, voted_epoch_) + 1, true, reason);
}

void FailoverManager::acknowledge() {
  acknowledged_ = true;
}

namespace {

nlohmann::json vector_json(const VersionVector& v) {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [o, s] : v.entries()) j[std::to_string(o)] = s;
  return j;
}

}  // namespace

std::string FailoverManager::status_json() const {
  nlohmann::json j;
  j["region"] = self_name_;
  j["pattern"] = pattern_name(cfg_.pattern);
  j["epoch"] = epoch_;
  j["primary"] = name_of(primary_);
  j["role"] = is_primary() ? "primary" : "standby";
  j["accepts_writes"] = accepts_writes();
  j["holds_lease"] = holds_lease();
  j["tier"] = tier_name(tier_);
  j["serves_clients"] = serves_clients();
  j["regions"] = nlohmann::json::array();
  j["regions"].push_back({{"name", self_name_},
                          {"health", "healthy"},
                          {"role", is_primary() ? "primary" : "standby"},
                          {"tier", tier_name(tier_)},
                          {"mean_rtt_ms", mean_rtt_ms()},
                          {"applied_of_primary", replicator_.applied().get(primary_)},
                          {"epoch", epoch_},
                          {"says_primary", name_of(primary_)},
                          {"reads_per_sec", reads_.per_second()},
                          {"writes_per_sec", writes_.per_second()},
                          {"applied", vector_json(replicator_.applied())}});
  // The cluster's agreed view: the epoch and primary a majority of the
  // regions report (this one, and the healthy peers by their last check).
  std::map<std::pair<uint64_t, RegionId>, int> votes;
  ++votes[{epoch_, primary_}];
  for (const auto& p : peers_) {
    j["regions"].push_back({{"name", p.name},
                            {"health", health_name(p.health)},
                            {"role", p.id == primary_ ? "primary" : "standby"},
                            {"tier", tier_name(p.tier)},
                            {"rtt_ms", p.rtt_ms},
                            {"mean_rtt_ms", p.mean_rtt_ms},
                            {"applied_of_primary", p.applied.get(primary_)},
                            {"epoch", p.epoch},
                            {"says_primary", name_of(p.says_primary)},
                            {"reads_per_sec", p.reads.per_second()},
                            {"writes_per_sec", p.writes.per_second()},
                            {"applied", vector_json(p.applied)}});
    if (p.health == Health::kHealthy || p.health == Health::kDegraded) {
      ++votes[{p.epoch, p.says_primary}];
    }
  }
  j["agreed"] = {{"epoch", 0}, {"primary", nullptr}, {"regions", 0}, {"of", peers_.size() + 1}};
  for (const auto& [view, n] : votes) {
    if (n < majority()) continue;
    j["agreed"] = {{"epoch", view.first},
                   {"primary", name_of(view.second)},
                   {"regions", n},
                   {"of", peers_.size() + 1}};
  }
  return j.dump();
}

std::string FailoverManager::debug_line() const {
  std::string out =
      self_name_ + ": epoch " + std::to_string(epoch_) + " primary " + name_of(primary_) +
      " voted " + std::to_string(voted_epoch_) + " running " + std::to_string(running_epoch_) +
      " promise_in " + std::to_string(promise_until_ - now()) + " next_try_in " +
      std::to_string(next_attempt_ms_ - now()) + " lease " + (holds_lease() ? "held" : "none") +
      " fenced " + (fenced_ ? "1" : "0") + " acks:";
  for (const auto& p : peers_) out += " " + std::to_string(p.lease_ack_sent_ms - now());
  out += " health:";
  for (const auto& p : peers_) {
    out += " " + p.name + "=" + health_name(p.health) + (p.says_primary_down ? "(down)" : "") +
           "@e" + std::to_string(p.epoch);
  }
  return out;
}

std::string FailoverManager::history_json() const {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& c : history_) {
    j.push_back(
        {{"epoch", c.epoch},
         {"from", name_of(c.from)},
         {"to", name_of(c.to)},
         {"reason", c.reason},
         {"start_ms", c.start_ms},
         {"end_ms", c.end_ms},
         {"log_position", c.log_position},
         {"unreplicated_writes", c.unreplicated},
         {"unreplicated_exact", c.exact},
         {"unreplicated_text", (c.exact ? "" : "at least ") + std::to_string(c.unreplicated)},
         {"survivors_held", c.survivors_held},
         {"old_primary_reported", c.old_reported}});
  }
  return j.dump();
}

}  // namespace meridian
