#pragma once
// The opening of a peer link and the MACs of its DATA frames, as pure state
// machines: no sockets, no clock, no randomness of their own (the caller
// hands in each side's fresh nonce). The real runtime runs them over TCP
// (src/runtime/real/peer_transport.cc), the simulator over its virtual WAN
// (src/runtime/sim/sim_network.cc): the same code either way.
//
// Frames of the handshake (core/peer/frame.h types), both sides proving they
// know the cluster secret (core/peer/peer_auth.h):
//   1 HELLO     dialer -> listener  u8 version, bytes cluster, varint dialer id,
//                                   varint target id, 32-byte nonce_d, digest
//   2 CHALLENGE listener -> dialer  varint listener id, 32-byte nonce_l,
//                                   32-byte proof(listener -> dialer, nonce_d),
//                                   digest
// where digest = varint count, then per section bytes name, be64 hash: the
// shared parts of each side's config (LinkIdentity::config). Once the other
// side has proved it knows the secret, a differing section refuses the link,
// naming the section, on both sides.
//   3 PROOF     dialer -> listener  32-byte proof(dialer -> listener, nonce_l)
//   4 ACCEPT    listener -> dialer  empty
// The dialer sends nothing after PROOF until it has ACCEPT. Then it sends
//   16 DATA     dialer -> listener  16-byte MAC, then messages, each
//                                   varint length + bytes
// where MAC = the first 16 bytes of HMAC-SHA256(session_key,
// be64(n) || messages) for the connection's n-th DATA frame (from 0), and
// session_key = HMAC-SHA256(secret, "meridian-session-v1" || bytes cluster ||
// varint dialer || varint listener || nonce_d || nonce_l). So something
// relaying the connection cannot inject, replay, drop-and-continue or
// reorder frames. Any check that fails ends the connection, and nothing the
// failing frame carried is delivered.
#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "core/base/region_id.h"
#include "core/peer/peer_auth.h"

namespace meridian::peer {

inline constexpr uint16_t kHello = 1;
inline constexpr uint16_t kChallenge = 2;
inline constexpr uint16_t kProof = 3;
inline constexpr uint16_t kAccept = 4;
inline constexpr uint16_t kData = 16;
inline constexpr uint8_t kLinkVersion = 2;
inline constexpr size_t kMacSize = 16;

using SessionKey = std::array<uint8_t, 32>;

// The config sections every region must share (name, hash of its loaded
// values), sorted by name: see ClusterConfig::shared_digest.
using ConfigDigest = std::vector<std::pair<std::string, uint64_t>>;

// Who this region is on its links.
struct LinkIdentity {
  std::string cluster;
  std::string secret;
  RegionId self = 0;
  ConfigDigest config;
};

// Sections named with this prefix and a region id describe one region;
// only one side having one is no difference (a region being added).
inline constexpr std::string_view kRegionSectionPrefix = "[[regions]] id=";

// The names of the sections in which two digests differ (one side lacking
// a section counts, but for a region's), ", "-separated; empty when they
// agree.
std::string differing_sections(const ConfigDigest& a, const ConfigDigest& b);

// What one handshake frame led to.
struct HandshakeStep {
  enum class Outcome {
    kContinue,  // send `reply` (if reply_type != 0) and wait for the next frame
    kUp,        // the link is authenticated; send `reply` if any
    kFailed,    // a malformed or unexpected frame: close, `why`
    kRefused,   // authentication refused: close, count it, log `why`
  };
  Outcome outcome = Outcome::kContinue;
  uint16_t reply_type = 0;
  std::string reply;
  std::string why;
  RegionId claimed = 0;  // kRefused: the region the other side claimed to be
};

// The side that dials `target`.
class DialerHandshake {
 public:
  DialerHandshake(LinkIdentity id, RegionId target, std::string target_name, const Nonce& nonce_d);
  // The first frame's payload (type kHello).
  std::string hello() const;
  HandshakeStep on_frame(uint16_t type, std::string_view payload);
  bool up() const { return expect_ == 0; }
  // After up(): the key of this connection's DATA MACs.
  SessionKey session_key() const;

 private:
  LinkIdentity id_;
  RegionId target_;
  std::string target_name_;
  Nonce nonce_d_, nonce_l_{};
  uint16_t expect_ = kChallenge;  // 0 once up
};

// The side that accepted a connection.
class ListenerHandshake {
 public:
  // `known`: whether a region id belongs to this cluster's config.
  ListenerHandshake(LinkIdentity id, std::function<bool(RegionId)> known, const Nonce& nonce_l);
  HandshakeStep on_frame(uint16_t type, std::string_view payload);
  bool up() const { return expect_ == 0; }
  // The region that dialled (as claimed until up()).
  RegionId dialer() const { return dialer_; }
  SessionKey session_key() const;

 private:
  LinkIdentity id_;
  std::function<bool(RegionId)> known_;
  Nonce nonce_d_{}, nonce_l_;
  RegionId dialer_ = 0;
  ConfigDigest dialer_config_;
  uint16_t expect_ = kHello;
};

// HMAC-SHA256 under one connection's key, streamed, so a frame's MAC covers
// its counter and its messages without copying them together.
class FrameMac {
 public:
  explicit FrameMac(const SessionKey& key);
  ~FrameMac();
  FrameMac(const FrameMac&) = delete;
  FrameMac& operator=(const FrameMac&) = delete;
  std::array<uint8_t, kMacSize> compute(uint64_t counter, std::string_view messages);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// The sending end of an authenticated link: DATA payloads, numbered.
class DataSealer {
 public:
  explicit DataSealer(const SessionKey& key) : mac_(key) {}
  // `batch`: kMacSize placeholder bytes, then the messages (varint length +
  // bytes each), as built by begin_batch/add_to_batch; fills in the MAC.
  void seal(std::string& batch);
  static std::string begin_batch() { return std::string(kMacSize, '\0'); }
  static void add_to_batch(std::string& batch, std::string_view message);

 private:
  FrameMac mac_;
  uint64_t frames_ = 0;
};

// The receiving end: checks each DATA payload's MAC against the next
// number, then splits it into messages. Any failure is final for the
// connection.
class DataOpener {
 public:
  explicit DataOpener(const SessionKey& key) : mac_(key) {}
  enum class Result { kOk, kNoMac, kBadMac, kMalformed };
  // On kOk, `messages` views into `payload`.
  Result open(std::string_view payload, std::vector<std::string_view>* messages);
  // DATA frames accepted so far.
  uint64_t frames() const { return frames_; }

 private:
  FrameMac mac_;
  uint64_t frames_ = 0;
};

}  // namespace meridian::peer
