#pragma once
// OpenSSL contexts built from [tls] (config/cluster_config.h), with Redis'
// meaning for each setting: the certificate and key a server presents, the
// CAs it trusts, whether clients must present one (auth_clients), the
// protocol versions and ciphers allowed.
#include <asio/ssl/context.hpp>
#include <string>

#include "config/cluster_config.h"

namespace meridian {

// The context of a TLS server (the tls_port clients connect to). Throws
// std::runtime_error saying which file or setting OpenSSL refused and why.
asio::ssl::context make_server_tls_context(const TlsConfig& cfg);

// The contexts of TLS peer links, for the side that listens (`server`) or
// dials: TLS 1.3 only, the region's certificate from cfg, and the peer's
// required and checked against cfg's CAs. The region name is checked apart
// (certificate_names), as the listener learns it from the handshake.
asio::ssl::context make_peer_tls_context(const TlsConfig& cfg, bool server);

// Whether the certificate the other side of `ssl` presented names `name`
// (a DNS subject alternative name, else its common name).
bool certificate_names(SSL* ssl, const std::string& name);

// OpenSSL's queued errors as one line ("" when none), clearing the queue.
std::string openssl_errors();

}  // namespace meridian
