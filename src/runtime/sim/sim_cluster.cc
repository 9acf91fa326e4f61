#include "runtime/sim/sim_cluster.h"

#include <algorithm>

namespace meridian::sim {
namespace {

std::string encode_command(const std::vector<std::string>& argv) {
  std::string out = "*" + std::to_string(argv.size()) + "\r\n";
  for (const auto& a : argv) out += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  return out;
}

}  // namespace

SimConn::~SimConn() {
  if (session_) std::erase(cluster_.nodes_[region_]->conns, this);
}

bool SimConn::send(const std::vector<std::string>& argv,
                   std::function<void(const std::optional<std::string>&)> done) {
  if (!session_ || done_) return false;
  done_ = std::move(done);
  std::string out;
  session_->feed(encode_command(argv), out);
  cluster_.pass(region_);
  deliver(out);
  return true;
}

void SimConn::deliver(std::string& out) {
  if (out.empty() || !done_) return;
  auto done = std::move(done_);
  done_ = nullptr;
  done(out);
}

void SimConn::lost() {
  session_.reset();
  if (done_) {
    auto done = std::move(done_);
    done_ = nullptr;
    done(std::nullopt);
  }
}

namespace {
constexpr int64_t kLinkWaitMs = 10000;
}  // namespace

SimCluster::SimCluster(SimClusterOptions options)
    : opts_(std::move(options)), clock_(opts_.start_ms), network_(scheduler_, opts_.seed ^ 0x5eed) {
  network_.set_faults(opts_.faults);
  // Peer links open with the real handshake and MAC every message.
  std::map<RegionId, std::string> secrets;
  for (int i = 0; i < opts_.regions; ++i) {
    secrets[id(i)] = opts_.secrets.empty() ? "sim-secret-" + std::to_string(opts_.seed)
                                           : opts_.secrets[static_cast<size_t>(i)];
  }
  network_.secure("sim", std::move(secrets));
  for (int i = 0; i < opts_.regions; ++i) {
    RegionInfo info{id(i), "r" + std::to_string(i + 1), "sim:" + std::to_string(i + 1),
                    opts_.tiers.empty() ? Tier::kActive : opts_.tiers[i]};
    opts_.replication.regions.push_back(info);
  }
  for (int i = 0; i < opts_.regions; ++i) {
    for (int j = i + 1; j < opts_.regions; ++j) {
      int64_t d = opts_.one_way_ms.empty() ? 20 : opts_.one_way_ms[i][j];
      network_.set_delay(id(i), id(j), d);
    }
  }
  for (int i = 0; i < opts_.regions; ++i) {
    int64_t skew = opts_.skew_ms.empty() ? 0 : opts_.skew_ms[i];
    auto node = std::make_unique<Node>(clock_, skew);
    node->random = std::make_unique<SimRandom>(opts_.seed * 7919 + static_cast<uint64_t>(i));
    node->endpoint = network_.endpoint(id(i));
    nodes_.push_back(std::move(node));
    network_.attach(id(i), [this, i](RegionId from, std::string m) {
      nodes_[i]->region->on_message(from, m);
      if (crash_mid_pass && crash_mid_pass(i)) return crash_and_restart(i);
      pass(i);
    });
  }
  for (int i = 0; i < opts_.regions; ++i) start(i);
  // Like a real cluster, start once the peer links are up (each handshake
  // takes two round trips of virtual time); with a refused region, give up
  // after kLinkWaitMs and start anyway.
  network_.connect_all();
  for (int64_t t = 0; t < kLinkWaitMs && !network_.all_up(); ++t) run_for(1);
}

SimCluster::~SimCluster() {
  for (auto& n : nodes_) {
    for (auto* c : n->conns) c->session_.reset();
    n->conns.clear();
    n->region.reset();
  }
}

void SimCluster::start(int i) {
  Node& n = *nodes_[i];
  RegionSettings s;
  s.cluster_name = "sim";
  s.region_id = id(i);
  s.region_name = "r" + std::to_string(i + 1);
  s.fsync = opts_.fsync;
  s.cache_bytes = 1 << 20;
  s.replication = opts_.replication;
  s.failover = opts_.failover;
  s.placement = opts_.placement;
  s.enable_flushall = opts_.enable_flushall;
  n.region.reset();
  n.passes = std::make_unique<PassScheduler>(scheduler_, [this, i] { pass(i); });
  n.region = std::make_unique<Region>(s, Env{n.clock, *n.random, *n.passes, n.storage});
  Session::serve_forwarded_writes(*n.region);
  n.region->attach_network(n.endpoint.get());
  n.region->start();
  pass(i);  // starting is an event too: its first expiry cycle may write
  if (on_start) on_start(i);
}

std::unique_ptr<SimConn> SimCluster::connect(int region) {
  auto c = std::unique_ptr<SimConn>(new SimConn(*this, region));
  std::string refusal;
  c->session_ = Session::connect(*nodes_[region]->region, "sim:client", &refusal);
  if (!c->session_) return nullptr;
  SimConn* raw = c.get();
  c->session_->set_ready_hook([this, raw, region] {
    // As the real runtime: the continuation runs in a later pass of its own.
    scheduler_.after(0, [this, raw, region] {
      auto& conns = nodes_[region]->conns;
      if (std::find(conns.begin(), conns.end(), raw) == conns.end() || !raw->session_) return;
      std::string out;
      const bool open = raw->session_->resume(out);
      pass(region);
      raw->deliver(out);
      if (open) return;
      auto& now = nodes_[region]->conns;  // CLIENT KILL: closed, as a socket would be
      now.erase(std::remove(now.begin(), now.end(), raw), now.end());
      raw->lost();
    });
  });
  nodes_[region]->conns.push_back(raw);
  return c;
}

void SimCluster::crash_and_restart(int i) {
  Node& n = *nodes_[i];
  std::vector<SimConn*> conns;
  conns.swap(n.conns);
  for (auto* c : conns) c->lost();
  n.region.reset();  // its timers hold weak references and become no-ops
  n.storage.crash();
  network_.reset_links(id(i));
  start(i);
}

}  // namespace meridian::sim
