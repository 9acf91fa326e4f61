// [replication] and [[keyspaces]]: the peer-link secret and the default
// write, read and conflict policies, and their overrides per key pattern.
#include <set>
#include <string>

#include "config/config_sections.h"

namespace meridian::config_detail {
namespace {

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

}  // namespace

void load_replication(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  ReplicationSettings& rep = cfg.server.replication;
  const size_t region_count = cfg.serving_count();
  const toml::table& tab = section(r, root, "replication");
  const std::string p = "replication.";
  r.only_known(
      tab, p,
      {"secret", "write", "write_timeout_ms", "on_timeout", "read", "read_timeout_ms",
       "log_retention_ops", "log_max_ops", "heartbeat_ms", "compress", "conflict", "max_siblings"});

  std::string no_secret;
  cfg.secret = r.text(tab, p, "secret", &no_secret);
  if (region_count > 1 && cfg.secret.empty()) {
    const toml::node* where =
        tab.get("secret") ? tab.get("secret") : table_at(r, root, "replication");
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
    k.pattern = unique_pattern(r, t, p, patterns, "entry");
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

}  // namespace meridian::config_detail
