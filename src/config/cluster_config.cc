#include "config/cluster_config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <filesystem>
#include <set>

namespace meridian {
namespace {

// Builds "FILE:LINE:COL: field 'PATH': MESSAGE".
class Reporter {
 public:
  explicit Reporter(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const toml::node* node, const std::string& field,
                         const std::string& msg) const {
    std::string where = path_;
    if (node != nullptr && node->source().begin.line > 0) {
      where += ":" + std::to_string(node->source().begin.line) + ":" +
               std::to_string(node->source().begin.column);
    }
    throw ConfigError(where + ": field '" + field + "': " + msg);
  }

  // Refuses keys the schema does not know, which are nearly always typos.
  void only_known(const toml::table& t, const std::string& prefix,
                  std::initializer_list<std::string_view> known) const {
    for (const auto& [k, v] : t) {
      bool ok = false;
      for (auto n : known) ok = ok || k.str() == n;
      if (!ok) {
        fail(&v, prefix + std::string(k.str()), "unknown field (allowed: " + join(known) + ")");
      }
    }
  }

  std::string text(const toml::table& t, const std::string& prefix, std::string_view key,
                   const std::string* fallback) const {
    const toml::node* n = t.get(key);
    std::string field = prefix + std::string(key);
    if (n == nullptr) {
      if (fallback) return *fallback;
      fail(&t, field, "missing (a string is required)");
    }
    auto v = n->value<std::string>();
    if (!v) fail(n, field, "expected a string");
    return *v;
  }

  int64_t integer(const toml::table& t, const std::string& prefix, std::string_view key,
                  std::optional<int64_t> fallback, int64_t lo, int64_t hi) const {
    const toml::node* n = t.get(key);
    std::string field = prefix + std::string(key);
    std::string range =
        "expected an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
    if (n == nullptr) {
      if (fallback) return *fallback;
      fail(&t, field, "missing (" + range + ")");
    }
    if (!n->is_integer()) fail(n, field, range);
    int64_t v = n->as_integer()->get();
    if (v < lo || v > hi) fail(n, field, range + ", got " + std::to_string(v));
    return v;
  }

  double number(const toml::table& t, const std::string& prefix, std::string_view key, double lo,
                double hi) const {
    const toml::node* n = t.get(key);
    std::string field = prefix + std::string(key);
    std::string range = "expected a number from " + fmt(lo) + " to " + fmt(hi);
    if (n == nullptr) fail(&t, field, "missing (" + range + ")");
    double v = 0;
    if (n->is_floating_point()) {
      v = n->as_floating_point()->get();
    } else if (n->is_integer()) {
      v = static_cast<double>(n->as_integer()->get());
    } else {
      fail(n, field, range);
    }
    if (v < lo || v > hi) fail(n, field, range);
    return v;
  }

  bool boolean(const toml::table& t, const std::string& prefix, std::string_view key,
               bool fallback) const {
    const toml::node* n = t.get(key);
    if (n == nullptr) return fallback;
    auto v = n->value<bool>();
    if (!v || !n->is_boolean()) fail(n, prefix + std::string(key), "expected true or false");
    return *v;
  }

 private:
  static std::string join(std::initializer_list<std::string_view> names) {
    std::string out;
    for (auto n : names) {
      if (!out.empty()) out += ", ";
      out += n;
    }
    return out;
  }
  static std::string fmt(double d) {
    std::string s = std::to_string(d);
    while (!s.empty() && s.back() == '0') s.pop_back();
    if (!s.empty() && s.back() == '.') s.pop_back();
    return s;
  }
  std::string path_;
};

const toml::table* table_at(const Reporter& r, const toml::table& root, std::string_view key) {
  const toml::node* n = root.get(key);
  if (n == nullptr) return nullptr;
  if (!n->is_table()) r.fail(n, std::string(key), "expected a table ([" + std::string(key) + "])");
  return n->as_table();
}

HostPort address(const Reporter& r, const toml::table& t, const std::string& prefix,
                 std::string_view key) {
  std::string s = r.text(t, prefix, key, nullptr);
  HostPort hp;
  if (!parse_host_port(s, &hp)) {
    r.fail(t.get(key), prefix + std::string(key),
           "expected \"host:port\" with a port from 1 to 65535, got \"" + s + "\"");
  }
  return hp;
}

constexpr int64_t kMaxTimeoutMs = 24LL * 3600 * 1000;

// A write mode string ("async", "semi-sync N", "sync") with the given timeout.
WritePolicy write_policy(const Reporter& r, const toml::table& t, const std::string& prefix,
                         std::string_view key, const std::string& fallback, int64_t timeout_ms) {
  std::string text = r.text(t, prefix, key, &fallback);
  WritePolicy w;
  if (auto err = parse_write_policy(text, &w)) r.fail(t.get(key), prefix + std::string(key), *err);
  w.timeout_ms = timeout_ms;
  return w;
}

ReadPolicy read_policy(const Reporter& r, const toml::table& t, const std::string& prefix,
                       std::string_view key, const std::string& fallback, int64_t timeout_ms) {
  std::string text = r.text(t, prefix, key, &fallback);
  ReadPolicy p;
  if (auto err = parse_read_policy(text, &p)) r.fail(t.get(key), prefix + std::string(key), *err);
  p.timeout_ms = timeout_ms;
  return p;
}

// semi-sync N waits for N other regions: more than exist could never be met.
void check_semi_sync(const Reporter& r, const toml::node* node, const std::string& field,
                     const WritePolicy& w, size_t region_count) {
  if (w.mode != WriteMode::kSemiSync) return;
  const auto others = static_cast<int64_t>(region_count) - 1;
  if (w.regions <= others) return;
  std::string msg = "\"" + describe(w) + "\" waits for " + std::to_string(w.regions) +
                    " other region(s), but the cluster has " + std::to_string(region_count) +
                    " region(s)";
  msg +=
      others > 0 ? " (at most \"semi-sync " + std::to_string(others) + "\")" : " (use \"async\")";
  r.fail(node, field, msg);
}

crdt::Policy conflict_policy(const Reporter& r, const toml::table& t, const std::string& p,
                             crdt::Policy fallback);

// A non-empty list of region names of this config, as their ids in order.
std::vector<RegionId> region_ids(const Reporter& r, const ClusterConfig& cfg,
                                 const toml::node* node, const std::string& field,
                                 const std::string& what) {
  const toml::array* names = node ? node->as_array() : nullptr;
  if (names == nullptr || names->empty()) r.fail(node, field, what);
  std::vector<RegionId> ids;
  for (size_t j = 0; j < names->size(); ++j) {
    const auto* name = names->get(j)->as_string();
    const RegionConfig* rc = name ? cfg.find(name->get()) : nullptr;
    if (rc == nullptr) {
      r.fail(names->get(j), field + "[" + std::to_string(j) + "]", "not a region of this config");
    }
    ids.push_back(rc->id);
  }
  return ids;
}

void load_replication(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  ReplicationSettings& rep = cfg.server.replication;
  const size_t region_count = cfg.serving_count();
  const toml::table empty;
  const toml::table* t = table_at(r, root, "replication");
  const toml::table& tab = t ? *t : empty;
  const std::string p = "replication.";
  r.only_known(
      tab, p,
      {"secret", "write", "write_timeout_ms", "on_timeout", "read", "read_timeout_ms",
       "log_retention_ops", "log_max_ops", "heartbeat_ms", "compress", "conflict", "max_siblings"});

  std::string no_secret;
  cfg.secret = r.text(tab, p, "secret", &no_secret);
  if (region_count > 1 && cfg.secret.empty()) {
    const toml::node* where = tab.get("secret") ? tab.get("secret") : t;
    r.fail(where, p + "secret",
           "required when the cluster has more than one region (" + std::to_string(region_count) +
               " here): set the same secret in every region's config to authenticate peer "
               "links");
  }

  const int64_t write_timeout = r.integer(tab, p, "write_timeout_ms", 5000, 1, kMaxTimeoutMs);
  rep.default_write = write_policy(r, tab, p, "write", "async", write_timeout);
  check_semi_sync(r, tab.get("write"), p + "write", rep.default_write, region_count);
  const std::string on_timeout_default = "error";
  std::string on_timeout = r.text(tab, p, "on_timeout", &on_timeout_default);
  if (on_timeout != "error" && on_timeout != "ok") {
    r.fail(tab.get("on_timeout"), p + "on_timeout",
           "expected \"error\" or \"ok\", got \"" + on_timeout + "\"");
  }
  rep.timeout_replies_ok = on_timeout == "ok";
  const int64_t read_timeout = r.integer(tab, p, "read_timeout_ms", 5000, 1, kMaxTimeoutMs);
  rep.default_read = read_policy(r, tab, p, "read", "local", read_timeout);
  rep.log_retention_ops =
      static_cast<uint64_t>(r.integer(tab, p, "log_retention_ops", 100000, 0, INT64_MAX));
  rep.log_max_ops =
      static_cast<uint64_t>(r.integer(tab, p, "log_max_ops", 10'000'000, 1, INT64_MAX));
  if (rep.log_max_ops < rep.log_retention_ops) {
    r.fail(tab.get("log_max_ops"), p + "log_max_ops",
           "must be at least log_retention_ops (" + std::to_string(rep.log_retention_ops) +
               "), got " + std::to_string(rep.log_max_ops));
  }
  rep.heartbeat_ms = r.integer(tab, p, "heartbeat_ms", 100, 1, 60000);
  cfg.compress = r.boolean(tab, p, "compress", true);
  rep.default_conflict = conflict_policy(r, tab, p, crdt::Policy::kCrdt);
  if (rep.default_conflict == crdt::Policy::kRegionPriority) {
    r.fail(tab.get("conflict"), p + "conflict",
           "region-priority needs a priority list: set it on a [[keyspaces]] entry");
  }
  rep.max_siblings = static_cast<size_t>(r.integer(tab, p, "max_siblings", 8, 1, 1000));
}

crdt::Policy conflict_policy(const Reporter& r, const toml::table& t, const std::string& p,
                             crdt::Policy fallback) {
  if (!t.contains("conflict")) return fallback;
  std::string text = r.text(t, p, "conflict", nullptr);
  auto policy = parse_conflict_policy(text);
  if (!policy) {
    r.fail(t.get("conflict"), p + "conflict",
           "expected \"crdt\", \"lww\", \"fww\", \"siblings\" or \"region-priority\", got \"" +
               text + "\"");
  }
  return *policy;
}

const toml::array* array_of_tables(const Reporter& r, const toml::table& root,
                                   std::string_view key) {
  const toml::node* n = root.get(key);
  if (n == nullptr) return nullptr;
  const auto* arr = n->as_array();
  if (arr == nullptr) {
    r.fail(n, std::string(key), "expected an array of tables ([[" + std::string(key) + "]])");
  }
  for (size_t i = 0; i < arr->size(); ++i) {
    if (!arr->get(i)->is_table()) {
      r.fail(arr->get(i), std::string(key) + "[" + std::to_string(i) + "]", "expected a table");
    }
  }
  return arr;
}

void load_failover(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  FailoverSettings& f = cfg.server.failover;
  const toml::table empty;
  const toml::table* t = table_at(r, root, "failover");
  const toml::table& tab = t ? *t : empty;
  const std::string p = "failover.";
  r.only_known(
      tab, p,
      {"pattern", "check_interval_ms", "check_timeout_ms", "degraded_ms", "failure_threshold",
       "recovery_threshold", "lease_ms", "max_lag_ops", "auto_failback", "failback_hold_ms",
       "failover_cooldown_ms", "priority", "hook_command", "hook_url"});
  const std::string default_pattern = "active-active";
  std::string pattern = r.text(tab, p, "pattern", &default_pattern);
  if (pattern == "active-active") {
    f.pattern = Pattern::kActiveActive;
  } else if (pattern == "active-passive") {
    f.pattern = Pattern::kActivePassive;
  } else if (pattern == "read-local-write-global") {
    f.pattern = Pattern::kWriteGlobal;
  } else {
    r.fail(tab.get("pattern"), p + "pattern",
           "expected \"active-active\", \"active-passive\" or \"read-local-write-global\", "
           "got \"" +
               pattern + "\"");
  }
  f.check_interval_ms = r.integer(tab, p, "check_interval_ms", 250, 1, 60000);
  f.check_timeout_ms = r.integer(tab, p, "check_timeout_ms", 2 * f.check_interval_ms, 1, 60000);
  f.degraded_ms = r.integer(tab, p, "degraded_ms", 0, 0, 60000);
  f.failure_threshold = static_cast<int>(r.integer(tab, p, "failure_threshold", 3, 1, 100));
  f.recovery_threshold = static_cast<int>(r.integer(tab, p, "recovery_threshold", 3, 1, 100));
  f.lease_ms = r.integer(tab, p, "lease_ms", 4 * f.check_interval_ms, 1, 600000);
  if (f.lease_ms <= f.check_interval_ms) {
    r.fail(tab.get("lease_ms"), p + "lease_ms",
           "must be longer than check_interval_ms (" + std::to_string(f.check_interval_ms) +
               "), or the primary loses its lease between two checks");
  }
  f.max_lag_ops = static_cast<uint64_t>(r.integer(tab, p, "max_lag_ops", 0, 0, INT64_MAX));
  f.auto_failback = r.boolean(tab, p, "auto_failback", false);
  f.failback_hold_ms = r.integer(tab, p, "failback_hold_ms", 60000, 0, INT64_MAX);
  f.failover_cooldown_ms = r.integer(tab, p, "failover_cooldown_ms", 300000, 0, INT64_MAX);
  if (const toml::node* pn = tab.get("priority")) {
    f.priority = region_ids(r, cfg, pn, p + "priority", "expected a list of region names");
    for (size_t j = 0; j < f.priority.size(); ++j) {
      for (const auto& rc : cfg.regions) {
        if (rc.id == f.priority[j] && !rc.serving()) {
          r.fail(pn, p + "priority[" + std::to_string(j) + "]",
                 "\"" + rc.name + "\" is a backup-restore region: it runs no replica to promote");
        }
      }
    }
  }
  std::string none;
  cfg.hook_command = r.text(tab, p, "hook_command", &none);
  cfg.hook_url = r.text(tab, p, "hook_url", &none);
}

void load_tier(const Reporter& r, const toml::table& t, const std::string& p, size_t index,
               RegionConfig& rc) {
  const std::string default_tier = "active";
  std::string tier = r.text(t, p, "tier", &default_tier);
  if (tier == "active" || tier == "active-active") {
    rc.tier = Tier::kActive;
  } else if (tier == "warm-standby") {
    rc.tier = Tier::kWarmStandby;
  } else if (tier == "pilot-light") {
    rc.tier = Tier::kPilotLight;
  } else if (tier == "backup-restore") {
    rc.tier = Tier::kBackupRestore;
  } else {
    r.fail(t.get("tier"), p + "tier",
           "expected \"active\", \"warm-standby\", \"pilot-light\" or \"backup-restore\", got \"" +
               tier + "\"");
  }
  std::string none;
  rc.backup_dir = r.text(t, p, "backup_dir", &none);
  if (rc.tier == Tier::kBackupRestore) {
    if (rc.backup_dir.empty()) {
      r.fail(&t, p + "backup_dir",
             "missing: a backup-restore region needs the directory the other regions' backups "
             "are copied into");
    }
    if (index == 0) {
      r.fail(t.get("tier"), p + "tier",
             "the first region is the initial primary; a backup-restore region runs no replica "
             "(list it after the serving regions)");
    }
  } else if (t.contains("backup_dir")) {
    r.fail(t.get("backup_dir"), p + "backup_dir", "only for tier = \"backup-restore\"");
  }
}

void load_backup(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const toml::table empty;
  const toml::table* t = table_at(r, root, "backup");
  const toml::table& tab = t ? *t : empty;
  const std::string p = "backup.";
  r.only_known(tab, p, {"interval_s", "keep"});
  cfg.backup.interval_s = r.integer(tab, p, "interval_s", 0, 0, INT64_MAX / 1000);
  cfg.backup.keep = static_cast<int>(r.integer(tab, p, "keep", 24, 1, 100000));
}

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

void load_placement(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const toml::array* arr = array_of_tables(r, root, "placement");
  if (arr == nullptr) return;
  std::set<std::string> patterns;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string p = "placement[" + std::to_string(i) + "].";
    const toml::table& t = *arr->get(i)->as_table();
    r.only_known(
        t, p, {"pattern", "home", "home_segment", "homes", "default_home", "allowed", "routing"});
    PlacementRule rule;
    rule.pattern = r.text(t, p, "pattern", nullptr);
    if (rule.pattern.empty()) r.fail(t.get("pattern"), p + "pattern", "must not be empty");
    if (!patterns.insert(rule.pattern).second) {
      r.fail(t.get("pattern"), p + "pattern",
             "duplicate pattern \"" + rule.pattern + "\" (the first rule with it always wins)");
    }
    const std::string name = rule.describe();
    const std::string proxy = "proxy";
    std::string routing = r.text(t, p, "routing", &proxy);
    if (routing != "proxy" && routing != "redirect") {
      r.fail(t.get("routing"), p + "routing",
             name + ": expected \"proxy\" or \"redirect\", got \"" + routing + "\"");
    }
    rule.redirect = routing == "redirect";

    // allowed: region names and jurisdictions, "home-jurisdiction" or
    // "everywhere" (the default without a home: a global rule).
    const toml::node* an = t.get("allowed");
    bool global = !t.contains("home") && !t.contains("home_segment");
    std::string allowed_word = global ? "everywhere" : "home-jurisdiction";
    std::vector<std::string> allowed_names;
    if (an != nullptr) {
      if (const auto* s = an->as_string()) {
        allowed_word = s->get();
        if (allowed_word != "everywhere" && allowed_word != "home-jurisdiction") {
          allowed_names.push_back(allowed_word);
          allowed_word.clear();
        }
      } else if (const auto* list = an->as_array(); list != nullptr && !list->empty()) {
        allowed_word.clear();
        for (size_t j = 0; j < list->size(); ++j) {
          const auto* s = list->get(j)->as_string();
          if (s == nullptr) {
            r.fail(list->get(j), p + "allowed[" + std::to_string(j) + "]",
                   name + ": expected a region name or a jurisdiction");
          }
          allowed_names.push_back(s->get());
        }
      } else {
        r.fail(an, p + "allowed",
               name +
                   ": expected a list of regions and jurisdictions, \"home-jurisdiction\" "
                   "or \"everywhere\"");
      }
    }
    if (allowed_word == "everywhere") {
      if (!global) {
        r.fail(an, p + "allowed",
               name +
                   ": a rule with a home restricts where its keys go; drop home for a "
                   "global rule, or name the allowed regions");
      }
      cfg.server.placement.rules.push_back(std::move(rule));
      continue;
    }
    if (global) {
      r.fail(&t, p + "home", name + ": missing (set home, or home_segment with homes)");
    }
    // Explicit sets resolve to region ids once; every name must mean something.
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

    std::vector<std::pair<RegionId, std::string>> homes;  // (home, field naming it)
    if (t.contains("home")) {
      if (t.contains("home_segment")) {
        r.fail(t.get("home_segment"), p + "home_segment",
               name + ": set either home or home_segment, not both");
      }
      rule.home =
          serving_region(r, cfg, t.get("home"), p + "home", r.text(t, p, "home", nullptr), name);
      homes.emplace_back(rule.home, p + "home");
    } else {
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
    }
    for (const auto& [home, field] : homes) {
      if (rule.allowed.count(home)) continue;
      std::vector<RegionId> set = explicit_set;
      if (allowed_word == "home-jurisdiction") {
        const std::string& j = cfg.find(region_list(cfg, {home}))->jurisdiction;
        for (const auto& rc : cfg.regions)
          if (rc.jurisdiction == j) set.push_back(rc.id);
      }
      if (std::find(set.begin(), set.end(), home) == set.end()) {
        r.fail(t.get(field.substr(p.size())) ? t.get(field.substr(p.size())) : &t, field,
               name + ": home \"" + region_list(cfg, {home}) +
                   "\" is outside the regions allowed to hold these keys (" +
                   region_list(cfg, set) + ")");
      }
      rule.allowed[home] = set;
    }
    cfg.server.placement.rules.push_back(std::move(rule));
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

dns::Fallback fallback(const Reporter& r, const toml::table& t, const std::string& p,
                       std::string_view key, const std::string& def) {
  std::string v = r.text(t, p, key, &def);
  if (v == "all") return dns::Fallback::kAll;
  if (v == "nearest") return dns::Fallback::kNearest;
  if (v == "servfail") return dns::Fallback::kServfail;
  r.fail(
      t.get(key), p + std::string(key),
      "expected \"all\" (fail-open), \"nearest\" or \"servfail\" (fail-closed), got \"" + v + "\"");
  return dns::Fallback::kAll;
}

void load_dns(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const toml::table* t = table_at(r, root, "dns");
  if (t == nullptr) return;
  const std::string p = "dns.";
  r.only_known(*t, p,
               {"listen", "ttl", "mode", "answers", "read_all_down", "write_all_down",
                "before_health", "names", "networks", "default_region", "weights", "priority",
                "rate_limit", "rate_limit_slip", "maxmind_db", "nameservers", "hostmaster"});
  dns::DnsSettings d;
  cfg.dns_listen = address(r, *t, p, "listen");
  d.ttl = static_cast<uint32_t>(r.integer(*t, p, "ttl", 30, 1, 86400));
  d.answers = static_cast<int>(r.integer(*t, p, "answers", 1, 1, 16));
  const std::string nearest = "nearest";
  std::string mode = r.text(*t, p, "mode", &nearest);
  if (mode == "nearest") {
    d.mode = dns::Mode::kNearest;
  } else if (mode == "weighted") {
    d.mode = dns::Mode::kWeighted;
  } else if (mode == "priority") {
    d.mode = dns::Mode::kPriority;
  } else {
    r.fail(t->get("mode"), p + "mode",
           "expected \"nearest\", \"weighted\" or \"priority\", got \"" + mode + "\"");
  }
  std::string no_db;
  d.maxmind_db = r.text(*t, p, "maxmind_db", &no_db);
  if (const toml::node* nn = t->get("nameservers")) {
    const toml::array* a = nn->as_array();
    if (a == nullptr) r.fail(nn, p + "nameservers", "expected a list of host names");
    for (size_t j = 0; j < a->size(); ++j) {
      const auto* s = a->get(j)->as_string();
      if (s == nullptr || s->get().empty()) {
        r.fail(a->get(j), p + "nameservers[" + std::to_string(j) + "]", "expected a host name");
      }
      std::string ns = s->get();
      if (ns.back() == '.') ns.pop_back();
      d.nameservers.push_back(ns);
    }
  }
  d.hostmaster = r.text(*t, p, "hostmaster", &d.hostmaster);
  if (!d.hostmaster.empty() && d.hostmaster.back() == '.') d.hostmaster.pop_back();
  d.rate_limit = static_cast<uint32_t>(r.integer(*t, p, "rate_limit", 0, 0, 10000000));
  d.rate_limit_slip = static_cast<uint32_t>(r.integer(*t, p, "rate_limit_slip", 2, 0, 100));
  d.read_all_down = fallback(r, *t, p, "read_all_down", "all");
  d.write_all_down = fallback(r, *t, p, "write_all_down", "servfail");
  d.before_health = fallback(r, *t, p, "before_health", "nearest");
  for (const auto& rc : cfg.regions) {
    if (!rc.serving()) continue;
    dns::DnsRegion dr;
    dr.name = rc.name;
    dr.address = rc.public_address;
    dr.latitude = rc.latitude;
    dr.longitude = rc.longitude;
    d.regions.push_back(dr);
  }
  auto region_index = [&](const toml::node* n, const std::string& field, const std::string& name) {
    for (size_t i = 0; i < d.regions.size(); ++i)
      if (d.regions[i].name == name) return i;
    r.fail(n, field, "no serving region named \"" + name + "\"");
    return size_t{0};
  };
  if (const toml::node* wn = t->get("weights")) {
    const toml::table* w = wn->as_table();
    if (w == nullptr) r.fail(wn, p + "weights", "expected { region = weight, ... }");
    for (const auto& [k, v] : *w) {
      auto i = region_index(&v, p + "weights." + std::string(k.str()), std::string(k.str()));
      auto n = v.value<int64_t>();
      if (!n || *n < 0 || *n > 1000000) {
        r.fail(&v, p + "weights." + std::string(k.str()), "expected a weight from 0 to 1000000");
      }
      d.regions[i].weight = static_cast<uint32_t>(*n);
    }
  }
  if (const toml::node* pn = t->get("priority")) {
    const toml::array* a = pn->as_array();
    if (a == nullptr) r.fail(pn, p + "priority", "expected a list of region names");
    for (auto& reg : d.regions) reg.priority = static_cast<int>(a->size());
    for (size_t j = 0; j < a->size(); ++j) {
      const auto* s = a->get(j)->as_string();
      std::string field = p + "priority[" + std::to_string(j) + "]";
      if (s == nullptr) r.fail(a->get(j), field, "expected a region name");
      d.regions[region_index(a->get(j), field, s->get())].priority = static_cast<int>(j);
    }
  }
  if (const toml::array* names = array_of_tables(r, *t, "names")) {
    for (size_t i = 0; i < names->size(); ++i) {
      const std::string np = p + "names[" + std::to_string(i) + "].";
      const toml::table& nt = *names->get(i)->as_table();
      r.only_known(nt, np, {"name", "kind"});
      dns::DnsName n;
      n.name = r.text(nt, np, "name", nullptr);
      std::transform(n.name.begin(), n.name.end(), n.name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      if (!n.name.empty() && n.name.back() == '.') n.name.pop_back();
      if (n.name.empty()) r.fail(nt.get("name"), np + "name", "must not be empty");
      const std::string read = "read";
      std::string kind = r.text(nt, np, "kind", &read);
      if (kind != "read" && kind != "write") {
        r.fail(nt.get("kind"), np + "kind", "expected \"read\" or \"write\", got \"" + kind + "\"");
      }
      n.kind = kind == "write" ? dns::NameKind::kWrite : dns::NameKind::kRead;
      d.names.push_back(n);
    }
  }
  if (d.names.empty()) r.fail(t, p + "names", "missing: at least one [[dns.names]] entry");
  auto location_of = [&](const dns::DnsRegion& reg) {
    return dns::Location{reg.latitude, reg.longitude, reg.name};
  };
  if (const toml::array* nets = array_of_tables(r, *t, "networks")) {
    for (size_t i = 0; i < nets->size(); ++i) {
      const std::string np = p + "networks[" + std::to_string(i) + "].";
      const toml::table& nt = *nets->get(i)->as_table();
      r.only_known(nt, np, {"cidr", "region", "latitude", "longitude", "label"});
      dns::NetworkTable::Entry e;
      std::string cidr = r.text(nt, np, "cidr", nullptr);
      auto net = dns::Network::parse(cidr);
      if (!net) r.fail(nt.get("cidr"), np + "cidr", "expected a CIDR such as 10.1.0.0/16");
      e.network = *net;
      if (nt.contains("region")) {
        std::string name = r.text(nt, np, "region", nullptr);
        e.location = location_of(d.regions[region_index(nt.get("region"), np + "region", name)]);
      } else {
        e.location.latitude = r.number(nt, np, "latitude", -90, 90);
        e.location.longitude = r.number(nt, np, "longitude", -180, 180);
        e.location.label = "lat " + std::to_string(e.location.latitude) + ", lon " +
                           std::to_string(e.location.longitude);
      }
      std::string none;
      std::string label = r.text(nt, np, "label", &none);
      if (!label.empty()) e.location.label = label;
      d.networks.entries.push_back(e);
    }
  }
  if (t->contains("default_region")) {
    std::string name = r.text(*t, p, "default_region", nullptr);
    d.default_location =
        location_of(d.regions[region_index(t->get("default_region"), p + "default_region", name)]);
  }
  cfg.dns = std::move(d);
}

void load_keyspaces(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const toml::array* arr = array_of_tables(r, root, "keyspaces");
  if (arr == nullptr) return;
  ReplicationSettings& rep = cfg.server.replication;
  std::set<std::string> patterns;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string p = "keyspaces[" + std::to_string(i) + "].";
    const toml::table& t = *arr->get(i)->as_table();
    r.only_known(t, p, {"pattern", "write", "write_timeout_ms", "read", "conflict", "priority"});
    KeyspacePolicy k;
    k.pattern = r.text(t, p, "pattern", nullptr);
    if (k.pattern.empty()) r.fail(t.get("pattern"), p + "pattern", "must not be empty");
    if (!patterns.insert(k.pattern).second) {
      r.fail(t.get("pattern"), p + "pattern",
             "duplicate pattern \"" + k.pattern + "\" (the first entry with it always wins)");
    }
    if (!t.contains("write") && !t.contains("read") && !t.contains("conflict")) {
      r.fail(&t, p + "write/read/conflict",
             "a keyspace entry must set write, read, conflict or several of them");
    }
    if (t.contains("conflict")) {
      k.conflict = conflict_policy(r, t, p, rep.default_conflict);
      if (*k.conflict == crdt::Policy::kRegionPriority) {
        const toml::node* pn = t.get("priority");
        k.priority = region_ids(r, cfg, pn ? pn : t.get("conflict"), p + "priority",
                                "region-priority needs priority = [\"region\", ...], highest "
                                "first");
      } else if (t.contains("priority")) {
        r.fail(t.get("priority"), p + "priority", "only used with conflict = \"region-priority\"");
      }
    }
    if (t.contains("write_timeout_ms") && !t.contains("write")) {
      r.fail(t.get("write_timeout_ms"), p + "write_timeout_ms",
             "needs write in the same entry (the timeout belongs to that write mode)");
    }
    if (t.contains("write")) {
      const int64_t timeout =
          r.integer(t, p, "write_timeout_ms", rep.default_write.timeout_ms, 1, kMaxTimeoutMs);
      k.write = write_policy(r, t, p, "write", "async", timeout);
      check_semi_sync(r, t.get("write"), p + "write", *k.write, cfg.serving_count());
    }
    if (t.contains("read")) {
      k.read = read_policy(r, t, p, "read", "local", rep.default_read.timeout_ms);
    }
    rep.keyspaces.push_back(std::move(k));
  }
}

void load_wan(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const toml::array* arr = array_of_tables(r, root, "wan");
  if (arr == nullptr) return;
  std::set<std::pair<std::string, std::string>> pairs;
  for (size_t i = 0; i < arr->size(); ++i) {
    const std::string p = "wan[" + std::to_string(i) + "].";
    const toml::table& t = *arr->get(i)->as_table();
    r.only_known(t, p, {"regions", "rtt_ms", "jitter_ms"});
    const toml::node* n = t.get("regions");
    const std::string want = "expected two region names, e.g. [\"us-east\", \"us-west\"]";
    if (n == nullptr) r.fail(&t, p + "regions", "missing (" + want + ")");
    const toml::array* names = n->as_array();
    if (names == nullptr || names->size() != 2 || !names->get(0)->is_string() ||
        !names->get(1)->is_string()) {
      r.fail(n, p + "regions", want);
    }
    ClusterConfig::WanLink link;
    link.a = *names->get(0)->value<std::string>();
    link.b = *names->get(1)->value<std::string>();
    for (const auto* name : {&link.a, &link.b}) {
      if (cfg.find(*name) == nullptr) {
        r.fail(n, p + "regions", "no region named \"" + *name + "\" in [[regions]]");
      }
    }
    if (link.a == link.b) {
      r.fail(n, p + "regions", "names \"" + link.a + "\" twice (a link joins two regions)");
    }
    if (!pairs.insert(std::minmax(link.a, link.b)).second) {
      r.fail(n, p + "regions",
             "the pair " + link.a + "/" + link.b + " already has a [[wan]] entry");
    }
    // The sender delays its own traffic, so each direction gets half the round trip.
    link.one_way_ms = r.integer(t, p, "rtt_ms", std::nullopt, 0, 600000) / 2;
    link.jitter_ms = r.integer(t, p, "jitter_ms", 0, 0, 60000);
    cfg.wan.push_back(std::move(link));
  }
}

}  // namespace

bool parse_host_port(const std::string& s, HostPort* out) {
  auto colon = s.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == s.size()) return false;
  std::string host = s.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  int64_t port = 0;
  for (size_t i = colon + 1; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    port = port * 10 + (s[i] - '0');
    if (port > 65535) return false;
  }
  if (port < 1) return false;
  out->host = host;
  out->port = static_cast<uint16_t>(port);
  return true;
}

const RegionConfig* ClusterConfig::find(const std::string& name) const {
  for (const auto& r : regions)
    if (r.name == name) return &r;
  return nullptr;
}

size_t ClusterConfig::serving_count() const {
  return static_cast<size_t>(std::count_if(regions.begin(), regions.end(),
                                           [](const RegionConfig& r) { return r.serving(); }));
}

std::vector<std::string> ClusterConfig::backup_destinations(const RegionConfig& region,
                                                            const std::string& data_root) const {
  // Sovereignty: a DR region receives `region`'s backups only if it may
  // hold every key `region` may hold.
  auto may_receive = [&](const RegionConfig& dr) {
    for (const auto& rule : server.placement.rules) {
      for (const auto& [home, set] : rule.allowed) {
        bool holds = std::find(set.begin(), set.end(), region.id) != set.end();
        if (holds && std::find(set.begin(), set.end(), dr.id) == set.end()) return false;
      }
    }
    return true;
  };
  std::vector<std::string> out;
  for (const auto& r : regions) {
    if (!r.serving() && may_receive(r)) {
      out.push_back((std::filesystem::path(r.backup_dir) / region.name).string());
    }
  }
  if (out.empty()) {
    out.push_back((std::filesystem::path(data_root) / "backups" / region.name).string());
  }
  return out;
}

RegionSettings ClusterConfig::settings_for(const RegionConfig& region) const {
  RegionSettings s = server;
  s.region_name = region.name;
  s.region_id = region.id;
  s.tcp_address = region.client.str();
  s.replication.regions.clear();
  for (const auto& r : regions) {
    if (r.id == region.id || (r.serving() && region.serving())) {
      s.replication.regions.push_back({r.id, r.name, r.client.str(), r.tier});
    }
  }
  return s;
}

std::pair<int64_t, int64_t> ClusterConfig::wan_delay(const std::string& a,
                                                     const std::string& b) const {
  for (const auto& w : wan) {
    if ((w.a == a && w.b == b) || (w.a == b && w.b == a)) return {w.one_way_ms, w.jitter_ms};
  }
  return {0, 0};
}

ClusterConfig load_cluster_config(const std::string& path) {
  toml::table root;
  try {
    root = toml::parse_file(path);
  } catch (const toml::parse_error& e) {
    const auto& b = e.source().begin;
    std::string where = path;
    if (b.line > 0) where += ":" + std::to_string(b.line) + ":" + std::to_string(b.column);
    throw ConfigError(where + ": " + std::string(e.description()));
  }
  Reporter r(path);
  ClusterConfig cfg;
  cfg.path = path;
  r.only_known(root, "",
               {"cluster", "server", "users", "regions", "replication", "keyspaces", "wan",
                "failover", "backup", "placement", "dns"});

  if (const auto* cluster = table_at(r, root, "cluster")) {
    r.only_known(*cluster, "cluster.", {"name"});
    std::string fallback = "local";
    cfg.server.cluster_name = r.text(*cluster, "cluster.", "name", &fallback);
  }

  RegionSettings& s = cfg.server;
  if (const auto* server = table_at(r, root, "server")) {
    const std::string p = "server.";
    r.only_known(*server, p,
                 {"fsync", "maxclients", "proto_max_bulk_len", "client_query_buffer_limit",
                  "max_multibulk_len", "enable_flushall", "hz", "log_level", "requirepass",
                  "cache_mb", "enable_debug"});
    std::string fsync_default = "everysec";
    std::string fsync = r.text(*server, p, "fsync", &fsync_default);
    if (fsync == "always") {
      s.fsync = FsyncMode::kAlways;
    } else if (fsync == "everysec") {
      s.fsync = FsyncMode::kEverySec;
    } else if (fsync == "no") {
      s.fsync = FsyncMode::kNo;
    } else {
      r.fail(server->get("fsync"), p + "fsync",
             "expected \"always\", \"everysec\" or \"no\", got \"" + fsync + "\"");
    }
    s.maxclients = r.integer(*server, p, "maxclients", 10000, 1, 1000000);
    s.limits.proto_max_bulk_len =
        r.integer(*server, p, "proto_max_bulk_len", 512LL << 20, 1024, INT64_MAX);
    s.limits.client_query_buffer_limit =
        r.integer(*server, p, "client_query_buffer_limit", 1LL << 30, 1LL << 20, INT64_MAX);
    s.limits.max_multibulk_len =
        r.integer(*server, p, "max_multibulk_len", 2147483647, 1, 2147483647);
    s.enable_flushall = r.boolean(*server, p, "enable_flushall", false);
    s.enable_debug = r.boolean(*server, p, "enable_debug", false);
    s.hz = static_cast<int>(r.integer(*server, p, "hz", 10, 1, 500));
    s.cache_bytes = static_cast<size_t>(r.integer(*server, p, "cache_mb", 256, 0, 1 << 20)) << 20;
    std::string level_default = "info";
    cfg.log_level = r.text(*server, p, "log_level", &level_default);
    static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error", "off"};
    if (!levels.count(cfg.log_level)) {
      r.fail(server->get("log_level"), p + "log_level",
             "expected one of trace, debug, info, warn, error, off");
    }
    std::string empty;
    s.requirepass = r.text(*server, p, "requirepass", &empty);
  }

  if (const toml::node* users = root.get("users")) {
    const auto* arr = users->as_array();
    if (arr == nullptr) r.fail(users, "users", "expected an array of tables ([[users]])");
    for (size_t i = 0; i < arr->size(); ++i) {
      std::string p = "users[" + std::to_string(i) + "].";
      const auto* t = arr->get(i)->as_table();
      if (t == nullptr) r.fail(arr->get(i), "users[" + std::to_string(i) + "]", "expected a table");
      r.only_known(*t, p, {"name", "password"});
      std::string name = r.text(*t, p, "name", nullptr);
      std::string pass = r.text(*t, p, "password", nullptr);
      if (name.empty() || name == "default") {
        r.fail(t->get("name"), p + "name",
               "a user needs a name other than \"default\" (set requirepass for the default user)");
      }
      if (pass.empty()) r.fail(t->get("password"), p + "password", "must not be empty");
      if (s.users.count(name))
        r.fail(t->get("name"), p + "name", "duplicate user \"" + name + "\"");
      s.users[name] = pass;
    }
  }

  const toml::node* regions = root.get("regions");
  if (regions == nullptr) {
    throw ConfigError(path + ": field 'regions': missing (at least one [[regions]] table)");
  }
  const auto* arr = regions->as_array();
  if (arr == nullptr || arr->empty()) {
    r.fail(regions, "regions", "expected at least one [[regions]] table");
  }
  std::set<std::string> names;
  std::set<int64_t> ids;
  std::set<std::string> addresses;
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string p = "regions[" + std::to_string(i) + "].";
    const auto* t = arr->get(i)->as_table();
    if (t == nullptr) r.fail(arr->get(i), "regions[" + std::to_string(i) + "]", "expected a table");
    r.only_known(*t, p,
                 {"name", "id", "client", "peer", "http", "jurisdiction", "latitude", "longitude",
                  "tier", "backup_dir", "public_address"});
    RegionConfig rc;
    rc.name = r.text(*t, p, "name", nullptr);
    if (rc.name.empty()) r.fail(t->get("name"), p + "name", "must not be empty");
    for (char c : rc.name) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
        r.fail(t->get("name"), p + "name", "use letters, digits, '-' and '_' only");
      }
    }
    if (!names.insert(rc.name).second) {
      r.fail(t->get("name"), p + "name", "duplicate region name \"" + rc.name + "\"");
    }
    int64_t id = r.integer(*t, p, "id", std::nullopt, 1, 65535);
    if (!ids.insert(id).second) {
      r.fail(t->get("id"), p + "id", "duplicate region id " + std::to_string(id));
    }
    rc.id = static_cast<RegionId>(id);
    rc.client = address(r, *t, p, "client");
    rc.peer = address(r, *t, p, "peer");
    rc.http = address(r, *t, p, "http");
    for (const auto* a : {&rc.client, &rc.peer, &rc.http}) {
      if (!addresses.insert(a->str()).second) {
        r.fail(t, p + "client/peer/http", "address " + a->str() + " is used twice");
      }
    }
    rc.jurisdiction = r.text(*t, p, "jurisdiction", nullptr);
    if (rc.jurisdiction.empty()) {
      r.fail(t->get("jurisdiction"), p + "jurisdiction", "must not be empty (e.g. \"US\", \"EU\")");
    }
    rc.latitude = r.number(*t, p, "latitude", -90, 90);
    rc.longitude = r.number(*t, p, "longitude", -180, 180);
    load_tier(r, *t, p, i, rc);
    rc.public_address = r.text(*t, p, "public_address", &rc.client.host);
    if (!dns::Address::parse(rc.public_address)) {
      r.fail(t->get("public_address") ? t->get("public_address") : t->get("client"),
             p + "public_address",
             "expected an IPv4 or IPv6 address, got \"" + rc.public_address + "\"");
    }
    cfg.regions.push_back(std::move(rc));
  }
  // After [[regions]]: these sections are checked against the region list.
  load_replication(r, root, cfg);
  load_keyspaces(r, root, cfg);
  load_failover(r, root, cfg);
  load_wan(r, root, cfg);
  load_backup(r, root, cfg);
  load_placement(r, root, cfg);
  load_dns(r, root, cfg);
  check_placement_write_modes(r, root, cfg);
  return cfg;
}

}  // namespace meridian
