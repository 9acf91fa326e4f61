#pragma once
// WATCH: the keys each client watches, and whether one of them changed
// since. Every change of a key marks its watchers: a local write (the
// client's own included), an expiry, and a write replicated from another
// region, so a transaction never commits on a value another region
// replaced after the WATCH. A FLUSHALL (local or replicated) marks every
// watcher. Cost: one hash lookup per changed key while anything is watched,
// nothing otherwise.
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace meridian {

class Watches {
 public:
  // Adds `key` to what `client` watches (again: no effect).
  void watch(const void* client, std::string_view key);
  // Forgets what `client` watches (UNWATCH, EXEC, DISCARD, a closed client).
  void unwatch(const void* client);
  // Whether a key `client` watches changed since it watched it.
  bool dirty(const void* client) const;
  // Whether `client` watches anything.
  bool watching(const void* client) const { return clients_.count(client) != 0; }
  // A key changed / every key went.
  void touch(std::string_view key);
  void touch_all();
  size_t watched_keys() const { return keys_.size(); }

 private:
  struct Watcher {
    std::vector<std::string> keys;
    bool dirty = false;
  };
  std::unordered_map<const void*, Watcher> clients_;
  std::unordered_map<std::string, std::unordered_set<const void*>> keys_;
};

}  // namespace meridian
