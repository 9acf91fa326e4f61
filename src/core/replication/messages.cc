#include "core/replication/messages.h"

#include "core/base/coding.h"

namespace meridian::repl {
namespace {

bool get_u8(std::string_view& in, uint8_t* v) {
  if (in.empty()) return false;
  *v = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  return true;
}

void put_strings(std::string& out, const std::vector<std::string>& v) {
  coding::put_varint(out, v.size());
  for (const auto& s : v) coding::put_bytes(out, s);
}

bool get_strings(std::string_view& in, std::vector<std::string>* v) {
  uint64_t n = 0;
  if (!coding::get_varint(in, &n) || n > in.size()) return false;
  v->clear();
  v->reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view s;
    if (!coding::get_bytes(in, &s)) return false;
    v->emplace_back(s);
  }
  return true;
}

}  // namespace

std::string encode(const Records& m) {
  std::string out = peer::begin_message(MessageType::kRecords);
  coding::put_varint(out, m.origin);
  coding::put_varint(out, m.after);
  put_strings(out, m.records);
  return out;
}

bool decode(std::string_view in, Records* m) {
  uint64_t origin = 0;
  if (!peer::open_message(in, MessageType::kRecords) || !coding::get_varint(in, &origin) ||
      origin > UINT32_MAX || !coding::get_varint(in, &m->after) || !get_strings(in, &m->records)) {
    return false;
  }
  m->origin = static_cast<RegionId>(origin);
  return in.empty();
}

std::string encode(const Status& m) {
  std::string out = peer::begin_message(MessageType::kStatus);
  m.applied.encode(out);
  out.push_back(static_cast<char>((m.resend ? 1 : 0) | (m.resync ? 2 : 0)));
  return out;
}

bool decode(std::string_view in, Status* m) {
  uint8_t flags = 0;
  if (!peer::open_message(in, MessageType::kStatus) || !m->applied.decode(in) ||
      !get_u8(in, &flags) || (flags & ~3) || !in.empty()) {
    return false;
  }
  m->resend = flags & 1;
  m->resync = flags & 2;
  return true;
}

std::string encode(const Snapshot& m) {
  std::string out = peer::begin_message(MessageType::kSnapshot);
  coding::put_varint(out, m.id);
  coding::put_varint(out, m.part);
  out.push_back(static_cast<char>(m.kind));
  switch (m.kind) {
    case Snapshot::kHeader:
      m.applied.encode(out);
      m.context.encode(out);
      m.clears.encode(out);
      m.floors.encode(out);
      break;
    case Snapshot::kLog:
      put_strings(out, m.records);
      break;
    case Snapshot::kKeys:
      coding::put_varint(out, m.chunks.size());
      for (const auto& c : m.chunks) c.encode(out);
      break;
    case Snapshot::kEnd:
      break;
  }
  return out;
}

bool decode(std::string_view in, Snapshot* m) {
  uint64_t part = 0;
  uint8_t kind = 0;
  if (!peer::open_message(in, MessageType::kSnapshot) || !coding::get_varint(in, &m->id) ||
      !coding::get_varint(in, &part) || part > UINT32_MAX || !get_u8(in, &kind) ||
      kind > Snapshot::kEnd) {
    return false;
  }
  m->part = static_cast<uint32_t>(part);
  m->kind = static_cast<Snapshot::Kind>(kind);
  switch (m->kind) {
    case Snapshot::kHeader:
      if (!m->applied.decode(in) || !m->context.decode(in) || !m->clears.decode(in) ||
          !m->floors.decode(in)) {
        return false;
      }
      break;
    case Snapshot::kLog:
      if (!get_strings(in, &m->records)) return false;
      break;
    case Snapshot::kKeys: {
      uint64_t n = 0;
      if (!coding::get_varint(in, &n) || n > in.size()) return false;
      m->chunks.assign(n, KeyChunk{});
      for (auto& c : m->chunks)
        if (!c.decode(in)) return false;
      break;
    }
    case Snapshot::kEnd:
      break;
  }
  return in.empty();
}

std::string encode(const SnapshotAck& m) {
  std::string out = peer::begin_message(MessageType::kSnapshotAck);
  coding::put_varint(out, m.id);
  coding::put_varint(out, m.part);
  out.push_back(m.broken ? 1 : 0);
  return out;
}

bool decode(std::string_view in, SnapshotAck* m) {
  uint64_t part = 0;
  uint8_t broken = 0;
  if (!peer::open_message(in, MessageType::kSnapshotAck) || !coding::get_varint(in, &m->id) ||
      !coding::get_varint(in, &part) || part > UINT32_MAX || !get_u8(in, &broken) || broken > 1 ||
      !in.empty()) {
    return false;
  }
  m->part = static_cast<uint32_t>(part);
  m->broken = broken != 0;
  return true;
}

std::string encode(const Pull& m) {
  std::string out = peer::begin_message(MessageType::kPull);
  coding::put_varint(out, m.id);
  m.applied.encode(out);
  coding::put_varint(out, m.max_bytes);
  return out;
}

bool decode(std::string_view in, Pull* m) {
  return peer::open_message(in, MessageType::kPull) && coding::get_varint(in, &m->id) &&
         m->applied.decode(in) && coding::get_varint(in, &m->max_bytes) && in.empty();
}

std::string encode(const PullReply& m) {
  std::string out = peer::begin_message(MessageType::kPullReply);
  coding::put_varint(out, m.id);
  m.applied.encode(out);
  out.push_back(m.more ? 1 : 0);
  return out;
}

bool decode(std::string_view in, PullReply* m) {
  uint8_t more = 0;
  if (!peer::open_message(in, MessageType::kPullReply) || !coding::get_varint(in, &m->id) ||
      !m->applied.decode(in) || !get_u8(in, &more) || more > 1 || !in.empty()) {
    return false;
  }
  m->more = more != 0;
  return true;
}

}  // namespace meridian::repl
