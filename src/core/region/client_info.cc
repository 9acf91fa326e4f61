#include "core/region/client_info.h"

namespace meridian {

std::string client_info_line(const Client& c, const PubSub& pubsub, int64_t now_ms) {
  const size_t sub = pubsub.count(&c, PubSub::kChannel);
  const size_t psub = pubsub.count(&c, PubSub::kPattern);
  const size_t ssub = pubsub.count(&c, PubSub::kShard);
  std::string flags;
  if (c.in_multi()) flags += 'x';
  if (c.blocked()) flags += 'b';
  if (sub + psub + ssub > 0) flags += 'P';
  if (flags.empty()) flags = "N";
  const size_t qbuf = c.query_buffer_bytes(), omem = c.pending_output_bytes();
  auto n = [](auto v) { return std::to_string(v); };
  // Meridian keeps no preallocated buffers: the free and reserved sizes
  // Redis reports are 0, and the memory is what is buffered.
  return "id=" + n(c.id()) + " addr=" + c.peer_address() + " name=" + c.name() +
         " age=" + n((now_ms - c.created_ms()) / 1000) +
         " idle=" + n((now_ms - c.last_command_ms()) / 1000) + " flags=" + flags +
         " db=0 sub=" + n(sub) + " psub=" + n(psub) + " ssub=" + n(ssub) +
         " multi=" + n(c.queued_commands()) + " qbuf=" + n(qbuf) +
         " qbuf-free=0 argv-mem=0 multi-mem=0 obl=0 oll=0 omem=" + n(omem) +
         " tot-mem=" + n(qbuf + omem) + " events=r cmd=" + std::string(c.last_command()) +
         " user=" + c.user() + " redir=-1 resp=" + n(c.proto());
}

}  // namespace meridian
