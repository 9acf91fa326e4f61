#include "core/replication/replicator.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "core/data/coding.h"

namespace meridian {
namespace {

constexpr std::string_view kMetaReplication = "replication";
// Unacknowledged records in flight per peer before the stream pauses.
constexpr uint64_t kWindowRecords = 16384;
// Bytes of records per Records message, and of images per snapshot part.
constexpr size_t kMaxMessageBytes = 1u << 20;
// Tail of the log kept in memory, so live streaming never reads storage.
constexpr size_t kRecentBytes = 64u << 20;
// A snapshot that did not bring the peer up to date is sent again after this.
constexpr int64_t kSnapshotRetryMs = 5000;

std::string log_key(uint64_t seq) {
  std::string k;
  coding::put_fixed64_be(k, seq);
  return k;
}

// The dot and timestamp at the front of an encoded LogRecord.
bool record_head(std::string_view in, uint64_t* seq, Hlc* hlc) {
  uint64_t origin = 0;
  return coding::get_varint(in, &origin) && coding::get_varint(in, seq) &&
         coding::get_fixed64_be(in, &hlc->packed);
}

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

void Replicator::load() {
  uint64_t seq = keyspace_.sequence();
  auto v = env_.storage.get(Column::kMeta, kMetaReplication);
  VersionVector acked;
  bool ok = false;
  if (v) {
    std::string_view in = *v;
    ok = applied_.decode(in) && coding::get_varint(in, &log_floor_) &&
         coding::get_varint(in, &log_last_) && acked.decode(in);
  }
  if (!ok) {
    applied_ = VersionVector{};
    log_floor_ = log_last_ = seq;
  }
  // Writes made while replication was off are not in the log: a peer that
  // needs them gets a snapshot.
  if (seq > log_last_) log_floor_ = log_last_ = seq;
  for (auto& p : peers_) p.acked = acked.get(p.info.id);
}

void Replicator::start() {
  load();
  if (!enabled()) return;
  keyspace_.enable_merging([this] { return applied(); });
  tick();
}

void Replicator::flush() {
  if (!state_dirty_) return;
  std::string v;
  applied_.encode(v);
  coding::put_varint(v, log_floor_);
  coding::put_varint(v, log_last_);
  VersionVector acked;
  for (const auto& p : peers_) acked.set(p.info.id, p.acked);
  acked.encode(v);
  env_.storage.put(Column::kMeta, kMetaReplication, v);
  state_dirty_ = false;
}

void Replicator::send(RegionId to, std::string message) {
  outbox_.emplace_back(to, std::move(message));
}

void Replicator::log_command(const Keyspace::CommandWrites& w) {
  if (!enabled() || w.seq == 0) return;
  LogRecord rec;
  rec.origin = self_.id;
  rec.seq = w.seq;
  rec.hlc = w.hlc;
  rec.clear = w.clear;
  rec.keys.reserve(w.keys.size());
  for (const auto& k : w.keys) rec.keys.push_back(keyspace_.image(k));
  std::string bytes = rec.encode();
  env_.storage.put(Column::kLog, log_key(w.seq), bytes);
  recent_bytes_ += bytes.size();
  recent_.emplace_back(w.seq, std::move(bytes));
  while (recent_bytes_ > kRecentBytes && recent_.size() > 1) {
    recent_bytes_ -= recent_.front().second.size();
    recent_.pop_front();
  }
  log_last_ = w.seq;
  state_dirty_ = true;
}

void Replicator::after_commit() {
  if (!enabled()) return;
  for (auto& p : peers_) pump(p);
  if (!ack_due_.empty()) {
    std::string status = repl::encode(repl::Status{applied(), resend_due_});
    for (RegionId o : ack_due_) send(o, status);
    ack_due_.clear();
    resend_due_ = false;
  }
  std::vector<std::pair<RegionId, std::string>> out;
  out.swap(outbox_);
  for (auto& [to, msg] : out) network_->send(to, std::move(msg));
}

bool Replicator::read_log(uint64_t after, std::vector<std::string>* out, size_t max_bytes) {
  size_t bytes = 0;
  if (!recent_.empty() && recent_.front().first <= after + 1) {
    auto it = std::lower_bound(recent_.begin(), recent_.end(), after + 1,
                               [](const auto& e, uint64_t s) { return e.first < s; });
    for (; it != recent_.end() && bytes < max_bytes && out->size() < cfg_.batch_records; ++it) {
      bytes += it->second.size();
      out->push_back(it->second);
    }
    return true;
  }
  auto it = env_.storage.iterate(Column::kLog);
  for (it->seek(log_key(after + 1));
       it->valid() && bytes < max_bytes && out->size() < cfg_.batch_records; it->next()) {
    bytes += it->value().size();
    out->emplace_back(it->value());
  }
  return true;
}

void Replicator::pump(Peer& p) {
  if (!p.known || p.acked >= log_last_) return;
  if (p.acked < log_floor_) {
    if (p.snapshot_sent_ms < 0 || now() - p.snapshot_sent_ms >= kSnapshotRetryMs) send_snapshot(p);
    return;
  }
  if (p.sent < p.acked) p.sent = p.acked;
  while (p.sent < log_last_ && p.sent - p.acked < kWindowRecords) {
    repl::Records m;
    m.after = p.sent;
    read_log(p.sent, &m.records, kMaxMessageBytes);
    if (m.records.empty()) break;
    uint64_t last = 0;
    Hlc hlc;
    if (!record_head(m.records.back(), &last, &hlc) || last <= p.sent) break;
    if (p.sent == p.acked) p.last_progress_ms = now();
    p.sent = last;
    stats_.records_sent += m.records.size();
    if (!placement_.empty()) {
      for (auto& r : m.records) r = for_peer(std::move(r), p.info.id);
    }
    send(p.info.id, repl::encode(m));
  }
}

std::string Replicator::for_peer(std::string record, RegionId to) const {
  LogRecord rec;
  if (!rec.decode(record)) return record;
  size_t before = rec.keys.size();
  rec.keys.erase(std::remove_if(rec.keys.begin(), rec.keys.end(),
                                [&](const KeyImage& k) { return !may_send(k.key, to); }),
                 rec.keys.end());
  return rec.keys.size() == before ? record : rec.encode();
}

void Replicator::send_snapshot(Peer& p) {
  std::vector<std::string> keys;
  keyspace_.for_each_record([&](std::string_view k, const KeyRecord&) {
    if (may_send(k, p.info.id)) keys.emplace_back(k);
  });
  uint64_t id = next_snapshot_id_++;
  repl::Snapshot part;
  part.id = id;
  size_t bytes = 0;
  for (const auto& k : keys) {
    part.images.push_back(keyspace_.image(k));
    bytes += k.size() + part.images.back().rec.payload.size() + 32;
    for (const auto& f : part.images.back().fields) bytes += f.first.size() + f.second.value.size();
    if (bytes >= kMaxMessageBytes) {
      send(p.info.id, repl::encode(part));
      ++part.part;
      part.images.clear();
      bytes = 0;
    }
  }
  part.last = true;
  part.applied = applied();
  if (sovereignty_ && !placement_.covers(self_.id, p.info.id)) {
    // This region lacks keys the peer may hold: its positions for other
    // origins would claim writes the peer never got from it. Only its own
    // position goes; the others stream (or snapshot) theirs directly.
    VersionVector own;
    own.set(self_.id, part.applied.get(self_.id));
    part.applied = own;
  }
  part.clear_watermark = keyspace_.clear_watermark();
  send(p.info.id, repl::encode(part));
  p.sent = keyspace_.sequence();
  p.snapshot_sent_ms = now();
  p.last_progress_ms = now();
  ++stats_.snapshots_sent;
}

void Replicator::truncate() {
  uint64_t min_acked = log_last_;
  for (const auto& p : peers_) min_acked = std::min(min_acked, p.acked);
  uint64_t cut = min_acked > cfg_.log_retention_ops ? min_acked - cfg_.log_retention_ops : 0;
  if (log_last_ > cfg_.log_max_ops) cut = std::max(cut, log_last_ - cfg_.log_max_ops);
  if (cut <= log_floor_) return;
  env_.storage.del_range(Column::kLog, log_key(log_floor_ + 1), log_key(cut + 1));
  log_floor_ = cut;
  while (!recent_.empty() && recent_.front().first <= cut) {
    recent_bytes_ -= recent_.front().second.size();
    recent_.pop_front();
  }
  state_dirty_ = true;
}

void Replicator::tick() {
  std::string status = repl::encode(repl::Status{applied(), false});
  int64_t t = now();
  int64_t resend_after = std::max<int64_t>(1000, 10 * cfg_.heartbeat_ms);
  for (auto& p : peers_) {
    send(p.info.id, status);
    if (p.sent > p.acked && t - p.last_progress_ms >= resend_after) {
      // Nothing acknowledged for a while: whatever is in flight was lost.
      p.sent = p.acked;
      p.last_progress_ms = t;
      ++stats_.resends;
    }
  }
  truncate();
  advance_stability();
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
  keyspace_.purge_tombstones(stable_, 1000);
}

void Replicator::on_message(RegionId from, std::string_view message) {
  Peer* p = peer(from);
  auto type = repl::peek_type(message);
  if (p == nullptr || !type || !enabled()) return;
  p->last_heard_ms = now();
  switch (*type) {
    case repl::MessageType::kRecords:
      return on_records(*p, message);
    case repl::MessageType::kStatus:
      return on_status(*p, message);
    case repl::MessageType::kSnapshot:
      return on_snapshot(*p, message);
    case repl::MessageType::kRead:
      return on_read(*p, message);
    case repl::MessageType::kReadReply:
      return on_read_reply(*p, message);
    case repl::MessageType::kRepair:
      return on_repair(message);
  }
}

void Replicator::on_records(Peer& from, std::string_view msg) {
  repl::Records m;
  if (!repl::decode(msg, &m)) return;
  RegionId o = from.info.id;
  if (std::find(ack_due_.begin(), ack_due_.end(), o) == ack_due_.end()) ack_due_.push_back(o);
  if (m.after > applied_.get(o)) {
    resend_due_ = true;  // something before these was lost
    return;
  }
  LogRecord rec;
  for (const auto& bytes : m.records) {
    if (!rec.decode(bytes) || rec.origin != o) return;
    if (rec.seq <= applied_.get(o)) {
      ++stats_.records_skipped;
      continue;
    }
    if (rec.clear) keyspace_.apply_clear(rec.hlc);
    for (const auto& img : rec.keys) {
      if (!keyspace_.apply_image(img)) ++stats_.records_skipped;
    }
    keyspace_.observe(rec.hlc);
    applied_.set(o, rec.seq);
    ++stats_.records_applied;
    ++from.applied_from;
    from.apply_lag_ms = std::max<int64_t>(0, now() - rec.hlc.physical_ms());
    ++from.lag_histogram[std::min<size_t>(static_cast<size_t>(from.apply_lag_ms),
                                          from.lag_histogram.size() - 1)];
    state_dirty_ = true;
    if (on_apply) on_apply(o, rec.seq);
  }
  check_apply_waits();
}

void Replicator::on_status(Peer& from, std::string_view msg) {
  repl::Status m;
  if (!repl::decode(msg, &m)) return;
  from.known = true;
  from.vector = m.applied;
  uint64_t acked = m.applied.get(self_.id);
  if (acked > keyspace_.sequence()) {
    // The peer has writes of ours we no longer have (our storage was lost or
    // replaced): never reuse their dots.
    keyspace_.bump_sequence(acked);
    log_floor_ = log_last_ = acked;
    state_dirty_ = true;
  }
  if (m.resend) {
    from.acked = acked;  // trust its current position, even if lower
    from.sent = acked;
    ++stats_.resends;
    state_dirty_ = true;
  } else if (acked > from.acked) {
    from.acked = acked;
    from.last_progress_ms = now();
    state_dirty_ = true;
  }
  if (from.acked >= from.sent) from.snapshot_sent_ms = -1;
  check_ack_waits();
}

void Replicator::on_snapshot(Peer& from, std::string_view msg) {
  repl::Snapshot m;
  if (!repl::decode(msg, &m)) return;
  Incoming& in = incoming_[from.info.id];
  if (m.part == 0) in = Incoming{m.id, 0, false};
  if (in.broken || m.id != in.id || m.part != in.next) {
    in.broken = true;  // a part was lost: the sender tries again later
    return;
  }
  for (const auto& img : m.images) keyspace_.apply_image(img);
  ++in.next;
  if (!m.last) return;
  in.broken = true;
  if (m.clear_watermark > keyspace_.clear_watermark()) keyspace_.apply_clear(m.clear_watermark);
  for (const auto& [o, s] : m.applied.entries()) {
    if (o == self_.id) {
      if (s > keyspace_.sequence()) {
        keyspace_.bump_sequence(s);
        log_floor_ = log_last_ = s;
      }
    } else if (s > applied_.get(o)) {
      applied_.set(o, s);
      if (on_apply) on_apply(o, s);
    }
  }
  state_dirty_ = true;
  ++stats_.snapshots_applied;
  if (std::find(ack_due_.begin(), ack_due_.end(), from.info.id) == ack_due_.end()) {
    ack_due_.push_back(from.info.id);
  }
  check_apply_waits();
}

void Replicator::on_read(Peer& from, std::string_view msg) {
  repl::Read m;
  if (!repl::decode(msg, &m)) return;
  repl::ReadReply r;
  r.id = m.id;
  for (const auto& k : m.keys) {
    // A region never asks for keys it may not hold; if it does, it learns
    // nothing about them.
    if (may_send(k, from.info.id)) {
      r.images.push_back(keyspace_.image(k));
    } else {
      KeyImage none;
      none.key = k;
      r.images.push_back(std::move(none));
    }
  }
  send(from.info.id, repl::encode(r));
}

void Replicator::on_read_reply(Peer& from, std::string_view msg) {
  repl::ReadReply m;
  if (!repl::decode(msg, &m)) return;
  auto it = fetches_.find(m.id);
  if (it == fetches_.end() || m.images.size() != it->second.keys.size()) return;
  if (it->second.source == Source::kLeader && from.info.id != leader().id) return;
  it->second.replies[from.info.id] = std::move(m.images);
  if (static_cast<int>(it->second.replies.size()) >= it->second.needed) finish_fetch(m.id);
}

void Replicator::on_repair(std::string_view msg) {
  repl::Repair m;
  if (!repl::decode(msg, &m)) return;
  for (const auto& img : m.images) keyspace_.apply_image(img);
}

void Replicator::fetch(std::vector<std::string> keys, Source source, int64_t timeout_ms,
                       std::function<void(std::optional<std::string>)> done) {
  uint64_t id = next_wait_id_++;
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
  Fetch f{std::move(keys), needed, {}, std::move(done), source};
  repl::Read r{id, f.keys};
  std::string msg = repl::encode(r);
  for (RegionId t : targets) send(t, msg);
  fetches_.emplace(id, std::move(f));
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

void Replicator::finish_fetch(uint64_t id) {
  auto it = fetches_.find(id);
  Fetch f = std::move(it->second);
  fetches_.erase(it);
  std::map<RegionId, repl::Repair> repairs;
  for (size_t i = 0; i < f.keys.size(); ++i) {
    KeyImage best = keyspace_.image(f.keys[i]);
    for (auto& [r, images] : f.replies) {
      if (images[i].key == f.keys[i] && newer(images[i].rec, best.rec)) best = images[i];
    }
    keyspace_.apply_image(best);  // no-op unless a peer had a newer version
    if (best.rec.type == ValueType::kNone && !best.tombstone()) continue;
    for (auto& [r, images] : f.replies) {
      if (newer(best.rec, images[i].rec) && may_send(f.keys[i], r)) {
        repairs[r].images.push_back(best);
      }
    }
  }
  for (auto& [r, m] : repairs) {
    stats_.repairs_sent += m.images.size();
    send(r, repl::encode(m));
  }
  f.done(std::nullopt);
}

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
    uint64_t seq = 0;
    Hlc hlc;
    v.lag_ms = it != recent_.end() && record_head(it->second, &seq, &hlc)
                   ? std::max<int64_t>(0, now_ms - hlc.physical_ms())
                   : -1;  // older than the in-memory tail
  }
  v.apply_lag_p50_ms = percentile(p.lag_histogram, 0.50);
  v.apply_lag_p99_ms = percentile(p.lag_histogram, 0.99);
  return v;
}

std::vector<std::pair<const char*, uint64_t>> Replicator::counters() const {
  const auto& s = stats_;
  return {{"records_sent", s.records_sent},
          {"records_applied", s.records_applied},
          {"records_skipped", s.records_skipped},
          {"resends", s.resends},
          {"snapshots_sent", s.snapshots_sent},
          {"snapshots_applied", s.snapshots_applied},
          {"read_repairs_sent", s.repairs_sent},
          {"write_waits_met", s.write_waits_met},
          {"write_waits_timed_out", s.write_waits_timed_out},
          {"read_waits_timed_out", s.read_waits_timed_out}};
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
  field("log_first_seq", std::to_string(log_floor_ + 1));
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
              ",apply_lag_p50_ms=" + std::to_string(v.apply_lag_p50_ms) +
              ",apply_lag_p99_ms=" + std::to_string(v.apply_lag_p99_ms));
  }
  for (const auto& [name, value] : counters()) field(name, std::to_string(value));
}

std::string Replicator::status_json(int64_t now_ms) const {
  nlohmann::json j;
  j["region"] = self_.name;
  j["region_id"] = self_.id;
  j["role"] = is_leader() ? "leader" : "follower";
  j["leader"] = leader().name;
  j["write_sequence"] = keyspace_.sequence();
  j["log_first_seq"] = log_floor_ + 1;
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
    });
  }
  j["stats"] = nlohmann::json::object();
  for (const auto& [name, value] : counters()) j["stats"][name] = value;
  return j.dump();
}

}  // namespace meridian
