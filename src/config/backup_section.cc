// [backup]: how often every serving region is backed up, and how many backups
// are kept.
#include <string>

#include "config/config_sections.h"

namespace meridian::config_detail {

void load_backup(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const toml::table& tab = section(r, root, "backup");
  const std::string p = "backup.";
  r.only_known(tab, p, {"interval_s", "keep"});
  cfg.backup.interval_s = r.integer(tab, p, "interval_s", 0, 0, INT64_MAX / 1000);
  cfg.backup.keep = static_cast<int>(r.integer(tab, p, "keep", 24, 1, 100000));
}

}  // namespace meridian::config_detail
