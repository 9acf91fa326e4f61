#include "core/region/keyspace_events.h"

#include <algorithm>
#include <cctype>
#include <string>
#include <unordered_map>

namespace meridian {
namespace notify {

namespace {
struct Letter {
  char c;
  uint32_t flag;
};
constexpr Letter kLetters[] = {{'g', kGeneric},  {'$', kString}, {'l', kList},    {'s', kSet},
                               {'h', kHash},     {'z', kZset},   {'x', kExpired}, {'e', kEvicted},
                               {'t', kStream},   {'d', kModule}, {'n', kNew},     {'K', kKeyspace},
                               {'E', kKeyevent}, {'m', kKeyMiss}};
}  // namespace

std::optional<uint32_t> parse(std::string_view classes) {
  uint32_t flags = 0;
  for (char c : classes) {
    if (c == 'A') {
      flags |= kAll;
      continue;
    }
    const uint32_t f = class_of(c);
    if (f == 0) return std::nullopt;
    flags |= f;
  }
  return flags;
}

uint32_t class_of(char letter) {
  for (const auto& l : kLetters) {
    if (l.c == letter) return l.flag;
  }
  return 0;
}

std::string format(uint32_t flags) {
  std::string out;
  // Redis' order: the classes (or A), then K, E and m.
  if ((flags & kAll) == kAll) {
    out += 'A';  // and no n, as Redis prints it
  } else {
    for (const auto& l : kLetters) {
      if (l.c == 'K') break;
      if (flags & l.flag) out += l.c;
    }
  }
  if (flags & kKeyspace) out += 'K';
  if (flags & kKeyevent) out += 'E';
  if (flags & kKeyMiss) out += 'm';
  return out;
}

}  // namespace notify

namespace {

struct Plain {
  char cls;
  const char* name;
};

// Commands whose every changed key gets one event (and "del" when the
// command emptied it).
const std::unordered_map<std::string, Plain>& plain_events() {
  static const std::unordered_map<std::string, Plain> kTable = {
      {"del", {'g', "del"}},
      {"unlink", {'g', "del"}},
      {"getdel", {'g', "del"}},
      {"persist", {'g', "persist"}},
      {"restore", {'g', "restore"}},
      {"setnx", {'$', "set"}},
      {"getset", {'$', "set"}},
      {"mset", {'$', "set"}},
      {"msetnx", {'$', "set"}},
      {"append", {'$', "append"}},
      {"incr", {'$', "incrby"}},
      {"decr", {'$', "incrby"}},
      {"incrby", {'$', "incrby"}},
      {"decrby", {'$', "incrby"}},
      {"incrbyfloat", {'$', "incrbyfloat"}},
      {"setrange", {'$', "setrange"}},
      {"setbit", {'$', "setbit"}},
      {"bitfield", {'$', "setbit"}},
      {"pfadd", {'$', "pfadd"}},
      {"pfmerge", {'$', "pfadd"}},
      {"lpush", {'l', "lpush"}},
      {"lpushx", {'l', "lpush"}},
      {"rpush", {'l', "rpush"}},
      {"rpushx", {'l', "rpush"}},
      {"lpop", {'l', "lpop"}},
      {"blpop", {'l', "lpop"}},
      {"rpop", {'l', "rpop"}},
      {"brpop", {'l', "rpop"}},
      {"linsert", {'l', "linsert"}},
      {"lset", {'l', "lset"}},
      {"lrem", {'l', "lrem"}},
      {"ltrim", {'l', "ltrim"}},
      {"sadd", {'s', "sadd"}},
      {"srem", {'s', "srem"}},
      {"spop", {'s', "spop"}},
      {"hset", {'h', "hset"}},
      {"hsetnx", {'h', "hset"}},
      {"hmset", {'h', "hset"}},
      {"hdel", {'h', "hdel"}},
      {"hincrby", {'h', "hincrby"}},
      {"hincrbyfloat", {'h', "hincrbyfloat"}},
      {"zincrby", {'z', "zincr"}},
      {"zrem", {'z', "zrem"}},
      {"zremrangebyscore", {'z', "zremrangebyscore"}},
      {"zremrangebyrank", {'z', "zremrangebyrank"}},
      {"zremrangebylex", {'z', "zremrangebylex"}},
      {"zpopmin", {'z', "zpopmin"}},
      {"bzpopmin", {'z', "zpopmin"}},
      {"zpopmax", {'z', "zpopmax"}},
      {"bzpopmax", {'z', "zpopmax"}},
      {"geoadd", {'z', "zadd"}},
      {"xadd", {'t', "xadd"}},
      {"xdel", {'t', "xdel"}},
      {"xtrim", {'t', "xtrim"}},
      {"xsetid", {'t', "xsetid"}},
  };
  return kTable;
}

// Commands that store a result: the event, or "del" alone when the result
// was empty and the destination went.
const std::unordered_map<std::string, Plain>& store_events() {
  static const std::unordered_map<std::string, Plain> kTable = {
      {"sinterstore", {'s', "sinterstore"}},  {"sunionstore", {'s', "sunionstore"}},
      {"sdiffstore", {'s', "sdiffstore"}},    {"zunionstore", {'z', "zunionstore"}},
      {"zinterstore", {'z', "zinterstore"}},  {"zdiffstore", {'z', "zdiffstore"}},
      {"zrangestore", {'z', "zrangestore"}},  {"bitop", {'$', "set"}},
      {"sort", {'l', "sortstore"}},           {"geosearchstore", {'z', "geosearchstore"}},
      {"georadius", {'z', "georadiusstore"}}, {"georadiusbymember", {'z', "georadiusstore"}},
  };
  return kTable;
}

bool has_option(const std::vector<std::string_view>& argv, size_t from,
                std::initializer_list<const char*> names) {
  for (size_t i = from; i < argv.size(); ++i) {
    std::string a(argv[i]);
    std::transform(a.begin(), a.end(), a.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* n : names) {
      if (a == n) return true;
    }
  }
  return false;
}

bool left(std::string_view where) {
  return where.size() == 4 && std::tolower(static_cast<unsigned char>(where[0])) == 'l';
}

}  // namespace

std::vector<KeyEvent> command_events(const std::vector<std::string_view>& argv,
                                     const std::vector<std::string>& changed,
                                     const std::function<bool(std::string_view)>& exists) {
  std::vector<KeyEvent> out;
  if (argv.empty() || changed.empty()) return out;
  std::string name(argv[0]);
  std::transform(name.begin(), name.end(), name.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  auto touched = [&](std::string_view key) {
    return std::find(changed.begin(), changed.end(), key) != changed.end();
  };
  auto add = [&](char cls, std::string ev, std::string_view key) {
    out.push_back({cls, std::move(ev), std::string(key)});
  };
  // The event of a key, then "del" if the command emptied it.
  auto with_del = [&](char cls, const std::string& ev, std::string_view key) {
    add(cls, ev, key);
    if (ev != "del" && !exists(key)) add('g', "del", key);
  };
  if (auto p = plain_events().find(name); p != plain_events().end()) {
    for (const auto& k : changed) with_del(p->second.cls, p->second.name, k);
    return out;
  }
  if (auto s = store_events().find(name); s != store_events().end()) {
    for (const auto& k : changed) {
      if (exists(k)) {
        add(s->second.cls, s->second.name, k);
      } else {
        add('g', "del", k);
      }
    }
    return out;
  }
  if (name == "set" || name == "setex" || name == "psetex") {
    const bool ttl = name != "set" || has_option(argv, 3, {"ex", "px", "exat", "pxat"});
    for (const auto& k : changed) {
      add('$', "set", k);
      if (ttl) add('g', "expire", k);
    }
  } else if (name == "getex") {
    const bool persist = has_option(argv, 2, {"persist"});
    for (const auto& k : changed) {
      add('g', !exists(k) ? "del" : persist ? "persist" : "expire", k);
    }
  } else if (name == "expire" || name == "pexpire" || name == "expireat" || name == "pexpireat") {
    for (const auto& k : changed) add('g', exists(k) ? "expire" : "del", k);
  } else if ((name == "rename" || name == "renamenx") && argv.size() >= 3) {
    if (touched(argv[2])) {
      add('g', "rename_from", argv[1]);
      add('g', "rename_to", argv[2]);
    }
  } else if (name == "copy" && argv.size() >= 3) {
    if (touched(argv[2])) add('g', "copy_to", argv[2]);
  } else if (name == "smove" && argv.size() >= 3) {
    if (touched(argv[1])) with_del('s', "srem", argv[1]);
    if (touched(argv[2])) add('s', "sadd", argv[2]);
  } else if ((name == "lmove" || name == "blmove" || name == "rpoplpush" || name == "brpoplpush") &&
             argv.size() >= 3) {
    const bool two_way = name == "lmove" || name == "blmove";
    const bool from_left = two_way && argv.size() > 3 && left(argv[3]);
    const bool to_left = !two_way || (argv.size() > 4 && left(argv[4]));
    if (touched(argv[2])) add('l', to_left ? "lpush" : "rpush", argv[2]);
    if (touched(argv[1])) with_del('l', from_left ? "lpop" : "rpop", argv[1]);
  } else if (name == "lmpop" || name == "blmpop" || name == "zmpop" || name == "bzmpop") {
    const bool list = name == "lmpop" || name == "blmpop";
    const bool first = has_option(argv, 2, {list ? "left" : "min"});
    const char* ev = list ? (first ? "lpop" : "rpop") : (first ? "zpopmin" : "zpopmax");
    for (const auto& k : changed) with_del(list ? 'l' : 'z', ev, k);
  } else if (name == "zadd") {
    const bool incr = has_option(argv, 2, {"incr"});
    for (const auto& k : changed) with_del('z', incr ? "zincr" : "zadd", k);
  } else if (name == "xgroup" && argv.size() >= 3) {
    std::string sub(argv[1]);
    std::transform(sub.begin(), sub.end(), sub.begin(),
                   [](unsigned char c) { return std::tolower(c); });
    // A consumer's creation is the command's own event (XREADGROUP and
    // the claims make consumers too).
    if (sub != "createconsumer" && touched(argv[2])) add('t', "xgroup-" + sub, argv[2]);
  }
  return out;
}

}  // namespace meridian
