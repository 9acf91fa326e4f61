#pragma once
// Clients waiting in a blocking command (BLPOP, BLMOVE, BZPOPMIN, ...):
// which keys each waits on, in the order they blocked, and when each gives
// up. A change of a key (a local write, a write replicated from another
// region, a resync) makes its waiters ready; serve() then runs each ready
// client's command again, oldest first, until one finds nothing to take.
// The pop a client is served with is a write of its own, replicated like
// any other. Bounded by the open clients: each waits at most once.
#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/env/clock.h"
#include "core/env/lifetime.h"
#include "core/env/scheduler.h"

namespace meridian {

class Client;

class BlockedClients {
 public:
  BlockedClients(Clock& clock, Scheduler& scheduler) : clock_(clock), scheduler_(scheduler) {}

  // `client` waits on `keys` until served (Client::retry_blocked() returned
  // true) or `timeout_ms` (0: never) passes (Client::block_timed_out()).
  void block(Client* client, const std::vector<std::string_view>& keys, int64_t timeout_ms);
  // Forgets a client (it closed, or was served or timed out).
  void unblock(Client* client);
  void key_changed(std::string_view key);
  // Serves the clients blocked on the keys that changed. Call it between
  // commands, never inside one.
  void serve();
  size_t blocked() const { return clients_.size(); }

 private:
  struct Waiter {
    std::vector<std::string> keys;
    int64_t deadline_ms = 0;  // 0: none
  };
  void arm(int64_t deadline_ms);
  void expire();

  Clock& clock_;
  Scheduler& scheduler_;
  std::unordered_map<Client*, Waiter> clients_;
  std::unordered_map<std::string, std::deque<Client*>> keys_;  // oldest first
  std::vector<std::string> ready_;
  std::multimap<int64_t, Client*> deadlines_;
  int64_t armed_ms_ = 0;  // the earliest timer pending (0: none)
  bool serving_ = false;
  Lifetime lifetime_;
};

}  // namespace meridian
