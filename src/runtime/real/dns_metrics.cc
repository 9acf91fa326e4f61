// `meridian dns`'s Prometheus metrics (GET /metrics on [dns] http): queries,
// answers by region, by reason and by response code, rate-limited answers, TCP
// connections, and the cluster health verdict the answers follow.
#include <limits>

#include "core/base/prometheus_text.h"
#include "runtime/real/dns_server.h"

namespace meridian {

std::string DnsServer::metrics_text() const {
  using T = PrometheusText::Type;
  PrometheusText m;
  m.single("meridian_dns_queries_total", T::kCounter, "DNS queries parsed (UDP and TCP)",
           static_cast<double>(queries_));
  m.family("meridian_dns_answers_total", T::kCounter,
           "Answers by the region whose address comes first in them");
  for (const auto& r : router_.settings().regions) {
    auto it = answered_.find(&r);
    m.sample({{"region", r.name}}, it == answered_.end() ? 0 : static_cast<double>(it->second));
  }
  m.family("meridian_dns_decisions_total", T::kCounter,
           "Queries by why they were answered so: nearest (the nearest healthy region), "
           "nearer_down (a further one: nearer ones are down), weighted, priority, primary (a "
           "write name), fail_open, no_verdict, fail_closed, refused");
  for (size_t i = 0; i < reasons_.size(); ++i) {
    m.sample({{"reason", dns::Decision::reason_name(static_cast<dns::Decision::Reason>(i))}},
             static_cast<double>(reasons_[i]));
  }
  m.family("meridian_dns_responses_total", T::kCounter,
           "Responses by code: NOERROR (an answer, or no record of that type), SERVFAIL (no "
           "region may answer: write_all_down), REFUSED (not a name of this zone), NXDOMAIN");
  static constexpr const char* kCodes[] = {"NOERROR", "SERVFAIL", "REFUSED", "NXDOMAIN"};
  for (size_t i = 0; i < rcodes_.size(); ++i) {
    m.sample({{"rcode", kCodes[i]}}, static_cast<double>(rcodes_[i]));
  }
  m.single("meridian_dns_rate_limited_total", T::kCounter,
           "UDP answers dropped or truncated by response rate limiting ([dns] rate_limit)",
           static_cast<double>(limiter_.limited()));
  m.single("meridian_dns_tcp_connections", T::kGauge, "TCP connections open",
           static_cast<double>(tcp_open_));
  m.single("meridian_dns_tcp_refused_total", T::kCounter,
           "TCP connections refused at [dns] tcp_max_connections",
           static_cast<double>(tcp_refused_));
  m.family("meridian_dns_region_healthy", T::kGauge,
           "The cluster's health verdict for each region, as the answers use it: 1 healthy, "
           "0.5 degraded, 0 down, NaN unknown");
  auto view = poller_.view();
  for (const auto& r : router_.settings().regions) {
    auto it = view->health.find(r.name);
    const dns::Health h = it == view->health.end() ? dns::Health::kUnknown : it->second;
    m.sample({{"region", r.name}}, h == dns::Health::kHealthy    ? 1
                                   : h == dns::Health::kDegraded ? 0.5
                                   : h == dns::Health::kDown
                                       ? 0
                                       : std::numeric_limits<double>::quiet_NaN());
  }
  return m.text();
}

}  // namespace meridian
