#include "core/region/pubsub.h"

#include <algorithm>

#include "core/base/coding.h"
#include "core/base/glob.h"
#include "core/peer/message_types.h"
#include "core/protocol/reply.h"
#include "core/region/client.h"

namespace meridian {

bool PubSub::subscribe(Client* c, Kind kind, std::string_view name) {
  if (!of_client_[kind][c].emplace(name).second) return false;
  by_name_[kind][std::string(name)].push_back(c);
  return true;
}

bool PubSub::unsubscribe(Client* c, Kind kind, std::string_view name) {
  auto mine = of_client_[kind].find(c);
  if (mine == of_client_[kind].end()) return false;
  auto at = mine->second.find(name);
  if (at == mine->second.end()) return false;
  mine->second.erase(at);
  if (mine->second.empty()) of_client_[kind].erase(mine);
  auto listeners = by_name_[kind].find(name);
  if (listeners != by_name_[kind].end()) {
    std::erase(listeners->second, c);
    if (listeners->second.empty()) by_name_[kind].erase(listeners);
  }
  return true;
}

std::vector<std::string> PubSub::names_of(const Client* c, Kind kind) const {
  auto mine = of_client_[kind].find(c);
  if (mine == of_client_[kind].end()) return {};
  return {mine->second.begin(), mine->second.end()};
}

size_t PubSub::count(const Client* c, Kind kind) const {
  auto held = [&](Kind k) {
    auto mine = of_client_[k].find(c);
    return mine == of_client_[k].end() ? size_t{0} : mine->second.size();
  };
  return kind == kShard ? held(kShard) : held(kChannel) + held(kPattern);
}

bool PubSub::subscribed(const Client* c) const {
  return of_client_[kChannel].count(c) > 0 || of_client_[kPattern].count(c) > 0 ||
         of_client_[kShard].count(c) > 0;
}

void PubSub::forget(Client* c) {
  for (Kind kind : {kChannel, kPattern, kShard}) {
    for (const auto& name : names_of(c, kind)) unsubscribe(c, kind, name);
  }
}

namespace {

// One message as `c` reads it: an array in RESP2, a push in RESP3.
void deliver(Client* c, std::string_view type, const std::string* pattern, std::string_view channel,
             std::string_view message) {
  std::string out;
  Reply r(out, c->proto());
  r.push(pattern != nullptr ? 4 : 3);
  r.bulk(type);
  if (pattern != nullptr) r.bulk(*pattern);
  r.bulk(channel);
  r.bulk(message);
  c->push(out);
}

}  // namespace

void PubSub::attach(Network* network, std::vector<RegionId> peers, uint64_t incarnation) {
  network_ = network;
  peers_ = std::move(peers);
  incarnation_ = incarnation;
}

size_t PubSub::publish(Kind kind, std::string_view channel, std::string_view message) {
  if (network_ != nullptr && !peers_.empty()) {
    std::string m = peer::begin_message(peer::MessageType::kPublish);
    coding::put_varint(m, incarnation_);
    coding::put_varint(m, ++sent_);
    m.push_back(static_cast<char>(kind));
    coding::put_bytes(m, channel);
    coding::put_bytes(m, message);
    for (RegionId r : peers_) outbox_.add(r, m);
  }
  return deliver_here(kind, channel, message);
}

void PubSub::on_message(RegionId from, std::string_view in) {
  uint64_t incarnation = 0, seq = 0;
  std::string_view channel, message;
  if (!peer::open_message(in, peer::MessageType::kPublish) ||
      !coding::get_varint(in, &incarnation) || !coding::get_varint(in, &seq) || in.empty()) {
    return;
  }
  const auto kind = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  if ((kind != kChannel && kind != kShard) || !coding::get_bytes(in, &channel) ||
      !coding::get_bytes(in, &message)) {
    return;
  }
  // Only what follows the last delivered: no duplicate, no reordering.
  auto& last = delivered_[from];
  if (std::pair(incarnation, seq) <= last) return;
  last = {incarnation, seq};
  deliver_here(static_cast<Kind>(kind), channel, message);
}

size_t PubSub::deliver_here(Kind kind, std::string_view channel, std::string_view message) {
  // Client::push never closes a client there and then, so the lists stay
  // as they are while they are walked.
  size_t n = 0;
  auto found = by_name_[kind].find(channel);
  if (found != by_name_[kind].end()) {
    for (Client* c : found->second) {
      deliver(c, kind == kShard ? "smessage" : "message", nullptr, channel, message);
      ++n;
    }
  }
  if (kind != kChannel) return n;
  for (const auto& [pattern, listeners] : by_name_[kPattern]) {
    if (!glob_match(pattern, channel)) continue;
    for (Client* c : listeners) {
      deliver(c, "pmessage", &pattern, channel, message);
      ++n;
    }
  }
  return n;
}

std::vector<std::string> PubSub::active(Kind kind, std::string_view pattern) const {
  std::vector<std::string> out;
  for (const auto& [name, listeners] : by_name_[kind]) {
    if (pattern.empty() || glob_match(pattern, name)) out.push_back(name);
  }
  return out;
}

size_t PubSub::subscribers(Kind kind, std::string_view name) const {
  auto found = by_name_[kind].find(name);
  return found == by_name_[kind].end() ? 0 : found->second.size();
}

}  // namespace meridian
