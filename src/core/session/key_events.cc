// The keyspace notifications of a client's write commands
// (core/region/keyspace_events.h).
#include "core/region/keyspace_events.h"
#include "core/region/region.h"
#include "core/session/session.h"

namespace meridian {

void Session::note_events(const std::vector<std::string_view>& argv) {
  Keyspace& ks = region_.keyspace();
  if (region_.notify_flags() == 0 && !ks.merging()) return;
  const std::vector<std::string> keys = ks.writes().keys;
  const auto events = command_events(
      argv, keys, [&](std::string_view k) { return ks.peek(k, last_command_ms_) != nullptr; });
  for (const auto& e : events) ks.note_event(e.cls, e.name, e.key);
  const auto own = ks.writes().own_events;
  for (const auto& [ev, key] : own) ks.note_event(ev[0], std::string_view(ev).substr(1), key);
}

}  // namespace meridian
