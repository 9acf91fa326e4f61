// libFuzzer target for the TLS that wraps peer links and client
// connections (src/runtime/real/tls_context.h): any bytes a dialer sends
// are fed, as its TLS records, to a listener built with Meridian's peer
// context (TLS 1.3, client certificates required) and its client context
// (auth_clients = "optional"); whatever a handshake lets through goes to
// the peer handshake's frame decoder. Neither may crash, leak or accept an
// unauthenticated peer. The certificates come from MERIDIAN_FUZZ_CERT_DIR
// (made by `make fuzz` with openssl).
#include <openssl/bio.h>
#include <openssl/ssl.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>

#include "core/peer/frame.h"
#include "core/peer/link_handshake.h"
#include "runtime/real/tls_context.h"

namespace {

struct Contexts {
  std::unique_ptr<asio::ssl::context> peer, clients;
};

Contexts& contexts() {
  static Contexts c = [] {
    const char* dir = std::getenv("MERIDIAN_FUZZ_CERT_DIR");
    if (dir == nullptr) std::abort();
    meridian::TlsConfig cfg;
    cfg.cert_file = std::string(dir) + "/server.crt";
    cfg.key_file = std::string(dir) + "/server.key";
    cfg.ca_cert_file = std::string(dir) + "/ca.crt";
    Contexts out;
    out.peer = std::make_unique<asio::ssl::context>(meridian::make_peer_tls_context(cfg, true));
    cfg.auth_clients = "optional";
    out.clients = std::make_unique<asio::ssl::context>(meridian::make_server_tls_context(cfg));
    return out;
  }();
  return c;
}

void serve(SSL_CTX* ctx, const uint8_t* data, size_t size) {
  SSL* ssl = SSL_new(ctx);
  BIO* in = BIO_new(BIO_s_mem());
  BIO* out = BIO_new(BIO_s_mem());
  SSL_set_bio(ssl, in, out);  // ssl owns both
  SSL_set_accept_state(ssl);
  BIO_write(in, data, static_cast<int>(size));
  const bool up = SSL_do_handshake(ssl) == 1;
  if (up && SSL_get_verify_result(ssl) != X509_V_OK) __builtin_trap();
  meridian::peer::FrameDecoder decoder(meridian::peer::FrameLimits{4096, 512});
  char buf[4096];
  int n = 0;
  while (up && (n = SSL_read(ssl, buf, sizeof buf)) > 0) decoder.append(std::string_view(buf, n));
  meridian::peer::Frame f;
  while (decoder.next(f) == meridian::peer::FrameDecoder::Result::kFrame) {
  }
  meridian::openssl_errors();  // clears the thread's error queue
  SSL_free(ssl);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  Contexts& c = contexts();
  serve((data[0] & 1 ? c.peer : c.clients)->native_handle(), data + 1, size - 1);
  return 0;
}
