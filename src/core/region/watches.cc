#include "core/region/watches.h"

#include <algorithm>

namespace meridian {

void Watches::watch(const void* client, std::string_view key) {
  Watcher& w = clients_[client];
  if (std::find(w.keys.begin(), w.keys.end(), key) != w.keys.end()) return;
  w.keys.emplace_back(key);
  keys_[std::string(key)].insert(client);
}

void Watches::unwatch(const void* client) {
  auto it = clients_.find(client);
  if (it == clients_.end()) return;
  for (const auto& k : it->second.keys) {
    auto kt = keys_.find(k);
    if (kt == keys_.end()) continue;
    kt->second.erase(client);
    if (kt->second.empty()) keys_.erase(kt);
  }
  clients_.erase(it);
}

bool Watches::dirty(const void* client) const {
  auto it = clients_.find(client);
  return it != clients_.end() && it->second.dirty;
}

void Watches::touch(std::string_view key) {
  if (keys_.empty()) return;
  auto it = keys_.find(std::string(key));
  if (it == keys_.end()) return;
  for (const void* c : it->second) clients_[c].dirty = true;
}

void Watches::touch_all() {
  for (auto& [c, w] : clients_) w.dirty = true;
}

}  // namespace meridian
