#include "runtime/sim/sim_network.h"

#include <algorithm>

namespace meridian::sim {
namespace {

// Handshake frames lost (a partition): the connection is given up after
// this and dialled again.
constexpr int64_t kHandshakeTimeoutMs = 1000;
// Pause before dialling again after a refused or broken connection.
constexpr int64_t kRetryMs = 50;
// Messages held per link while it is not up; beyond, they are dropped.
constexpr size_t kMaxWaiting = 100000;

class Endpoint final : public Network {
 public:
  Endpoint(RegionId self, std::function<void(RegionId, RegionId, std::string)> send)
      : self_(self), send_(std::move(send)) {}
  void send(RegionId to, std::string message) override { send_(self_, to, std::move(message)); }

 private:
  RegionId self_;
  std::function<void(RegionId, RegionId, std::string)> send_;
};

}  // namespace

void SimNetwork::set_delay(RegionId a, RegionId b, int64_t one_way_ms) {
  delay_[{a, b}] = one_way_ms;
  delay_[{b, a}] = one_way_ms;
}

void SimNetwork::isolate(RegionId region) {
  for (const auto& [other, handler] : handlers_) {
    if (other == region) continue;
    block(region, other);
    block(other, region);
  }
}

std::unique_ptr<Network> SimNetwork::endpoint(RegionId self) {
  return std::make_unique<Endpoint>(
      self, [this](RegionId from, RegionId to, std::string m) { send(from, to, std::move(m)); });
}

void SimNetwork::send(RegionId from, RegionId to, std::string message) {
  if (observe) observe(from, to, message);
  if (!secure_) return transmit(from, to, std::move(message));
  Link& l = links_[{from, to}];
  if (!l.up) {
    if (l.waiting.size() < kMaxWaiting) {
      l.waiting.push_back(std::move(message));
    } else {
      ++dropped_;
    }
    if (l.conn == 0 && !l.reopening) open_link(from, to);
    return;
  }
  transmit(from, to, std::move(message));
}

int64_t SimNetwork::delay_of(RegionId from, RegionId to) const {
  auto d = delay_.find({from, to});
  return d == delay_.end() ? 0 : d->second;
}

void SimNetwork::transmit(RegionId from, RegionId to, std::string message) {
  if (blocked_.count({from, to}) || chance(faults_.loss)) {
    ++dropped_;
    return;
  }
  int64_t delay = delay_of(from, to);
  if (faults_.jitter_ms > 0) {
    delay += static_cast<int64_t>(random_.uniform(static_cast<uint64_t>(faults_.jitter_ms) + 1));
  }
  int64_t at = scheduler_.now() + delay;
  if (faults_.keep_order) {
    // A later message on the same link never arrives before an earlier one.
    auto& last = last_arrival_[{from, to}];
    at = std::max(at, last);
    last = at;
  }
  uint64_t conn = secure_ ? links_[{from, to}].conn : 0;
  if (chance(faults_.duplicate)) deliver_at(at, from, to, message, conn);
  deliver_at(at, from, to, std::move(message), conn);
}

void SimNetwork::deliver_at(int64_t at, RegionId from, RegionId to, std::string message,
                            uint64_t conn) {
  scheduler_.at(at, [this, from, to, conn, m = std::move(message)]() mutable {
    receive(from, to, std::move(m), conn);
  });
}

void SimNetwork::receive(RegionId from, RegionId to, std::string message, uint64_t conn) {
  // Partitions also cut messages already in flight, as a cable cut would.
  auto h = handlers_.find(to);
  if (h == handlers_.end() || blocked_.count({from, to})) {
    ++dropped_;
    return;
  }
  if (!secure_) return h->second(from, std::move(message));
  Link& l = links_[{from, to}];
  if (l.conn != conn || !l.up) {
    ++dropped_;  // its connection closed while it travelled
    return;
  }
  std::string payload = peer::DataSealer::begin_batch();
  peer::DataSealer::add_to_batch(payload, message);
  l.sealer->seal(payload);
  if (tamper) tamper(from, to, payload);
  std::vector<std::string_view> parts;
  if (l.opener->open(payload, &parts) != peer::DataOpener::Result::kOk) {
    ++refused_frames_;
    ++dropped_;
    close_link(l, from, to, /*retry=*/true);
    return;
  }
  for (std::string_view m : parts) h->second(from, std::string(m));
}

// -------------------------------------------------------------- secure links

void SimNetwork::secure(std::string cluster, std::map<RegionId, std::string> secrets) {
  secure_ = true;
  cluster_ = std::move(cluster);
  secrets_ = std::move(secrets);
}

bool SimNetwork::link_up(RegionId from, RegionId to) const {
  auto it = links_.find({from, to});
  return it != links_.end() && it->second.up;
}

void SimNetwork::connect_all() {
  if (!secure_) return;
  for (const auto& [from, h1] : handlers_) {
    for (const auto& [to, h2] : handlers_) {
      if (from != to && links_[{from, to}].conn == 0) open_link(from, to);
    }
  }
}

bool SimNetwork::all_up() const {
  if (!secure_) return true;
  for (const auto& [from, h1] : handlers_) {
    for (const auto& [to, h2] : handlers_) {
      if (from != to && !link_up(from, to)) return false;
    }
  }
  return true;
}

peer::Nonce SimNetwork::nonce() {
  peer::Nonce n{};
  for (size_t i = 0; i < n.size(); i += 8) {
    uint64_t r = random_.next_u64();
    for (size_t j = 0; j < 8; ++j) n[i + j] = static_cast<uint8_t>(r >> (8 * j));
  }
  return n;
}

peer::LinkIdentity SimNetwork::identity(RegionId region) const {
  auto it = secrets_.find(region);
  auto cfg = configs_.find(region);
  return {cluster_, it == secrets_.end() ? std::string() : it->second, region,
          cfg == configs_.end() ? peer::ConfigDigest{} : cfg->second};
}

void SimNetwork::open_link(RegionId from, RegionId to) {
  Link& l = links_[{from, to}];
  l.conn = next_conn_++;
  l.up = false;
  l.reopening = false;
  l.listener.reset();
  l.sealer.reset();
  l.opener.reset();
  l.dialer = std::make_unique<peer::DialerHandshake>(identity(from), to,
                                                     "region " + std::to_string(to), nonce());
  uint64_t conn = l.conn;
  handshake_frame(from, to, conn, /*to_listener=*/true, peer::kHello, l.dialer->hello());
  // A handshake frame lost to a partition: give up on this connection and
  // dial again, as the real transport's handshake timeout does.
  scheduler_.after(kHandshakeTimeoutMs, [this, from, to, conn] {
    Link& link = links_[{from, to}];
    if (link.conn == conn && !link.up) close_link(link, from, to, /*retry=*/true);
  });
}

void SimNetwork::handshake_frame(RegionId from, RegionId to, uint64_t conn, bool to_listener,
                                 uint16_t type, std::string payload) {
  RegionId src = to_listener ? from : to, dst = to_listener ? to : from;
  scheduler_.at(scheduler_.now() + delay_of(src, dst), [this, from, to, conn, to_listener, type,
                                                        src, dst, p = std::move(payload)] {
    Link& l = links_[{from, to}];
    if (l.conn != conn || blocked_.count({src, dst})) return;
    if (to_listener && !l.listener) {
      l.listener = std::make_unique<peer::ListenerHandshake>(
          identity(to), [this](RegionId id) { return handlers_.count(id) > 0; }, nonce());
    }
    auto step = to_listener ? l.listener->on_frame(type, p) : l.dialer->on_frame(type, p);
    using Outcome = peer::HandshakeStep::Outcome;
    if (step.outcome == Outcome::kFailed || step.outcome == Outcome::kRefused) {
      if (step.outcome == Outcome::kRefused) {
        ++refused_handshakes_;
        last_refusal_ = step.why;
      }
      return close_link(l, from, to, /*retry=*/true);
    }
    if (step.outcome == Outcome::kUp && to_listener) {
      l.opener = std::make_unique<peer::DataOpener>(l.listener->session_key());
    }
    if (step.outcome == Outcome::kUp && !to_listener) {
      l.sealer = std::make_unique<peer::DataSealer>(l.dialer->session_key());
      l.up = true;
      ++handshakes_;
      std::vector<std::string> waiting;
      waiting.swap(l.waiting);
      for (auto& m : waiting) transmit(from, to, std::move(m));
      return;
    }
    if (step.reply_type != 0) {
      handshake_frame(from, to, conn, !to_listener, step.reply_type, std::move(step.reply));
    }
  });
}

void SimNetwork::close_link(Link& l, RegionId from, RegionId to, bool retry) {
  l.conn = 0;
  l.up = false;
  l.dialer.reset();
  l.listener.reset();
  l.sealer.reset();
  l.opener.reset();
  if (!retry) return;
  // Dial again after a pause (not on every send: a refused region would
  // otherwise be asked at every heartbeat).
  l.reopening = true;
  scheduler_.after(kRetryMs, [this, from, to] {
    Link& link = links_[{from, to}];
    if (link.conn != 0 || !link.reopening) return;
    link.reopening = false;
    if (!link.waiting.empty()) open_link(from, to);
  });
}

void SimNetwork::reset_links(RegionId region) {
  for (auto& [pair, l] : links_) {
    if (pair.first != region && pair.second != region) continue;
    if (pair.first == region) l.waiting.clear();  // the old process's messages
    close_link(l, pair.first, pair.second, /*retry=*/false);
    l.reopening = false;
    if (!l.waiting.empty()) open_link(pair.first, pair.second);
  }
}

}  // namespace meridian::sim
