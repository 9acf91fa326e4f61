#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/base/assert.h"
#include "core/base/coding.h"
#include "core/replication/replicator.h"
#include "core/replication/replicator_detail.h"

namespace meridian {

using namespace replicator_detail;  // NOLINT(google-build-using-namespace)

namespace {

// The p-th quantile of a histogram with one bucket per millisecond.
int64_t percentile(const std::vector<uint64_t>& h, double p) {
  uint64_t total = 0;
  for (uint64_t c : h) total += c;
  if (total == 0) return 0;
  auto rank = static_cast<uint64_t>(p * static_cast<double>(total - 1)) + 1;
  uint64_t seen = 0;
  for (size_t ms = 0; ms < h.size(); ++ms) {
    seen += h[ms];
    if (seen >= rank) return static_cast<int64_t>(ms);
  }
  return static_cast<int64_t>(h.size() - 1);
}

}  // namespace

// ------------------------------------------------------- pulls, reads

void Replicator::pull(Peer& p, uint64_t id) {
  p.pull_sent_ms = now();
  ++stats_.pulls_sent;
  send(p.info.id, repl::encode(repl::Pull{id, applied(), kPullBytes}));
}

void Replicator::on_pull(Peer& from, std::string_view msg) {
  repl::Pull m;
  if (!repl::decode(msg, &m)) return;
  uint64_t budget = std::min(m.max_bytes, kPullBytes);
  bool more = false;
  std::vector<RegionId> origins = {self_.id};
  // Other origins' records are kept here without the keys this region may
  // not hold: they can be passed on only to a region that may hold no more.
  if (!sovereignty_ || placement_.covers(self_.id, from.info.id)) {
    for (const auto& p : peers_)
      if (p.info.id != from.info.id) origins.push_back(p.info.id);
  }
  for (RegionId o : origins) {
    uint64_t have = log_last(o);
    uint64_t after = m.applied.get(o);
    if (have <= after || after < log_floor(o))
      continue;  // nothing new, or gone (it needs a resync)
    while (after < have && budget > 0) {
      repl::Records r;
      r.origin = o;
      r.after = after;
      read_log(o, after, have, &r.records, std::min<uint64_t>(budget, kMaxMessageBytes));
      if (r.records.empty()) break;
      uint64_t last = last_seq(r.records.back());
      if (last <= after) break;
      size_t bytes = 0;
      for (auto& rec : r.records) {
        rec = for_peer(std::move(rec), from.info.id);
        bytes += rec.size();
      }
      budget -= std::min<uint64_t>(budget, bytes);
      stats_.records_relayed += r.records.size();
      after = last;
      send(from.info.id, repl::encode(r));
    }
    if (after < have) more = true;
  }
  send(from.info.id, repl::encode(repl::PullReply{m.id, applied(), more}));
}

void Replicator::on_pull_reply(Peer& from, std::string_view msg) {
  repl::PullReply m;
  if (!repl::decode(msg, &m)) return;
  from.pull_sent_ms = -1;
  from.vector.merge(m.applied);
  auto it = fetches_.find(m.id);
  if (it != fetches_.end() &&
      !(it->second.source == Source::kLeader && from.info.id != leader().id)) {
    VersionVector reached = m.applied;
    if (sovereignty_ && !placement_.covers(from.info.id, self_.id)) {
      // It passes on only its own records: the rest come from their origins.
      reached = VersionVector{};
      reached.set(from.info.id, m.applied.get(from.info.id));
    }
    it->second.replies[from.info.id] = reached;
  }
  if (m.more) pull(from, m.id);  // the rest, now that these are here
  check_fetches();
}

void Replicator::fetch(std::vector<std::string> keys, Source source, int64_t timeout_ms,
                       std::function<void(std::optional<std::string>)> done) {
  // Random, so a reply to a pull made before a restart never answers this one.
  uint64_t id = env_.random.next_u64() | 1;
  // Only regions that may hold every key are asked (sovereignty).
  auto may_ask = [&](RegionId r) {
    return std::all_of(keys.begin(), keys.end(),
                       [&](const std::string& k) { return may_send(k, r); });
  };
  std::vector<RegionId> targets;
  if (source == Source::kLeader) {
    if (leader().id != self_.id && may_ask(leader().id)) targets.push_back(leader().id);
  } else {
    for (const auto& p : peers_)
      if (may_ask(p.info.id)) targets.push_back(p.info.id);
  }
  int needed = source == Source::kLeader ? 1 : quorum_peers();
  if (!placement_.empty() && static_cast<int>(targets.size()) < needed) {
    // Keys only some regions may hold: a majority of those.
    needed = (static_cast<int>(targets.size()) + 1) / 2;
    if (source == Source::kLeader) needed = static_cast<int>(targets.size());
  }
  if (needed == 0) {
    env_.scheduler.after(0, [done = std::move(done)] { done(std::nullopt); });
    return;
  }
  fetches_.emplace(id, Fetch{needed, {}, std::move(done), source});
  for (RegionId t : targets) pull(*peer(t), id);
  time_out(fetches_, id, timeout_ms, [this, timeout_ms](Fetch& f) {
    ++stats_.read_waits_timed_out;
    std::string err;
    if (f.source == Source::kLeader) {
      err = "TRYAGAIN leader region " + leader().name + " did not answer within " +
            std::to_string(timeout_ms) + " ms; retry, or read locally with MR.READ LOCAL";
    } else {
      err = "TRYAGAIN quorum read needs " + std::to_string(f.needed + 1) + " of " +
            std::to_string(peers_.size() + 1) + " regions; only " +
            std::to_string(f.replies.size() + 1) + " answered within " +
            std::to_string(timeout_ms) + " ms";
    }
    f.done(err);
  });
}

void Replicator::check_fetches() {
  std::vector<std::function<void(std::optional<std::string>)>> met;
  for (auto it = fetches_.begin(); it != fetches_.end();) {
    Fetch& f = it->second;
    if (static_cast<int>(f.replies.size()) < f.needed) {
      ++it;
      continue;
    }
    // Everything the answering regions had applied when they answered.
    VersionVector target;
    for (const auto& [r, v] : f.replies) target.merge(v);
    target.set(self_.id, 0);
    if (!covers(target)) {
      ++it;
      continue;
    }
    met.push_back(std::move(f.done));
    it = fetches_.erase(it);
  }
  for (auto& done : met) done(std::nullopt);
}

// ------------------------------------------------------------- waits

int Replicator::acked_count(uint64_t seq, const std::vector<RegionId>& among) const {
  int n = 0;
  for (const auto& p : peers_) {
    if (!among.empty() && std::find(among.begin(), among.end(), p.info.id) == among.end()) continue;
    if (p.acked >= seq) ++n;
  }
  return n;
}

void Replicator::wait_acks(uint64_t seq, int needed, int64_t timeout_ms,
                           std::function<void(int, bool)> done, std::vector<RegionId> among) {
  uint64_t id = next_wait_id_++;
  ack_waits_.emplace(id, AckWait{seq, needed, std::move(done), std::move(among)});
  time_out(ack_waits_, id, timeout_ms, [this](AckWait& w) {
    ++stats_.write_waits_timed_out;
    w.done(acked_count(w.seq, w.among), false);
  });
}

void Replicator::check_ack_waits() {
  std::vector<std::pair<AckWait, int>> met;
  for (auto it = ack_waits_.begin(); it != ack_waits_.end();) {
    int n = acked_count(it->second.seq, it->second.among);
    if (n >= it->second.needed) {
      met.emplace_back(std::move(it->second), n);
      it = ack_waits_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& [w, n] : met) {
    ++stats_.write_waits_met;
    w.done(n, true);
  }
}

bool Replicator::covers(const VersionVector& token) const {
  for (const auto& [o, s] : token.entries()) {
    uint64_t have = o == self_.id ? keyspace_.sequence() : applied_.get(o);
    if (have < s) return false;
  }
  return true;
}

void Replicator::wait_applied(const VersionVector& token, int64_t timeout_ms,
                              std::function<void(bool)> done) {
  uint64_t id = next_wait_id_++;
  apply_waits_.emplace(id, ApplyWait{token, std::move(done)});
  time_out(apply_waits_, id, timeout_ms, [this](ApplyWait& w) {
    ++stats_.read_waits_timed_out;
    w.done(false);
  });
}

void Replicator::check_apply_waits() {
  std::vector<ApplyWait> met;
  for (auto it = apply_waits_.begin(); it != apply_waits_.end();) {
    if (covers(it->second.token)) {
      met.push_back(std::move(it->second));
      it = apply_waits_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& w : met) w.done(true);
}

// --------------------------------------------------------- reporting

bool Replicator::link_up(const Peer& p, int64_t now_ms) const {
  return p.last_heard_ms >= 0 && now_ms - p.last_heard_ms <= 3 * cfg_.heartbeat_ms + 1000;
}

Replicator::PeerView Replicator::view(const Peer& p, int64_t now_ms) const {
  PeerView v;
  v.up = link_up(p, now_ms);
  v.lag_ops = log_last_ > p.acked ? log_last_ - p.acked : 0;
  // Age of the oldest write of ours the peer has not acknowledged.
  if (p.acked < log_last_) {
    auto it = std::lower_bound(recent_.begin(), recent_.end(), p.acked + 1,
                               [](const auto& e, uint64_t s) { return e.first < s; });
    RegionId o = 0;
    uint64_t seq = 0;
    Hlc hlc;
    v.lag_ms = it != recent_.end() && peek_record(it->second, &o, &seq, &hlc)
                   ? std::max<int64_t>(0, now_ms - hlc.physical_ms())
                   : -1;  // older than the in-memory tail
  }
  v.apply_lag_p50_ms = percentile(p.lag_histogram, 0.50);
  v.apply_lag_p99_ms = percentile(p.lag_histogram, 0.99);
  v.avg_record_bytes = p.records_to == 0 ? 0 : p.record_bytes_to / p.records_to;
  return v;
}

std::vector<std::pair<const char*, uint64_t>> Replicator::counters() const {
  const auto& s = stats_;
  size_t held = 0;
  for (const auto& [o, h] : held_) held += h.records.size();
  return {{"records_sent", s.records_sent},
          {"records_applied", s.records_applied},
          {"records_skipped", s.records_skipped},
          {"keys_refused", s.keys_refused},
          {"records_held", s.records_held},
          {"records_waiting", held},
          {"records_relayed", s.records_relayed},
          {"pulls_sent", s.pulls_sent},
          {"resends", s.resends},
          {"snapshots_sent", s.snapshots_sent},
          {"snapshots_applied", s.snapshots_applied},
          {"resyncing", resyncing_ ? 1u : 0u},
          {"write_waits_met", s.write_waits_met},
          {"write_waits_timed_out", s.write_waits_timed_out},
          {"read_waits_timed_out", s.read_waits_timed_out},
          {"reclaim_pending", keyspace_.reclaim_pending()}};
}

void Replicator::info(std::string& out, int64_t now_ms) const {
  auto field = [&](std::string_view k, const std::string& v) {
    out.append(k).append(":").append(v).append("\r\n");
  };
  field("region", self_.name);
  field("region_id", std::to_string(self_.id));
  field("region_role", is_leader() ? "leader" : "follower");
  field("leader", leader().name);
  field("connected_regions",
        std::to_string(std::count_if(peers_.begin(), peers_.end(),
                                     [&](const Peer& p) { return link_up(p, now_ms); })));
  field("write_sequence", std::to_string(keyspace_.sequence()));
  field("log_first_seq", std::to_string(std::max(stream_floor_, log_floor_) + 1));
  field("log_kept_from_seq", std::to_string(log_floor_ + 1));
  field("log_last_seq", std::to_string(log_last_));
  std::string vec;
  const VersionVector mine = applied();
  for (const auto& [o, s] : mine.entries()) {
    vec += (vec.empty() ? "" : ",") + std::to_string(o) + "=" + std::to_string(s);
  }
  field("applied_vector", vec);
  int i = 0;
  for (const auto& p : peers_) {
    PeerView v = view(p, now_ms);
    field("peer" + std::to_string(i++),
          "name=" + p.info.name + ",id=" + std::to_string(p.info.id) +
              ",link=" + (v.up ? "up" : "down") + ",acked_seq=" + std::to_string(p.acked) +
              ",lag_ops=" + std::to_string(v.lag_ops) + ",lag_ms=" + std::to_string(v.lag_ms) +
              ",applied_from_seq=" + std::to_string(applied_.get(p.info.id)) +
              ",apply_lag_ms=" + std::to_string(p.apply_lag_ms) +
              ",apply_lag_p50_ms=" + std::to_string(v.apply_lag_p50_ms) + ",apply_lag_p99_ms=" +
              std::to_string(v.apply_lag_p99_ms) + ",bytes_sent=" + std::to_string(p.bytes_sent) +
              ",bytes_received=" + std::to_string(p.bytes_received) + ",records_sent=" +
              std::to_string(p.records_to) + ",records_received=" + std::to_string(p.records_from) +
              ",records_per_sec=" + std::to_string(static_cast<uint64_t>(p.records_per_sec)) +
              ",avg_record_bytes=" + std::to_string(v.avg_record_bytes) +
              ",inflight_bytes=" + std::to_string(p.inflight_bytes));
    // Why the link is refused, if it is: on a line of its own, as it holds
    // commas (INFO's fields are one line each).
    if (network_ != nullptr) {
      if (std::string why = network_->refusal(p.info.id); !why.empty()) {
        field("peer" + std::to_string(i - 1) + "_refused", why);
      }
    }
  }
  for (const auto& [name, value] : counters()) field(name, std::to_string(value));
  if (resyncing_) {
    std::string floor;
    for (const auto& [o, s] : resync_floor_.entries())
      floor += (floor.empty() ? "" : ",") + std::to_string(o) + "=" + std::to_string(s);
    field("resync_floor", floor);
    field("resync_from", incoming_ ? std::to_string(incoming_->from) : "none");
  }
  for (const auto& p : peers_) {
    if (p.snapshot) {
      field("resync_to_" + p.info.name,
            "part=" + std::to_string(p.snapshot->next_part) +
                ",unacked=" + std::to_string(p.snapshot->unacked.size()));
    }
  }
}

std::string Replicator::status_json(int64_t now_ms) const {
  nlohmann::json j;
  j["region"] = self_.name;
  j["region_id"] = self_.id;
  j["role"] = is_leader() ? "leader" : "follower";
  j["leader"] = leader().name;
  j["write_sequence"] = keyspace_.sequence();
  j["log_first_seq"] = std::max(stream_floor_, log_floor_) + 1;
  j["log_kept_from_seq"] = log_floor_ + 1;
  j["log_last_seq"] = log_last_;
  nlohmann::json vec = nlohmann::json::object();
  const VersionVector mine = applied();
  for (const auto& [o, s] : mine.entries()) vec[std::to_string(o)] = s;
  j["applied_vector"] = vec;
  j["peers"] = nlohmann::json::array();
  for (const auto& p : peers_) {
    PeerView v = view(p, now_ms);
    j["peers"].push_back({
        {"name", p.info.name},
        {"id", p.info.id},
        {"address", p.info.client_address},
        {"link", v.up ? "up" : "down"},
        {"last_heard_ms_ago", p.last_heard_ms < 0 ? -1 : now_ms - p.last_heard_ms},
        {"acked_seq", p.acked},
        {"lag_ops", v.lag_ops},
        {"lag_ms", v.lag_ms},
        {"applied_from_seq", applied_.get(p.info.id)},
        {"apply_lag_ms", p.apply_lag_ms},
        {"apply_lag_p50_ms", v.apply_lag_p50_ms},
        {"apply_lag_p99_ms", v.apply_lag_p99_ms},
        {"bytes_sent", p.bytes_sent},
        {"bytes_received", p.bytes_received},
        {"records_sent", p.records_to},
        {"records_received", p.records_from},
        {"records_per_sec", p.records_per_sec},
        {"avg_record_bytes", v.avg_record_bytes},
        {"inflight_bytes", p.inflight_bytes},
    });
  }
  j["stats"] = nlohmann::json::object();
  for (const auto& [name, value] : counters()) j["stats"][name] = value;
  return j.dump();
}

}  // namespace meridian
