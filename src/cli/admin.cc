#include "cli/admin.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>
#include <thread>
#include <vector>

namespace meridian {
namespace {

// One request over the Redis protocol; the reply's text (bulk, simple or
// error, errors prefixed "-"), or nothing if the region cannot be reached.
std::optional<std::string> call(const HostPort& at, const std::vector<std::string>& argv) {
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* res = nullptr;
  if (getaddrinfo(at.host.c_str(), std::to_string(at.port).c_str(), &hints, &res) != 0) {
    return std::nullopt;
  }
  int fd = socket(res->ai_family, res->ai_socktype, 0);
  timeval tv{5, 0};
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  bool ok = fd >= 0 && connect(fd, res->ai_addr, res->ai_addrlen) == 0;
  freeaddrinfo(res);
  if (!ok) {
    if (fd >= 0) close(fd);
    return std::nullopt;
  }
  std::string req = "*" + std::to_string(argv.size()) + "\r\n";
  for (const auto& a : argv) req += "$" + std::to_string(a.size()) + "\r\n" + a + "\r\n";
  if (write(fd, req.data(), req.size()) != static_cast<ssize_t>(req.size())) {
    close(fd);
    return std::nullopt;
  }
  std::string in;
  char buf[65536];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n <= 0) break;
    in.append(buf, static_cast<size_t>(n));
    size_t eol = in.find("\r\n");
    if (eol == std::string::npos) continue;
    if (in[0] != '$') break;
    long len = std::stol(in.substr(1, eol - 1));
    if (len < 0 || in.size() >= eol + 2 + static_cast<size_t>(len) + 2) break;
  }
  close(fd);
  size_t eol = in.find("\r\n");
  if (in.empty() || eol == std::string::npos) return std::nullopt;
  if (in[0] == '$') {
    long len = std::stol(in.substr(1, eol - 1));
    return len < 0 ? std::string() : in.substr(eol + 2, static_cast<size_t>(len));
  }
  if (in[0] == '-') return in.substr(0, eol);
  return in.substr(1, eol - 1);
}

// The status from `region`, or from the first region that answers.
std::optional<nlohmann::json> status_from(const ClusterConfig& cfg, const std::string& region,
                                          std::string* who) {
  for (const auto& r : cfg.regions) {
    if (!r.serving() || (!region.empty() && r.name != region)) continue;
    auto reply = call(r.client, {"MR.FAILOVER", "STATUS"});
    if (!reply || reply->empty() || (*reply)[0] == '-') continue;
    *who = r.name;
    return nlohmann::json::parse(*reply, nullptr, false);
  }
  return std::nullopt;
}

}  // namespace

int admin_status(const ClusterConfig& cfg, const std::string& region, bool json) {
  std::string who;
  auto st = status_from(cfg, region, &who);
  if (!st || st->is_discarded()) {
    std::fprintf(stderr, "meridian: no region answered%s\n",
                 region.empty() ? "" : (" (asked " + region + ")").c_str());
    return 1;
  }
  if (json) {
    std::printf("%s\n", st->dump(2).c_str());
    return 0;
  }
  std::printf("cluster %s, %s, epoch %llu, primary %s (as seen from %s)\n",
              cfg.server.cluster_name.c_str(), (*st)["pattern"].get<std::string>().c_str(),
              static_cast<unsigned long long>((*st)["epoch"].get<uint64_t>()),
              (*st)["primary"].get<std::string>().c_str(), who.c_str());
  std::printf("%-12s %-10s %-8s %-13s %8s %12s\n", "REGION", "HEALTH", "ROLE", "TIER", "RTT MS",
              "HAS PRIMARY'S");
  for (const auto& r : (*st)["regions"]) {
    std::printf("%-12s %-10s %-8s %-13s %8lld %12llu\n", r["name"].get<std::string>().c_str(),
                r["health"].get<std::string>().c_str(), r["role"].get<std::string>().c_str(),
                r.value("tier", std::string("active")).c_str(),
                static_cast<long long>(r.value("rtt_ms", int64_t{0})),
                static_cast<unsigned long long>(r["applied_of_primary"].get<uint64_t>()));
  }
  return 0;
}

int admin_history(const ClusterConfig& cfg, const std::string& region, bool json) {
  for (const auto& r : cfg.regions) {
    if (!r.serving() || (!region.empty() && r.name != region)) continue;
    auto reply = call(r.client, {"MR.FAILOVER", "HISTORY"});
    if (!reply || reply->empty() || (*reply)[0] == '-') continue;
    auto h = nlohmann::json::parse(*reply, nullptr, false);
    if (json) {
      std::printf("%s\n", h.dump(2).c_str());
      return 0;
    }
    std::printf("%-6s %-10s %-10s %-16s %-16s %9s %16s  %s\n", "EPOCH", "FROM", "TO", "START MS",
                "END MS", "LOG POS", "UNREPLICATED", "REASON");
    for (const auto& c : h) {
      std::printf("%-6llu %-10s %-10s %-16lld %-16lld %9llu %16s  %s\n",
                  static_cast<unsigned long long>(c["epoch"].get<uint64_t>()),
                  c["from"].get<std::string>().c_str(), c["to"].get<std::string>().c_str(),
                  static_cast<long long>(c["start_ms"].get<int64_t>()),
                  static_cast<long long>(c["end_ms"].get<int64_t>()),
                  static_cast<unsigned long long>(c["log_position"].get<uint64_t>()),
                  c["unreplicated_text"].get<std::string>().c_str(),
                  c["reason"].get<std::string>().c_str());
    }
    return 0;
  }
  std::fprintf(stderr, "meridian: no region answered\n");
  return 1;
}

int admin_move(const ClusterConfig& cfg, const std::string& to, bool planned, int timeout_s) {
  if (cfg.find(to) == nullptr) {
    std::fprintf(stderr, "meridian: no region named \"%s\" in %s\n", to.c_str(), cfg.path.c_str());
    return 2;
  }
  std::string who;
  auto st = status_from(cfg, "", &who);
  if (!st || st->is_discarded()) {
    std::fprintf(stderr, "meridian: no region answered\n");
    return 1;
  }
  std::string primary = (*st)["primary"].get<std::string>();
  // A switchover runs on the primary; a forced failover on the target.
  const RegionConfig* via = cfg.find(planned ? primary : to);
  auto reply = call(via->client, {"MR.FAILOVER", planned ? "SWITCHOVER" : "FAILOVER", to});
  if (!reply || (!reply->empty() && (*reply)[0] == '-')) {
    std::fprintf(stderr, "meridian: %s refused: %s\n", via->name.c_str(),
                 reply ? reply->c_str() : "no answer");
    return 1;
  }
  std::printf("%s from %s to %s requested; waiting", planned ? "switchover" : "failover",
              primary.c_str(), to.c_str());
  std::fflush(stdout);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    auto now_st = status_from(cfg, to, &who);
    if (now_st && !now_st->is_discarded() && (*now_st)["primary"] == to &&
        (*now_st)["accepts_writes"].get<bool>() == true) {
      std::printf("\n%s is the primary (epoch %llu)\n", to.c_str(),
                  static_cast<unsigned long long>((*now_st)["epoch"].get<uint64_t>()));
      return 0;
    }
    std::printf(".");
    std::fflush(stdout);
  }
  std::printf("\n");
  std::fprintf(stderr, "meridian: %s did not become the primary within %d s\n", to.c_str(),
               timeout_s);
  return 1;
}

int admin_backup(const ClusterConfig& cfg, const std::string& region, int timeout_s) {
  const RegionConfig* rc = cfg.find(region);
  if (rc == nullptr) {
    std::fprintf(stderr, "meridian: no region named \"%s\" in %s\n", region.c_str(),
                 cfg.path.c_str());
    return 2;
  }
  auto status = [&]() -> std::optional<nlohmann::json> {
    auto reply = call(rc->client, {"MR.BACKUP", "STATUS"});
    if (!reply || reply->empty() || (*reply)[0] == '-') return std::nullopt;
    auto j = nlohmann::json::parse(*reply, nullptr, false);
    if (j.is_discarded()) return std::nullopt;
    return j;
  };
  auto before = status();
  auto reply = call(rc->client, {"MR.BACKUP", "START"});
  if (!reply || !before || (!reply->empty() && (*reply)[0] == '-')) {
    std::fprintf(stderr, "meridian: %s refused the backup: %s\n", region.c_str(),
                 reply ? reply->c_str() : ("no answer from " + rc->client.str()).c_str());
    return 1;
  }
  const uint64_t finished_before =
      (*before)["ok_count"].get<uint64_t>() + (*before)["failed_count"].get<uint64_t>();
  auto mib = [](uint64_t b) { return static_cast<double>(b) / (1024.0 * 1024.0); };
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(timeout_s);
  while (std::chrono::steady_clock::now() < deadline) {
    auto st = status();
    if (!st) {
      std::fprintf(stderr, "\nmeridian: lost %s while it made the backup\n", region.c_str());
      return 1;
    }
    uint64_t done = (*st)["bytes_done"].get<uint64_t>(),
             total = (*st)["bytes_total"].get<uint64_t>();
    uint64_t finished = (*st)["ok_count"].get<uint64_t>() + (*st)["failed_count"].get<uint64_t>();
    if (!(*st)["in_progress"].get<bool>() && finished > finished_before) {
      if ((*st)["last_status"] != "ok") {
        std::fprintf(stderr, "meridian: backup of %s failed: %s\n", region.c_str(),
                     (*st)["last_error"].get<std::string>().c_str());
        return 1;
      }
      std::printf("backup %u of %s done: %.1f MiB in %lld ms, into:\n",
                  (*st)["last_id"].get<unsigned>(), region.c_str(),
                  mib((*st)["last_bytes"].get<uint64_t>()),
                  static_cast<long long>((*st)["last_duration_ms"].get<int64_t>()));
      for (const auto& d : (*st)["destinations"]) {
        std::printf("  %s\n", d.get<std::string>().c_str());
      }
      return 0;
    }
    std::printf("backup of %s: %.1f of %.1f MiB (%d%%)\n", region.c_str(), mib(done), mib(total),
                total == 0 ? 0 : static_cast<int>(100 * done / total));
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  std::fprintf(stderr, "meridian: the backup of %s did not finish within %d s\n", region.c_str(),
               timeout_s);
  return 1;
}

}  // namespace meridian
