#include "config/cluster_config.h"

#include <toml++/toml.h>

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

RegionSettings ClusterConfig::settings_for(const RegionConfig& region) const {
  RegionSettings s = server;
  s.region_name = region.name;
  s.region_id = region.id;
  s.tcp_address = region.client.str();
  return s;
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
  r.only_known(root, "", {"cluster", "server", "users", "regions"});

  if (const auto* cluster = table_at(r, root, "cluster")) {
    r.only_known(*cluster, "cluster.", {"name"});
    std::string fallback = "local";
    cfg.server.cluster_name = r.text(*cluster, "cluster.", "name", &fallback);
  }

  RegionSettings& s = cfg.server;
  if (const auto* server = table_at(r, root, "server")) {
    const std::string p = "server.";
    r.only_known(
        *server, p,
        {"fsync", "maxclients", "proto_max_bulk_len", "client_query_buffer_limit",
         "max_multibulk_len", "enable_flushall", "hz", "log_level", "requirepass", "cache_mb"});
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
                 {"name", "id", "client", "peer", "http", "jurisdiction", "latitude", "longitude"});
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
    cfg.regions.push_back(std::move(rc));
  }
  return cfg;
}

}  // namespace meridian
