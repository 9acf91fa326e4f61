#include "runtime/real/region_http_client.h"

#include <httplib.h>

namespace meridian {

std::unique_ptr<httplib::Client> region_http_client(const ClusterConfig& cfg,
                                                    const RegionConfig& region,
                                                    std::chrono::milliseconds timeout) {
  auto cli = std::make_unique<httplib::Client>((cfg.tls.http ? "https://" : "http://") +
                                               region.http.str());
  if (cfg.tls.http) {
    cli->enable_server_certificate_verification(true);
    if (!cfg.tls.ca_cert_file.empty() || !cfg.tls.ca_cert_dir.empty()) {
      cli->set_ca_cert_path(cfg.tls.ca_cert_file, cfg.tls.ca_cert_dir);
    }
  }
  if (!cfg.http_token.empty()) cli->set_bearer_token_auth(cfg.http_token);
  cli->set_keep_alive(true);
  cli->set_connection_timeout(timeout);
  cli->set_read_timeout(timeout);
  return cli;
}

}  // namespace meridian
