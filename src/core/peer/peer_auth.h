#pragma once
// Mutual challenge-response authentication of peer links with the cluster's
// shared secret (HMAC-SHA256). Each side sends a fresh random nonce; the other
// proves it knows the secret by returning the HMAC of a transcript naming the
// cluster, both regions, the direction and the nonce, so a proof cannot be
// replayed on another link, in the other direction or for another nonce. The
// secret itself never crosses the wire. Pure computation: no I/O.
#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/base/version_vector.h"

namespace meridian::peer {

inline constexpr size_t kNonceSize = 32;
inline constexpr size_t kProofSize = 32;
using Nonce = std::array<uint8_t, kNonceSize>;
using Proof = std::array<uint8_t, kProofSize>;

// The proof that `prover` knows `secret`, answering `verifier`'s nonce.
Proof prove(std::string_view secret, std::string_view cluster, RegionId prover, RegionId verifier,
            const Nonce& verifier_nonce);

// Constant-time check of a proof received from `prover`.
bool verify(std::string_view secret, std::string_view cluster, RegionId prover, RegionId verifier,
            const Nonce& verifier_nonce, const Proof& proof);

}  // namespace meridian::peer
