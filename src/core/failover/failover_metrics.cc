// The failover manager's Prometheus metrics (GET /metrics): who is primary
// in which epoch, this region's lease, and each peer's health as seen here.
#include <limits>

#include "core/base/prometheus_text.h"
#include "core/failover/failover_manager.h"

namespace meridian {

void FailoverManager::write_metrics(PrometheusText& m) const {
  using T = PrometheusText::Type;
  m.single("meridian_failover_epoch", T::kGauge, "The primary's epoch as this region knows it",
           static_cast<double>(epoch_));
  m.single("meridian_failover_is_primary", T::kGauge, "1 if this region is the primary",
           is_primary() ? 1 : 0);
  m.family("meridian_failover_primary", T::kGauge,
           "1 for the region this region takes as primary (label region)");
  m.sample({{"region", primary_ == self_ ? self_name_ : name_of(primary_)}}, 1);
  m.single("meridian_failover_lease_held", T::kGauge,
           "1 while this region is primary and holds its lease (takes writes)",
           is_primary() && holds_lease() ? 1 : 0);
  m.family("meridian_failover_peer_healthy", T::kGauge,
           "Health of each other region as this region's checks see it: 1 healthy, 0.5 degraded, "
           "0 unhealthy, NaN unknown");
  for (const auto& p : peers_) {
    double v = p.health == Health::kHealthy     ? 1
               : p.health == Health::kDegraded  ? 0.5
               : p.health == Health::kUnhealthy ? 0
                                                : std::numeric_limits<double>::quiet_NaN();
    m.sample({{"peer", p.name}}, v);
  }
  m.family("meridian_failover_peer_rtt_seconds", T::kGauge,
           "Round trip of the latest health check of each other region (NaN: none answered)");
  for (const auto& p : peers_) {
    m.sample({{"peer", p.name}}, p.rtt_ms < 0 ? std::numeric_limits<double>::quiet_NaN()
                                              : static_cast<double>(p.rtt_ms) / 1000);
  }
  m.single("meridian_failover_primary_changes_total", T::kCounter,
           "Primary changes in this region's failover history (kept across restarts)",
           static_cast<double>(history_.size()));
}

}  // namespace meridian
