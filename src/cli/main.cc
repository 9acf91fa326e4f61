// The meridian command: `server` runs one region, `up` runs every region of
// a config under a supervisor.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>
#include <sys/resource.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <climits>
#include <cstdio>
#include <filesystem>

#include "cli/admin.h"
#include "cli/inspect.h"
#include "cli/restore.h"
#include "cli/supervisor.h"
#include "cli/top.h"
#include "config/cluster_config.h"
#include "core/region/version.h"
#include "runtime/real/dns_server.h"
#include "runtime/real/region_server.h"
#include "runtime/sim/chaos.h"
#include "runtime/sim/failover_chaos.h"
#include "runtime/sim/geo_chaos.h"

namespace {

std::string self_exe(const char* argv0) {
  char buf[PATH_MAX];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
  if (n > 0) return std::string(buf, static_cast<size_t>(n));
  return argv0;
}

// Like Redis: room for maxclients connections plus the server's own files.
void raise_fd_limit(int64_t maxclients) {
  rlimit lim{};
  if (getrlimit(RLIMIT_NOFILE, &lim) != 0) return;
  rlim_t want = static_cast<rlim_t>(maxclients) + 128;
  if (lim.rlim_cur >= want) return;
  lim.rlim_cur = std::min(want, lim.rlim_max);
  setrlimit(RLIMIT_NOFILE, &lim);
  if (lim.rlim_cur < want) {
    spdlog::warn("open file limit is {}: fewer than maxclients ({}) clients can connect",
                 lim.rlim_cur, maxclients);
  }
}

int run_server(const std::string& config_path, const std::string& region_name,
               const std::string& data_root) {
  using namespace meridian;
  ClusterConfig cfg = load_cluster_config(config_path);
  spdlog::set_level(spdlog::level::from_str(cfg.log_level));
  const RegionConfig* region = cfg.find(region_name);
  if (region == nullptr) {
    std::string names;
    for (const auto& r : cfg.regions) names += (names.empty() ? "" : ", ") + r.name;
    throw ConfigError(config_path + ": no region named \"" + region_name + "\" (regions: " + names +
                      ")");
  }
  raise_fd_limit(cfg.server.maxclients);
  std::filesystem::path dir = std::filesystem::path(data_root) / region->name;
  std::filesystem::create_directories(dir);
  std::optional<ClusterLinks> links;
  // A backup-restore region runs standalone (after `meridian restore`).
  if (region->serving() && cfg.serving_count() > 1) {
    ClusterLinks l;
    l.transport.self = region->id;
    l.transport.cluster = cfg.server.cluster_name;
    l.transport.secret = cfg.secret;
    l.transport.listen = region->peer;
    l.transport.compress = cfg.compress;
    if (cfg.tls.replication) l.transport.tls = cfg.tls_for(*region);
    l.transport.config = cfg.shared_digest();
    for (const auto& r : cfg.regions) {
      if (r.id == region->id || !r.serving()) continue;
      auto [delay, jitter] = cfg.wan_delay(region->name, r.name);
      l.peers.push_back(PeerEndpoint{r.id, r.name, r.peer, delay, jitter});
    }
    for (const auto& r : cfg.regions) {
      if (r.serving()) l.map.push_back(DashboardRegion{r.name, r.latitude, r.longitude});
    }
    l.http = region->http;
    l.http_security.token = cfg.http_token;
    if (cfg.tls.http) l.http_security.tls = cfg.tls_for(*region);
    l.hooks = FailoverHooks{cfg.hook_command, cfg.hook_url};
    links = std::move(l);
  }
  BackupOptions backup{cfg.backup_destinations(*region, data_root), cfg.backup.keep,
                       cfg.backup.interval_s};
  std::optional<ClientTls> tls;
  if (region->tls_port != 0) tls = ClientTls{region->tls_port, cfg.tls_for(*region)};
  RegionServer server(cfg.settings_for(*region), dir.string(), region->client.host,
                      region->client.port, std::move(links), std::move(backup), std::move(tls));
  spdlog::info("region {} (id {}) serving on {}{} ; data in {}", region->name, region->id,
               region->client.str(),
               server.tls_port() ? " and TLS on port " + std::to_string(server.tls_port()) : "",
               dir.string());
  server.run(/*handle_signals=*/true);
  spdlog::info("region {} stopped", region->name);
  return 0;
}

// `meridian simulate`: seeded chaos runs of a whole cluster in the
// deterministic simulator (see src/runtime/sim/chaos.h). Exit code 1 if any
// seed breaks an invariant; each failure prints the seed that replays it.
int run_simulate(uint64_t first, uint64_t count, int64_t duration_ms, bool verbose, bool failover,
                 bool geo, bool broken_join) {
  uint64_t failed = 0;
  for (uint64_t seed = first; seed < first + count; ++seed) {
    meridian::sim::ChaosResult r = failover ? meridian::sim::run_failover_chaos(seed, duration_ms)
                                   : geo
                                       ? meridian::sim::run_geo_chaos(seed, duration_ms)
                                       : meridian::sim::run_chaos({seed, duration_ms, broken_join});
    if (!r.ok()) {
      ++failed;
      std::printf("FAIL %s\n", r.summary.c_str());
      for (const auto& v : r.violations) std::printf("  %s\n", v.c_str());
      std::printf("  replay: meridian simulate%s%s --seed %llu --duration-ms %lld\n",
                  failover ? " --failover" : (geo ? " --geo" : ""),
                  broken_join ? " --broken-join" : "", static_cast<unsigned long long>(seed),
                  static_cast<long long>(duration_ms));
    } else if (verbose) {
      std::printf("ok   %s\n", r.summary.c_str());
    }
    std::fflush(stdout);
  }
  std::printf("%llu of %llu seeds passed\n", static_cast<unsigned long long>(count - failed),
              static_cast<unsigned long long>(count));
  return failed == 0 ? 0 : 1;
}

// `meridian route`: the GeoDNS decision for one client, step by step.
int run_route(const meridian::ClusterConfig& cfg, const std::string& client,
              const std::string& subnet, std::string name) {
  using namespace meridian;
  auto addr = dns::Address::parse(client);
  if (!addr) {
    std::fprintf(stderr, "meridian: --client: not an IP address: %s\n", client.c_str());
    return 2;
  }
  int prefix = addr->v4 ? 32 : 128;
  if (!subnet.empty()) {
    auto net = dns::Network::parse(subnet);
    if (!net) {
      std::fprintf(stderr, "meridian: --subnet: not a CIDR: %s\n", subnet.c_str());
      return 2;
    }
    *addr = net->base;
    prefix = net->prefix;
  }
  if (name.empty()) name = cfg.dns->names.front().name;
  HealthPoller poller(cfg, 1000);
  poller.poll_once();
  dns::DnsRouter router(*cfg.dns);
  std::unique_ptr<dns::MaxMind> maxmind;
  if (!cfg.dns->maxmind_db.empty()) {
    maxmind = std::make_unique<dns::MaxMind>(cfg.dns->maxmind_db);
    router.locate = [db = maxmind.get()](const dns::Address& a, int* prefix) {
      return db->locate(a, prefix);
    };
  }
  dns::Decision d = router.decide(name, *addr, prefix, *poller.view());
  std::printf("%s for %s%s\n", name.c_str(), client.c_str(),
              subnet.empty() ? "" : (" (subnet " + subnet + ")").c_str());
  for (const auto& line : d.explain) std::printf("  %s\n", line.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("meridian"));
  spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %^%l%$ %v");

  CLI::App app{"Meridian: a multi-region, geo-replicated database that speaks the Redis protocol"};
  app.set_version_flag("--version", std::string("meridian ") + meridian::kMeridianVersion);
  app.require_subcommand(1);

  std::string config_path, region, data_dir = "./data";
  auto* server = app.add_subcommand("server", "run one region in the foreground");
  server->add_option("--config", config_path, "topology file (TOML)")->required();
  server->add_option("--region", region, "name of the region to run")->required();
  server->add_option("--data-dir", data_dir, "data root; the region's data is in DIR/REGION")
      ->capture_default_str();

  auto* up = app.add_subcommand("up", "start and supervise one server per region of the config");
  up->add_option("--config", config_path, "topology file (TOML)")->required();
  up->add_option("--data-dir", data_dir, "data root; each region's data is in DIR/REGION")
      ->capture_default_str();

  uint64_t seed = 1, seeds = 1;
  int64_t duration_ms = 20000;
  bool verbose = false;
  auto* simulate = app.add_subcommand(
      "simulate", "run seeded chaos in the deterministic multi-region simulator and check it");
  simulate->add_option("--seed", seed, "first seed")->capture_default_str();
  simulate->add_option("--seeds", seeds, "how many seeds, from --seed on")->capture_default_str();
  simulate->add_option("--duration-ms", duration_ms, "virtual time with faults per seed")
      ->capture_default_str();
  simulate->add_flag("-v,--verbose", verbose, "print a summary of every seed");
  bool failover_chaos = false, geo_chaos = false;
  simulate->add_flag("--geo", geo_chaos,
                     "geo-partitioning's chaos (homes, routing, sovereignty of every message)");
  simulate->add_flag("--failover", failover_chaos,
                     "the failover manager's chaos (active-passive, primary cut off, crashes)");
  bool broken_join = false;
  simulate->add_flag("--broken-join", broken_join,
                     "break the delta join on purpose (deletes lose their key-level voids), to "
                     "see the checker catch it");

  std::string to, ask_region;
  bool json = false;
  int wait_s = 30;
  auto* status = app.add_subcommand("status", "regions, health, roles, epoch and lag");
  auto* history = app.add_subcommand("history", "every change of primary, with its reason");
  auto* switchover = app.add_subcommand("switchover",
                                        "planned move of the primary: waits for the target, loses "
                                        "nothing");
  auto* failover = app.add_subcommand("failover", "forced move of the primary");
  for (auto* sc : {status, history, switchover, failover}) {
    sc->add_option("--config", config_path, "topology file (TOML)")->required();
  }
  for (auto* sc : {status, history}) {
    sc->add_option("--region", ask_region, "ask this region (default: the first that answers)");
    sc->add_flag("--json", json, "print JSON");
  }
  for (auto* sc : {switchover, failover}) {
    sc->add_option("--to", to, "the region to make primary")->required();
    sc->add_option("--wait", wait_s, "seconds to wait for it")->capture_default_str();
  }

  auto* backup = app.add_subcommand(
      "backup", "back up a running region into its backup destinations, showing progress");
  backup->add_option("--config", config_path, "topology file (TOML)")->required();
  backup->add_option("--region", region, "the region to back up")->required();
  backup->add_option("--wait", wait_s, "seconds to wait for it")->capture_default_str();

  meridian::RestoreRequest restore_req;
  auto* restore = app.add_subcommand(
      "restore", "restore a backup into a stopped region's data directory, showing progress");
  restore->add_option("--config", config_path, "topology file (TOML)")->required();
  restore->add_option("--region", restore_req.region, "the region whose data to restore")
      ->required();
  restore->add_option("--data-dir", restore_req.data_root, "data root; restores into DIR/REGION")
      ->required();
  restore->add_option("--from", restore_req.from,
                      "whose backup (default: the region's own; for a backup-restore region, the "
                      "newest of any region)");
  restore->add_option("--backup-dir", restore_req.backup_dir,
                      "read backups from here instead of the configured directories");
  restore->add_option("--backup-id", restore_req.backup_id, "which backup (default: the newest)");
  restore->add_flag("--force", restore_req.force, "replace a database already there");

  std::string inspect_dir;
  auto* inspect = app.add_subcommand(
      "inspect", "print every record of a stopped region's database (audits: sovereignty)");
  inspect->add_option("--data-dir", inspect_dir, "the region's database directory (DIR/REGION)")
      ->required();

  auto* dns = app.add_subcommand("dns", "run the GeoDNS server of the config's [dns]");
  dns->add_option("--config", config_path, "topology file (TOML)")->required();
  std::string route_client, route_subnet, route_name;
  auto* route = app.add_subcommand("route", "explain the GeoDNS answer for a client");
  route->add_option("--config", config_path, "topology file (TOML)")->required();
  route->add_option("--client", route_client, "the client's address")->required();
  route->add_option("--subnet", route_subnet, "its EDNS Client Subnet (CIDR), if any");
  route->add_option("--name", route_name, "the name asked for (default: the first in [dns])");

  int top_interval_ms = 1000, top_frames = 0;
  auto* top = app.add_subcommand("top", "the cluster at a glance, refreshed (from /metrics)");
  top->add_option("--config", config_path, "topology file (TOML)")->required();
  top->add_option("--interval", top_interval_ms, "milliseconds between refreshes")
      ->capture_default_str()
      ->check(CLI::Range(100, 3600000));
  top->add_option("--frames", top_frames, "stop after this many refreshes (0: never)")
      ->capture_default_str();

  CLI11_PARSE(app, argc, argv);

  try {
    if (server->parsed()) return run_server(config_path, region, data_dir);
    if (simulate->parsed()) {
      return run_simulate(seed, seeds, duration_ms, verbose, failover_chaos, geo_chaos,
                          broken_join);
    }
    if (status->parsed() || history->parsed() || switchover->parsed() || failover->parsed()) {
      auto cfg = meridian::load_cluster_config(config_path);
      if (status->parsed()) return meridian::admin_status(cfg, ask_region, json);
      if (history->parsed()) return meridian::admin_history(cfg, ask_region, json);
      return meridian::admin_move(cfg, to, switchover->parsed(), wait_s);
    }
    if (inspect->parsed()) return meridian::run_inspect(inspect_dir);
    if (top->parsed()) {
      return meridian::run_top(meridian::load_cluster_config(config_path), top_interval_ms,
                               top_frames);
    }
    if (dns->parsed() || route->parsed()) {
      auto cfg = meridian::load_cluster_config(config_path);
      if (!cfg.dns) throw meridian::ConfigError(config_path + ": no [dns] section");
      spdlog::set_level(spdlog::level::from_str(cfg.log_level));
      if (route->parsed()) return run_route(cfg, route_client, route_subnet, route_name);
      meridian::DnsServer server(cfg);
      spdlog::info("GeoDNS serving {} names on {}:{} (udp and tcp)", cfg.dns->names.size(),
                   cfg.dns_listen.host, server.port());
      server.run(/*handle_signals=*/true);
      return 0;
    }
    if (backup->parsed()) {
      return meridian::admin_backup(meridian::load_cluster_config(config_path), region, wait_s);
    }
    if (restore->parsed()) {
      return meridian::run_restore(meridian::load_cluster_config(config_path), restore_req);
    }
    if (up->parsed()) {
      auto cfg = meridian::load_cluster_config(config_path);
      spdlog::set_level(spdlog::level::from_str(cfg.log_level));
      std::filesystem::create_directories(data_dir);
      return meridian::supervise(self_exe(argv[0]), cfg, data_dir);
    }
  } catch (const meridian::ConfigError& e) {
    std::fprintf(stderr, "meridian: bad config: %s\n", e.what());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "meridian: %s\n", e.what());
    return 1;
  }
  return 0;
}
