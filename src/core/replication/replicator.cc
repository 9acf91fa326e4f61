#include "core/replication/replicator.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/base/assert.h"
#include "core/base/coding.h"
#include "core/replication/replicator_detail.h"

namespace meridian {

using namespace replicator_detail;  // NOLINT(google-build-using-namespace)

Replicator::Replicator(const RegionSettings& settings, Env env, Keyspace& keyspace)
    : placement_(settings.placement), cfg_(settings.replication), env_(env), keyspace_(keyspace) {
  self_ = RegionInfo{settings.region_id, settings.region_name, settings.tcp_address};
  for (const auto& r : cfg_.regions) {
    if (r.id == self_.id) {
      self_ = r;
    } else {
      Peer p;
      p.info = r;
      p.last_heard_ms = -1;
      peers_.push_back(std::move(p));
    }
  }
  leader_ = cfg_.regions.empty() ? self_ : cfg_.regions.front();
}

const RegionInfo& Replicator::leader() const {
  if (leader_of) {
    RegionId id = leader_of();
    if (id == self_.id) return self_;
    for (const auto& p : peers_)
      if (p.info.id == id) return p.info;
  }
  return leader_;
}

Replicator::~Replicator() = default;

void Replicator::attach(Network* network) {
  network_ = network;
}

Replicator::Peer* Replicator::peer(RegionId id) {
  for (auto& p : peers_)
    if (p.info.id == id) return &p;
  return nullptr;
}

VersionVector Replicator::applied() const {
  VersionVector v = applied_;
  v.set(self_.id, keyspace_.sequence());
  return v;
}

std::string Replicator::resync_refusal() const {
  std::string from;
  if (incoming_) {
    for (const auto& p : peers_)
      if (p.info.id == incoming_->from) from = " from " + p.info.name;
  }
  return "LOADING region " + self_.name + " is resyncing" + from +
         " (it fell behind further than the other regions keep their logs); writes are refused "
         "until it has joined their full state";
}

// ------------------------------------------------------------- state

void Replicator::load() {
  uint64_t seq = keyspace_.sequence();
  VersionVector acked;
  bool ok = false;
  if (auto v = env_.storage.get(Column::kMeta, kMetaReplication)) {
    std::string_view in = *v;
    uint8_t resync = 0;
    ok = !in.empty() && static_cast<uint8_t>(in[0]) == kMetaFormat;
    if (ok) in.remove_prefix(1);
    ok = ok && applied_.decode(in) && coding::get_varint(in, &log_floor_) &&
         coding::get_varint(in, &log_last_) && acked.decode(in) && floors_.decode(in) &&
         !in.empty();
    if (ok) {
      resync = static_cast<uint8_t>(in[0]);
      in.remove_prefix(1);
      ok = resync_floor_.decode(in);
      resyncing_ = resync != 0;
    }
  }
  if (!ok) {
    // First start, or data from before the log held every origin's records
    // under (origin, seq) keys: positions carry over, the old log goes.
    applied_ = VersionVector{};
    resync_floor_ = VersionVector{};
    resyncing_ = false;
    if (auto old = env_.storage.get(Column::kMeta, kMetaReplicationV1)) {
      std::string_view in = *old;
      uint64_t f = 0, l = 0;
      if (!(applied_.decode(in) && coding::get_varint(in, &f) && coding::get_varint(in, &l) &&
            acked.decode(in))) {
        applied_ = VersionVector{};
        acked = VersionVector{};
      }
      env_.storage.del(Column::kMeta, kMetaReplicationV1);
    }
    env_.storage.del_range(Column::kLog, std::string(), std::string(16, '\xff'));
    log_floor_ = log_last_ = seq;
    floors_ = applied_;
    state_dirty_ = true;
  }
  // Writes made while replication was off are not in the log: a peer that
  // needs them gets a resync.
  if (seq > log_last_) log_floor_ = log_last_ = seq;
  stream_floor_ = log_floor_;
  for (auto& p : peers_) p.acked = acked.get(p.info.id);
}

void Replicator::start() {
  load();
  if (!enabled()) return;
  keyspace_.enable_replication([this] { return applied(); });
  keyspace_.set_frozen(resyncing_);
  // A FLUSHALL clears, in every region, only the keys its origin may hold.
  if (!placement_.empty()) {
    keyspace_.set_clear_scope(
        [this](std::string_view key, RegionId origin) { return placement_.may_hold(key, origin); });
  }
  tick();
}

void Replicator::flush() {
  MERIDIAN_ASSERT(in_unit_ == 0, "a unit ends in the pass it began");
  flushed_ = true;
  if (!state_dirty_) return;
  std::string v;
  v.push_back(static_cast<char>(kMetaFormat));
  applied_.encode(v);
  coding::put_varint(v, log_floor_);
  coding::put_varint(v, log_last_);
  VersionVector acked;
  for (const auto& p : peers_) acked.set(p.info.id, p.acked);
  acked.encode(v);
  floors_.encode(v);
  v.push_back(resyncing_ ? 1 : 0);
  resync_floor_.encode(v);
  env_.storage.put(Column::kMeta, kMetaReplication, v);
  state_dirty_ = false;
}

void Replicator::send(RegionId to, std::string message) {
  if (Peer* p = peer(to)) p->bytes_sent += message.size();
  outbox_.add(to, std::move(message));
}

void Replicator::ack(RegionId to) {
  ack_due_.insert(to);
}

// --------------------------------------------------------- own writes

void Replicator::log_command(const Keyspace::CommandWrites& w) {
  keyspace_.mark_logged();
  if (!enabled() || w.seq == 0) return;
  LogRecord rec;
  rec.origin = self_.id;
  rec.seq = w.seq;
  rec.hlc = w.hlc;
  rec.deps = applied_;
  rec.clear = w.clear;
  rec.keys = w.deltas;
  if (!in_unit_) return append(rec);
  // Inside a unit a record is logged once the next one shows it was not
  // the last.
  if (unit_last_) {
    unit_last_->more = true;
    append(*unit_last_);
  }
  unit_last_ = std::move(rec);
}

void Replicator::begin_unit() {
  ++in_unit_;
}

uint64_t Replicator::end_unit() {
  MERIDIAN_ASSERT(in_unit_ > 0, "end_unit() follows begin_unit()");
  // A script inside a transaction is part of the transaction's unit.
  if (--in_unit_ > 0 || !unit_last_) return 0;
  uint64_t seq = unit_last_->seq;
  append(*unit_last_);
  unit_last_.reset();
  return seq;
}

void Replicator::append(const LogRecord& rec) {
  // Invariant: each origin numbers its writes in increasing order, and its
  // log holds them contiguously.
  MERIDIAN_ASSERT(rec.seq > log_last_, "per-origin sequences increase");
  std::string bytes = rec.encode();
  env_.storage.put(Column::kLog, layout::log_key(self_.id, rec.seq), bytes);
  recent_bytes_ += bytes.size();
  recent_.emplace_back(rec.seq, std::move(bytes));
  while (recent_bytes_ > kRecentBytes && recent_.size() > 1) {
    recent_bytes_ -= recent_.front().second.size();
    recent_.pop_front();
  }
  log_last_ = rec.seq;
  state_dirty_ = true;
  flushed_ = false;
}

void Replicator::after_commit() {
  if (!enabled()) return;
  // Invariant: what this pass logged or applied was persisted (flush) and
  // committed before anything it produced is sent.
  MERIDIAN_ASSERT(flushed_, "the replication state is flushed into the pass before its commit");
  for (auto& p : peers_) pump(p);
  if (!ack_due_.empty() || !resend_due_.empty()) {
    // While a resync is wanted and none is coming in, every status asks for one.
    bool resync = resyncing_ && !incoming_;
    std::string status = repl::encode(repl::Status{applied(), false, resync});
    std::string resend = repl::encode(repl::Status{applied(), true, resync});
    for (RegionId o : resend_due_) send(o, resend);
    for (RegionId o : ack_due_)
      if (resend_due_.count(o) == 0) send(o, status);
    ack_due_.clear();
    resend_due_.clear();
  }
  outbox_.send_committed(network_);
}

// ------------------------------------------------------------------ log

uint64_t Replicator::log_floor(RegionId origin) const {
  return origin == self_.id ? log_floor_ : floors_.get(origin);
}

uint64_t Replicator::log_last(RegionId origin) const {
  return origin == self_.id ? log_last_ : applied_.get(origin);
}

void Replicator::read_log(RegionId origin, uint64_t after, uint64_t upto,
                          std::vector<std::string>* out, size_t max_bytes) {
  size_t bytes = 0;
  if (origin == self_.id && !recent_.empty() && recent_.front().first <= after + 1) {
    auto it = std::lower_bound(recent_.begin(), recent_.end(), after + 1,
                               [](const auto& e, uint64_t s) { return e.first < s; });
    for (; it != recent_.end() && it->first <= upto && bytes < max_bytes &&
           out->size() < cfg_.batch_records;
         ++it) {
      bytes += it->second.size();
      out->push_back(it->second);
    }
    return;
  }
  auto it = env_.storage.iterate(Column::kLog);
  for (it->seek(layout::log_key(origin, after + 1));
       it->valid() && bytes < max_bytes && out->size() < cfg_.batch_records; it->next()) {
    RegionId o = 0;
    uint64_t s = 0;
    if (!layout::parse_log_key(it->key(), &o, &s) || o != origin || s > upto) break;
    bytes += it->value().size();
    out->emplace_back(it->value());
  }
}

std::string Replicator::for_peer(std::string record, RegionId to) const {
  if (placement_.empty()) return record;
  LogRecord rec;
  if (!rec.decode(record)) return record;
  size_t before = rec.keys.size();
  rec.keys.erase(std::remove_if(rec.keys.begin(), rec.keys.end(),
                                [&](const KeyDelta& k) { return !may_send(k.key, to); }),
                 rec.keys.end());
  return rec.keys.size() == before ? record : rec.encode();
}

void Replicator::truncate() {
  // The own log a stream may use: a peer further behind than this (what all
  // have applied less log_retention_ops, and never more than log_max_ops)
  // gets a full resync.
  uint64_t min_acked = log_last_;
  for (const auto& p : peers_) min_acked = std::min(min_acked, p.acked);
  uint64_t cut = min_acked > cfg_.log_retention_ops ? min_acked - cfg_.log_retention_ops : 0;
  if (log_last_ > cfg_.log_max_ops) cut = std::max(cut, log_last_ - cfg_.log_max_ops);
  stream_floor_ = std::max({stream_floor_, log_floor_, std::min(cut, log_last_)});
  // Every origin's records stay until every region has applied them: a
  // delete made concurrently with them may still arrive, and splits a
  // counter at them (Keyspace::raise); and regions pull them from each
  // other.
  cut = std::min(stream_floor_, stable_.get(self_.id));
  if (cut > log_floor_) {
    env_.storage.del_range(Column::kLog, layout::log_key(self_.id, log_floor_ + 1),
                           layout::log_key(self_.id, cut + 1));
    log_floor_ = cut;
    while (!recent_.empty() && recent_.front().first <= cut) {
      recent_bytes_ -= recent_.front().second.size();
      recent_.pop_front();
    }
    state_dirty_ = true;
  }
  for (const auto& p : peers_) {
    RegionId o = p.info.id;
    uint64_t c = std::min(stable_.get(o), applied_.get(o));
    if (c <= floors_.get(o)) continue;
    env_.storage.del_range(Column::kLog, layout::log_key(o, floors_.get(o) + 1),
                           layout::log_key(o, c + 1));
    floors_.set(o, c);
    state_dirty_ = true;
  }
}

// ------------------------------------------------------ own streams

void Replicator::pump(Peer& p) {
  if (!p.known) return;
  if (p.snapshot) return pump_snapshot(p);
  const uint64_t stream_floor = std::max(stream_floor_, log_floor_);
  if (p.wants_resync || p.acked < stream_floor) {
    if (p.acked >= log_last_ && !p.wants_resync) return;
    if (now() < p.snapshot_retry_ms) return;
    OutgoingSnapshot o;
    // Unique across restarts: parts of a resync sent before a crash may
    // still be in flight and must never pass for parts of a new one.
    o.id = env_.random.next_u64() | 1;
    o.snap = env_.storage.snapshot();  // after the commit: exactly what applied() says
    o.applied = applied();
    o.context = o.applied;
    if (sovereignty_ && !placement_.covers(self_.id, p.info.id)) {
      // This region lacks keys the peer may hold: its positions for other
      // origins would claim writes the peer never got from it. Only its own
      // position goes; the others stream (or resync) theirs directly.
      VersionVector own;
      own.set(self_.id, o.applied.get(self_.id));
      o.applied = own;
    }
    o.clears = keyspace_.clear_marks();
    o.floors = floors_;
    o.floors.set(self_.id, log_floor_);
    o.progress_ms = now();
    p.snapshot = std::move(o);
    return pump_snapshot(p);
  }
  if (p.sent < p.acked) {
    p.sent = p.acked;
    p.mid_unit = false;  // a peer applies (and acknowledges) whole units only
    p.inflight.clear();
    p.inflight_bytes = 0;
  }
  // A unit is sent whole even past the window: the peer applies none of it
  // (and acknowledges nothing) until it has all of it.
  while (p.sent < log_last_ && (p.inflight_bytes < kWindowBytes || p.mid_unit)) {
    repl::Records m;
    m.origin = self_.id;
    m.after = p.sent;
    read_log(self_.id, p.sent, log_last_, &m.records, kMaxMessageBytes);
    if (m.records.empty()) break;
    uint64_t last = last_seq(m.records.back());
    if (last <= p.sent) break;
    if (p.inflight.empty()) p.last_progress_ms = now();
    size_t bytes = 0;
    for (auto& r : m.records) {
      r = for_peer(std::move(r), p.info.id);
      bytes += r.size();
    }
    p.inflight.emplace_back(last, bytes);
    p.inflight_bytes += bytes;
    p.sent = last;
    p.mid_unit = record_continues(m.records.back());
    stats_.records_sent += m.records.size();
    p.records_to += m.records.size();
    p.record_bytes_to += bytes;
    send(p.info.id, repl::encode(m));
  }
}

void Replicator::pump_snapshot(Peer& p) {
  OutgoingSnapshot& o = *p.snapshot;
  while (!o.ended && o.unacked_bytes < kSnapshotWindow) {
    repl::Snapshot part;
    part.id = o.id;
    part.part = o.next_part++;
    part.kind = o.phase;
    switch (o.phase) {
      case repl::Snapshot::kHeader:
        part.applied = o.applied;
        part.context = o.context;
        part.clears = o.clears;
        part.floors = o.floors;
        o.phase = repl::Snapshot::kLog;
        break;
      case repl::Snapshot::kLog: {
        size_t bytes = 0;
        auto it = o.snap->iterate(Column::kLog);
        it->seek(o.log_after);
        if (!o.log_after.empty() && it->valid() && it->key() == o.log_after) it->next();
        for (; it->valid() && bytes < kSnapshotPartBytes; it->next()) {
          o.log_after.assign(it->key());
          RegionId ro = 0;
          uint64_t rs = 0;
          if (!layout::parse_log_key(it->key(), &ro, &rs) || ro == p.info.id) continue;
          if (ro != self_.id && sovereignty_ && !placement_.covers(self_.id, p.info.id)) continue;
          part.records.push_back(for_peer(std::string(it->value()), p.info.id));
          bytes += part.records.back().size();
        }
        if (!it->valid()) o.phase = repl::Snapshot::kKeys;
        break;
      }
      case repl::Snapshot::kKeys: {
        bool done = false;
        std::vector<KeyChunk> chunks;
        keyspace_.read_chunks(*o.snap, &o.cursor, kSnapshotPartBytes, &chunks, &done);
        for (auto& c : chunks)
          if (may_send(c.key, p.info.id)) part.chunks.push_back(std::move(c));
        if (done) o.phase = repl::Snapshot::kEnd;
        break;
      }
      case repl::Snapshot::kEnd:
        o.ended = true;
        break;
    }
    std::string bytes = repl::encode(part);
    o.unacked.emplace_back(part.part, bytes.size());
    o.unacked_bytes += bytes.size();
    send(p.info.id, std::move(bytes));
  }
}

void Replicator::on_snapshot_ack(Peer& from, std::string_view msg) {
  repl::SnapshotAck m;
  if (!repl::decode(msg, &m)) return;
  if (!from.snapshot || from.snapshot->id != m.id) return;
  OutgoingSnapshot& o = *from.snapshot;
  if (m.broken) {
    from.snapshot.reset();
    from.snapshot_retry_ms = now() + kSnapshotRetryMs;
    return;
  }
  o.progress_ms = now();
  while (!o.unacked.empty() && o.unacked.front().first <= m.part) {
    o.unacked_bytes -= o.unacked.front().second;
    o.unacked.pop_front();
  }
  if (o.ended && o.unacked.empty()) {
    // It holds everything of ours up to the resync's position; the stream
    // continues from there.
    uint64_t have = o.applied.get(self_.id);
    from.acked = std::max(from.acked, have);
    from.sent = from.acked;
    from.mid_unit = false;
    from.inflight.clear();
    from.inflight_bytes = 0;
    from.wants_resync = false;
    from.snapshot.reset();
    ++stats_.snapshots_sent;
    state_dirty_ = true;
  }
}

// ------------------------------------------------------------- timers

void Replicator::tick() {
  std::string status = repl::encode(repl::Status{applied(), false, resyncing_ && !incoming_});
  int64_t t = now();
  int64_t resend_after = std::max<int64_t>(1000, 10 * cfg_.heartbeat_ms);
  for (auto& p : peers_) {
    send(p.info.id, status);
    bool quiet = network_->queued_bytes(p.info.id) == 0;
    if (!p.snapshot && p.sent > p.acked && t - p.last_progress_ms >= resend_after && quiet) {
      // Nothing acknowledged for a while and nothing waiting to be written:
      // whatever is in flight was lost.
      p.sent = p.acked;
      p.mid_unit = false;
      p.inflight.clear();
      p.inflight_bytes = 0;
      p.last_progress_ms = t;
      ++stats_.resends;
    }
    if (p.snapshot && t - p.snapshot->progress_ms >= resend_after && quiet) {
      // No part acknowledged for a while and nothing waiting to be written:
      // parts were lost; the resync starts again.
      p.snapshot.reset();
      p.snapshot_retry_ms = t;
    }
    if (t - p.rate_mark_ms >= 1000) {
      uint64_t n = p.records_to + p.records_from;
      p.records_per_sec = p.rate_mark_ms == 0
                              ? 0
                              : static_cast<double>(n - p.rate_mark_records) * 1000.0 /
                                    static_cast<double>(t - p.rate_mark_ms);
      p.rate_mark_records = n;
      p.rate_mark_ms = t;
    }
  }
  if (incoming_ && t - incoming_->last_part_ms >= 2 * resend_after) {
    // Its sender gave up (or is gone): any region may send a resync now.
    incoming_.reset();
  }
  truncate();
  advance_stability();
  request_missing_dependencies();
  env_.scheduler.after(std::max<int64_t>(1, cfg_.heartbeat_ms),
                       lifetime_.guard([this] { tick(); }));
}

void Replicator::advance_stability() {
  const VersionVector mine = applied();
  if (std::all_of(peers_.begin(), peers_.end(), [](const Peer& p) { return p.known; })) {
    VersionVector low, need;
    std::vector<RegionId> ids = {self_.id};
    for (const auto& p : peers_) ids.push_back(p.info.id);
    for (RegionId id : ids) {
      uint64_t v = mine.get(id);
      for (const auto& p : peers_) v = std::min(v, p.vector.get(id));
      low.set(id, v);
    }
    for (const auto& p : peers_) need.set(p.info.id, p.vector.get(p.info.id));
    checkpoints_.emplace_back(std::move(low), std::move(need));
  }
  while (!checkpoints_.empty() && mine.dominates(checkpoints_.front().second)) {
    stable_ = checkpoints_.front().first;
    checkpoints_.pop_front();
  }
  while (checkpoints_.size() > 1000) checkpoints_.pop_front();  // far behind: stay bounded
  if (!resyncing_) keyspace_.purge_tombstones(stable_, 1000);
}

}  // namespace meridian
