#include "core/data/records.h"

#include "core/base/coding.h"

namespace meridian {

const char* type_name(ValueType t) {
  switch (t) {
    case ValueType::kString:
    case ValueType::kHll:  // Redis keeps a HyperLogLog in a string
      return "string";
    case ValueType::kSet:
      return "set";
    case ValueType::kHash:
      return "hash";
    case ValueType::kList:
      return "list";
    case ValueType::kZSet:
      return "zset";
    case ValueType::kStream:
      return "stream";
    case ValueType::kNone:
      break;
  }
  return "none";
}

std::string KeyRecord::encode() const {
  std::string out;
  out.reserve(32 + payload.size());
  out.push_back(static_cast<char>(kFormat));
  out.push_back(static_cast<char>(type));
  out.push_back(static_cast<char>(flags));
  coding::put_fixed64_be(out, hlc.packed);
  coding::put_varint(out, origin);
  coding::put_varint(out, static_cast<uint64_t>(expire_at_ms));
  coding::put_varint(out, generation);
  coding::put_varint(out, count);
  coding::put_varint(out, extra);
  vv.encode(out);
  if (replicated()) state.encode(out);
  out.append(payload);
  return out;
}

bool KeyRecord::decode(std::string_view in) {
  if (in.size() < 3) return false;
  auto format = static_cast<uint8_t>(in[0]);
  if (format < 1 || format > kFormat) return false;
  auto t = static_cast<uint8_t>(in[1]);
  if (t > kMaxValueType) return false;
  type = static_cast<ValueType>(t);
  flags = static_cast<uint8_t>(in[2]);
  in.remove_prefix(3);
  uint64_t origin64 = 0, expire = 0;
  if (!coding::get_fixed64_be(in, &hlc.packed) || !coding::get_varint(in, &origin64) ||
      origin64 > UINT32_MAX || !coding::get_varint(in, &expire) ||
      !coding::get_varint(in, &generation) || !coding::get_varint(in, &count)) {
    return false;
  }
  // Before format 3 the only field that was no element was a stream's anchor.
  extra = type == ValueType::kStream && count > 0 ? 1 : 0;
  if ((format == kFormat && !coding::get_varint(in, &extra)) || !vv.decode(in)) return false;
  origin = static_cast<RegionId>(origin64);
  expire_at_ms = static_cast<int64_t>(expire);
  state = KeyState{};
  if (format == 1) {
    // The first multi-region format: the value and expiry cells, bare.
    std::string_view ext;
    if (!coding::get_bytes(in, &ext)) return false;
    flags &= kFlagTombstone;
    if (!ext.empty()) {
      if (!state.value.decode(ext, 1) || !state.expiry.decode(ext, 1)) return false;
      flags |= kFlagReplicated;
      if (type != ValueType::kNone) state.note_write(type, version());
    }
  } else if (replicated() && !state.decode(in)) {
    return false;
  }
  payload.assign(in);
  return true;
}

std::string FieldRecord::encode() const {
  std::string out;
  if (has_cell()) {
    out.reserve(8 + cell.entries.size() * 16);
    out.push_back(static_cast<char>(kFormatReplicated));
    out.push_back(static_cast<char>(type));
    out.push_back(static_cast<char>(flags));
    cell.encode(out);
    return out;
  }
  out.reserve(18 + value.size());
  out.push_back(static_cast<char>(kFormat));
  coding::put_fixed64_be(out, hlc.packed);
  coding::put_varint(out, origin);
  coding::put_varint(out, seq);
  out.push_back(static_cast<char>(flags));
  coding::put_bytes(out, {});
  out.append(value);
  return out;
}

bool FieldRecord::decode(std::string_view in) {
  if (in.empty()) return false;
  auto format = static_cast<uint8_t>(in[0]);
  in.remove_prefix(1);
  flags = 0;
  cell = crdt::Cell{};
  value.clear();
  if (format == kFormatReplicated) {
    if (in.size() < 2 || static_cast<uint8_t>(in[0]) > kMaxValueType) return false;
    type = static_cast<ValueType>(in[0]);
    flags = static_cast<uint8_t>(in[1]) | kFlagCell;
    in.remove_prefix(2);
    if (!cell.decode(in)) return false;
    // The dot of the newest entry, for callers that show one.
    hlc = Hlc{};
    origin = 0;
    seq = 0;
    for (const auto& e : cell.entries) {
      if (hlc <= e.hlc) {
        hlc = e.hlc;
        origin = e.origin;
        seq = e.seq;
      }
    }
    return in.empty();
  }
  if (format != 1 && format != kFormat) return false;
  uint64_t origin64 = 0;
  if (!coding::get_fixed64_be(in, &hlc.packed) || !coding::get_varint(in, &origin64) ||
      origin64 > UINT32_MAX || !coding::get_varint(in, &seq)) {
    return false;
  }
  origin = static_cast<RegionId>(origin64);
  type = ValueType::kNone;
  if (format == kFormat) {
    std::string_view c;
    if (in.empty()) return false;
    flags = static_cast<uint8_t>(in[0]) & kFlagTombstone;
    in.remove_prefix(1);
    if (!coding::get_bytes(in, &c)) return false;
    if (!c.empty()) {
      if (!cell.decode(c, 1)) return false;
      flags |= kFlagCell;
    }
  }
  value.assign(in);
  return true;
}

namespace layout {

std::string field_prefix(std::string_view key, uint64_t generation) {
  std::string out;
  out.reserve(key.size() + 12);
  coding::put_varint(out, key.size());
  out.append(key);
  coding::put_fixed64_be(out, generation);
  return out;
}

std::string field_key(std::string_view key, uint64_t generation, std::string_view field) {
  std::string out = field_prefix(key, generation);
  out.append(field);
  return out;
}

bool parse_field_key(std::string_view k, uint64_t* generation, std::string_view* field,
                     std::string_view* key) {
  uint64_t n = 0;
  if (!coding::get_varint(k, &n) || n > k.size()) return false;
  if (key != nullptr) *key = k.substr(0, n);
  k.remove_prefix(n);
  if (!coding::get_fixed64_be(k, generation)) return false;
  *field = k;
  return true;
}

std::string prefix_end(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    auto& c = reinterpret_cast<unsigned char&>(out.back());
    if (c != 0xff) {
      ++c;
      return out;
    }
    out.pop_back();
  }
  return out;  // empty: no upper bound (prefix was all 0xff)
}

std::string expiry_key(int64_t expire_at_ms, std::string_view key) {
  std::string out;
  out.reserve(8 + key.size());
  coding::put_fixed64_be(out, static_cast<uint64_t>(expire_at_ms));
  out.append(key);
  return out;
}

bool parse_expiry_key(std::string_view k, int64_t* expire_at_ms, std::string_view* key) {
  uint64_t at = 0;
  if (!coding::get_fixed64_be(k, &at)) return false;
  *expire_at_ms = static_cast<int64_t>(at);
  *key = k;
  return true;
}

std::string log_key(RegionId origin, uint64_t seq) {
  std::string out;
  out.reserve(12);
  for (int i = 3; i >= 0; --i) out.push_back(static_cast<char>((origin >> (i * 8)) & 0xff));
  coding::put_fixed64_be(out, seq);
  return out;
}

bool parse_log_key(std::string_view k, RegionId* origin, uint64_t* seq) {
  if (k.size() != 12) return false;
  uint32_t o = 0;
  for (int i = 0; i < 4; ++i) o = (o << 8) | static_cast<uint8_t>(k[i]);
  k.remove_prefix(4);
  *origin = o;
  return coding::get_fixed64_be(k, seq);
}

}  // namespace layout
}  // namespace meridian
