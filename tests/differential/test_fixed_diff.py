"""Curated command scripts compared byte for byte with a real redis-server.

Each case runs on an empty key space, on fresh connections, over RESP2 and
RESP3. A script line is a command in shell syntax; a prefix selects how replies
are compared: `~` unordered multiset, `%` field/value pairs, `@ttl` / `@pttl`
tolerance, `@scan` full-iteration union, `@hello` HELLO without server/version/id,
`@rand` random replies (see difftools.check_rand). Items may also be tuples of
arguments (for binary data). The parser and the runner are in difftools.py
(shared with test_fixed_diff_collections.py).
"""

import itertools
import shlex

import pytest

from cmdgen import Step, ARITY
from difftools import arity_error_lines, run_fixed_script

CASES = {}


def case(name, lines):
    assert name not in CASES
    CASES[name] = lines


# ---------------------------------------------------------------- strings
case("strings-basic", [
    "GET s", "SET s v", "GET s", "SET s ''", "GET s", "STRLEN s", "STRLEN nokey",
    "SETNX s x", "SETNX s2 x", "GETSET s new", "GETSET nokey v", "GET nokey",
    "GETDEL nokey", "GETDEL s", "GETDEL s", "APPEND s abc", "APPEND s def", "GET s",
    "MSET a 1 b 2 c 3", "MGET a b c d", "MSET a", "MSET a 1 b", "MGET",
    "SET bin x", ("SET", "bin", b"\x00\xff\r\n\x01"), ("GET", "bin"), "STRLEN bin",
    ("SET", "", "empty-key"), ("GET", ""), "EXISTS ''", ("DEL", ""),
    "SET k v extra", "SET k", "GET k k2",
])

case("strings-integers", [
    "SET n 10", "INCR n", "DECR n", "INCRBY n 5", "DECRBY n 20", "INCRBY n -3", "GET n",
    "INCR fresh", "DECR fresh2", "INCRBY fresh3 -7", "DECRBY fresh4 -7",
    "SET n 9223372036854775807", "INCR n", "INCRBY n 1", "DECRBY n -1", "GET n",
    "SET n -9223372036854775808", "DECR n", "INCRBY n -1", "DECRBY n 1",
    "SET n 0", "DECRBY n -9223372036854775808", "INCRBY n -9223372036854775808",
    "INCRBY n 9223372036854775808", "INCRBY n abc", "INCRBY n ''", "INCRBY n 1.5",
    "INCRBY n ' 1'", "INCRBY n '1 '", "INCRBY n +1", "INCRBY n 01", "INCRBY n -0",
    "INCRBY n 0x10",
    "SET n ' 1'", "INCR n", "SET n '1 '", "INCR n", "SET n 01", "INCR n", "SET n +1",
    "INCR n", "SET n -0", "INCR n", "SET n 1e2", "INCR n", "SET n ''", "INCR n",
    "SET n 1.0", "INCR n", "SET n 99999999999999999999", "INCR n", "SET n abc", "DECR n",
    "SET n -1", "INCR n", "GET n", "APPEND n 5", "INCR n", "GET n",
])

case("strings-incrbyfloat", [
    "INCRBYFLOAT f 1.5", "INCRBYFLOAT f 0.1", "INCRBYFLOAT f -1.6", "GET f",
    "SET f 10.50", "INCRBYFLOAT f 0.1", "SET f 5.0e3", "INCRBYFLOAT f 2.0e2",
    "INCRBYFLOAT f 3e-3", "SET f 0.1", "INCRBYFLOAT f 0.2", "SET f 1",
    "INCRBYFLOAT f 1e20", "INCRBYFLOAT f 1e-20", "SET f 1e308", "INCRBYFLOAT f 1e308",
    "GET f", "INCRBYFLOAT f inf", "INCRBYFLOAT f -inf", "INCRBYFLOAT f nan",
    "INCRBYFLOAT f abc", "INCRBYFLOAT f ''", "INCRBYFLOAT f 1e400", "INCRBYFLOAT f ' 1'",
    "INCRBYFLOAT f '1 '", "INCRBYFLOAT f 0x10", "INCRBYFLOAT f .5", "INCRBYFLOAT f 5.",
    "INCRBYFLOAT f +2", "INCRBYFLOAT f -1.5E2", "INCRBYFLOAT f 1e", "GET f",
    "SET f 3", "INCRBYFLOAT f 0", "SET f -0", "INCRBYFLOAT f 0", "SET f 1.10",
    "INCRBYFLOAT f 0", "SET f 123456789.123456789", "INCRBYFLOAT f 0.000000001",
    "SET f 0", "INCRBYFLOAT f 3.0000000000000001", "INCRBYFLOAT f 1.7976931348623157e308",
    "SET f 1", "INCRBYFLOAT f -1", "INCRBYFLOAT f 1e-300", "INCRBYFLOAT f 1e17",
    "SET f abc", "INCRBYFLOAT f 1", "SET f ' 1'", "INCRBYFLOAT f 1", "SET f inf",
    "INCRBYFLOAT f 1", "SET f 1e400", "INCRBYFLOAT f 1",
    "SET f 0.1", "INCRBYFLOAT f 1e-17", "SET f 1", "INCRBYFLOAT f 1.00000000000000000001",
    "SET f 2", "INCRBYFLOAT f 1e16", "INCRBYFLOAT f 1", "SET f 1e15", "INCRBYFLOAT f 0.3",
])

SET_OPTS = [["NX"], ["XX"], ["GET"], ["KEEPTTL"], ["EX", "100000"], ["PX", "100000000"],
            ["EXAT", "{T+}"], ["PXAT", "{MT+}"]]


def set_combo_lines():
    lines = []
    combos = [()] + [(o,) for o in SET_OPTS] + list(itertools.permutations(SET_OPTS, 2))
    for i, combo in enumerate(combos):
        opts = " ".join(" ".join(o) for o in combo)
        # on an existing key with a TTL, on an existing key without, on a missing key
        lines += ["SET e%d old EX 50000" % i, "SET n%d old" % i,
                  "SET e%d new %s" % (i, opts), "GET e%d" % i, "@ttl TTL e%d" % i,
                  "SET n%d new %s" % (i, opts), "GET n%d" % i, "@ttl TTL n%d" % i,
                  "SET m%d new %s" % (i, opts), "GET m%d" % i, "@ttl TTL m%d" % i]
    return lines


case("set-option-combos", set_combo_lines())

case("set-option-errors", [
    "SET k v EX", "SET k v PX", "SET k v EX 0", "SET k v EX -1", "SET k v PX 0",
    "SET k v PX -5", "SET k v EX abc", "SET k v EX 1.5", "SET k v EXAT 0", "SET k v PXAT -1",
    "SET k v EX 9223372036854775807", "SET k v PX 9223372036854775807",
    "SET k v EXAT 9223372036854775807", "SET k v PXAT 9223372036854775807",
    "SET k v EX 9223372036854775", "SET k v NX XX", "SET k v EX 10 PX 10",
    "SET k v KEEPTTL EX 10", "SET k v EX 10 EX 10", "SET k v NX NX", "SET k v BOGUS",
    "SET k v GET GET", "SET k v XX GET", "SET k v nx ex 100000", "GET k",
    "SET k v2 NX GET", "SET k v3 xx Get", "GET k", "SADD s a", "SET s v GET", "GET s",
    "SET s v NX GET", "TYPE s", "SET k v EXAT {T-}", "GET k", "EXISTS k",
    "SET k v PXAT 1", "GET k", "SET k v EX 100000", "SET k v2 KEEPTTL", "@ttl TTL k",
    "SET k v3", "TTL k",
])

case("strings-setex-getex", [
    "SETEX k 100000 v", "GET k", "@ttl TTL k", "PSETEX p 100000000 v", "@pttl PTTL p",
    "SETEX k 0 v", "SETEX k -1 v", "PSETEX k 0 v", "SETEX k abc v", "SETEX k 1.5 v",
    "SETEX k 9223372036854775807 v", "PSETEX k 9223372036854775807 v",
    "SETEX k 9223372036854775 v", "SETEX k 10", "SETEX k 10 v x", "PSETEX k 10",
    "SADD s a", "SETEX s 100 v", "TYPE s", "GET s",
    "SET g v", "GETEX g", "TTL g", "GETEX g EX 100000", "@ttl TTL g", "GETEX g PERSIST",
    "TTL g", "GETEX g PX 100000000", "@pttl PTTL g", "GETEX g EXAT {T+}", "@ttl TTL g",
    "GETEX g PXAT {MT+}", "@pttl PTTL g", "GETEX g persist", "TTL g",
    "GETEX nokey", "GETEX nokey EX 10", "GETEX nokey EX 0", "GETEX nokey BOGUS",
    "GETEX g EX", "GETEX g EX 0", "GETEX g EX -5", "GETEX g PX 0", "GETEX g EX abc",
    "GETEX g EX 10 PX 10", "GETEX g EX 10 PERSIST", "GETEX g PERSIST EX 10",
    "GETEX g PERSIST PERSIST", "GETEX g EX 100000 EX 200000", "@ttl TTL g",
    "GETEX g NX", "GETEX g XX", "GETEX g GET", "GETEX g KEEPTTL", "GETEX g BOGUS",
    "GETEX g EXAT 9223372036854775807", "GETEX g EX 9223372036854775",
    "GETEX g EXAT {T-}", "EXISTS g", "SET g v", "GETEX g PXAT 1", "GET g",
    "GETEX s", "GETEX s EX 10", "GETEX s EX 0", "GETEX", "TYPE s",
])

case("strings-ranges", [
    "SET s 'Hello World'", "GETRANGE s 0 4", "GETRANGE s -5 -1", "GETRANGE s 0 -1",
    "GETRANGE s 0 100", "GETRANGE s 100 200", "GETRANGE s -100 2", "GETRANGE s -1 -5",
    "GETRANGE s 5 2", "GETRANGE s -1 -1", "GETRANGE s 0 0", "GETRANGE s 3 -3",
    "GETRANGE s -9223372036854775808 9223372036854775807", "GETRANGE s 0 abc",
    "GETRANGE s abc 0", "GETRANGE s 1.5 2", "GETRANGE nokey 0 -1", "GETRANGE nokey -1 -5",
    "SUBSTR s 0 4", "SUBSTR s -3 -1", "SET e ''", "GETRANGE e 0 -1", "GETRANGE e 0 0",
    "GETRANGE e -1 0", "SET n 12345", "INCR n", "GETRANGE n 1 3",
    "SETRANGE s 6 Redis", "GET s", "SETRANGE s 20 tail", "GET s", "STRLEN s",
    "SETRANGE new 3 abc", "GET new", "SETRANGE new2 0 ''", "EXISTS new2",
    "SETRANGE s 0 ''", "SETRANGE s -1 x", "SETRANGE s abc x", "SETRANGE s 1.5 x",
    # the largest allowed SETRANGE is checked at 1 MB in test_fixed_diff_bits.py:
    # at the default 512 MB it allocates half a gigabyte in both servers
    "SETRANGE nokey -1 ''", "SETRANGE big 536870912 x",
    "SETRANGE big 9223372036854775807 x", "EXISTS big", "SETRANGE n 0 9", "GET n",
    "INCR n", "SETRANGE s 0 ''", ("SETRANGE", "bin", "2", b"\x00\xff"), ("GET", "bin"),
    "SADD set a", "GETRANGE set 0 1", "SETRANGE set 0 x", "SETRANGE set 0 ''",
    "GETRANGE s 0", "SETRANGE s 0", "SUBSTR s 0", "GETRANGE",
])

case("strings-msetnx", [
    "MSETNX a 1 b 2", "MGET a b", "MSETNX a 3 c 4", "MGET a c", "MSETNX c 5 c 6",
    "GET c", "MSETNX", "MSETNX a", "MSETNX a 1 b", "SADD s x", "MSETNX s 1 d 2",
    "EXISTS d", "SET t v EX 100000", "MSETNX t 1", "@ttl TTL t",
])

case("keys-touch-expiretime", [
    "TOUCH nokey", "SET a 1", "SADD b m", "TOUCH a b nokey a", "TOUCH", "EXPIRETIME nokey",
    "PEXPIRETIME nokey", "EXPIRETIME a", "PEXPIRETIME a", "EXPIREAT a {T+}",
    "EXPIRETIME a", "PEXPIREAT a {MT+}", "PEXPIRETIME a", "EXPIRETIME a",
    "PERSIST a", "EXPIRETIME a", "EXPIRETIME", "EXPIRETIME a b", "PEXPIRETIME",
    "HSET h f v", "PEXPIREAT h {MT+}", "PEXPIRETIME h", "EXPIRETIME h",
])

# ---------------------------------------------------------------- expiry
case("expire-flags", [
    "EXPIRE nokey 100", "TTL nokey", "PTTL nokey", "PERSIST nokey",
    "SET k v", "TTL k", "PTTL k", "PERSIST k",
    "EXPIRE k 100000 XX", "EXPIRE k 100000 GT", "EXPIRE k 100000 LT", "@ttl TTL k",
    "EXPIRE k 200000 NX", "EXPIRE k 300000 NX", "@ttl TTL k", "EXPIRE k 50000 GT",
    "EXPIRE k 400000 GT", "@ttl TTL k", "EXPIRE k 500000 LT", "EXPIRE k 300000 LT",
    "@ttl TTL k", "EXPIRE k 100000 XX", "@ttl TTL k", "PERSIST k", "TTL k", "PERSIST k",
    "EXPIRE k 100 NX XX", "EXPIRE k 100 GT LT", "EXPIRE k 100 NX GT", "EXPIRE k 100 NX LT",
    "EXPIRE k 100 XX GT", "EXPIRE k 100 BOGUS", "EXPIRE k 100 nx", "@ttl TTL k",
    "PEXPIRE k 100000000 xx gt", "@pttl PTTL k", "EXPIRE k abc", "EXPIRE k ''",
    "EXPIRE k 1.5", "PEXPIRE k 1.5", "EXPIREAT k abc", "PEXPIREAT k abc",
    "EXPIRE k 9223372036854775807", "PEXPIRE k 9223372036854775807",
    "EXPIREAT k 9223372036854775807", "PEXPIREAT k 9223372036854775807",
    "EXPIRE k -9223372036854775808", "PEXPIRE k -9223372036854775808",
    "EXPIRE k 9223372036854775", "EXPIREAT k 9223372036854775", "@ttl TTL k",
    "PEXPIRE k 9223372036854775", "SET k v", "EXPIREAT k {T+}", "@ttl TTL k",
    "PEXPIREAT k {MT+}", "@pttl PTTL k", "EXPIRE k -1 GT", "EXISTS k", "EXPIRE k -1 LT",
    "EXISTS k", "SET k v", "EXPIRE k 0", "EXISTS k", "SET k v", "PEXPIRE k -100",
    "GET k", "SET k v", "EXPIREAT k {T-}", "GET k", "SET k v", "PEXPIREAT k 0", "GET k",
    "SET k v", "EXPIRE k -5 NX", "EXISTS k", "SET k v EX 1000", "EXPIRE k -5 NX",
    "EXISTS k", "EXPIRE", "EXPIRE k", "TTL", "TTL k k", "PERSIST", "SADD s a",
    "EXPIRE s 100000", "@ttl TTL s", "HSET h f v", "PEXPIRE h 100000000", "@pttl PTTL h",
    "SET k v EX 100000", "APPEND k x", "@ttl TTL k", "INCR k", "SET c 1 EX 100000",
    "INCR c", "@ttl TTL c", "GETSET c 5", "TTL c", "SET c 1 EX 100000", "MSET c 2",
    "TTL c", "SET c 1 EX 100000", "SETNX c 3", "@ttl TTL c", "GETDEL c", "TTL c",
    "SADD s b", "@ttl TTL s", "SREM s a b", "TTL s", "EXISTS s",
])

# ---------------------------------------------------------------- sets / hashes
case("sets", [
    "SADD s a b c a", "SADD s a", "SCARD s", "~ SMEMBERS s", "SISMEMBER s a",
    "SISMEMBER s z", "SMISMEMBER s a z b", "SMISMEMBER nokey a", "SISMEMBER nokey a",
    "SCARD nokey", "~ SMEMBERS nokey", "SREM s a z", "SREM s b c", "EXISTS s", "SREM s a",
    "SREM nokey a", "SADD s 1 2 3 -1 0", "~ SMEMBERS s", "SADD s ''", "SISMEMBER s ''",
    "SADD s x" + " y" * 3, "SADD", "SADD s", "SREM s", "SMISMEMBER s", "SCARD",
    "SMEMBERS", "SISMEMBER s", "SET str v", "SADD str a", "SREM str a", "SMEMBERS str",
    "SISMEMBER str a", "SMISMEMBER str a", "SCARD str", "TYPE s",
    "SADD big " + " ".join("m%d" % i for i in range(200)), "SCARD big", "~ SMEMBERS big",
])

case("hashes", [
    "HSET h f1 v1 f2 v2", "HSET h f1 x", "HGET h f1", "HGET h nof", "HGET nokey f",
    "HSETNX h f1 y", "HSETNX h f3 z", "HMGET h f1 f2 nof f3", "HMGET nokey a b",
    "% HGETALL h", "% HGETALL nokey", "~ HKEYS h", "~ HVALS h", "~ HKEYS nokey",
    "HLEN h", "HLEN nokey", "HEXISTS h f1", "HEXISTS h nof", "HEXISTS nokey f",
    "HDEL h f1 nof", "HDEL h f2 f3", "EXISTS h", "HDEL nokey f",
    "HINCRBY h n 5", "HINCRBY h n -10", "HINCRBY h n abc", "HINCRBY h n 1.5",
    "HINCRBY h n ''", "HSET h n 9223372036854775807", "HINCRBY h n 1",
    "HSET h n -9223372036854775808", "HINCRBY h n -1", "HSET h s abc", "HINCRBY h s 1",
    "HSET h s ' 1'", "HINCRBY h s 1", "HSET h s 1.0", "HINCRBY h s 1", "HINCRBY new f 3",
    "% HGETALL h", "HSET h", "HSET h f", "HSET h f v g", "HSETNX h f", "HGET h",
    "HMGET h", "HDEL h", "HINCRBY h f", "HEXISTS h", "HLEN", "HGETALL", "HKEYS", "HVALS",
    "SET str v", "HSET str f v", "HGET str f", "HGETALL str", "HINCRBY str f 1",
    "HDEL str f", "HLEN str", "HEXISTS str f", "HKEYS str", "HVALS str", "HMGET str f",
    "HSETNX str f v", "HSET h '' empty", "HGET h ''", "TYPE h",
    "HSTRLEN h ''", "HSTRLEN h nof", "HSTRLEN nokey f", "HSTRLEN str f", "HSTRLEN h",
    "HSET h num 12345", "HINCRBY h num 1", "HSTRLEN h num", "HSTRLEN h n",
])

# ---------------------------------------------------------------- type errors
TYPED = {"str": "SET str v", "set": "SADD set m", "hash": "HSET hash f v"}
TYPE_CMDS = {
    "str": ["GET {k}", "GETSET {k} x", "GETDEL {k}", "APPEND {k} x", "STRLEN {k}",
            "INCR {k}", "DECR {k}", "INCRBY {k} 2", "DECRBY {k} 2", "INCRBYFLOAT {k} 1.5",
            "SETNX {k} x", "MGET {k} str", "SET {k} v GET"],
    "set": ["SADD {k} a", "SREM {k} a", "SMEMBERS {k}", "SISMEMBER {k} a",
            "SMISMEMBER {k} a", "SCARD {k}"],
    "hash": ["HSET {k} f v", "HSETNX {k} g v", "HGET {k} f", "HMGET {k} f",
             "HGETALL {k}", "HDEL {k} f", "HEXISTS {k} f", "HLEN {k}", "HKEYS {k}",
             "HVALS {k}", "HINCRBY {k} f 1"],
}


def type_error_lines():
    lines = list(TYPED.values())
    for cmd_type, cmds in TYPE_CMDS.items():
        for key_type in TYPED:
            if key_type == cmd_type:
                continue
            for c in cmds:
                lines.append(c.format(k=key_type))
    lines += ["TYPE str", "TYPE set", "TYPE hash", "TYPE nokey", "EXISTS str set hash nokey str"]
    return lines


case("wrongtype", type_error_lines())


def arity_lines():
    lines = arity_error_lines(ARITY)
    lines += ["CLIENT", "CLIENT SETNAME", "CLIENT SETNAME a b", "CLIENT GETNAME x",
              "CLIENT ID x", "CLIENT BOGUS", "client bogus x", "SELECT", "SELECT 0 1",
              "HELLO 3 AUTH", "HELLO 3 AUTH a", "HELLO 3 SETNAME", "ECHO", "ECHO a b",
              "PING a b", "DBSIZE x", "FLUSHALL BOGUS", "KEYS", "KEYS a b"]
    return lines


case("arity", arity_lines())

case("unknown-commands", [
    "NOSUCH", "NOSUCH a", "NOSUCH a b c", "nosuch 'a b'", "GETX k",
    "NOSUCH " + "x" * 200, "NOSUCH " + " ".join("a%d" % i for i in range(30)),
    ("NOSUCH", b"\x00\r\n"), "''", "' '",
])

# ---------------------------------------------------------------- keyspace
KEYNAMES = ["k1", "k2", "k10", "key", "a*b", "a?b", "a[b", "h[x]", "hello", "hallo",
            "hxllo", "heeeello", "back\\slash", "sp ace", "", "k\nl", "K1"]


def keys_lines():
    lines = ["MSET " + " ".join(shlex.quote(k) + " v" for k in KEYNAMES), "DBSIZE"]
    pats = ["*", "k*", "k?", "k[0-9]", "k[^1]", "k[!1]", "h?llo", "h*llo", "h[ae]llo",
            "h[^e]llo", "h[a-b]llo", "a\\*b", "a\\?b", "a\\[b", "a[b", "h\\[x\\]", "h[x]",
            "*\\\\*", "back\\\\slash", "sp*", "", "?", "[", "[]", "[]]", "k[", "*[",
            "k[1-", "[z-a]*", "K*", "*1", "**", "*?*", "\\", "k\\", "k[\\1]", "h[a-e]llo"]
    for p in pats:
        lines.append(Step(["KEYS", p], kind="unordered"))
        lines.append(Step(["SCAN", "0", "MATCH", p], kind="scan"))
        lines.append(Step(["SCAN", "0", "MATCH", p, "COUNT", "3"], kind="scan"))
    lines += ["SADD s1 a", "HSET h1 f v", "@scan SCAN 0 TYPE string", "@scan SCAN 0 TYPE set",
              "@scan SCAN 0 TYPE hash", "@scan SCAN 0 TYPE list", "@scan SCAN 0 TYPE bogus",
              "@scan SCAN 0 type HASH", "@scan SCAN 0 COUNT 1", "@scan SCAN 0 count 1000",
              "@scan SCAN 0 MATCH h* TYPE hash COUNT 2", "SCAN 0 COUNT 0", "SCAN 0 COUNT -1",
              "SCAN 0 COUNT abc", "SCAN 0 MATCH", "SCAN 0 TYPE", "SCAN 0 BOGUS x",
              "SCAN abc", "SCAN 1x", "SCAN 0 COUNT", "SCAN", "EXISTS k1 k1 k2 nokey",
              "DEL k1 k1 nokey", "UNLINK k2 k10 nokey", "DBSIZE", "~ KEYS *",
              "TYPE s1", "TYPE h1", "TYPE key", "TYPE nokey"]
    return lines


case("keys-scan-patterns", keys_lines())

case("connection", [
    "PING", "PING hello", "PING ''", "ECHO hello", "ECHO ''", ("ECHO", b"\x00\xff"),
    "CLIENT GETNAME", "CLIENT SETNAME conn-1", "CLIENT GETNAME", "CLIENT SETNAME 'a b'",
    "CLIENT SETNAME 'a\nb'", "CLIENT GETNAME", "CLIENT SETNAME ''", "CLIENT GETNAME",
    "client setname x", "Client GetName", "SELECT 0", "select 0", "SELECT abc",
    "AUTH x", "AUTH default x", "AUTH bob x", "AUTH a b c", "HELLO 4", "HELLO abc",
    "HELLO 1", "HELLO 0", "HELLO -1", "HELLO 3 BOGUS", "HELLO 2 SETNAME 'a b'",
    "@hello HELLO 2 SETNAME nm", "CLIENT GETNAME", "@hello HELLO", "PING",
])

case("flushall", [
    "MSET a 1 b 2", "SADD s m", "HSET h f v", "EXPIRE a 100000", "FLUSHALL", "DBSIZE",
    "KEYS *", "GET a", "SET a 1", "DBSIZE", "FLUSHALL", "FLUSHALL", "DBSIZE",
])

case("empty-aggregates-deleted", [
    "SADD s a", "SREM s a", "EXISTS s", "TYPE s", "HSET h f v", "HDEL h f", "EXISTS h",
    "HLEN h", "SADD s a b", "SREM s a b c", "KEYS *", "DBSIZE",
])


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_script(live_pair, name, proto):
    run_fixed_script(live_pair, name, CASES[name], proto)
