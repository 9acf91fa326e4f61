#include "core/peer/link_handshake.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/params.h>

#include <algorithm>
#include <cstring>
#include <stdexcept>

#include "core/base/coding.h"

namespace meridian::peer {
namespace {

using Outcome = HandshakeStep::Outcome;

template <size_t N>
void append(std::string& out, const std::array<uint8_t, N>& a) {
  out.append(reinterpret_cast<const char*>(a.data()), N);
}

template <size_t N>
std::array<uint8_t, N> take(std::string_view& in) {
  std::array<uint8_t, N> a{};
  std::memcpy(a.data(), in.data(), N);
  in.remove_prefix(N);
  return a;
}

HandshakeStep failed(std::string why) {
  HandshakeStep s;
  s.outcome = Outcome::kFailed;
  s.why = std::move(why);
  return s;
}

HandshakeStep refused(RegionId claimed, std::string why) {
  HandshakeStep s;
  s.outcome = Outcome::kRefused;
  s.claimed = claimed;
  s.why = std::move(why);
  return s;
}

HandshakeStep reply(Outcome outcome, uint16_t type, std::string payload) {
  HandshakeStep s;
  s.outcome = outcome;
  s.reply_type = type;
  s.reply = std::move(payload);
  return s;
}

void put_digest(std::string& out, const ConfigDigest& d) {
  coding::put_varint(out, d.size());
  for (const auto& [name, hash] : d) {
    coding::put_bytes(out, name);
    coding::put_fixed64_be(out, hash);
  }
}

// Consumes the whole of `in`.
bool get_digest(std::string_view& in, ConfigDigest* d) {
  uint64_t n = 0;
  if (!coding::get_varint(in, &n) || n > 64) return false;
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name;
    uint64_t hash = 0;
    if (!coding::get_bytes(in, &name) || !coding::get_fixed64_be(in, &hash)) return false;
    d->emplace_back(std::string(name), hash);
  }
  return in.empty();
}

std::string config_refusal(const std::string& sections) {
  return "its config differs from this region's in " + sections +
         " (every region must be started with the same regions, placement, keyspaces and "
         "conflict settings)";
}

SessionKey derive(const LinkIdentity& id, RegionId dialer, RegionId listener, const Nonce& nonce_d,
                  const Nonce& nonce_l) {
  std::string input = "meridian-session-v1";
  coding::put_bytes(input, id.cluster);
  coding::put_varint(input, dialer);
  coding::put_varint(input, listener);
  append(input, nonce_d);
  append(input, nonce_l);
  SessionKey out{};
  unsigned int len = 0;
  HMAC(EVP_sha256(), id.secret.data(), static_cast<int>(id.secret.size()),
       reinterpret_cast<const unsigned char*>(input.data()), input.size(), out.data(), &len);
  return out;
}

}  // namespace

std::string differing_sections(const ConfigDigest& a, const ConfigDigest& b) {
  std::string out;
  std::vector<std::string> named;
  auto add = [&](const std::string& name) {
    if (std::find(named.begin(), named.end(), name) != named.end()) return;
    named.push_back(name);
    out += (out.empty() ? "" : ", ") + name;
  };
  auto optional = [](const std::string& name) { return name.rfind(kRegionSectionPrefix, 0) == 0; };
  auto find = [](const ConfigDigest& d, const std::string& name) {
    return std::find_if(d.begin(), d.end(), [&](const auto& e) { return e.first == name; });
  };
  for (const auto& section : a) {
    auto it = find(b, section.first);
    if (it == b.end() ? !optional(section.first) : it->second != section.second) {
      add(section.first);
    }
  }
  for (const auto& section : b) {
    if (find(a, section.first) == a.end() && !optional(section.first)) add(section.first);
  }
  return out;
}

// ------------------------------------------------------------------ dialer

DialerHandshake::DialerHandshake(LinkIdentity id, RegionId target, std::string target_name,
                                 const Nonce& nonce_d)
    : id_(std::move(id)),
      target_(target),
      target_name_(std::move(target_name)),
      nonce_d_(nonce_d) {}

std::string DialerHandshake::hello() const {
  std::string hello;
  hello.push_back(static_cast<char>(kLinkVersion));
  coding::put_bytes(hello, id_.cluster);
  coding::put_varint(hello, id_.self);
  coding::put_varint(hello, target_);
  append(hello, nonce_d_);
  put_digest(hello, id_.config);
  return hello;
}

HandshakeStep DialerHandshake::on_frame(uint16_t type, std::string_view in) {
  if (type != expect_) return failed("unexpected frame type " + std::to_string(type));
  if (type == kChallenge) {
    uint64_t listener = 0;
    if (!coding::get_varint(in, &listener) || in.size() < kNonceSize + kProofSize) {
      return failed("malformed CHALLENGE");
    }
    if (listener != target_) {
      return refused(static_cast<RegionId>(std::min<uint64_t>(listener, UINT32_MAX)),
                     "it is not region " + std::to_string(target_) + " (" + target_name_ +
                         "); check the `peer` addresses in the config");
    }
    nonce_l_ = take<kNonceSize>(in);
    auto proof = take<kProofSize>(in);
    ConfigDigest theirs;
    if (!get_digest(in, &theirs)) return failed("malformed CHALLENGE");
    if (!verify(id_.secret, id_.cluster, target_, id_.self, nonce_d_, proof)) {
      return refused(target_, "wrong cluster secret");
    }
    if (auto diff = differing_sections(id_.config, theirs); !diff.empty()) {
      return refused(target_, config_refusal(diff));
    }
    std::string answer;
    append(answer, prove(id_.secret, id_.cluster, id_.self, target_, nonce_l_));
    expect_ = kAccept;
    return reply(Outcome::kContinue, kProof, std::move(answer));
  }
  // ACCEPT
  if (!in.empty()) return failed("malformed ACCEPT");
  expect_ = 0;
  return reply(Outcome::kUp, 0, {});
}

SessionKey DialerHandshake::session_key() const {
  return derive(id_, id_.self, target_, nonce_d_, nonce_l_);
}

// ---------------------------------------------------------------- listener

ListenerHandshake::ListenerHandshake(LinkIdentity id, std::function<bool(RegionId)> known,
                                     const Nonce& nonce_l)
    : id_(std::move(id)), known_(std::move(known)), nonce_l_(nonce_l) {}

HandshakeStep ListenerHandshake::on_frame(uint16_t type, std::string_view in) {
  if (type != expect_) {
    return failed("unexpected frame type " + std::to_string(type) + " in the handshake");
  }
  if (type == kHello) {
    std::string_view cluster;
    uint64_t dialer = 0, target = 0;
    uint8_t version = in.empty() ? 0 : static_cast<uint8_t>(in.front());
    if (!in.empty()) in.remove_prefix(1);
    if (version == 0 || !coding::get_bytes(in, &cluster) || !coding::get_varint(in, &dialer) ||
        !coding::get_varint(in, &target) || in.size() < kNonceSize) {
      return failed("malformed HELLO");
    }
    const auto claimed = static_cast<RegionId>(std::min<uint64_t>(dialer, UINT32_MAX));
    dialer_ = claimed;
    if (version != kLinkVersion) {
      return refused(claimed, "link protocol version " + std::to_string(version) +
                                  " (this build speaks " + std::to_string(kLinkVersion) + ")");
    }
    if (cluster != id_.cluster) {
      return refused(claimed, "wrong cluster name \"" + std::string(cluster) + "\" (this is \"" +
                                  id_.cluster + "\")");
    }
    if (dialer != claimed || !known_(claimed)) {
      return refused(claimed, "no such region in this cluster's config");
    }
    if (target != id_.self) {
      return refused(claimed, "it dialled region " + std::to_string(target) +
                                  " but this is region " + std::to_string(id_.self) +
                                  "; check the `peer` addresses in the config");
    }
    nonce_d_ = take<kNonceSize>(in);
    if (!get_digest(in, &dialer_config_)) return failed("malformed HELLO");
    std::string challenge;
    coding::put_varint(challenge, id_.self);
    append(challenge, nonce_l_);
    append(challenge, prove(id_.secret, id_.cluster, id_.self, claimed, nonce_d_));
    put_digest(challenge, id_.config);
    expect_ = kProof;
    return reply(Outcome::kContinue, kChallenge, std::move(challenge));
  }
  // PROOF
  if (in.size() != kProofSize) return failed("malformed PROOF");
  auto proof = take<kProofSize>(in);
  if (!verify(id_.secret, id_.cluster, dialer_, id_.self, nonce_l_, proof)) {
    return refused(dialer_, "wrong cluster secret");
  }
  if (auto diff = differing_sections(id_.config, dialer_config_); !diff.empty()) {
    return refused(dialer_, config_refusal(diff));
  }
  expect_ = 0;
  return reply(Outcome::kUp, kAccept, {});
}

SessionKey ListenerHandshake::session_key() const {
  return derive(id_, dialer_, id_.self, nonce_d_, nonce_l_);
}

// --------------------------------------------------------------- DATA MACs

struct FrameMac::Impl {
  EVP_MAC_CTX* ctx = nullptr;
};

FrameMac::FrameMac(const SessionKey& key) : impl_(std::make_unique<Impl>()) {
  EVP_MAC* mac = EVP_MAC_fetch(nullptr, "HMAC", nullptr);
  if (mac != nullptr) impl_->ctx = EVP_MAC_CTX_new(mac);
  EVP_MAC_free(mac);  // the context holds its own reference
  char digest[] = "SHA256";
  OSSL_PARAM params[] = {OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digest, 0),
                         OSSL_PARAM_construct_end()};
  if (impl_->ctx == nullptr || EVP_MAC_init(impl_->ctx, key.data(), key.size(), params) != 1) {
    EVP_MAC_CTX_free(impl_->ctx);
    throw std::runtime_error("OpenSSL has no HMAC-SHA256");
  }
}

FrameMac::~FrameMac() {
  EVP_MAC_CTX_free(impl_->ctx);
}

std::array<uint8_t, kMacSize> FrameMac::compute(uint64_t counter, std::string_view messages) {
  std::string ctr;
  coding::put_fixed64_be(ctr, counter);
  std::array<uint8_t, 32> full{};
  size_t n = 0;
  EVP_MAC_CTX* ctx = impl_->ctx;
  // A null key re-initialises with the key given at construction.
  bool ok = EVP_MAC_init(ctx, nullptr, 0, nullptr) == 1 &&
            EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(ctr.data()), 8) == 1 &&
            EVP_MAC_update(ctx, reinterpret_cast<const unsigned char*>(messages.data()),
                           messages.size()) == 1 &&
            EVP_MAC_final(ctx, full.data(), &n, full.size()) == 1;
  if (!ok) throw std::runtime_error("HMAC-SHA256 failed");
  std::array<uint8_t, kMacSize> out{};
  std::memcpy(out.data(), full.data(), kMacSize);
  return out;
}

void DataSealer::add_to_batch(std::string& batch, std::string_view message) {
  coding::put_bytes(batch, message);
}

void DataSealer::seal(std::string& batch) {
  auto mac = mac_.compute(frames_++, std::string_view(batch).substr(kMacSize));
  std::memcpy(batch.data(), mac.data(), kMacSize);
}

DataOpener::Result DataOpener::open(std::string_view payload,
                                    std::vector<std::string_view>* messages) {
  if (payload.size() < kMacSize) return Result::kNoMac;
  std::string_view rest = payload.substr(kMacSize);
  auto expected = mac_.compute(frames_, rest);
  if (CRYPTO_memcmp(expected.data(), payload.data(), kMacSize) != 0) return Result::kBadMac;
  ++frames_;
  // Check the whole batch before delivering any of it.
  messages->clear();
  while (!rest.empty()) {
    std::string_view m;
    if (!coding::get_bytes(rest, &m)) return Result::kMalformed;
    messages->push_back(m);
  }
  return Result::kOk;
}

}  // namespace meridian::peer
