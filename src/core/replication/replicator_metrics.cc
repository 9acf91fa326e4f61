// Replication's Prometheus metrics (GET /metrics): per peer link, and this
// region's own counters. Names and meanings match INFO replication.
#include <cmath>

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

  size_t held = 0;
  for (const auto& [o, h] : held_) held += h.records.size();
  auto one = [&](const char* name, T type, const char* help, double v) {
    m.family(name, type, help);
    m.sample({}, v);
  };
  const auto& s = stats_;
  one("meridian_replication_write_sequence", T::kGauge, "This region's last write sequence number",
      static_cast<double>(keyspace_.sequence()));
  one("meridian_replication_applied_records_total", T::kCounter,
      "Other regions' records applied here", static_cast<double>(s.records_applied));
  one("meridian_replication_keys_refused_total", T::kCounter,
      "Keys in records and resyncs from other regions refused because [[placement]] does not "
      "let this region hold them",
      static_cast<double>(s.keys_refused));
  one("meridian_replication_records_waiting", T::kGauge,
      "Records held until the writes they depend on arrive", static_cast<double>(held));
  one("meridian_replication_resends_total", T::kCounter, "Streams sent again after a gap",
      static_cast<double>(s.resends));
  one("meridian_replication_snapshots_sent_total", T::kCounter, "Full resyncs sent to peers",
      static_cast<double>(s.snapshots_sent));
  one("meridian_replication_snapshots_applied_total", T::kCounter,
      "Full resyncs received and applied", static_cast<double>(s.snapshots_applied));
  one("meridian_replication_resyncing", T::kGauge, "1 while a full resync is being received",
      resyncing_ ? 1 : 0);
  one("meridian_replication_write_waits_timed_out_total", T::kCounter,
      "Sync and semi-sync writes whose acknowledgements did not come in time",
      static_cast<double>(s.write_waits_timed_out));
}

}  // namespace meridian
