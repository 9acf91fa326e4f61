// [[placement]]: which regions may hold which keys (data sovereignty), each
// rule's home region(s) and routing; and the check that a rule's write mode
// can be met by the regions allowed to hold its keys.
#include <algorithm>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "config/config_sections.h"

namespace meridian::config_detail {
namespace {

// A region named `name` (in field `field`) that can hold data.
RegionId serving_region(const Reporter& r, const ClusterConfig& cfg, const toml::node* node,
                        const std::string& field, const std::string& name,
                        const std::string& rule) {
  const RegionConfig* rc = cfg.find(name);
  if (rc == nullptr) r.fail(node, field, rule + ": no region named \"" + name + "\"");
  if (!rc->serving()) {
    r.fail(node, field,
           rule + ": \"" + name + "\" is a backup-restore region; it cannot be a home");
  }
  return rc->id;
}

std::string region_list(const ClusterConfig& cfg, const std::vector<RegionId>& ids) {
  std::string out;
  for (RegionId id : ids) {
    for (const auto& rc : cfg.regions) {
      if (rc.id == id) out += (out.empty() ? "" : ", ") + rc.name;
    }
  }
  return out;
}

// A rule's `allowed`: "everywhere" or "home-jurisdiction" in `word`, or else
// (`word` empty) the region names and jurisdictions listed.
struct Allowed {
  std::string word;
  std::vector<std::string> names;
};

// allowed: region names and jurisdictions, "home-jurisdiction" or
// "everywhere" (the default without a home: a global rule).
Allowed parse_allowed(const Reporter& r, const toml::node* an, const std::string& p,
                      const std::string& name, bool global) {
  Allowed allowed;
  allowed.word = global ? "everywhere" : "home-jurisdiction";
  if (an == nullptr) return allowed;
  if (const auto* s = an->as_string()) {
    allowed.word = s->get();
    if (allowed.word != "everywhere" && allowed.word != "home-jurisdiction") {
      allowed.names.push_back(allowed.word);
      allowed.word.clear();
    }
  } else if (const auto* list = an->as_array(); list != nullptr && !list->empty()) {
    allowed.word.clear();
    for (size_t j = 0; j < list->size(); ++j) {
      const auto* s = list->get(j)->as_string();
      if (s == nullptr) {
        r.fail(list->get(j), p + "allowed[" + std::to_string(j) + "]",
               name + ": expected a region name or a jurisdiction");
      }
      allowed.names.push_back(s->get());
    }
  } else {
    r.fail(an, p + "allowed",
           name +
               ": expected a list of regions and jurisdictions, \"home-jurisdiction\" "
               "or \"everywhere\"");
  }
  return allowed;
}

// Explicit sets resolve to region ids once, in [[regions]] order; every name
// must mean something.
std::vector<RegionId> resolve_allowed(const Reporter& r, const ClusterConfig& cfg,
                                      const toml::node* an, const std::string& p,
                                      const std::string& name,
                                      const std::vector<std::string>& allowed_names) {
  std::vector<RegionId> explicit_set;
  for (size_t j = 0; j < allowed_names.size(); ++j) {
    bool any = false;
    for (const auto& rc : cfg.regions) {
      if (rc.name == allowed_names[j] || rc.jurisdiction == allowed_names[j]) {
        if (std::find(explicit_set.begin(), explicit_set.end(), rc.id) == explicit_set.end()) {
          explicit_set.push_back(rc.id);
        }
        any = true;
      }
    }
    if (!any) {
      r.fail(an, p + "allowed",
             name + ": no region or jurisdiction named \"" + allowed_names[j] + "\"");
    }
  }
  std::sort(explicit_set.begin(), explicit_set.end(), [&](RegionId a, RegionId b) {
    auto pos = [&](RegionId id) {
      for (size_t k = 0; k < cfg.regions.size(); ++k)
        if (cfg.regions[k].id == id) return k;
      return cfg.regions.size();
    };
    return pos(a) < pos(b);
  });
  return explicit_set;
}

// The rule's home (`home`), or its homes by key segment (`home_segment`,
// `homes` and `default_home`), set on `rule`; returns each home with the
// field naming it.
std::vector<std::pair<RegionId, std::string>> load_homes(const Reporter& r,
                                                         const ClusterConfig& cfg,
                                                         const toml::table& t, const std::string& p,
                                                         const std::string& name,
                                                         PlacementRule& rule) {
  std::vector<std::pair<RegionId, std::string>> homes;  // (home, field naming it)
  if (t.contains("home")) {
    if (t.contains("home_segment")) {
      r.fail(t.get("home_segment"), p + "home_segment",
             name + ": set either home or home_segment, not both");
    }
    rule.home =
        serving_region(r, cfg, t.get("home"), p + "home", r.text(t, p, "home", nullptr), name);
    homes.emplace_back(rule.home, p + "home");
    return homes;
  }
  rule.segment = static_cast<int>(r.integer(t, p, "home_segment", std::nullopt, 1, 64));
  const toml::table* map = t.get("homes") ? t.get("homes")->as_table() : nullptr;
  if (map == nullptr || map->empty()) {
    r.fail(t.get("homes") ? t.get("homes") : &t, p + "homes",
           name + ": home_segment needs homes = { VALUE = \"region\", ... }");
  }
  for (const auto& [k, v] : *map) {
    const auto* s = v.as_string();
    std::string field = p + "homes." + std::string(k.str());
    if (s == nullptr) r.fail(&v, field, name + ": expected a region name");
    RegionId id = serving_region(r, cfg, &v, field, s->get(), name);
    rule.homes[std::string(k.str())] = id;
    homes.emplace_back(id, field);
  }
  rule.default_home = serving_region(r, cfg, t.get("default_home"), p + "default_home",
                                     r.text(t, p, "default_home", nullptr), name);
  homes.emplace_back(rule.default_home, p + "default_home");
  return homes;
}

// placement[i], whose table is `t` and path `p`; `patterns`: the patterns of
// the rules before it.
PlacementRule load_rule(const Reporter& r, const ClusterConfig& cfg, const toml::table& t,
                        const std::string& p, std::set<std::string>& patterns) {
  r.only_known(t, p,
               {"pattern", "home", "home_segment", "homes", "default_home", "allowed", "routing"});
  PlacementRule rule;
  rule.pattern = unique_pattern(r, t, p, patterns, "rule");
  const std::string name = rule.describe();
  const std::string proxy = "proxy";
  std::string routing = r.text(t, p, "routing", &proxy);
  if (routing != "proxy" && routing != "redirect") {
    r.fail(t.get("routing"), p + "routing",
           name + ": expected \"proxy\" or \"redirect\", got \"" + routing + "\"");
  }
  rule.redirect = routing == "redirect";

  const toml::node* an = t.get("allowed");
  bool global = !t.contains("home") && !t.contains("home_segment");
  const Allowed allowed = parse_allowed(r, an, p, name, global);
  if (allowed.word == "everywhere") {
    if (!global) {
      r.fail(an, p + "allowed",
             name +
                 ": a rule with a home restricts where its keys go; drop home for a "
                 "global rule, or name the allowed regions");
    }
    return rule;
  }
  if (global) {
    r.fail(&t, p + "home", name + ": missing (set home, or home_segment with homes)");
  }
  const std::vector<RegionId> explicit_set = resolve_allowed(r, cfg, an, p, name, allowed.names);
  const auto homes = load_homes(r, cfg, t, p, name, rule);
  for (const auto& [home, field] : homes) {
    if (rule.allowed.count(home)) continue;
    std::vector<RegionId> set = explicit_set;
    if (allowed.word == "home-jurisdiction") {
      const std::string& j = cfg.find(region_list(cfg, {home}))->jurisdiction;
      for (const auto& rc : cfg.regions)
        if (rc.jurisdiction == j) set.push_back(rc.id);
    }
    if (std::find(set.begin(), set.end(), home) == set.end()) {
      r.fail(t.get(field.substr(p.size())) ? t.get(field.substr(p.size())) : &t, field,
             name + ": home \"" + region_list(cfg, {home}) +
                 "\" is outside the regions allowed to hold these keys (" + region_list(cfg, set) +
                 ")");
    }
    rule.allowed[home] = set;
  }
  return rule;
}

}  // namespace

void load_placement(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const toml::array* arr = array_of_tables(r, root, "placement");
  if (arr == nullptr) return;
  std::set<std::string> patterns;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string p = "placement[" + std::to_string(i) + "].";
    const toml::table& t = *arr->get(i)->as_table();
    cfg.server.placement.rules.push_back(load_rule(r, cfg, t, p, patterns));
  }
}

// After [[placement]] and [[keyspaces]]: the write mode of a rule's keys
// must be satisfiable by the regions allowed to hold them.
void check_placement_write_modes(const Reporter& r, const toml::table& root,
                                 const ClusterConfig& cfg) {
  const toml::array* arr = array_of_tables(r, root, "placement");
  const ReplicationSettings& rep = cfg.server.replication;
  for (size_t i = 0; arr != nullptr && i < cfg.server.placement.rules.size(); ++i) {
    const PlacementRule& rule = cfg.server.placement.rules[i];
    WritePolicy w = rep.default_write;
    std::string from = "[replication] write";
    for (const auto& ks : rep.keyspaces) {
      if (ks.pattern == rule.pattern && ks.write) {
        w = *ks.write;
        from = "its [[keyspaces]] entry";
        break;
      }
    }
    if (w.mode != WriteMode::kSemiSync) continue;
    for (const auto& [home, set] : rule.allowed) {
      int serving = 0;
      for (RegionId id : set) {
        for (const auto& rc : cfg.regions)
          if (rc.id == id && rc.serving()) ++serving;
      }
      if (w.regions <= serving - 1) continue;
      r.fail(arr->get(i), "placement[" + std::to_string(i) + "].allowed",
             rule.describe() + ": write mode \"" + describe(w) + "\" (from " + from +
                 ") waits for " + std::to_string(w.regions) + " other region(s), but only " +
                 std::to_string(serving) + " region(s) may hold these keys (" +
                 region_list(cfg, set) + ")");
    }
  }
}

}  // namespace meridian::config_detail
