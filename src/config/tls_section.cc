// [tls]: the certificates and TLS settings of Redis' tls-* options, and the
// check that every region with a tls_port has what a TLS server needs.
#include <fstream>
#include <set>
#include <sstream>
#include <string>

#include "config/config_sections.h"

namespace meridian::config_detail {
namespace {

bool readable(const std::string& path) {
  std::ifstream f(path);
  return f.good();
}

void check_protocols(const Reporter& r, const toml::table& t, const std::string& protocols) {
  static const std::set<std::string> known = {"TLSv1", "TLSv1.1", "TLSv1.2", "TLSv1.3"};
  std::istringstream in(protocols);
  std::string word;
  bool any = false;
  while (in >> word) {
    any = true;
    if (known.count(word) == 0) {
      r.fail(t.get("protocols"), "tls.protocols",
             "unknown protocol \"" + word + "\": expected TLSv1, TLSv1.1, TLSv1.2 or TLSv1.3");
    }
  }
  if (!any && !protocols.empty()) {
    r.fail(t.get("protocols"), "tls.protocols", "names no protocol (e.g. \"TLSv1.2 TLSv1.3\")");
  }
}

}  // namespace

void load_tls(const Reporter& r, const toml::table& root, ClusterConfig& cfg) {
  const toml::table& t = section(r, root, "tls");
  const std::string p = "tls.";
  r.only_known(t, p,
               {"cert_file", "key_file", "ca_cert_file", "ca_cert_dir", "auth_clients", "protocols",
                "ciphers", "ciphersuites", "prefer_server_ciphers", "replication", "http"});
  TlsConfig& tls = cfg.tls;
  const std::string none;
  tls.cert_file = r.text(t, p, "cert_file", &none);
  tls.key_file = r.text(t, p, "key_file", &none);
  tls.ca_cert_file = r.text(t, p, "ca_cert_file", &none);
  tls.ca_cert_dir = r.text(t, p, "ca_cert_dir", &none);
  const std::string yes = "yes";
  tls.auth_clients = r.text(t, p, "auth_clients", &yes);
  if (tls.auth_clients != "yes" && tls.auth_clients != "no" && tls.auth_clients != "optional") {
    r.fail(t.get("auth_clients"), p + "auth_clients",
           "expected \"yes\", \"no\" or \"optional\", got \"" + tls.auth_clients + "\"");
  }
  tls.protocols = r.text(t, p, "protocols", &none);
  check_protocols(r, t, tls.protocols);
  tls.ciphers = r.text(t, p, "ciphers", &none);
  tls.ciphersuites = r.text(t, p, "ciphersuites", &none);
  tls.prefer_server_ciphers = r.boolean(t, p, "prefer_server_ciphers", false);
  tls.replication = r.boolean(t, p, "replication", false);
  tls.http = r.boolean(t, p, "http", false);

  if (!tls.ca_cert_file.empty() && !readable(tls.ca_cert_file)) {
    r.fail(t.get("ca_cert_file"), p + "ca_cert_file", "cannot read \"" + tls.ca_cert_file + "\"");
  }
  for (size_t i = 0; i < cfg.regions.size(); ++i) {
    const RegionConfig& region = cfg.regions[i];
    const bool links = tls.replication && region.serving() && cfg.serving_count() > 1;
    // Status pages bound beyond this machine answer only with a token.
    const std::string& h = region.http.host;
    const bool loopback = h.rfind("127.", 0) == 0 || h == "::1" || h == "localhost";
    if (!loopback && cfg.http_token.empty()) {
      r.fail(&t, "regions[" + std::to_string(i) + "].http",
             "the status pages of " + region.http.str() +
                 " would answer anyone who reaches that address: set [server] http_token "
                 "(clients then send \"Authorization: Bearer <token>\") or bind them to "
                 "127.0.0.1");
    }
    if (region.tls_port == 0 && !links && !(tls.http && region.serving())) continue;
    const std::string field =
        "regions[" + std::to_string(i) + "]." + (region.tls_port ? "tls_port" : "tls_cert_file");
    const TlsConfig mine = cfg.tls_for(region);
    if (mine.cert_file.empty() || mine.key_file.empty()) {
      r.fail(&t, field,
             std::string(region.tls_port ? "a TLS port" : "TLS replication or HTTPS") +
                 " needs a certificate: set [tls] cert_file and key_file (or the region's "
                 "tls_cert_file and tls_key_file)");
    }
    for (const auto* f : {&mine.cert_file, &mine.key_file}) {
      if (!readable(*f)) r.fail(&t, field, "cannot read \"" + *f + "\"");
    }
    if ((links || (region.tls_port && mine.auth_clients != "no")) && mine.ca_cert_file.empty() &&
        mine.ca_cert_dir.empty()) {
      r.fail(&t, field,
             "either [tls] ca_cert_file or ca_cert_dir must be set to verify clients and peers "
             "(or set auth_clients = \"no\" for clients)");
    }
  }
}

}  // namespace meridian::config_detail
