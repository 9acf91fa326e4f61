#include "core/failover/failover_messages.h"

#include "core/base/coding.h"

namespace meridian::failover {
namespace {

using peer::MessageType;

std::string begin(MessageType t, uint64_t epoch) {
  std::string out = peer::begin_message(t);
  coding::put_varint(out, epoch);
  return out;
}

bool open(std::string_view& in, MessageType t, uint64_t* epoch) {
  return peer::open_message(in, t) && coding::get_varint(in, epoch);
}

bool get_region(std::string_view& in, RegionId* r) {
  uint64_t v = 0;
  if (!coding::get_varint(in, &v) || v > UINT32_MAX) return false;
  *r = static_cast<RegionId>(v);
  return true;
}

bool get_u8(std::string_view& in, uint8_t* v) {
  if (in.empty()) return false;
  *v = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  return true;
}

template <typename M>
std::string epoch_only(MessageType t, const M& m) {
  return begin(t, m.epoch);
}

template <typename M>
bool decode_epoch_only(std::string_view in, MessageType t, M* m) {
  return open(in, t, &m->epoch) && in.empty();
}

}  // namespace

void encode(std::string& out, const PrimaryChange& c) {
  coding::put_varint(out, c.epoch);
  coding::put_varint(out, c.from);
  coding::put_varint(out, c.to);
  coding::put_bytes(out, c.reason);
  coding::put_varint(out, static_cast<uint64_t>(c.start_ms));
  coding::put_varint(out, static_cast<uint64_t>(c.end_ms));
  coding::put_varint(out, c.log_position);
  coding::put_varint(out, c.unreplicated);
}

bool decode(std::string_view& in, PrimaryChange* c) {
  uint64_t start = 0, end = 0;
  std::string_view reason;
  if (!coding::get_varint(in, &c->epoch) || !get_region(in, &c->from) || !get_region(in, &c->to) ||
      !coding::get_bytes(in, &reason) || !coding::get_varint(in, &start) ||
      !coding::get_varint(in, &end) || !coding::get_varint(in, &c->log_position) ||
      !coding::get_varint(in, &c->unreplicated)) {
    return false;
  }
  c->reason.assign(reason);
  c->start_ms = static_cast<int64_t>(start);
  c->end_ms = static_cast<int64_t>(end);
  return true;
}

void encode_bounds(std::string& out, const PrimaryChange& c) {
  out.push_back(c.exact ? 1 : 0);
  coding::put_varint(out, c.survivors_held);
  coding::put_varint(out, c.old_reported);
}

bool decode_bounds(std::string_view& in, PrimaryChange* c) {
  uint8_t exact = 0;
  if (!get_u8(in, &exact) || exact > 1 || !coding::get_varint(in, &c->survivors_held) ||
      !coding::get_varint(in, &c->old_reported)) {
    return false;
  }
  c->exact = exact != 0;
  return true;
}

std::string encode(const Ping& m) {
  std::string out = begin(MessageType::kPing, m.epoch);
  coding::put_varint(out, m.primary);
  coding::put_varint(out, static_cast<uint64_t>(m.sent_ms));
  out.push_back(static_cast<char>((m.primary_down ? 1 : 0) | (m.fenced ? 2 : 0)));
  m.applied.encode(out);
  coding::put_varint(out, static_cast<uint64_t>(m.mean_rtt_ms + 1));  // 0: not known yet
  coding::put_varint(out, m.reads);
  coding::put_varint(out, m.writes);
  return out;
}

bool decode(std::string_view in, Ping* m) {
  uint64_t sent = 0, rtt1 = 0;
  uint8_t flags = 0;
  if (!open(in, MessageType::kPing, &m->epoch) || !get_region(in, &m->primary) ||
      !coding::get_varint(in, &sent) || !get_u8(in, &flags) || (flags & ~3) ||
      !m->applied.decode(in) || !coding::get_varint(in, &rtt1) ||
      !coding::get_varint(in, &m->reads) || !coding::get_varint(in, &m->writes) || !in.empty()) {
    return false;
  }
  m->sent_ms = static_cast<int64_t>(sent);
  m->primary_down = flags & 1;
  m->fenced = flags & 2;
  m->mean_rtt_ms = static_cast<int64_t>(rtt1) - 1;
  return true;
}

std::string encode(const Pong& m) {
  std::string out = begin(MessageType::kPong, m.epoch);
  coding::put_varint(out, m.primary);
  coding::put_varint(out, static_cast<uint64_t>(m.sent_ms));
  out.push_back(m.lease ? 1 : 0);
  return out;
}

bool decode(std::string_view in, Pong* m) {
  uint64_t sent = 0;
  uint8_t lease = 0;
  if (!open(in, MessageType::kPong, &m->epoch) || !get_region(in, &m->primary) ||
      !coding::get_varint(in, &sent) || !get_u8(in, &lease) || lease > 1 || !in.empty()) {
    return false;
  }
  m->sent_ms = static_cast<int64_t>(sent);
  m->lease = lease != 0;
  return true;
}

std::string encode(const VoteRequest& m) {
  std::string out = begin(MessageType::kVoteRequest, m.epoch);
  coding::put_varint(out, m.old_primary);
  coding::put_varint(out, m.holds);
  out.push_back(m.forced ? 1 : 0);
  return out;
}

bool decode(std::string_view in, VoteRequest* m) {
  uint8_t forced = 0;
  if (!open(in, MessageType::kVoteRequest, &m->epoch) || !get_region(in, &m->old_primary) ||
      !coding::get_varint(in, &m->holds) || !get_u8(in, &forced) || forced > 1 || !in.empty()) {
    return false;
  }
  m->forced = forced != 0;
  return true;
}

std::string encode(const VoteReply& m) {
  std::string out = begin(MessageType::kVoteReply, m.epoch);
  out.push_back(m.granted ? 1 : 0);
  coding::put_varint(out, m.old_primary);
  coding::put_varint(out, m.holds);
  coding::put_varint(out, m.voted_epoch);
  coding::put_varint(out, m.old_said);
  return out;
}

bool decode(std::string_view in, VoteReply* m) {
  uint8_t granted = 0;
  if (!open(in, MessageType::kVoteReply, &m->epoch) || !get_u8(in, &granted) || granted > 1 ||
      !get_region(in, &m->old_primary) || !coding::get_varint(in, &m->holds) ||
      !coding::get_varint(in, &m->voted_epoch) || !coding::get_varint(in, &m->old_said) ||
      !in.empty()) {
    return false;
  }
  m->granted = granted != 0;
  return true;
}

std::string encode(const NewPrimary& m) {
  std::string out(1, static_cast<char>(MessageType::kNewPrimary));
  encode(out, m.change);
  encode_bounds(out, m.change);
  return out;
}

bool decode(std::string_view in, NewPrimary* m) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != static_cast<uint8_t>(MessageType::kNewPrimary)) {
    return false;
  }
  in.remove_prefix(1);
  return decode(in, &m->change) && decode_bounds(in, &m->change) && in.empty();
}

std::string encode(const Handover& m) {
  return epoch_only(MessageType::kHandover, m);
}
std::string encode(const Promote& m) {
  return epoch_only(MessageType::kPromote, m);
}
std::string encode(const Fence& m) {
  return epoch_only(MessageType::kFence, m);
}
bool decode(std::string_view in, Handover* m) {
  return decode_epoch_only(in, MessageType::kHandover, m);
}
bool decode(std::string_view in, Promote* m) {
  return decode_epoch_only(in, MessageType::kPromote, m);
}
bool decode(std::string_view in, Fence* m) {
  return decode_epoch_only(in, MessageType::kFence, m);
}

}  // namespace meridian::failover
