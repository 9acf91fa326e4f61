"""Curated scripts for the sorted-set commands ZADD (NX XX GT LT CH INCR),
ZINCRBY, ZSCORE, ZMSCORE, ZCARD, ZCOUNT, ZLEXCOUNT, ZRANGE (BYSCORE BYLEX REV
LIMIT WITHSCORES), ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX,
ZREVRANGEBYLEX, ZREVRANGE, ZRANK, ZREVRANK, ZREM, ZREMRANGEBYSCORE,
ZREMRANGEBYRANK, ZREMRANGEBYLEX, ZPOPMIN, ZPOPMAX, ZRANDMEMBER, ZUNIONSTORE,
ZINTERSTORE, ZDIFFSTORE, ZUNION, ZINTER, ZDIFF, ZRANGESTORE, ZMPOP, ZSCAN and
ZINTERCARD, compared with a real redis-server 7.0 like test_fixed_diff.py
(same line syntax and prefixes, see difftools.parse_line; each case over RESP2
and RESP3 on an empty key space: scores are RESP3 doubles, WITHSCORES replies
RESP3 [member, score] pairs).

ZRANDMEMBER uses `@rand` (same RESP shape, elements and (member, score) pairs
held by the key, distinct for a non-negative count, equal multisets when the
reply is forced, see difftools.check_rand) and ZSCAN `@scan` (the union of a
full iteration: Meridian walks members in name order, Redis in its own).
"""


import pytest

from cmdgen_zsets import ZSET_ARITY
from difftools import PREFIX_KIND, arity_error_lines, run_fixed_script

CASES = {}

# every command this file covers (test_every_zset_command_is_tested)
ZSET_COMMANDS = [
    "ZADD", "ZINCRBY", "ZSCORE", "ZMSCORE", "ZCARD", "ZCOUNT", "ZLEXCOUNT", "ZRANGE",
    "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZREVRANGE",
    "ZRANK", "ZREVRANK", "ZREM", "ZREMRANGEBYSCORE", "ZREMRANGEBYRANK", "ZREMRANGEBYLEX",
    "ZPOPMIN", "ZPOPMAX", "ZRANDMEMBER", "ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE",
    "ZUNION", "ZINTER", "ZDIFF", "ZRANGESTORE", "ZMPOP", "ZSCAN", "ZINTERCARD",
]


def case(name, lines):
    assert name not in CASES
    CASES[name] = lines


def pairs(n, prefix="m", score=lambda i: i):
    return " ".join("%s %s%d" % (score(i), prefix, i) for i in range(n))


I64_MAX, I64_MIN = "9223372036854775807", "-9223372036854775808"
ABCDE = "ZADD z 1 a 2 b 3 c 4 d 5 e"
LEX = "ZADD lx 0 a 0 b 0 c 0 d 0 e 0 f 0 g"

# ---------------------------------------------------------------- ZADD
case("zadd-basic", [
    "ZADD z 1 a", "ZADD z 2 b 3 c", "ZADD z 1 a", "ZADD z 5 a", "ZCARD z", "TYPE z",
    "ZRANGE z 0 -1 WITHSCORES", "ZSCORE z a", "ZSCORE z nope", "ZSCORE nokey a",
    # the same member twice in one command: added once, then updated
    "ZADD y 1 x 2 x", "ZSCORE y x", "ZADD y CH 3 x 4 x", "ZADD y CH 4 x 5 q 5 q",
    "ZRANGE y 0 -1 WITHSCORES", "ZCARD y", "ZCARD nokey",
    # ties sort by member (bytes)
    "ZADD t 1 b 1 a 1 c 1 B 1 '' 1 aa 0 zz", "ZRANGE t 0 -1", "ZRANGE t 0 -1 WITHSCORES",
    "zadd z 7 g", "Zadd z nx 8 h", "ZRANGE z 0 -1 WITHSCORES",
    ("ZADD", "bin", "1", b"\x00", "2", b"a\x00b", "3", b"\xff"), "ZRANGE bin 0 -1 WITHSCORES",
    ("ZSCORE", "bin", b"a\x00b"), ("ZADD", "", "1", "empty-key"), ("ZRANGE", "", "0", "-1"),
    "TYPE ''", "~ KEYS *", "DBSIZE",
])

case("zadd-options", [
    "ZADD z NX 1 a", "ZADD z NX 2 a 3 b", "ZRANGE z 0 -1 WITHSCORES",
    "ZADD z XX 5 a 6 c", "ZRANGE z 0 -1 WITHSCORES", "ZADD nokey XX 1 a", "EXISTS nokey",
    "ZADD nokey XX INCR 1 a", "EXISTS nokey", "ZADD nokey XX CH 1 a",
    "ZADD z CH 5 a 7 b 8 d", "ZADD z CH 5 a", "ZADD z 9 a 9 b",
    "ZADD z GT 4 a", "ZADD z GT 10 a", "ZADD z GT CH 4 a 11 b 1 new", "ZSCORE z a",
    "ZSCORE z new", "ZADD z LT 100 a", "ZADD z LT CH 1 a 100 b 0 new2",
    "ZRANGE z 0 -1 WITHSCORES",
    "ZADD z XX GT 50 a", "ZADD z XX LT 60 a", "ZADD z XX GT CH 50 a 1 zz", "ZSCORE z zz",
    "ZADD z XX LT CH 0 a", "ZADD z GT XX CH 20 b", "ZRANGE z 0 -1 WITHSCORES",
    # INCR
    "ZADD z INCR 5 a", "ZADD z INCR -1.5 a", "ZADD z INCR 1 fresh", "ZADD z NX INCR 1 a",
    "ZADD z NX INCR 1 fresh2", "ZADD z XX INCR 1 nothere", "ZADD z XX INCR 1 a",
    "ZADD z GT INCR -1 a", "ZADD z GT INCR 1 a", "ZADD z LT INCR 1 a", "ZADD z LT INCR -1 a",
    "ZADD z GT INCR -1 brandnew", "ZADD z LT INCR 1 brandnew2", "ZADD z INCR 0 a",
    "ZADD z CH INCR 0 a", "ZADD z INCR CH 1 a", "ZADD z incr xx 1 a",
    "ZADD z INCR 1 a 2 b", "ZADD z INCR abc a", "ZADD z INCR inf a", "ZADD z INCR -inf a",
    "ZSCORE z a", "ZADD z INCR +inf a",
    # conflicts: NX with XX, GT/LT with NX, GT with LT
    "ZADD z NX XX 1 a", "ZADD z XX NX 1 a", "ZADD z GT LT 1 a", "ZADD z NX GT 1 a",
    "ZADD z NX LT 1 a", "ZADD z LT NX XX 1 a", "ZADD z NX XX INCR 1 a 2 b",
    "ZADD z NX XX 1", "ZADD z NX XX abc a", "ZADD z GT LT INCR 1 a 2 b",
    # syntax: options after the pairs, odd pairs, no pairs, unknown words
    "ZADD z 1 a NX", "ZADD z 1 a 2", "ZADD z NX", "ZADD z CH", "ZADD z INCR",
    "ZADD z BOGUS 1 a", "ZADD z 1 a BOGUS 2", "ZADD z NX NX 1 a", "ZADD z CH CH 1 a",
    "ZADD z XX XX 1 a", "ZADD z 1 a 2 b 3", "ZADD z abc a", "ZADD z 1 a abc b",
    "ZCARD z", "ZADD z nx 3 q", "ZADD z Gt Ch 100 q", "ZRANGE z 0 -1 WITHSCORES",
    # a failing score writes nothing, also not the pairs before it
    "ZADD w 1 a 2 b nan c", "EXISTS w", "ZADD z 1 newa abc newb", "ZSCORE z newa",
])

# Scores: getDoubleFromObject (strtod over the whole argument, no leading
# space, no NaN, no overflow); replies print %.17g, inf and -inf.
SCORES = ["0", "-0", "+0", "1", "-1", "1.5", "0.1", "0.2", "0.3", "1e308", "-1e308",
          "1e-300", "1e-310", "4.9e-324", "1.7976931348623157e308", "123456789.123456789",
          "3.0000000000000001", "1e17", "1e16", "4503599627370496", "4503599627370495",
          "9007199254740993", "-9223372036854775808", "18446744073709551616", "inf", "-inf",
          "+inf", "INF", "-Inf", "infinity", "-infinity", "1E3", "1e+3", ".5", "5.", "-.5",
          "0x10", "0X1p3", "007", "1_000", "10.50", "2.5e-3", "+2", "1e0"]
BAD_SCORES = ["abc", "", " 1", "1 ", "nan", "-nan", "NaN", "1e400", "-1e400", "1e-400",
              "1e", "e1", "--1", "1.2.3", "0x", "inf1", "+", "-", ".", "1,5", "(1", "[1"]


def score_lines():
    lines = []
    for i, s in enumerate(SCORES):
        lines += ["ZADD sc %s m%d" % (repr(s) if not s else s, i), "ZSCORE sc m%d" % i]
    lines += ["ZRANGE sc 0 -1 WITHSCORES", "ZRANGE sc 0 -1", "ZCARD sc",
              "ZMSCORE sc m0 m1 m5 m9 m23 nope"]
    for s in BAD_SCORES:
        lines += [("ZADD", "bad", s, "x"), ("ZINCRBY", "bad", s, "x")]
    lines += ["EXISTS bad", ("ZADD", "bad", b"1\x00", "x"), ("ZADD", "bad", b"\x001", "x"),
              "EXISTS bad"]
    return lines


case("zadd-scores", score_lines())

# ---------------------------------------------------------------- ZINCRBY
case("zincrby", [
    "ZINCRBY z 1 a", "ZINCRBY z 2.5 a", "ZINCRBY z -10 a", "ZINCRBY z 0.1 b",
    "ZINCRBY z 0.2 b", "ZINCRBY z 1e308 c", "ZINCRBY z 1e308 c", "ZINCRBY z -inf c",
    "ZINCRBY z inf d", "ZINCRBY z -inf d", "ZSCORE z d", "ZINCRBY z inf d",
    "ZINCRBY z +inf d", "ZINCRBY z 1 d", "ZRANGE z 0 -1 WITHSCORES",
    "ZINCRBY z abc a", "ZINCRBY z '' a", "ZINCRBY z nan a", "ZINCRBY z 1e400 a",
    "ZINCRBY z 1 ''", "ZSCORE z ''", "ZINCRBY z 0 a", "ZINCRBY z -0 a", "ZSCORE z a",
    "ZINCRBY z 4503599627370496 big", "ZINCRBY z 1 big", "ZINCRBY z 0.5 big",
    "ZINCRBY z 9007199254740992 big2", "ZINCRBY z 1 big2", "ZINCRBY z 2 big2",
    "ZINCRBY z 1e-300 tiny", "ZINCRBY z 1e-300 tiny", "ZINCRBY z -2e-300 tiny",
    "ZINCRBY new 5 m", "ZRANGE new 0 -1 WITHSCORES", "zincrby new 1 m",
    "SET s v", "ZINCRBY s 1 a", "ZINCRBY s abc a", "GET s", "SADD set m", "ZINCRBY set 1 m",
    "ZINCRBY z 1", "ZINCRBY z 1 a b", "ZINCRBY",
])

# "-0" from ZINCRBY on a new member: Redis keeps the sign (the listpack holds
# the string "-0"); Meridian may read it back as "0" in ranges.
NEG_ZERO = ["ZINCRBY nz -0 a", "ZSCORE nz a", "ZRANGE nz 0 -1 WITHSCORES",
            "ZADD nz INCR -0 b", "ZRANGE nz 0 -1 WITHSCORES", "@scan ZSCAN nz 0"]

# ---------------------------------------------------------------- reads
case("zscore-zmscore-zcard", [
    ABCDE, "ZSCORE z a", "ZSCORE z e", "ZSCORE z x", "ZMSCORE z a", "ZMSCORE z a x e",
    "ZMSCORE z x y", "ZMSCORE z a a a", "ZMSCORE nokey a b", "ZMSCORE nokey a",
    "ZCARD z", "ZCARD nokey", "ZADD f 0.1 x 1e-300 y 1e308 z -inf n inf p",
    "ZMSCORE f x y z n p q", "ZSCORE f n", "ZSCORE f p",
    "SET s v", "ZSCORE s a", "ZMSCORE s a", "ZCARD s", "HSET h f v", "ZCARD h",
    "ZSCORE z", "ZSCORE z a b", "ZMSCORE z", "ZCARD z x", "ZCARD", "zscore z a",
    "zmscore z b c",
])

case("zrank", [
    ABCDE, "ZRANK z a", "ZRANK z e", "ZRANK z c", "ZRANK z x", "ZREVRANK z a",
    "ZREVRANK z e", "ZREVRANK z c", "ZREVRANK z x", "ZRANK nokey a", "ZREVRANK nokey a",
    "ZADD t 1 b 1 a 1 c 0 z", "ZRANK t a", "ZRANK t c", "ZRANK t z", "ZREVRANK t z",
    "ZADD i -inf lo inf hi", "ZRANK i lo", "ZRANK i hi", "ZREVRANK i hi",
    "SET s v", "ZRANK s a", "ZREVRANK s a", "ZRANK z a WITHSCORE", "ZRANK z",
    "ZREVRANK z", "ZRANK z a b", "zrank z b", "zrevrank z b",
])

case("zcount", [
    ABCDE, "ZCOUNT z 1 5", "ZCOUNT z -inf +inf", "ZCOUNT z -inf inf", "ZCOUNT z (1 (5",
    "ZCOUNT z (1 5", "ZCOUNT z 1 (5", "ZCOUNT z 2 2", "ZCOUNT z (2 2", "ZCOUNT z 2 (2",
    "ZCOUNT z (2 (2", "ZCOUNT z 5 1", "ZCOUNT z 0 0.5", "ZCOUNT z 6 100",
    "ZCOUNT z 1.5 3.5", "ZCOUNT z (-inf (+inf", "ZCOUNT z (inf +inf", "ZCOUNT z -inf (-inf",
    "ZCOUNT z '' 3", "ZCOUNT z ( 3", "ZCOUNT z ' 1' 3", "ZCOUNT z 0x1 0x3", "ZCOUNT z 1e0 3e0",
    "ZCOUNT z 1e400 1e500", "ZCOUNT z -1e400 1e400", "ZCOUNT z abc 3", "ZCOUNT z 1 abc",
    "ZCOUNT z nan 3", "ZCOUNT z (nan 3", "ZCOUNT z 1 '3 '", "ZCOUNT z [1 3", "ZCOUNT z ((1 3",
    "ZCOUNT nokey 1 2", "ZCOUNT nokey abc 2", "SET s v", "ZCOUNT s 1 2", "ZCOUNT s abc 2",
    ("ZCOUNT", "z", b"1\x00junk", "3"), "ZCOUNT z 1", "ZCOUNT z 1 2 3", "zcount z 1 2",
    "ZADD inf -inf a inf b 0 c", "ZCOUNT inf -inf -inf", "ZCOUNT inf inf inf",
    "ZCOUNT inf (-inf (inf", "ZCOUNT inf -inf +inf",
])

case("zlexcount", [
    LEX, "ZLEXCOUNT lx - +", "ZLEXCOUNT lx + -", "ZLEXCOUNT lx [a [c", "ZLEXCOUNT lx (a [c",
    "ZLEXCOUNT lx (a (c", "ZLEXCOUNT lx [c [a", "ZLEXCOUNT lx [c [c", "ZLEXCOUNT lx (c [c",
    "ZLEXCOUNT lx - [c", "ZLEXCOUNT lx (c +", "ZLEXCOUNT lx [ +", "ZLEXCOUNT lx ( +",
    "ZLEXCOUNT lx - (", "ZLEXCOUNT lx - [", "ZLEXCOUNT lx [aa [cc", "ZLEXCOUNT lx [0 [z",
    "ZLEXCOUNT lx - -", "ZLEXCOUNT lx + +", "ZLEXCOUNT lx a c", "ZLEXCOUNT lx [a c",
    "ZLEXCOUNT lx a [c", "ZLEXCOUNT lx -a +", "ZLEXCOUNT lx - ++", "ZLEXCOUNT lx '' +",
    "ZLEXCOUNT lx - ''", "ZLEXCOUNT nokey - +", "ZLEXCOUNT nokey a b", "SET s v",
    "ZLEXCOUNT s - +", "ZLEXCOUNT s a b", ("ZLEXCOUNT", "lx", b"+\x00", "-"),
    ("ZLEXCOUNT", "lx", "-", b"+\x00"), ("ZLEXCOUNT", "lx", b"[b\x00", "+"),
    "ZLEXCOUNT lx -", "ZLEXCOUNT lx - + x", "zlexcount lx - +",
])

# ---------------------------------------------------------------- ZRANGE by rank
case("zrange-rank", [
    ABCDE, "ZRANGE z 0 -1", "ZRANGE z 0 -1 WITHSCORES", "ZRANGE z 1 3", "ZRANGE z -2 -1",
    "ZRANGE z -100 100", "ZRANGE z 3 1", "ZRANGE z 5 10", "ZRANGE z -1 -5", "ZRANGE z 0 0",
    "ZRANGE z 4 4", "ZRANGE z -5 -5", "ZRANGE z -6 -6", "ZRANGE z -6 0",
    "ZRANGE z " + I64_MIN + " " + I64_MAX, "ZRANGE z " + I64_MAX + " " + I64_MIN,
    "ZRANGE z 0 " + I64_MIN, "ZRANGE z -1 " + I64_MAX, "ZRANGE z 9223372036854775808 1",
    "ZRANGE z abc 1", "ZRANGE z 0 1.5", "ZRANGE z '' 1", "ZRANGE z +1 2", "ZRANGE z 01 2",
    "ZRANGE z -0 -0", "ZRANGE z 0 -1 REV", "ZRANGE z 0 1 REV", "ZRANGE z -2 -1 REV WITHSCORES",
    "ZRANGE z 0 -1 withscores rev", "ZRANGE z 1 0 REV", "ZREVRANGE z 0 -1",
    "ZREVRANGE z 0 -1 WITHSCORES", "ZREVRANGE z 1 2", "ZREVRANGE z -1 -1", "ZREVRANGE z 3 1",
    "ZREVRANGE z 10 20", "ZREVRANGE z -100 100 WITHSCORES", "ZREVRANGE z abc 1",
    "ZREVRANGE z 0 1 REV", "ZREVRANGE z 0 1 BYSCORE", "ZREVRANGE z 0 1 LIMIT 0 1",
    "ZREVRANGE z 0 1 WITHSCORES WITHSCORES", "ZRANGE z 0 -1 WITHSCORES WITHSCORES",
    "ZRANGE nokey 0 -1", "ZRANGE nokey abc 1", "ZREVRANGE nokey 0 -1 WITHSCORES",
    # LIMIT needs BYSCORE/BYLEX, unless its count is -1 (Redis only checks the count)
    "ZRANGE z 0 -1 LIMIT 0 1", "ZRANGE z 0 -1 LIMIT 0 -1", "ZRANGE z 0 -1 LIMIT 3 -1",
    "ZRANGE z 0 -1 LIMIT 1 -5", "ZRANGE z 0 -1 LIMIT 0 0", "ZRANGE z 0 -1 LIMIT",
    "ZRANGE z 0 -1 LIMIT 0", "ZRANGE z 0 -1 LIMIT a b", "ZRANGE z 0 -1 LIMIT 0 1 BYSCORE",
    "ZRANGE z 0 -1 REV REV", "ZRANGE z 0 -1 BOGUS", "ZRANGE z 0 -1 BYSCORE BYLEX",
    "ZRANGE z 0 -1 BYLEX BYSCORE", "ZRANGE z 0 -1 BYSCORE BYSCORE",
    "SET s v", "ZRANGE s 0 -1", "ZRANGE s abc 1", "ZREVRANGE s 0 -1", "ZRANGE s 0 -1 BOGUS",
    "ZRANGE z 0", "ZRANGE z", "ZREVRANGE z 0", "zrange z 0 1", "zrevrange z 0 1 withscores",
])

# ---------------------------------------------------------------- ZRANGE by score
case("zrange-score", [
    "ZADD z -inf ninf 1 a 2 b 2 bb 3 c 4.5 d 10 e inf pinf",
    "ZRANGE z -inf +inf BYSCORE", "ZRANGE z -inf +inf BYSCORE WITHSCORES",
    "ZRANGE z (1 (3 BYSCORE", "ZRANGE z 1 3 BYSCORE", "ZRANGE z (1 3 BYSCORE",
    "ZRANGE z 2 2 BYSCORE", "ZRANGE z (2 2 BYSCORE", "ZRANGE z 3 1 BYSCORE",
    "ZRANGE z 3 1 BYSCORE REV", "ZRANGE z (3 (1 BYSCORE REV WITHSCORES",
    "ZRANGE z +inf -inf BYSCORE REV", "ZRANGE z inf inf BYSCORE", "ZRANGE z -inf -inf BYSCORE",
    "ZRANGE z (inf +inf BYSCORE", "ZRANGE z (-inf (inf BYSCORE", "ZRANGE z -1e400 1e400 BYSCORE",
    "ZRANGE z '' 2 BYSCORE", "ZRANGE z ( 2 BYSCORE", "ZRANGE z 0x1 0x3 BYSCORE",
    "ZRANGE z ' 1' 3 BYSCORE",
    # LIMIT offset count: negative offset -> empty, negative count -> all
    "ZRANGE z -inf +inf BYSCORE LIMIT 0 2", "ZRANGE z -inf +inf BYSCORE LIMIT 2 3",
    "ZRANGE z -inf +inf BYSCORE LIMIT 2 -1", "ZRANGE z -inf +inf BYSCORE LIMIT 0 0",
    "ZRANGE z -inf +inf BYSCORE LIMIT -1 2", "ZRANGE z -inf +inf BYSCORE LIMIT -1 -1",
    "ZRANGE z -inf +inf BYSCORE LIMIT 100 1", "ZRANGE z -inf +inf BYSCORE LIMIT 8 1",
    "ZRANGE z -inf +inf BYSCORE LIMIT 7 5", "ZRANGE z -inf +inf BYSCORE LIMIT 1 -100",
    "ZRANGE z -inf +inf BYSCORE LIMIT " + I64_MAX + " " + I64_MAX,
    "ZRANGE z -inf +inf BYSCORE LIMIT 0 " + I64_MIN,
    "ZRANGE z +inf -inf BYSCORE REV LIMIT 1 3 WITHSCORES",
    "ZRANGE z 10 1 BYSCORE REV LIMIT 0 2", "ZRANGE z 10 1 REV BYSCORE LIMIT 0 2",
    "ZRANGE z 1 10 LIMIT 1 2 BYSCORE", "ZRANGE z 1 10 BYSCORE LIMIT 1 2 LIMIT 0 1",
    "ZRANGE z 1 10 BYSCORE LIMIT 1", "ZRANGE z 1 10 BYSCORE LIMIT 1 x",
    "ZRANGE z 1 10 BYSCORE LIMIT 1.5 1", "ZRANGE z abc 10 BYSCORE", "ZRANGE z 1 abc BYSCORE",
    "ZRANGE z nan 10 BYSCORE", "ZRANGE z [1 10 BYSCORE", "ZRANGE nokey 1 10 BYSCORE",
    "ZRANGE nokey abc 10 BYSCORE", "ZRANGE nokey 1 10 BYSCORE LIMIT 0 1",
    "ZRANGEBYSCORE z -inf +inf", "ZRANGEBYSCORE z -inf +inf WITHSCORES",
    "ZRANGEBYSCORE z 2 4.5", "ZRANGEBYSCORE z (2 (4.5", "ZRANGEBYSCORE z 4.5 2",
    "ZRANGEBYSCORE z -inf +inf LIMIT 1 2", "ZRANGEBYSCORE z -inf +inf WITHSCORES LIMIT 1 2",
    "ZRANGEBYSCORE z -inf +inf LIMIT 1 2 WITHSCORES", "ZRANGEBYSCORE z -inf +inf LIMIT -1 2",
    "ZRANGEBYSCORE z -inf +inf LIMIT 0 -1", "ZRANGEBYSCORE z -inf +inf REV",
    "ZRANGEBYSCORE z -inf +inf BYSCORE", "ZRANGEBYSCORE z -inf +inf BYLEX",
    "ZRANGEBYSCORE z -inf +inf LIMIT", "ZRANGEBYSCORE z -inf +inf LIMIT 1",
    "ZRANGEBYSCORE z -inf +inf BOGUS", "ZRANGEBYSCORE z a b", "ZRANGEBYSCORE nokey 0 1",
    "ZREVRANGEBYSCORE z +inf -inf", "ZREVRANGEBYSCORE z +inf -inf WITHSCORES",
    "ZREVRANGEBYSCORE z 4.5 2", "ZREVRANGEBYSCORE z 2 4.5", "ZREVRANGEBYSCORE z (4.5 (2",
    "ZREVRANGEBYSCORE z +inf -inf LIMIT 2 2", "ZREVRANGEBYSCORE z +inf -inf LIMIT 2 -1 WITHSCORES",
    "ZREVRANGEBYSCORE z +inf -inf REV", "ZREVRANGEBYSCORE z abc 1",
    "ZREVRANGEBYSCORE nokey 1 0", "zrangebyscore z 1 2", "zrevrangebyscore z 2 1 withscores",
    "SET s v", "ZRANGEBYSCORE s 0 1", "ZRANGEBYSCORE s a b", "ZREVRANGEBYSCORE s 1 0",
    "ZRANGE s 0 1 BYSCORE", "ZRANGEBYSCORE z 0", "ZREVRANGEBYSCORE z 0",
])

# ---------------------------------------------------------------- ZRANGE by lex
case("zrange-lex", [
    LEX, "ZRANGE lx - + BYLEX", "ZRANGE lx [b [d BYLEX", "ZRANGE lx (b (d BYLEX",
    "ZRANGE lx (b [d BYLEX", "ZRANGE lx [d [b BYLEX", "ZRANGE lx + - BYLEX",
    "ZRANGE lx + - BYLEX REV", "ZRANGE lx [d [b BYLEX REV", "ZRANGE lx (d (b BYLEX REV",
    "ZRANGE lx - + BYLEX LIMIT 1 2", "ZRANGE lx - + BYLEX LIMIT -1 2",
    "ZRANGE lx - + BYLEX LIMIT 2 -1", "ZRANGE lx + - BYLEX REV LIMIT 1 3",
    "ZRANGE lx - + BYLEX LIMIT 0 0", "ZRANGE lx - + BYLEX LIMIT 10 1",
    "ZRANGE lx - + BYLEX WITHSCORES", "ZRANGE lx [ + BYLEX", "ZRANGE lx ( + BYLEX",
    "ZRANGE lx - ( BYLEX", "ZRANGE lx - [ BYLEX", "ZRANGE lx [bb [dd BYLEX",
    "ZRANGE lx a c BYLEX", "ZRANGE lx [a c BYLEX", "ZRANGE lx -a + BYLEX",
    "ZRANGE lx - +b BYLEX", "ZRANGE lx '' + BYLEX", "ZRANGE nokey - + BYLEX",
    "ZRANGE nokey a b BYLEX", "ZRANGE lx - + BYLEX BYLEX",
    "ZRANGEBYLEX lx - +", "ZRANGEBYLEX lx [c +", "ZRANGEBYLEX lx (c +", "ZRANGEBYLEX lx - (c",
    "ZRANGEBYLEX lx - [c", "ZRANGEBYLEX lx [c [a", "ZRANGEBYLEX lx - + LIMIT 2 3",
    "ZRANGEBYLEX lx - + LIMIT 2 -1", "ZRANGEBYLEX lx - + LIMIT -2 3",
    "ZRANGEBYLEX lx - + WITHSCORES", "ZRANGEBYLEX lx - + REV", "ZRANGEBYLEX lx - + BYLEX",
    "ZRANGEBYLEX lx - + BYSCORE", "ZRANGEBYLEX lx - + LIMIT 1", "ZRANGEBYLEX lx a +",
    "ZRANGEBYLEX lx - z", "ZRANGEBYLEX nokey - +", "ZRANGEBYLEX nokey x y",
    "ZREVRANGEBYLEX lx + -", "ZREVRANGEBYLEX lx - +", "ZREVRANGEBYLEX lx [e [b",
    "ZREVRANGEBYLEX lx (e (b", "ZREVRANGEBYLEX lx + - LIMIT 1 2",
    "ZREVRANGEBYLEX lx + - LIMIT 1 -1", "ZREVRANGEBYLEX lx + - WITHSCORES",
    "ZREVRANGEBYLEX lx e b", "ZREVRANGEBYLEX nokey + -",
    "ZADD bl 0 '' 0 a 0 A 0 aa 0 ab 0 b", ("ZADD", "bl", "0", b"a\x00", "0", b"\xff"),
    "ZRANGEBYLEX bl - +", "ZRANGEBYLEX bl [a (b", "ZRANGEBYLEX bl ( [a", "ZRANGEBYLEX bl [ [",
    "ZRANGEBYLEX bl ( (", ("ZRANGEBYLEX", "bl", b"[a\x00", "+"),
    ("ZRANGEBYLEX", "bl", b"(a\x00", "+"), ("ZRANGEBYLEX", "bl", b"[\xff", "+"),
    "ZREVRANGEBYLEX bl [b [a", "zrangebylex lx - [b", "zrevrangebylex lx + (f",
    "SET s v", "ZRANGEBYLEX s - +", "ZRANGEBYLEX s a b", "ZREVRANGEBYLEX s + -",
    "ZRANGE s - + BYLEX", "ZRANGEBYLEX lx -", "ZREVRANGEBYLEX lx +",
])

# BYLEX over members of different scores: Redis documents the result as
# undefined (it walks its own order assuming one score); not compared.
MIXED_LEX = ["ZADD mx 1 a 2 b 0 c 3 d", "ZRANGEBYLEX mx - +", "ZRANGEBYLEX mx [b [d",
             "ZLEXCOUNT mx [b +", "ZREVRANGEBYLEX mx [d [a"]

# ---------------------------------------------------------------- ZRANGESTORE
case("zrangestore", [
    ABCDE, "ZRANGESTORE d z 0 -1", "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d z 1 2",
    "ZRANGE d 0 -1 WITHSCORES", "ZRANGESTORE d z 0 1 REV", "ZRANGE d 0 -1 WITHSCORES",
    "ZRANGESTORE d z 2 4 BYSCORE", "ZRANGE d 0 -1 WITHSCORES",
    "ZRANGESTORE d z (5 1 BYSCORE REV LIMIT 1 2", "ZRANGE d 0 -1 WITHSCORES",
    "ZRANGESTORE d z 10 20 BYSCORE", "EXISTS d", "ZRANGESTORE d z 0 -1", "SET d str",
    "ZRANGESTORE d z 0 0", "TYPE d", "ZRANGESTORE d nokey 0 -1", "EXISTS d",
    "ZRANGESTORE d z 5 1", "ZRANGESTORE d z 0 -1 WITHSCORES", "ZRANGESTORE d z 0 -1 LIMIT 0 1",
    "ZRANGESTORE d z abc 1", "ZRANGESTORE d z abc 1 BYSCORE", "ZRANGESTORE d z 0 -1 BOGUS",
    "ZRANGESTORE z z 1 -1", "ZRANGE z 0 -1 WITHSCORES", "ZRANGESTORE z z 10 20", "EXISTS z",
    LEX, "ZRANGESTORE dl lx [b [d BYLEX", "ZRANGE dl 0 -1 WITHSCORES",
    "ZRANGESTORE dl lx + - BYLEX REV LIMIT 0 2", "ZRANGE dl 0 -1", "ZRANGESTORE dl lx a b BYLEX",
    "SET s v", "ZRANGESTORE d s 0 -1", "ZRANGESTORE s lx 0 1", "TYPE s",
    "ZADD t 1 a", "EXPIRE t 100000", "ZRANGESTORE t lx 0 2", "TTL t",
    "ZRANGESTORE d z 0", "ZRANGESTORE d z", "zrangestore d lx 0 1", "ZRANGE d 0 -1",
])

# ---------------------------------------------------------------- removal
case("zrem", [
    ABCDE, "ZREM z a", "ZREM z a", "ZREM z b c x", "ZREM z x y", "ZRANGE z 0 -1",
    "ZREM z d d d", "ZCARD z", "ZREM z e", "EXISTS z", "ZREM nokey a",
    "ZADD t 1 a 2 b", "EXPIRE t 100000", "ZREM t a", "@ttl TTL t", "ZREM t b", "TTL t",
    "SET s v", "ZREM s a", "ZREM z", "ZREM", "zrem t x",
])

case("zremrange", [
    ABCDE, "ZREMRANGEBYRANK z 0 0", "ZRANGE z 0 -1", "ZREMRANGEBYRANK z -1 -1", "ZRANGE z 0 -1",
    "ZREMRANGEBYRANK z 5 10", "ZREMRANGEBYRANK z 2 1", "ZREMRANGEBYRANK z -100 -4",
    "ZREMRANGEBYRANK z " + I64_MIN + " " + I64_MAX, "EXISTS z",
    ABCDE, "ZREMRANGEBYRANK z abc 1", "ZREMRANGEBYRANK z 1 1.5", "ZREMRANGEBYRANK nokey 0 1",
    "ZREMRANGEBYRANK nokey abc 1", "ZREMRANGEBYSCORE z 2 3", "ZRANGE z 0 -1 WITHSCORES",
    "ZREMRANGEBYSCORE z (1 (5", "ZREMRANGEBYSCORE z 5 1", "ZREMRANGEBYSCORE z abc 1",
    "ZREMRANGEBYSCORE z (1 +inf", "ZRANGE z 0 -1 WITHSCORES", "ZREMRANGEBYSCORE z -inf +inf",
    "EXISTS z", "ZREMRANGEBYSCORE nokey 0 1", "ZREMRANGEBYSCORE nokey a b",
    LEX, "ZREMRANGEBYLEX lx [b (d", "ZRANGE lx 0 -1", "ZREMRANGEBYLEX lx (e +",
    "ZRANGE lx 0 -1", "ZREMRANGEBYLEX lx + -", "ZREMRANGEBYLEX lx a b",
    "ZREMRANGEBYLEX lx [z [a", "ZREMRANGEBYLEX lx - (b", "ZRANGE lx 0 -1",
    "ZREMRANGEBYLEX lx - +", "EXISTS lx", "ZREMRANGEBYLEX nokey - +", "ZREMRANGEBYLEX nokey a b",
    "ZADD t 1 a 2 b 3 c", "EXPIRE t 100000", "ZREMRANGEBYSCORE t 1 1", "@ttl TTL t",
    "ZREMRANGEBYRANK t 0 -1", "TTL t", "EXISTS t",
    "SET s v", "ZREMRANGEBYRANK s 0 1", "ZREMRANGEBYRANK s a 1", "ZREMRANGEBYSCORE s 0 1",
    "ZREMRANGEBYSCORE s a 1", "ZREMRANGEBYLEX s - +", "ZREMRANGEBYLEX s a b",
    "ZREMRANGEBYRANK z 0", "ZREMRANGEBYSCORE z 0", "ZREMRANGEBYLEX z -",
    "ZREMRANGEBYRANK z 0 1 2", "zremrangebyscore z 0 1", "zremrangebyrank z 0 1",
    "zremrangebylex z - +",
])

# ---------------------------------------------------------------- pops
case("zpop", [
    ABCDE, "ZPOPMIN z", "ZPOPMAX z", "ZPOPMIN z 0", "ZPOPMAX z 0", "ZPOPMIN z 1",
    "ZPOPMAX z 1", "ZRANGE z 0 -1", "ZPOPMIN z 10", "EXISTS z", "ZPOPMIN z", "ZPOPMIN z 1",
    "ZPOPMIN z 0", "ZPOPMAX nokey", "ZPOPMAX nokey 2",
    ABCDE, "ZPOPMIN z -1", "ZPOPMIN z abc", "ZPOPMAX z 1.5", "ZPOPMIN z ''",
    "ZPOPMAX z " + I64_MIN, "ZPOPMIN nokey -1", "ZPOPMIN nokey abc",
    "ZPOPMIN z 2 3", "ZPOPMAX z 1 x", "ZPOPMAX z " + I64_MAX, "EXISTS z",
    "ZADD f 0.1 a -inf b inf c", "ZPOPMIN f", "ZPOPMAX f 1", "ZPOPMAX f",
    "ZADD t 1 a 2 b", "EXPIRE t 100000", "ZPOPMIN t", "@ttl TTL t", "ZPOPMAX t 5", "TTL t",
    "SET s v", "ZPOPMIN s", "ZPOPMAX s 0", "ZPOPMIN s -1", "ZPOPMAX s abc", "GET s",
    "ZPOPMIN", "ZPOPMAX", "zpopmin nokey", "zpopmax nokey 1",
])

case("zmpop", [
    ABCDE, "ZADD y 10 p 20 q", "ZMPOP 1 z MIN", "ZMPOP 1 z MAX", "ZMPOP 1 z MIN COUNT 2",
    "ZMPOP 1 z MAX COUNT 10", "EXISTS z", "ZMPOP 1 z MIN", "ZMPOP 2 z y MAX",
    "ZMPOP 3 nokey z y min count 1", "ZMPOP 2 nokey z MIN", "ZMPOP 1 y MIN COUNT 5",
    ABCDE, "ZMPOP 0 z MIN", "ZMPOP -1 z MIN", "ZMPOP abc z MIN", "ZMPOP 2 z MIN",
    "ZMPOP 5 z MIN", "ZMPOP 1 z UP", "ZMPOP 1 z MIN COUNT 0", "ZMPOP 1 z MIN COUNT -1",
    "ZMPOP 1 z MIN COUNT abc", "ZMPOP 1 z MIN COUNT", "ZMPOP 1 z MIN COUNT 1 COUNT 1",
    "ZMPOP 1 z MIN BOGUS", "ZMPOP 1 z MIN COUNT 1 x", "ZMPOP 1 z COUNT 1 MIN",
    "ZMPOP 1 z LEFT", "ZMPOP " + I64_MAX + " z MIN", "ZMPOP 1 nokey MIN COUNT 0",
    "ZMPOP 1 z MAX COUNT " + I64_MAX, "EXISTS z",
    "SET s v", ABCDE, "ZMPOP 1 s MIN", "ZMPOP 2 nokey s MIN", "ZMPOP 2 z s MIN",
    "ZMPOP 2 s z MIN", "ZMPOP 1 s UP", "SADD set m", "ZMPOP 1 set MAX",
    "ZADD t 1 a 2 b", "EXPIRE t 100000", "ZMPOP 1 t MIN", "@ttl TTL t",
    "ZMPOP 1 t MIN COUNT 5", "TTL t", "ZADD f 0.1 a inf b", "ZMPOP 1 f MAX COUNT 2",
    "ZMPOP 1 z", "ZMPOP 1", "ZMPOP", "zmpop 1 z max",
])

# ---------------------------------------------------------------- ZRANDMEMBER
case("zrandmember", [
    "ZRANDMEMBER nokey", "ZRANDMEMBER nokey 1", "ZRANDMEMBER nokey 0", "ZRANDMEMBER nokey -3",
    "ZRANDMEMBER nokey 2 WITHSCORES", "ZADD one 1.5 x", "ZRANDMEMBER one",
    "@rand ZRANDMEMBER one 1", "@rand ZRANDMEMBER one 3", "@rand ZRANDMEMBER one -3",
    "@rand ZRANDMEMBER one -3 WITHSCORES", "@rand ZRANDMEMBER one 2 WITHSCORES",
    "ZRANDMEMBER one 0", "ZRANDMEMBER one 0 WITHSCORES",
    ABCDE, "@rand ZRANDMEMBER z", "@rand ZRANDMEMBER z 1", "@rand ZRANDMEMBER z 3",
    "@rand ZRANDMEMBER z 5", "@rand ZRANDMEMBER z 10", "@rand ZRANDMEMBER z -2",
    "@rand ZRANDMEMBER z -10", "@rand ZRANDMEMBER z 3 WITHSCORES",
    "@rand ZRANDMEMBER z 10 withscores", "@rand ZRANDMEMBER z -7 WITHSCORES",
    "ZADD {K0} " + pairs(200), "@rand ZRANDMEMBER {K0} 10", "@rand ZRANDMEMBER {K0} 150",
    "@rand ZRANDMEMBER {K0} 199 WITHSCORES", "@rand ZRANDMEMBER {K0} 300",
    "@rand ZRANDMEMBER {K0} -250 WITHSCORES", "ZADD fl 0.1 a 1e308 b -inf c",
    "@rand ZRANDMEMBER fl 3 WITHSCORES", "@rand ZRANDMEMBER fl -4 WITHSCORES",
    "ZRANDMEMBER z abc", "ZRANDMEMBER z 1.5", "ZRANDMEMBER z " + I64_MIN,
    "ZRANDMEMBER z " + I64_MIN + " WITHSCORES", "ZRANDMEMBER z 4611686018427387904 WITHSCORES",
    "ZRANDMEMBER z -4611686018427387904 WITHSCORES", "ZRANDMEMBER z 1 BOGUS",
    "ZRANDMEMBER z 1 WITHSCORES x", "ZRANDMEMBER z abc BOGUS", "ZRANDMEMBER z abc WITHSCORES x",
    "ZRANDMEMBER z " + I64_MIN + " BOGUS", "ZRANDMEMBER nokey 1 BOGUS",
    "SET s v", "ZRANDMEMBER s", "ZRANDMEMBER s 1", "ZRANDMEMBER s 0", "ZRANDMEMBER s abc",
    "ZRANDMEMBER s 1 WITHSCORES", "ZRANDMEMBER", "zrandmember one",
    "ZCARD z", "ZCARD big",
])

# ---------------------------------------------------------------- algebra
ALG_SETUP = ["ZADD a 1 x 2 y 3 z", "ZADD b 10 y 20 z 30 w", "ZADD c 100 z",
             "SADD set1 x w q", "SET str v", "HSET h f v"]
case("zunion-zinter-zdiff", ALG_SETUP + [
    "ZUNION 2 a b", "ZUNION 2 a b WITHSCORES", "ZUNION 3 a b c WITHSCORES",
    "ZUNION 2 a b WEIGHTS 2 3 WITHSCORES", "ZUNION 2 a b WEIGHTS 1 -1 WITHSCORES",
    "ZUNION 2 a b AGGREGATE MIN WITHSCORES", "ZUNION 2 a b AGGREGATE MAX WITHSCORES",
    "ZUNION 2 a b AGGREGATE SUM WITHSCORES", "ZUNION 2 a b aggregate max weights 1 0.5 withscores",
    "ZUNION 2 a b WEIGHTS 1 inf WITHSCORES", "ZUNION 2 a b WEIGHTS 0 inf WITHSCORES",
    "ZUNION 2 a b WEIGHTS inf -inf WITHSCORES", "ZUNION 1 a WEIGHTS 0.1 WITHSCORES",
    "ZUNION 2 a set1 WITHSCORES", "ZUNION 1 set1 WITHSCORES", "ZUNION 2 set1 set1 WITHSCORES",
    "ZUNION 2 a nokey WITHSCORES", "ZUNION 1 nokey", "ZUNION 1 nokey WITHSCORES",
    "ZUNION 2 a a WITHSCORES",
    "ZINTER 2 a b", "ZINTER 2 a b WITHSCORES", "ZINTER 3 a b c WITHSCORES",
    "ZINTER 2 a b WEIGHTS 2 3 WITHSCORES", "ZINTER 2 a b AGGREGATE MIN WITHSCORES",
    "ZINTER 2 a b AGGREGATE MAX WITHSCORES", "ZINTER 2 b set1 WITHSCORES",
    "ZINTER 2 set1 b WITHSCORES", "ZINTER 2 a set1 WEIGHTS 2 5 WITHSCORES",
    "ZINTER 2 a nokey", "ZINTER 2 nokey a WITHSCORES", "ZINTER 1 a WITHSCORES",
    "ZINTER 2 a b WEIGHTS inf -inf WITHSCORES",
    "ZDIFF 2 a b", "ZDIFF 2 a b WITHSCORES", "ZDIFF 2 b a WITHSCORES", "ZDIFF 1 a WITHSCORES",
    "ZDIFF 3 b a c WITHSCORES", "ZDIFF 2 a nokey WITHSCORES", "ZDIFF 2 nokey a",
    "ZDIFF 2 b set1 WITHSCORES", "ZDIFF 2 set1 a WITHSCORES", "ZDIFF 2 a a",
    "ZDIFF 2 a b WEIGHTS 1 2", "ZDIFF 2 a b AGGREGATE MIN",
    # errors: numkeys, WRONGTYPE (checked before the options), options
    "ZUNION 0 a", "ZUNION -1 a", "ZUNION abc a", "ZUNION 3 a b", "ZUNION 1.5 a",
    "ZINTER 0 a", "ZDIFF 0 a", "ZDIFF 2 a", "ZINTER 5 a b",
    "ZUNION 2 a str", "ZUNION 2 str nokey", "ZINTER 2 a h", "ZINTER 2 nokey str",
    "ZDIFF 2 a str", "ZDIFF 2 str a", "ZDIFF 2 nokey str", "ZUNION 2 a str WEIGHTS x y",
    "ZUNION 2 a b WEIGHTS 1", "ZUNION 2 a b WEIGHTS 1 x", "ZUNION 2 a b WEIGHTS 1 2 3",
    "ZUNION 2 a b WEIGHTS abc 1", "ZUNION 2 a b WEIGHTS nan 1", "ZUNION 2 a b WEIGHTS '' 1",
    "ZUNION 2 a b AGGREGATE", "ZUNION 2 a b AGGREGATE AVG", "ZUNION 2 a b AGGREGATE sum x",
    "ZUNION 2 a b WITHSCORES WITHSCORES", "ZUNION 2 a b BOGUS", "ZUNION 2 a b LIMIT 1",
    "ZINTER 2 a b WEIGHTS 1 2 WEIGHTS 3 4 WITHSCORES",
    "ZINTER 2 a b AGGREGATE MIN AGGREGATE MAX WITHSCORES",
    "zunion 2 a b withscores", "zinter 2 a b", "zdiff 2 a b",
    # the inputs are aggregated smallest first: float rounding and where an
    # inf + -inf sum (NaN, counted as 0) happens depend on it
    "ZADD u1 0.1 p 1 q 2 r", "ZADD u2 0.2 p", "ZADD u3 0.3 p 1 s",
    "ZUNION 3 u1 u2 u3 WITHSCORES", "ZUNION 3 u3 u2 u1 WITHSCORES",
    "ZINTER 3 u1 u2 u3 WITHSCORES", "ZINTER 3 u3 u1 u2 WITHSCORES",
    "ZADD v1 inf m 1 x 1 y", "ZADD v2 -inf m", "ZADD v3 5 m 1 n",
    "ZUNION 3 v1 v2 v3 WITHSCORES", "ZUNION 3 v1 v3 v2 WITHSCORES",
    "ZINTER 3 v1 v2 v3 WITHSCORES", "ZINTER 3 v1 v3 v2 WITHSCORES",
    "ZUNION 3 v1 v2 v3 WEIGHTS 1 1 0 WITHSCORES", "ZUNIONSTORE vd 3 v1 v2 v3",
    "ZRANGE vd 0 -1 WITHSCORES", "ZINTERSTORE vd 3 v3 v2 v1", "ZRANGE vd 0 -1 WITHSCORES",
    # 0 * inf is NaN: counted as 0 in the smallest input and in a union, but
    # aggregated as NaN in the later inputs of an intersection
    "ZADD ia 5 m", "ZADD ib inf m 1 n", "ZINTER 2 ia ib WEIGHTS 1 0 WITHSCORES",
    "ZINTER 2 ib ia WEIGHTS 0 1 WITHSCORES", "ZINTER 2 ia ib WEIGHTS 1 0 AGGREGATE MIN WITHSCORES",
    "ZINTER 2 ia ib WEIGHTS 1 0 AGGREGATE MAX WITHSCORES",
    "ZINTER 2 ia ib WEIGHTS 0 0 WITHSCORES", "ZINTER 2 ib ia WEIGHTS 0 1 AGGREGATE MAX WITHSCORES",
    "ZUNION 2 ia ib WEIGHTS 1 0 WITHSCORES", "ZUNION 2 ia ib WEIGHTS 1 0 AGGREGATE MIN WITHSCORES",
    "ZADD ic -inf m", "ZINTER 3 ia ib ic WITHSCORES", "ZINTER 3 ia ic ib AGGREGATE MAX WITHSCORES",
    "ZINTERCARD 3 ia ib ic", "ZDIFF 2 ib ia WITHSCORES",
    "ZUNION 1", "ZINTER 1", "ZDIFF 1", "ZUNION", "ZINTER", "ZDIFF",
])

case("zstore", ALG_SETUP + [
    "ZUNIONSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES", "ZINTERSTORE d 2 a b",
    "ZRANGE d 0 -1 WITHSCORES", "ZDIFFSTORE d 2 a b", "ZRANGE d 0 -1 WITHSCORES",
    "ZUNIONSTORE d 3 a b c WEIGHTS 1 2 3 AGGREGATE MAX", "ZRANGE d 0 -1 WITHSCORES",
    "ZINTERSTORE d 2 a set1 WEIGHTS 1 10", "ZRANGE d 0 -1 WITHSCORES",
    "ZUNIONSTORE d 1 set1", "ZRANGE d 0 -1 WITHSCORES", "TYPE d",
    "ZINTERSTORE d 2 a c", "ZRANGE d 0 -1 WITHSCORES", "ZINTERSTORE d 2 a nokey", "EXISTS d",
    "ZUNIONSTORE d 1 nokey", "EXISTS d", "ZDIFFSTORE d 2 a a", "EXISTS d",
    "SET d v", "ZUNIONSTORE d 1 a", "TYPE d", "ZADD e 1 q", "EXPIRE e 100000",
    "ZUNIONSTORE e 1 a", "TTL e", "ZUNIONSTORE a 2 a b", "ZRANGE a 0 -1 WITHSCORES",
    "ZINTERSTORE b 2 b c", "ZRANGE b 0 -1 WITHSCORES", "ZDIFFSTORE c 2 c nokey",
    "ZRANGE c 0 -1 WITHSCORES", "ZUNIONSTORE d 2 a b WEIGHTS inf -inf",
    "ZRANGE d 0 -1 WITHSCORES",
    "ZUNIONSTORE d 2 a b WITHSCORES", "ZINTERSTORE d 2 a b WITHSCORES",
    "ZDIFFSTORE d 2 a b WEIGHTS 1 1", "ZUNIONSTORE d 0 a", "ZUNIONSTORE d abc a",
    "ZUNIONSTORE d 3 a b", "ZINTERSTORE d -1 a", "ZDIFFSTORE d 0 a",
    "ZUNIONSTORE d 2 a str", "ZINTERSTORE d 2 str a", "ZDIFFSTORE d 2 a h",
    "ZUNIONSTORE str 1 a", "TYPE str", "ZUNIONSTORE d 2 a b WEIGHTS 1",
    "ZUNIONSTORE d 2 a b AGGREGATE x",
    "ZUNIONSTORE d 2 a b BOGUS", "zunionstore d 1 a", "zinterstore d 1 a", "zdiffstore d 1 a",
    "ZUNIONSTORE d 1", "ZINTERSTORE d 1", "ZDIFFSTORE d 1", "ZUNIONSTORE d", "ZUNIONSTORE",
    "~ KEYS *",
])

case("zintercard", ALG_SETUP + [
    "ZINTERCARD 2 a b", "ZINTERCARD 3 a b c", "ZINTERCARD 1 a", "ZINTERCARD 2 a nokey",
    "ZINTERCARD 2 nokey a", "ZINTERCARD 2 a set1", "ZINTERCARD 2 b set1", "ZINTERCARD 1 set1",
    "ZINTERCARD 2 a b LIMIT 0", "ZINTERCARD 2 a b LIMIT 1", "ZINTERCARD 2 a b LIMIT 2",
    "ZINTERCARD 2 a b LIMIT 100", "ZINTERCARD 2 a b LIMIT -1", "ZINTERCARD 2 a b LIMIT abc",
    "ZINTERCARD 2 a b LIMIT 1.5", "ZINTERCARD 2 a b LIMIT", "ZINTERCARD 2 a b LIMIT 1 LIMIT 0",
    "ZINTERCARD 2 a b LIMIT " + I64_MAX, "ZINTERCARD 2 a b LIMIT 9223372036854775808",
    "ZINTERCARD 2 a b WEIGHTS 1 2", "ZINTERCARD 2 a b AGGREGATE MIN",
    "ZINTERCARD 2 a b WITHSCORES", "ZINTERCARD 2 a b BOGUS",
    "ZINTERCARD 0 a", "ZINTERCARD -1 a", "ZINTERCARD abc a", "ZINTERCARD 3 a b",
    "ZINTERCARD 2 a str", "ZINTERCARD 2 str nokey", "ZINTERCARD 2 nokey h",
    "zintercard 2 a b", "ZINTERCARD 1", "ZINTERCARD",
])

# ---------------------------------------------------------------- ZSCAN
case("zscan", [
    "ZSCAN nokey 0", "@scan ZSCAN nokey 0", "ZSCAN nokey 0 MATCH *", "ZSCAN nokey 0 BOGUS",
    "ZSCAN nokey abc", "ZADD z 1 a 2 b 3 c 0.1 d -inf e inf f 1e308 g 1e-300 h",
    "@scan ZSCAN z 0", "@scan ZSCAN z 0 MATCH [a-c]", "@scan ZSCAN z 0 COUNT 1",
    "@scan ZSCAN z 0 MATCH nomatch", "@scan ZSCAN z 0 count 10 match *",
    "@scan ZSCAN z 0 MATCH a* MATCH b*", "ZSCAN z abc", "ZSCAN z 1.5",
    "ZSCAN z 0 COUNT 0", "ZSCAN z 0 COUNT -1", "ZSCAN z 0 COUNT abc", "ZSCAN z 0 MATCH",
    "ZSCAN z 0 COUNT", "ZSCAN z 0 BOGUS 1", "ZSCAN z 0 NOVALUES",
    "ZADD {K0} " + pairs(300, score=lambda i: i / 4), "@scan ZSCAN {K0} 0",
    "@scan ZSCAN {K0} 0 COUNT 7", "@scan ZSCAN {K0} 0 MATCH m1*",
    "@scan ZSCAN {K0} 0 MATCH m?5 COUNT 50",
    ("ZADD", "bin", "1", b"\x00\xff", "2", "a b", "3", ""), "@scan ZSCAN bin 0",
    "@scan ZSCAN bin 0 MATCH ?",
    # a listpack (small set) prints whole scores within +-2^62 as integers, a
    # skiplist (more than 128 members, or one longer than 64 bytes) as %.17g
    "ZADD ints 1e17 a 1e18 b 5e18 c 4611686018427387904 d 123456789012345678 e -1e17 f "
    "4611686018427388928 g 9007199254740993 h 1e16 i 0.5 j",
    "@scan ZSCAN ints 0", "ZRANGE ints 0 -1 WITHSCORES", "ZADD ints 1 " + "L" * 65,
    "@scan ZSCAN ints 0", "ZADD ints2 1e17 a 1e18 b -1e17 f " + pairs(130, "p"),
    "@scan ZSCAN ints2 0 MATCH ?", "ZADD ints3 1e17 a 1 " + "L" * 64, "@scan ZSCAN ints3 0",
    "SET s v", "ZSCAN s 0", "ZSCAN s abc", "SADD set m",
    "ZSCAN set 0", "ZSCAN z", "ZSCAN", "@scan zscan z 0",
])

# ---------------------------------------------------------------- key space
case("zset-keyspace", [
    "ZADD z 1 a 2 b", "TYPE z", "EXISTS z", "OBJECT ENCODING z", "RENAME z z2",
    "ZRANGE z2 0 -1 WITHSCORES", "COPY z2 z3", "ZADD z3 3 c", "ZCARD z2", "ZCARD z3",
    "ZADD e 1 x", "EXPIRE e 100000", "ZADD e 2 y", "ZINCRBY e 1 x", "@ttl TTL e",
    "ZPOPMIN e 5", "TTL e", "EXISTS e", "@scan SCAN 0 TYPE zset", "@scan SCAN 0 TYPE ZSET",
    "@scan SCAN 0 TYPE set", "~ KEYS *", "DBSIZE", "DEL z2 z3", "EXISTS z2 z3",
    "SET s v", "ZADD s 1 a", "SADD z4 m", "ZADD z4 1 a", "HSET h f v", "ZADD h 1 a",
    "RPUSH l a", "ZADD l 1 a", "ZADD zz 1 a", "GET zz", "SADD zz m", "HSET zz f v",
    "LPUSH zz a", "SMEMBERS zz", "HGETALL zz", "LRANGE zz 0 -1", "APPEND zz x", "INCR zz",
    "SET zz v", "TYPE zz", "ZCARD zz",
])

# ---------------------------------------------------------------- long sets
case("long-zset", [
    "ZADD {K0} " + pairs(1000, score=lambda i: (i * 7919) % 1000 / 10), "ZCARD {K0}",
    "ZRANGE {K0} 0 9 WITHSCORES", "ZRANGE {K0} -10 -1 WITHSCORES", "ZRANGE {K0} 495 504",
    "ZREVRANGE {K0} 0 4 WITHSCORES", "ZRANGE {K0} 990 2000", "ZRANK {K0} m500",
    "ZREVRANK {K0} m500",
    "ZRANK {K0} m0", "ZRANK {K0} m999", "ZCOUNT {K0} 10 20", "ZCOUNT {K0} (10 (20",
    "ZRANGEBYSCORE {K0} 50 51 WITHSCORES", "ZRANGEBYSCORE {K0} -inf +inf LIMIT 500 5",
    "ZREVRANGEBYSCORE {K0} +inf -inf LIMIT 500 5 WITHSCORES", "ZREMRANGEBYRANK {K0} 0 99",
    "ZCARD {K0}", "ZRANGE {K0} 0 2 WITHSCORES", "ZREMRANGEBYSCORE {K0} 90 +inf", "ZCARD {K0}",
    "ZRANGE {K0} -3 -1 WITHSCORES", "ZPOPMIN {K0} 3", "ZPOPMAX {K0} 3",
    "ZMPOP 1 {K0} MIN COUNT 100",
    "ZCARD {K0}", "ZRANGESTORE {K3} {K0} 100 199", "ZRANGE {K3} 0 4 WITHSCORES", "ZCARD {K3}",
    "ZADD {K1} " + pairs(600, "w", score=lambda i: 0), "ZRANGEBYLEX {K1} [w1 (w2 LIMIT 0 20",
    "ZLEXCOUNT {K1} [w1 (w2", "ZREVRANGEBYLEX {K1} (w5 [w4 LIMIT 3 5",
    "ZREMRANGEBYLEX {K1} [w3 (w4",
    "ZCARD {K1}", "ZRANGE {K1} 300 305", "ZUNIONSTORE {K4} 2 {K0} {K3} WEIGHTS 1 2", "ZCARD {K4}",
    "ZRANGE {K4} 0 4 WITHSCORES", "ZINTERCARD 2 {K0} {K3}", "ZINTER 2 {K0} {K3} LIMIT 1",
    "ZINTERCARD 2 {K0} {K3} LIMIT 10", "ZDIFFSTORE {K2} 2 {K0} {K3}", "ZCARD {K2}",
])

# ---------------------------------------------------------------- errors
def zset_arity_lines():
    lines = arity_error_lines(ZSET_ARITY)
    lines += ["ZPOPMIN k 1 2", "ZPOPMAX k 1 2 3", "ZRANDMEMBER k 1 WITHSCORES x",
              "ZRANGESTORE d k 0", "ZMPOP 1 k", "ZSCAN k", "ZADD k 1", "ZADD k NX 1"]
    return lines


case("zset-arity", zset_arity_lines())

TYPED = {"str": "SET str v", "set": "SADD set m", "hash": "HSET hash f v",
         "list": "RPUSH list a", "zset": "ZADD zset 1 a 2 b"}
ZSET_CMDS = ["ZADD {k} 1 a", "ZADD {k} NX INCR 1 a", "ZINCRBY {k} 1 a", "ZSCORE {k} a",
             "ZMSCORE {k} a b", "ZCARD {k}", "ZCOUNT {k} 0 1", "ZCOUNT {k} a b",
             "ZLEXCOUNT {k} - +", "ZLEXCOUNT {k} a b", "ZRANGE {k} 0 -1", "ZRANGE {k} a b",
             "ZRANGE {k} 0 1 BYSCORE", "ZRANGE {k} - + BYLEX", "ZRANGEBYSCORE {k} 0 1",
             "ZREVRANGEBYSCORE {k} 1 0", "ZRANGEBYLEX {k} - +", "ZREVRANGEBYLEX {k} + -",
             "ZREVRANGE {k} 0 -1", "ZRANK {k} a", "ZREVRANK {k} a", "ZREM {k} a",
             "ZREMRANGEBYSCORE {k} 0 1", "ZREMRANGEBYRANK {k} 0 1", "ZREMRANGEBYLEX {k} - +",
             "ZPOPMIN {k}", "ZPOPMAX {k} 2", "ZPOPMIN {k} 0", "ZRANDMEMBER {k}",
             "ZRANDMEMBER {k} 2", "ZRANDMEMBER {k} 0", "ZUNIONSTORE d 1 {k}",
             "ZINTERSTORE d 2 zset {k}", "ZDIFFSTORE d 1 {k}", "ZUNION 1 {k}",
             "ZINTER 2 {k} zset", "ZDIFF 2 zset {k}", "ZRANGESTORE d {k} 0 -1",
             "ZMPOP 1 {k} MIN", "ZMPOP 2 nokey {k} MAX", "ZSCAN {k} 0", "ZINTERCARD 1 {k}"]


def zset_type_error_lines():
    lines = list(TYPED.values())
    for k in ("str", "list", "hash", "set"):
        lines += [c.format(k=k) for c in ZSET_CMDS]
    lines += ["ZRANGE d 0 -1 WITHSCORES", "TYPE d", "DEL d"]
    other = ["GET {k}", "APPEND {k} x", "INCR {k}", "SADD {k} a", "SMEMBERS {k}",
             "SINTER {k}", "HSET {k} f v", "HGETALL {k}", "LPUSH {k} x", "LRANGE {k} 0 -1",
             "SSCAN {k} 0", "HSCAN {k} 0", "LCS {k} str", "SETRANGE {k} 0 x"]
    lines += [c.format(k="zset") for c in other]
    lines += ["TYPE str", "TYPE set", "TYPE zset", "ZRANGE zset 0 -1 WITHSCORES", "~ KEYS *"]
    return lines


case("zset-wrongtype", zset_type_error_lines())


# The cases with big sets run last, each over key names of one character
# that sort (length first, then bytes) before every key deleted earlier in the
# module: a ZADD into a key that sorts after a deleted sorted set is slow in
# Meridian (see test_recreated_zset_is_not_slow). {K0}.. are those names.
BIG_CASES = ["zscan", "zrandmember", "long-zset"]
BIG_KEYS = {("zscan", 2): "Y", ("zscan", 3): "X", ("zrandmember", 2): "W",
            ("zrandmember", 3): "V", ("long-zset", 2): "56789", ("long-zset", 3): "01234"}
ORDER = [(n, p) for n in sorted(CASES) if n not in BIG_CASES for p in (2, 3)] + \
    [(n, p) for n in BIG_CASES for p in (2, 3)]


def script_lines(name, proto):
    keys = BIG_KEYS.get((name, proto), "")
    out = []
    for line in CASES[name]:
        if isinstance(line, str):
            for i, k in enumerate(keys):
                line = line.replace("{K%d}" % i, k)
        out.append(line)
    return out


@pytest.mark.parametrize("name,proto", ORDER,
                         ids=["%s-resp%d" % (n, p) for n, p in ORDER])
def test_fixed_script(live_pair, name, proto):
    run_fixed_script(live_pair, name, script_lines(name, proto), proto)


def _command_name(line):
    if isinstance(line, tuple):
        return str(line[0]).upper()
    words = line.split()
    if words and words[0] in PREFIX_KIND:
        words.pop(0)
    return words[0].upper() if words else ""


def test_every_zset_command_is_tested():
    """Every sorted-set command appears (as a command name, any case) in the
    scripts, and has its arity in cmdgen_zsets.ZSET_ARITY."""
    seen = {_command_name(line) for lines in CASES.values() for line in lines}
    missing = [c for c in ZSET_COMMANDS if c not in seen]
    assert not missing, "sorted-set commands without a fixed script line: %s" % missing
    assert sorted(ZSET_ARITY) == sorted(ZSET_COMMANDS)


@pytest.mark.skip(reason="known difference: ZINCRBY by -0 on a new member stores -0; Redis "
                         "reads it back as -0, Meridian may show 0 in ranges")
@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_zincrby_negative_zero(live_pair, proto):
    run_fixed_script(live_pair, "zincrby-negative-zero", NEG_ZERO, proto)


# A negative cursor: Redis reads cursors with strtoul, which wraps "-1" to
# ULONG_MAX (a listpack set then answers everything with cursor 0); Meridian's
# cursor parser (shared by SCAN, SSCAN, HSCAN and ZSCAN) calls it invalid.
NEG_CURSOR = ["ZADD z 1 a 2 b", "ZSCAN z -1", "ZSCAN z -100", "SADD s a", "SSCAN s -1"]


@pytest.mark.skip(reason="known difference of the shared *SCAN cursor parser: Redis accepts "
                         "negative cursors (strtoul wraps them), Meridian says invalid cursor")
@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_negative_scan_cursor(live_pair, proto):
    run_fixed_script(live_pair, "negative-scan-cursor", NEG_CURSOR, proto)


@pytest.mark.skip(reason="BYLEX over members of different scores is undefined in Redis "
                         "(it assumes one score); Meridian reads from the first member's score")
@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_lex_over_mixed_scores(live_pair, proto):
    run_fixed_script(live_pair, "lex-mixed-scores", MIXED_LEX, proto)
