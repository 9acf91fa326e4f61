#include "dns/dns_packet.h"

#include <ldns/ldns.h>

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <cstring>
#include <memory>

namespace meridian::dns {
namespace {

struct PktFree {
  void operator()(ldns_pkt* p) const { ldns_pkt_free(p); }
};
using Pkt = std::unique_ptr<ldns_pkt, PktFree>;

constexpr uint16_t kEcsCode = 8;  // RFC 7871

// The owner name as lower-case text without the trailing dot. Any byte but
// a letter, digit, '-' or '_' is escaped (\DDD), so a label holding a '.'
// can never pass for two labels of a name we serve.
bool name_text(const ldns_rdf* dname, std::string* out) {
  out->clear();
  const uint8_t* p = ldns_rdf_data(dname);
  size_t left = ldns_rdf_size(dname);
  while (left > 0) {
    uint8_t len = *p++;
    --left;
    if (len == 0) return true;
    if (len > 63 || len > left) return false;
    if (!out->empty()) out->push_back('.');
    for (uint8_t i = 0; i < len; ++i) {
      auto c = static_cast<unsigned char>(std::tolower(p[i]));
      if (std::isalnum(c) || c == '-' || c == '_') {
        out->push_back(static_cast<char>(c));
      } else {
        char esc[5];
        std::snprintf(esc, sizeof(esc), "\\%03u", c);
        out->append(esc);
      }
    }
    p += len;
    left -= len;
  }
  return true;
}

// The shape every query we answer has: one question with an uncompressed
// name, no answer or authority records, and at most one additional record,
// an OPT with the root owner whose options fill its RDATA exactly. Checked
// before libldns sees the bytes because ldns_wire2pkt leaks the record it
// was decoding when a later field is malformed (found by fuzz/).
bool query_shape_ok(const uint8_t* data, size_t size) {
  auto u16 = [data](size_t at) { return static_cast<size_t>(data[at] << 8 | data[at + 1]); };
  if (u16(4) != 1 || u16(6) != 0 || u16(8) != 0 || u16(10) > 1) return false;
  size_t at = 12;
  for (;;) {  // question name: plain labels, no pointers, at most 255 bytes
    if (at >= size || at - 12 >= 255) return false;
    uint8_t len = data[at++];
    if (len == 0) break;
    if (len > 63 || size - at < len) return false;
    at += len;
  }
  if (size - at < 4) return false;
  at += 4;  // QTYPE, QCLASS
  if (u16(10) == 1) {
    if (size - at < 11 || data[at] != 0 || u16(at + 1) != 41) return false;
    size_t rdlen = u16(at + 9);
    at += 11;
    if (size - at < rdlen) return false;
    size_t end = at + rdlen;
    while (at < end) {  // options: code, length, data
      if (end - at < 4 || end - at - 4 < u16(at + 2)) return false;
      at += 4 + u16(at + 2);
    }
  }
  return at == size;
}

}  // namespace

Parsed parse_query(const uint8_t* data, size_t size, Query* out) {
  if (size < 12) return Parsed::kDrop;
  if (data[2] & 0x80) return Parsed::kDrop;  // QR: a response, never answer it
  uint8_t opcode = (data[2] >> 3) & 0x0f;
  if (opcode != 0) return Parsed::kNotImp;
  if (!query_shape_ok(data, size)) return Parsed::kFormErr;
  ldns_pkt* raw = nullptr;
  if (ldns_wire2pkt(&raw, data, size) != LDNS_STATUS_OK || raw == nullptr) {
    return Parsed::kFormErr;
  }
  Pkt pkt(raw);
  if (ldns_pkt_qdcount(pkt.get()) != 1 || ldns_pkt_ancount(pkt.get()) != 0) {
    return Parsed::kFormErr;
  }
  ldns_rr* q = ldns_rr_list_rr(ldns_pkt_question(pkt.get()), 0);
  if (q == nullptr || ldns_rr_owner(q) == nullptr) return Parsed::kFormErr;
  out->id = ldns_pkt_id(pkt.get());
  out->rd = ldns_pkt_rd(pkt.get());
  out->qtype = static_cast<uint16_t>(ldns_rr_get_type(q));
  out->qclass = static_cast<uint16_t>(ldns_rr_get_class(q));
  if (!name_text(ldns_rr_owner(q), &out->qname)) return Parsed::kFormErr;
  out->edns = ldns_pkt_edns(pkt.get());
  out->has_ecs = false;
  if (out->edns) {
    out->udp_size = std::max<uint16_t>(512, ldns_pkt_edns_udp_size(pkt.get()));
    ldns_edns_option_list* opts = ldns_pkt_edns_get_option_list(pkt.get());
    for (size_t i = 0; opts != nullptr && i < ldns_edns_option_list_get_count(opts); ++i) {
      ldns_edns_option* o = ldns_edns_option_list_get_option(opts, i);
      if (o == nullptr || ldns_edns_get_code(o) != kEcsCode) continue;
      const uint8_t* d = ldns_edns_get_data(o);
      size_t n = ldns_edns_get_size(o);
      if (d == nullptr || n < 4) return Parsed::kFormErr;
      uint16_t family = static_cast<uint16_t>(d[0] << 8 | d[1]);
      uint8_t source = d[2], scope = d[3];
      size_t width = family == 1 ? 4 : family == 2 ? 16 : 0;
      // RFC 7871: known family, prefix within it, scope 0 in queries, and
      // exactly ceil(source/8) address bytes.
      if (width == 0 || source > width * 8 || scope != 0 || n - 4 != (source + 7u) / 8u) {
        return Parsed::kFormErr;
      }
      Address a;
      a.v4 = family == 1;
      if (a.v4) {
        a.bytes[10] = a.bytes[11] = 0xff;
        std::memcpy(&a.bytes[12], d + 4, n - 4);
      } else {
        std::memcpy(a.bytes.data(), d + 4, n - 4);
      }
      out->has_ecs = true;
      out->ecs_family = family;
      out->ecs_source = source;
      out->ecs_address = a;
    }
  }
  return Parsed::kQuery;
}

std::string build_answer(const Query& q, int rcode, const std::vector<std::string>& addresses,
                         uint32_t ttl, size_t max_size, const ZoneInfo* zone, int ecs_scope) {
  Pkt pkt(ldns_pkt_new());
  ldns_pkt_set_id(pkt.get(), q.id);
  ldns_pkt_set_qr(pkt.get(), true);
  ldns_pkt_set_aa(pkt.get(), rcode != LDNS_RCODE_REFUSED);
  ldns_pkt_set_rd(pkt.get(), q.rd);
  ldns_pkt_set_opcode(pkt.get(), LDNS_PACKET_QUERY);
  ldns_pkt_set_rcode(pkt.get(), static_cast<uint8_t>(rcode));
  ldns_rdf* owner = ldns_dname_new_frm_str((q.qname + ".").c_str());
  if (owner == nullptr) return build_error(nullptr, 0, LDNS_RCODE_SERVFAIL);
  ldns_rr* question = ldns_rr_new();
  ldns_rr_set_owner(question, ldns_rdf_clone(owner));
  ldns_rr_set_type(question, static_cast<ldns_rr_type>(q.qtype));
  ldns_rr_set_class(question, static_cast<ldns_rr_class>(q.qclass));
  ldns_rr_set_question(question, true);
  ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_QUESTION, question);
  const bool want_a = q.qtype == LDNS_RR_TYPE_A || q.qtype == LDNS_RR_TYPE_ANY;
  const bool want_aaaa = q.qtype == LDNS_RR_TYPE_AAAA || q.qtype == LDNS_RR_TYPE_ANY;
  for (const auto& text : addresses) {
    auto a = Address::parse(text);
    if (!a || (a->v4 ? !want_a : !want_aaaa)) continue;
    ldns_rdf* rdata =
        ldns_rdf_new_frm_str(a->v4 ? LDNS_RDF_TYPE_A : LDNS_RDF_TYPE_AAAA, text.c_str());
    if (rdata == nullptr) continue;
    ldns_rr* rr = ldns_rr_new();
    ldns_rr_set_owner(rr, ldns_rdf_clone(owner));
    ldns_rr_set_type(rr, a->v4 ? LDNS_RR_TYPE_A : LDNS_RR_TYPE_AAAA);
    ldns_rr_set_class(rr, LDNS_RR_CLASS_IN);
    ldns_rr_set_ttl(rr, ttl);
    ldns_rr_push_rdf(rr, rdata);
    ldns_pkt_push_rr(pkt.get(), LDNS_SECTION_ANSWER, rr);
  }
  ldns_rdf_deep_free(owner);
  const bool zone_data = q.qtype == LDNS_RR_TYPE_NS || q.qtype == LDNS_RR_TYPE_SOA ||
                         q.qtype == LDNS_RR_TYPE_ANY || ldns_pkt_ancount(pkt.get()) == 0;
  if (zone != nullptr && !zone->nameservers.empty() && rcode == LDNS_RCODE_NOERROR && zone_data) {
    auto push = [&](ldns_pkt_section section, const std::string& text) {
      ldns_rr* rr = nullptr;
      if (ldns_rr_new_frm_str(&rr, text.c_str(), 0, nullptr, nullptr) == LDNS_STATUS_OK) {
        ldns_pkt_push_rr(pkt.get(), section, rr);
      }
    };
    const std::string head =
        q.qname + ". " + std::to_string(ttl == 0 ? zone->minimum : ttl) + " IN ";
    const std::string soa = head + "SOA " + zone->nameservers.front() + ". " + zone->hostmaster +
                            ". " + std::to_string(zone->serial) + " 3600 600 86400 " +
                            std::to_string(zone->minimum);
    if (q.qtype == LDNS_RR_TYPE_NS || q.qtype == LDNS_RR_TYPE_ANY) {
      for (const auto& ns : zone->nameservers) push(LDNS_SECTION_ANSWER, head + "NS " + ns + ".");
    }
    if (q.qtype == LDNS_RR_TYPE_SOA || q.qtype == LDNS_RR_TYPE_ANY) {
      push(LDNS_SECTION_ANSWER, soa);
    }
    if (ldns_pkt_ancount(pkt.get()) == 0) push(LDNS_SECTION_AUTHORITY, soa);  // NODATA
  }
  if (q.edns) {
    ldns_pkt_set_edns_udp_size(pkt.get(), 1232);
    if (q.has_ecs) {
      // Echo the subnet with the scope the answer holds for (RFC 7871
      // 7.2.1).
      size_t n = (q.ecs_source + 7u) / 8u;
      std::string opt(4 + n, '\0');
      opt[0] = static_cast<char>(q.ecs_family >> 8);
      opt[1] = static_cast<char>(q.ecs_family & 0xff);
      opt[2] = static_cast<char>(q.ecs_source);
      opt[3] = static_cast<char>(ecs_scope >= 0 ? ecs_scope : q.ecs_source);
      const uint8_t* src = q.ecs_address.bytes.data() + (q.ecs_family == 1 ? 12 : 0);
      std::memcpy(opt.data() + 4, src, n);
      ldns_edns_option_list* list = ldns_edns_option_list_new();
      ldns_edns_option_list_push(
          list, ldns_edns_new_from_data(static_cast<ldns_edns_option_code>(kEcsCode), opt.size(),
                                        opt.data()));
      ldns_pkt_set_edns_option_list(pkt.get(), list);
    }
  }
  uint8_t* wire = nullptr;
  size_t size = 0;
  if (ldns_pkt2wire(&wire, pkt.get(), &size) != LDNS_STATUS_OK || wire == nullptr) {
    return std::string();
  }
  std::string out(reinterpret_cast<char*>(wire), size);
  free(wire);
  if (out.size() > max_size) {
    // Too big for the client's buffer: header and question only, TC set.
    ldns_rr_list_deep_free(ldns_pkt_answer(pkt.get()));
    ldns_pkt_set_answer(pkt.get(), ldns_rr_list_new());
    ldns_pkt_set_ancount(pkt.get(), 0);
    ldns_rr_list_deep_free(ldns_pkt_authority(pkt.get()));
    ldns_pkt_set_authority(pkt.get(), ldns_rr_list_new());
    ldns_pkt_set_nscount(pkt.get(), 0);
    ldns_pkt_set_tc(pkt.get(), true);
    if (ldns_pkt2wire(&wire, pkt.get(), &size) != LDNS_STATUS_OK) return std::string();
    out.assign(reinterpret_cast<char*>(wire), size);
    free(wire);
  }
  return out;
}

std::string build_error(const uint8_t* data, size_t size, int rcode) {
  // The header alone: id, opcode and RD copied, QR set, no sections.
  std::string out(12, '\0');
  if (data != nullptr && size >= 12) {
    out[0] = static_cast<char>(data[0]);
    out[1] = static_cast<char>(data[1]);
    out[2] = static_cast<char>(0x80 | (data[2] & 0x79));  // QR, opcode, RD
  } else {
    out[2] = static_cast<char>(0x80);
  }
  out[3] = static_cast<char>(rcode & 0x0f);
  return out;
}

}  // namespace meridian::dns
