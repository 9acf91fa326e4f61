#pragma once
// OpenSSL contexts built from [tls] (config/cluster_config.h), with Redis'
// meaning for each setting: the certificate and key a server presents, the
// CAs it trusts, whether clients must present one (auth_clients), the
// protocol versions and ciphers allowed.
#include <asio/ssl/context.hpp>

#include "config/cluster_config.h"

namespace meridian {

// The context of a TLS server (the tls_port clients connect to). Throws
// std::runtime_error saying which file or setting OpenSSL refused and why.
asio::ssl::context make_server_tls_context(const TlsConfig& cfg);

// OpenSSL's queued errors as one line ("" when none), clearing the queue.
std::string openssl_errors();

}  // namespace meridian
