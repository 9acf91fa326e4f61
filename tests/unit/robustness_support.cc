// The robustness tests' shared helpers: printing bytes, a strict parser of
// RESP replies, and the check of a region's invariants (see
// robustness_support.h).
#include "robustness_support.h"

#include <algorithm>
#include <map>

#include "core/base/numbers.h"
#include "core/data/records.h"

namespace meridian::testing::robustness {
namespace {

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

// Every member and field name gen_member() (robustness_commands.cc) can
// produce.
const std::vector<std::string> kMemberUniverse = {
    "m0", "m1", "m2", "m3", "", "1", std::string("\0", 1)};

}  // namespace

std::string escape(std::string_view s, size_t max) {
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

Resp call(sim::SimClient& c, const Args& args, std::string* log) {
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

Snapshot check_invariants(sim::SimRegion& region, const std::string& when, bool generated) {
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
    } else if (type.str == "list") {
      // SORT ... STORE writes lists: one field record per element.
      Resp len = rd({"LLEN", key});
      Resp elems = rd({"LRANGE", key, "0", "-1"});
      if (len.integer < 1) fail("empty list " + k + " exists");
      if (len.integer != static_cast<int64_t>(elems.size()))
        fail("LLEN " + k + " = " + std::to_string(len.integer) + " but LRANGE has " +
             std::to_string(elems.size()));
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

}  // namespace meridian::testing::robustness
