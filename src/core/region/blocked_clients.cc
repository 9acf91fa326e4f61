#include "core/region/blocked_clients.h"

#include <algorithm>

#include "core/region/client.h"

namespace meridian {
namespace {
// Rounds of serve(): a served BLMOVE readies its destination, whose
// waiters may ready another; a cycle of BLMOVEs ends when a list is empty.
constexpr int kMaxRounds = 1000;
}  // namespace

void BlockedClients::block(Client* client, const std::vector<std::string_view>& keys,
                           int64_t timeout_ms) {
  unblock(client);
  Waiter& w = clients_[client];
  for (auto k : keys) {
    if (std::find(w.keys.begin(), w.keys.end(), k) != w.keys.end()) continue;
    w.keys.emplace_back(k);
    keys_[std::string(k)].push_back(client);
  }
  if (timeout_ms > 0) {
    w.deadline_ms = clock_.now_ms() + timeout_ms;
    deadlines_.emplace(w.deadline_ms, client);
    arm(w.deadline_ms);
  }
}

void BlockedClients::unblock(Client* client) {
  auto it = clients_.find(client);
  if (it == clients_.end()) return;
  for (const auto& k : it->second.keys) {
    auto kt = keys_.find(k);
    if (kt == keys_.end()) continue;
    std::erase(kt->second, client);
    if (kt->second.empty()) keys_.erase(kt);
  }
  if (it->second.deadline_ms != 0) {
    auto [lo, hi] = deadlines_.equal_range(it->second.deadline_ms);
    for (auto d = lo; d != hi; ++d) {
      if (d->second == client) {
        deadlines_.erase(d);
        break;
      }
    }
  }
  clients_.erase(it);
}

void BlockedClients::key_changed(std::string_view key) {
  if (keys_.empty() || keys_.find(std::string(key)) == keys_.end()) return;
  if (std::find(ready_.begin(), ready_.end(), key) == ready_.end()) ready_.emplace_back(key);
}

void BlockedClients::serve() {
  if (serving_ || ready_.empty()) return;
  serving_ = true;
  for (int round = 0; round < kMaxRounds && !ready_.empty(); ++round) {
    std::vector<std::string> keys;
    keys.swap(ready_);
    for (const auto& k : keys) {
      // Oldest first, until one finds nothing (the key has nothing left for
      // the others either). A copy: serving a client removes it.
      auto it = keys_.find(k);
      if (it == keys_.end()) continue;
      std::deque<Client*> waiting = it->second;
      for (Client* c : waiting) {
        if (clients_.count(c) == 0) continue;
        if (!c->retry_blocked()) break;
        unblock(c);
      }
    }
  }
  serving_ = false;
}

void BlockedClients::arm(int64_t deadline_ms) {
  if (armed_ms_ != 0 && armed_ms_ <= deadline_ms) return;
  armed_ms_ = deadline_ms;
  scheduler_.after(std::max<int64_t>(0, deadline_ms - clock_.now_ms()),
                   lifetime_.guard([this, deadline_ms] {
                     if (armed_ms_ == deadline_ms) armed_ms_ = 0;
                     expire();
                   }));
}

void BlockedClients::expire() {
  const int64_t now = clock_.now_ms();
  while (!deadlines_.empty() && deadlines_.begin()->first <= now) {
    Client* c = deadlines_.begin()->second;
    unblock(c);  // also drops the deadline
    c->block_timed_out();
  }
  if (!deadlines_.empty()) arm(deadlines_.begin()->first);
}

}  // namespace meridian
