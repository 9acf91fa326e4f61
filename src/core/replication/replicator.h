#pragma once
// Replication of one region: its log, the streams to every peer, what it has
// applied from each origin, and the waits of write modes and read levels.
// No I/O: messages go out through Network (only after the pass that produced
// them is committed, so nothing uncommitted ever leaves the region), timers
// through Scheduler, state through Storage in the same commit as the data.
//
// Protocol, per origin O and peer P (see messages.h):
// - O appends one LogRecord per write command to its log (Column::kLog).
// - O streams records after P's acknowledged position; P applies them in
//   order (last-writer-wins per key), persists its applied vector in the
//   same commit, then tells O (Status). Gaps make P ask for a resend; a
//   stream without progress is resent after a timeout (go-back-N).
// - When P needs records O has already truncated, O sends a snapshot: every
//   key image plus the vector it is consistent with; P merges it.
// - O truncates its log below what every region has applied, keeping
//   log_retention_ops more, and never keeps more than log_max_ops.
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/data/keyspace.h"
#include "core/env/env.h"
#include "core/env/network.h"
#include "core/region_settings.h"
#include "core/replication/messages.h"

namespace meridian {

// Counters for INFO.
struct ReplicationStats {
  uint64_t records_sent = 0;
  uint64_t records_applied = 0;
  uint64_t records_skipped = 0;  // duplicates or lost to a newer version
  uint64_t snapshots_sent = 0;
  uint64_t snapshots_applied = 0;
  uint64_t resends = 0;
  uint64_t repairs_sent = 0;
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
  // is off and nothing is logged) and the region's end-of-pass, which the
  // replicator calls after work started by its own timers.
  void attach(Network* network, std::function<void()> end_pass);
  bool enabled() const { return network_ != nullptr && !peers_.empty(); }
  // Loads persisted positions; starts the heartbeat.
  void start();

  // After a write command: appends its log record, to be committed with
  // the command's data.
  void log_command(const Keyspace::CommandWrites& writes);
  // A message from region `from` (authenticated by the runtime).
  void on_message(RegionId from, std::string_view message);
  // Before the pass's commit: persists positions. After it: sends.
  void flush();
  void after_commit();

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
  // majority with this region, for the images of `keys`; installs any newer
  // version locally and repairs peers that answered with an older one, then
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
  std::string status_json(int64_t now_ms) const;

  // Fault injection (MR.DEBUG SOVEREIGNTY, the simulator): off, records,
  // snapshots and reads go to every region whatever [[placement]] says, so
  // tests can show their leak checks catch a leak.
  void set_sovereignty(bool on) { sovereignty_ = on; }

  // Test hook: every applied record, (origin, seq), in apply order.
  std::function<void(RegionId origin, uint64_t seq)> on_apply;

 private:
  struct Peer {
    RegionInfo info;
    bool known = false;         // heard from since start: `acked` is current
    uint64_t acked = 0;         // highest own seq it has applied
    uint64_t sent = 0;          // highest own seq sent to it
    VersionVector vector;       // its last reported applied vector
    int64_t last_heard_ms = 0;  // -1: never
    int64_t last_progress_ms = 0;
    int64_t snapshot_sent_ms = -1;
    uint64_t applied_from = 0;  // its records applied here
    int64_t apply_lag_ms = 0;   // age of its last record when applied here
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
  struct Fetch {
    std::vector<std::string> keys;
    int needed;
    std::map<RegionId, std::vector<KeyImage>> replies;
    std::function<void(std::optional<std::string>)> done;
    Source source;
  };
  struct Incoming {  // a snapshot being received
    uint64_t id = 0;
    uint32_t next = 0;
    bool broken = true;
  };

  // What INFO and /status show of a peer.
  struct PeerView {
    bool up = false;
    uint64_t lag_ops = 0;
    int64_t lag_ms = 0;
    int64_t apply_lag_p50_ms = 0, apply_lag_p99_ms = 0;
  };
  bool link_up(const Peer& p, int64_t now_ms) const;
  PeerView view(const Peer& p, int64_t now_ms) const;
  std::vector<std::pair<const char*, uint64_t>> counters() const;

  Peer* peer(RegionId id);
  void send(RegionId to, std::string message);
  void tick();
  void pump(Peer& p);
  bool read_log(uint64_t after, std::vector<std::string>* out, size_t max_bytes);
  void send_snapshot(Peer& p);
  // Sovereignty: a log record as `to` may receive it, without the keys it
  // may not hold (the record itself still goes: it keeps the stream's
  // sequence contiguous).
  std::string for_peer(std::string record, RegionId to) const;
  void truncate();
  void advance_stability();
  void on_records(Peer& from, std::string_view msg);
  void on_status(Peer& from, std::string_view msg);
  void on_snapshot(Peer& from, std::string_view msg);
  void on_read(Peer& from, std::string_view msg);
  void on_read_reply(Peer& from, std::string_view msg);
  void on_repair(std::string_view msg);
  void check_ack_waits();
  void check_apply_waits();
  void finish_fetch(uint64_t id);
  void load();
  int64_t now() { return env_.clock.now_ms(); }

  RegionInfo self_;
  RegionInfo leader_;
  Placement placement_;
  bool sovereignty_ = true;
  bool may_send(std::string_view key, RegionId to) const {
    return !sovereignty_ || placement_.may_hold(key, to);
  }
  ReplicationSettings cfg_;
  Env env_;
  Keyspace& keyspace_;
  Network* network_ = nullptr;
  std::function<void()> end_pass_;
  std::vector<Peer> peers_;
  ReplicationStats stats_;

  VersionVector applied_;          // other origins only
  std::vector<RegionId> ack_due_;  // origins to acknowledge after the commit
  bool resend_due_ = false;
  std::vector<std::pair<RegionId, std::string>> outbox_;
  bool state_dirty_ = false;

  uint64_t log_floor_ = 0;  // every own record with seq > floor is in the log
  uint64_t log_last_ = 0;
  std::deque<std::pair<uint64_t, std::string>> recent_;  // tail of the log
  size_t recent_bytes_ = 0;

  uint64_t next_wait_id_ = 1;
  std::map<uint64_t, AckWait> ack_waits_;
  std::map<uint64_t, ApplyWait> apply_waits_;
  std::map<uint64_t, Fetch> fetches_;
  std::map<RegionId, Incoming> incoming_;
  uint64_t next_snapshot_id_ = 1;
  // Causal stability: vectors every region had applied at some heartbeat
  // (min of all reports) and, with them, each region's own position then;
  // a checkpoint becomes `stable_` once this region has applied that much
  // of everyone, so no write concurrent with what it covers can arrive.
  std::deque<std::pair<VersionVector, VersionVector>> checkpoints_;
  VersionVector stable_;
  std::shared_ptr<bool> alive_ = std::make_shared<bool>(true);
};

}  // namespace meridian
