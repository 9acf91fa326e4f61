#include "core/replication/messages.h"

#include "core/data/coding.h"

namespace meridian::repl {
namespace {

std::string begin(MessageType t) {
  std::string out;
  out.push_back(static_cast<char>(t));
  return out;
}

bool open(std::string_view& in, MessageType t) {
  if (in.empty() || static_cast<uint8_t>(in[0]) != static_cast<uint8_t>(t)) return false;
  in.remove_prefix(1);
  return true;
}

void put_images(std::string& out, const std::vector<KeyImage>& images) {
  coding::put_varint(out, images.size());
  for (const auto& i : images) i.encode(out);
}

bool get_images(std::string_view& in, std::vector<KeyImage>* images) {
  uint64_t n = 0;
  if (!coding::get_varint(in, &n) || n > in.size()) return false;
  images->clear();
  images->resize(n);
  for (auto& i : *images)
    if (!i.decode(in)) return false;
  return true;
}

}  // namespace

std::optional<MessageType> peek_type(std::string_view in) {
  if (in.empty()) return std::nullopt;
  auto t = static_cast<uint8_t>(in[0]);
  if (t < 1 || t > static_cast<uint8_t>(MessageType::kRepair)) return std::nullopt;
  return static_cast<MessageType>(t);
}

std::string encode(const Records& m) {
  std::string out = begin(MessageType::kRecords);
  coding::put_varint(out, m.after);
  coding::put_varint(out, m.records.size());
  for (const auto& r : m.records) coding::put_bytes(out, r);
  return out;
}

bool decode(std::string_view in, Records* m) {
  uint64_t n = 0;
  if (!open(in, MessageType::kRecords) || !coding::get_varint(in, &m->after) ||
      !coding::get_varint(in, &n) || n > in.size()) {
    return false;
  }
  m->records.clear();
  m->records.reserve(n);
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view r;
    if (!coding::get_bytes(in, &r)) return false;
    m->records.emplace_back(r);
  }
  return in.empty();
}

std::string encode(const Status& m) {
  std::string out = begin(MessageType::kStatus);
  m.applied.encode(out);
  out.push_back(m.resend ? 1 : 0);
  return out;
}

bool decode(std::string_view in, Status* m) {
  if (!open(in, MessageType::kStatus) || !m->applied.decode(in) || in.size() != 1) return false;
  m->resend = in[0] != 0;
  return true;
}

std::string encode(const Snapshot& m) {
  std::string out = begin(MessageType::kSnapshot);
  coding::put_varint(out, m.id);
  coding::put_varint(out, m.part);
  out.push_back(m.last ? 1 : 0);
  m.applied.encode(out);
  coding::put_fixed64_be(out, m.clear_watermark.packed);
  put_images(out, m.images);
  return out;
}

bool decode(std::string_view in, Snapshot* m) {
  uint64_t part = 0;
  if (!open(in, MessageType::kSnapshot) || !coding::get_varint(in, &m->id) ||
      !coding::get_varint(in, &part) || in.empty()) {
    return false;
  }
  m->part = static_cast<uint32_t>(part);
  m->last = in[0] != 0;
  in.remove_prefix(1);
  return m->applied.decode(in) && coding::get_fixed64_be(in, &m->clear_watermark.packed) &&
         get_images(in, &m->images) && in.empty();
}

std::string encode(const Read& m) {
  std::string out = begin(MessageType::kRead);
  coding::put_varint(out, m.id);
  coding::put_varint(out, m.keys.size());
  for (const auto& k : m.keys) coding::put_bytes(out, k);
  return out;
}

bool decode(std::string_view in, Read* m) {
  uint64_t n = 0;
  if (!open(in, MessageType::kRead) || !coding::get_varint(in, &m->id) ||
      !coding::get_varint(in, &n) || n > in.size()) {
    return false;
  }
  m->keys.clear();
  for (uint64_t i = 0; i < n; ++i) {
    std::string_view k;
    if (!coding::get_bytes(in, &k)) return false;
    m->keys.emplace_back(k);
  }
  return in.empty();
}

std::string encode(const ReadReply& m) {
  std::string out = begin(MessageType::kReadReply);
  coding::put_varint(out, m.id);
  put_images(out, m.images);
  return out;
}

bool decode(std::string_view in, ReadReply* m) {
  return open(in, MessageType::kReadReply) && coding::get_varint(in, &m->id) &&
         get_images(in, &m->images) && in.empty();
}

std::string encode(const Repair& m) {
  std::string out = begin(MessageType::kRepair);
  put_images(out, m.images);
  return out;
}

bool decode(std::string_view in, Repair* m) {
  return open(in, MessageType::kRepair) && get_images(in, &m->images) && in.empty();
}

}  // namespace meridian::repl
