// Peer authentication: the right secret verifies; a wrong secret, another
// nonce, another cluster, another region or the reverse direction does not.
#include "core/peer/peer_auth.h"

#include <gtest/gtest.h>

#include "runtime/sim/sim_world.h"

namespace meridian::peer {
namespace {

Nonce nonce_from(sim::SimRandom& r) {
  Nonce n{};
  for (auto& b : n) b = static_cast<uint8_t>(r.next_u64());
  return n;
}

TEST(PeerAuth, OnlyTheRightSecretForThisLinkAndNonceVerifies) {
  sim::SimRandom rnd(1);
  Nonce n = nonce_from(rnd);
  Proof p = prove("s3cret", "prod", 1, 2, n);
  EXPECT_TRUE(verify("s3cret", "prod", 1, 2, n, p));
  EXPECT_FALSE(verify("wrong", "prod", 1, 2, n, p));                 // wrong secret
  EXPECT_FALSE(verify("s3cret", "prod", 1, 2, nonce_from(rnd), p));  // replayed on a new nonce
  EXPECT_FALSE(verify("s3cret", "staging", 1, 2, n, p));             // another cluster
  EXPECT_FALSE(verify("s3cret", "prod", 3, 2, n, p));                // another prover
  EXPECT_FALSE(verify("s3cret", "prod", 2, 1, n, p));                // the reverse direction
  Proof tampered = p;
  tampered[0] ^= 1;
  EXPECT_FALSE(verify("s3cret", "prod", 1, 2, n, tampered));
}

TEST(PeerAuth, KnownAnswer) {
  // Pins the transcript format (a change breaks links between versions). The
  // expected value was computed independently with Python's hmac module:
  // HMAC-SHA256("k", "meridian-peer-auth-v1" 01 "c" 01 02 00*32).
  Nonce n{};
  Proof p = prove("k", "c", 1, 2, n);
  std::string hex;
  for (uint8_t b : p) {
    static const char* d = "0123456789abcdef";
    hex.push_back(d[b >> 4]);
    hex.push_back(d[b & 15]);
  }
  EXPECT_EQ(hex, "53385d2f6e3cc86f9ee259290df07055030cbba158a4e5fbe28c4e28e12430aa");
}

}  // namespace
}  // namespace meridian::peer
