#pragma once
// A client for a region's http address (status pages, /metrics) with the
// same scheme, CA and bearer token the config gives its pages; kept alive
// between requests. For `meridian dns` and `meridian top`.
#include <chrono>
#include <memory>

#include "config/cluster_config.h"

namespace httplib {
class Client;
}

namespace meridian {

std::unique_ptr<httplib::Client> region_http_client(const ClusterConfig& cfg,
                                                    const RegionConfig& region,
                                                    std::chrono::milliseconds timeout);

}  // namespace meridian
