#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/base/assert.h"
#include "core/base/coding.h"
#include "core/replication/replicator.h"
#include "core/replication/replicator_detail.h"

namespace meridian {

using namespace replicator_detail;  // NOLINT(google-build-using-namespace)

// ------------------------------------------------------------ incoming

void Replicator::on_message(RegionId from, std::string_view message) {
  Peer* p = peer(from);
  auto type = peer::type_of(message);
  if (p == nullptr || !type || !enabled()) return;
  p->last_heard_ms = now();
  p->bytes_received += message.size();
  switch (*type) {
    case repl::MessageType::kRecords:
      return on_records(*p, message);
    case repl::MessageType::kStatus:
      return on_status(*p, message);
    case repl::MessageType::kSnapshot:
      return on_snapshot(*p, message);
    case repl::MessageType::kSnapshotAck:
      return on_snapshot_ack(*p, message);
    case repl::MessageType::kPull:
      return on_pull(*p, message);
    case repl::MessageType::kPullReply:
      return on_pull_reply(*p, message);
    default:
      return;  // not replication's
  }
}

Replicator::Applied Replicator::try_apply(RegionId origin,
                                          const std::vector<const std::string*>& unit) {
  std::vector<LogRecord> recs(unit.size());
  for (size_t i = 0; i < unit.size(); ++i) {
    LogRecord& rec = recs[i];
    if (!rec.decode(*unit[i]) || rec.origin != origin || rec.seq != applied_.get(origin) + 1 + i) {
      return Applied::kBad;
    }
    for (const auto& [r, s] : rec.deps.entries()) {
      if (r == origin || r == self_.id || peer(r) == nullptr) continue;
      if (applied_.get(r) < s) return Applied::kWait;  // causal order: its cause first
    }
  }
  for (size_t i = 0; i < unit.size(); ++i) {
    LogRecord& rec = recs[i];
    MERIDIAN_ASSERT(rec.seq == applied_.get(origin) + 1, "each origin's records apply in sequence");
    // The sender filters by [[placement]] too; this side does not trust it
    // to (a peer with another config, or a bug, must not make us hold them).
    const bool refused = refuse_foreign_keys(rec, origin);
    keyspace_.apply(rec);
    env_.storage.put(Column::kLog, layout::log_key(origin, rec.seq),
                     refused ? rec.encode() : *unit[i]);
    applied_.set(origin, rec.seq);
    ++stats_.records_applied;
    if (Peer* p = peer(origin)) {
      ++p->applied_from;
      ++p->records_from;
      p->apply_lag_ms = std::max<int64_t>(0, now() - rec.hlc.physical_ms());
      ++p->lag_histogram[std::min<size_t>(static_cast<size_t>(p->apply_lag_ms),
                                          p->lag_histogram.size() - 1)];
    }
    if (on_apply) on_apply(origin, rec.seq);
  }
  state_dirty_ = true;
  flushed_ = false;
  return Applied::kDone;
}

void Replicator::on_records(Peer& from, std::string_view msg) {
  repl::Records m;
  if (!repl::decode(msg, &m)) return;
  const RegionId o = m.origin;
  if (o == self_.id || peer(o) == nullptr) return;
  ack(from.info.id);
  ack(o);
  if (resyncing_) return;  // everything is asked for again once the resync is in
  Held& h = held_[o];
  uint64_t expected = h.records.empty() ? applied_.get(o) : h.last;
  if (m.after > expected) {
    resend_due_.insert(o);  // something before these was lost
    return;
  }
  bool progress = false;
  for (auto& bytes : m.records) {
    uint64_t seq = last_seq(bytes);
    if (seq == 0) break;
    if (seq <= expected) {
      ++stats_.records_skipped;
      continue;
    }
    if (seq != expected + 1) {
      resend_due_.insert(o);
      break;
    }
    const bool ends_unit = !record_continues(bytes);
    if (h.records.empty() && ends_unit) {
      Applied a = try_apply(o, {&bytes});
      if (a == Applied::kDone) {
        expected = seq;
        progress = true;
        continue;
      }
      if (a == Applied::kBad) {
        resend_due_.insert(o);
        break;
      }
      h.since_ms = now();
    }
    if (h.records.empty()) h.since_ms = now();
    // A unit's records are held until it is whole, even past the bound: its
    // size is that of one transaction, which its origin held too.
    const bool open_unit = !h.records.empty() && !h.records.back().ends_unit;
    if (h.bytes + bytes.size() > kHeldBytes && !open_unit) {
      h.overflowed = true;  // asked for again once these are applied
      break;
    }
    h.bytes += bytes.size();
    h.records.push_back(Held::Record{std::move(bytes), ends_unit});
    h.last = seq;
    expected = seq;
    ++stats_.records_held;
    if (ends_unit) progress = true;
  }
  if (progress) drain_held();
  check_apply_waits();
  check_fetches();
}

void Replicator::drain_held() {
  bool progress = true;
  while (progress) {
    progress = false;
    for (auto& [o, h] : held_) {
      while (!h.records.empty()) {
        // The unit at the front, if all of it is here.
        std::vector<const std::string*> unit;
        for (const auto& r : h.records) {
          unit.push_back(&r.bytes);
          if (r.ends_unit) break;
        }
        if (!h.records[unit.size() - 1].ends_unit) break;
        Applied a = try_apply(o, unit);
        if (a == Applied::kWait) break;
        for (size_t i = 0; i < unit.size(); ++i) {
          h.bytes -= h.records.front().bytes.size();
          h.records.pop_front();
        }
        if (a == Applied::kBad) {
          h.records.clear();
          h.bytes = 0;
          resend_due_.insert(o);
          break;
        }
        progress = true;
        h.since_ms = now();
      }
      if (h.records.empty() && h.overflowed) {
        h.overflowed = false;
        resend_due_.insert(o);
      }
    }
  }
}

void Replicator::request_missing_dependencies() {
  const int64_t stall = std::max<int64_t>(500, 5 * cfg_.heartbeat_ms);
  const int64_t t = now();
  for (const auto& [o, h] : held_) {
    if (h.records.empty() || t - h.since_ms < stall) continue;
    LogRecord rec;
    if (!rec.decode(h.records.front().bytes)) continue;
    // The dependency that does not come: pull it from a region that has it.
    for (const auto& [r, s] : rec.deps.entries()) {
      if (r == o || r == self_.id || peer(r) == nullptr || applied_.get(r) >= s) continue;
      for (auto& p : peers_) {
        if (p.vector.get(r) < s || !link_up(p, t)) continue;
        // Only the origin itself, or a region that may hold all this one
        // may, has the records whole.
        if (p.info.id != r && sovereignty_ && !placement_.covers(p.info.id, self_.id)) continue;
        if (p.pull_sent_ms >= 0 && t - p.pull_sent_ms < stall) break;
        pull(p, 0);
        break;
      }
      break;
    }
  }
}

void Replicator::on_status(Peer& from, std::string_view msg) {
  repl::Status m;
  if (!repl::decode(msg, &m)) return;
  from.known = true;
  from.vector = m.applied;
  from.wants_resync = m.resync;
  uint64_t acked = m.applied.get(self_.id);
  if (acked > keyspace_.sequence()) {
    // The peer has writes of ours we no longer have (our storage was lost or
    // replaced): never reuse their dots.
    keyspace_.bump_sequence(acked);
    log_floor_ = log_last_ = stream_floor_ = acked;
    recent_.clear();
    recent_bytes_ = 0;
    state_dirty_ = true;
  }
  if (m.resend) {
    from.acked = acked;  // trust its current position, even if lower
    from.sent = acked;
    from.mid_unit = false;
    from.inflight.clear();
    from.inflight_bytes = 0;
    ++stats_.resends;
    state_dirty_ = true;
  } else if (acked > from.acked) {
    from.acked = acked;
    from.last_progress_ms = now();
    state_dirty_ = true;
  }
  while (!from.inflight.empty() && from.inflight.front().first <= from.acked) {
    from.inflight_bytes -= from.inflight.front().second;
    from.inflight.pop_front();
  }
  check_ack_waits();
}

// ------------------------------------------------------- full resyncs

void Replicator::on_snapshot(Peer& from, std::string_view msg) {
  repl::Snapshot m;
  if (!repl::decode(msg, &m)) return;
  auto refuse = [&] { send(from.info.id, repl::encode(repl::SnapshotAck{m.id, m.part, true})); };
  if (m.kind == repl::Snapshot::kHeader) {
    if (m.part != 0) return refuse();
    if (incoming_ && incoming_->from != from.info.id) return refuse();  // one at a time
    if (incoming_ && incoming_->id == m.id) return;                     // a duplicate
    // A resync older than what was already joined would undo it (a key
    // joined at a newer state must not be joined again at an older one).
    if (!m.applied.dominates(resync_floor_)) return refuse();
    Incoming in;
    in.id = m.id;
    in.from = from.info.id;
    in.next = 1;
    in.applied = m.applied;
    in.context = m.context;
    in.clears = m.clears;
    in.floors = m.floors;
    in.last_part_ms = now();
    if (early_from_ == from.info.id && early_id_ == m.id) in.ahead.swap(early_);
    early_.clear();
    early_bytes_ = 0;
    incoming_ = std::move(in);
    resyncing_ = true;
    resync_floor_.merge(m.applied);
    keyspace_.set_frozen(true);
    held_.clear();
    state_dirty_ = true;
    send(from.info.id, repl::encode(repl::SnapshotAck{m.id, 0, false}));
    return drain_snapshot(from);
  }
  if (!incoming_ || incoming_->id != m.id) {
    if (incoming_ && incoming_->from != from.info.id) return refuse();
    // Parts that overtook their header (the link reorders): kept, a few.
    if (early_from_ != from.info.id || early_id_ != m.id) {
      early_.clear();
      early_bytes_ = 0;
      early_from_ = from.info.id;
      early_id_ = m.id;
    }
    if (early_bytes_ + msg.size() <= kSnapshotBuffer) {
      early_bytes_ += msg.size();
      early_.emplace(m.part, std::string(msg));
    }
    return;
  }
  if (incoming_->from != from.info.id) return refuse();
  Incoming& in = *incoming_;
  in.last_part_ms = now();
  if (m.part < in.next) {  // a duplicate: say again how far it got
    send(from.info.id, repl::encode(repl::SnapshotAck{m.id, in.next - 1, false}));
    return;
  }
  if (in.ahead_bytes + msg.size() > kSnapshotBuffer) {
    incoming_.reset();  // too far ahead: a part was lost; it starts again
    return refuse();
  }
  in.ahead_bytes += msg.size();
  in.ahead.emplace(m.part, std::string(msg));
  drain_snapshot(from);
}

void Replicator::drain_snapshot(Peer& from) {
  while (incoming_) {
    Incoming& in = *incoming_;
    auto it = in.ahead.find(in.next);
    if (it == in.ahead.end()) break;
    std::string msg = std::move(it->second);
    in.ahead.erase(it);
    in.ahead_bytes -= std::min(in.ahead_bytes, msg.size());
    repl::Snapshot m;
    if (!repl::decode(msg, &m)) break;
    ++in.next;
    in.last_part_ms = now();
    uint64_t id = in.id;
    switch (m.kind) {
      case repl::Snapshot::kLog:
        for (const auto& r : m.records) {
          RegionId o = 0;
          uint64_t s = 0;
          Hlc h;
          if (!peek_record(r, &o, &s, &h) || o == self_.id || peer(o) == nullptr) continue;
          LogRecord rec;
          const bool refused = rec.decode(r) && refuse_foreign_keys(rec, from.info.id);
          env_.storage.put(Column::kLog, layout::log_key(o, s), refused ? rec.encode() : r);
        }
        break;
      case repl::Snapshot::kKeys:
        for (const auto& c : m.chunks) {
          if (may_receive(c.key, from.info.id)) keyspace_.join_chunk(c, in.context);
        }
        break;
      case repl::Snapshot::kEnd:
        finish_resync();  // resets incoming_
        break;
      case repl::Snapshot::kHeader:
        break;
    }
    state_dirty_ = true;
    flushed_ = false;
    send(from.info.id, repl::encode(repl::SnapshotAck{id, m.part, false}));
  }
}

void Replicator::finish_resync() {
  Incoming in = std::move(*incoming_);
  incoming_.reset();
  for (const auto& [o, s] : in.applied.entries()) {
    if (o == self_.id) {
      if (s > keyspace_.sequence()) {
        keyspace_.bump_sequence(s);
        log_floor_ = log_last_ = stream_floor_ = s;
        recent_.clear();
        recent_bytes_ = 0;
      }
      continue;
    }
    if (peer(o) == nullptr || s <= applied_.get(o)) continue;
    // The records it sent for `o` start after its floor: if ours end
    // before that, ours are no use (a gap) and go.
    uint64_t theirs = in.floors.get(o);
    if (applied_.get(o) < theirs) {
      env_.storage.del_range(Column::kLog, layout::log_key(o, 0), layout::log_key(o, theirs + 1));
      floors_.set(o, theirs);
    } else {
      floors_.set(o, std::min(floors_.get(o), theirs));
    }
    applied_.set(o, s);
    if (on_apply) on_apply(o, s);
  }
  keyspace_.apply_clears(in.clears, in.context);
  resyncing_ = false;
  resync_floor_ = VersionVector{};  // the state is whole again: any later resync may come
  keyspace_.set_frozen(false);
  state_dirty_ = true;
  ++stats_.snapshots_applied;
  // Everything sent meanwhile was dropped: every origin resends from here.
  for (const auto& p : peers_) resend_due_.insert(p.info.id);
  check_apply_waits();
  check_fetches();
}

bool Replicator::refuse_foreign_keys(LogRecord& rec, RegionId from) {
  if (!sovereignty_ || placement_.empty()) return false;
  const size_t before = rec.keys.size();
  rec.keys.erase(std::remove_if(rec.keys.begin(), rec.keys.end(),
                                [&](const KeyDelta& k) { return !may_receive(k.key, from); }),
                 rec.keys.end());
  return rec.keys.size() != before;
}

bool Replicator::may_receive(std::string_view key, RegionId from) {
  if (!sovereignty_ || placement_.may_hold(key, self_.id)) return true;
  refused(key, from);
  return false;
}

void Replicator::refused(std::string_view /*key*/, RegionId from) {
  ++stats_.keys_refused;
  // The 1st, 2nd, 4th, 8th...: a misconfigured peer is visible without
  // flooding the log. Not the key's name: this region may not hold that
  // either.
  const uint64_t n = stats_.keys_refused;
  if (warn && (n & (n - 1)) == 0) {
    const Peer* p = peer(from);
    warn("refused a key from region " + (p ? p->info.name : std::to_string(from)) +
         " that [[placement]] does not allow this region to hold (" + std::to_string(n) +
         " refused so far, keys_refused in INFO; is that region's config the same as this "
         "one's?)");
  }
}

}  // namespace meridian
