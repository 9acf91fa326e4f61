"""Curated scripts for SORT and SORT_RO over lists, sets and sorted sets,
compared with a real redis-server 7.0 like test_fixed_diff.py (same line
syntax and prefixes, see difftools.parse_line; each case over RESP2 and
RESP3 on an empty key space).

What Redis leaves to chance is not compared exactly: a set sorted BY a
pattern without '*' (nosort) comes in hash-table order unless it is an
intset (then in numeric order, compared exactly) or stored (then sorted
ALPHA); equal ALPHA BY values keep the order the elements were loaded in
(hash order for sets and sorted sets), so such scripts use lists or `~`.
"""

import pytest

from difftools import arity_error_lines, run_fixed_script

CASES = {}


def case(name, lines):
    assert name not in CASES
    CASES[name] = lines


I64_MAX, I64_MIN = "9223372036854775807", "-9223372036854775808"
LIMITS = ["0 0", "0 1", "0 3", "1 2", "2 100", "-5 2", "3 -1", "-1 -1", "100 2", "5 0",
          "0 " + I64_MAX, "2 " + I64_MAX, I64_MAX + " 1", I64_MIN + " " + I64_MIN, "4 1", "5 1"]

# ---------------------------------------------------------------- lists
case("sort-list", [
    "RPUSH l 3 1 10 2 -5 2.5 007 -0", "SORT l", "SORT l ASC", "SORT l DESC", "SORT l desc asc",
    "SORT l ALPHA", "SORT l ALPHA DESC", "SORT l alpha desc alpha",
] + ["SORT l LIMIT " + lim for lim in LIMITS]
  + ["SORT l DESC LIMIT " + lim for lim in LIMITS[:6]]
  + ["SORT l ALPHA LIMIT " + lim for lim in LIMITS[:6]] + [
    "SORT l LIMIT 0 2 LIMIT 1 3", "SORT l BY nosort", "SORT l BY nosort DESC",
    "SORT l BY nosort LIMIT 1 3", "SORT l BY nosort DESC LIMIT 1 3",
    "SORT l BY nosort LIMIT 10 3", "SORT l BY nosort DESC LIMIT 6 10",
    "SORT l BY nosort ALPHA", "SORT l BY constant DESC LIMIT 0 2",
    "RPUSH dup 2 1 2 1 3", "SORT dup", "SORT dup DESC", "SORT dup ALPHA DESC",
    "LRANGE l 0 -1", "SORT nokey", "SORT nokey DESC LIMIT 0 5", "SORT nokey BY nosort",
    "sort l", "Sort l Desc Limit 0 2",
])

# numbers are read with strtod: spaces before, hex, inf are numbers; trailing
# junk, NaN and out-of-range values are errors (the whole reply), "" is 0
case("sort-numbers", [
    "RPUSH n 1 ' 2' 0x10 inf -inf 1e3 '' -1.5 +4 1e-3 .5 5. 3.0000000000000001 -0",
    "SORT n", "SORT n DESC", "SORT n LIMIT 2 3",
    "RPUSH bad1 1 '2 ' 3", "SORT bad1", "SORT bad1 ALPHA", "SORT bad1 BY nosort",
    "RPUSH bad2 1 nan", "SORT bad2", "RPUSH bad3 1e400", "SORT bad3", "RPUSH bad4 abc",
    "SORT bad4", "SORT bad4 LIMIT 0 0", "RPUSH bad5 1e-400", "SORT bad5",
    "RPUSH bad6 -1e400 1", "SORT bad6", "RPUSH bad7 infinity -INF NaN", "SORT bad7",
    "RPUSH big " + I64_MAX + " " + I64_MIN + " 9223372036854775806 1e19",
    "SORT big", "SORT big DESC",
    ("RPUSH", "nul", b"1\x00abc", "0", b"2\x00"), ("SORT", "nul"), ("SORT", "nul", "DESC"),
    "RPUSH hex 0x1p3 0X10 0x 1e 1e+ +.5e1", "SORT hex",
    "RPUSH alpha b a B A '' aa ab 10 9 é", "SORT alpha ALPHA", "SORT alpha ALPHA DESC",
    "SORT alpha", "SORT alpha ALPHA LIMIT 2 3",
    ("RPUSH", "bin", b"\xff", b"\x00", b"a\x00b", b"a\x00a", b"a", b"\x7f", b"\x80"),
    ("SORT", "bin", "ALPHA"), ("SORT", "bin", "ALPHA", "DESC"),
])

# ---------------------------------------------------------------- sets
case("sort-set", [
    "SADD s 5 3 -1 10 0", "SORT s", "SORT s DESC", "SORT s ALPHA", "SORT s LIMIT 1 2",
    # an intset iterates in numeric order; BY nosort ignores DESC for a set
    "SORT s BY nosort", "SORT s BY nosort DESC", "SORT s BY nosort LIMIT 1 3",
    "SORT s BY nosort DESC LIMIT 0 2",
    "SADD w apple pear fig 12 3", "SORT w ALPHA", "SORT w ALPHA DESC", "SORT w",
    "~ SORT w BY nosort", "SORT w BY nosort LIMIT 0 0", "SORT w ALPHA LIMIT 1 2",
    "SADD f 1.5 -2.25 1e2 0x1", "SORT f", "SORT f DESC LIMIT 0 2",
    # stored: sorted ALPHA even BY nosort (and then DESC counts)
    "SORT w BY nosort STORE d", "LRANGE d 0 -1", "SORT s BY nosort STORE d DESC",
    "LRANGE d 0 -1", "SORT w BY nosort STORE d LIMIT 1 2", "LRANGE d 0 -1",
    "SORT s BY nosort STORE d GET # GET nokey_*", "LRANGE d 0 -1",
    "SMEMBERS nokey", "SORT nokey ALPHA",
])

case("sort-zset", [
    "ZADD z 3 c 1 a 2 b 5 e 4 d", "ZADD zn 1 10 2 9 3 -1 4 100", "SORT z ALPHA",
    "SORT z ALPHA DESC", "SORT z", "SORT zn", "SORT zn DESC", "SORT zn ALPHA",
    "SORT z BY nosort", "SORT z BY nosort DESC", "SORT z BY nosort LIMIT 1 2",
    "SORT z BY nosort DESC LIMIT 1 2", "SORT z BY nosort LIMIT 4 10", "SORT z BY nosort LIMIT 5 1",
    "SORT z BY nosort DESC LIMIT -3 " + I64_MAX, "SORT zn BY nosort GET #",
    "SORT z BY nosort STORE d", "LRANGE d 0 -1", "SORT z BY nosort DESC STORE d LIMIT 0 3",
    "LRANGE d 0 -1", "SORT_RO z BY nosort DESC", "SORT_RO zn LIMIT 1 2",
    "ZADD ties 1 b 1 a 1 c 0 z", "SORT ties BY nosort", "SORT ties BY nosort DESC",
])

# ---------------------------------------------------------------- BY and GET
case("sort-by-get", [
    "RPUSH ids 1 2 3 4 5", "MSET w_1 50 w_2 30 w_3 -10 w_5 7", "HSET o_1 n one p 5",
    "HSET o_2 n two p 4", "HSET o_3 n three", "HSET o_4 n four p 1", "SET o_5 plain",
    "MSET a_1 x a_2 y a_3 z a_4 z0 a_5 ''",
    # numeric BY (a missing key weighs 0), ALPHA BY (missing first)
    "SORT ids BY w_*", "SORT ids BY w_* DESC", "SORT ids BY w_* LIMIT 1 2",
    "SORT ids BY w_* DESC LIMIT 0 3", "SORT ids BY a_* ALPHA", "SORT ids BY a_* ALPHA DESC",
    "SORT ids BY o_*->p", "SORT ids BY o_*->p DESC", "SORT ids BY o_*->n ALPHA",
    "SORT ids BY o_*->n ALPHA DESC LIMIT 1 3", "SORT ids BY a_*", "SORT ids BY o_*->n",
    "SORT ids BY w_*->p", "SORT ids BY o_*", "SORT ids BY nokey_*",
    "SORT ids BY nokey_* DESC",
    # GET: # is the element, a missing key or field nil, no '*' nil
    "SORT ids GET #", "SORT ids GET w_*", "SORT ids GET # GET w_* GET o_*->n GET o_*->p",
    "SORT ids BY w_* GET o_*->n GET #", "SORT ids GET nokey", "SORT ids GET o_*",
    "SORT ids GET o_*->", "SORT ids GET o_*->nofield", "SORT ids GET w_*->p",
    "SORT ids GET ## GET #x GET *", "SORT ids GET *->n", "SORT ids LIMIT 1 1 GET # GET #",
    "SORT ids BY nosort GET w_* DESC", "SORT ids BY nosort GET w_* LIMIT 2 2",
    "SET ->x arrow", "SORT ids GET w_*->x", "SET x_1->n s1", "SORT ids GET x_*->n",
    "SET 1_1 p", "SORT ids GET *_1", "HSET h_1 '' e", "SORT ids GET h_*->",
    "SET k1 v", "SORT ids GET k*", "SORT ids GET k*k", "RPUSH list_1 a", "SORT ids GET list_*",
    "SORT ids BY list_*", "SORT ids BY k* GET k*",
    # the last BY counts, but a BY without '*' anywhere means nosort
    "SORT ids BY w_* BY nosort", "SORT ids BY nosort BY w_*", "SORT ids BY w_* BY a_* ALPHA",
    ("SORT", "ids", "BY", b"w_\x00*"), ("SORT", "ids", "GET", b"w_*\x00x"),
    ("SORT", "ids", "GET", b"#\x00"), ("SORT", "ids", "GET", b"o_*->n\x00z"),
    # BY values that are not numbers
    "SET w_4 notanumber", "SORT ids BY w_*", "SORT ids BY w_* ALPHA", "SORT ids BY w_* LIMIT 0 1",
    "SET w_4 ' 1'", "SORT ids BY w_*", "HSET o_1 p abc", "SORT ids BY o_*->p",
    # ALPHA BY ties keep list order
    "RPUSH t c a b", "SORT t BY nokey_* ALPHA", "SORT t BY nokey_* ALPHA DESC",
    "MSET q_a 1 q_b 1 q_c 0", "SORT t BY q_* ALPHA", "SORT t BY q_*",
])

# ---------------------------------------------------------------- STORE
case("sort-store", [
    "RPUSH l 3 1 2", "SORT l STORE d", "LRANGE d 0 -1", "TYPE d", "SORT l DESC STORE d",
    "LRANGE d 0 -1", "SORT l STORE d LIMIT 0 1", "LRANGE d 0 -1", "LLEN d",
    # an empty result deletes the destination
    "SORT l STORE d LIMIT 5 1", "EXISTS d", "SORT nokey STORE d", "EXISTS d",
    "SET d x", "SORT nokey STORE d", "EXISTS d",
    # whatever the destination held, and its TTL, goes
    "SET d v EX 100000", "SORT l STORE d", "TTL d", "LRANGE d 0 -1",
    "SADD d m", "SORT l STORE d ALPHA DESC", "TYPE d", "LRANGE d 0 -1",
    "HSET d f v", "SORT l STORE d", "TYPE d", "ZADD d 1 m", "SORT l STORE d", "TYPE d",
    # GET: a missing value is stored as ""
    "MSET w_1 one w_3 three", "SORT l GET # GET w_* STORE d", "LRANGE d 0 -1",
    "SORT l GET nokey STORE d", "LRANGE d 0 -1", "LLEN d",
    # onto its own key, and the STORE keyword twice (the last)
    "SORT l STORE l DESC", "LRANGE l 0 -1", "SORT l STORE x STORE y", "EXISTS x",
    "LRANGE y 0 -1", "RPUSH bad abc", "SORT bad STORE d", "LRANGE d 0 -1",
    "SORT l ALPHA STORE d", "LRANGE d 0 -1",
    ("RPUSH", "bin", b"a\x00b", b"a\x00a", b"\xff", b""), ("SORT", "bin", "ALPHA", "STORE", "d"),
    ("LRANGE", "d", "0", "-1"),
    "SADD s b a c", "SORT s ALPHA STORE d", "LRANGE d 0 -1",
    "sort l store d2", "LRANGE d2 0 -1", "~ KEYS *",
])

# ---------------------------------------------------------------- SORT_RO, errors
case("sort-ro", [
    "RPUSH l 3 1 2", "MSET w_1 3 w_2 2 w_3 1", "SORT_RO l", "SORT_RO l DESC LIMIT 0 2",
    "SORT_RO l ALPHA", "SORT_RO l BY w_* GET # GET w_*", "SORT_RO l BY nosort",
    "SORT_RO l STORE d", "SORT_RO l STORE", "EXISTS d", "SORT_RO nokey",
    "SORT_RO l BOGUS", "SORT_RO l LIMIT 0", "SET s v", "SORT_RO s", "SORT_RO s STORE d",
    "sort_ro l desc", "Sort_Ro l alpha",
])

case("sort-errors", [
    "RPUSH l 1 2", "SORT l LIMIT", "SORT l LIMIT 0", "SORT l LIMIT a 1", "SORT l LIMIT 0 a",
    "SORT l LIMIT 1.5 1", "SORT l LIMIT 0 9223372036854775808", "SORT l BY", "SORT l GET",
    "SORT l STORE", "SORT l BOGUS", "SORT l DESC BOGUS", "SORT l ALPHA LIMIT 0 1 x",
    "SORT l ''",
    # the options are checked before the key's type
    "SET s v", "HSET h f v", "SORT s", "SORT h", "SORT s LIMIT a 1", "SORT s BOGUS",
    "SORT s STORE d", "EXISTS d", "SORT h BY nosort", "SORT_RO h", "SORT nokey LIMIT a b",
    "SORT nokey BOGUS",
] + arity_error_lines({"SORT": -2, "SORT_RO": -2}))


# the keys: SORT's own, and the last STORE's (options' arguments skipped)
case("sort-getkeys", [
    "COMMAND GETKEYS SORT l", "COMMAND GETKEYS SORT l STORE d",
    "COMMAND GETKEYS SORT l STORE d STORE e", "COMMAND GETKEYS SORT l GET store STORE x",
    "COMMAND GETKEYS SORT l LIMIT store x", "COMMAND GETKEYS SORT l BY store",
    "COMMAND GETKEYS SORT l STORE", "COMMAND GETKEYS sort l store d",
    "COMMAND GETKEYS SORT_RO l", "COMMAND GETKEYS SORT_RO l STORE d",
    "COMMAND GETKEYS SORT", "COMMAND GETKEYS LMPOP 2 a b LEFT",
])


def test_every_command_covered():
    used = {str(line if isinstance(line, str) else line[0]).split()[0].upper()
            for lines in CASES.values() for line in lines}
    assert {"SORT", "SORT_RO"} <= used


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_script(live_pair, name, proto):
    run_fixed_script(live_pair, name, CASES[name], proto)
