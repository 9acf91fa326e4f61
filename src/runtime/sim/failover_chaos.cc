#include "runtime/sim/failover_chaos.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "runtime/sim/sim_cluster.h"

namespace meridian::sim {
namespace {

class Run {
 public:
  explicit Run(uint64_t seed) : seed_(seed), rng_(seed) {}

  ChaosResult go(int64_t duration_ms) {
    SimClusterOptions o;
    o.seed = seed_;
    o.regions = 3 + static_cast<int>(rng_.uniform(3));
    o.one_way_ms.assign(o.regions, std::vector<int64_t>(o.regions, 0));
    for (int i = 0; i < o.regions; ++i)
      for (int j = i + 1; j < o.regions; ++j)
        o.one_way_ms[i][j] = o.one_way_ms[j][i] = 2 + static_cast<int64_t>(rng_.uniform(30));
    for (int i = 0; i < o.regions; ++i)
      o.skew_ms.push_back(static_cast<int64_t>(rng_.uniform(401)) - 200);
    o.faults.loss = rng_.uniform(3) == 0 ? 0.01 : 0;
    o.faults.jitter_ms = static_cast<int64_t>(rng_.uniform(6));
    o.replication.heartbeat_ms = 50;
    // DR tiers change who is preferred, never the safety of an election.
    o.tiers.push_back(Tier::kActive);
    for (int i = 1; i < o.regions; ++i) o.tiers.push_back(static_cast<Tier>(rng_.uniform(3)));
    auto& f = o.failover;
    f.pattern = Pattern::kActivePassive;
    f.check_interval_ms = 50;
    f.check_timeout_ms = 100;
    f.failure_threshold = 2 + static_cast<int>(rng_.uniform(3));
    f.recovery_threshold = 2;
    f.lease_ms = 200 + static_cast<int64_t>(rng_.uniform(200));
    f.failover_cooldown_ms = 0;
    // Detection, the promised lease, an election and a lease round trip,
    // retries of candidates that had to wait, and jitter.
    // The bound: detection (threshold checks and a timeout), the lease the
    // standbys promised, then election rounds of lease + timeout each: one
    // per candidate that may have to wait its turn, plus two for split
    // votes, plus 300 ms for round trips and jitter.
    bound_ = f.failure_threshold * f.check_interval_ms + f.check_timeout_ms + f.lease_ms +
             (o.regions + 2) * (f.lease_ms + f.check_timeout_ms) + 300;
    cluster_ = std::make_unique<SimCluster>(o);
    n_ = o.regions;
    cluster_->run_for(500);
    last_epoch_ = epoch();
    schedule_fault();
    write();
    for (int64_t t = 0; t < duration_ms; ++t) step();
    stopping_ = true;
    cluster_->network().heal();
    isolated_ = -1;
    for (int64_t t = 0; t < 5000; ++t) step();
    check_final();
    ChaosResult r;
    r.seed = seed_;
    r.violations = violations_;
    r.summary = "seed " + std::to_string(seed_) + ": " + std::to_string(n_) + " regions, " +
                std::to_string(failovers_) + " failovers, " + std::to_string(acked_.size()) +
                " sync writes acknowledged, " + std::to_string(isolations_) +
                " primary isolations, " + std::to_string(crashes_) + " crashes";
    conn_.reset();
    cluster_.reset();
    return r;
  }

 private:
  void fail(const std::string& what) {
    if (violations_.size() < 10) {
      violations_.push_back("t=" + std::to_string(cluster_->now()) + " " + what);
    }
  }

  uint64_t epoch() {
    uint64_t e = 0;
    for (int i = 0; i < n_; ++i) e = std::max(e, cluster_->region(i).failover().epoch());
    return e;
  }

  void step() {
    cluster_->run_for(1);
    int writers = 0;
    int who = -1;
    for (int i = 0; i < n_; ++i) {
      if (cluster_->region(i).failover().accepts_writes()) {
        ++writers;
        who = i;
      }
    }
    if (writers > 1) {
      std::string state;
      for (int i = 0; i < n_; ++i) state += "\n     " + cluster_->region(i).failover().debug_line();
      fail(std::to_string(writers) + " regions take writes at once" + state);
    }
    uint64_t e = epoch();
    if (e != last_epoch_) {
      ++failovers_;
      // A change of primary needs a reason: a fault that touched the old
      // primary (or a crash) within the bound before.
      if (cluster_->now() > touched_until_ && !stopping_) {
        fail("failover to epoch " + std::to_string(e) + " while the primary was healthy");
      }
      last_epoch_ = e;
    }
    if (isolated_ >= 0 && who >= 0 && who != isolated_ && replaced_at_ < 0) {
      replaced_at_ = cluster_->now();
      if (replaced_at_ - isolated_at_ > bound_ && !other_faults_) {
        fail("primary replaced " + std::to_string(replaced_at_ - isolated_at_) +
             " ms after it was cut off (bound " + std::to_string(bound_) + " ms)");
      }
    }
    if (isolated_ >= 0 && replaced_at_ < 0 && cluster_->now() - isolated_at_ > bound_ &&
        !other_faults_) {
      std::string state;
      for (int i = 0; i < n_; ++i) state += "\n     " + cluster_->region(i).failover().debug_line();
      fail("primary cut off for " + std::to_string(cluster_->now() - isolated_at_) +
           " ms and not replaced" + state);
      replaced_at_ = cluster_->now();
    }
  }

  int primary_index() {
    for (int i = 0; i < n_; ++i)
      if (cluster_->region(i).failover().accepts_writes()) return i;
    return -1;
  }

  void write() {
    if (stopping_) return;
    int p = primary_index();
    if (p < 0) {
      cluster_->scheduler().after(5, [this] { write(); });
      return;
    }
    if (!conn_ || !conn_->open() || conn_->region() != p) conn_ = cluster_->connect(p);
    if (rng_.uniform(10) == 0) {
      // A big set, grown in bulk and deleted whole, follows the primary too.
      std::vector<std::string> cmd = {"SADD", "big"};
      if (big_size_ >= 10000 || rng_.uniform(8) == 0) {
        cmd = {"DEL", "big"};
        big_size_ = 0;
      } else {
        size_t n = 100 + rng_.uniform(400);
        for (size_t i = 0; i < n; ++i) cmd.push_back("m" + std::to_string(rng_.uniform(5000)));
        big_size_ += n;
      }
      conn_->send(cmd, [this](const std::optional<std::string>&) {
        cluster_->scheduler().after(2, [this] { write(); });
      });
      return;
    }
    std::string key = "k" + std::to_string(next_++);
    conn_->send({"MR.ONCE", "SYNC", "300", "SET", key, "v"},
                [this, key](const std::optional<std::string>& r) {
                  if (r && *r == "+OK\r\n") acked_.push_back(key);
                  cluster_->scheduler().after(2, [this] { write(); });
                });
  }

  void schedule_fault() {
    cluster_->scheduler().after(800 + static_cast<int64_t>(rng_.uniform(1500)), [this] {
      if (stopping_) return;
      fault();
      schedule_fault();
    });
  }

  void touch(int64_t for_ms) {
    touched_until_ = std::max(touched_until_, cluster_->now() + for_ms + bound_);
  }

  void fault() {
    auto& net = cluster_->network();
    int p = primary_index();
    int r = static_cast<int>(rng_.uniform(100));
    int64_t len = 300 + static_cast<int64_t>(rng_.uniform(3000));
    RegionId pid = p >= 0 ? cluster_->id(p) : 0;
    if (r < 35 && p >= 0 && isolated_ < 0) {
      // The primary cut off from everyone (a client could still reach it).
      ++isolations_;
      isolated_ = p;
      isolated_at_ = cluster_->now();
      replaced_at_ = -1;
      // The bound holds only for a clean cut: no other fault under way.
      other_faults_ = active_ > 0;
      if (getenv("FAILOVER_DEBUG")) {
        std::string state;
        for (int i = 0; i < n_; ++i)
          state += "\n     " + cluster_->region(i).failover().debug_line();
        printf("isolating r%d at %lld (len %lld)%s\n", p + 1,
               static_cast<long long>(cluster_->now()), static_cast<long long>(len), state.c_str());
      }
      net.isolate(pid);
      touch(len);
      cluster_->scheduler().after(len, [this] {
        cluster_->network().heal();
        isolated_ = -1;
      });
    } else if (r < 55) {
      // One-way or pair partitions between random regions.
      int a = static_cast<int>(rng_.uniform(static_cast<uint64_t>(n_)));
      int b = (a + 1 + static_cast<int>(rng_.uniform(static_cast<uint64_t>(n_ - 1)))) % n_;
      RegionId ia = cluster_->id(a), ib = cluster_->id(b);
      bool both = rng_.uniform(2) == 0;
      net.block(ia, ib);
      if (both) net.block(ib, ia);
      if (a == p || b == p) touch(len);
      other_faults_ = true;
      ++active_;
      cluster_->scheduler().after(len, [this, &net, ia, ib, both] {
        net.unblock(ia, ib);
        if (both) net.unblock(ib, ia);
        --active_;
      });
    } else if (r < 70 && p >= 0) {
      // A flapping link to the primary: down and up every 100 ms.
      int b = (p + 1) % n_;
      RegionId ib = cluster_->id(b);
      touch(len);
      other_faults_ = true;
      for (int64_t t = 0; t < len; t += 100) {
        bool down = (t / 100) % 2 == 0;
        cluster_->scheduler().after(t, [&net, pid, ib, down] {
          if (down) {
            net.block(pid, ib);
            net.block(ib, pid);
          } else {
            net.unblock(pid, ib);
            net.unblock(ib, pid);
          }
        });
      }
      ++active_;
      cluster_->scheduler().after(len, [this, &net, pid, ib] {
        net.unblock(pid, ib);
        net.unblock(ib, pid);
        --active_;
      });
    } else if (r < 85) {
      int v = static_cast<int>(rng_.uniform(static_cast<uint64_t>(n_)));
      ++crashes_;
      if (v == p) touch(0);
      other_faults_ = true;
      if (conn_ && conn_->region() == v) conn_.reset();
      cluster_->crash_and_restart(v);
    }
  }

  void check_final() {
    int p = primary_index();
    if (p < 0) {
      fail("no primary after healing");
      return;
    }
    Keyspace& ks = cluster_->region(p).keyspace();
    for (const auto& k : acked_) {
      if (!ks.find(k, cluster_->now())) fail("sync write " + k + " lost");
    }
    // Every region ends with the same big set.
    std::string big = ks.canonical("big");
    for (int i = 0; i < n_; ++i) {
      if (cluster_->region(i).keyspace().canonical("big") != big) {
        fail("the big set differs between r" + std::to_string(p + 1) + " and r" +
             std::to_string(i + 1));
      }
    }
  }

  uint64_t seed_;
  SimRandom rng_;
  std::unique_ptr<SimCluster> cluster_;
  std::unique_ptr<SimConn> conn_;
  int n_ = 0;
  int64_t bound_ = 0;
  bool stopping_ = false;
  uint64_t last_epoch_ = 0;
  int64_t touched_until_ = 0;
  int isolated_ = -1;
  int64_t isolated_at_ = 0, replaced_at_ = -1;
  bool other_faults_ = false;
  int active_ = 0;  // partitions and flapping links under way
  uint64_t next_ = 0;
  size_t big_size_ = 0;
  std::vector<std::string> acked_;
  std::vector<std::string> violations_;
  int failovers_ = 0, isolations_ = 0, crashes_ = 0;
};

}  // namespace

ChaosResult run_failover_chaos(uint64_t seed, int64_t duration_ms) {
  Run run(seed);
  return run.go(duration_ms);
}

}  // namespace meridian::sim
