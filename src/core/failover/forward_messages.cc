#include "core/failover/forward_messages.h"

#include "core/base/coding.h"
#include "core/peer/message_types.h"

namespace meridian::forward {
std::string encode(const Forward& m) {
  std::string out = peer::begin_message(peer::MessageType::kForward);
  coding::put_varint(out, m.id);
  coding::put_varint(out, static_cast<uint64_t>(m.proto));
  coding::put_varint(out, m.argv.size());
  for (const auto& a : m.argv) coding::put_bytes(out, a);
  return out;
}

bool decode(std::string_view in, Forward* m) {
  uint64_t proto = 0, n = 0;
  if (!peer::open_message(in, peer::MessageType::kForward) || !coding::get_varint(in, &m->id) ||
      !coding::get_varint(in, &proto) || proto < 2 || proto > 3 || !coding::get_varint(in, &n) ||
      n == 0 || n > in.size()) {
    return false;
  }
  m->proto = static_cast<int>(proto);
  m->argv.clear();
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view a;
    if (!coding::get_bytes(in, &a)) return false;
    m->argv.emplace_back(a);
  }
  return in.empty();
}

std::string encode(const ForwardReply& m) {
  std::string out = peer::begin_message(peer::MessageType::kForwardReply);
  coding::put_varint(out, m.id);
  coding::put_bytes(out, m.reply);
  return out;
}

bool decode(std::string_view in, ForwardReply* m) {
  std::string_view reply;
  if (!peer::open_message(in, peer::MessageType::kForwardReply) ||
      !coding::get_varint(in, &m->id) || !coding::get_bytes(in, &reply) || !in.empty()) {
    return false;
  }
  m->reply.assign(reply);
  return true;
}

}  // namespace meridian::forward
