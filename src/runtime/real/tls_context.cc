#include "runtime/real/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <sstream>
#include <stdexcept>
#include <string>

namespace meridian {
namespace {

[[noreturn]] void refuse(const std::string& what) {
  std::string why = openssl_errors();
  throw std::runtime_error("TLS: " + what + (why.empty() ? "" : ": " + why));
}

// Redis' tls-protocols: every version not listed is switched off; none
// listed means TLSv1.2 and TLSv1.3.
long protocol_options(const std::string& protocols) {
  std::string list = protocols.empty() ? "TLSv1.2 TLSv1.3" : protocols;
  bool v10 = false, v11 = false, v12 = false, v13 = false;
  std::istringstream in(list);
  std::string word;
  while (in >> word) {
    v10 |= word == "TLSv1";
    v11 |= word == "TLSv1.1";
    v12 |= word == "TLSv1.2";
    v13 |= word == "TLSv1.3";
  }
  long off = SSL_OP_NO_SSLv2 | SSL_OP_NO_SSLv3;
  if (!v10) off |= SSL_OP_NO_TLSv1;
  if (!v11) off |= SSL_OP_NO_TLSv1_1;
  if (!v12) off |= SSL_OP_NO_TLSv1_2;
  if (!v13) off |= SSL_OP_NO_TLSv1_3;
  return off;
}

}  // namespace

std::string openssl_errors() {
  std::string out;
  while (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    if (!out.empty()) out += "; ";
    out += buf;
  }
  return out;
}

namespace {

// The certificate and key `cfg` names, and the CAs it trusts.
void load_identity(SSL_CTX* c, const TlsConfig& cfg) {
  if (SSL_CTX_use_certificate_chain_file(c, cfg.cert_file.c_str()) != 1) {
    refuse("cannot load the certificate " + cfg.cert_file);
  }
  // OpenSSL refuses a key that is not the certificate's when it loads it.
  if (SSL_CTX_use_PrivateKey_file(c, cfg.key_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(c) != 1) {
    refuse("cannot use the private key " + cfg.key_file + " with the certificate " + cfg.cert_file +
           " (is it that certificate's key?)");
  }
  if (!cfg.ca_cert_file.empty() || !cfg.ca_cert_dir.empty()) {
    const char* file = cfg.ca_cert_file.empty() ? nullptr : cfg.ca_cert_file.c_str();
    const char* dir = cfg.ca_cert_dir.empty() ? nullptr : cfg.ca_cert_dir.c_str();
    if (SSL_CTX_load_verify_locations(c, file, dir) != 1) {
      refuse("cannot load the CA certificates (ca_cert_file/ca_cert_dir)");
    }
  }
}

}  // namespace

asio::ssl::context make_server_tls_context(const TlsConfig& cfg) {
  asio::ssl::context ctx(asio::ssl::context::tls_server);
  SSL_CTX* c = ctx.native_handle();
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_SINGLE_DH_USE |
                             static_cast<uint64_t>(protocol_options(cfg.protocols)));
  if (cfg.prefer_server_ciphers) SSL_CTX_set_options(c, SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Resumed sessions need an id context when clients are verified.
  static const unsigned char kSessionContext[] = "meridian";
  SSL_CTX_set_session_id_context(c, kSessionContext, sizeof kSessionContext - 1);
  load_identity(c, cfg);
  if (!cfg.ciphers.empty() && SSL_CTX_set_cipher_list(c, cfg.ciphers.c_str()) != 1) {
    refuse("no usable cipher in ciphers \"" + cfg.ciphers + "\"");
  }
  if (!cfg.ciphersuites.empty() && SSL_CTX_set_ciphersuites(c, cfg.ciphersuites.c_str()) != 1) {
    refuse("no usable cipher suite in ciphersuites \"" + cfg.ciphersuites + "\"");
  }
  int verify = SSL_VERIFY_NONE;
  if (cfg.auth_clients == "yes") verify = SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT;
  if (cfg.auth_clients == "optional") verify = SSL_VERIFY_PEER;
  SSL_CTX_set_verify(c, verify, nullptr);
  return ctx;
}

asio::ssl::context make_peer_tls_context(const TlsConfig& cfg, bool server) {
  asio::ssl::context ctx(server ? asio::ssl::context::tls_server : asio::ssl::context::tls_client);
  SSL_CTX* c = ctx.native_handle();
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION);
  if (SSL_CTX_set_min_proto_version(c, TLS1_3_VERSION) != 1) refuse("TLS 1.3 is unavailable");
  load_identity(c, cfg);
  if (!cfg.ciphersuites.empty() && SSL_CTX_set_ciphersuites(c, cfg.ciphersuites.c_str()) != 1) {
    refuse("no usable cipher suite in ciphersuites \"" + cfg.ciphersuites + "\"");
  }
  // Both sides present a certificate, and both check the other's.
  SSL_CTX_set_verify(c, SSL_VERIFY_PEER | SSL_VERIFY_FAIL_IF_NO_PEER_CERT, nullptr);
  return ctx;
}

bool certificate_names(SSL* ssl, const std::string& name) {
  X509* cert = SSL_get1_peer_certificate(ssl);
  if (cert == nullptr) return false;
  const int ok = X509_check_host(cert, name.data(), name.size(), 0, nullptr);
  X509_free(cert);
  return ok == 1;
}

}  // namespace meridian
