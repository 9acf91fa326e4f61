#include "runtime/sim/chaos.h"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/base/coding.h"
#include "runtime/sim/chaos_hll.h"
#include "runtime/sim/chaos_ops.h"
#include "runtime/sim/chaos_report.h"
#include "runtime/sim/chaos_units.h"
#include "runtime/sim/sim_cluster.h"

namespace meridian::sim {
namespace {

struct Version {
  Hlc hlc;
  RegionId origin = 0;
  bool operator<(const Version& o) const { return hlc != o.hlc ? hlc < o.hlc : origin < o.origin; }
  bool operator<=(const Version& o) const { return !(o < *this); }
};

struct Write {
  RegionId origin;
  uint64_t seq;
  Hlc hlc;
  std::string key;
  int64_t acked_at;
};

// Top-level RESP reply: '-' errors, '$' bulk, ':' integers, '+' simple.
struct ReplyView {
  char kind = 0;
  std::string text;
};

ReplyView view(const std::string& raw) {
  ReplyView v;
  if (raw.empty()) return v;
  v.kind = raw[0];
  size_t eol = raw.find("\r\n");
  v.text = raw.substr(1, eol == std::string::npos ? std::string::npos : eol - 1);
  if (v.kind == '$' && v.text != "-1") {
    size_t start = eol + 2;
    v.text = raw.substr(start, static_cast<size_t>(std::stoll(v.text)));
  }
  return v;
}

class Run {
 public:
  Run(uint64_t seed, bool broken_join) : seed_(seed), rng_(seed), broken_join_(broken_join) {}

  ChaosResult go(int64_t duration_ms) {
    setup();
    for (int i = 0; i < cluster_->size(); ++i)
      for (int c = 0; c < 2; ++c) add_client(i);
    schedule_fault();
    schedule_unit_check();
    cluster_->run_for(duration_ms);
    // Heal everything, let clients finish, then give replication time.
    stopping_ = true;
    cluster_->network().heal();
    crash_armed_.assign(cluster_->size(), false);
    cluster_->run_for(60000);
    check_final();
    ChaosResult r;
    r.seed = seed_;
    r.violations = violations_;
    r.summary = summary();
    for (int i = 0; i < cluster_->size(); ++i) {
      for (unsigned char ch : dump_region(*cluster_, i))
        r.digest = (r.digest ^ ch) * 1099511628211ULL;  // FNV-1a
    }
    clients_.clear();
    cluster_.reset();
    return r;
  }

 private:
  struct Client {
    int region;
    int id;
    uint64_t n = 0;
    std::unique_ptr<SimConn> conn;
  };

  uint64_t pick(uint64_t n) { return rng_.uniform(n); }
  const Pick picker_ = [this](uint64_t n) { return pick(n); };
  bool coin(int percent) { return static_cast<int>(pick(100)) < percent; }

  void fail(const std::string& what) {
    if (violations_.size() < 20) {
      violations_.push_back("t=" + std::to_string(cluster_->now() - start_) + "ms " + what);
    }
  }

  void setup() {
    SimClusterOptions o;
    o.seed = seed_;
    o.regions = 3 + static_cast<int>(pick(3));
    o.one_way_ms.assign(o.regions, std::vector<int64_t>(o.regions, 0));
    for (int i = 0; i < o.regions; ++i)
      for (int j = i + 1; j < o.regions; ++j)
        o.one_way_ms[i][j] = o.one_way_ms[j][i] = 5 + static_cast<int64_t>(pick(115));
    for (int i = 0; i < o.regions; ++i) o.skew_ms.push_back(static_cast<int64_t>(pick(601)) - 300);
    const double losses[] = {0, 0, 0.01, 0.05};
    const double dups[] = {0, 0.02};
    o.faults.loss = losses[pick(4)];
    o.faults.duplicate = dups[pick(2)];
    o.faults.jitter_ms = static_cast<int64_t>(pick(21));
    o.faults.keep_order = !coin(25);
    o.replication.heartbeat_ms = 50 + static_cast<int64_t>(pick(51));
    o.replication.log_retention_ops = pick(20);
    o.replication.log_max_ops = 10 + pick(100);  // small: lagging regions need snapshots
    o.replication.batch_records = 1 + pick(64);
    o.replication.default_write.timeout_ms = 300 + static_cast<int64_t>(pick(1700));
    o.replication.default_read.timeout_ms = 300 + static_cast<int64_t>(pick(1700));
    // k*: whole-key last-writer-wins; f*: first-write-wins; p*: region
    // priority (the last region first); everything else: crdt.
    KeyspacePolicy lww, fww, prio;
    lww.pattern = "k*";
    lww.conflict = crdt::Policy::kLww;
    fww.pattern = "f*";
    fww.conflict = crdt::Policy::kFww;
    prio.pattern = "p*";
    prio.conflict = crdt::Policy::kRegionPriority;
    for (int i = o.regions; i >= 1; --i) prio.priority.push_back(static_cast<RegionId>(i));
    o.replication.keyspaces = {lww, fww, prio};
    regions_ = o.regions;
    desc_ = std::to_string(o.regions) + " regions, loss " + std::to_string(o.faults.loss) +
            ", dup " + std::to_string(o.faults.duplicate) + ", jitter " +
            std::to_string(o.faults.jitter_ms) + "ms" + (o.faults.keep_order ? "" : ", reordering");
    cluster_ = std::make_unique<SimCluster>(o);
    start_ = cluster_->now();
    last_applied_.assign(o.regions, {});
    must_keep_.assign(o.regions, {});
    purged_.assign(o.regions, {});
    crash_armed_.assign(o.regions, false);
    for (int i = 0; i < o.regions; ++i) hook(i);
    cluster_->crash_mid_pass = [this](int i) {
      if (trace_key_ != nullptr) trace(i, "a peer message changed it");
      if (!crash_armed_[i]) return false;
      crash_armed_[i] = false;
      ++mid_pass_crashes_;
      return true;
    };
    cluster_->on_start = [this](int i) {
      hook(i);
      // A restarted region must still have every write it acknowledged.
      VersionVector a = cluster_->region(i).replicator().applied();
      for (const auto& [origin, seq] : must_keep_[i]) {
        if (a.get(origin) < seq) {
          fail("region " + std::to_string(i + 1) + " lost acknowledged write " +
               std::to_string(origin) + ":" + std::to_string(seq) + " in a restart");
        }
      }
      for (const auto& v : units_.check_whole(*cluster_)) fail("after a restart: " + v);
      last_applied_[i].clear();
      for (const auto& [origin, seq] : a.entries()) last_applied_[i][origin] = seq;
    };
  }

  void hook(int i) {
    cluster_->region(i).keyspace().set_broken_join(broken_join_);
    cluster_->region(i).keyspace().on_purge = [this, i](std::string_view k, const KeyRecord& rec) {
      Version v{rec.hlc, rec.origin};
      auto& p = purged_[i][std::string(k)];
      if (p < v) p = v;
    };
    cluster_->region(i).replicator().on_apply = [this, i](RegionId origin, uint64_t seq) {
      auto& last = last_applied_[i][origin];
      if (seq <= last) {
        fail("region " + std::to_string(i + 1) + " applied " + std::to_string(origin) + ":" +
             std::to_string(seq) + " after " + std::to_string(last));
      }
      last = seq;
    };
  }

  void add_client(int region) {
    auto c = std::make_unique<Client>();
    c->region = region;
    c->id = static_cast<int>(clients_.size());
    clients_.push_back(std::move(c));
    schedule_step(clients_.back().get());
  }

  void schedule_step(Client* c) {
    cluster_->scheduler().after(1 + static_cast<int64_t>(pick(40)), [this, c] { step(c); });
  }

  std::string key(const char* prefix) { return prefix + std::to_string(pick(12)); }

  void step(Client* c) {
    if (stopping_) return;
    if (!c->conn || !c->conn->open()) c->conn = cluster_->connect(c->region);
    Session* s = c->conn->session();
    uint64_t before = s->last_write_seq();
    if (coin(5)) return run_transaction(c, before);
    std::vector<std::string> argv;
    std::optional<Write> session_target;
    std::optional<Version> quorum_floor;
    int r = static_cast<int>(pick(100));
    int mode = 0;  // 0 async, 1 semi-sync, 2 sync
    int needed = 0;
    std::string k;
    // What the op does to the merged (crdt) keys, for the final checks.
    std::function<void(bool acked)> track;
    if (r >= 22 && r < 27) {
      argv = big_collection_op(picker_, OpAuthor{c->id, c->n}, big_size_, &k);
    } else if (r < 27) {
      k = key("k");
      std::string v = "c" + std::to_string(c->id) + "-" + std::to_string(c->n++);
      int m = static_cast<int>(pick(10));
      mode = m < 6 ? 0 : (m < 8 ? 1 : 2);
      if (mode == 1) {
        needed = 1 + static_cast<int>(pick(static_cast<uint64_t>(regions_ - 1)));
        argv = {"MR.ONCE", "SEMI-SYNC", std::to_string(needed), "SET", k, v};
      } else if (mode == 2) {
        needed = regions_ - 1;
        argv = {"MR.ONCE", "SYNC", "SET", k, v};
      } else {
        argv = {"SET", k, v};
      }
    } else if (r < 31) {
      k = key("k");
      argv = {"DEL", k};
    } else if (r < 33) {
      k = key("k");
      argv = {"PEXPIRE", k, std::to_string(2000 + pick(15000))};
    } else if (r < 38) {
      k = key("r");  // crdt strings: LWW registers, observed-remove DEL
      std::string v = "c" + std::to_string(c->id) + "-" + std::to_string(c->n++);
      // Read-modify-writes (SETRANGE) store a new register value; GETEX
      // changes only the expiry.
      const std::vector<std::vector<std::string>> ops = {
          {"DEL", k},
          {"DEL", k},
          {"SETRANGE", k, std::to_string(pick(6)), v},
          {"SETEX", k, std::to_string(5 + pick(20)), v},
          {"GETEX", k, "PX", std::to_string(2000 + pick(15000))},
          {"GETEX", k, "PERSIST"},
          {"SET", k, v},
          {"SET", k, v}};
      argv = ops[pick(ops.size())];
    } else if (r < 45) {
      k = key("n");  // crdt counters
      int64_t delta = pick(3) == 0 ? -2 : 1;
      argv = {"INCRBY", k, std::to_string(delta)};
      track = [this, k, delta](bool acked) { count(counters_[k], delta, acked); };
    } else if (r < 50) {
      k = key("s");  // crdt add-wins sets
      std::string m = "m" + std::to_string(c->id) + "-" + std::to_string(c->n++);
      members_[k].push_back(m);
      argv = {"SADD", k, m};
      track = [this, k, m](bool acked) {
        if (acked) added_[k].insert(m);
      };
    } else if (r < 53) {
      k = key("s");
      auto& all = members_[k];
      std::string m = all.empty() ? "none" : all[pick(all.size())];
      removed_[k].insert(m);  // whatever the outcome, no longer required
      argv = {"SREM", k, m};
    } else if (r < 57) {
      k = key("h");  // crdt maps: counter fields
      std::string f = "c" + std::to_string(pick(3));
      argv = {"HINCRBY", k, f, "1"};
      track = [this, k, f](bool acked) { count(counters_[k + "/" + f], 1, acked); };
    } else if (r < 60) {
      k = key("h");  // and register fields
      argv = {"HSET", k, "f" + std::to_string(pick(4)), std::to_string(pick(1000))};
    } else if (r < 63) {
      k = key("f");  // first-write-wins
      argv = {"SET", k, "c" + std::to_string(c->id) + "-" + std::to_string(c->n++)};
    } else if (r < 66) {
      k = key("p");  // region priority
      argv = {"SET", k, "c" + std::to_string(c->id) + "-" + std::to_string(c->n++)};
    } else if (r < 78 && !lww_writes_.empty()) {
      // A travelling user: reads in this region what it wrote elsewhere.
      const Write& w =
          lww_writes_[lww_writes_.size() - 1 - pick(std::min<size_t>(lww_writes_.size(), 30))];
      session_target = w;
      k = w.key;
      argv = {"MR.ONCE", "SESSION", std::to_string(w.origin) + ":" + std::to_string(w.seq), "GET",
              k};
    } else if (r < 80) {
      k = key("k");
      auto it = sync_floor_.find(k);
      if (it != sync_floor_.end()) quorum_floor = it->second;
      argv = {"MR.ONCE", "QUORUM", "GET", k};
    } else if (r < 82) {
      // A leaderboard fed from every region: whole-number ZINCRBY steps
      // must all count.
      k = "zl" + std::to_string(pick(2));
      std::string m = "p" + std::to_string(pick(4));
      int64_t delta = pick(4) == 0 ? -1 : 2;
      argv = {"ZINCRBY", k, std::to_string(delta), m};
      track = [this, k, m, delta](bool acked) { count(counters_[k + "/" + m], delta, acked); };
    } else if (r < 87) {
      argv = zset_op(picker_, &k);
    } else if (r < 90) {
      argv = hll_op(picker_, &k);
      track = [this, argv](bool acked) {
        if (acked) hll_.acknowledged(argv);
      };
    } else if (r < 93) {
      k = key("k");
      argv = {"MR.ONCE", "LEADER", "GET", k};
    } else if (r < 94) {
      argv = whole_key_op(picker_, OpAuthor{c->id, c->n}, &k);
    } else if (r < 97) {
      argv = stream_op(picker_, cluster_->now(), &k);
    } else {
      argv = list_op(picker_, OpAuthor{c->id, c->n}, &k);
    }
    int region_index = c->region;
    bool sent = c->conn->send(argv, [=, this](const std::optional<std::string>& raw) {
      if (trace_key_ != nullptr && k == trace_key_) {
        std::string a;
        for (const auto& x : argv) a += x + " ";
        trace(region_index, a + "-> " + (raw ? *raw : std::string("(no reply)")), true);
      }
      if (raw) {
        on_reply(c, region_index, *raw, before, mode, needed, k, session_target, quorum_floor);
      }
      // A reply (even NOTREPLICATED) means committed; no reply: unknown.
      bool failed =
          raw && !raw->empty() && (*raw)[0] == '-' && raw->rfind("-NOTREPLICATED", 0) != 0;
      if (track && !failed) track(raw.has_value());
      schedule_step(c);
    });
    if (!sent) schedule_step(c);
  }

  void run_transaction(Client* c, uint64_t before) {
    UnitPlan plan = units_.transaction(picker_, c->id);
    const int region = c->region;
    send_chain(*c->conn, plan.commands, [=, this](const std::optional<std::string>& raw) {
      units_.replied(c->id, plan, raw);
      if (raw) on_reply(c, region, *raw, before, plan.sync ? 2 : 0, 0, plan.last_key, {}, {});
      schedule_step(c);
    });
  }

  // Transactions: no region shows part of one, between any two events.
  void schedule_unit_check() {
    cluster_->scheduler().after(25, [this] {
      for (const auto& v : units_.check_whole(*cluster_)) fail(v);
      if (!stopping_) schedule_unit_check();
    });
  }

  Version record_version(int region, const std::string& k) {
    meridian::Version kv = cluster_->region(region).keyspace().version_of(k);
    Version v{kv.hlc, kv.origin};
    // A purged tombstone superseded everything before it.
    auto it = purged_[region].find(k);
    if (it != purged_[region].end() && v < it->second) v = it->second;
    return v;
  }

  void on_reply(Client* c, int region, const std::string& raw, uint64_t before, int mode,
                int needed, const std::string& k, const std::optional<Write>& session_target,
                const std::optional<Version>& quorum_floor) {
    ReplyView v = view(raw);
    ++replies_;
    if (v.kind == '-' && v.text.rfind("TRYAGAIN", 0) == 0) ++read_timeouts_;
    if (v.kind == '-' && v.text.rfind("NOTREPLICATED", 0) == 0) ++write_timeouts_;
    Session* s = c->conn ? c->conn->session() : nullptr;
    if (s != nullptr && s->last_write_seq() != before) {
      Write w{cluster_->id(region), s->last_write_seq(), s->last_write_hlc(), k, cluster_->now()};
      auto& hlcs = own_hlc_[w.origin];
      auto next = hlcs.upper_bound(w.seq);
      auto prev = next == hlcs.begin() ? hlcs.end() : std::prev(next);
      if ((prev != hlcs.end() && !(prev->second < w.hlc)) ||
          (next != hlcs.end() && !(w.hlc < next->second))) {
        fail("HLC of region " + std::to_string(w.origin) + " went backwards at seq " +
             std::to_string(w.seq));
      }
      hlcs[w.seq] = w.hlc;
      // A command over several keys (SMOVE, RENAME) may leave the key it is
      // filed under as it was: it is a write of that key only if it wrote it.
      meridian::Version kv = cluster_->region(region).keyspace().version_of(k);
      if (kv.hlc == w.hlc && kv.origin == w.origin) {
        writes_.push_back(w);
        if (k[0] == 'k') lww_writes_.push_back(w);
      }
      if (mode != 0 && v.kind != '-') {
        // Acknowledged under semi-sync/sync: enough regions must have it now.
        int have = 0;
        for (int j = 0; j < cluster_->size(); ++j) {
          if (j == region) continue;
          if (cluster_->region(j).replicator().applied().get(w.origin) >= w.seq) {
            ++have;
            must_keep_[j].emplace_back(w.origin, w.seq);
          }
        }
        if (mode == 2) {
          // sync does not wait for regions its origin finds down, but
          // always reaches a majority
          needed = regions_ / 2;
        }
        if (have < needed) {
          fail("write " + std::to_string(w.origin) + ":" + std::to_string(w.seq) +
               " acknowledged under " + (mode == 2 ? "sync" : "semi-sync") + " but only " +
               std::to_string(have) + " regions had applied it");
        }
        if (mode == 2) {
          Version ver{w.hlc, w.origin};
          auto& f = sync_floor_[k];
          if (f < ver) f = ver;
        }
      }
    }
    if (v.kind == '-') return;
    if (session_target) {
      ++session_reads_;
      if (record_version(region, k) < Version{session_target->hlc, session_target->origin}) {
        fail("session read of " + k + " in region " + std::to_string(region + 1) +
             " did not see write " + std::to_string(session_target->origin) + ":" +
             std::to_string(session_target->seq));
      }
    }
    if (quorum_floor) {
      ++quorum_reads_;
      if (record_version(region, k) < *quorum_floor) {
        fail("quorum read of " + k + " in region " + std::to_string(region + 1) +
             " missed a write acknowledged under sync");
      }
    }
  }

  void schedule_fault() {
    cluster_->scheduler().after(500 + static_cast<int64_t>(pick(2500)), [this] {
      if (stopping_) return;
      fault();
      schedule_fault();
    });
  }

  void fault() {
    int n = cluster_->size();
    int a = static_cast<int>(pick(static_cast<uint64_t>(n)));
    int b = (a + 1 + static_cast<int>(pick(static_cast<uint64_t>(n - 1)))) % n;
    RegionId ia = cluster_->id(a), ib = cluster_->id(b);
    int64_t heal_after = 1000 + static_cast<int64_t>(pick(5000));
    int r = static_cast<int>(pick(100));
    auto& net = cluster_->network();
    if (r < 25) {
      ++partitions_;
      net.block(ia, ib);
      net.block(ib, ia);
      cluster_->scheduler().after(heal_after, [&net, ia, ib] {
        net.unblock(ia, ib);
        net.unblock(ib, ia);
      });
    } else if (r < 40) {
      ++partitions_;
      net.block(ia, ib);
      cluster_->scheduler().after(heal_after, [&net, ia, ib] { net.unblock(ia, ib); });
    } else if (r < 55) {
      ++partitions_;
      for (int j = 0; j < n; ++j) {
        if (j == a) continue;
        RegionId ij = cluster_->id(j);
        net.block(ia, ij);
        net.block(ij, ia);
        cluster_->scheduler().after(heal_after, [&net, ia, ij] {
          net.unblock(ia, ij);
          net.unblock(ij, ia);
        });
      }
    } else if (r < 75) {
      ++crashes_;
      cluster_->crash_and_restart(a);
    } else if (r < 85) {
      crash_armed_[a] = true;
    }
  }

  // Debugging aid (MERIDIAN_CHAOS_TRACE=key): every command on the key, and
  // every change of its state in any region, on stderr.
  const char* trace_key_ = std::getenv("MERIDIAN_CHAOS_TRACE");
  std::map<int, std::string> traced_;
  void trace(int i, const std::string& what, bool always = false) {
    std::string d = cluster_->region(i).keyspace().describe(trace_key_);
    if (traced_[i] == d && !always) return;
    traced_[i] = d;
    std::fprintf(stderr, "t=%lld r%d %s\n    %s\n", static_cast<long long>(cluster_->now()), i + 1,
                 what.c_str(), d.c_str());
  }
  void check_final() {
    for (const auto& c : clients_) {
      if (c->conn && c->conn->busy())
        fail("client " + std::to_string(c->id) + " never got a reply");
    }
    // Each region's counts agree with its own data.
    for (int i = 0; i < cluster_->size(); ++i) {
      for (const auto& m : cluster_->region(i).keyspace().miscounts()) {
        fail("region " + std::to_string(i + 1) + " counts " + std::to_string(m.count) +
             " elements in " + m.key + " but holds " + std::to_string(m.fields));
      }
    }
    std::string first = dump_region(*cluster_, 0);
    for (int i = 1; i < cluster_->size(); ++i) {
      if (dump_region(*cluster_, i) != first) {
        fail("regions 1 and " + std::to_string(i + 1) + " did not converge after healing" +
             differing_keys(*cluster_, 0, i));
      }
    }
    Keyspace& ks = cluster_->region(0).keyspace();
    int64_t now = cluster_->now();
    for (const auto& [name, t] : counters_) {
      size_t slash = name.find('/');
      std::optional<std::string> got;
      if (slash == std::string::npos) {
        if (auto rec = ks.find(name, now)) got = rec->payload;
      } else if (auto rec = ks.find(name.substr(0, slash), now)) {
        if (auto f = ks.get_field(name.substr(0, slash), *rec, name.substr(slash + 1))) {
          got = f->value;
        }
      }
      int64_t v = got ? std::stoll(*got) : 0;
      if (v < t.low || v > t.high) {
        fail("counter " + name + " is " + std::to_string(v) + ", expected " +
             std::to_string(t.low) + ".." + std::to_string(t.high) +
             " from its acknowledged increments");
      }
    }
    for (const auto& [k, members] : added_) {
      auto rec = ks.find(k, now);
      for (const auto& m : members) {
        if (removed_[k].count(m)) continue;
        if (!rec || !ks.get_field(k, *rec, m)) fail("set " + k + " lost acknowledged member " + m);
      }
    }
    for (const auto& w : writes_) {
      if (w.key[0] != 'k') continue;  // the lww keys: last-writer-wins must keep it
      Version final_v = record_version(0, w.key);
      if (final_v < Version{w.hlc, w.origin}) {
        fail("acknowledged write " + std::to_string(w.origin) + ":" + std::to_string(w.seq) +
             " to " + w.key + " is lost");
      }
    }
    for (const auto& v : hll_.check(*cluster_)) fail(v);
    for (const auto& v : units_.check_final(*cluster_)) fail(v);
    for (int i = 0; i < cluster_->size(); ++i) {
      VersionVector a = cluster_->region(i).replicator().applied();
      for (const auto& [origin, seq] : must_keep_[i]) {
        if (a.get(origin) < seq) fail("region " + std::to_string(i + 1) + " lost a write it acked");
      }
    }
  }

  std::string summary() {
    uint64_t snaps = 0, resends = 0, conflicts = 0, purged = 0;
    for (int i = 0; i < cluster_->size(); ++i) {
      snaps += cluster_->region(i).replicator().stats().snapshots_applied;
      resends += cluster_->region(i).replicator().stats().resends;
      conflicts += cluster_->region(i).conflicts().last_id();
      purged += cluster_->region(i).keyspace().tombstones_purged();
    }
    return "seed " + std::to_string(seed_) + ": " + desc_ + "; " + std::to_string(writes_.size()) +
           " writes, " + std::to_string(replies_) + " replies, " + std::to_string(session_reads_) +
           " session reads, " + std::to_string(quorum_reads_) + " quorum reads checked, " +
           std::to_string(write_timeouts_) + " write / " + std::to_string(read_timeouts_) +
           " read timeouts, " + std::to_string(partitions_) + " partitions, " +
           std::to_string(crashes_) + "+" + std::to_string(mid_pass_crashes_) + " crashes, " +
           std::to_string(snaps) + " snapshots, " + std::to_string(resends) + " resends, " +
           std::to_string(counters_.size()) + " counters, " + std::to_string(units_.committed()) +
           " transactions, " + std::to_string(conflicts) + " conflicts, " + std::to_string(purged) +
           " tombstones purged";
  }

  struct Range {
    int64_t low = 0, high = 0;  // acknowledged sum, plus increments of unknown outcome
  };
  static void count(Range& r, int64_t delta, bool acked) {
    if (acked) {
      r.low += delta;
      r.high += delta;
    } else if (delta > 0) {
      r.high += delta;
    } else {
      r.low += delta;
    }
  }

  uint64_t seed_;
  SimRandom rng_;
  bool broken_join_ = false;
  std::vector<Write> lww_writes_;
  std::map<std::string, size_t> big_size_;
  std::map<std::string, Range> counters_;
  std::map<std::string, std::vector<std::string>> members_;
  std::map<std::string, std::set<std::string>> added_, removed_;
  HllChecker hll_;
  UnitChecker units_;
  std::vector<std::map<std::string, Version>> purged_;
  std::unique_ptr<SimCluster> cluster_;
  std::vector<std::unique_ptr<Client>> clients_;
  int regions_ = 0;
  int64_t start_ = 0;
  bool stopping_ = false;
  std::string desc_;
  std::vector<std::string> violations_;
  std::vector<Write> writes_;
  std::map<RegionId, std::map<uint64_t, Hlc>> own_hlc_;
  std::map<std::string, Version> sync_floor_;
  std::vector<std::map<RegionId, uint64_t>> last_applied_;
  std::vector<std::vector<std::pair<RegionId, uint64_t>>> must_keep_;
  std::vector<bool> crash_armed_;
  uint64_t replies_ = 0, session_reads_ = 0, quorum_reads_ = 0, read_timeouts_ = 0,
           write_timeouts_ = 0, partitions_ = 0, crashes_ = 0, mid_pass_crashes_ = 0;
};

}  // namespace

ChaosResult run_chaos(const ChaosOptions& options) {
  Run run(options.seed, options.broken_join);
  return run.go(options.duration_ms);
}

}  // namespace meridian::sim
