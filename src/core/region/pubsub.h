#pragma once
// Pub/sub: which clients of this region listen to which channels, patterns
// and shard channels, and the delivery of a message to each of them (as
// RESP2 arrays or RESP3 pushes, through Client::push, which bounds what a
// slow subscriber may hold). A client that closes is forgotten
// (Region::remove_client).
//
// In a cluster a message published here is also sent to every other region,
// which delivers it to its own subscribers. Each carries its origin's
// incarnation and a sequence number; a region delivers only what comes
// after the last it delivered from that origin, so a message arrives at
// most once and each origin's (so each publisher's) messages in order. A
// message lost on the way (a link down, a queue full) is not resent: pub/sub
// is at most once, in Redis and here.
#include <cstddef>
#include <map>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/base/version_vector.h"
#include "core/env/network.h"
#include "core/env/outbox.h"

namespace meridian {

class Client;

class PubSub {
 public:
  enum Kind { kChannel = 0, kPattern = 1, kShard = 2 };

  explicit PubSub(Storage& storage) : outbox_(storage) {}

  // Adds or removes one subscription; false if it was already so.
  bool subscribe(Client* c, Kind kind, std::string_view name);
  bool unsubscribe(Client* c, Kind kind, std::string_view name);
  // What `c` holds of `kind`, in byte order.
  std::vector<std::string> names_of(const Client* c, Kind kind) const;
  // Channels plus patterns (what SUBSCRIBE's replies count), or shard
  // channels.
  size_t count(const Client* c, Kind kind) const;
  bool subscribed(const Client* c) const;
  void forget(Client* c);

  // A cluster: publish() also sends to `peers`; `incarnation` grows with
  // every start of this region (its start time).
  void attach(Network* network, std::vector<RegionId> peers, uint64_t incarnation);
  // Delivers `message` on `channel` to this region's subscribers and, for
  // kChannel, to every matching pattern's, and queues it for the other
  // regions; returns how many deliveries were made here.
  size_t publish(Kind kind, std::string_view channel, std::string_view message);
  // After the pass's commit (and the replicator's records): sends what
  // publish() queued, so a message never announces a write a crash undoes.
  void after_commit() { outbox_.send_committed(network_); }
  // Delivers to this region's subscribers only (keyspace notifications:
  // each region publishes its own, for the writes it applies).
  size_t publish_local(Kind kind, std::string_view channel, std::string_view message) {
    return deliver_here(kind, channel, message);
  }
  // A message another region published (peer::MessageType::kPublish).
  void on_message(RegionId from, std::string_view message);

  // PUBSUB CHANNELS / SHARDCHANNELS: names with a subscriber matching `pattern`.
  std::vector<std::string> active(Kind kind, std::string_view pattern) const;
  // PUBSUB NUMSUB / SHARDNUMSUB.
  size_t subscribers(Kind kind, std::string_view name) const;
  // Names of `kind` with a subscriber (INFO); for kPattern, PUBSUB NUMPAT.
  size_t names(Kind kind) const { return by_name_[kind].size(); }
  size_t patterns() const { return names(kPattern); }

 private:
  std::map<std::string, std::vector<Client*>, std::less<>> by_name_[3];
  std::unordered_map<const Client*, std::set<std::string, std::less<>>> of_client_[3];
  size_t deliver_here(Kind kind, std::string_view channel, std::string_view message);

  Network* network_ = nullptr;
  std::vector<RegionId> peers_;
  uint64_t incarnation_ = 0;
  uint64_t sent_ = 0;
  Outbox outbox_;
  // Per origin: the (incarnation, sequence) of the last message delivered.
  std::unordered_map<RegionId, std::pair<uint64_t, uint64_t>> delivered_;
};

}  // namespace meridian
