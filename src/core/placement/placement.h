#pragma once
// Geo-partitioning: which region is a key's home and which regions may hold
// it at all (data sovereignty), from the config's [[placement]] rules. Pure
// data and lookups; the config loader resolves names and jurisdictions to
// region ids and refuses impossible rules.
//
// A key matching no rule is global: every region holds it. A key matching a
// rule has a home (fixed, or picked by one ':'-separated segment of the key
// through a map) and an allowed set; its data, metadata and log records
// never reach a region outside that set.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/version_vector.h"

namespace meridian {

struct PlacementRule {
  std::string pattern;  // Redis glob; the first matching rule wins
  // Fixed home, or (segment > 0) the home named by the key's segment-th
  // ':'-separated part through `homes`, else `default_home`.
  RegionId home = 0;
  int segment = 0;
  std::map<std::string, RegionId> homes;
  RegionId default_home = 0;
  // For each possible home, the regions allowed to hold the key, in config
  // order (the home role fails over along it). Empty: the rule is global.
  std::map<RegionId, std::vector<RegionId>> allowed;
  // A command from a region that is not the home: proxied there (false) or
  // answered with a MOVED redirect to the home's address (true).
  bool redirect = false;
  std::string describe() const;  // "[[placement]] pattern \"user:eu:*\"" for errors
};

class Placement {
 public:
  struct Decision {
    const PlacementRule* rule = nullptr;
    RegionId home = 0;
    const std::vector<RegionId>* allowed = nullptr;
    bool allows(RegionId r) const;
  };

  std::vector<PlacementRule> rules;

  bool empty() const { return rules.empty(); }
  // Nothing for a global key.
  std::optional<Decision> decide(std::string_view key) const;
  // Whether `region` may hold (receive, store, log) `key`.
  bool may_hold(std::string_view key, RegionId region) const;
  // Whether `holder` may hold every key `other` may hold (then what holder
  // has applied from any origin covers what other needs from it).
  bool covers(RegionId holder, RegionId other) const;
};

// Redis Cluster's hash slot of a key (CRC16 of the key or its {hash tag},
// mod 16384), for MOVED redirects in the format cluster clients parse.
int key_hash_slot(std::string_view key);

}  // namespace meridian
