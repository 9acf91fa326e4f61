#include "core/replication/replicator.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/base/assert.h"
#include "core/base/coding.h"

namespace meridian {
namespace {

constexpr std::string_view kMetaReplication = "replication-v2";
constexpr std::string_view kMetaReplicationV1 = "replication";
constexpr uint8_t kMetaFormat = 2;
// Unacknowledged bytes of records in flight per peer before its stream
// pauses: the back-pressure that keeps a slow or stopped peer from growing
// this region's memory.
constexpr size_t kWindowBytes = 4u << 20;
// Bytes of records per Records message.
constexpr size_t kMaxMessageBytes = 256u << 10;
// Tail of the own log kept in memory, so live streaming never reads storage.
constexpr size_t kRecentBytes = 32u << 20;
// Records of one origin held back until their dependencies are applied.
constexpr size_t kHeldBytes = 8u << 20;
// Bytes of records sent in answer to one pull.
constexpr uint64_t kPullBytes = 1u << 20;
// Full resyncs: bytes per part, unacknowledged bytes in flight, and parts
// a receiver keeps when they arrive out of order.
constexpr size_t kSnapshotPartBytes = 256u << 10;
constexpr size_t kSnapshotWindow = 2u << 20;
constexpr size_t kSnapshotBuffer = 2 * kSnapshotWindow;
// A resync the peer refused or that broke is retried after this.
constexpr int64_t kSnapshotRetryMs = 5000;

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

uint64_t last_seq(const std::string& record) {
  RegionId o = 0;
  uint64_t seq = 0;
  Hlc hlc;
  return peek_record(record, &o, &seq, &hlc) ? seq : 0;
}

}  // namespace

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

Replicator::~Replicator() {
  *alive_ = false;
}

void Replicator::attach(Network* network, std::function<void()> end_pass) {
  network_ = network;
  end_pass_ = std::move(end_pass);
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
  tick();
}

void Replicator::flush() {
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
  // Invariant: each origin numbers its writes in increasing order, and its
  // log holds them contiguously.
  MERIDIAN_ASSERT(w.seq > log_last_, "per-origin sequences increase");
  LogRecord rec;
  rec.origin = self_.id;
  rec.seq = w.seq;
  rec.hlc = w.hlc;
  rec.deps = applied_;
  rec.clear = w.clear;
  rec.keys = w.deltas;
  std::string bytes = rec.encode();
  env_.storage.put(Column::kLog, layout::log_key(self_.id, w.seq), bytes);
  recent_bytes_ += bytes.size();
  recent_.emplace_back(w.seq, std::move(bytes));
  while (recent_bytes_ > kRecentBytes && recent_.size() > 1) {
    recent_bytes_ -= recent_.front().second.size();
    recent_.pop_front();
  }
  log_last_ = w.seq;
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
    if (sovereignty_ && !placement_.covers(self_.id, p.info.id)) {
      // This region lacks keys the peer may hold: its positions for other
      // origins would claim writes the peer never got from it. Only its own
      // position goes; the others stream (or resync) theirs directly.
      VersionVector own;
      own.set(self_.id, o.applied.get(self_.id));
      o.applied = own;
    }
    o.clear_watermark = keyspace_.clear_watermark();
    o.floors = floors_;
    o.floors.set(self_.id, log_floor_);
    o.progress_ms = now();
    p.snapshot = std::move(o);
    return pump_snapshot(p);
  }
  if (p.sent < p.acked) {
    p.sent = p.acked;
    p.inflight.clear();
    p.inflight_bytes = 0;
  }
  while (p.sent < log_last_ && p.inflight_bytes < kWindowBytes) {
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
        part.clear_watermark = o.clear_watermark;
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
  if (end_pass_) end_pass_();
  std::weak_ptr<bool> alive = alive_;
  env_.scheduler.after(std::max<int64_t>(1, cfg_.heartbeat_ms), [this, alive] {
    if (auto a = alive.lock(); a && *a) tick();
  });
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

Replicator::Applied Replicator::try_apply(RegionId origin, const std::string& bytes) {
  LogRecord rec;
  if (!rec.decode(bytes) || rec.origin != origin || rec.seq != applied_.get(origin) + 1) {
    return Applied::kBad;
  }
  for (const auto& [r, s] : rec.deps.entries()) {
    if (r == origin || r == self_.id || peer(r) == nullptr) continue;
    if (applied_.get(r) < s) return Applied::kWait;  // causal order: its cause first
  }
  MERIDIAN_ASSERT(rec.seq == applied_.get(origin) + 1, "each origin's records apply in sequence");
  keyspace_.apply(rec);
  env_.storage.put(Column::kLog, layout::log_key(origin, rec.seq), bytes);
  applied_.set(origin, rec.seq);
  ++stats_.records_applied;
  if (Peer* p = peer(origin)) {
    ++p->applied_from;
    ++p->records_from;
    p->apply_lag_ms = std::max<int64_t>(0, now() - rec.hlc.physical_ms());
    ++p->lag_histogram[std::min<size_t>(static_cast<size_t>(p->apply_lag_ms),
                                        p->lag_histogram.size() - 1)];
  }
  state_dirty_ = true;
  flushed_ = false;
  if (on_apply) on_apply(origin, rec.seq);
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
  for (const auto& bytes : m.records) {
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
    if (h.records.empty()) {
      Applied a = try_apply(o, bytes);
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
    if (h.bytes + bytes.size() > kHeldBytes) {
      h.overflowed = true;  // asked for again once these are applied
      break;
    }
    h.records.push_back(bytes);
    h.bytes += bytes.size();
    h.last = seq;
    expected = seq;
    ++stats_.records_held;
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
        Applied a = try_apply(o, h.records.front());
        if (a == Applied::kWait) break;
        h.bytes -= h.records.front().size();
        h.records.pop_front();
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
    if (!rec.decode(h.records.front())) continue;
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
    in.clear_watermark = m.clear_watermark;
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
          env_.storage.put(Column::kLog, layout::log_key(o, s), r);
        }
        break;
      case repl::Snapshot::kKeys:
        for (const auto& c : m.chunks) keyspace_.join_chunk(c, in.applied);
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
  if (in.clear_watermark > keyspace_.clear_watermark()) {
    keyspace_.apply_clear(in.clear_watermark, in.applied);
  }
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
  if (timeout_ms <= 0) return;  // no timeout
  std::weak_ptr<bool> alive = alive_;
  env_.scheduler.after(timeout_ms, [this, alive, id, timeout_ms] {
    if (auto a = alive.lock(); !a || !*a) return;
    auto it = fetches_.find(id);
    if (it == fetches_.end()) return;
    Fetch f = std::move(it->second);
    fetches_.erase(it);
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
  if (timeout_ms <= 0) return;
  std::weak_ptr<bool> alive = alive_;
  env_.scheduler.after(timeout_ms, [this, alive, id] {
    if (auto a = alive.lock(); !a || !*a) return;
    auto it = ack_waits_.find(id);
    if (it == ack_waits_.end()) return;
    AckWait w = std::move(it->second);
    ack_waits_.erase(it);
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
  if (timeout_ms <= 0) return;  // no timeout
  std::weak_ptr<bool> alive = alive_;
  env_.scheduler.after(timeout_ms, [this, alive, id] {
    if (auto a = alive.lock(); !a || !*a) return;
    auto it = apply_waits_.find(id);
    if (it == apply_waits_.end()) return;
    ApplyWait w = std::move(it->second);
    apply_waits_.erase(it);
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
