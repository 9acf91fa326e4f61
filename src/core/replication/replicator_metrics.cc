// Replication's Prometheus metrics (GET /metrics): per peer link, and this
// region's own counters. Names and meanings match INFO replication.
#include <algorithm>
#include <cmath>
#include <string_view>

#include "core/base/assert.h"
#include "core/base/prometheus_text.h"
#include "core/replication/replicator.h"

namespace meridian {

void Replicator::write_metrics(PrometheusText& m, int64_t now_ms) const {
  using T = PrometheusText::Type;
  struct Row {
    const Peer* peer;
    PeerView view;
  };
  std::vector<Row> rows;
  for (const auto& p : peers_) rows.push_back({&p, view(p, now_ms)});
  auto per_peer = [&](const char* name, T type, const char* help, auto value) {
    m.family(name, type, help);
    for (const auto& r : rows) m.sample({{"peer", r.peer->info.name}}, value(r));
  };
  per_peer("meridian_replication_link_up", T::kGauge,
           "1 while the link to the peer region is up (heard from within the link timeout)",
           [](const Row& r) { return r.view.up ? 1.0 : 0.0; });
  per_peer("meridian_replication_lag_operations", T::kGauge,
           "This region's writes the peer has not acknowledged",
           [](const Row& r) { return static_cast<double>(r.view.lag_ops); });
  per_peer("meridian_replication_lag_seconds", T::kGauge,
           "Age of the oldest write of this region the peer has not acknowledged (0: none; "
           "NaN: older than the in-memory log tail)",
           [](const Row& r) {
             return r.view.lag_ms < 0 ? std::nan("") : static_cast<double>(r.view.lag_ms) / 1000;
           });
  per_peer("meridian_replication_sent_bytes_total", T::kCounter,
           "Bytes of replication messages sent to the peer",
           [](const Row& r) { return static_cast<double>(r.peer->bytes_sent); });
  per_peer("meridian_replication_received_bytes_total", T::kCounter,
           "Bytes of replication messages received from the peer",
           [](const Row& r) { return static_cast<double>(r.peer->bytes_received); });
  per_peer("meridian_replication_sent_records_total", T::kCounter,
           "This region's log records sent to the peer",
           [](const Row& r) { return static_cast<double>(r.peer->records_to); });
  per_peer("meridian_replication_received_records_total", T::kCounter,
           "The peer's log records applied here",
           [](const Row& r) { return static_cast<double>(r.peer->records_from); });

  // Apply lag: how old the peer's records were when applied here.
  static constexpr double kBoundsMs[] = {1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000};
  m.family("meridian_replication_apply_lag_seconds", T::kHistogram,
           "Age of the peer's records (by their timestamp) when applied in this region");
  for (const auto& r : rows) {
    const auto& h = r.peer->lag_histogram;
    std::vector<std::pair<double, uint64_t>> le;
    uint64_t below = 0, total = 0;
    double sum_ms = 0;
    size_t ms = 0;
    for (double bound : kBoundsMs) {
      for (; ms < h.size() && static_cast<double>(ms) <= bound; ++ms) below += h[ms];
      le.emplace_back(bound / 1000, below);
    }
    for (size_t i = 0; i < h.size(); ++i) {
      total += h[i];
      sum_ms += static_cast<double>(i) * static_cast<double>(h[i]);
    }
    m.histogram({{"peer", r.peer->info.name}}, le, total, sum_ms / 1000);
  }

  m.single("meridian_replication_write_sequence", T::kGauge,
           "This region's last write sequence number", static_cast<double>(keyspace_.sequence()));
  // The region-wide counters INFO replication shows (counters()), under
  // Prometheus' names.
  struct Named {
    const char* info;
    const char* name;
    T type;
    const char* help;
  };
  static constexpr Named kNamed[] = {
      {"records_applied", "meridian_replication_applied_records_total", T::kCounter,
       "Other regions' records applied here"},
      {"keys_refused", "meridian_replication_keys_refused_total", T::kCounter,
       "Keys in records and resyncs from other regions refused because [[placement]] does not "
       "let this region hold them"},
      {"records_waiting", "meridian_replication_records_waiting", T::kGauge,
       "Records held until the writes they depend on arrive"},
      {"resends", "meridian_replication_resends_total", T::kCounter,
       "Streams sent again after a gap"},
      {"snapshots_sent", "meridian_replication_snapshots_sent_total", T::kCounter,
       "Full resyncs sent to peers"},
      {"snapshots_applied", "meridian_replication_snapshots_applied_total", T::kCounter,
       "Full resyncs received and applied"},
      {"resyncing", "meridian_replication_resyncing", T::kGauge,
       "1 while a full resync is being received"},
      {"write_waits_timed_out", "meridian_replication_write_waits_timed_out_total", T::kCounter,
       "Sync and semi-sync writes whose acknowledgements did not come in time"},
  };
  const auto values = counters();
  for (const auto& n : kNamed) {
    auto it = std::find_if(values.begin(), values.end(),
                           [&](const auto& v) { return std::string_view(v.first) == n.info; });
    MERIDIAN_ASSERT(it != values.end(), "every metric names a counter INFO shows");
    m.single(n.name, n.type, n.help, static_cast<double>(it->second));
  }
}

}  // namespace meridian
