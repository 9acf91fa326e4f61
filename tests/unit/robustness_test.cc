// Robustness properties of a region on the deterministic runtime, checked with
// rapidcheck:
//
// (a) Hostile input. Arbitrary bytes, and valid RESP / inline commands
//     mutated in the ways real clients and attackers get wrong (truncation,
//     flipped bytes, huge declared lengths, nested '*', NULs, lone CR/LF,
//     negative lengths, many arguments), fed in arbitrary chunks to one
//     client, must never crash or hang the region, must only produce
//     well-formed RESP, and must never change what a second, well-behaved
//     client stored before and reads after.
//
// (b) Internal invariants under random valid command sequences (every command
//     of README.md, with wrong types and bad numbers among the arguments,
//     pipelined, with virtual time moving, crashes and small record caches):
//     DBSIZE = |KEYS *| = |SCAN|, INFO keyspace counts, SCARD = |SMEMBERS|,
//     HLEN = |HKEYS| = |HVALS|, storage holds no orphaned key or field
//     records, the expiry index matches the keys' TTLs, and once every TTL
//     has passed and the expiry cycle has run, the expiry column holds
//     exactly one entry per key with a TTL. The same passes run on a second
//     region with another record-cache size must get the same replies.
//
// (c) Bounded work: a glob pattern or a request split into many reads cannot
//     make the region's single thread spin for seconds (exponential glob
//     matching, quadratic multibulk re-parsing). The limits leave a wide
//     margin: the bounded code takes milliseconds, the unbounded tens of
//     seconds.
//
// Failures are minimised by rapidcheck; RC_PARAMS="seed=N" reproduces a run.
#include <gtest/gtest.h>
#include <rapidcheck.h>
#include <rapidcheck/detail/TestListenerAdapter.h>
#include <rapidcheck/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "backends.h"
#include "core/base/numbers.h"
#include "core/data/records.h"
#include "runtime/sim/sim_region.h"

namespace meridian::testing {
namespace {

using Args = std::vector<std::string>;

// ---------------------------------------------------------------- helpers

// Aborts the process if a property runs longer than `seconds`: a hang in the
// region must fail the suite, not stall it.
class Watchdog {
 public:
  Watchdog(const char* what, int seconds) : what_(what) {
    thread_ = std::thread([this, seconds] {
      std::unique_lock lock(mu_);
      if (!cv_.wait_for(lock, std::chrono::seconds(seconds), [this] { return done_; })) {
        std::fprintf(stderr, "robustness_test: %s did not finish within %d s (hang?)\n", what_,
                     seconds);
        std::abort();
      }
    });
  }
  ~Watchdog() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    thread_.join();
  }

 private:
  const char* what_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  std::thread thread_;
};

// Runs a property with our own number of cases (RC_PARAMS may still set the
// seed or ask to reproduce a failure).
template <typename Testable>
void check_property(int max_success, int max_size, Testable&& testable) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  rc::detail::TestMetadata metadata;
  metadata.id = std::string(info->test_suite_name()) + "/" + info->name();
  metadata.description = info->name();
  rc::detail::TestParams params = rc::detail::configuration().testParams;
  if (params.maxSuccess == rc::detail::TestParams().maxSuccess) params.maxSuccess = max_success;
  if (params.maxSize == rc::detail::TestParams().maxSize) params.maxSize = max_size;
  rc::detail::TestListenerAdapter listener;  // quiet; failures are reported below
  auto result =
      rc::detail::checkProperty(rc::detail::toProperty(std::forward<Testable>(testable)), metadata,
                                params, listener, rc::detail::configuration().reproduce);
  if (!result.template is<rc::detail::SuccessResult>()) {
    std::ostringstream ss;
    rc::detail::printResultMessage(result, ss);
    FAIL() << ss.str();
  }
}

// Printable form of bytes for logs: C escapes for anything unusual.
std::string escape(std::string_view s, size_t max = 400) {
  std::string out;
  for (size_t i = 0; i < s.size() && i < max; ++i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c == '\r') {
      out += "\\r";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\x%02x", c);
      out += buf;
    } else {
      out.push_back(static_cast<char>(c));
    }
  }
  if (s.size() > max) out += "...(" + std::to_string(s.size()) + " bytes)";
  return out;
}

std::string show_args(const Args& args) {
  std::string out;
  for (const auto& a : args) {
    if (!out.empty()) out += ' ';
    out += '"' + escape(a, 60) + '"';
  }
  return out;
}

// A parsed reply. Every RESP2 and RESP3 shape Meridian can produce.
struct Resp {
  char type = 0;      // the type byte
  bool null = false;  // $-1, *-1 or _
  std::string str;    // simple, error, bulk, verbatim (without "txt:"), double, big number
  int64_t integer = 0;
  std::vector<Resp> elems;  // arrays, sets, maps (flattened: k, v, k, v)

  bool is_error() const { return type == '-'; }
  size_t size() const { return elems.size(); }
};

bool strict_int(std::string_view s, int64_t* out) {
  auto v = parse_int64(s);
  if (!v) return false;
  *out = *v;
  return true;
}

// Parses one reply at s[pos..], strictly: the right terminators, exact
// lengths, no CR or LF inside a line, numbers in canonical form. Returns
// false with `err` set; err == "incomplete" when the bytes end early.
bool parse_resp(std::string_view s, size_t& pos, Resp& out, std::string& err, int depth = 0) {
  if (depth > 64) {
    err = "nesting deeper than 64";
    return false;
  }
  if (pos >= s.size()) {
    err = "incomplete";
    return false;
  }
  out = Resp{};
  out.type = s[pos];
  size_t eol = s.find("\r\n", pos + 1);
  if (eol == std::string_view::npos) {
    err = "incomplete";
    return false;
  }
  std::string_view line = s.substr(pos + 1, eol - pos - 1);
  if (line.find('\r') != std::string_view::npos || line.find('\n') != std::string_view::npos) {
    err = "CR or LF inside a '" + std::string(1, out.type) + "' line";
    return false;
  }
  size_t after = eol + 2;
  auto bad = [&](const std::string& why) {
    err = why + " in '" + escape(line, 80) + "'";
    return false;
  };
  switch (out.type) {
    case '+':
    case '-':
      out.str.assign(line);
      if (out.type == '-' && line.empty()) return bad("empty error");
      pos = after;
      return true;
    case ':':
      if (!strict_int(line, &out.integer)) return bad("bad integer");
      pos = after;
      return true;
    case '_':
      if (!line.empty()) return bad("null with a payload");
      out.null = true;
      pos = after;
      return true;
    case ',':
    case '(':
      if (line.empty()) return bad("empty number");
      out.str.assign(line);
      pos = after;
      return true;
    case '#':
      if (line != "t" && line != "f") return bad("bad boolean");
      out.integer = line == "t";
      pos = after;
      return true;
    case '$':
    case '=': {
      int64_t n = 0;
      if (!strict_int(line, &n)) return bad("bad bulk length");
      if (n == -1 && out.type == '$') {
        out.null = true;
        pos = after;
        return true;
      }
      if (n < 0) return bad("negative bulk length");
      if (s.size() < after + static_cast<size_t>(n) + 2) {
        err = "incomplete";
        return false;
      }
      if (s.substr(after + static_cast<size_t>(n), 2) != "\r\n") {
        err = "bulk of length " + std::to_string(n) + " not followed by CRLF";
        return false;
      }
      out.str.assign(s.substr(after, static_cast<size_t>(n)));
      if (out.type == '=') {
        if (n < 4 || out.str[3] != ':') return bad("verbatim string without a format");
        out.str.erase(0, 4);
      }
      pos = after + static_cast<size_t>(n) + 2;
      return true;
    }
    case '*':
    case '~':
    case '%': {
      int64_t n = 0;
      if (!strict_int(line, &n)) return bad("bad aggregate length");
      if (n == -1 && out.type == '*') {
        out.null = true;
        pos = after;
        return true;
      }
      if (n < 0) return bad("negative aggregate length");
      if (out.type == '%') n *= 2;
      if (static_cast<uint64_t>(n) > s.size()) {
        err = "incomplete";
        return false;
      }
      size_t p = after;
      out.elems.resize(static_cast<size_t>(n));
      for (auto& e : out.elems)
        if (!parse_resp(s, p, e, err, depth + 1)) return false;
      pos = p;
      return true;
    }
    default:
      err = "unknown type byte '" + escape(std::string_view(&s[pos], 1)) + "'";
      return false;
  }
}

// Checks that `out` is a sequence of complete, well-formed replies; returns
// how many, or -1 with `err`.
int64_t count_replies(std::string_view out, std::string& err) {
  size_t pos = 0;
  int64_t n = 0;
  while (pos < out.size()) {
    Resp r;
    if (!parse_resp(out, pos, r, err)) return -1;
    ++n;
  }
  return n;
}

// Sends one command on `c` and parses its single reply; appends the raw
// reply to *log when given.
Resp call(sim::SimClient& c, const Args& args, std::string* log = nullptr) {
  std::string out = c.send_raw(encode_command(args));
  if (log != nullptr) *log += out;
  size_t pos = 0;
  Resp r;
  std::string err;
  if (!parse_resp(out, pos, r, err) || pos != out.size()) {
    RC_FAIL("reply to " + show_args(args) + " is not one well-formed reply (" + err +
            "): " + escape(out));
  }
  return r;
}

std::vector<std::string> strings_of(const Resp& r) {
  std::vector<std::string> v;
  for (const auto& e : r.elems) v.push_back(e.str);
  return v;
}

// Parses "db0:keys=N,expires=M,..." out of INFO keyspace; {0, 0} when absent.
std::pair<int64_t, int64_t> info_keyspace(const std::string& info) {
  auto at = info.find("db0:keys=");
  if (at == std::string::npos) return {0, 0};
  int64_t keys = 0, expires = 0;
  if (std::sscanf(info.c_str() + at, "db0:keys=%ld,expires=%ld", &keys, &expires) != 2) {
    RC_FAIL("cannot read INFO keyspace: " + escape(info.substr(at)));
  }
  return {keys, expires};
}

// ----------------------------------------------- (b) the region's invariants

struct Snapshot {
  std::set<std::string> keys;
  int64_t with_ttl = 0;
  uint64_t fields = 0;  // sum of SCARD and HLEN
  std::string replies;  // every reply the check read, to compare two regions
};

// Every member and field name gen_member() can produce.
const std::vector<std::string> kMemberUniverse = {
    "m0", "m1", "m2", "m3", "", "1", std::string("\0", 1)};

// Reads the whole keyspace through a fresh RESP2 client, at one virtual time,
// and checks every invariant that must hold at any moment.
// `generated`: every key was written by gen_command(), so members and fields
// come from kMemberUniverse.
Snapshot check_invariants(sim::SimRegion& region, const std::string& when, bool generated = true) {
  auto conn = region.connect();
  RC_ASSERT(conn != nullptr);
  Snapshot snap;
  auto fail = [&](const std::string& what) { RC_FAIL(when + ": " + what); };
  auto rd = [&](const Args& args) { return call(*conn, args, &snap.replies); };

  // KEYS deletes the expired keys it meets, so DBSIZE is exact after it.
  Resp keys = rd({"KEYS", "*"});
  if (keys.type != '*') fail("KEYS * did not return an array");
  for (const auto& k : keys.elems) {
    if (!snap.keys.insert(k.str).second) fail("KEYS * returned '" + escape(k.str) + "' twice");
  }
  Resp dbsize = rd({"DBSIZE"});
  if (dbsize.integer != static_cast<int64_t>(snap.keys.size())) {
    fail("DBSIZE " + std::to_string(dbsize.integer) + " but KEYS * returned " +
         std::to_string(snap.keys.size()) + " keys");
  }

  // SCAN, in small steps, visits exactly the same keys.
  std::set<std::string> scanned;
  std::string cursor = "0";
  for (int rounds = 0;; ++rounds) {
    Resp r = rd({"SCAN", cursor, "COUNT", "2"});
    if (r.type != '*' || r.size() != 2) fail("SCAN reply is not [cursor, keys]");
    for (const auto& k : r.elems[1].elems) scanned.insert(k.str);
    cursor = r.elems[0].str;
    if (cursor == "0") break;
    if (rounds > 1000) fail("SCAN does not terminate");
  }
  if (scanned != snap.keys) fail("a full SCAN and KEYS * disagree");

  const int64_t now = region.clock().now_ms();
  std::set<std::pair<int64_t, std::string>> expiring;  // (expire_at, key) by PTTL
  for (const auto& key : snap.keys) {
    const std::string k = "'" + escape(key) + "'";
    Resp type = rd({"TYPE", key});
    Resp pttl = rd({"PTTL", key});
    if (pttl.integer < -1) fail("KEYS * lists " + k + " but PTTL says it does not exist");
    if (pttl.integer == 0) fail("KEYS * lists " + k + " whose time is up");
    if (pttl.integer > 0) {
      ++snap.with_ttl;
      expiring.emplace(now + pttl.integer, key);
    }
    if (type.str == "string") {
      Resp v = rd({"GET", key});
      Resp len = rd({"STRLEN", key});
      if (v.type != '$' || v.null) fail("GET of string " + k + " failed");
      if (len.integer != static_cast<int64_t>(v.str.size())) fail("STRLEN " + k + " != |GET|");
    } else if (type.str == "set") {
      Resp card = rd({"SCARD", key});
      Resp members = rd({"SMEMBERS", key});
      if (card.integer < 1) fail("empty set " + k + " exists");
      if (card.integer != static_cast<int64_t>(members.size())) {
        fail("SCARD " + k + " = " + std::to_string(card.integer) + " but SMEMBERS has " +
             std::to_string(members.size()));
      }
      auto m = strings_of(members);
      if (std::set<std::string>(m.begin(), m.end()).size() != m.size())
        fail("SMEMBERS " + k + " has duplicates");
      // Cached lookups agree with the stored members, both ways.
      std::set<std::string> mset(m.begin(), m.end());
      Args ask = {"SMISMEMBER", key};
      ask.insert(ask.end(), kMemberUniverse.begin(), kMemberUniverse.end());
      Resp found = rd(ask);
      for (size_t i = 0; i < kMemberUniverse.size(); ++i) {
        bool listed = mset.count(kMemberUniverse[i]) > 0;
        if ((found.elems[i].integer == 1) != listed)
          fail("SMISMEMBER " + k + " '" + escape(kMemberUniverse[i]) + "' says " +
               std::to_string(found.elems[i].integer) + " but SMEMBERS " +
               (listed ? "lists it" : "does not"));
        if (rd({"SISMEMBER", key, kMemberUniverse[i]}).integer != found.elems[i].integer)
          fail("SISMEMBER and SMISMEMBER " + k + " disagree");
      }
      for (const auto& x : m)
        if (generated &&
            std::find(kMemberUniverse.begin(), kMemberUniverse.end(), x) == kMemberUniverse.end())
          fail("SMEMBERS " + k + " lists '" + escape(x) + "', which no command added");
      snap.fields += static_cast<uint64_t>(card.integer);
    } else if (type.str == "hash") {
      Resp len = rd({"HLEN", key});
      Resp fields = rd({"HKEYS", key});
      Resp vals = rd({"HVALS", key});
      Resp all = rd({"HGETALL", key});
      if (len.integer < 1) fail("empty hash " + k + " exists");
      if (len.integer != static_cast<int64_t>(fields.size()) ||
          len.integer != static_cast<int64_t>(vals.size()) ||
          2 * len.integer != static_cast<int64_t>(all.size())) {
        fail("HLEN " + k + " = " + std::to_string(len.integer) + " but HKEYS/HVALS/HGETALL have " +
             std::to_string(fields.size()) + "/" + std::to_string(vals.size()) + "/" +
             std::to_string(all.size() / 2));
      }
      // Cached lookups (HGET, HMGET, HEXISTS) agree with the stored fields.
      std::map<std::string, std::string> stored;
      for (size_t i = 0; i + 1 < all.size(); i += 2)
        stored[all.elems[i].str] = all.elems[i + 1].str;
      if (stored.size() != all.size() / 2) fail("HGETALL " + k + " repeats a field");
      Args ask = {"HMGET", key};
      ask.insert(ask.end(), kMemberUniverse.begin(), kMemberUniverse.end());
      Resp got = rd(ask);
      for (size_t i = 0; i < kMemberUniverse.size(); ++i) {
        auto it = stored.find(kMemberUniverse[i]);
        const Resp& v = got.elems[i];
        bool same = it == stored.end() ? v.null : (!v.null && v.str == it->second);
        if (!same)
          fail("HMGET " + k + " '" + escape(kMemberUniverse[i]) + "' disagrees with HGETALL");
        if (rd({"HEXISTS", key, kMemberUniverse[i]}).integer != (it != stored.end() ? 1 : 0))
          fail("HEXISTS " + k + " '" + escape(kMemberUniverse[i]) + "' disagrees with HGETALL");
        if (rd({"HGET", key, kMemberUniverse[i]}).str != v.str)
          fail("HGET and HMGET " + k + " disagree");
      }
      if (generated && stored.size() > kMemberUniverse.size())
        fail("HGETALL " + k + " has unknown fields");
      snap.fields += static_cast<uint64_t>(len.integer);
    } else {
      fail("KEYS * lists " + k + " of type '" + type.str + "'");
    }
  }

  Args ex = {"EXISTS"};
  ex.insert(ex.end(), snap.keys.begin(), snap.keys.end());
  if (!snap.keys.empty() && rd(ex).integer != static_cast<int64_t>(snap.keys.size()))
    fail("EXISTS of every key KEYS lists is not |KEYS|");

  auto [info_keys, info_expires] = info_keyspace(rd({"INFO", "keyspace"}).str);
  if (info_keys != static_cast<int64_t>(snap.keys.size()))
    fail("INFO keyspace keys=" + std::to_string(info_keys) + " but KEYS * has " +
         std::to_string(snap.keys.size()));
  if (info_expires != snap.with_ttl)
    fail("INFO keyspace expires=" + std::to_string(info_expires) + " but " +
         std::to_string(snap.with_ttl) + " keys have a TTL");

  // Storage: one key record per live key (expired ones are gone after KEYS),
  // one field record per member or hash field, and at least one expiry entry
  // per key with a TTL (entries whose key changed may wait for the cycle).
  auto& st = region.storage();
  if (st.size(Column::kKeys) != snap.keys.size())
    fail("storage holds " + std::to_string(st.size(Column::kKeys)) + " key records for " +
         std::to_string(snap.keys.size()) + " keys");
  if (st.size(Column::kFields) != snap.fields)
    fail("storage holds " + std::to_string(st.size(Column::kFields)) + " field records for " +
         std::to_string(snap.fields) + " members and hash fields");
  // The expiry index: entries still in the future are exactly the live keys'
  // (expire_at, key). Entries already due may wait for the next cycle.
  std::set<std::pair<int64_t, std::string>> indexed;
  {
    auto it = st.iterate(Column::kExpiry);
    for (it->seek({}); it->valid(); it->next()) {
      int64_t at = 0;
      std::string_view key;
      if (!layout::parse_expiry_key(it->key(), &at, &key)) fail("unreadable expiry entry");
      if (at > now) indexed.emplace(at, std::string(key));
    }
  }
  if (indexed != expiring) {
    std::string diff;
    for (const auto& e : indexed)
      if (!expiring.count(e))
        diff += " extra '" + escape(e.second) + "'@" + std::to_string(e.first - now);
    for (const auto& e : expiring)
      if (!indexed.count(e))
        diff += " missing '" + escape(e.second) + "'@" + std::to_string(e.first - now);
    fail("the expiry index disagrees with the keys' TTLs:" + diff);
  }
  return snap;
}

// Virtual time starts here in (b); absolute expiry times are built around it.
// Every "short" TTL the generator makes ends at most 2 s after the command
// that sets it; the "far" ones are years away.
constexpr int64_t kStartMs = 1'700'000'000'000;

rc::Gen<std::string> gen_key() {
  return rc::gen::weightedElement<std::string>({{12, "k0"},
                                                {12, "k1"},
                                                {10, "k2"},
                                                {8, "k3"},
                                                {6, "k4"},
                                                {2, ""},
                                                {2, std::string("k\0\r\n", 4)},
                                                {2, "a*b"}});
}

rc::Gen<std::string> gen_member() {
  return rc::gen::weightedElement<std::string>(
      {{10, "m0"}, {10, "m1"}, {8, "m2"}, {4, "m3"}, {2, ""}, {2, "1"}, {1, std::string("\0", 1)}});
}

rc::Gen<std::string> gen_value() {
  return rc::gen::oneOf(
      rc::gen::element<std::string>("", "0", "1", "-1", "42", "007", " 1", "+1", "abc",
                                    "9223372036854775807", "-9223372036854775808",
                                    "9223372036854775808", "3.14", "-2.5", "1e3", "inf", "nan",
                                    "1e400", std::string("\0x\r\n", 4), "10.50"),
      rc::gen::map(rc::gen::inRange<int>(-1000, 1000), [](int v) { return std::to_string(v); }));
}

rc::Gen<std::string> gen_int() {
  return rc::gen::oneOf(
      rc::gen::element<std::string>("0", "1", "-1", "9223372036854775807", "-9223372036854775808",
                                    "9223372036854775808", "abc", "", "1.5", "+3", "-0", "007",
                                    "4611686018427387904"),
      rc::gen::map(rc::gen::inRange<int>(-100, 100), [](int v) { return std::to_string(v); }));
}

rc::Gen<std::string> gen_float() {
  return rc::gen::element<std::string>("0", "1.5", "-0.25", "3e2", "abc", "", "inf", "nan", "1e400",
                                       "5.", ".5", "1e308", "-1e308", "0x10");
}

// A relative TTL: mostly short so keys expire during the run, sometimes
// invalid or huge. `unit` is 1 for ms and 1000 for seconds.
rc::Gen<std::string> gen_ttl(int unit) {
  return rc::gen::weightedOneOf<std::string>(
      {{8, rc::gen::map(rc::gen::inRange<int>(1, 2000),
                        [unit](int ms) { return std::to_string(std::max(1, ms / unit)); })},
       {2, rc::gen::just(std::to_string(100'000'000'000 / unit))},  // years away
       {2, rc::gen::element<std::string>("0", "-5", "abc", "9223372036854775807",
                                         "-9223372036854775808")}});
}

// An absolute expiry time around the run: past, soon, far away or invalid.
rc::Gen<std::string> gen_abs_time(int unit) {
  return rc::gen::weightedOneOf<std::string>(
      {{6, rc::gen::map(rc::gen::inRange<int>(-500, 2000),
                        [unit](int ms) { return std::to_string((kStartMs + ms) / unit); })},
       {3, rc::gen::just(std::to_string(4102444800000 / unit))},  // year 2100
       {2, rc::gen::element<std::string>("1", "-1", "0", "abc")}});
}

// One command of README.md's list with random arguments.
rc::Gen<Args> gen_command() {
  using rc::gen::element;
  using rc::gen::exec;
  auto keys_list = [](int min) {
    Args out;
    int n = *rc::gen::inRange(min, 4);
    for (int i = 0; i < n; ++i) out.push_back(*gen_key());
    return out;
  };
  auto join = [](Args head, const Args& tail) {
    head.insert(head.end(), tail.begin(), tail.end());
    return head;
  };
  return rc::gen::weightedOneOf<Args>({
      // Strings.
      {10, exec([] {
         Args a = {"SET", *gen_key(), *gen_value()};
         int n = *rc::gen::inRange(0, 3);
         for (int i = 0; i < n; ++i) {
           switch (*rc::gen::inRange(0, 8)) {
             case 0:
               a.push_back(*element<std::string>("NX", "nx", "XX"));
               break;
             case 1:
               a.push_back("GET");
               break;
             case 2:
               a.push_back("KEEPTTL");
               break;
             case 3:
               a.insert(a.end(), {"EX", *gen_ttl(1000)});
               break;
             case 4:
               a.insert(a.end(), {"PX", *gen_ttl(1)});
               break;
             case 5:
               a.insert(a.end(), {"EXAT", *gen_abs_time(1000)});
               break;
             case 6:
               a.insert(a.end(), {"PXAT", *gen_abs_time(1)});
               break;
             default:
               a.push_back(*element<std::string>("EX", "BOGUS", "PX"));
               break;
           }
         }
         return a;
       })},
      {3, exec([] {
         return Args{"GET", *gen_key()};
       })},
      {2, exec([] {
         return Args{"SETNX", *gen_key(), *gen_value()};
       })},
      {2, exec([] {
         return Args{"GETSET", *gen_key(), *gen_value()};
       })},
      {2, exec([] {
         return Args{"GETDEL", *gen_key()};
       })},
      {2, exec([=] { return join({"MGET"}, keys_list(1)); })},
      {3, exec([] {
         Args a = {"MSET"};
         int n = *rc::gen::inRange(1, 4);
         for (int i = 0; i < n; ++i) a.insert(a.end(), {*gen_key(), *gen_value()});
         if (*rc::gen::inRange(0, 8) == 0) a.pop_back();  // odd: arity error
         return a;
       })},
      {3, exec([] {
         return Args{"APPEND", *gen_key(), *gen_value()};
       })},
      {1, exec([] {
         return Args{"STRLEN", *gen_key()};
       })},
      {3, exec([] {
         return Args{*element<std::string>("INCR", "DECR"), *gen_key()};
       })},
      {3, exec([] {
         return Args{*element<std::string>("INCRBY", "DECRBY"), *gen_key(), *gen_int()};
       })},
      {2, exec([] {
         return Args{"INCRBYFLOAT", *gen_key(), *gen_float()};
       })},
      // Sets.
      {8, exec([] {
         Args a = {"SADD", *gen_key()};
         int n = *rc::gen::inRange(1, 4);
         for (int i = 0; i < n; ++i) a.push_back(*gen_member());
         return a;
       })},
      {5, exec([] {
         Args a = {"SREM", *gen_key()};
         int n = *rc::gen::inRange(1, 4);
         for (int i = 0; i < n; ++i) a.push_back(*gen_member());
         return a;
       })},
      {2, exec([] {
         return Args{"SMEMBERS", *gen_key()};
       })},
      {1, exec([] {
         return Args{"SISMEMBER", *gen_key(), *gen_member()};
       })},
      {1, exec([] {
         return Args{"SMISMEMBER", *gen_key(), *gen_member(), *gen_member()};
       })},
      {1, exec([] {
         return Args{"SCARD", *gen_key()};
       })},
      // Hashes.
      {8, exec([] {
         Args a = {"HSET", *gen_key()};
         int n = *rc::gen::inRange(1, 4);
         for (int i = 0; i < n; ++i) a.insert(a.end(), {*gen_member(), *gen_value()});
         if (*rc::gen::inRange(0, 8) == 0) a.pop_back();  // odd: arity error
         return a;
       })},
      {3, exec([] {
         return Args{"HSETNX", *gen_key(), *gen_member(), *gen_value()};
       })},
      {5, exec([] {
         Args a = {"HDEL", *gen_key()};
         int n = *rc::gen::inRange(1, 4);
         for (int i = 0; i < n; ++i) a.push_back(*gen_member());
         return a;
       })},
      {4, exec([] {
         return Args{"HINCRBY", *gen_key(), *gen_member(), *gen_int()};
       })},
      {1, exec([] {
         return Args{"HGET", *gen_key(), *gen_member()};
       })},
      {1, exec([] {
         return Args{"HMGET", *gen_key(), *gen_member(), *gen_member()};
       })},
      {1, exec([] {
         return Args{*element<std::string>("HGETALL", "HKEYS", "HVALS", "HLEN"), *gen_key()};
       })},
      {1, exec([] {
         return Args{"HEXISTS", *gen_key(), *gen_member()};
       })},
      // Keys and expiry.
      {4, exec([=] { return join({*element<std::string>("DEL", "UNLINK")}, keys_list(1)); })},
      {1, exec([=] { return join({"EXISTS"}, keys_list(1)); })},
      {1, exec([] {
         return Args{"TYPE", *gen_key()};
       })},
      {8, exec([] {
         int which = *rc::gen::inRange(0, 4);
         const char* names[] = {"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"};
         int unit = which % 2 == 0 ? 1000 : 1;
         Args a = {names[which], *gen_key(), which < 2 ? *gen_ttl(unit) : *gen_abs_time(unit)};
         int n = *rc::gen::inRange(0, 3);
         for (int i = 0; i < n; ++i)
           a.push_back(*element<std::string>("NX", "XX", "GT", "LT", "lt", "ZZ"));
         return a;
       })},
      {3, exec([] {
         return Args{"PERSIST", *gen_key()};
       })},
      {2, exec([] {
         return Args{*element<std::string>("TTL", "PTTL"), *gen_key()};
       })},
      {1, exec([] {
         return Args{"KEYS", *element<std::string>("*", "k?", "k[0-2]", "*\\", "[")};
       })},
      {1, exec([] {
         Args a = {"SCAN",
                   *element<std::string>("0", "0", "1", "abc", "-1", "18446744073709551616")};
         if (*rc::gen::inRange(0, 2))
           a.insert(a.end(), {"COUNT", *element<std::string>("1", "3", "0", "x")});
         if (*rc::gen::inRange(0, 2))
           a.insert(a.end(), {"MATCH", *element<std::string>("k*", "*")});
         if (*rc::gen::inRange(0, 2))
           a.insert(a.end(), {"TYPE", *element<std::string>("set", "hash", "string", "list")});
         return a;
       })},
      {1, exec([] { return Args{"DBSIZE"}; })},
      {1, exec([] {
         return Args{"FLUSHALL", *element<std::string>("SYNC", "ASYNC")};
       })},
      // Connection and server.
      {1, exec([] {
         return *rc::gen::elementOf(std::vector<Args>{{"PING"},
                                                      {"PING", "x"},
                                                      {"ECHO", "e"},
                                                      {"SELECT", "0"},
                                                      {"SELECT", "1"},
                                                      {"SELECT", "x"}});
       })},
      {1, exec([] {
         return *rc::gen::elementOf(std::vector<Args>{{"HELLO"},
                                                      {"HELLO", "3"},
                                                      {"HELLO", "2"},
                                                      {"HELLO", "4"},
                                                      {"HELLO", "3", "SETNAME", "n"},
                                                      {"HELLO", "x"}});
       })},
      {1, exec([] {
         return *rc::gen::elementOf(std::vector<Args>{{"AUTH", "pw"}, {"AUTH", "default", "pw"}});
       })},
      {1, exec([] {
         return *rc::gen::elementOf(std::vector<Args>{{"CLIENT", "SETNAME", "a"},
                                                      {"CLIENT", "GETNAME"},
                                                      {"CLIENT", "ID"},
                                                      {"CLIENT", "INFO"},
                                                      {"CLIENT", "NOPE"}});
       })},
      {1, exec([] {
         return *rc::gen::elementOf(std::vector<Args>{{"COMMAND", "COUNT"},
                                                      {"COMMAND", "INFO", "get", "nope"},
                                                      {"CONFIG", "GET", "*"},
                                                      {"INFO"},
                                                      {"INFO", "keyspace"},
                                                      {"COMMAND", "LIST"}});
       })},
      {1, exec([] { return Args{"QUIT"}; })},
      // Arity errors.
      {1, exec([] {
         return *rc::gen::elementOf(
             std::vector<Args>{{"SET", "k0"}, {"GET"}, {"SADD", "k1"}, {"HSET", "k2", "f"}});
       })},
  });
}

// One event-loop pass: commands pipelined together, then what happens after.
struct Pass {
  std::vector<Args> commands;
  int advance_ms = 0;  // virtual time after the pass
  bool crash = false;  // crash and restart after the pass
};

void showValue(const Pass& p, std::ostream& os) {
  os << "{";
  for (const auto& c : p.commands) os << "[" << show_args(c) << "] ";
  os << "+" << p.advance_ms << "ms" << (p.crash ? " CRASH" : "") << "}";
}

rc::Gen<Pass> gen_pass() {
  return rc::gen::exec([] {
    Pass p;
    int n = *rc::gen::weightedElement<int>({{6, 1}, {2, 2}, {1, 4}});
    for (int i = 0; i < n; ++i) p.commands.push_back(*gen_command());
    p.advance_ms = *rc::gen::weightedElement<int>({{4, 0}, {3, 7}, {2, 110}, {1, 700}});
    p.crash = *rc::gen::weightedElement<int>({{40, 0}, {1, 1}}) == 1;
    return p;
  });
}

// Runs random passes on two regions that differ only in the size of their
// record caches: every reply must be the same (the caches are invisible), and
// the invariants must hold in both after every pass.
void run_invariants_property(size_t cache_bytes, size_t shadow_cache_bytes) {
  auto passes = *rc::gen::container<std::vector<Pass>>(gen_pass());
  struct World {
    explicit World(size_t cache)
        : region(
              [cache] {
                RegionSettings s = test_settings();
                s.cache_bytes = cache;
                return s;
              }(),
              1, kStartMs) {
      client = region.connect();
    }
    sim::SimRegion region;
    std::unique_ptr<sim::SimClient> client;
  };
  World main(cache_bytes), shadow(shadow_cache_bytes);
  std::string transcript;
  int step = 0;
  for (const auto& p : passes) {
    ++step;
    std::string raw;
    for (const auto& c : p.commands) raw += encode_command(c);
    std::string out = main.client->send_raw(raw);
    std::string shadow_out = shadow.client->send_raw(raw);
    transcript += "> ";
    for (const auto& c : p.commands) transcript += "[" + show_args(c) + "] ";
    transcript += "\n< " + escape(out, 300) + "\n";
    const std::string at = " (pass " + std::to_string(step) + ")\n" + transcript;
    std::string err;
    int64_t n = count_replies(out, err);
    if (n < 0) RC_FAIL("malformed reply (" + err + ")" + at);
    if (out != shadow_out) {
      RC_FAIL("with a record cache of " + std::to_string(shadow_cache_bytes) +
              " bytes instead of " + std::to_string(cache_bytes) + " the reply is " +
              escape(shadow_out, 300) + at);
    }
    for (World* w : {&main, &shadow}) {
      if (!w->client->open()) {
        w->client.reset();
        w->client = w->region.connect();
      } else if (n != static_cast<int64_t>(p.commands.size())) {
        RC_FAIL(std::to_string(n) + " replies for " + std::to_string(p.commands.size()) +
                " commands" + at);
      }
      if (p.crash) {
        w->client.reset();  // a session must not outlive its Region
        w->region.crash_and_restart();
        w->client = w->region.connect();
      }
      if (p.advance_ms) w->region.advance(p.advance_ms);
    }
    if (p.crash) transcript += "-- crash and restart\n";
    const std::string when = "after pass " + std::to_string(step) + "\n" + transcript;
    Snapshot a = check_invariants(main.region, when);
    Snapshot b = check_invariants(shadow.region,
                                  "(cache " + std::to_string(shadow_cache_bytes) + ") " + when);
    if (a.replies != b.replies) {
      RC_FAIL("reading the keyspace back differs with a record cache of " +
              std::to_string(shadow_cache_bytes) + " bytes instead of " +
              std::to_string(cache_bytes) + at);
    }
  }
  // Let every short TTL pass and the expiry cycle (hz 10) run a few times:
  // then the expiry column holds exactly one entry per key with a TTL.
  main.region.advance(2'000 + 2'000);
  Snapshot snap = check_invariants(main.region, "at the end\n" + transcript);
  size_t entries = main.region.storage().size(Column::kExpiry);
  if (entries != static_cast<size_t>(snap.with_ttl)) {
    RC_FAIL("after every short TTL passed, the expiry column holds " + std::to_string(entries) +
            " entries for " + std::to_string(snap.with_ttl) + " keys with a TTL\n" + transcript);
  }
}

// ------------------------------------------------------ (a) hostile input

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

TEST(Robustness, InvariantsHoldUnderRandomCommands) {
  Watchdog dog("InvariantsHoldUnderRandomCommands", 120);
  check_property(500, 150, [] { run_invariants_property(size_t{256} << 20, 0); });
}

TEST(Robustness, InvariantsHoldWithATinyRecordCache) {
  // 700 bytes hold two or three records, so peeked records are evicted all
  // the time; the test above compares the default cache with none at all.
  Watchdog dog("InvariantsHoldWithATinyRecordCache", 120);
  check_property(300, 150, [] {
    run_invariants_property(*rc::gen::element<size_t>(700, 3000), size_t{256} << 20);
  });
}

// Work bounded by the input, not exponential or quadratic in it. A region is
// one thread: one client's request that burns CPU stalls every other client.

int64_t elapsed_ms(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() -
                                                               since)
      .count();
}

TEST(Robustness, GlobPatternsCannotStallTheRegion) {
  // Backtracking on every '*' is exponential in the number of stars: Redis
  // bounds it since 7.0.9 (CVE-2022-36021, "skipLongerMatches"), and answers
  // this in microseconds. Unbounded, 7 stars take about half a second with a
  // 56-byte key and the time grows ~8x per extra "a*": 9 stars, half a minute.
  Watchdog dog("GlobPatternsCannotStallTheRegion", 120);
  sim::SimRegion region(test_settings(), 1, kStartMs);
  auto c = region.connect();
  const std::string key(56, 'a');
  ASSERT_EQ(c->send_raw(encode_command({"SET", key, "v"})), "+OK\r\n");
  const std::string pattern = "a*a*a*a*a*a*a*a*a*b";
  for (const Args& cmd : {Args{"KEYS", pattern}, Args{"SCAN", "0", "MATCH", pattern}}) {
    auto t0 = std::chrono::steady_clock::now();
    std::string out = c->send_raw(encode_command(cmd));
    int64_t ms = elapsed_ms(t0);
    EXPECT_TRUE(out == "*0\r\n" || out == "*2\r\n$1\r\n0\r\n*0\r\n") << escape(out);
    EXPECT_LT(ms, 2000) << show_args(cmd) << " took " << ms << " ms against one 56-byte key";
  }
}

TEST(Robustness, ManyArgumentsInSmallReadsParseInLinearTime) {
  // The real runtime reads 16 KiB at a time. A request of 2M arguments (14 MB,
  // far below client_query_buffer_limit) arrives in ~860 reads; re-parsing the
  // buffered part of the request from its start on every read makes the total
  // work quadratic: ~10 s of event-loop time here (linear: ~0.1 s),
  // hours when the client sends small segments. Redis keeps its position in
  // the request (multibulklen/bulklen) and parses each byte once.
  Watchdog dog("ManyArgumentsInSmallReadsParseInLinearTime", 120);
  sim::SimRegion region(test_settings(), 1, kStartMs);
  auto c = region.connect();
  const int n = 2'000'000;
  std::string request = "*" + std::to_string(n + 1) + "\r\n$4\r\nPING\r\n";
  for (int i = 0; i < n; ++i) request += "$1\r\na\r\n";
  std::string out;
  auto t0 = std::chrono::steady_clock::now();
  for (size_t off = 0; off < request.size(); off += 16384)
    out += c->send_raw(std::string_view(request).substr(off, 16384));
  int64_t ms = elapsed_ms(t0);
  EXPECT_EQ(out, "-ERR wrong number of arguments for 'ping' command\r\n");
  EXPECT_LT(ms, 2000) << "parsing " << request.size() << " bytes in 16 KiB reads took " << ms
                      << " ms";
}

}  // namespace
}  // namespace meridian::testing
