#include "core/acl/acl_log.h"

namespace meridian {

void AclLog::add(AclLogEntry e) {
  // Redis looks for a match among the latest ten entries only.
  const size_t look = std::min<size_t>(entries_.size(), 10);
  for (size_t i = 0; i < look; ++i) {
    AclLogEntry& old = entries_[i];
    if (old.reason == e.reason && old.context == e.context && old.object == e.object &&
        old.username == e.username && e.created_ms - old.created_ms < kGroupMs) {
      old.count++;
      old.created_ms = e.created_ms;
      old.client_info = std::move(e.client_info);
      return;
    }
  }
  entries_.push_front(std::move(e));
  while (entries_.size() > max_len_) entries_.pop_back();
}

// As Redis, a shorter limit applies from the next entry on.
void AclLog::set_max_len(size_t n) {
  max_len_ = n;
}

}  // namespace meridian
