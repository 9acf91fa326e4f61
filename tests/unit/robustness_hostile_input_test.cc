// Robustness, (a) hostile input. Arbitrary bytes, and valid RESP / inline
// commands mutated in the ways real clients and attackers get wrong
// (truncation, flipped bytes, huge declared lengths, nested '*', NULs, lone
// CR/LF, negative lengths, many arguments), fed in arbitrary chunks to one
// client, must never crash or hang the region, must only produce well-formed
// RESP, and must never change what a second, well-behaved client stored
// before and reads after.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "robustness_support.h"

namespace meridian::testing::robustness {
namespace {

// Inline form of a command (Redis' sdssplitargs syntax): plain words, or
// double-quoted with \xHH escapes.
std::string encode_inline(const Args& args, bool crlf) {
  std::string out;
  for (const auto& a : args) {
    if (!out.empty()) out += ' ';
    bool plain = !a.empty() && std::all_of(a.begin(), a.end(), [](char c) {
      return c > ' ' && c < 0x7f && c != '"' && c != '\'' && c != '\\';
    });
    if (plain) {
      out += a;
    } else {
      out += '"';
      for (unsigned char c : a) {
        char buf[8];
        std::snprintf(buf, sizeof(buf), "\\x%02x", c);
        out += buf;
      }
      out += '"';
    }
  }
  out += crlf ? "\r\n" : "\n";
  return out;
}

// A well-formed request: one command as RESP or inline.
rc::Gen<std::string> gen_request() {
  return rc::gen::exec([] {
    Args args = *gen_command();
    switch (*rc::gen::weightedElement<int>({{6, 0}, {2, 1}, {1, 2}})) {
      case 0:
        return encode_command(args);
      case 1:
        return encode_inline(args, true);
      default:
        return encode_inline(args, false);
    }
  });
}

// One way of breaking a byte stream, applied at `at` (a fraction of its
// length, so that shrinking the stream keeps the mutation meaningful).
struct Mutation {
  int kind = 0;
  uint32_t at = 0;  // position: at * (size + 1) / 2^32
  uint32_t len = 0;
  std::string bytes;
};

void showValue(const Mutation& m, std::ostream& os) {
  static const char* names[] = {"truncate",  "flip",     "nul",       "lone-cr",
                                "lone-lf",   "bulk-len", "mbulk-len", "nested-star",
                                "many-args", "random",   "delete",    "duplicate"};
  os << names[m.kind] << "@" << m.at << "/" << m.len << " '" << escape(m.bytes, 60) << "'";
}

rc::Gen<Mutation> gen_mutation() {
  return rc::gen::exec([] {
    Mutation m;
    m.kind = *rc::gen::inRange(0, 12);
    m.at = *rc::gen::arbitrary<uint32_t>();
    m.len = *rc::gen::inRange<uint32_t>(1, 64);
    switch (m.kind) {
      case 1:  // flipped bits
        m.bytes = std::string(1, static_cast<char>(*rc::gen::inRange(1, 256)));
        break;
      case 5:  // a bulk header with a huge, negative or broken length
        m.bytes = "$" +
                  *rc::gen::element<std::string>("536870912", "536870913", "2147483648",
                                                 "9223372036854775807", "99999999999999999999",
                                                 "-1", "-5", "", "0", "+3", "03", "3x", " 3") +
                  "\r\n";
        break;
      case 6:  // a multibulk header with a huge, negative or broken count
        m.bytes = "*" +
                  *rc::gen::element<std::string>("2147483647", "2147483648", "-1", "-3", "0", "1",
                                                 "3", "99999999999999999999", "", "1x", "-0") +
                  "\r\n";
        break;
      case 7: {  // '*' where a '$' belongs, possibly deeply
        int depth = *rc::gen::inRange(1, 40);
        for (int i = 0; i < depth; ++i) m.bytes += "*1\r\n";
        m.bytes += "$4\r\nPING\r\n";
        break;
      }
      case 8: {  // many arguments
        int n = *rc::gen::inRange(1, 3000);
        std::string cmd = *rc::gen::element<std::string>("MGET", "SADD", "DEL", "EXISTS", "PING");
        m.bytes = "*" + std::to_string(n + 1) + "\r\n$" + std::to_string(cmd.size()) + "\r\n" +
                  cmd + "\r\n";
        for (int i = 0; i < n; ++i) m.bytes += "$2\r\nk" + std::to_string(i % 10) + "\r\n";
        break;
      }
      case 9:
        m.bytes =
            *rc::gen::container<std::string>(*rc::gen::inRange(1, 24), rc::gen::arbitrary<char>());
        break;
      default:
        break;
    }
    return m;
  });
}

void apply(const Mutation& m, std::string& s) {
  size_t pos = static_cast<size_t>((static_cast<uint64_t>(m.at) * (s.size() + 1)) >> 32);
  switch (m.kind) {
    case 0:
      s.resize(pos);
      break;
    case 1:
      if (pos < s.size()) s[pos] = static_cast<char>(s[pos] ^ m.bytes[0]);
      break;
    case 2:
      s.insert(pos, std::string(m.len % 3 + 1, '\0'));
      break;
    case 3:
      s.insert(pos, "\r");
      break;
    case 4:
      s.insert(pos, "\n");
      break;
    case 10:
      s.erase(pos, m.len);
      break;
    case 11:
      s.insert(pos, s.substr(pos, m.len));
      break;
    default:
      s.insert(pos, m.bytes);
      break;
  }
}

// What the well-behaved client stores before the hostile one connects and
// reads back after it is done. Keys the hostile generators cannot name.
const std::vector<Args> kGoodWrites = {
    {"SET", "good:string", std::string("hello\0world\r\n", 13)},
    {"SADD", "good:set", "a", "b", std::string("\0", 1)},
    {"HSET", "good:hash", "f1", "v1", "f2", "v2"},
    {"SET", "good:counter", "41"},
    {"INCR", "good:counter"},
    {"SET", "good:ttl", "v"},
};
const std::vector<Args> kGoodReads = {
    {"GET", "good:string"},
    {"SMEMBERS", "good:set"},
    {"SCARD", "good:set"},
    {"HGETALL", "good:hash"},
    {"HLEN", "good:hash"},
    {"GET", "good:counter"},
    {"TYPE", "good:set"},
    {"GET", "good:ttl"},
    {"EXISTS", "good:string", "good:set", "good:hash", "good:counter", "good:ttl"},
};
constexpr int64_t kGoodTtlMs = 1'000'000'000;

// Feeds `stream` to a fresh client in `chunks` (sizes, the rest in one
// piece), advancing virtual time between some of them, and checks that the
// region survives with the well-behaved client's data intact.
void hostile_client_is_harmless(const std::string& stream, const std::vector<int>& chunks,
                                const std::vector<int>& pauses) {
  RegionSettings s = test_settings();
  s.enable_flushall = false;
  sim::SimRegion region(s, 7, kStartMs);
  auto good = region.connect();
  for (const auto& w : kGoodWrites) RC_ASSERT(!call(*good, w).is_error());
  const int64_t good_expire_at = region.clock().now_ms() + kGoodTtlMs;
  RC_ASSERT(call(*good, {"PEXPIREAT", "good:ttl", std::to_string(good_expire_at)}).integer == 1);
  std::vector<std::string> before;
  for (const auto& r : kGoodReads) before.push_back(good->send_raw(encode_command(r)));

  auto bad = region.connect();
  RC_ASSERT(bad != nullptr);
  size_t off = 0;
  std::string all_out;
  for (size_t i = 0; off < stream.size(); ++i) {
    size_t n = i < chunks.size() ? static_cast<size_t>(chunks[i]) : stream.size() - off;
    n = std::min(n, stream.size() - off);
    auto t0 = std::chrono::steady_clock::now();
    std::string out = bad->send_raw(std::string_view(stream).substr(off, n));
    auto took = std::chrono::steady_clock::now() - t0;
    off += n;
    std::string err;
    if (count_replies(out, err) < 0) {
      RC_FAIL("malformed reply (" + err + ") after " + std::to_string(off) +
              " bytes: " + escape(out));
    }
    if (took > std::chrono::seconds(2)) {
      RC_FAIL("one pass of " + std::to_string(n) + " bytes took " +
              std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(took).count()) +
              " ms");
    }
    all_out += out;
    if (i < pauses.size() && pauses[i] > 0) region.advance(pauses[i]);
  }
  // A protocol error is the last reply on the connection.
  std::string err;
  RC_ASSERT(count_replies(all_out, err) >= 0);
  if (!bad->open()) RC_ASSERT(bad->send_raw("PING\r\n").empty());

  for (size_t i = 0; i < kGoodReads.size(); ++i) {
    std::string after = good->send_raw(encode_command(kGoodReads[i]));
    if (after != before[i]) {
      RC_FAIL(show_args(kGoodReads[i]) + " read '" + escape(before[i]) + "' before and '" +
              escape(after) + "' after the hostile client");
    }
  }
  Resp pttl = call(*good, {"PTTL", "good:ttl"});
  RC_ASSERT(pttl.integer == good_expire_at - region.clock().now_ms());
  // A new client still gets served, and the keyspace is consistent.
  auto fresh = region.connect();
  RC_ASSERT(fresh != nullptr);
  RC_ASSERT(fresh->send_raw("PING\r\n") == "+PONG\r\n");
  check_invariants(region, "after the hostile client", /*generated=*/false);
}

rc::Gen<std::vector<int>> gen_chunks() {
  return rc::gen::container<std::vector<int>>(
      rc::gen::weightedOneOf<int>({{6, rc::gen::inRange(1, 8)},
                                   {3, rc::gen::inRange(8, 200)},
                                   {1, rc::gen::inRange(200, 20000)}}));
}

rc::Gen<std::vector<int>> gen_pauses() {
  return rc::gen::container<std::vector<int>>(
      rc::gen::weightedElement<int>({{8, 0}, {1, 1}, {1, 150}}));
}

// ------------------------------------------------------------------ tests

TEST(Robustness, ArbitraryBytesAreHarmless) {
  Watchdog dog("ArbitraryBytesAreHarmless", 120);
  check_property(1500, 400, [] {
    // Random bytes, often after a '*' or '$' so the multibulk parser sees them.
    std::string prefix = *rc::gen::element<std::string>("", "*", "*1\r\n$", "*3\r\n", "$", "\r\n");
    std::string body = *rc::gen::arbitrary<std::string>();
    hostile_client_is_harmless(prefix + body, *gen_chunks(), *gen_pauses());
  });
}

TEST(Robustness, MutatedCommandsAreHarmless) {
  Watchdog dog("MutatedCommandsAreHarmless", 120);
  check_property(1500, 60, [] {
    auto requests = *rc::gen::container<std::vector<std::string>>(gen_request());
    auto mutations =
        *rc::gen::container<std::vector<Mutation>>(*rc::gen::inRange(0, 5), gen_mutation());
    std::string stream;
    for (const auto& r : requests) stream += r;
    for (const auto& m : mutations) apply(m, stream);
    hostile_client_is_harmless(stream, *gen_chunks(), *gen_pauses());
  });
}

}  // namespace
}  // namespace meridian::testing::robustness
