// FailoverManager: elections (candidates, votes, epochs) and its messages.
#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/base/assert.h"
#include "core/base/coding.h"
#include "core/failover/failover_manager.h"
#include "core/replication/replicator.h"

namespace meridian {

uint64_t FailoverManager::applied_of(RegionId holder, RegionId origin) const {
  if (holder == self_) return replicator_.applied().get(origin);
  const Peer* p = peer(holder);
  return p ? p->applied.get(origin) : 0;
}

std::vector<RegionId> FailoverManager::candidates() const {
  // Healthy or degraded regions other than the primary, best first.
  std::vector<RegionId> out;
  if (primary_ != self_) out.push_back(self_);
  for (const auto& p : peers_) {
    if (p.id != primary_ && (p.health == Health::kHealthy || p.health == Health::kDegraded)) {
      out.push_back(p.id);
    }
  }
  auto rank = [&](RegionId r) {
    auto it = std::find(cfg_.priority.begin(), cfg_.priority.end(), r);
    return static_cast<size_t>(it - cfg_.priority.begin());
  };
  auto degraded = [&](RegionId r) { return health_of(r) == Health::kDegraded; };
  auto tier = [&](RegionId r) {
    const Peer* p = peer(r);
    return r == self_ ? tier_ : (p ? p->tier : Tier::kActive);
  };
  // Latency in 10 ms steps, so jitter does not reorder regions; unknown last.
  auto latency = [&](RegionId r) {
    const Peer* p = peer(r);
    int64_t ms = r == self_ ? mean_rtt_ms() : (p ? p->mean_rtt_ms : -1);
    return ms < 0 ? INT64_MAX : ms / 10;
  };
  // Healthy before degraded; then the most of the old primary's writes
  // (voters refuse a candidate holding fewer than they do anyway); then the
  // tier (active, warm standby, pilot light); then the lowest latency to the
  // others; then the configured priority; then the id. Views of each
  // other's positions can differ, so two regions may both think they go
  // first: a failed election backs off for a random time.
  std::sort(out.begin(), out.end(), [&](RegionId a, RegionId b) {
    if (degraded(a) != degraded(b)) return !degraded(a);
    uint64_t ha = applied_of(a, primary_), hb = applied_of(b, primary_);
    if (ha != hb) return ha > hb;
    if (tier(a) != tier(b)) return tier(a) < tier(b);
    if (latency(a) != latency(b)) return latency(a) < latency(b);
    if (rank(a) != rank(b)) return rank(a) < rank(b);
    return a < b;
  });
  return out;
}

void FailoverManager::maybe_elect() {
  int64_t t = now();
  if (running_epoch_ != 0) {
    // An election that did not complete (a split vote, lost messages): give
    // up and retry after a random pause, so two candidates stop colliding.
    // A candidate that learnt (from the refusals) that another holds more
    // also waits that one's turn.
    if (t - running_since_ > cfg_.lease_ms + cfg_.check_timeout_ms) {
      running_epoch_ = 0;
      auto order = candidates();
      auto place =
          static_cast<int64_t>(std::find(order.begin(), order.end(), self_) - order.begin());
      next_attempt_ms_ =
          t +
          std::min<int64_t>(place, static_cast<int64_t>(order.size())) *
              (cfg_.lease_ms + cfg_.check_timeout_ms) +
          static_cast<int64_t>(env_.random.uniform(static_cast<uint64_t>(cfg_.lease_ms) + 1));
    }
    return;
  }
  if (is_primary()) {
    // A handover that never completed (the target died or fell behind for
    // good) must not leave the cluster without a writer.
    if (fenced_ && t - fenced_since_ > fence_window()) {
      fenced_ = false;
      switchover_to_ = 0;
    }
    // Automatic failback: the original primary has been healthy for the
    // hold-down period; move back to it as a planned switchover.
    const Peer* home = peer(initial_primary_);
    if (cfg_.auto_failback && switchover_to_ == 0 && home != nullptr && home->healthy_since >= 0 &&
        t - home->healthy_since >= cfg_.failback_hold_ms) {
      fence();
      switchover_to_ = initial_primary_;
    }
    // Switchover: hand over once the target has everything. In
    // active-active this region keeps taking writes (every active one does),
    // so the target never quite has everything; nothing is lost by handing
    // over at once, since every region's writes reach every other anyway.
    if (switchover_to_ != 0 &&
        (cfg_.pattern == Pattern::kActiveActive ||
         applied_of(switchover_to_, self_) >= replicator_.applied().get(self_))) {
      send(switchover_to_, failover::encode(failover::Handover{epoch_}));
    }
    return;
  }
  // A forced takeover retries until it wins or its window closes.
  if (t < forced_until_) {
    if (t >= next_attempt_ms_) {
      request_votes(std::max(epoch_, voted_epoch_) + 1, true, forced_reason_);
    }
    return;
  }
  // Is the primary down for a majority? Its own vote does not count.
  const Peer* pp = peer(primary_);
  if (pp == nullptr || pp->health != Health::kUnhealthy) return;
  int down = 1;  // this region
  for (const auto& p : peers_) {
    if (p.id != primary_ && p.says_primary_down && p.epoch == epoch_) ++down;
  }
  if (down < majority()) return;
  if (last_auto_failover_ms_ >= 0 && !acknowledged_ &&
      t - last_auto_failover_ms_ < cfg_.failover_cooldown_ms) {
    return;  // an operator must acknowledge the last one first
  }
  if (t < next_attempt_ms_) return;
  if (t < promise_until_) return;  // the lease this region granted still runs
  auto order = candidates();
  auto me = std::find(order.begin(), order.end(), self_);
  if (me == order.end()) return;
  // The best candidate goes first; the others wait their turn.
  size_t place = static_cast<size_t>(me - order.begin());
  if (place > 0 && next_attempt_ms_ == 0) {
    next_attempt_ms_ = t + static_cast<int64_t>(place) * (cfg_.lease_ms + cfg_.check_timeout_ms);
    return;
  }
  if (cfg_.max_lag_ops > 0) {
    uint64_t best = applied_of(order.front(), primary_);
    uint64_t mine = replicator_.applied().get(primary_);
    if (best > mine + cfg_.max_lag_ops) return;
  }
  request_votes(std::max(epoch_, voted_epoch_) + 1, false,
                "failover: " + name_of(primary_) + " unhealthy for " + std::to_string(down) +
                    " of " + std::to_string(peers_.size() + 1) + " regions");
}

void FailoverManager::request_votes(uint64_t epoch, bool forced, const std::string& reason) {
  if (voted_epoch_ >= epoch) return;
  voted_epoch_ = epoch;  // for itself
  dirty_ = true;
  running_epoch_ = epoch;
  running_forced_ = forced;
  running_reason_ = reason;
  running_since_ = now();
  votes_.clear();
  votes_[self_] = true;
  running_old_said_ = 0;
  broadcast(failover::encode(
      failover::VoteRequest{epoch, primary_, replicator_.applied().get(primary_), forced}));
  if (majority() <= 1) become_primary(reason);
}

void FailoverManager::become_primary(const std::string& reason) {
  PrimaryChange c;
  c.epoch = running_epoch_;
  c.from = primary_;
  c.to = self_;
  c.reason = reason;
  c.start_ms = running_since_;
  c.end_ms = now();
  c.log_position = replicator_.applied().get(primary_);
  // What is known now: the furthest any survivor got in the old primary's
  // log (from their checks and votes; this region takes the rest from
  // them) against the furthest the old primary said it was, to this region
  // or to a voter. It may have written more since it last said so: a bound.
  c.survivors_held = c.log_position;
  c.old_reported = running_old_said_;
  for (const auto& p : peers_) {
    if (p.id == primary_) {
      c.old_reported = std::max(c.old_reported, p.applied.get(primary_));
    } else {
      c.survivors_held = std::max(c.survivors_held, p.applied.get(primary_));
    }
  }
  c.unreplicated = c.old_reported > c.survivors_held ? c.old_reported - c.survivors_held : 0;
  running_epoch_ = 0;
  forced_until_ = 0;
  MERIDIAN_ASSERT(c.epoch > epoch_, "one primary per epoch");
  epoch_ = c.epoch;
  primary_ = self_;
  fenced_ = false;
  switchover_to_ = 0;
  for (auto& p : peers_) p.lease_ack_sent_ms = -1;  // a new lease for the new epoch
  if (!running_forced_) {
    last_auto_failover_ms_ = now();
    acknowledged_ = false;
  }
  dirty_ = true;
  history_.push_back(c);
  broadcast(failover::encode(failover::NewPrimary{c}));
  if (on_change) on_change(c);
}

void FailoverManager::settle_unreplicated(RegionId region, uint64_t last, uint64_t its_epoch) {
  // In active-active every region keeps writing: no position is final.
  if (cfg_.pattern == Pattern::kActiveActive) return;
  for (auto& c : history_) {
    // Heard in the new epoch, the old primary has stopped writing (its
    // lease ran out before the election), so its position is final.
    if (c.exact || c.from != region || its_epoch < c.epoch) continue;
    c.unreplicated = last > c.survivors_held ? last - c.survivors_held : 0;
    c.exact = true;
    dirty_ = true;
  }
}

void FailoverManager::adopt(uint64_t epoch, RegionId primary) {
  if (epoch < epoch_ || (epoch == epoch_ && primary == primary_)) return;
  MERIDIAN_ASSERT(epoch > epoch_, "one primary per epoch");
  epoch_ = epoch;
  primary_ = primary;
  if (voted_epoch_ < epoch) voted_epoch_ = epoch;
  running_epoch_ = 0;
  forced_until_ = 0;
  fenced_ = false;
  switchover_to_ = 0;
  next_attempt_ms_ = 0;
  dirty_ = true;
}

void FailoverManager::on_message(RegionId from, std::string_view msg) {
  Peer* p = peer(from);
  auto type = peer::type_of(msg);
  if (p == nullptr || !type || !enabled()) return;
  switch (*type) {
    case peer::MessageType::kPing: {
      failover::Ping m;
      if (!failover::decode(msg, &m)) return;
      p->says_primary_down = m.primary_down;
      p->applied = m.applied;
      p->mean_rtt_ms = m.mean_rtt_ms;
      p->epoch = m.epoch;
      p->says_primary = m.primary;
      p->reads.sample(now(), m.reads);
      p->writes.sample(now(), m.writes);
      settle_unreplicated(from, m.applied.get(from), m.epoch);
      if (m.epoch > epoch_) adopt(m.epoch, m.primary);
      // Answer; acknowledging the sender as primary promises a lease.
      // Back the sender's lease only if it is this region's primary and no
      // promise to another region still runs: two leases never overlap,
      // since any two majorities share a region.
      bool ack = m.epoch == epoch_ && m.primary == from && primary_ == from &&
                 (promised_to_ == from || now() >= promise_until_);
      if (ack && m.fenced) {
        ack = false;
        promise_until_ = 0;  // it takes no writes: its lease may lapse at once
      }
      if (ack) {
        promised_to_ = from;
        promise_until_ = now() + cfg_.lease_ms;
      }
      send(from, failover::encode(failover::Pong{epoch_, primary_, m.sent_ms, ack}));
      return;
    }
    case peer::MessageType::kPong: {
      failover::Pong m;
      if (!failover::decode(msg, &m)) return;
      auto it = p->pending.find(m.sent_ms);
      if (it != p->pending.end()) {
        p->pending.erase(it);
        record(*p, true, now() - m.sent_ms);
      }
      if (m.epoch > epoch_) adopt(m.epoch, m.primary);
      if (m.lease && m.epoch == epoch_ && is_primary()) {
        p->lease_ack_sent_ms = std::max(p->lease_ack_sent_ms, m.sent_ms);
      }
      return;
    }
    case peer::MessageType::kVoteRequest: {
      failover::VoteRequest m;
      if (!failover::decode(msg, &m)) return;
      // A candidate for a newer epoch supersedes this region's own run; let
      // it finish before trying again.
      if (running_epoch_ != 0 && m.epoch > running_epoch_) {
        running_epoch_ = 0;
        next_attempt_ms_ = now() + cfg_.lease_ms + cfg_.check_timeout_ms;
      }
      const Peer* op = peer(m.old_primary);
      bool old_down = m.old_primary == self_ ? false : (op && op->health == Health::kUnhealthy);
      // A candidate must hold as much of the old primary's log as the voter,
      // so no acknowledged write it has is lost; except when an operator
      // moves the primary of an active-active cluster, whose regions all
      // keep writing (nothing is lost, and a voter a few writes ahead would
      // refuse every run).
      const bool holds_enough = m.holds >= replicator_.applied().get(m.old_primary) ||
                                (m.forced && cfg_.pattern == Pattern::kActiveActive);
      bool granted = m.epoch > voted_epoch_ && m.epoch > epoch_ && now() >= promise_until_ &&
                     (m.forced || old_down) && m.old_primary == primary_ && holds_enough;
      if (granted) {
        voted_epoch_ = m.epoch;
        dirty_ = true;  // persisted before the reply leaves (after_commit)
      }
      // What this voter holds of the old primary (a candidate behind it
      // learns it should not go first) and the highest epoch it voted in (a
      // candidate refused for asking in an older one asks above it next time).
      send(from, failover::encode(failover::VoteReply{
                     m.epoch, granted, m.old_primary, replicator_.applied().get(m.old_primary),
                     voted_epoch_, op != nullptr ? op->applied.get(m.old_primary) : 0}));
      return;
    }
    case peer::MessageType::kVoteReply: {
      failover::VoteReply m;
      if (!failover::decode(msg, &m)) return;
      if (m.holds > p->applied.get(m.old_primary)) p->applied.set(m.old_primary, m.holds);
      if (!m.granted && m.voted_epoch > voted_epoch_) {
        voted_epoch_ = m.voted_epoch;  // only narrows what this region may vote for
        dirty_ = true;
      }
      if (m.epoch != running_epoch_) return;
      running_old_said_ = std::max(running_old_said_, m.old_said);
      votes_[from] = m.granted;
      int yes = static_cast<int>(
          std::count_if(votes_.begin(), votes_.end(), [](const auto& v) { return v.second; }));
      int no = static_cast<int>(votes_.size()) - yes;
      if (yes >= majority()) {
        become_primary(running_reason_);
      } else if (running_forced_ && no > static_cast<int>(peers_.size()) + 1 - majority()) {
        // A forced run lost (the voters still backed the old primary's
        // lease): retry after a random pause rather than wait for the
        // timeout. An automatic run waits it out, which gives a better
        // placed candidate its turn.
        running_epoch_ = 0;
        next_attempt_ms_ =
            now() + cfg_.check_interval_ms +
            static_cast<int64_t>(env_.random.uniform(static_cast<uint64_t>(cfg_.lease_ms) + 1));
      }
      return;
    }
    case peer::MessageType::kNewPrimary: {
      failover::NewPrimary m;
      if (!failover::decode(msg, &m) || m.change.epoch < epoch_) return;
      adopt(m.change.epoch, m.change.to);
      if (history_.empty() || history_.back().epoch < m.change.epoch) {
        history_.push_back(m.change);
        dirty_ = true;
      }
      // The old primary itself knows its final position.
      settle_unreplicated(self_, replicator_.applied().get(self_), epoch_);
      return;
    }
    case peer::MessageType::kHandover: {
      failover::Handover m;
      if (!failover::decode(msg, &m)) return;
      if (m.epoch == epoch_ && from == primary_ && running_epoch_ == 0) {
        request_votes(std::max(epoch_, voted_epoch_) + 1, true,
                      self_ == initial_primary_ && cfg_.auto_failback
                          ? "failback from " + name_of(from) + " after the hold-down"
                          : "switchover from " + name_of(from));
      }
      return;
    }
    case peer::MessageType::kFence: {
      failover::Fence m;
      if (failover::decode(msg, &m) && m.epoch == epoch_ && is_primary()) fence();
      return;
    }
    case peer::MessageType::kPromote: {
      failover::Promote m;
      if (failover::decode(msg, &m) && !is_primary()) {
        force_takeover("forced failover, requested through " + name_of(from));
      }
      return;
    }
    default:
      return;  // not the failover manager's
  }
}

}  // namespace meridian
