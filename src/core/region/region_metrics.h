#pragma once
// A region's metrics in the Prometheus text format, for GET /metrics on its
// http address: commands (calls, errors, latency histograms), clients, keys,
// conflicts, replication per peer, failover, backups, memory and storage.
// Names follow Prometheus' conventions (meridian_ prefix, units in the name,
// _total on counters); docs/metrics.md lists them. No I/O: memory and
// backups come from the runtime's probes when it set them.
#include <string>

#include "core/base/prometheus_text.h"

namespace meridian {

class Region;

void write_region_metrics(Region& region, PrometheusText& out);

}  // namespace meridian
