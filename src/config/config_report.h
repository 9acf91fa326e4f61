#pragma once
// Shared by the loaders of the config's TOML sections: the Reporter, which
// refuses a bad field with "FILE:LINE:COL: field 'PATH': what to fix", its
// typed reads (string, integer in a range, number, boolean, no unknown keys),
// and the checks several sections make (tables, arrays of tables, host:port
// addresses, lists of region names).
#include <toml++/toml.h>

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/cluster_config.h"

namespace meridian::config_detail {

// Builds "FILE:LINE:COL: field 'PATH': MESSAGE". In every read, `prefix` is
// the path of the table (e.g. "regions[0].") and `key` the field in it.
class Reporter {
 public:
  explicit Reporter(std::string path) : path_(std::move(path)) {}

  [[noreturn]] void fail(const toml::node* node, const std::string& field,
                         const std::string& msg) const;

  // Refuses keys the schema does not know, which are nearly always typos.
  void only_known(const toml::table& t, const std::string& prefix,
                  std::initializer_list<std::string_view> known) const;

  // A string; `fallback` when absent, or required when `fallback` is null.
  std::string text(const toml::table& t, const std::string& prefix, std::string_view key,
                   const std::string* fallback) const;
  // An integer in [lo, hi]; `fallback` when absent, or required without one.
  int64_t integer(const toml::table& t, const std::string& prefix, std::string_view key,
                  std::optional<int64_t> fallback, int64_t lo, int64_t hi) const;
  // A required number (integer or float) in [lo, hi].
  double number(const toml::table& t, const std::string& prefix, std::string_view key, double lo,
                double hi) const;
  bool boolean(const toml::table& t, const std::string& prefix, std::string_view key,
               bool fallback) const;

 private:
  std::string path_;
};

// root[key] as a table ([key]); null when absent.
const toml::table* table_at(const Reporter& r, const toml::table& root, std::string_view key);
// root[key] as a table, or an empty one when absent (every field defaults).
const toml::table& section(const Reporter& r, const toml::table& root, std::string_view key);

// The `pattern` field of one entry of [[keyspaces]] or [[placement]]: not
// empty and not seen before in `seen` (`what`: "entry", "rule").
std::string unique_pattern(const Reporter& r, const toml::table& t, const std::string& prefix,
                           std::set<std::string>& seen, std::string_view what);

// root[key] as an array of tables ([[key]]), every element checked; null when
// absent.
const toml::array* array_of_tables(const Reporter& r, const toml::table& root,
                                   std::string_view key);

// A required "host:port" field.
HostPort address(const Reporter& r, const toml::table& t, const std::string& prefix,
                 std::string_view key);

// A non-empty list of region names of this config, as their ids in order.
std::vector<RegionId> region_ids(const Reporter& r, const ClusterConfig& cfg,
                                 const toml::node* node, const std::string& field,
                                 const std::string& what);

}  // namespace meridian::config_detail
