#pragma once
// The simulated WAN between regions: one-way delay per region pair with
// jitter, message loss and duplication, and partitions (full, one-way, one
// region isolated), all decided by a seeded SimRandom and delivered in virtual
// time by the shared SimScheduler. The same seed gives the same deliveries.
//
// With secure() (SimCluster always turns it on) every ordered pair of
// regions is a link that opens with the real peer handshake
// (core/peer/link_handshake.h: HELLO, CHALLENGE, PROOF, ACCEPT, each frame
// crossing the simulated WAN) and carries each message in a DATA frame
// whose MAC the receiving end checks, as the real transport does. Messages
// sent before the link is up wait for it (a bounded number). A frame that
// fails its check closes the link: it and what is in flight are lost, and
// the link opens again. The faults above act on messages before they are
// sealed, so loss, duplication and reordering stay faults of the network,
// not broken links; tamper() acts on sealed frames.
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/env/network.h"
#include "core/peer/link_handshake.h"
#include "runtime/sim/sim_world.h"

namespace meridian::sim {

struct LinkFaults {
  double loss = 0;         // probability a message is dropped
  double duplicate = 0;    // probability it is delivered twice
  int64_t jitter_ms = 0;   // extra delay, uniform in [0, jitter_ms]
  bool keep_order = true;  // TCP-like links never reorder
};

class SimNetwork {
 public:
  SimNetwork(SimScheduler& scheduler, uint64_t seed) : scheduler_(scheduler), random_(seed) {}

  // Registers a region: its messages go to `handler`.
  void attach(RegionId region, MessageHandler handler) { handlers_[region] = std::move(handler); }

  // One-way delay from `a` to `b` and back (symmetric).
  void set_delay(RegionId a, RegionId b, int64_t one_way_ms);
  void set_faults(const LinkFaults& f) { faults_ = f; }

  // Partitions: traffic from `from` to `to` is dropped until healed.
  void block(RegionId from, RegionId to) { blocked_.insert({from, to}); }
  void unblock(RegionId from, RegionId to) { blocked_.erase({from, to}); }
  void isolate(RegionId region);
  void heal() { blocked_.clear(); }

  // The Network a region's core sends through.
  std::unique_ptr<Network> endpoint(RegionId self);

  uint64_t dropped() const { return dropped_; }

  // Links: run the peer handshake and MAC every message. `secrets`: each
  // region's cluster secret (a region with another secret is refused).
  void secure(std::string cluster, std::map<RegionId, std::string> secrets);
  // The digest of `region`'s shared config sections (default: none, equal
  // for all): a region whose differs is refused at the handshake.
  void set_config(RegionId region, peer::ConfigDigest digest) {
    configs_[region] = std::move(digest);
  }
  // The reason of the last refused handshake.
  const std::string& last_refusal() const { return last_refusal_; }
  // Whether the link from -> to has finished its handshake.
  bool link_up(RegionId from, RegionId to) const;
  // Opens every link between attached regions that is not open; all_up():
  // whether every one has finished its handshake.
  void connect_all();
  bool all_up() const;
  // Handshakes completed, handshakes refused, DATA frames refused.
  uint64_t handshakes() const { return handshakes_; }
  uint64_t refused_handshakes() const { return refused_handshakes_; }
  uint64_t refused_frames() const { return refused_frames_; }
  // Closes every link of `region` (it restarted); they open again on use.
  void reset_links(RegionId region);
  // Tests: sees (and may change) every sealed DATA frame payload before the
  // receiving end checks it.
  std::function<void(RegionId from, RegionId to, std::string& payload)> tamper;

  // Sees every message a region sends, before faults act on it (tests check
  // what may travel where).
  std::function<void(RegionId from, RegionId to, std::string_view message)> observe;

 private:
  // One direction between two regions, when secure: the dialer's side
  // (`from`) and the listener's side (`to`) of one connection at a time.
  struct Link {
    uint64_t conn = 0;  // current connection; 0: none
    bool up = false;
    bool reopening = false;  // a dial again is scheduled
    std::unique_ptr<peer::DialerHandshake> dialer;
    std::unique_ptr<peer::ListenerHandshake> listener;
    std::unique_ptr<peer::DataSealer> sealer;
    std::unique_ptr<peer::DataOpener> opener;
    std::vector<std::string> waiting;  // sent before the link was up
  };
  void send(RegionId from, RegionId to, std::string message);
  void transmit(RegionId from, RegionId to, std::string message);
  void deliver_at(int64_t at, RegionId from, RegionId to, std::string message, uint64_t conn);
  void receive(RegionId from, RegionId to, std::string message, uint64_t conn);
  // The handshake: open a connection, carry one frame each way, close.
  void open_link(RegionId from, RegionId to);
  void handshake_frame(RegionId from, RegionId to, uint64_t conn, bool to_listener, uint16_t type,
                       std::string payload);
  void close_link(Link& link, RegionId from, RegionId to, bool retry);
  int64_t delay_of(RegionId from, RegionId to) const;
  peer::Nonce nonce();
  peer::LinkIdentity identity(RegionId region) const;
  bool chance(double p) { return p > 0 && random_.next_u64() < p * 18446744073709551615.0; }

  SimScheduler& scheduler_;
  SimRandom random_;
  LinkFaults faults_;
  std::map<std::pair<RegionId, RegionId>, int64_t> delay_;
  std::map<std::pair<RegionId, RegionId>, int64_t> last_arrival_;  // for keep_order
  std::set<std::pair<RegionId, RegionId>> blocked_;
  std::map<RegionId, MessageHandler> handlers_;
  uint64_t dropped_ = 0;
  bool secure_ = false;
  std::string cluster_;
  std::map<RegionId, std::string> secrets_;
  std::map<RegionId, peer::ConfigDigest> configs_;
  std::string last_refusal_;
  std::map<std::pair<RegionId, RegionId>, Link> links_;
  uint64_t next_conn_ = 1;
  uint64_t handshakes_ = 0, refused_handshakes_ = 0, refused_frames_ = 0;
};

// A region's clock: the shared virtual time plus a fixed skew, to test
// regions whose clocks disagree.
class SkewedClock final : public Clock {
 public:
  SkewedClock(Clock& base, int64_t skew_ms) : base_(base), skew_(skew_ms) {}
  int64_t now_ms() override { return base_.now_ms() + skew_; }

 private:
  Clock& base_;
  const int64_t skew_;
};

}  // namespace meridian::sim
