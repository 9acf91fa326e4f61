#include "cli/top.h"

#include <httplib.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "runtime/real/region_http_client.h"

namespace meridian {
namespace {

using Samples = std::map<std::string, double>;  // "name{labels}" -> value

// Parses the Prometheus text of a region's /metrics (samples only).
Samples parse(const std::string& text) {
  Samples s;
  size_t at = 0;
  while (at < text.size()) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(at, end - at);
    at = end + 1;
    if (line.empty() || line[0] == '#') continue;
    size_t space = line.rfind(' ');
    if (space == std::string::npos) continue;
    s[line.substr(0, space)] = std::strtod(line.c_str() + space + 1, nullptr);
  }
  return s;
}

double get(const Samples& s, const std::string& series, double otherwise = NAN) {
  auto it = s.find(series);
  return it == s.end() ? otherwise : it->second;
}

// Every series of a family (name followed by '{' or nothing).
std::vector<std::pair<std::string, double>> family(const Samples& s, const std::string& name) {
  std::vector<std::pair<std::string, double>> out;
  for (auto it = s.lower_bound(name); it != s.end() && it->first.rfind(name, 0) == 0; ++it) {
    const char next = it->first.size() > name.size() ? it->first[name.size()] : '\0';
    if (next == '{' || next == '\0') out.push_back(*it);
  }
  return out;
}

double sum(const Samples& s, const std::string& name) {
  double total = 0;
  for (const auto& [k, v] : family(s, name)) total += v;
  return total;
}

// The value of `label` in a series' text ("x{a=\"1\",b=\"2\"}").
std::string label(const std::string& series, const std::string& name) {
  const std::string key = name + "=\"";
  size_t at = series.find(key);
  if (at == std::string::npos) return {};
  at += key.size();
  return series.substr(at, series.find('"', at) - at);
}

struct Region {
  std::string name;
  std::unique_ptr<httplib::Client> http;
  std::optional<Samples> last;
  std::chrono::steady_clock::time_point last_at;
};

// One row of the table: the header and every region's.
constexpr const char* kRow = "%-12s %-6s %-9s %5s %10s %11s %8s %5s %9s %10s %8s";

std::string fixed(double v, int decimals) {
  if (std::isnan(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

}  // namespace

int run_top(const ClusterConfig& cfg, int interval_ms, int frames) {
  std::vector<Region> regions;
  const auto timeout = std::chrono::milliseconds(std::min(interval_ms, 1000));
  for (const auto& r : cfg.regions) {
    if (!r.serving()) continue;
    auto cli = region_http_client(cfg, r, timeout);
    regions.push_back({r.name, std::move(cli), std::nullopt, {}});
  }
  for (int frame = 0; frames <= 0 || frame < frames; ++frame) {
    if (frame > 0) std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
    std::string out = "\033[H\033[2J";
    std::map<std::string, int> primary_votes;
    std::vector<std::string> rows;
    char line[512];
    for (auto& r : regions) {
      auto res = r.http->Get("/metrics");
      const auto now = std::chrono::steady_clock::now();
      if (!res || res->status != 200) {
        r.last.reset();
        std::snprintf(line, sizeof line, "%-12s %-6s", r.name.c_str(), "DOWN");
        rows.emplace_back(line);
        continue;
      }
      Samples s = parse(res->body);
      double ops = NAN, conflicts = NAN;
      if (r.last) {
        const double dt = std::chrono::duration<double>(now - r.last_at).count();
        ops = (sum(s, "meridian_commands_total") - sum(*r.last, "meridian_commands_total")) / dt;
        conflicts =
            (sum(s, "meridian_conflicts_total") - sum(*r.last, "meridian_conflicts_total")) / dt;
      }
      for (const auto& [series, v] : family(s, "meridian_failover_primary")) {
        if (v == 1) ++primary_votes[label(series, "region")];
      }
      int up = 0, links = 0;
      for (const auto& [series, v] : family(s, "meridian_replication_link_up")) {
        ++links;
        up += v == 1 ? 1 : 0;
      }
      double lag = 0;
      for (const auto& [series, v] : family(s, "meridian_replication_lag_seconds")) {
        if (!std::isnan(v)) lag = std::max(lag, v);
      }
      const bool primary = get(s, "meridian_failover_is_primary") == 1;
      std::snprintf(line, sizeof line, kRow, r.name.c_str(), "up",
                    primary ? "primary" : "secondary",
                    fixed(get(s, "meridian_failover_epoch"), 0).c_str(), fixed(ops, 0).c_str(),
                    fixed(get(s, "meridian_keys"), 0).c_str(),
                    fixed(get(s, "meridian_connected_clients"), 0).c_str(),
                    (std::to_string(up) + "/" + std::to_string(links)).c_str(),
                    (fixed(lag, 3) + " s").c_str(), fixed(conflicts, 1).c_str(),
                    fixed(get(s, "meridian_memory_resident_bytes") / 1048576.0, 0).c_str());
      rows.emplace_back(line);
      r.last = std::move(s);
      r.last_at = now;
    }
    // The primary most regions name (what the cluster agreed on).
    std::string agreed = "none";
    int most = 0;
    for (const auto& [name, n] : primary_votes) {
      if (n > most) {
        most = n;
        agreed = name;
      }
    }
    const std::time_t t = std::time(nullptr);
    char when[32];
    std::strftime(when, sizeof when, "%H:%M:%S", std::localtime(&t));
    std::snprintf(line, sizeof line,
                  "meridian top - cluster %s, %zu regions, primary %s (%d of %zu agree), %s, "
                  "every %d ms\n\n",
                  cfg.server.cluster_name.c_str(), regions.size(), agreed.c_str(), most,
                  regions.size(), when, interval_ms);
    out += line;
    std::snprintf(line, sizeof line, kRow, "REGION", "STATE", "ROLE", "EPOCH", "CMDS/S", "KEYS",
                  "CLIENTS", "LINKS", "MAX LAG", "CONFLICT/S", "RSS MIB");
    out += line;
    out += "\n";
    for (const auto& row : rows) out += row + "\n";
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout);
  }
  return 0;
}

}  // namespace meridian
