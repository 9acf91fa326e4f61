#include "runtime/sim/chaos_report.h"

#include <cstdlib>
#include <set>
#include <vector>

#include "core/base/coding.h"
#include "core/region/region.h"
#include "runtime/sim/sim_cluster.h"

namespace meridian::sim {
namespace {

std::vector<std::string> lines_of(const std::string& d) {
  std::vector<std::string> out;
  size_t pos = 0;
  while (true) {
    size_t nl = d.find('\n', pos);
    out.push_back(d.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos));
    if (nl == std::string::npos) break;
    pos = nl + 1;
  }
  return out;
}

// Both regions' view of a key: the key line and the fields that differ.
std::string explain(SimCluster& cluster, int a, int b, const std::string& k) {
  auto la = lines_of(cluster.region(a).keyspace().describe(k));
  auto lb = lines_of(cluster.region(b).keyspace().describe(k));
  std::string out = "\n  [" + std::to_string(a + 1) + ": " + la[0] + "]\n  [" +
                    std::to_string(b + 1) + ": " + lb[0] + "]\n";
  std::set<std::string> sa(la.begin() + 1, la.end()), sb(lb.begin() + 1, lb.end());
  auto only = [&out](int region, const std::set<std::string>& mine,
                     const std::set<std::string>& theirs) {
    int n = 0;
    for (const auto& l : mine) {
      if (theirs.count(l) == 0 && n++ < 4)
        out += "  only in " + std::to_string(region + 1) + ": " + l + "\n";
    }
  };
  only(a, sa, sb);
  only(b, sb, sa);
  return out;
}

}  // namespace

std::string dump_region(SimCluster& cluster, int region) {
  Keyspace& ks = cluster.region(region).keyspace();
  std::vector<std::string> keys;
  ks.for_each_record([&](std::string_view k, const KeyRecord&) { keys.emplace_back(k); });
  std::string out;
  for (const auto& k : keys) {
    coding::put_bytes(out, k);
    coding::put_bytes(out, ks.canonical(k));
  }
  return out;
}

std::string differing_keys(SimCluster& cluster, int a, int b) {
  std::set<std::string> keys;
  for (int r : {a, b}) {
    cluster.region(r).keyspace().for_each_record(
        [&](std::string_view k, const KeyRecord&) { keys.emplace(k); });
  }
  std::string out;
  int n = 0;
  for (const auto& k : keys) {
    if (cluster.region(a).keyspace().canonical(k) == cluster.region(b).keyspace().canonical(k)) {
      continue;
    }
    out += (n == 0 ? ": " : ", ") + k;
    if (n == 0 && std::getenv("MERIDIAN_CHAOS_EXPLAIN") != nullptr) {
      auto vec = [&](int r) {
        std::string v;
        VersionVector applied = cluster.region(r).replicator().applied();
        for (const auto& [o, s] : applied.entries())
          v += std::to_string(o) + "=" + std::to_string(s) + ",";
        return v;
      };
      out += " applied " + vec(a) + " vs " + vec(b);
      std::string ia, ib;
      cluster.region(a).replicator().info(ia, cluster.now());
      cluster.region(b).replicator().info(ib, cluster.now());
      out.append("\n").append(ia).append("\n").append(ib).append("\n");
      out += explain(cluster, a, b, k);
    }
    if (++n == 3) break;
  }
  return out;
}

}  // namespace meridian::sim
