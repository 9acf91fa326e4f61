#include "core/peer/peer_auth.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "core/base/coding.h"

namespace meridian::peer {

Proof prove(std::string_view secret, std::string_view cluster, RegionId prover, RegionId verifier,
            const Nonce& verifier_nonce) {
  std::string transcript = "meridian-peer-auth-v1";
  coding::put_bytes(transcript, cluster);
  coding::put_varint(transcript, prover);
  coding::put_varint(transcript, verifier);
  transcript.append(reinterpret_cast<const char*>(verifier_nonce.data()), verifier_nonce.size());
  Proof out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(transcript.data()), transcript.size(), out.data(),
       &len);
  return out;
}

bool verify(std::string_view secret, std::string_view cluster, RegionId prover, RegionId verifier,
            const Nonce& verifier_nonce, const Proof& proof) {
  Proof expected = prove(secret, cluster, prover, verifier, verifier_nonce);
  return CRYPTO_memcmp(expected.data(), proof.data(), kProofSize) == 0;
}

}  // namespace meridian::peer
