#include "core/data/delta.h"

#include <algorithm>

#include "core/base/coding.h"

namespace meridian {
namespace {

// KeyDelta flags on the wire.
constexpr uint8_t kWireRemove = KeyDelta::kRemove;
constexpr uint8_t kWireClear = KeyDelta::kClear;
constexpr uint8_t kWireValue = 0x04;
constexpr uint8_t kWireExpiry = 0x08;
constexpr uint8_t kWireIncrement = 0x10;
constexpr uint8_t kWireClearPrior = KeyDelta::kClearPrior;
// LogRecord flags (the byte after the dependencies).
constexpr uint8_t kRecordClear = 0x01;
constexpr uint8_t kRecordMore = 0x02;
constexpr uint8_t kWireEvents = 0x40;
constexpr uint8_t kWireKnown = 0x7f;

void put_signed(std::string& out, int64_t v) {
  // zigzag
  coding::put_varint(out, (static_cast<uint64_t>(v) << 1) ^ static_cast<uint64_t>(v >> 63));
}

bool get_signed(std::string_view& in, int64_t* v) {
  uint64_t u = 0;
  if (!coding::get_varint(in, &u)) return false;
  *v = static_cast<int64_t>((u >> 1) ^ (~(u & 1) + 1));
  return true;
}

void put_increment(std::string& out, const Increment& i) {
  put_signed(out, i.amount);
  if (i.amount == 0) return;
  coding::put_varint(out, i.prev_last);
  coding::put_fixed64_be(out, i.prev_hlc.packed);
}

bool get_increment(std::string_view& in, Increment* i) {
  if (!get_signed(in, &i->amount)) return false;
  if (i->amount == 0) return true;
  return coding::get_varint(in, &i->prev_last) && coding::get_fixed64_be(in, &i->prev_hlc.packed);
}

bool get_u8(std::string_view& in, uint8_t* v) {
  if (in.empty()) return false;
  *v = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  return true;
}

}  // namespace

FieldDelta* KeyDelta::field(std::string_view name) {
  for (auto& f : fields)
    if (f.name == name) return &f;
  return nullptr;
}

VersionVector LogRecord::context() const {
  VersionVector v = deps;
  v.set(origin, seq - 1);
  return v;
}

std::string LogRecord::encode() const {
  std::string out;
  out.push_back(static_cast<char>(kFormat));
  coding::put_varint(out, origin);
  coding::put_varint(out, seq);
  coding::put_fixed64_be(out, hlc.packed);
  deps.encode(out);
  out.push_back(static_cast<char>((clear ? kRecordClear : 0) | (more ? kRecordMore : 0)));
  coding::put_varint(out, keys.size());
  crdt::Implied im{origin, seq, hlc};
  for (const auto& k : keys) {
    coding::put_bytes(out, k.key);
    out.push_back(static_cast<char>(k.type));
    uint8_t flags = k.flags | (k.value ? kWireValue : 0) | (k.expiry ? kWireExpiry : 0) |
                    (k.value_increment.amount != 0 ? kWireIncrement : 0) |
                    (k.events.empty() ? 0 : kWireEvents);
    out.push_back(static_cast<char>(flags));
    if (k.value) k.value->encode(out, &im);
    if (k.value_increment.amount != 0) put_increment(out, k.value_increment);
    if (k.expiry) k.expiry->encode(out, &im);
    coding::put_varint(out, k.fields.size());
    for (const auto& f : k.fields) {
      coding::put_bytes(out, f.name);
      put_increment(out, f.increment);
      f.cell.encode(out, &im);
    }
    if (k.events.empty()) continue;
    coding::put_varint(out, k.events.size());
    for (const auto& e : k.events) coding::put_bytes(out, e);
  }
  return out;
}

bool LogRecord::decode(std::string_view in) {
  uint8_t format = 0;
  uint64_t o = 0, n = 0;
  if (!get_u8(in, &format) || format != kFormat || !coding::get_varint(in, &o) || o > UINT32_MAX ||
      !coding::get_varint(in, &seq) || seq == 0 || !coding::get_fixed64_be(in, &hlc.packed) ||
      !deps.decode(in) || in.empty()) {
    return false;
  }
  origin = static_cast<RegionId>(o);
  clear = (in[0] & kRecordClear) != 0;
  more = (in[0] & kRecordMore) != 0;
  in.remove_prefix(1);
  if (!coding::get_varint(in, &n) || n > in.size()) return false;
  keys.assign(n, KeyDelta{});
  crdt::Implied im{origin, seq, hlc};
  for (auto& k : keys) {
    std::string_view name;
    uint8_t type = 0, flags = 0;
    uint64_t nf = 0;
    if (!coding::get_bytes(in, &name) || !get_u8(in, &type) || type > kMaxValueType ||
        !get_u8(in, &flags) || (flags & ~kWireKnown)) {
      return false;
    }
    k.key.assign(name);
    k.type = static_cast<ValueType>(type);
    k.flags = flags & (kWireRemove | kWireClear | kWireClearPrior);
    if (flags & kWireValue) {
      k.value.emplace();
      if (!k.value->decode(in, 2, &im)) return false;
    }
    if ((flags & kWireIncrement) && !get_increment(in, &k.value_increment)) return false;
    if (flags & kWireExpiry) {
      k.expiry.emplace();
      if (!k.expiry->decode(in, 2, &im)) return false;
    }
    if (!coding::get_varint(in, &nf) || nf > in.size()) return false;
    k.fields.assign(nf, FieldDelta{});
    for (auto& f : k.fields) {
      std::string_view fname;
      if (!coding::get_bytes(in, &fname) || !get_increment(in, &f.increment) ||
          !f.cell.decode(in, 2, &im)) {
        return false;
      }
      f.name.assign(fname);
    }
    if (flags & kWireEvents) {
      uint64_t ne = 0;
      if (!coding::get_varint(in, &ne) || ne > in.size()) return false;
      k.events.resize(ne);
      for (auto& e : k.events) {
        std::string_view ev;
        if (!coding::get_bytes(in, &ev) || ev.empty()) return false;
        e.assign(ev);
      }
    }
  }
  return in.empty();
}

bool peek_record(std::string_view in, RegionId* origin, uint64_t* seq, Hlc* hlc) {
  uint8_t format = 0;
  uint64_t o = 0;
  if (!get_u8(in, &format) || format != LogRecord::kFormat || !coding::get_varint(in, &o) ||
      o > UINT32_MAX || !coding::get_varint(in, seq) || !coding::get_fixed64_be(in, &hlc->packed)) {
    return false;
  }
  *origin = static_cast<RegionId>(o);
  return true;
}

bool record_continues(std::string_view in) {
  uint8_t format = 0;
  uint64_t o = 0, seq = 0, hlc = 0;
  VersionVector deps;
  if (!get_u8(in, &format) || format != LogRecord::kFormat || !coding::get_varint(in, &o) ||
      !coding::get_varint(in, &seq) || !coding::get_fixed64_be(in, &hlc) || !deps.decode(in) ||
      in.empty()) {
    return false;
  }
  return (in[0] & kRecordMore) != 0;
}

void KeyChunk::encode(std::string& out) const {
  coding::put_bytes(out, key);
  out.push_back(static_cast<char>((first ? 1 : 0) | (final ? 2 : 0)));
  coding::put_bytes(out, after);
  if (first) coding::put_bytes(out, rec.encode());
  coding::put_varint(out, fields.size());
  for (const auto& [name, f] : fields) {
    coding::put_bytes(out, name);
    coding::put_bytes(out, f.encode());
  }
}

bool KeyChunk::decode(std::string_view& in) {
  std::string_view k, a;
  uint8_t flags = 0;
  uint64_t n = 0;
  if (!coding::get_bytes(in, &k) || !get_u8(in, &flags) || (flags & ~3) ||
      !coding::get_bytes(in, &a)) {
    return false;
  }
  key.assign(k);
  first = flags & 1;
  final = flags & 2;
  after.assign(a);
  if (first) {
    std::string_view r;
    if (!coding::get_bytes(in, &r) || !rec.decode(r)) return false;
  }
  if (!coding::get_varint(in, &n) || n > in.size()) return false;
  fields.clear();
  fields.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name, fr;
    FieldRecord f;
    if (!coding::get_bytes(in, &name) || !coding::get_bytes(in, &fr) || !f.decode(fr)) return false;
    if (!fields.empty() && fields.back().first >= name) return false;  // sorted, unique
    fields.emplace_back(std::string(name), std::move(f));
  }
  return true;
}

}  // namespace meridian
