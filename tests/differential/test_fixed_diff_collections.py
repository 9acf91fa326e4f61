"""Curated scripts for the key, string, set and hash commands RENAME, RENAMENX,
COPY, RANDOMKEY, OBJECT, FLUSHDB, LCS, SPOP, SRANDMEMBER, SMOVE, SINTER,
SUNION, SDIFF, S*STORE, SINTERCARD, SSCAN, HMSET, HINCRBYFLOAT, HRANDFIELD and
HSCAN, compared with a real redis-server 7.0 like test_fixed_diff.py (same
line syntax and prefixes, see difftools.parse_line; each case over RESP2 and
RESP3 on an empty key space).

Random replies (SPOP, SRANDMEMBER, HRANDFIELD, RANDOMKEY) use `@rand` (same
RESP shape, elements held by the key, distinct for a non-negative count, equal
multisets when the reply is forced, see difftools.check_rand); a random pop
is followed by deterministic checks (SCARD, EXISTS, SMEMBERS of what is left
once the remaining content no longer depends on the draw).
"""

import pytest

from cmdgen_collections import NEW_ARITY
from difftools import arity_error_lines, run_fixed_script

CASES = {}


def case(name, lines):
    assert name not in CASES
    CASES[name] = lines


def members(prefix, n, start=0):
    return " ".join("%s%d" % (prefix, i) for i in range(start, start + n))


def field_values(n, value="v"):
    return " ".join("f%d %s%d" % (i, value, i) for i in range(n))


S44, S45 = "a" * 44, "a" * 45
D44, D45 = "1" * 44, "1" * 45
V64, V65 = "v" * 64, "v" * 65

# ---------------------------------------------------------------- keys
case("rename", [
    "RENAME nokey x", "RENAME nokey nokey", "RENAMENX nokey x", "RENAMENX nokey nokey",
    "EXISTS x", "SET a 1", "RENAME a a", "GET a", "RENAMENX a a", "GET a",
    "RENAME a b", "EXISTS a", "GET b", "RENAME a b", "SET c 2", "RENAMENX b c", "GET b",
    "GET c", "RENAMENX b d", "EXISTS b", "GET d", "RENAME d c", "GET c", "DBSIZE",
    # onto a key of another type, and of a set / hash
    "SADD s m1 m2", "RENAME c s", "TYPE s", "GET s", "SADD t x y", "RENAME t u", "TYPE u",
    "~ SMEMBERS u", "HSET h f v g w", "RENAMENX h u", "RENAMENX h h2", "% HGETALL h2",
    "RENAME h2 s", "TYPE s", "% HGETALL s",
    # the TTL moves with the value; a TTL of the destination is dropped
    "SET e v EX 100000", "RENAME e f", "@ttl TTL f", "TTL e", "SET g v EX 50000",
    "SET i v", "RENAME i g", "TTL g", "SET j v EX 100000", "RENAMENX j k", "@ttl TTL k",
    "RENAME k k", "@ttl TTL k", "PEXPIRE u 100000000", "RENAME u w", "@pttl PTTL w",
    "SET m v EX 100000", "SET n v", "RENAMENX n m", "@ttl TTL m", "TTL n",
    ("SET", b"\x00bin", "1"), ("RENAME", b"\x00bin", b"bin\xff"), ("GET", b"bin\xff"),
    ("SET", "", "empty"), ("RENAME", "", "e2"), "GET e2", "rename e2 e3", "renamenx e3 e4",
    "RENAME", "RENAME a", "RENAME a b c", "RENAMENX a", "RENAMENX a b c", "~ KEYS *",
])

case("copy", [
    "COPY nokey x", "EXISTS x", "COPY nokey nokey", "SET src hello EX 100000",
    "COPY src dst", "GET dst", "@ttl TTL dst", "@ttl TTL src", "COPY src dst",
    "SET dst other", "COPY src dst", "GET dst", "COPY src dst REPLACE", "GET dst",
    "@ttl TTL dst", "SET d2 x EX 50000", "SET s2 y", "COPY s2 d2 REPLACE", "TTL d2",
    "GET d2", "COPY src src", "COPY src src REPLACE", "COPY src src DB 0",
    "COPY src d3 DB 0", "GET d3", "COPY src d3 DB 0 REPLACE", "COPY src d3 REPLACE DB 0",
    "COPY src d3 REPLACE REPLACE", "copy src d3 replace db 0", "COPY src d3 DB abc",
    "COPY src d3 DB 16", "COPY src d3 DB -1", "COPY src d3 DB", "COPY src d3 BOGUS",
    "COPY src d3 DB 0 BOGUS", "COPY nokey d3 DB 16", "COPY src", "COPY",
    # sets and hashes are copied deeply
    "SADD set1 a b", "COPY set1 set2", "SADD set2 c", "~ SMEMBERS set1", "~ SMEMBERS set2",
    "SREM set1 a", "~ SMEMBERS set2", "HSET h1 f v", "COPY h1 h2", "HSET h2 f w g x",
    "% HGETALL h1", "% HGETALL h2", "COPY h1 set1", "TYPE set1", "COPY h1 set1 REPLACE",
    "TYPE set1", "% HGETALL set1", "COPY set2 src REPLACE", "TYPE src", "TTL src",
    "SET n 12345", "COPY n n2", "INCR n2", "GET n", "GET n2", "APPEND n x", "GET n2",
    ("SET", b"b\x00", b"\xff"), ("COPY", b"b\x00", b"c\x00"), ("GET", b"c\x00"),
    "~ KEYS *",
])

case("randomkey", [
    "RANDOMKEY", "@rand RANDOMKEY", "SET a 1", "RANDOMKEY", "RANDOMKEY", "SADD s m",
    "HSET h f v", "@rand RANDOMKEY", "@rand RANDOMKEY", "@rand RANDOMKEY", "DEL a s",
    "RANDOMKEY", "SET e v EX 100000", "DEL h", "RANDOMKEY", "randomkey", "RANDOMKEY x",
    "RANDOMKEY x y", "MSET " + " ".join("k%d v" % i for i in range(50)),
    "@rand RANDOMKEY", "@rand RANDOMKEY", "DEL e", ("SET", b"\x00\xff", "v"),
    "@rand RANDOMKEY", "FLUSHALL", "RANDOMKEY",
])

case("flushdb", [
    "MSET a 1 b 2", "SADD s m", "HSET h f v", "EXPIRE a 100000", "FLUSHDB", "DBSIZE",
    "~ KEYS *", "GET a", "RANDOMKEY", "SET a 1", "FLUSHDB ASYNC", "DBSIZE", "SET a 1",
    "FLUSHDB SYNC", "DBSIZE", "SET a 1", "flushdb async", "SET a 1", "FLUSHDB sync",
    "SET a 1", "FLUSHDB BOGUS", "FLUSHDB ASYNC SYNC", "FLUSHDB SYNC x", "FLUSHDB ''",
    "GET a", "DBSIZE", "FLUSHDB", "FLUSHDB", "EXISTS a", "SET a 2", "GET a", "DBSIZE",
])

# ---------------------------------------------------------------- OBJECT
case("object-encoding-strings", [
    "SET a 12345", "OBJECT ENCODING a", "SET a 0", "OBJECT ENCODING a", "SET a -1",
    "OBJECT ENCODING a", "SET a 9223372036854775807", "OBJECT ENCODING a",
    "SET a -9223372036854775808", "OBJECT ENCODING a", "SET a 9223372036854775808",
    "OBJECT ENCODING a", "SET a -9223372036854775809", "OBJECT ENCODING a",
    "SET a 1234567890123456789", "OBJECT ENCODING a", "SET a 12345678901234567890",
    "OBJECT ENCODING a", "SET a 007", "OBJECT ENCODING a", "SET a +1", "OBJECT ENCODING a",
    "SET a -0", "OBJECT ENCODING a", "SET a ' 1'", "OBJECT ENCODING a", "SET a '1 '",
    "OBJECT ENCODING a", "SET a 0x10", "OBJECT ENCODING a", "SET a 1.5",
    "OBJECT ENCODING a", "SET a 1e3", "OBJECT ENCODING a", "SET a ''", "OBJECT ENCODING a",
    "SET a abc", "OBJECT ENCODING a", "SET a " + S44, "OBJECT ENCODING a",
    "SET a " + S45, "OBJECT ENCODING a", "SET a " + D44, "OBJECT ENCODING a",
    "SET a " + D45, "OBJECT ENCODING a", ("SET", "a", b"\x00\xff\r\n"),
    "OBJECT ENCODING a", ("SET", "a", "\u00e9" * 22), "OBJECT ENCODING a",
    ("SET", "a", "\u00e9" * 22 + "x"), "OBJECT ENCODING a",
    # what the other string commands store. Meridian answers from the value as
    # it is now; Redis also from how it was made (APPEND and SETRANGE leave
    # "raw", INCRBYFLOAT "embstr", COPY a fresh object): those are not
    # compared (README, "Differences from Redis").
    "INCRBY nd 7", "OBJECT ENCODING nd", "DECR nd2",
    "OBJECT ENCODING nd2", "MSET e 17 f xyz", "OBJECT ENCODING e", "OBJECT ENCODING f",
    "MSETNX g 99 g2 " + S45, "OBJECT ENCODING g", "OBJECT ENCODING g2", "SETNX h 42",
    "OBJECT ENCODING h", "GETSET h 7", "OBJECT ENCODING h", "SETEX i 100000 77",
    "OBJECT ENCODING i", "PSETEX j 100000000 x", "OBJECT ENCODING j", "SET k 5 GET",
    "OBJECT ENCODING k", "SET k abc GET", "OBJECT ENCODING k", "GETEX k EX 100000",
    "OBJECT ENCODING k", "RENAME e e3",
    "OBJECT ENCODING e3", "object encoding e3", "Object Encoding e3",
])

case("object-encoding-collections", [
    "SADD si 1 2 3", "OBJECT ENCODING si", "SADD si -5 9223372036854775807",
    "SADD si -9223372036854775808", "OBJECT ENCODING si", "SADD ss a b c",
    "OBJECT ENCODING ss", "SADD sn 007", "OBJECT ENCODING sn", "SADD sb 9223372036854775808",
    "OBJECT ENCODING sb", "SADD sp +1", "OBJECT ENCODING sp", "SADD se ''",
    "OBJECT ENCODING se", "SADD sm 1 x", "OBJECT ENCODING sm", "SADD si x",
    "OBJECT ENCODING si", "HSET h f v", "OBJECT ENCODING h", "HSET h2 f " + V64,
    "OBJECT ENCODING h2", "HSET h3 f " + V65, "OBJECT ENCODING h3", "HSET h4 " + V64 + " v",
    "OBJECT ENCODING h4", "HSET h5 " + V65 + " v", "OBJECT ENCODING h5", "HMSET hm a 1",
    "OBJECT ENCODING hm", "HMSET hm2 a " + V65, "OBJECT ENCODING hm2",
    "HINCRBYFLOAT hf f 1.5", "OBJECT ENCODING hf", "HINCRBY hi f 1", "OBJECT ENCODING hi",
    "SADD s512 " + members("", 512), "OBJECT ENCODING s512", "SCARD s512",
    "SADD s513 " + members("", 513), "OBJECT ENCODING s513",
    "HSET h512 " + field_values(512), "OBJECT ENCODING h512",
    "HSET h513 " + field_values(513), "OBJECT ENCODING h513",
    "OBJECT ENCODING nokey",
])

# Redis converts an intset or listpack to a hashtable one way (an SREM or
# HDEL never turns it back), and an APPEND leaves a "raw" string: Meridian
# answers from the value as it is now, so such histories are not compared.
# What COPY, RENAME, SMOVE and the STORE commands create from plain values is.
case("object-encoding-created", [
    "SADD i1 1 2 3", "SADD i2 2 3 4", "SADD m1 a b 2", "SADD x 1 2 a", "SADD y 1 2 b",
    "COPY i1 ci", "OBJECT ENCODING ci", "HSET hs f v", "COPY hs chs", "OBJECT ENCODING chs",
    "SINTERSTORE d i1 i2", "OBJECT ENCODING d", "SUNIONSTORE d i1 i2", "OBJECT ENCODING d",
    "SDIFFSTORE d i1 i2", "OBJECT ENCODING d", "SINTERSTORE d i1 m1", "OBJECT ENCODING d",
    "SUNIONSTORE d i1 m1", "OBJECT ENCODING d", "SDIFFSTORE d m1 i1", "OBJECT ENCODING d",
    "SDIFFSTORE d i1 m1", "OBJECT ENCODING d", "SINTERSTORE d x y", "OBJECT ENCODING d",
    "SUNIONSTORE d x", "OBJECT ENCODING d", "SDIFFSTORE d x y", "OBJECT ENCODING d",
    "SMOVE m1 n1 2", "OBJECT ENCODING n1", "SMOVE m1 n2 a",
    "OBJECT ENCODING n2", "SADD i3 1",
    "SMOVE i2 i3 2", "OBJECT ENCODING i3", "SPOP n1", "EXISTS n1",
    "SADD s512 " + members("", 512), "OBJECT ENCODING s512", "SADD s512 512",
    "OBJECT ENCODING s512", "HSET h " + field_values(512), "OBJECT ENCODING h",
    "HSET h f512 v", "OBJECT ENCODING h", "HSET hl f " + V65, "OBJECT ENCODING hl",
])

case("object-misc", [
    "OBJECT ENCODING nokey", "OBJECT REFCOUNT nokey", "OBJECT IDLETIME nokey",
    "OBJECT FREQ nokey", "SET k v", "OBJECT IDLETIME k", "OBJECT FREQ k",
    "OBJECT REFCOUNT k", "SET n 100", "OBJECT REFCOUNT n", "SET n 0", "OBJECT REFCOUNT n",
    "SET n 9999", "OBJECT REFCOUNT n", "SET n 10000", "OBJECT REFCOUNT n", "SET n -1",
    "OBJECT REFCOUNT n", "SET n 12345", "OBJECT REFCOUNT n", "SET n 9998", "INCR n",
    "OBJECT REFCOUNT n", "INCR n", "OBJECT REFCOUNT n", "SET n abc", "SET n 7 GET",
    "OBJECT REFCOUNT n", "SET e ''",
    "OBJECT REFCOUNT e", "SADD s a", "OBJECT REFCOUNT s", "HSET h f v", "OBJECT REFCOUNT h",
    "OBJECT HELP", "object help", "OBJECT HELP x", "OBJECT BOGUS", "OBJECT BOGUS k",
    "object bogus", "OBJECT encodingx k", "OBJECT", "OBJECT ENCODING", "OBJECT ENCODING k x",
    "OBJECT REFCOUNT", "OBJECT IDLETIME", "OBJECT FREQ", "OBJECT IDLETIME k x",
    "OBJECT FREQ k x", "OBJECT ''", "object refcount k", "SET k w", "Object IdleTime k",
])

# ---------------------------------------------------------------- LCS
case("lcs", [
    "MSET key1 ohmytext key2 mynewtext", "LCS key1 key2", "LCS key1 key2 LEN",
    "LCS key1 key2 IDX", "LCS key1 key2 IDX MINMATCHLEN 4",
    "LCS key1 key2 IDX MINMATCHLEN 4 WITHMATCHLEN", "LCS key1 key2 IDX WITHMATCHLEN",
    "LCS key1 key2 WITHMATCHLEN IDX MINMATCHLEN 2", "LCS key1 key2 IDX MINMATCHLEN 2",
    "LCS key1 key2 IDX MINMATCHLEN 3", "LCS key1 key2 IDX MINMATCHLEN 5",
    "LCS key1 key2 IDX MINMATCHLEN 0", "LCS key1 key2 IDX MINMATCHLEN -5",
    "LCS key1 key2 IDX MINMATCHLEN 9223372036854775807",
    "LCS key1 key2 IDX MINMATCHLEN 1 MINMATCHLEN 4", "LCS key2 key1", "LCS key2 key1 IDX",
    "LCS key1 key2 WITHMATCHLEN", "LCS key1 key2 MINMATCHLEN 4", "LCS key1 key2 LEN LEN",
    "LCS key1 key2 LEN WITHMATCHLEN", "LCS key1 key2 LEN MINMATCHLEN 3",
    "LCS key1 key2 LEN IDX", "LCS key1 key2 IDX LEN", "lcs key1 key2 idx len",
    "LCS key1 key2 IDX MINMATCHLEN abc", "LCS key1 key2 IDX MINMATCHLEN 1.5",
    "LCS key1 key2 IDX MINMATCHLEN", "LCS key1 key2 BOGUS", "LCS key1 key2 IDX BOGUS",
    "lcs key1 key2 idx minmatchlen 3 withmatchlen", "LCS key1 key1",
    "LCS key1 key1 IDX WITHMATCHLEN", "LCS key1 nokey", "LCS nokey key1 IDX",
    "LCS nokey nokey2 LEN", "LCS nokey nokey2 IDX WITHMATCHLEN",
    "MSET a abcbdab b bdcaba", "LCS a b", "LCS a b LEN", "LCS a b IDX WITHMATCHLEN",
    "LCS b a IDX WITHMATCHLEN", "MSET a banana b atana", "LCS a b", "LCS a b IDX",
    "MSET a aaaa b aa", "LCS a b IDX WITHMATCHLEN", "LCS b a IDX WITHMATCHLEN",
    "MSET a abc b xyz", "LCS a b", "LCS a b IDX", "SET a ''", "LCS a b", "LCS a b IDX",
    "MSET a 12345 b 2x4y5", "LCS a b", "LCS a b IDX WITHMATCHLEN",
    ("MSET", "a", b"\x00\xff\x01ab", "b", b"a\xff\x00b"), "LCS a b", "LCS a b IDX",
    "SET a 'The quick brown fox jumps over the lazy dog'",
    "SET b 'A quick brown dog outpaces a lazy fox'", "LCS a b", "LCS a b LEN",
    "LCS a b IDX MINMATCHLEN 3 WITHMATCHLEN",
    "SADD s a", "HSET h f v", "LCS key1 s", "LCS s key1 LEN", "LCS nokey s", "LCS s nokey",
    "LCS h key1 IDX", "LCS s h", "LCS key1 s BOGUS", "LCS", "LCS key1",
])

# ---------------------------------------------------------------- sets
case("spop-srandmember", [
    "SPOP nokey", "SPOP nokey 3", "SPOP nokey 0", "SRANDMEMBER nokey",
    "SRANDMEMBER nokey 3", "SRANDMEMBER nokey -3", "SRANDMEMBER nokey 0",
    "SPOP nokey -1", "SPOP nokey abc", "EXISTS nokey",
    # one member: every reply is forced
    "SADD one x", "SRANDMEMBER one", "SRANDMEMBER one 1", "SRANDMEMBER one 5",
    "SRANDMEMBER one -3", "SRANDMEMBER one 0", "SRANDMEMBER one 9223372036854775807",
    "@rand SRANDMEMBER one -2", "SPOP one 0", "SCARD one", "SPOP one -1", "SPOP one abc",
    "SPOP one 1.5", "SPOP one -9223372036854775808", "SPOP one 1 2",
    "SRANDMEMBER one abc", "SRANDMEMBER one 1.5", "SRANDMEMBER one 1 2",
    "SRANDMEMBER one -9223372036854775808", "SCARD one", "SPOP one", "EXISTS one",
    "SPOP one", "SADD one x", "SPOP one 1", "EXISTS one", "SADD one x",
    "SPOP one 9223372036854775807", "EXISTS one", "SADD one 7", "@rand SPOP one 3",
    "TYPE one",
    # three members
    "SADD s a b c", "@rand SRANDMEMBER s", "@rand SRANDMEMBER s 1", "@rand SRANDMEMBER s 2",
    "@rand SRANDMEMBER s -2", "@rand SRANDMEMBER s 3", "@rand SRANDMEMBER s 10",
    "@rand SRANDMEMBER s -10", "SCARD s", "~ SMEMBERS s", "@rand SPOP s", "SCARD s",
    "@rand SPOP s 1", "SCARD s", "@rand SPOP s 5", "EXISTS s", "SMEMBERS s",
    "SADD s a b c", "@rand SPOP s 3", "EXISTS s", "SADD s a b c", "@rand SPOP s 2",
    "SCARD s", "@rand SPOP s", "EXISTS s", "SPOP s",
    # intsets and hashtables, small and large counts
    "SADD t 1 2 3 4 5", "@rand SRANDMEMBER t 4", "@rand SRANDMEMBER t -7", "@rand SPOP t 2",
    "SCARD t", "@rand SPOP t 3", "EXISTS t", "SADD t 3 1 2", "@rand SPOP t 3",
    "SADD big " + members("m", 100), "@rand SRANDMEMBER big 10", "@rand SRANDMEMBER big 60",
    "@rand SRANDMEMBER big 99", "@rand SRANDMEMBER big 100", "@rand SRANDMEMBER big 200",
    "@rand SRANDMEMBER big -150", "@rand SPOP big 30", "SCARD big", "@rand SPOP big 60",
    "SCARD big", "@rand SPOP big 10", "EXISTS big",
    "SADD bi " + members("", 300), "@rand SRANDMEMBER bi 50", "@rand SRANDMEMBER bi 290",
    "@rand SPOP bi 250", "SCARD bi", "@rand SPOP bi 100", "EXISTS bi",
    # a TTL survives a pop; the last pop deletes the key and its TTL
    "SADD e a b", "EXPIRE e 100000", "@rand SPOP e", "@ttl TTL e", "@rand SPOP e 5",
    "SPOP e", "TTL e",
    "SET str x", "SPOP str", "SPOP str 2", "SPOP str 0", "SRANDMEMBER str",
    "SRANDMEMBER str 2", "SRANDMEMBER str 0", "SPOP str -1", "SRANDMEMBER str abc",
    "HSET h f v", "SPOP h", "SRANDMEMBER h -1", "SPOP", "SRANDMEMBER", "GET str",
])

case("smove", [
    "SADD a 1 2 3", "SADD b 2 3 4", "SMOVE a b 1", "SMOVE a b 1", "~ SMEMBERS a",
    "~ SMEMBERS b", "SMOVE a b 9", "SMOVE nokey b 1", "EXISTS nokey", "SMOVE a new 2",
    "~ SMEMBERS new", "SMOVE a a 3", "SMOVE a a 9", "SMOVE nokey nokey x",
    "SMOVE a b 3", "EXISTS a", "SCARD b", "SMOVE b b 2", "~ SMEMBERS b",
    "SADD c x y", "SMOVE c b x", "~ SMEMBERS b", "SADD c 4", "SMOVE c b 4", "~ SMEMBERS c",
    "SCARD b", "SADD t m", "EXPIRE t 100000", "SMOVE b t 2", "@ttl TTL t", "SMOVE t b m",
    "SMOVE t b 2", "EXISTS t", "TTL t",
    "SET str v", "HSET h f v", "SMOVE str b 2", "SMOVE b str 2", "SMOVE b str 99",
    "SMOVE nokey str 2", "SMOVE b h 4", "SMOVE h b f", "SMOVE str str v",
    "~ SMEMBERS b", "GET str", ("SADD", "bin", b"\x00\xff"), ("SMOVE", "bin", "b", b"\x00\xff"),
    ("SISMEMBER", "b", b"\x00\xff"), "SMOVE b c ''", "SADD b ''", "SMOVE b c ''",
    "SISMEMBER c ''", "smove c b ''", "SMOVE", "SMOVE b", "SMOVE b c", "SMOVE b c d e",
])

case("set-algebra", [
    "SADD x a b c d", "SADD y c d e", "SADD z d e f", "SADD i1 1 2 3", "SADD i2 2 3 4",
    "~ SINTER x y z", "~ SINTER x y", "~ SINTER x", "~ SINTER x x", "~ SINTER x nokey",
    "~ SINTER nokey x", "~ SINTER nokey", "~ SINTER i1 i2", "~ SINTER i1 x",
    "~ SUNION x y z", "~ SUNION x nokey", "~ SUNION nokey", "~ SUNION nokey nokey2",
    "~ SUNION i1 i2 x", "~ SUNION x x", "~ SDIFF x y z", "~ SDIFF x y", "~ SDIFF x x",
    "~ SDIFF nokey x", "~ SDIFF x nokey", "~ SDIFF x", "~ SDIFF i1 i2", "~ SDIFF i1 x",
    "~ SDIFF x y nokey z", "~ sinter x y", "~ sunion x y", "~ sdiff x y",
    "SET str v", "HSET h f v", "SINTER x str", "SINTER str x", "SINTER nokey str",
    "SINTER str nokey", "SINTER x nokey str", "SUNION x str", "SUNION nokey h",
    "SDIFF x str", "SDIFF nokey str", "SDIFF str nokey", "SDIFF x nokey h",
    "SINTER", "SUNION", "SDIFF",
    "SADD big1 " + members("m", 300), "SADD big2 " + members("m", 300, start=150),
    "~ SINTER big1 big2", "~ SUNION big1 big2", "~ SDIFF big1 big2", "~ SDIFF big2 big1",
    ("SADD", "b1", b"\x00", b"\xff", "a"), ("SADD", "b2", b"\xff", "a", b"\r\n"),
    "~ SINTER b1 b2", "~ SUNION b1 b2", "~ SDIFF b1 b2",
])

case("set-store", [
    "SADD x a b c d", "SADD y c d e", "SADD z d e f", "SINTERSTORE d x y", "~ SMEMBERS d",
    "SUNIONSTORE d x y z", "~ SMEMBERS d", "SDIFFSTORE d x y", "~ SMEMBERS d",
    "SINTERSTORE d x", "~ SMEMBERS d", "SUNIONSTORE d nokey", "EXISTS d",
    # an empty result deletes the destination, whatever its type
    "SADD d q", "SINTERSTORE d x nokey", "EXISTS d", "SET d v", "SDIFFSTORE d x x",
    "EXISTS d", "HSET d f v", "SUNIONSTORE d nokey nokey2", "EXISTS d", "SADD d q",
    "SINTERSTORE d x f", "EXISTS d",
    # a destination of another type is overwritten; its TTL is dropped
    "SET str v EX 100000", "SINTERSTORE str x y", "TYPE str", "~ SMEMBERS str", "TTL str",
    "HSET h f v", "SUNIONSTORE h x", "TYPE h", "SCARD h", "SET str v", "SDIFFSTORE str x z",
    "~ SMEMBERS str", "SADD t a", "EXPIRE t 100000", "SUNIONSTORE t t x", "TTL t",
    "~ SMEMBERS t",
    # a source may be the destination
    "SUNIONSTORE x x z", "~ SMEMBERS x", "SINTERSTORE x x y", "~ SMEMBERS x",
    "SDIFFSTORE x x z", "~ SMEMBERS x", "SDIFFSTORE x x x", "EXISTS x",
    # a wrong-type source fails and leaves the destination alone
    "SADD x a b", "SET str v", "SADD d keep", "SINTERSTORE d x str", "SUNIONSTORE d str x",
    "SDIFFSTORE d x str", "SDIFFSTORE d nokey str", "SINTERSTORE d nokey str",
    "~ SMEMBERS d", "HSET h2 f v", "SUNIONSTORE d x h2", "~ SMEMBERS d",
    "SINTERSTORE d", "SUNIONSTORE d", "SDIFFSTORE d", "SINTERSTORE", "sunionstore d x",
    "~ SMEMBERS d", "SADD i1 1 2 3", "SADD i2 2 3 4", "SINTERSTORE n i1 i2",
    "~ SMEMBERS n", "SUNIONSTORE n i1 i2", "~ SMEMBERS n", "SDIFFSTORE n i1 i2",
    "SMEMBERS n", "SADD big " + members("m", 600), "SUNIONSTORE n big i1", "SCARD n",
    "SDIFFSTORE n n big", "~ SMEMBERS n", "~ KEYS *",
])

case("sintercard", [
    "SADD x a b c d", "SADD y c d e", "SADD z d e f", "SINTERCARD 2 x y",
    "SINTERCARD 3 x y z", "SINTERCARD 1 x", "SINTERCARD 2 x x", "SINTERCARD 2 x nokey",
    "SINTERCARD 1 nokey", "SINTERCARD 2 x y LIMIT 1", "SINTERCARD 2 x y LIMIT 2",
    "SINTERCARD 2 x y LIMIT 3", "SINTERCARD 2 x y LIMIT 0", "SINTERCARD 1 x LIMIT 3",
    "SINTERCARD 2 x y LIMIT 1 LIMIT 5", "sintercard 2 x y limit 5",
    "SINTERCARD 2 x y LIMIT 9223372036854775807",
    "SINTERCARD 2 x y LIMIT -1", "SINTERCARD 2 x y LIMIT abc", "SINTERCARD 2 x y LIMIT 1.5",
    "SINTERCARD 2 x y LIMIT", "SINTERCARD 2 x y BOGUS 1", "SINTERCARD 2 x y LIMIT 1 BOGUS",
    "SINTERCARD 0 x", "SINTERCARD -1 x", "SINTERCARD abc x", "SINTERCARD 1.5 x",
    "SINTERCARD '' x", "SINTERCARD 3 x y", "SINTERCARD 2 x",
    "SINTERCARD 9223372036854775807 x", "SINTERCARD 1 x y", "SINTERCARD 1 x LIMIT",
    "SINTERCARD 2 x LIMIT 1", "SINTERCARD 1", "SINTERCARD", "SINTERCARD 0",
    "SET str v", "SINTERCARD 2 x str", "SINTERCARD 2 nokey str", "SINTERCARD 1 str",
    "SINTERCARD 2 str nokey LIMIT 1", "SINTERCARD 2 x str LIMIT -1",
    "SADD big1 " + members("", 400), "SADD big2 " + members("", 400, start=100),
    "SINTERCARD 2 big1 big2", "SINTERCARD 2 big1 big2 LIMIT 10", "SINTERCARD 3 big1 big2 x",
])

case("sscan", [
    "SSCAN nokey 0", "SSCAN nokey abc", "SSCAN nokey 0 COUNT 0", "SSCAN nokey 0 BOGUS x",
    "@scan SSCAN nokey 0 MATCH *",
    # small sets: Redis replies in one call with cursor 0
    "SADD one x", "SSCAN one 0", "SSCAN one 0 MATCH y", "SSCAN one ''", "SSCAN nokey ''",
    "SADD si 3 1 2", "@scan SSCAN si 0", "@scan SSCAN si 0 MATCH 1*",
    "@scan SSCAN si 0 COUNT 1", "SADD ss a b c", "@scan SSCAN ss 0",
    "@scan SSCAN ss 0 MATCH a*", "@scan SSCAN ss 0 COUNT 1", "@scan SSCAN ss 0 MATCH [ab]",
    "@scan SSCAN ss 0 MATCH nomatch", "@scan SSCAN ss 0 count 10 match *",
    "@scan SSCAN ss 0 MATCH a* MATCH b*", "@scan SSCAN ss 0 COUNT 1 COUNT 100",
    # big sets need several calls
    "SADD big " + members("m", 600), "@scan SSCAN big 0", "@scan SSCAN big 0 COUNT 7",
    "@scan SSCAN big 0 MATCH m1*", "@scan SSCAN big 0 MATCH m?5 COUNT 50",
    "@scan SSCAN big 0 COUNT 1000", "SADD bigi " + members("", 600),
    "@scan SSCAN bigi 0", "@scan SSCAN bigi 0 MATCH *99", "SADD mid " + members("", 400),
    "@scan SSCAN mid 0 COUNT 3",
    ("SADD", "bin", b"\x00\xff", "a b", ""), "@scan SSCAN bin 0", "@scan SSCAN bin 0 MATCH ?",
    "SSCAN ss 0 COUNT 0", "SSCAN ss 0 COUNT -1", "SSCAN ss 0 COUNT abc", "SSCAN ss 0 MATCH",
    "SSCAN ss 0 COUNT", "SSCAN ss 0 TYPE string", "SSCAN ss 0 BOGUS x", "SSCAN ss abc",
    "SSCAN ss 1x", "SSCAN ss 18446744073709551616", "SSCAN ss 1.5", "SSCAN ss ' 0'",
    "SET str v", "HSET h f v", "SSCAN str 0", "SSCAN h 0", "SSCAN str abc",
    "SSCAN str 0 COUNT 0", "SSCAN", "SSCAN ss",
])

# ---------------------------------------------------------------- hashes
case("hmset-hincrbyfloat", [
    "HMSET h a 1 b 2", "% HGETALL h", "HMSET h a 3 c 4", "% HGETALL h", "HMSET h a a a b",
    "HGET h a", "hmset h d 5", "HMSET h a", "HMSET h a 1 b", "HMSET h", "HMSET",
    "SET str v", "HMSET str a 1", "SADD s m", "HMSET s a 1", "HLEN h", "HMSET h a 3",
    "HINCRBYFLOAT h a 1.5", "HINCRBYFLOAT h a 0.1", "HINCRBYFLOAT h new 10.50",
    "HINCRBYFLOAT h n2 5.0e3", "HINCRBYFLOAT h n2 2.0e2", "HINCRBYFLOAT h n2 1e-3",
    "HINCRBYFLOAT nokey f 3", "HGETALL nokey", "HINCRBYFLOAT nokey2 f -0.5", "TYPE nokey2",
    "HINCRBYFLOAT h c 1", "HINCRBYFLOAT h c -1", "HINCRBYFLOAT h c 0",
    "HINCRBYFLOAT h a abc", "HINCRBYFLOAT h a ''", "HINCRBYFLOAT h a inf",
    "HINCRBYFLOAT h a -inf", "HINCRBYFLOAT h a +inf", "HINCRBYFLOAT h a nan",
    "HINCRBYFLOAT h a ' 1'", "HINCRBYFLOAT h a '1 '", "HINCRBYFLOAT h a 1e",
    "HINCRBYFLOAT h a .5", "HINCRBYFLOAT h a 5.", "HINCRBYFLOAT h a +2",
    "HINCRBYFLOAT h a -1.5E2", "HINCRBYFLOAT h a 3.0000000000000001", "HGET h a",
    "HSET h s abc", "HINCRBYFLOAT h s 1", "HSET h s inf", "HINCRBYFLOAT h s 1",
    "HSET h s nan", "HINCRBYFLOAT h s 1", "HSET h s ' 1'", "HINCRBYFLOAT h s 1",
    "HSET h s ''", "HINCRBYFLOAT h s 1", "HSET h s 1e", "HINCRBYFLOAT h s 1",
    "HSET h s 1e308", "HINCRBYFLOAT h s 1e308", "HGET h s", "HSET h s 3",
    "HINCRBYFLOAT h s 0", "HSET h s -0", "HINCRBYFLOAT h s 0", "HSET h s 0.1",
    "HINCRBYFLOAT h s 0.2", "HSET h s 1.10", "HINCRBYFLOAT h s 0", "HINCRBYFLOAT h s 1e20",
    "HGET h s", "HINCRBYFLOAT h s 1e-20", "HSET h s 9223372036854775807",
    "HINCRBYFLOAT h s 1", "HINCRBY h s 1", "HSET h s 1", "HINCRBYFLOAT h s 1e17",
    "HSET h s 10.50", "HINCRBYFLOAT h s 0.1", "HSET h s 123456789.123456789",
    "HINCRBYFLOAT h s 0.000000001", "HSET h s 1", "HINCRBYFLOAT h s -1",
    "HINCRBYFLOAT h s 1e-300", "HSET h s 2", "HINCRBYFLOAT h s 1e16", "HINCRBYFLOAT h s 1",
    "HSET h s 1e15", "HINCRBYFLOAT h s 0.3", "HINCRBYFLOAT h s 0x10",
    "HINCRBYFLOAT h s 1e400", "HINCRBYFLOAT h t 1.7976931348623157e308",
    "HINCRBYFLOAT h t 1.7976931348623157e308", "HSET h u 1e400", "HINCRBYFLOAT h u 1",
    "HSET h v 5", "HINCRBYFLOAT h v 1.5", "HINCRBY h v 1", "HSET h w 7",
    "HINCRBYFLOAT h w 3", "HINCRBY h w 1", ("HINCRBYFLOAT", "h", b"\x00f", "2.5"),
    ("HGET", "h", b"\x00f"), "HSET ex f 1", "EXPIRE ex 100000", "HINCRBYFLOAT ex f 1",
    "@ttl TTL ex", "HINCRBYFLOAT str f 1", "HINCRBYFLOAT s f 1", "HINCRBYFLOAT str f abc",
    "HINCRBYFLOAT h f", "HINCRBYFLOAT h f 1 2", "HINCRBYFLOAT", "hincrbyfloat h f 1",
    "% HGETALL h",
])

case("hrandfield", [
    "HRANDFIELD nokey", "HRANDFIELD nokey 3", "HRANDFIELD nokey -3 WITHVALUES",
    "HRANDFIELD nokey 0", "HRANDFIELD nokey abc", "HRANDFIELD nokey 1 BOGUS",
    # one field: every reply is forced
    "HSET one f v", "HRANDFIELD one", "HRANDFIELD one 1", "HRANDFIELD one -3",
    "HRANDFIELD one 1 WITHVALUES", "HRANDFIELD one -2 WITHVALUES", "HRANDFIELD one 0",
    "HRANDFIELD one 0 WITHVALUES", "HRANDFIELD one 5 WITHVALUES",
    "HRANDFIELD one 1 withvalues", "@rand HRANDFIELD one -4 WITHVALUES",
    "HRANDFIELD one WITHVALUES", "HRANDFIELD one 1 BOGUS", "HRANDFIELD one 1 WITHVALUES x",
    "HRANDFIELD one abc", "HRANDFIELD one 1.5", "HRANDFIELD one -9223372036854775808",
    "HRANDFIELD one -9223372036854775808 WITHVALUES",
    "HRANDFIELD one -4611686018427387904 WITHVALUES",
    "HRANDFIELD one 4611686018427387904 WITHVALUES",
    "HRANDFIELD one 9223372036854775807 WITHVALUES",
    "HRANDFIELD one 4611686018427387903 WITHVALUES", "HRANDFIELD one 9223372036854775807",
    # three fields
    "HSET h a 1 b 2 c 3", "@rand HRANDFIELD h", "@rand HRANDFIELD h 1", "@rand HRANDFIELD h 2",
    "@rand HRANDFIELD h -5", "@rand HRANDFIELD h 3", "@rand HRANDFIELD h 10",
    "@rand HRANDFIELD h 2 WITHVALUES", "@rand HRANDFIELD h -5 WITHVALUES",
    "@rand HRANDFIELD h 3 WITHVALUES", "@rand HRANDFIELD h 10 WITHVALUES",
    "@rand HRANDFIELD h 1 withvalues", "HLEN h", "% HGETALL h",
    # listpack and hashtable hashes, small and large counts
    "HSET mid " + field_values(100), "@rand HRANDFIELD mid 10 WITHVALUES",
    "@rand HRANDFIELD mid 90", "@rand HRANDFIELD mid -300", "@rand HRANDFIELD mid 100",
    "@rand HRANDFIELD mid -150 WITHVALUES", "HSET big " + field_values(600, "x"),
    "@rand HRANDFIELD big 5", "@rand HRANDFIELD big 550 WITHVALUES",
    "@rand HRANDFIELD big 600", "@rand HRANDFIELD big -20 WITHVALUES", "HLEN big",
    ("HSET", "bin", b"\x00", b"\xff"), "HRANDFIELD bin", "HRANDFIELD bin -2 WITHVALUES",
    "SET str v", "SADD s m", "HRANDFIELD str", "HRANDFIELD str 1", "HRANDFIELD str 0",
    "HRANDFIELD str abc", "HRANDFIELD s -1 WITHVALUES", "HRANDFIELD", "hrandfield one",
])

case("hscan", [
    "HSCAN nokey 0", "HSCAN nokey abc", "HSCAN nokey 0 COUNT 0",
    "@scan HSCAN nokey 0 MATCH *",
    "HSET one f v", "HSCAN one 0", "HSCAN one 0 MATCH g", "HSCAN one ''",
    "HSET h a 1 b 2", "@scan HSCAN h 0", "@scan HSCAN h 0 MATCH a",
    "@scan HSCAN h 0 COUNT 1", "@scan HSCAN h 0 MATCH nomatch", "@scan hscan h 0 match *",
    "HSET h3 f " + V65 + " g x", "@scan HSCAN h3 0", "@scan HSCAN h3 0 COUNT 1",
    "HSET big " + field_values(600, "x"), "@scan HSCAN big 0", "@scan HSCAN big 0 COUNT 9",
    "@scan HSCAN big 0 MATCH f1*", "@scan HSCAN big 0 MATCH *9 COUNT 100",
    "HSET mid " + field_values(300), "@scan HSCAN mid 0", "@scan HSCAN mid 0 MATCH f2?",
    ("HSET", "bin", b"\x00\xff", b"\r\n", "", "e"), "@scan HSCAN bin 0",
    "HSCAN h 0 COUNT 0", "HSCAN h 0 COUNT -1", "HSCAN h 0 COUNT abc", "HSCAN h 0 MATCH",
    "HSCAN h 0 TYPE hash", "HSCAN h 0 NOVALUES", "HSCAN h 0 BOGUS x", "HSCAN h abc",
    "HSCAN h 1x", "HSCAN h 18446744073709551616", "SET str v", "SADD s m", "HSCAN str 0",
    "HSCAN s 0", "HSCAN str abc", "HSCAN", "HSCAN h",
])

# ---------------------------------------------------------------- errors
case("new-arity", arity_error_lines(NEW_ARITY))

NEW_TYPED = {"str": "SET str v", "set": "SADD set m 1", "hash": "HSET hash f v"}
NEW_TYPE_CMDS = {
    "str": ["LCS {k} str", "LCS str {k}", "LCS {k} nokey LEN"],
    "set": ["SPOP {k}", "SPOP {k} 1", "SRANDMEMBER {k}", "SRANDMEMBER {k} -2",
            "SMOVE {k} set m", "SMOVE set {k} m", "SINTER {k}", "SUNION set {k}",
            "SDIFF set {k}", "SINTERSTORE d {k}", "SUNIONSTORE d set {k}",
            "SDIFFSTORE d {k} set", "SINTERCARD 1 {k}", "SINTERCARD 2 set {k} LIMIT 1",
            "SSCAN {k} 0"],
    "hash": ["HMSET {k} f v", "HINCRBYFLOAT {k} f 1.5", "HRANDFIELD {k}",
             "HRANDFIELD {k} 2 WITHVALUES", "HSCAN {k} 0"],
}


def new_type_error_lines():
    lines = list(NEW_TYPED.values())
    for cmd_type, cmds in NEW_TYPE_CMDS.items():
        for key_type in NEW_TYPED:
            if key_type != cmd_type:
                lines += [c.format(k=key_type) for c in cmds]
    # commands on any type: no WRONGTYPE
    for k in NEW_TYPED:
        lines += ["OBJECT ENCODING %s" % k, "COPY %s c_%s" % (k, k), "TYPE c_%s" % k,
                  "RENAME c_%s r_%s" % (k, k), "TYPE r_%s" % k]
    lines += ["TYPE str", "TYPE set", "TYPE hash", "EXISTS d", "~ KEYS *"]
    return lines


case("new-wrongtype", new_type_error_lines())


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_script(live_pair, name, proto):
    run_fixed_script(live_pair, name, CASES[name], proto)
