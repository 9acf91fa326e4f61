"""Curated scripts for the bitmap commands SETBIT, GETBIT, BITCOUNT, BITPOS,
BITOP, BITFIELD and BITFIELD_RO, and TIME, compared with a real redis-server
7.0 like test_fixed_diff.py (same line syntax and prefixes, see
difftools.parse_line; each case over RESP2 and RESP3 on an empty key space).

Redis 7.0 looks the key up before parsing BITCOUNT's and BITPOS's range (a
missing key answers 0 / -1 even with a bad range), parses every BITFIELD
operation before running any, and bounds bit offsets by proto-max-bulk-len:
the limits are checked at the default (512 MB) and, in test_bit_limits, on
a pair of servers configured with 1 MB, where strings of the maximum size
are cheap.
"""

import pytest

from conftest import started_pair
from difftools import arity_error_lines, parse, run_fixed_script
from lib import harness
from lib.resp import Array

CASES = {}


def case(name, lines):
    assert name not in CASES
    CASES[name] = lines


BIT_ARITY = {"SETBIT": 4, "GETBIT": 3, "BITCOUNT": -2, "BITPOS": -3, "BITOP": -4,
             "BITFIELD": -2, "BITFIELD_RO": -2, "TIME": 1}

I64_MAX, I64_MIN = "9223372036854775807", "-9223372036854775808"
U63_MAX = "9223372036854775807"

# ---------------------------------------------------------------- SETBIT / GETBIT
# The offset is parsed first (an error on any key), then the bit, then the
# type. A new key or a longer string is zero-padded; the reply is the old bit.
case("setbit-getbit", [
    "SETBIT b 7 1", "GET b", "SETBIT b 7 1", "SETBIT b 7 0", "GET b", "SETBIT b 0 1",
    "SETBIT b 23 1", "GET b", "STRLEN b", "GETBIT b 0", "GETBIT b 1", "GETBIT b 23",
    "GETBIT b 24", "GETBIT b 100000", "GETBIT b " + I64_MAX, "GETBIT nokey 0",
    "GETBIT nokey 99", "SETBIT z 100 0", "GET z", "STRLEN z", "SETBIT z 3 0", "STRLEN z",
    "SETBIT n 0 1", "SET n 10", "SETBIT n 6 1", "GET n", "SETBIT n 7 1", "GET n",
    "INCR n", "SET e ''", "GETBIT e 0", "SETBIT e 1 1", "GET e",
    # the TTL stays (SETBIT changes the string in place)
    "SET t abc EX 100000", "SETBIT t 1 0", "@ttl TTL t", "GET t", "SETBIT t 40 1", "@ttl TTL t",
    # offsets: integers from 0 to 8 * proto-max-bulk-len - 1
    "SETBIT b -1 1", "SETBIT b abc 1", "SETBIT b 1.5 1", "SETBIT b '' 1", "SETBIT b +1 1",
    "SETBIT b ' 1' 1", "SETBIT b 4294967296 1", "SETBIT b " + I64_MAX + " 1",
    "SETBIT b 9223372036854775808 1", "SETBIT b " + I64_MIN + " 0", "SETBIT b #8 1",
    "GETBIT b -1", "GETBIT b abc", "GETBIT b 4294967296", "GETBIT nokey -1",
    "GETBIT b 4294967295", "GETBIT nokey 4294967295",
    # bits: 0 or 1 only
    "SETBIT b 0 2", "SETBIT b 0 -1", "SETBIT b 0 abc", "SETBIT b 0 ''", "SETBIT b 0 1.0",
    "SETBIT b 0 01", "SETBIT b 0 " + I64_MIN, "SETBIT b -1 2", "SETBIT nokey 0 2",
    "EXISTS nokey", "GET b",
    "setbit b 2 1", "Getbit b 2", "GET b",
    ("SETBIT", b"\x00\xff", "9", "1"), ("GET", b"\x00\xff"), ("GETBIT", b"\x00\xff", "9"),
])

# ---------------------------------------------------------------- BITCOUNT
BC_RANGES = ["0 -1", "0 0", "1 1", "-1 -1", "-2 -1", "-1 -2", "-100 -1", "-100 -50",
             "0 100", "5 2", "2 5", "3 3", "4 100", "-3 1", I64_MIN + " " + I64_MAX,
             I64_MAX + " " + I64_MIN, "-5 -100"]
BC_BIT_RANGES = ["0 -1", "0 0", "1 1", "0 7", "1 6", "3 12", "7 8", "5 5", "-1 -1", "-9 -1",
                 "-12 -3", "-100 200", "31 31", "32 40", "9 10", "-2 -10", "-1 -100", "0 31",
                 "6 25", I64_MIN + " " + I64_MAX]
case("bitcount", [
    ("SET", "s", b"\xff\x0f\xa5\x00\x81"), "BITCOUNT s",
] + ["BITCOUNT s " + r for r in BC_RANGES]
  + ["BITCOUNT s " + r + " BYTE" for r in BC_RANGES[:8]]
  + ["BITCOUNT s " + r + " BIT" for r in BC_BIT_RANGES] + [
    "BITCOUNT s 0 -1 bit", "BITCOUNT s 0 -1 Byte", "BITCOUNT s 0 -1 bits",
    "BITCOUNT s 0 -1 ''", "BITCOUNT s 0", "BITCOUNT s 0 1 BIT x", "BITCOUNT s abc 1",
    "BITCOUNT s 0 abc", "BITCOUNT s 0 abc BOGUS", "BITCOUNT s 1.5 2", "BITCOUNT s +1 2",
    "BITCOUNT s 9223372036854775808 1",
    # a missing key answers 0 before the range is read
    "BITCOUNT nokey", "BITCOUNT nokey 0 -1", "BITCOUNT nokey 0", "BITCOUNT nokey a b",
    "BITCOUNT nokey 0 1 BOGUS",
    "SET e ''", "BITCOUNT e", "BITCOUNT e 0 -1", "BITCOUNT e 0 -1 BIT", "BITCOUNT e 0",
    "SET n 12345", "BITCOUNT n", "BITCOUNT n 1 2", "SETBIT big 100000 1",
    "SETBIT big 7 1", "BITCOUNT big", "BITCOUNT big 1 -1", "BITCOUNT big -1 -1",
    "BITCOUNT big 12500 12500", "BITCOUNT big 0 799999 BIT", "BITCOUNT big 8 100000 BIT",
    "bitcount s 0 1 bit",
])

# ---------------------------------------------------------------- BITPOS
BP_VALUES = [b"\xff\xf0\x00", b"\x00\x0f\xff", b"\xff\xff\xff", b"\x00\x00\x00",
             b"\x80", b"\x7f\xfe"]
BP_BYTE = ["", "0", "1", "2", "-1", "-2", "3", "-100", "0 0", "0 -1", "1 1", "1 2", "2 1",
           "-1 -1", "0 100", "-3 -2", "5 10", "-100 -100"]
BP_BIT = ["0 -1", "0 0", "3 3", "4 12", "12 23", "0 3", "5 11", "8 15", "-1 -1", "-4 -1",
          "-9 -2", "1 22", "9 9", "16 16", "20 100", "23 23", "100 200", "-100 5", "7 7",
          "15 17"]


def bitpos_lines():
    lines = []
    for i, v in enumerate(BP_VALUES):
        k = "p%d" % i
        lines.append(("SET", k, v))
        for bit in ("0", "1"):
            lines += ["BITPOS %s %s %s" % (k, bit, r) for r in BP_BYTE]
            lines += ["BITPOS %s %s %s BYTE" % (k, bit, r) for r in BP_BYTE if " " in r][:4]
            lines += ["BITPOS %s %s %s BIT" % (k, bit, r) for r in BP_BIT]
            lines += ["BITPOS %s %s 3 BIT" % (k, bit)]
    return lines


case("bitpos", bitpos_lines() + [
    # a missing key is endless zeros, whatever the range (then not parsed)
    "BITPOS nokey 0", "BITPOS nokey 1", "BITPOS nokey 0 5 10", "BITPOS nokey 1 5",
    "BITPOS nokey 0 abc", "BITPOS nokey 1 0 1 BOGUS", "BITPOS nokey 2",
    "SET e ''", "BITPOS e 0", "BITPOS e 1", "BITPOS e 0 0", "BITPOS e 0 0 -1 BIT",
    "SET s abc", "BITPOS s 2", "BITPOS s -1", "BITPOS s abc", "BITPOS s 1.0", "BITPOS s ''",
    "BITPOS s 0 abc", "BITPOS s 0 0 abc", "BITPOS s 0 0 abc BIT", "BITPOS s 0 0 1 BOGUS",
    "BITPOS s 0 abc 1 BOGUS", "BITPOS s 0 0 1 bit", "BITPOS s 0 0 1 Byte",
    "BITPOS s 1 0 1 BIT x", "BITPOS s 1 " + I64_MIN + " " + I64_MAX,
    "BITPOS s 0 " + I64_MAX, "BITPOS s 0 9223372036854775808",
    "SETBIT big 80000 1", "BITPOS big 1", "BITPOS big 1 1", "BITPOS big 1 -1",
    "BITPOS big 0 0", "BITPOS big 1 10000 10000", "BITPOS big 1 79999 80001 BIT",
    "bitpos big 1 0 -1 bit",
])

# ---------------------------------------------------------------- BITOP
# Missing keys are empty strings, shorter ones padded with zeros; the
# destination is replaced whatever it held (its TTL goes) or deleted when
# the result is empty; every source must be a string.
case("bitop", [
    ("SET", "a", b"\xff\x0f\x55"), ("SET", "b", b"\x0f\xf0"), ("SET", "c", b"\x01"),
    "BITOP AND d a b", "GET d", "BITOP OR d a b", "GET d", "BITOP XOR d a b", "GET d",
    "BITOP NOT d a", "GET d", "BITOP NOT d c", "GET d", "BITOP AND d a b c", "GET d",
    "BITOP OR d a b c", "GET d", "BITOP XOR d a b c", "GET d", "BITOP AND d a", "GET d",
    "BITOP AND d a nokey", "GET d", "STRLEN d", "BITOP OR d nokey a", "GET d",
    "BITOP XOR d nokey a nokey2", "GET d", "BITOP NOT d nokey", "EXISTS d",
    "BITOP AND d nokey nokey2", "EXISTS d", "BITOP OR d nokey", "EXISTS d",
    "SET d v EX 100000", "BITOP OR d a", "TTL d", "GET d",
    "SADD d m", "BITOP OR d a b", "TYPE d", "GET d", "HSET d f v", "BITOP AND d nokey",
    "EXISTS d", "RPUSH d x", "BITOP NOT d a", "TYPE d",
    # in place
    "SET x abc", "BITOP NOT x x", "GET x", "BITOP XOR x x x", "GET x", "BITOP AND x x a",
    "GET x", "SET e ''", "BITOP NOT d e", "EXISTS d", "BITOP OR d e e", "EXISTS d",
    "SET n 255", "BITOP NOT d n", "GET d",
    # errors: the operation first, NOT's single key, then the types
    "BITOP NOT d a b", "BITOP NOT d nokey nokey2", "BITOP NAND d a", "BITOP '' d a",
    "BITOP ANDX d a", "SADD set m", "BITOP AND d a set", "BITOP NOT d set",
    "BITOP AND d set nokey", "BITOP BOGUS d set", "BITOP NOT d set a", "GET d",
    "bitop and d a b", "bitop Or d a", "Bitop xOr d a b", "bitop not d b", "GET d",
])

# ---------------------------------------------------------------- BITFIELD
case("bitfield", [
    "BITFIELD f", "BITFIELD nokey", "BITFIELD nokey GET u8 0", "EXISTS nokey",
    "BITFIELD f SET u8 0 255 GET u8 0", "GET f", "BITFIELD f SET i8 0 -1 GET i8 0 GET u4 0",
    "BITFIELD f SET u4 4 0 GET u8 0 GET i4 0 GET u1 3", "BITFIELD f INCRBY u8 0 1",
    "BITFIELD f INCRBY i16 8 -5 GET i16 8 GET u16 8", "GET f", "STRLEN f",
    "BITFIELD f SET u8 #1 65 SET u8 #2 66 GET u8 #1 GET u16 #1", "GET f",
    "BITFIELD f SET i5 #3 -3 GET i5 #3 GET u5 #3 GET i5 15 GET u5 15", "GET f",
    "BITFIELD f GET u8 100 GET i64 0 GET u63 0 GET i64 1 GET u63 5 GET i32 #1000",
    "BITFIELD f GET i1 0 GET u1 0 GET I8 0 GET U8 0",
    # limits of i64 and u63 under each overflow mode
    "BITFIELD l SET i64 0 " + I64_MAX + " INCRBY i64 0 1 GET i64 0",
    "BITFIELD l OVERFLOW SAT SET i64 0 " + I64_MAX + " INCRBY i64 0 1 INCRBY i64 0 "
    + I64_MIN + " INCRBY i64 0 -1 INCRBY i64 0 " + I64_MIN,
    "BITFIELD l OVERFLOW FAIL SET i64 0 " + I64_MIN + " INCRBY i64 0 -1 INCRBY i64 0 1 GET i64 0",
    "BITFIELD l OVERFLOW WRAP SET i64 0 " + I64_MIN + " INCRBY i64 0 -1 INCRBY i64 0 1",
    "BITFIELD l OVERFLOW WRAP SET i64 0 -1 INCRBY i64 0 " + I64_MIN
    + " INCRBY i64 0 " + I64_MAX + " INCRBY i64 0 " + I64_MAX,
    "BITFIELD l OVERFLOW SAT SET i64 0 5 INCRBY i64 0 " + I64_MAX + " INCRBY i64 0 "
    + I64_MIN + " INCRBY i64 0 " + I64_MIN,
    "BITFIELD l OVERFLOW FAIL SET i64 0 -5 INCRBY i64 0 " + I64_MIN + " INCRBY i64 0 "
    + I64_MAX + " INCRBY i64 0 " + I64_MAX,
    "BITFIELD u SET u63 0 " + U63_MAX + " INCRBY u63 0 1 GET u63 0",
    "BITFIELD u OVERFLOW SAT SET u63 0 " + U63_MAX + " INCRBY u63 0 1 INCRBY u63 0 "
    + I64_MIN + " INCRBY u63 0 -1 INCRBY u63 0 " + I64_MAX + " INCRBY u63 0 " + I64_MAX,
    "BITFIELD u OVERFLOW FAIL SET u63 0 0 INCRBY u63 0 -1 INCRBY u63 0 " + I64_MAX
    + " INCRBY u63 0 1 GET u63 0",
    "BITFIELD u OVERFLOW WRAP SET u63 0 0 INCRBY u63 0 -1 INCRBY u63 0 " + I64_MIN
    + " INCRBY u63 0 " + I64_MAX,
    # SET of values that do not fit, each mode (a negative into unsigned)
    "BITFIELD v SET u8 0 256 SET u8 8 -1 SET i8 16 128 SET i8 24 -129 GET u32 0",
    "BITFIELD v OVERFLOW SAT SET u8 0 256 SET u8 8 -1 SET i8 16 128 SET i8 24 -129 "
    "GET u32 0",
    "BITFIELD v OVERFLOW FAIL SET u8 0 256 SET u8 8 -1 SET i8 16 128 SET i8 24 -129 "
    "GET u32 0 SET u8 0 7", "GET v",
    "BITFIELD v OVERFLOW SAT SET u63 0 -1 SET i64 0 " + I64_MIN + " SET u1 0 2",
    "BITFIELD w INCRBY u2 0 1 INCRBY u2 0 1 INCRBY u2 0 1 INCRBY u2 0 1 "
    "OVERFLOW SAT INCRBY u2 0 10 OVERFLOW FAIL INCRBY u2 0 1 OVERFLOW WRAP INCRBY u2 0 -5",
    "BITFIELD w INCRBY i3 0 3 INCRBY i3 0 1 OVERFLOW SAT INCRBY i3 0 -100 INCRBY i3 0 100 "
    "overflow fail INCRBY i3 0 1 GET i3 0", "GET w",
    # OVERFLOW FAIL still creates / grows the string
    "BITFIELD g OVERFLOW FAIL INCRBY u2 100 5", "GET g", "STRLEN g",
    "BITFIELD g OVERFLOW FAIL SET i4 200 100", "STRLEN g",
    # the TTL stays
    "SET t abc EX 100000", "BITFIELD t SET u8 0 65", "@ttl TTL t", "GET t",
    "SET n 123", "BITFIELD n INCRBY u8 16 1", "GET n", "INCR n",
])

case("bitfield-errors", [
    "SET f abc",
    "BITFIELD f GET", "BITFIELD f GET u8", "BITFIELD f SET u8 0", "BITFIELD f INCRBY u8 0",
    "BITFIELD f BOGUS", "BITFIELD f BOGUS u8 0", "BITFIELD f OVERFLOW",
    "BITFIELD f OVERFLOW BOGUS GET u8 0", "BITFIELD f OVERFLOW wrap", "BITFIELD f OVERFLOW sat",
    "BITFIELD f GET u64 0", "BITFIELD f GET i65 0", "BITFIELD f GET u0 0", "BITFIELD f GET i0 0",
    "BITFIELD f GET x8 0", "BITFIELD f GET 8 0", "BITFIELD f GET '' 0", "BITFIELD f GET u 0",
    "BITFIELD f GET u-1 0", "BITFIELD f GET u+8 0", "BITFIELD f GET u08 0", "BITFIELD f GET u8.0 0",
    "BITFIELD f GET u8 -1", "BITFIELD f GET u8 abc", "BITFIELD f GET u8 #-1", "BITFIELD f GET u8 #",
    "BITFIELD f GET u8 ##1", "BITFIELD f GET u8 4294967296", "BITFIELD f GET u8 #536870912",
    "BITFIELD f GET i64 #67108864", "BITFIELD f GET u8 #536870911", "BITFIELD f GET u8 4294967295",
    "BITFIELD f SET u8 0 abc", "BITFIELD f SET u8 0 1.5", "BITFIELD f INCRBY u8 0 ''",
    "BITFIELD f SET u8 0 9223372036854775808", "BITFIELD f INCRBY i8 0 " + I64_MIN,
    # every operation is parsed before any runs
    "BITFIELD f SET u8 0 66 GET u99 0", "BITFIELD f SET u8 0 66 BOGUS", "GET f",
    "BITFIELD f GET u8 0 SET u8 0 66 OVERFLOW x", "GET f",
    # the type is checked after the operations
    "SADD s m", "BITFIELD s GET u8 0", "BITFIELD s SET u8 0 1", "BITFIELD s GET u99 0",
    "BITFIELD s", "BITFIELD s OVERFLOW SAT",
    "bitfield f get u8 0 set u8 0 97 incrby u8 0 1", "GET f",
])

case("bitfield-ro", [
    ("SET", "f", b"\x01\x02\x03"), "BITFIELD_RO f GET u8 0 GET i16 8 GET u4 #3",
    "BITFIELD_RO f", "BITFIELD_RO nokey GET u8 0", "EXISTS nokey",
    "BITFIELD_RO f SET u8 0 1", "BITFIELD_RO f INCRBY u8 0 1", "BITFIELD_RO f GET u8 0 SET u8 0 1",
    "BITFIELD_RO f OVERFLOW SAT", "BITFIELD_RO f OVERFLOW SAT GET u8 0",
    "BITFIELD_RO f OVERFLOW FAIL INCRBY u8 0 1", "BITFIELD_RO f SET u99 0 1",
    "BITFIELD_RO f GET u8", "BITFIELD_RO f BOGUS", "BITFIELD_RO f GET u64 0",
    "BITFIELD_RO nokey SET u8 0 1", "EXISTS nokey", "GET f",
    "SADD s m", "BITFIELD_RO s GET u8 0", "BITFIELD_RO s SET u8 0 1", "BITFIELD_RO s",
    "bitfield_ro f get u8 8", "Bitfield_Ro f GET i8 16",
])

# ---------------------------------------------------------------- types, arity
TYPED = {"set": "SADD set m", "hash": "HSET hash f v", "list": "RPUSH list a",
         "zset": "ZADD zset 1 m"}
BIT_CMDS = ["SETBIT {k} 0 1", "SETBIT {k} -1 1", "SETBIT {k} 0 2", "GETBIT {k} 0",
            "GETBIT {k} -1", "BITCOUNT {k}", "BITCOUNT {k} 0 -1", "BITCOUNT {k} a b",
            "BITCOUNT {k} 0", "BITPOS {k} 1", "BITPOS {k} 2", "BITPOS {k} 0 abc",
            "BITOP AND d {k}", "BITOP NOT d {k}", "BITOP OR {k} nokey", "BITFIELD {k} GET u8 0",
            "BITFIELD {k} INCRBY u8 0 1", "BITFIELD_RO {k} GET u8 0"]


def bit_type_lines():
    lines = list(TYPED.values())
    for k in TYPED:
        lines += [c.format(k=k) for c in BIT_CMDS]
    lines += ["TYPE set", "TYPE hash", "TYPE list", "TYPE zset", "TYPE d", "~ KEYS *"]
    return lines


case("bits-wrongtype", bit_type_lines())
case("bits-arity", arity_error_lines(BIT_ARITY) + [
    "BITOP AND", "BITOP AND d", "BITOP NOT d", "TIME x", "time 1 2"])

# bitmaps are strings to every other command
case("bits-as-strings", [
    "SETBIT k 9 1", "TYPE k", "GET k", "APPEND k x", "BITCOUNT k", "GETRANGE k 0 0",
    "SETRANGE k 5 y", "BITPOS k 1 2", "BITFIELD k GET u48 0",
    "RENAME k k2", "GETBIT k2 9", "COPY k2 k3", "BITOP XOR k4 k2 k3", "GET k4",
    "BITCOUNT k4", "DEL k2", "GETBIT k2 9", "~ KEYS *",
])


# TIME: two bulk strings, seconds and microseconds, of a clock near the other's
def test_time(live_pair):
    ref_srv, sut_srv = live_pair
    for proto in (2, 3):
        ref, sut = ref_srv.conn(), sut_srv.conn()
        try:
            if proto == 3:
                ref.call_raw("HELLO", "3")
                sut.call_raw("HELLO", "3")
            a, b = parse(ref.call_raw("TIME")), parse(sut.call_raw("TIME"))
            for v in (a, b):
                assert isinstance(v, Array) and len(v) == 2, v
                assert all(isinstance(x, bytes) and x.isdigit() for x in v), v
                assert 0 <= int(v[1]) < 1000000
            ta = int(a[0]) + int(a[1]) / 1e6
            tb = int(b[0]) + int(b[1]) / 1e6
            assert abs(ta - tb) < 5, (a, b)
            # microseconds move (not milliseconds times 1000 only)
            seen = {int(parse(sut.call_raw("TIME"))[1]) % 1000 for _ in range(20)}
            assert len(seen) > 1, seen
        finally:
            ref.close()
            sut.close()


def test_every_command_covered():
    used = {str(line if isinstance(line, str) else line[0]).split()[0].upper()
            for lines in CASES.values() for line in lines}
    assert set(BIT_ARITY) - {"TIME"} <= used, set(BIT_ARITY) - used


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_script(live_pair, name, proto):
    run_fixed_script(live_pair, name, CASES[name], proto)


# ---------------------------------------------------------------- limits
MB = 1024 * 1024
MAX_BIT = str(8 * MB - 1)
LIMIT_LINES = [
    "SETBIT m " + str(8 * MB) + " 1", "EXISTS m", "SETBIT m " + MAX_BIT + " 1", "STRLEN m",
    "GETBIT m " + MAX_BIT, "GETBIT m " + str(8 * MB), "BITCOUNT m", "BITPOS m 1",
    "BITFIELD m GET u8 " + str(8 * MB), "BITFIELD m GET u8 " + str(8 * MB - 8),
    "BITFIELD m GET u8 #" + str(MB - 1), "BITFIELD m GET u8 #" + str(MB),
    "BITFIELD m GET i64 #" + str(MB // 8), "BITFIELD m GET i64 #" + str(MB // 8 - 1),
    # the last field may end past the limit: the string grows by its width
    "BITFIELD m2 SET i64 " + MAX_BIT + " -1", "STRLEN m2", "BITCOUNT m2",
    "BITFIELD m2 SET u8 " + str(8 * MB) + " 1", "STRLEN m2", "DEL m m2",
    "SETRANGE m " + str(MB - 1) + " x", "SETRANGE m " + str(MB) + " x", "STRLEN m",
]


@pytest.fixture(scope="module")
def small_pair():
    yield from started_pair(harness.RedisServer(options={"proto-max-bulk-len": str(MB)}),
                            harness.make_sut(enable_flushall=True, proto_max_bulk_len=MB))


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_bit_limits(small_pair, proto):
    run_fixed_script(small_pair, "bit-limits", LIMIT_LINES, proto)
