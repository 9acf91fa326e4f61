// gen_command(): one command of README.md's list with random arguments (wrong
// types and bad numbers among them), for the robustness tests.
#include <algorithm>
#include <string>

#include "robustness_support.h"

namespace meridian::testing::robustness {
namespace {

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

rc::Gen<std::string> gen_bit_offset() {
  return rc::gen::element<std::string>("0", "7", "9", "100", "#3", "-1", "abc", "4294967296");
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

}  // namespace

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
      // Bitmaps and SORT (offsets stay small or out of range: no big strings).
      {3, exec([] {
         return Args{"SETBIT", *gen_key(), *gen_bit_offset(), *element<std::string>("0", "1", "2")};
       })},
      {2, exec([] {
         return Args{*element<std::string>("GETBIT", "BITPOS"), *gen_key(), *gen_bit_offset()};
       })},
      {2, exec([] {
         return Args{"BITFIELD",
                     *gen_key(),
                     *element<std::string>("SET", "INCRBY", "GET"),
                     *element<std::string>("u8", "i64", "u63", "i1", "u64"),
                     *gen_bit_offset(),
                     *gen_int()};
       })},
      {2, exec([] {
         return Args{"BITOP", *element<std::string>("AND", "OR", "XOR", "NOT"), *gen_key(),
                     *gen_key()};
       })},
      {2, exec([] {
         return Args{"SORT",
                     *gen_key(),
                     *element<std::string>("ALPHA", "DESC", "BY", "GET"),
                     *element<std::string>("nosort", "k*", "#", "ALPHA"),
                     "STORE",
                     *gen_key()};
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

}  // namespace meridian::testing::robustness
