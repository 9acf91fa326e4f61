// [cluster], [server] and [[users]]: the cluster's name, the settings every
// region's server shares, and the users clients authenticate as.
#include <optional>
#include <set>
#include <string>

#include "config/config_sections.h"
#include "core/acl/acl.h"
#include "core/settings/memory_budget.h"

namespace meridian::config_detail {
namespace {

FsyncMode fsync_mode(const Reporter& r, const toml::table& server, const std::string& p) {
  std::string fsync_default = "everysec";
  std::string fsync = r.text(server, p, "fsync", &fsync_default);
  if (fsync == "always") return FsyncMode::kAlways;
  if (fsync == "everysec") return FsyncMode::kEverySec;
  if (fsync == "no") return FsyncMode::kNo;
  r.fail(server.get("fsync"), p + "fsync",
         "expected \"always\", \"everysec\" or \"no\", got \"" + fsync + "\"");
}

// Redis' memtoll: a number with an optional k, kb, m, mb, g or gb.
std::optional<uint64_t> bytes_of(std::string word) {
  for (char& c : word) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  static const std::pair<const char*, uint64_t> kUnits[] = {{"gb", uint64_t{1} << 30},
                                                            {"g", 1000000000},
                                                            {"mb", uint64_t{1} << 20},
                                                            {"m", 1000000},
                                                            {"kb", 1024},
                                                            {"k", 1000}};
  uint64_t mul = 1;
  for (const auto& [suffix, m] : kUnits) {
    const std::string_view sfx(suffix);
    if (word.size() > sfx.size() && std::string_view(word).ends_with(sfx)) {
      word.resize(word.size() - sfx.size());
      mul = m;
      break;
    }
  }
  if (word.empty() || word.find_first_not_of("0123456789") != std::string::npos ||
      word.size() > 15) {
    return std::nullopt;
  }
  return std::stoull(word) * mul;
}

// "<class> <hard> <soft> <soft seconds> ...", as Redis' directive: the
// classes normal and pubsub (Meridian has no replica clients).
std::optional<std::string> parse_output_limits(const std::string& text, RegionSettings& s) {
  std::vector<std::string> w;
  for (size_t i = 0; i < text.size();) {
    const size_t j = text.find(' ', i);
    const size_t end = j == std::string::npos ? text.size() : j;
    if (end > i) w.push_back(text.substr(i, end - i));
    i = end + 1;
  }
  if (w.empty() || w.size() % 4 != 0) {
    return "expected \"<class> <hard> <soft> <soft seconds>\" for each class, e.g. \"normal 0 0 "
           "0 pubsub 32mb 8mb 60\"";
  }
  for (size_t i = 0; i < w.size(); i += 4) {
    RegionSettings::OutputLimit* l = w[i] == "normal"   ? &s.output_limit_normal
                                     : w[i] == "pubsub" ? &s.output_limit_pubsub
                                                        : nullptr;
    if (l == nullptr) return "unknown client class \"" + w[i] + "\" (normal or pubsub)";
    auto hard = bytes_of(w[i + 1]), soft = bytes_of(w[i + 2]), secs = bytes_of(w[i + 3]);
    if (!hard || !soft || !secs)
      return "limits of \"" + w[i] + "\" must be sizes (32mb) and seconds";
    l->hard = *hard;
    l->soft = *soft;
    l->soft_seconds = static_cast<int64_t>(*secs);
  }
  return std::nullopt;
}

}  // namespace

void load_cluster(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  if (const auto* cluster = table_at(r, root, "cluster")) {
    r.only_known(*cluster, "cluster.", {"name"});
    std::string fallback = "local";
    cfg.server.cluster_name = r.text(*cluster, "cluster.", "name", &fallback);
  }
}

void load_server(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const auto* server = table_at(r, root, "server");
  if (server == nullptr) return;
  RegionSettings& s = cfg.server;
  const std::string p = "server.";
  r.only_known(
      *server, p,
      {"fsync", "maxclients", "proto_max_bulk_len", "client_query_buffer_limit",
       "max_multibulk_len", "enable_flushall", "hz", "log_level", "requirepass", "cache_mb",
       "memory_budget_mb", "enable_debug", "http_token", "aclfile", "client_output_buffer_limit"});
  s.fsync = fsync_mode(r, *server, p);
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
  if (const toml::node* budget = server->get("memory_budget_mb")) {
    if (server->get("cache_mb") != nullptr) {
      r.fail(budget, p + "memory_budget_mb",
             "set either memory_budget_mb or cache_mb, not both (the budget sizes the caches)");
    }
    s.memory_budget_bytes =
        static_cast<size_t>(r.integer(*server, p, "memory_budget_mb", std::nullopt,
                                      kMinMemoryBudget >> 20, 1 << 20))
        << 20;
    const MemoryShares shares = split_memory_budget(s.memory_budget_bytes);
    s.cache_bytes = shares.cache_bytes;
    s.block_cache_bytes = shares.block_cache_bytes;
    s.memtable_bytes = shares.memtable_bytes;
  }
  std::string level_default = "info";
  cfg.log_level = r.text(*server, p, "log_level", &level_default);
  static const std::set<std::string> levels = {"trace", "debug", "info", "warn", "error", "off"};
  if (!levels.count(cfg.log_level)) {
    r.fail(server->get("log_level"), p + "log_level",
           "expected one of trace, debug, info, warn, error, off");
  }
  std::string empty;
  s.requirepass = r.text(*server, p, "requirepass", &empty);
  cfg.http_token = r.text(*server, p, "http_token", &empty);
  s.aclfile = r.text(*server, p, "aclfile", &empty);
  if (server->get("client_output_buffer_limit") != nullptr) {
    const std::string text = r.text(*server, p, "client_output_buffer_limit", nullptr);
    if (auto err = parse_output_limits(text, s)) {
      r.fail(server->get("client_output_buffer_limit"), p + "client_output_buffer_limit", *err);
    }
  }
}

void load_users(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const toml::node* users = root.get("users");
  if (users == nullptr) return;
  RegionSettings& s = cfg.server;
  const auto* arr = users->as_array();
  if (arr == nullptr) r.fail(users, "users", "expected an array of tables ([[users]])");
  for (size_t i = 0; i < arr->size(); ++i) {
    std::string p = "users[" + std::to_string(i) + "].";
    const auto* t = arr->get(i)->as_table();
    if (t == nullptr) r.fail(arr->get(i), "users[" + std::to_string(i) + "]", "expected a table");
    r.only_known(*t, p, {"name", "password", "rules"});
    std::string name = r.text(*t, p, "name", nullptr);
    std::string pass = r.text(*t, p, "password", nullptr);
    if (name.empty() || name == "default") {
      r.fail(t->get("name"), p + "name",
             "a user needs a name other than \"default\" (set requirepass for the default user)");
    }
    if (pass.empty()) r.fail(t->get("password"), p + "password", "must not be empty");
    if (s.users.count(name)) r.fail(t->get("name"), p + "name", "duplicate user \"" + name + "\"");
    s.users[name] = pass;
    if (t->get("rules") != nullptr) {
      std::string rules = r.text(*t, p, "rules", nullptr);
      Acl check;
      if (auto err = check.set_user(name, std::string_view(rules))) {
        std::string_view why = *err;
        if (why.starts_with("ERR ")) why.remove_prefix(4);
        r.fail(t->get("rules"), p + "rules", std::string(why));
      }
      s.user_rules[name] = rules;
    }
  }
}

}  // namespace meridian::config_detail
