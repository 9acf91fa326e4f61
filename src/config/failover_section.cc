// [failover]: the failover pattern, the health checks and lease that decide
// when the primary changes, the promotion order, and the hooks run on a change.
#include <string>

#include "config/config_sections.h"

namespace meridian::config_detail {

void load_failover(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  FailoverSettings& f = cfg.server.failover;
  const toml::table& tab = section(r, root, "failover");
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

}  // namespace meridian::config_detail
