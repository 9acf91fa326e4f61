#include "runtime/sim/geo_chaos.h"

#include <algorithm>
#include <cstdlib>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "core/peer/message_types.h"
#include "runtime/sim/sim_cluster.h"

namespace meridian::sim {
namespace {

constexpr int kRegions = 4;  // r1 US, r2 EU, r3 EU, r4 IN
// Markers: every EU-homed key name holds "eu-k", every EU value "EUVAL".
// Global keys and values never contain them.
constexpr std::string_view kEuKey = "eu-k";
constexpr std::string_view kEuValue = "EUVAL";
constexpr int kSticky = 5;

Placement geo_placement() {
  Placement p;
  PlacementRule eu;
  eu.pattern = "eu:*";
  eu.home = 2;
  eu.allowed[2] = {2, 3};
  p.rules.push_back(eu);
  PlacementRule prof;  // row-level homes: prof:<CC>:<id>
  prof.pattern = "prof:*";
  prof.segment = 2;
  prof.homes = {{"US", 1}, {"DE", 2}, {"FR", 3}, {"IN", 4}};
  prof.default_home = 4;
  prof.allowed[1] = {1};
  prof.allowed[2] = {2, 3};
  prof.allowed[3] = {2, 3};
  prof.allowed[4] = {4};
  p.rules.push_back(prof);
  return p;
}

bool eu_only(RegionId r) {
  return r == 2 || r == 3;
}

class GeoChaos {
 public:
  GeoChaos(uint64_t seed, bool leak, bool unscoped_flush)
      : seed_(seed), leak_(leak), unscoped_flush_(unscoped_flush), rng_(seed * 2654435761u + 7) {}

  ChaosResult run(int64_t duration_ms) {
    SimClusterOptions o;
    o.seed = seed_;
    o.regions = kRegions;
    o.one_way_ms.assign(kRegions, std::vector<int64_t>(kRegions, 0));
    for (int i = 0; i < kRegions; ++i)
      for (int j = i + 1; j < kRegions; ++j)
        o.one_way_ms[i][j] = o.one_way_ms[j][i] = 5 + static_cast<int64_t>(rng_.uniform(40));
    o.faults.loss = rng_.uniform(3) == 0 ? 0.01 : 0;
    o.faults.jitter_ms = static_cast<int64_t>(rng_.uniform(5));
    o.replication.heartbeat_ms = 50;
    // A short log: regions that fall behind get full resyncs (snapshots).
    o.replication.log_retention_ops = 5;
    o.replication.log_max_ops = 20 + rng_.uniform(40);
    o.failover.check_interval_ms = 50;
    o.failover.check_timeout_ms = 100;
    o.failover.lease_ms = 300;
    o.placement = geo_placement();
    o.enable_flushall = true;
    cluster_ = std::make_unique<SimCluster>(o);
    for (int i = 0; i < kRegions; ++i) break_on_purpose(i);
    cluster_->network().observe = [this](RegionId from, RegionId to, std::string_view m) {
      observe(from, to, m);
    };
    cluster_->run_for(400);
    write_sticky();
    cluster_->scheduler().after(duration_ms / 2, [this] { forced_flush(); });
    for (int c = 0; c < 3; ++c) client(c);
    schedule_fault();
    for (int64_t t = 0; t < duration_ms; t += 10) cluster_->run_for(10);
    stopping_ = true;
    cluster_->network().heal();
    cluster_->run_for(3000);
    check_storage();
    check_big();
    check_homes();
    check_globals();
    check_sticky();
    ChaosResult r;
    r.seed = seed_;
    r.violations = violations_;
    r.summary = "seed " + std::to_string(seed_) + ": " + std::to_string(messages_) +
                " messages checked, " + std::to_string(acked_.size()) +
                " homed writes acknowledged, " + std::to_string(routed_) + " routed, " +
                std::to_string(flushes_) + " FLUSHALLs, " + std::to_string(crashes_) +
                " crashes, " + std::to_string(partitions_) + " partitions";
    conns_.clear();
    flush_conn_.reset();
    cluster_.reset();
    return r;
  }

 private:
  // The test hooks, on a region just started.
  void break_on_purpose(int i) {
    if (leak_) cluster_->region(i).replicator().set_sovereignty(false);
    if (unscoped_flush_) cluster_->region(i).keyspace().set_clear_scope(nullptr);
  }

  void fail(const std::string& what) {
    if (violations_.size() < 10) violations_.push_back(what);
  }

  void observe(RegionId from, RegionId to, std::string_view m) {
    ++messages_;
    if (eu_only(to)) return;
    // A reply to a client's own proxied command goes back through the
    // region the client is connected to (in memory, never stored).
    if (!m.empty() && peer::type_of(m) == peer::MessageType::kForwardReply) return;
    if (m.find(kEuKey) != std::string_view::npos || m.find(kEuValue) != std::string_view::npos) {
      fail("t=" + std::to_string(cluster_->now()) + " message type " +
           std::to_string(m.empty() ? -1 : static_cast<int>(static_cast<uint8_t>(m[0]))) +
           " from r" + std::to_string(from) + " to r" + std::to_string(to) +
           " carries an EU key or value");
    }
  }

  // A client connected to region `c % 4` (moving on after crashes), one
  // command at a time.
  void client(int c) {
    if (stopping_) return;
    auto& conn = conns_[c];
    if (!conn || !conn->open()) {
      int region = static_cast<int>(rng_.uniform(kRegions));
      conn = cluster_->connect(region);
    }
    uint64_t n = next_++;
    int kind = static_cast<int>(rng_.uniform(12));
    std::vector<std::string> cmd;
    std::string key;
    const RegionId at = cluster_->id(conn->region());
    if (!eu_only(at) && rng_.uniform(800) == 0) {
      // A FLUSHALL in r1 or r4: it may clear any key those may hold, so
      // their acknowledged writes are no longer checked; EU keys must stay.
      cmd = {"FLUSHALL"};
      ++flushes_;
      flushers_.insert(at);
    } else if (kind < 4) {
      key = "eu:" + std::string(kEuKey) + std::to_string(n % 50);
      cmd = {"SET", key, std::string(kEuValue) + std::to_string(n)};
    } else if (kind < 5) {
      key = "eu:" + std::string(kEuKey) + std::to_string(n % 50);
      cmd = {"GET", key};
    } else if (kind < 7) {
      static const char* const kCountries[] = {"US", "DE", "FR", "IN", "BR"};
      std::string cc = kCountries[rng_.uniform(5)];
      bool eu = cc == "DE" || cc == "FR";
      key = "prof:" + cc + ":" + (eu ? std::string(kEuKey) : std::string("x")) +
            std::to_string(n % 20);
      cmd = {"HSET", key, "f", (eu ? std::string(kEuValue) : std::string("v")) + std::to_string(n)};
    } else if (kind < 9) {
      key = "g" + std::to_string(n % 30);
      cmd = {"SET", key, "plain" + std::to_string(n)};
    } else if (kind < 10) {
      // Mixed homes in one command: refused, and nothing moves.
      cmd = {"MSET", "eu:" + std::string(kEuKey) + "m", std::string(kEuValue), "g-m", "x"};
    } else {
      // Big sets, grown in bulk and deleted whole: one homed in the EU
      // (its members are EU values), one global.
      bool eu = kind == 10;
      key = eu ? "eu:" + std::string(kEuKey) + "big" : std::string("gbig");
      size_t& size = big_size_[key];
      if (size >= 10000 || rng_.uniform(10) == 0) {
        cmd = {"DEL", key};
        size = 0;
      } else {
        cmd = {"SADD", key};
        size_t count = 100 + rng_.uniform(400);
        for (size_t i = 0; i < count; ++i) {
          cmd.push_back((eu ? std::string(kEuValue) : std::string("m")) +
                        std::to_string(rng_.uniform(5000)));
        }
        size += count;
      }
    }
    bool homed = key.rfind("eu:", 0) == 0 || key.rfind("prof:", 0) == 0;
    bool write = cmd[0] != "GET";
    if (cmd[0] == "SADD" || cmd[0] == "DEL") {
      write = homed = false;  // checked whole at the end (check_big)
    }
    if (homed && write) sent_[key].insert(cmd.back());
    int from = conn->region();
    conn->send(cmd, [this, c, key, homed, write, from, cmd](const std::optional<std::string>& r) {
      if (r && homed && write && (*r == "+OK\r\n" || (*r)[0] == ':')) {
        acked_[key] = cmd.back();
        if (from != home_index(key)) ++routed_;
      }
      if (r && cmd[0] == "FLUSHALL" && *r != "+OK\r\n") fail("FLUSHALL failed: " + *r);
      if (r && cmd[0] == "MSET" && r->rfind("-CROSSREGION", 0) != 0) {
        fail("a command mixing homes was not refused: " + *r);
      }
      cluster_->scheduler().after(1 + static_cast<int64_t>(rng_.uniform(5)),
                                  [this, c] { client(c); });
    });
  }

  // Whether a FLUSHALL run so far may have cleared `key`.
  bool flushable(const std::string& key) const {
    return std::any_of(flushers_.begin(), flushers_.end(),
                       [&](RegionId f) { return placement_.may_hold(key, f); });
  }

  // Sends `cmd` to region `i` and runs the cluster until the reply.
  std::optional<std::string> call(int i, const std::vector<std::string>& cmd) {
    auto conn = cluster_->connect(i);
    std::optional<std::string> got;
    bool done = false;
    if (!conn || !conn->send(cmd, [&](const std::optional<std::string>& r) {
          got = r;
          done = true;
        })) {
      return std::nullopt;
    }
    for (int t = 0; t < 2000 && !done; ++t) cluster_->run_for(1);
    return got;
  }

  // Keys written once before the chaos: the EU ones must outlive every
  // FLUSHALL of r1 and r4 (in r2 and r3), the global ones none.
  void write_sticky() {
    for (int k = 0; k < kSticky; ++k) {
      std::string n = std::to_string(k);
      for (auto& [key, value] : {std::pair{"eu:" + std::string(kEuKey) + "sticky" + n,
                                           std::string(kEuValue) + "sticky" + n},
                                 std::pair{"gsticky" + n, "sticky" + n}}) {
        int home = std::max(home_index(key), 0);
        if (call(home, {"SET", key, value}) != "+OK\r\n") fail("sticky write of " + key);
      }
    }
  }

  // One FLUSHALL in r1 mid-run, retried until it succeeds (r1 may be down).
  void forced_flush() {
    if (stopping_) return;
    auto conn = cluster_->connect(0);
    auto retry = [this] { cluster_->scheduler().after(50, [this] { forced_flush(); }); };
    if (!conn) return retry();
    SimConn* raw = conn.get();
    flush_conn_ = std::move(conn);
    flushers_.insert(cluster_->id(0));
    raw->send({"FLUSHALL"}, [this, retry](const std::optional<std::string>& r) {
      if (r == "+OK\r\n") {
        ++flushes_;
        forced_flushed_ = true;
      } else {
        retry();
      }
    });
  }

  void check_sticky() {
    if (!forced_flushed_) return fail("the forced FLUSHALL never succeeded");
    for (int k = 0; k < kSticky; ++k) {
      std::string n = std::to_string(k);
      std::string eu = "eu:" + std::string(kEuKey) + "sticky" + n;
      for (int i = 0; i < kRegions; ++i) {
        auto& ks = cluster_->region(i).keyspace();
        if (eu_only(cluster_->id(i)) &&
            ks.canonical(eu).find(std::string(kEuValue) + "sticky" + n) == std::string::npos) {
          fail(eu + " (EU-homed) is gone from r" + std::to_string(i + 1) +
               " after a FLUSHALL of a region that may not hold it");
        }
        std::string g = ks.canonical("gsticky" + n);
        if (!g.empty() && g[1] == 'L') {
          fail("gsticky" + n + " outlived the FLUSHALL of r1 in r" + std::to_string(i + 1));
        }
      }
    }
  }

  int home_index(const std::string& key) const {
    auto d = placement_.decide(key);
    return d ? static_cast<int>(d->home) - 1 : -1;
  }

  void schedule_fault() {
    cluster_->scheduler().after(500 + static_cast<int64_t>(rng_.uniform(1500)), [this] {
      if (stopping_) return;
      fault();
      schedule_fault();
    });
  }

  void fault() {
    auto& net = cluster_->network();
    int r = static_cast<int>(rng_.uniform(100));
    int64_t len = 200 + static_cast<int64_t>(rng_.uniform(2500));
    if (r < 30) {
      // Cut off a region (often r2, the EU home: its role moves to r3).
      int victim = rng_.uniform(2) == 0 ? 1 : static_cast<int>(rng_.uniform(kRegions));
      net.isolate(cluster_->id(victim));
      ++partitions_;
      cluster_->scheduler().after(len, [this] { cluster_->network().heal(); });
    } else if (r < 55) {
      int a = static_cast<int>(rng_.uniform(kRegions));
      int b = (a + 1 + static_cast<int>(rng_.uniform(kRegions - 1))) % kRegions;
      net.block(cluster_->id(a), cluster_->id(b));
      if (rng_.uniform(2) == 0) net.block(cluster_->id(b), cluster_->id(a));
      ++partitions_;
      cluster_->scheduler().after(len, [this] { cluster_->network().heal(); });
    } else if (r < 75) {
      int victim = static_cast<int>(rng_.uniform(kRegions));
      cluster_->crash_and_restart(victim);
      break_on_purpose(victim);
      ++crashes_;
    }
  }

  // No record in a non-EU region's storage holds an EU key or value.
  void check_storage() {
    for (int i = 0; i < kRegions; ++i) {
      if (eu_only(cluster_->id(i))) continue;
      for (int c = 0; c < kColumnCount; ++c) {
        auto it = cluster_->storage(i).iterate(static_cast<Column>(c));
        for (it->seek(""); it->valid(); it->next()) {
          for (std::string_view part : {it->key(), it->value()}) {
            if (part.find(kEuKey) != std::string_view::npos ||
                part.find(kEuValue) != std::string_view::npos) {
              fail("r" + std::to_string(i + 1) + " stores an EU key or value in column " +
                   std::to_string(c));
              return;
            }
          }
        }
      }
    }
  }

  // The big sets converged in every region allowed to hold them.
  void check_big() {
    for (const std::string& key : {"eu:" + std::string(kEuKey) + "big", std::string("gbig")}) {
      std::optional<std::string> first;
      for (int i = 0; i < kRegions; ++i) {
        if (key[0] == 'e' && !eu_only(cluster_->id(i))) continue;
        std::string state = cluster_->region(i).keyspace().canonical(key);
        if (!first) {
          first = state;
        } else if (state != *first) {
          std::string info;
          cluster_->region(i).replicator().info(info, cluster_->now());
          fail(key + " differs between the regions that hold it (r" + std::to_string(i + 1) + ")" +
               (std::getenv("MERIDIAN_CHAOS_EXPLAIN")
                    ? "\n" + info + "\n" + cluster_->region(0).keyspace().describe(key) + "\n" +
                          cluster_->region(i).keyspace().describe(key)
                    : ""));
        }
      }
    }
  }

  // Every acknowledged homed key is in its home once the faults stop, with
  // a value some client wrote to it (concurrent writers, and two acting
  // homes while the role moved, make which one a race).
  void check_homes() {
    for (const auto& [key, value] : acked_) {
      if (flushable(key)) continue;
      int home = home_index(key);
      std::optional<std::string> got =
          call(home, key.rfind("prof:", 0) == 0 ? std::vector<std::string>{"HGET", key, "f"}
                                                : std::vector<std::string>{"GET", key});
      bool known = false;
      for (const auto& v : sent_[key]) {
        if (got && got->find("\r\n" + v + "\r\n") != std::string::npos) known = true;
      }
      if (!known) {
        fail("acknowledged " + key + " (last " + value + ") missing at its home r" +
             std::to_string(home + 1) + ": " + (got ? *got : std::string("no reply")));
      }
    }
  }

  // The global keys "g<n>" (and "g-m") are the same in every region.
  void check_globals() {
    for (int n = -1; n < 30; ++n) {
      const std::string key = n < 0 ? "g-m" : "g" + std::to_string(n);
      const std::string first = cluster_->region(0).keyspace().canonical(key);
      for (int i = 1; i < kRegions; ++i) {
        if (cluster_->region(i).keyspace().canonical(key) != first) {
          fail(key + " differs between r1 and r" + std::to_string(i + 1) +
               (std::getenv("MERIDIAN_CHAOS_EXPLAIN")
                    ? "\n" + cluster_->region(0).keyspace().describe(key) + "\n" +
                          cluster_->region(i).keyspace().describe(key)
                    : ""));
        }
      }
    }
  }

  uint64_t seed_;
  bool leak_;
  bool unscoped_flush_;
  SimRandom rng_;
  Placement placement_ = geo_placement();
  std::unique_ptr<SimCluster> cluster_;
  std::map<int, std::unique_ptr<SimConn>> conns_;
  std::map<std::string, std::string> acked_;           // homed key -> last acknowledged value
  std::map<std::string, std::set<std::string>> sent_;  // homed key -> every value sent
  std::map<std::string, size_t> big_size_;             // big set -> members added since its DEL
  std::set<RegionId> flushers_;                        // regions that ran a FLUSHALL
  std::unique_ptr<SimConn> flush_conn_;
  bool forced_flushed_ = false;
  std::vector<std::string> violations_;
  uint64_t next_ = 0, flushes_ = 0, messages_ = 0, routed_ = 0, crashes_ = 0, partitions_ = 0;
  bool stopping_ = false;
};

}  // namespace

ChaosResult run_geo_chaos(uint64_t seed, int64_t duration_ms, bool leak, bool unscoped_flush) {
  return GeoChaos(seed, leak, unscoped_flush).run(duration_ms);
}

}  // namespace meridian::sim
