#include "core/data/records.h"

#include "core/data/coding.h"

namespace meridian {

const char* type_name(ValueType t) {
  switch (t) {
    case ValueType::kString:
      return "string";
    case ValueType::kSet:
      return "set";
    case ValueType::kHash:
      return "hash";
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
  vv.encode(out);
  coding::put_bytes(out, ext);
  out.append(payload);
  return out;
}

bool KeyRecord::decode(std::string_view in) {
  if (in.size() < 3 || static_cast<uint8_t>(in[0]) != kFormat) return false;
  auto t = static_cast<uint8_t>(in[1]);
  if (t > static_cast<uint8_t>(ValueType::kHash)) return false;
  type = static_cast<ValueType>(t);
  flags = static_cast<uint8_t>(in[2]);
  in.remove_prefix(3);
  uint64_t origin64 = 0, expire = 0;
  std::string_view ext_view;
  if (!coding::get_fixed64_be(in, &hlc.packed) || !coding::get_varint(in, &origin64) ||
      !coding::get_varint(in, &expire) || !coding::get_varint(in, &generation) ||
      !coding::get_varint(in, &count) || !vv.decode(in) || !coding::get_bytes(in, &ext_view)) {
    return false;
  }
  origin = static_cast<RegionId>(origin64);
  expire_at_ms = static_cast<int64_t>(expire);
  ext.assign(ext_view);
  payload.assign(in);
  return true;
}

std::string FieldRecord::encode() const {
  std::string out;
  out.reserve(18 + cell.size() + value.size());
  out.push_back(static_cast<char>(kFormat));
  coding::put_fixed64_be(out, hlc.packed);
  coding::put_varint(out, origin);
  coding::put_varint(out, seq);
  out.push_back(static_cast<char>(flags));
  coding::put_bytes(out, cell);
  out.append(value);
  return out;
}

bool FieldRecord::decode(std::string_view in) {
  if (in.empty()) return false;
  auto format = static_cast<uint8_t>(in[0]);
  if (format != 1 && format != kFormat) return false;
  in.remove_prefix(1);
  uint64_t origin64 = 0;
  if (!coding::get_fixed64_be(in, &hlc.packed) || !coding::get_varint(in, &origin64) ||
      !coding::get_varint(in, &seq)) {
    return false;
  }
  origin = static_cast<RegionId>(origin64);
  flags = 0;
  cell.clear();
  if (format == kFormat) {
    std::string_view c;
    if (in.empty()) return false;
    flags = static_cast<uint8_t>(in[0]);
    in.remove_prefix(1);
    if (!coding::get_bytes(in, &c)) return false;
    cell.assign(c);
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

}  // namespace layout
}  // namespace meridian
