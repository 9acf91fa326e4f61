#pragma once
// Replication of one region: the log of every origin's recent writes, the
// streams to every peer, what it has applied from each origin, full
// resyncs, and the waits of write modes and read levels. No I/O: messages go
// out through Network (only after the pass that produced them is
// committed, so nothing uncommitted ever leaves the region), timers through
// Scheduler, state through Storage in the same commit as the data.
//
// Protocol, per origin O and peer P (see messages.h):
// - O appends one LogRecord per write command (its deltas, its
//   dependencies: O's applied vector) to the log (Column::kLog).
// - O streams its records after P's acknowledged position, at most
//   kWindowBytes unacknowledged. P applies each origin's records in
//   sequence, each only once its dependencies are applied (causal order),
//   holding back those that must wait; it persists its applied vector in the
//   same commit and acknowledges (Status). A gap makes P ask for a resend;
//   a stream without progress is resent after a timeout, unless its bytes
//   are still queued in the runtime (a slow peer is not a lossy one).
// - Every region keeps every origin's records it applied until all regions
//   have applied them (causal stability), so any region can pull records it
//   lacks from any other: when a record's dependency does not arrive from
//   its own origin, and for leader and quorum reads.
// - When P needs records O no longer has, O streams a full resync: a
//   consistent storage snapshot, in bounded parts with flow control; P
//   refuses writes until it has joined it all.
// - O truncates its own log below what every region has applied (keeping
//   log_retention_ops more, never more than log_max_ops), and every
//   origin's records below causal stability.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "core/data/keyspace.h"
#include "core/env/env.h"
#include "core/env/lifetime.h"
#include "core/env/network.h"
#include "core/env/outbox.h"
#include "core/replication/messages.h"
#include "core/settings/region_settings.h"

namespace meridian {

class PrometheusText;

// Counters for INFO.
struct ReplicationStats {
  uint64_t records_sent = 0;
  uint64_t records_applied = 0;
  uint64_t records_skipped = 0;  // duplicates
  // Keys in records and resyncs from other regions that [[placement]] does
  // not allow this region to hold: refused, never stored.
  uint64_t keys_refused = 0;
  uint64_t records_held = 0;     // waited for a dependency
  uint64_t records_relayed = 0;  // sent in answer to pulls
  uint64_t pulls_sent = 0;
  uint64_t snapshots_sent = 0;
  uint64_t snapshots_applied = 0;
  uint64_t resends = 0;
  uint64_t write_waits_met = 0;
  uint64_t write_waits_timed_out = 0;
  uint64_t read_waits_timed_out = 0;
};

class Replicator {
 public:
  Replicator(const RegionSettings& settings, Env env, Keyspace& keyspace);
  ~Replicator();
  Replicator(const Replicator&) = delete;
  Replicator& operator=(const Replicator&) = delete;

  // Before start(): the network to peers (nullptr or no peers: replication
  // is off and nothing is logged). Its timers' work is committed and sent by
  // the pass the runtime ends after every timer (core/env/pass_scheduler.h).
  void attach(Network* network);
  bool enabled() const { return network_ != nullptr && !peers_.empty(); }
  // Loads persisted positions; starts the heartbeat.
  void start();

  // After a write command: appends its log record, to be committed with
  // the command's data.
  void log_command(const Keyspace::CommandWrites& writes);
  // A transaction or a script: the records logged from begin_unit() to
  // end_unit() (in the same pass) form one unit, which every other region
  // applies at once or not at all; units nest (the outermost is the unit).
  // Returns the unit's last sequence (0: it wrote nothing, or an inner
  // unit ended).
  void begin_unit();
  uint64_t end_unit();
  // A message from region `from` (authenticated by the runtime).
  void on_message(RegionId from, std::string_view message);
  // Before the pass's commit: persists positions. After it: sends.
  void flush();
  void after_commit();

  // A full resync is being joined in: writes are refused until it ends.
  bool resyncing() const { return resyncing_; }
  std::string resync_refusal() const;

  // Write modes. Calls done(acked, met) once `needed` other regions have
  // durably applied this region's write `seq`, or after timeout_ms (<= 0:
  // no timeout) with met = false. Never calls done before returning.
  // With `among`, only those regions count (a write of keys only they may
  // hold: the others receive its record without the keys).
  void wait_acks(uint64_t seq, int needed, int64_t timeout_ms,
                 std::function<void(int acked, bool met)> done, std::vector<RegionId> among = {});
  // Other regions (of `among`, if not empty) known to have applied this
  // region's write `seq`.
  int acked_count(uint64_t seq, const std::vector<RegionId>& among = {}) const;

  // Session reads: done(true) once this region has applied every write in
  // `token`, done(false) after timeout_ms.
  bool covers(const VersionVector& token) const;
  void wait_applied(const VersionVector& token, int64_t timeout_ms,
                    std::function<void(bool ok)> done);

  // Leader and quorum reads: asks the leader, or enough peers for a
  // majority with this region, for their applied vectors and the records
  // this region lacks, applies them (in causal order, like any other), then
  // calls done with nothing, or with an error message after timeout_ms.
  enum class Source { kLeader, kQuorum };
  void fetch(std::vector<std::string> keys, Source source, int64_t timeout_ms,
             std::function<void(std::optional<std::string> error)> done);

  const RegionInfo& self() const { return self_; }
  // The region "leader" reads go to: the failover manager's primary when
  // set, else the first region of the config.
  std::function<RegionId()> leader_of;
  const RegionInfo& leader() const;
  bool is_leader() const { return self_.id == leader().id; }
  int peer_count() const { return static_cast<int>(peers_.size()); }
  int quorum_peers() const { return (static_cast<int>(peers_.size()) + 1) / 2; }
  // Per origin, the highest write applied here (own entry: own sequence).
  VersionVector applied() const;
  const ReplicationStats& stats() const { return stats_; }
  // What every region has applied, as far as this region can tell safely.
  const VersionVector& stable() const { return stable_; }

  // INFO replication fields, and the JSON for /status.
  void info(std::string& out, int64_t now_ms) const;
  // Its Prometheus metrics (replicator_metrics.cc).
  void write_metrics(PrometheusText& out, int64_t now_ms) const;
  std::string status_json(int64_t now_ms) const;

  // Fault injection (MR.DEBUG SOVEREIGNTY, the simulator): off, records,
  // snapshots and pulls go to every region whatever [[placement]] says, so
  // tests can show their leak checks catch a leak.
  void set_sovereignty(bool on) { sovereignty_ = on; }

  // Where warnings go (the runtime's log); none by default.
  std::function<void(const std::string&)> warn;

  // Test hook: every applied record, (origin, seq), in apply order.
  std::function<void(RegionId origin, uint64_t seq)> on_apply;

 private:
  // A full resync this region streams to a peer.
  struct OutgoingSnapshot {
    uint64_t id = 0;
    std::unique_ptr<StorageSnapshot> snap;
    VersionVector applied;
    VersionVector context;  // repl::Snapshot::context
    ClearMarks clears;
    VersionVector floors;
    repl::Snapshot::Kind phase = repl::Snapshot::kHeader;
    std::string log_after;  // log key of the last record sent
    Keyspace::ChunkCursor cursor;
    uint32_t next_part = 0;
    std::deque<std::pair<uint32_t, size_t>> unacked;  // part, bytes
    size_t unacked_bytes = 0;
    bool ended = false;       // the end part is sent
    int64_t progress_ms = 0;  // started, or a part acknowledged
  };
  struct Peer {
    RegionInfo info;
    bool known = false;                                // heard from since start: `acked` is current
    uint64_t acked = 0;                                // highest own seq it has applied
    uint64_t sent = 0;                                 // highest own seq sent to it
    bool mid_unit = false;                             // `sent` is inside a unit
    std::deque<std::pair<uint64_t, size_t>> inflight;  // own records sent, unacked
    size_t inflight_bytes = 0;
    VersionVector vector;  // its last reported applied vector
    bool wants_resync = false;
    int64_t last_heard_ms = 0;  // -1: never
    int64_t last_progress_ms = 0;
    std::optional<OutgoingSnapshot> snapshot;
    int64_t snapshot_retry_ms = 0;  // no new resync to it before this
    int64_t pull_sent_ms = -1;      // a pull to it is in flight since
    uint64_t applied_from = 0;      // its records applied here
    int64_t apply_lag_ms = 0;       // age of its last record when applied here
    // Traffic: message bytes and records, each way, and a per-second rate.
    uint64_t bytes_sent = 0, bytes_received = 0;
    uint64_t records_to = 0, records_from = 0, record_bytes_to = 0;
    uint64_t rate_mark_records = 0;
    int64_t rate_mark_ms = 0;
    double records_per_sec = 0;
    // Apply lags (ms, one bucket per ms, the last one open-ended) since start.
    std::vector<uint64_t> lag_histogram = std::vector<uint64_t>(10001, 0);
  };
  struct AckWait {
    uint64_t seq;
    int needed;
    std::function<void(int, bool)> done;
    std::vector<RegionId> among;
  };
  struct ApplyWait {
    VersionVector token;
    std::function<void(bool)> done;
  };
  // Ends wait `id` of `waits` with `expire` after timeout_ms (never if
  // <= 0), unless it ended before.
  template <class Wait, class Expire>
  void time_out(std::map<uint64_t, Wait>& waits, uint64_t id, int64_t timeout_ms, Expire expire) {
    if (timeout_ms <= 0) return;
    env_.scheduler.after(timeout_ms, lifetime_.guard([&waits, id, expire = std::move(expire)] {
      auto it = waits.find(id);
      if (it == waits.end()) return;
      Wait w = std::move(it->second);
      waits.erase(it);
      expire(w);
    }));
  }
  struct Fetch {
    int needed;
    std::map<RegionId, VersionVector> replies;
    std::function<void(std::optional<std::string>)> done;
    Source source;
  };
  // Records of one origin that arrived before their dependencies were
  // applied, in sequence order, bounded.
  struct Held {
    struct Record {
      std::string bytes;
      bool ends_unit = true;  // not LogRecord::more: the last record of its unit
    };
    std::deque<Record> records;
    size_t bytes = 0;
    uint64_t last = 0;  // seq of the last held record
    bool overflowed = false;
    int64_t since_ms = 0;
  };
  // A full resync being received.
  struct Incoming {
    uint64_t id = 0;
    RegionId from = 0;
    uint32_t next = 0;
    VersionVector applied;
    VersionVector context;  // repl::Snapshot::context
    ClearMarks clears;
    VersionVector floors;
    int64_t last_part_ms = 0;
    std::map<uint32_t, std::string> ahead;  // parts that arrived before their turn
    size_t ahead_bytes = 0;
  };

  // What INFO and /status show of a peer.
  struct PeerView {
    bool up = false;
    uint64_t lag_ops = 0;
    int64_t lag_ms = 0;
    int64_t apply_lag_p50_ms = 0, apply_lag_p99_ms = 0;
    uint64_t avg_record_bytes = 0;
  };
  bool link_up(const Peer& p, int64_t now_ms) const;
  PeerView view(const Peer& p, int64_t now_ms) const;
  std::vector<std::pair<const char*, uint64_t>> counters() const;

  Peer* peer(RegionId id);
  void send(RegionId to, std::string message);
  void tick();
  void pump(Peer& p);
  void pump_snapshot(Peer& p);
  // Records of `origin` with seq > after from the log, up to max_bytes.
  void read_log(RegionId origin, uint64_t after, uint64_t upto, std::vector<std::string>* out,
                size_t max_bytes);
  // The records of one origin this region keeps: (floor, last].
  uint64_t log_floor(RegionId origin) const;
  uint64_t log_last(RegionId origin) const;
  // Sovereignty: a log record as `to` may receive it, without the keys it
  // may not hold (the record itself still goes: it keeps the stream's
  // sequence contiguous).
  std::string for_peer(std::string record, RegionId to) const;
  void truncate();
  void append(const LogRecord& rec);
  void advance_stability();
  void on_records(Peer& from, std::string_view msg);
  // Applies `unit` (the next records of `origin`: a whole unit, see
  // LogRecord::more) if every dependency is applied, all of it or nothing:
  // kWait if it must wait, kBad if a record is malformed or out of sequence.
  enum class Applied { kDone, kWait, kBad };
  Applied try_apply(RegionId origin, const std::vector<const std::string*>& unit);
  void drain_held();
  void request_missing_dependencies();
  void on_status(Peer& from, std::string_view msg);
  void on_snapshot(Peer& from, std::string_view msg);
  void on_snapshot_ack(Peer& from, std::string_view msg);
  // Joins the parts of the incoming resync that are next in order.
  void drain_snapshot(Peer& from);
  void finish_resync();
  void on_pull(Peer& from, std::string_view msg);
  void on_pull_reply(Peer& from, std::string_view msg);
  void pull(Peer& p, uint64_t id);
  void check_fetches();
  void check_ack_waits();
  void check_apply_waits();
  void load();
  void ack(RegionId to);
  int64_t now() { return env_.clock.now_ms(); }

  RegionInfo self_;
  RegionInfo leader_;
  Placement placement_;
  bool sovereignty_ = true;
  bool may_send(std::string_view key, RegionId to) const {
    return !sovereignty_ || placement_.may_hold(key, to);
  }
  // Removes from `rec` (a record of `from`) the keys this region may not
  // hold, counting and logging them; true if it removed any.
  bool refuse_foreign_keys(LogRecord& rec, RegionId from);
  // Whether a key of a resync from `from` may be stored here (else counted).
  bool may_receive(std::string_view key, RegionId from);
  void refused(std::string_view key, RegionId from);
  ReplicationSettings cfg_;
  Env env_;
  Keyspace& keyspace_;
  Network* network_ = nullptr;
  std::vector<Peer> peers_;
  ReplicationStats stats_;

  VersionVector applied_;          // other origins only
  VersionVector floors_;           // other origins: their records kept are (floor, applied]
  std::set<RegionId> ack_due_;     // regions to acknowledge after the commit
  std::set<RegionId> resend_due_;  // origins to ask for a resend
  std::map<RegionId, Held> held_;
  Outbox outbox_{env_.storage};
  bool state_dirty_ = false;
  bool flushed_ = true;  // nothing logged or applied since flush(): commit may precede sends

  uint64_t log_floor_ = 0;  // every own record with seq > floor is in the log
  uint64_t log_last_ = 0;
  // A peer whose position is below this gets a full resync (log_max_ops,
  // log_retention_ops), though the records may still be kept.
  uint64_t stream_floor_ = 0;
  std::deque<std::pair<uint64_t, std::string>> recent_;  // tail of the own log
  int in_unit_ = 0;  // depth: a script inside EXEC adds to the transaction's unit
  std::optional<LogRecord> unit_last_;  // the unit's latest record, logged once the next comes
  size_t recent_bytes_ = 0;

  bool resyncing_ = false;
  VersionVector resync_floor_;  // a resync must be at least this recent
  std::optional<Incoming> incoming_;
  // Parts of a resync whose header has not arrived yet.
  std::map<uint32_t, std::string> early_;
  size_t early_bytes_ = 0;
  RegionId early_from_ = 0;
  uint64_t early_id_ = 0;

  uint64_t next_wait_id_ = 1;
  std::map<uint64_t, AckWait> ack_waits_;
  std::map<uint64_t, ApplyWait> apply_waits_;
  std::map<uint64_t, Fetch> fetches_;
  // Causal stability: vectors every region had applied at some heartbeat
  // (min of all reports) and, with them, each region's own position then;
  // a checkpoint becomes `stable_` once this region has applied that much
  // of everyone, so no write concurrent with what it covers can arrive.
  std::deque<std::pair<VersionVector, VersionVector>> checkpoints_;
  VersionVector stable_;
  Lifetime lifetime_;
};

}  // namespace meridian
