#include "core/global/scan_messages.h"

#include "core/base/coding.h"
#include "core/peer/message_types.h"

namespace meridian::scan {
std::string encode(const Scan& m) {
  std::string out = peer::begin_message(peer::MessageType::kScan);
  coding::put_varint(out, m.id);
  coding::put_bytes(out, m.after);
  coding::put_bytes(out, m.pattern);
  coding::put_varint(out, m.count);
  return out;
}

bool decode(std::string_view in, Scan* m) {
  std::string_view after, pattern;
  if (!peer::open_message(in, peer::MessageType::kScan) || !coding::get_varint(in, &m->id) ||
      !coding::get_bytes(in, &after) || !coding::get_bytes(in, &pattern) ||
      !coding::get_varint(in, &m->count) || !in.empty()) {
    return false;
  }
  m->after.assign(after);
  m->pattern.assign(pattern);
  return true;
}

std::string encode(const ScanReply& m) {
  std::string out = peer::begin_message(peer::MessageType::kScanReply);
  coding::put_varint(out, m.id);
  out.push_back(m.more ? 1 : 0);
  coding::put_varint(out, m.names.size());
  for (const auto& n : m.names) coding::put_bytes(out, n);
  return out;
}

bool decode(std::string_view in, ScanReply* m) {
  uint64_t n = 0;
  if (!peer::open_message(in, peer::MessageType::kScanReply) || !coding::get_varint(in, &m->id) ||
      in.empty() || static_cast<uint8_t>(in[0]) > 1) {
    return false;
  }
  m->more = in[0] != 0;
  in.remove_prefix(1);
  if (!coding::get_varint(in, &n) || n > in.size()) return false;
  m->names.clear();
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name;
    if (!coding::get_bytes(in, &name)) return false;
    m->names.emplace_back(name);
  }
  return in.empty();
}

}  // namespace meridian::scan
