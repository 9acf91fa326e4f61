#include "core/replication/log_record.h"

#include "core/data/coding.h"

namespace meridian {

void KeyImage::encode(std::string& out) const {
  coding::put_bytes(out, key);
  coding::put_bytes(out, rec.encode());
  coding::put_varint(out, fields.size());
  for (const auto& [name, f] : fields) {
    coding::put_bytes(out, name);
    coding::put_bytes(out, f.encode());
  }
}

bool KeyImage::decode(std::string_view& in) {
  std::string_view k, r;
  uint64_t n = 0;
  if (!coding::get_bytes(in, &k) || !coding::get_bytes(in, &r) || !rec.decode(r) ||
      !coding::get_varint(in, &n) || n > in.size()) {
    return false;
  }
  key.assign(k);
  fields.clear();
  fields.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view name, fr;
    FieldRecord f;
    if (!coding::get_bytes(in, &name) || !coding::get_bytes(in, &fr) || !f.decode(fr)) return false;
    fields.emplace_back(std::string(name), std::move(f));
  }
  return true;
}

std::string LogRecord::encode() const {
  std::string out;
  coding::put_varint(out, origin);
  coding::put_varint(out, seq);
  coding::put_fixed64_be(out, hlc.packed);
  out.push_back(clear ? 1 : 0);
  coding::put_varint(out, keys.size());
  for (const auto& k : keys) k.encode(out);
  return out;
}

bool LogRecord::decode(std::string_view in) {
  uint64_t o = 0, n = 0;
  if (!coding::get_varint(in, &o) || !coding::get_varint(in, &seq) ||
      !coding::get_fixed64_be(in, &hlc.packed) || in.empty()) {
    return false;
  }
  origin = static_cast<RegionId>(o);
  clear = in[0] != 0;
  in.remove_prefix(1);
  if (!coding::get_varint(in, &n) || n > in.size()) return false;
  keys.clear();
  keys.resize(n);
  for (auto& k : keys)
    if (!k.decode(in)) return false;
  return in.empty();
}

}  // namespace meridian
