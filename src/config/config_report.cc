#include "config/config_report.h"

namespace meridian::config_detail {
namespace {

std::string join(std::initializer_list<std::string_view> names) {
  std::string out;
  for (auto n : names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

std::string fmt(double d) {
  std::string s = std::to_string(d);
  while (!s.empty() && s.back() == '0') s.pop_back();
  if (!s.empty() && s.back() == '.') s.pop_back();
  return s;
}

}  // namespace

void Reporter::fail(const toml::node* node, const std::string& field,
                    const std::string& msg) const {
  std::string where = path_;
  if (node != nullptr && node->source().begin.line > 0) {
    where += ":" + std::to_string(node->source().begin.line) + ":" +
             std::to_string(node->source().begin.column);
  }
  throw ConfigError(where + ": field '" + field + "': " + msg);
}

void Reporter::only_known(const toml::table& t, const std::string& prefix,
                          std::initializer_list<std::string_view> known) const {
  for (const auto& [k, v] : t) {
    bool ok = false;
    for (auto n : known) ok = ok || k.str() == n;
    if (!ok) {
      fail(&v, prefix + std::string(k.str()), "unknown field (allowed: " + join(known) + ")");
    }
  }
}

std::string Reporter::text(const toml::table& t, const std::string& prefix, std::string_view key,
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

int64_t Reporter::integer(const toml::table& t, const std::string& prefix, std::string_view key,
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

double Reporter::number(const toml::table& t, const std::string& prefix, std::string_view key,
                        double lo, double hi) const {
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

bool Reporter::boolean(const toml::table& t, const std::string& prefix, std::string_view key,
                       bool fallback) const {
  const toml::node* n = t.get(key);
  if (n == nullptr) return fallback;
  auto v = n->value<bool>();
  if (!v || !n->is_boolean()) fail(n, prefix + std::string(key), "expected true or false");
  return *v;
}

const toml::table* table_at(const Reporter& r, const toml::table& root, std::string_view key) {
  const toml::node* n = root.get(key);
  if (n == nullptr) return nullptr;
  if (!n->is_table()) r.fail(n, std::string(key), "expected a table ([" + std::string(key) + "])");
  return n->as_table();
}

const toml::table& section(const Reporter& r, const toml::table& root, std::string_view key) {
  static const toml::table empty;
  const toml::table* t = table_at(r, root, key);
  return t ? *t : empty;
}

std::string unique_pattern(const Reporter& r, const toml::table& t, const std::string& prefix,
                           std::set<std::string>& seen, std::string_view what) {
  std::string pattern = r.text(t, prefix, "pattern", nullptr);
  if (pattern.empty()) r.fail(t.get("pattern"), prefix + "pattern", "must not be empty");
  if (!seen.insert(pattern).second) {
    r.fail(t.get("pattern"), prefix + "pattern",
           "duplicate pattern \"" + pattern + "\" (the first " + std::string(what) +
               " with it always wins)");
  }
  return pattern;
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

}  // namespace meridian::config_detail
