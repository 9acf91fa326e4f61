// ClusterConfig::shared_digest: a hash of each config section every region
// must share, over the loaded values (so comments, layout, and a default
// written out or left implicit do not matter), compared at the handshake
// of every peer link (core/peer/link_handshake.h).
#include <xxhash.h>

#include <algorithm>
#include <string>

#include "config/cluster_config.h"

namespace meridian {
namespace {

// Appends fields with separators that cannot occur inside them ambiguously
// (each text is length-prefixed).
struct Canon {
  std::string out;
  Canon& text(const std::string& s) {
    out += std::to_string(s.size()) + ":" + s + ";";
    return *this;
  }
  Canon& num(int64_t v) {
    out += std::to_string(v) + ";";
    return *this;
  }
  uint64_t hash() const { return XXH3_64bits(out.data(), out.size()); }
};

}  // namespace

peer::ConfigDigest ClusterConfig::shared_digest() const {
  Canon placement_c, keyspaces_c, conflict_c;
  peer::ConfigDigest out;
  // One section per region, so that a region only one side knows of (one
  // being added, region by region) is no difference; one both know must
  // agree.
  for (const auto& r : regions) {
    Canon c;
    c.text(r.name).text(r.jurisdiction).num(static_cast<int>(r.tier));
    out.emplace_back(std::string(peer::kRegionSectionPrefix) + std::to_string(r.id), c.hash());
  }
  for (const auto& rule : server.placement.rules) {
    placement_c.text(rule.pattern).num(rule.home).num(rule.segment).num(rule.default_home);
    placement_c.num(rule.redirect ? 1 : 0).num(static_cast<int64_t>(rule.homes.size()));
    for (const auto& [segment, home] : rule.homes) placement_c.text(segment).num(home);
    for (const auto& [home, set] : rule.allowed) {
      placement_c.num(home).num(static_cast<int64_t>(set.size()));
      for (RegionId id : set) placement_c.num(id);
    }
  }
  const ReplicationSettings& rs = server.replication;
  for (const auto& k : rs.keyspaces) {
    keyspaces_c.text(k.pattern);
    if (k.write) {
      keyspaces_c.num(static_cast<int>(k.write->mode)).num(k.write->regions);
      keyspaces_c.num(k.write->timeout_ms);
    } else {
      keyspaces_c.num(-1);
    }
    if (k.read) {
      keyspaces_c.num(static_cast<int>(k.read->level)).num(k.read->timeout_ms);
    } else {
      keyspaces_c.num(-1);
    }
    keyspaces_c.num(k.conflict ? static_cast<int>(*k.conflict) : -1);
    for (RegionId id : k.priority) keyspaces_c.num(id);
    keyspaces_c.num(-2);
  }
  conflict_c.num(static_cast<int>(rs.default_conflict)).num(static_cast<int64_t>(rs.max_siblings));
  out.emplace_back("[[keyspaces]]", keyspaces_c.hash());
  out.emplace_back("[[placement]]", placement_c.hash());
  out.emplace_back("[replication] conflict", conflict_c.hash());
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace meridian
