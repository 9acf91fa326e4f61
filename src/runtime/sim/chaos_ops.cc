#include "runtime/sim/chaos_ops.h"

namespace meridian::sim {

std::vector<std::string> big_collection_op(const Pick& pick, OpAuthor a,
                                           std::map<std::string, size_t>& sizes, std::string* key) {
  static const char* const kKeys[] = {"b0", "b1", "c0", "c1", "kb0"};
  const std::string k = kKeys[pick(5)];
  *key = k;
  size_t& size = sizes[k];
  const bool set = k[0] == 'b';
  const int r = static_cast<int>(pick(100));
  std::vector<std::string> argv;
  if (r < 8 || size >= kBigKeyElements) {
    argv = {"DEL", k};
    size = 0;
  } else if (r < 15) {
    argv = {"PEXPIRE", k, std::to_string(100 + pick(2900))};
  } else if (set && r < 30) {
    argv = {"SREM", k};
    for (int i = 0; i < 5; ++i)
      argv.push_back("m" + std::to_string(pick(8)) + "-" + std::to_string(pick(2000)));
  } else if (set) {
    argv = {"SADD", k};
    size_t n = 100 + pick(400);
    for (size_t i = 0; i < n; ++i)
      argv.push_back("m" + std::to_string(a.id % 8) + "-" + std::to_string(pick(2000)));
    size += n;
  } else if (r < 22) {
    argv = {"HDEL", k};
    for (int i = 0; i < 5; ++i) argv.push_back("f" + std::to_string(pick(20000)));
  } else if (k[0] == 'c' && r < 40) {
    argv = {"HINCRBY", k, "f" + std::to_string(pick(20000)), std::to_string(1 + pick(3))};
    size += 1;
  } else {
    argv = {"HSET", k};
    size_t n = 50 + pick(300);
    for (size_t i = 0; i < n; ++i) {
      argv.push_back("f" + std::to_string(pick(20000)));
      argv.push_back("v" + std::to_string(a.id) + "-" + std::to_string(a.n++));
    }
    size += n;
  }
  return argv;
}

std::vector<std::string> whole_key_op(const Pick& pick, OpAuthor a, std::string* key) {
  const std::string family = pick(2) == 0 ? "u" : "ku";
  auto some = [&] { return family + std::to_string(pick(3)); };
  const std::string k = some(), other = some();
  *key = k;
  auto member = [&] { return "m" + std::to_string(pick(12)); };
  switch (pick(10)) {
    case 0:
    case 1:
      return {"SADD", k, member(), member(),
              "m" + std::to_string(a.id) + "-" + std::to_string(a.n++)};
    case 2:
      return {"SUNIONSTORE", k, other, some()};
    case 3:
      return {"SINTERSTORE", k, other, some()};
    case 4:
      return {"SDIFFSTORE", k, other, some()};
    case 5:
      return {"SMOVE", other, k, member()};
    case 6:
      return {"RENAME", other, k};
    case 7:
      return {"COPY", other, k, "REPLACE"};
    case 8:
      return {"SPOP", k, std::to_string(1 + pick(3))};
    default:
      return {"SREM", k, member(), member()};
  }
}

std::vector<std::string> list_op(const Pick& pick, OpAuthor a, std::string* key) {
  const std::string family = pick(2) == 0 ? "q" : "kq";
  auto some = [&] { return family + std::to_string(pick(3)); };
  const std::string k = some();
  *key = k;
  auto value = [&] { return "e" + std::to_string(a.id) + "-" + std::to_string(a.n++); };
  const std::string index = std::to_string(static_cast<int64_t>(pick(9)) - 4);
  switch (pick(12)) {
    case 0:
    case 1:
      return {"RPUSH", k, value(), value()};
    case 2:
      return {"LPUSH", k, value()};
    case 3:
      return {"LINSERT", k, pick(2) ? "BEFORE" : "AFTER", "e" + std::to_string(pick(8)) + "-0",
              value()};
    case 4:
      return {"LPOP", k};
    case 5:
      return {"RPOP", k, std::to_string(1 + pick(2))};
    case 6:
      return {"LSET", k, index, value()};
    case 7:
      return {"LREM", k, index, "e" + std::to_string(pick(8)) + "-" + std::to_string(pick(4))};
    case 8:
      return {"LTRIM", k, std::to_string(pick(2)), std::to_string(-1 - static_cast<int>(pick(2)))};
    case 9:
      return {"LMOVE", some(), k, pick(2) ? "LEFT" : "RIGHT", pick(2) ? "LEFT" : "RIGHT"};
    case 10:
      return {"RPUSHX", k, value()};
    default:
      return {"DEL", k};
  }
}

std::vector<std::string> zset_op(const Pick& pick, std::string* key) {
  const std::string family = pick(2) == 0 ? "z" : "kz";
  auto some = [&] { return family + std::to_string(pick(3)); };
  const std::string k = some();
  *key = k;
  // Few member names, so regions write the same members concurrently.
  auto member = [&] { return "m" + std::to_string(pick(8)); };
  auto score = [&] {
    const char* special[] = {"-inf", "+inf", "0.5", "-2.25"};
    if (pick(10) == 0) return std::string(special[pick(4)]);
    return std::to_string(static_cast<int64_t>(pick(20)) - 5);
  };
  switch (pick(16)) {
    case 0:
    case 1:
      return {"ZADD", k, score(), member(), score(), member()};
    case 2:
      return {"ZADD", k, pick(2) ? "GT" : "LT", "CH", score(), member()};
    case 3:
    case 4:
      return {"ZINCRBY", k, std::to_string(1 + pick(3)), member()};
    case 5:
      return {"ZINCRBY", k, "0.5", member()};
    case 6:
      return {"ZREM", k, member(), member()};
    case 7:
      return {pick(2) ? "ZPOPMIN" : "ZPOPMAX", k};
    case 8:
      return {"ZREMRANGEBYSCORE", k, "(" + std::to_string(pick(10)), "+inf"};
    case 9:
      return {"ZREMRANGEBYRANK", k, "0", std::to_string(pick(2))};
    case 10:
      return {"ZUNIONSTORE", k, "2", some(), some(), "AGGREGATE", pick(2) ? "MAX" : "SUM"};
    case 11:
      return {"ZINTERSTORE", k, "2", some(), some()};
    case 12:
      return {"ZRANGESTORE", k, some(), "0", std::to_string(pick(4))};
    case 13:
      return {"ZMPOP", "2", some(), some(), pick(2) ? "MIN" : "MAX", "COUNT", "2"};
    case 14:
      return {"PEXPIRE", k, std::to_string(2000 + pick(15000))};
    default:
      return {"DEL", k};
  }
}

std::vector<std::string> stream_op(const Pick& pick, int64_t now_ms, std::string* key) {
  const std::string family = pick(2) == 0 ? "st" : "kst";
  const std::string k = family + std::to_string(pick(2));
  *key = k;
  // XADD <t>-* makes ids in whole tenths of a second, so that an id a
  // region made at tenth `back` before now is easy to name: its first or
  // second in that millisecond.
  const int64_t t = now_ms / 100 * 100;
  auto at = [&](int64_t back) { return std::to_string(t - 100 * back); };
  auto made = [&](int64_t back) {
    const uint64_t region = 1 + pick(3);
    return at(back) + "-" + std::to_string(pick(2) * 100000 + region);
  };
  const std::string value = "v" + std::to_string(pick(100));
  // Consumer groups: g0 and g1, consumers c0 and c1.
  const std::string group = "g" + std::to_string(pick(2));
  const std::string consumer = "c" + std::to_string(pick(2));
  switch (pick(24)) {
    case 0:
    case 1:
    case 2:
    case 3:
      return {"XADD", k, std::to_string(t) + "-*", "f", value};
    case 4:
      return {"XADD", k, "*", "f", value, "g", value};
    case 5:
      return {"XADD", k,    "MAXLEN", std::to_string(2 + pick(6)), std::to_string(t) + "-*",
              "f",    value};
    case 6:
    case 7:
      return {"XDEL", k, made(static_cast<int64_t>(pick(4))), made(static_cast<int64_t>(pick(4))),
              made(static_cast<int64_t>(pick(4)))};
    case 8:
      return {"XTRIM", k, "MAXLEN", std::to_string(pick(6))};
    case 9:
      return {"XTRIM", k, "MINID", at(static_cast<int64_t>(pick(20)))};
    case 10:
      return {"XSETID", k, at(-static_cast<int64_t>(pick(5))) + "-0"};
    case 11:
      return {"PEXPIRE", k, std::to_string(2000 + pick(15000))};
    case 12:
    case 13:
      return {"XGROUP", "CREATE", k, group, pick(2) == 0 ? "0" : "$", "MKSTREAM"};
    case 14:
    case 20:
    case 21:
      return {"XREADGROUP", "GROUP", group, consumer, "COUNT", std::to_string(1 + pick(3)),
              "STREAMS",    k,       ">"};
    case 15:
      return {"XACK", k, group, made(static_cast<int64_t>(pick(4))),
              made(static_cast<int64_t>(pick(4)))};
    case 16:
      return {"XCLAIM", k, group, consumer, "0", made(static_cast<int64_t>(pick(4)))};
    case 17:
      return {"XAUTOCLAIM", k, group, consumer, "0", "0-0", "COUNT", "2"};
    case 18:
      return pick(2) == 0 ? std::vector<std::string>{"XGROUP", "SETID", k, group, "0"}
                          : std::vector<std::string>{"XGROUP", "DELCONSUMER", k, group, consumer};
    case 19:
      return {"XGROUP", "DESTROY", k, group};
    default:
      return {"DEL", k};
  }
}

}  // namespace meridian::sim
