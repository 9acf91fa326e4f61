#include "runtime/real/tls_context.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

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

asio::ssl::context make_server_tls_context(const TlsConfig& cfg) {
  asio::ssl::context ctx(asio::ssl::context::tls_server);
  SSL_CTX* c = ctx.native_handle();
  SSL_CTX_set_options(c, SSL_OP_NO_COMPRESSION | SSL_OP_SINGLE_DH_USE |
                             static_cast<uint64_t>(protocol_options(cfg.protocols)));
  if (cfg.prefer_server_ciphers) SSL_CTX_set_options(c, SSL_OP_CIPHER_SERVER_PREFERENCE);
  // Resumed sessions need an id context when clients are verified.
  static const unsigned char kSessionContext[] = "meridian";
  SSL_CTX_set_session_id_context(c, kSessionContext, sizeof kSessionContext - 1);
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

}  // namespace meridian
