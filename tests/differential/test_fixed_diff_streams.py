"""Curated scripts for the stream commands XADD, XLEN, XRANGE, XREVRANGE,
XDEL, XTRIM, XREAD (without BLOCK: the blocking forms are in
test_blocking.py), XSETID and XINFO STREAM, compared with a real
redis-server 7.0 like test_fixed_diff.py (same line syntax and prefixes, see
difftools.parse_line; each case over RESP2 and RESP3 on an empty key space:
XREAD and XINFO STREAM answer a RESP3 map, an XRANGE with COUNT 0 a RESP3
null).

Ids are explicit almost everywhere, so every reply is deterministic. The
replies that are not are compared with `@stream` (difftools.stream_masked):
an XADD "*" reply only by its form <ms>-<seq>, and XINFO STREAM with the
values of radix-tree-keys and radix-tree-nodes (Redis's internal radix-tree
sizes) masked. Consumer groups (XGROUP, XREADGROUP, XACK, XPENDING, XCLAIM,
XAUTOCLAIM, XINFO GROUPS / CONSUMERS) are not covered.

Besides the replies of the stream commands themselves, the scripts check what
the key space says about a stream (TYPE "stream", OBJECT ENCODING "stream",
EXISTS, DEL, RENAME, COPY, TTLs, SCAN TYPE stream), that a stream emptied by
XDEL, XTRIM or a trimming XADD is NOT deleted (unlike a list, it keeps its
last id, its TTL and its type), the WRONGTYPE matrix in both directions, and
which argument errors come before WRONGTYPE or before the missing-key reply
(see the comments of each case).

Approximate trimming ("~") removes whole radix-tree nodes only. A Redis node
holds at most 100 entries (stream-node-max-entries; deleted entries still
count until the node is rewritten) or 4096 bytes (stream-node-max-bytes); the
entries of these scripts are small, so only the 100-entry rule matters here:
a stream filled one XADD at a time has its nodes at entries 1-100, 101-200, ...
"""

import pytest

from difftools import (PREFIX_KIND, Mismatch, arity_error_lines, check_reply,
                       parse_line, run_fixed_script)

CASES = {}

# every command this file covers (test_every_stream_command_is_tested)
STREAM_COMMANDS = ["XADD", "XLEN", "XRANGE", "XREVRANGE", "XDEL", "XTRIM", "XREAD", "XSETID",
                   "XINFO"]

# Redis 7.0 arities (negative = at least that many); XINFO is a container
# (XINFO STREAM has -3, see "stream-arity").
STREAM_ARITY = {"XADD": -5, "XLEN": 2, "XRANGE": -4, "XREVRANGE": -4, "XDEL": -3,
                "XTRIM": -4, "XREAD": -4, "XSETID": -3, "XINFO": -2}


def case(name, lines):
    assert name not in CASES
    CASES[name] = lines


def fill(key, first, n, field="f"):
    """XADD key <i> field <i> for i in first .. first + n - 1."""
    return ["XADD %s %d %s %d" % (key, i, field, i) for i in range(first, first + n)]


U64_MAX = "18446744073709551615"
MAXID = U64_MAX + "-" + U64_MAX
I64_MAX = "9223372036854775807"

# six entries, two of them sharing the ms 5 (used by the range cases)
SIX = ["XADD s 1-0 a 1", "XADD s 1-1 b 2", "XADD s 2-0 c 3", "XADD s 5-3 d 4",
       "XADD s 5-7 e 5", "XADD s 9-0 f 6"]

# ---------------------------------------------------------------- XADD
# Explicit ids: "ms-seq", "ms" alone (seq 0) and "ms-*" (seq 0 on a new ms,
# the top's seq + 1 on the top's ms, "equal or smaller" below it). An id must
# be above the stream's last id; 0-0 (also written "0") is refused with its own
# error. Fields may repeat (kept as given) and be empty; the reply is the id.
case("xadd-explicit-ids", [
    "XADD s 1-1 a 1", "XADD s 1-1 a 1", "XADD s 1-0 a 1", "XADD s 0-5 a 1", "XADD s 1-2 b 2",
    "XADD s 5 c 3", "XADD s 5 c 3", "XADD s 5-0 c 3", "XADD s 5-* d 4", "XADD s 5-* e 5",
    "XADD s 4-* x x", "XADD s 7-* f 6", "XADD s 7-3 g 7", "XADD s 7-2 h 8", "XLEN s",
    "XRANGE s - +", "TYPE s",
    "XADD s 0-0 a 1", "XADD t 0-0 a 1", "XADD t 0 a 1", "EXISTS t", "XADD t 0-1 a 1",
    "XADD t 0-* a 1", "XADD t 0-* a 1", "XADD u 0-* a 1", "XADD u2 3-* a 1", "XLEN t",
    "XRANGE t - +", "XRANGE u - +",
    "XADD d 1 f v f2 v2 f v3", "XADD d 2 '' ''", "XADD d 3 f ''", "XADD d 4 '' v",
    "XRANGE d - +", "xadd s 8 lower case", "XAdd s 9-1 mixed case", "XREVRANGE s + - COUNT 2",
    "~ KEYS *", "DBSIZE",
])

# The largest id is 18446744073709551615-18446744073709551615. "ms-*" on a top
# whose seq is the largest fails with "Elements are too large to be stored";
# once a stream's last id is the largest id, every XADD (explicit ids too,
# also after the stream was emptied) is refused as "exhausted": this comes
# after the 0-0 and syntax errors but before the id comparison. XSETID to a
# lower id (allowed on an empty stream) ends it. With the top's ms in the
# future, "*" is deterministic: the top + 1.
case("xadd-id-limits", [
    "XADD a 5-" + U64_MAX + " a 1", "XADD a 5-* a 1", "XADD a 5 a 1", "XADD a 6-* a 1",
    "XRANGE a - +",
    "XADD q " + U64_MAX + "-18446744073709551614 a 1", "XADD q " + U64_MAX + "-* a 1",
    "XADD q " + U64_MAX + "-* a 1", "XADD q * a 1", "XADD q 1-1 a 1", "XADD q 0-0 a 1",
    "XADD q x a 1", "XADD q NOMKSTREAM 1 a 1", "XADD q MAXLEN 0 1 a 1", "XLEN q",
    "XRANGE q - +", "XTRIM q MAXLEN 0", "XLEN q", "XADD q 1-1 a 1", "XSETID q 5",
    "XADD q 1-1 a 1", "XADD q 5-* a 1", "XRANGE q - +",
    "XADD m " + MAXID + " a 1", "XADD m * a 1", "XLEN m",
    "XADD big 9223372036854775808 a 1", "XADD big " + U64_MAX + " a 1", "XADD big * a 1",
    "XADD big * a 1", "XADD big 18446744073709551616 a 1", "XADD big 1-18446744073709551616 a 1",
    "XRANGE big - +",
    # the clock is far behind these tops: "*" and "ms-*" take the top + 1
    "XADD f 99999999999999-5 a 1", "XADD f * b 2", "XADD f 99999999999999-* c 3",
    "XADD f 99999999999998-* d 4", "XADD f 100000000000000-* e 5", "XADD f * f 6",
    "XRANGE f - +", "XLEN f",
])

# "*" ids come from the clock: `@stream` compares XADD's reply by its form
# only (errors and nil exactly). An explicit id below the clock is refused
# afterwards, one in the far future accepted, and "*" then continues from it.
case("xadd-star", [
    "@stream XADD s * f v", "@stream XADD s * f v f2 v2", "@stream xadd s * a b", "XLEN s",
    "XADD s 1-1 a 1", "XADD s 1 a 1", "XADD s 0-0 a 1", "@stream XADD s MAXLEN 2 * c d",
    "XLEN s", "@stream XADD s MINID 0 * e f", "XLEN s", "@stream XADD s MAXLEN ~ 1 * g h",
    "XLEN s", "@stream XADD n NOMKSTREAM * f v", "EXISTS n", "@stream XADD n MAXLEN 0 * f v",
    "XLEN n", "TYPE n", "@stream XADD s * odd", "@stream XADD s *", "@stream XADD s * a b c",
    "XADD s 99999999999999-0 f v", "@stream XADD s * f v", "XRANGE s 99999999999999 +",
    "SET str v", "@stream XADD str * f v", "@stream XADD str NOMKSTREAM * f v", "GET str",
    "TYPE s",
])

# Options come before the id, in any order, and may repeat (LIMIT: the last
# wins). They are all parsed before the key is looked up, so their errors
# come first on a missing key and on a key of another type. MAXLEN and MINID
# together (or either twice) are "not compatible"; LIMIT needs "~" (a "="
# or no flag: "without the special ~ option") and a strategy. The trim runs
# after the new entry is added, so MAXLEN 0 or a MINID above the new id leave
# an empty stream (which still exists). A word that is no option is the id.
# NOMKSTREAM on a missing key: nil, nothing created (but a bad id or option
# is still an error).
case("xadd-options", [
    "XADD s NOMKSTREAM 1 a 1", "EXISTS s", "XADD s nomkstream * a 1", "EXISTS s",
    "XADD s NOMKSTREAM MAXLEN 0 1 a 1", "XADD s NOMKSTREAM x a 1", "XADD s NOMKSTREAM 0 a 1",
    "XADD s NOMKSTREAM MAXLEN -1 1 a 1", "EXISTS s",
    "XADD s 1 a 1", "XADD s NOMKSTREAM 2 b 2", "XADD s NOMKSTREAM NOMKSTREAM 3 c 3",
    "XADD s MAXLEN 2 4 d 4", "XRANGE s - +", "XADD s MAXLEN = 2 5 e 5", "XRANGE s - +",
    "XADD s MAXLEN ~ 1 6 f 6", "XLEN s", "XADD s MAXLEN ~ 1 LIMIT 5 7 g 7", "XLEN s",
    "XADD s MINID 6 8 h 8", "XRANGE s - +", "XADD s MINID = 8 9 i 9", "XRANGE s - +",
    "XADD s MINID ~ 5 10 j 10", "XLEN s", "XADD s MAXLEN 1 NOMKSTREAM 11 k 11",
    "XRANGE s - +", "XADD s LIMIT 5 MAXLEN ~ 1 12 l 12",
    "XADD s MAXLEN ~ 1 LIMIT 5 LIMIT 6 13 m 13",
    "XADD s maxlen ~ 0 limit 0 14 n 14", "XLEN s", "EXISTS s",
    "XADD s MINID 100 15 o 15", "XLEN s", "XADD s MAXLEN 0 16 p 16", "XLEN s", "TYPE s",
    "XADD s MAXLEN " + I64_MAX + " 17 q 17", "XADD s MINID " + MAXID + " 18 r 18", "XLEN s",
    # errors
    "XADD s MAXLEN -1 19 a 1", "XADD s MAXLEN x 19 a 1", "XADD s MAXLEN 1.0 19 a 1",
    "XADD s MAXLEN '' 19 a 1", "XADD s MAXLEN 9223372036854775808 19 a 1",
    "XADD s MAXLEN ~ x 19 a 1", "XADD s MAXLEN = -1 19 a 1", "XADD s MAXLEN 1 LIMIT 5 19 a 1",
    "XADD s MAXLEN = 1 LIMIT 5 19 a 1", "XADD s MINID 1 LIMIT 5 19 a 1",
    "XADD s MAXLEN ~ 1 LIMIT -1 19 a 1", "XADD s MAXLEN ~ 1 LIMIT x 19 a 1",
    "XADD s LIMIT 1 19 a 1", "XADD s MAXLEN 1 MINID 5 19 a 1", "XADD s MINID 5 MAXLEN 1 19 a 1",
    "XADD s MAXLEN 1 MAXLEN 2 19 a 1", "XADD s MINID 1 MINID 2 19 a 1",
    "XADD s MINID x 19 a 1", "XADD s MINID -1 19 a 1", "XADD s MINID - 19 a 1",
    "XADD s MINID + 19 a 1", "XADD s MINID * 19 a 1", "XADD s MINID 5-* 19 a 1",
    "XADD s BOGUS 19 a 1", "XADD s MAXLEN ~ 1 LIMIT " + I64_MAX + " 18 a 1",
    "XADD s MAXLEN 1 1 a 1", "XLEN s",
    # option errors before WRONGTYPE and before the missing-key nil
    "SET str v", "XADD str MAXLEN -1 1 a 1", "XADD str MAXLEN 1 LIMIT 1 1 a 1",
    "XADD str MINID x 1 a 1", "XADD str NOMKSTREAM 1 a 1", "XADD str MAXLEN 1 1 a 1",
    "XADD nokey NOMKSTREAM MAXLEN 1 MINID 1 1 a 1", "XADD nokey NOMKSTREAM LIMIT 1 1 a 1",
    "EXISTS nokey", "GET str",
])

# Argument shape: after the options, an id and at least one field/value pair;
# an odd number of field/value words is an arity error (the command's own
# wording, not a syntax error). The 0-0 error and a bad id come before the
# key is looked up: also on a key of another type.
case("xadd-arguments", [
    "XADD s 1 a", "XADD s 1 a 1 b", "XADD s 1", "XADD s * a", "XADD s NOMKSTREAM",
    "XADD s NOMKSTREAM 1 f", "XADD s MAXLEN 1 * a", "XADD s MAXLEN", "XADD s MAXLEN 5",
    "XADD s MAXLEN ~", "XADD s NOMKSTREAM a 1", "XADD s MAXLEN 1 a 1", "EXISTS s",
    "SET str v", "XADD str 1 a 1", "XADD str 1 a", "XADD str 0 a 1", "XADD str 0-0 a 1",
    "XADD str x a 1", "XADD str * a 1", "GET str", "RPUSH list x", "XADD list 1 a 1",
    "XADD list 0 a 1", "LRANGE list 0 -1", "XADD", "XADD s", "xadd s 1 a",
])

# ---------------------------------------------------------------- ids
# Bad ids: one "-" at most, decimal u64 on both sides ("ms-*" only for XADD);
# "-", "+", "$", "*" and "(" are special words for some commands only. The
# error text is the same for every command that parses ids.
BAD_IDS = ["x", "''", "-1", "1-", "-", "+", "$", "*-1", "1-2-3", "1.5", "1e3", "0x10",
           "18446744073709551616", "1-18446744073709551616", "'1 '", "'1-1 '", "1--1",
           "**", "4-**", ">", "(1", "'1 2'"]
INVALID_LINES = ["XADD s 1 a 1", "SET str v"]
for bad in BAD_IDS:
    INVALID_LINES += ["XADD s %s a 1" % bad, "XADD new %s a 1" % bad,
                      "XADD str %s a 1" % bad, "XDEL s %s" % bad, "XSETID s %s" % bad]
for bad in ["x", "''", "1-*", "*", "1-2-3", "18446744073709551616", "'1 '", "1--1", "((1",
            "(", "(-", "(+"]:
    INVALID_LINES += ["XRANGE s %s +" % bad, "XRANGE s - %s" % bad, "XREVRANGE s %s -" % bad,
                      "XRANGE nokey %s +" % bad, "XRANGE str %s +" % bad,
                      "XTRIM s MINID %s" % bad, "XREAD STREAMS s %s" % bad]
INVALID_LINES += ["XRANGE s - +", "XLEN s", "EXISTS new", "GET str"]
case("stream-id-invalid", INVALID_LINES)

# Redis reads each half of an id with string2ull, which falls back to
# strtoull: a leading "+", leading whitespace and leading zeros are accepted,
# and a seq of "-01" (not "-1": string2ll refuses that one first) wraps to
# 18446744073709551615. The whole id may be 127 bytes at most (checked
# before parsing, so leading zeros count). "0-" prefixes: "-0" halves are
# fine, the ms half never starts with "-" (the first "-" splits the id).
case("stream-id-strtoull-quirks", [
    "XADD w +1 a 1", "XADD w 1-+1 a 1", "XADD w ' 2' a 1", "XADD w '2- 1' a 1",
    "XADD w 03-04 a 1", "XADD w 4--0 a 1", "XADD w 5-00 a 1", "XADD w '\t6' a 1",
    "XADD w 7--01 a 1", "XRANGE w - +", "XADD w 7-* a 1", "XADD w 8--1 a 1",
    "XADD w -0 a 1", "XADD w ' -8' a 1", "XADD w '+ 8' a 1", "XADD w 8-+-1 a 1",
    # 127 bytes: fine; 128 bytes: invalid
    "XADD w " + "0" * 126 + "9 a 1", "XADD w " + "0" * 126 + "10 a 1",
    "XADD w " + "0" * 125 + "10 a 1", "XADD w " + "0" * 124 + "11-1 a 1",
    "XADD w " + "0" * 123 + "11-1 a 1",
    "XRANGE w 000000000000000000009 +", "XRANGE w (+8 (00011", "XDEL w +1 ' 2' 003-4",
    "XSETID w +100", "XADD w 100 a 1", "XSETID w 0100-1", "XRANGE w - +", "XLEN w",
])

# ---------------------------------------------------------------- XRANGE
# "-" and "+" are the smallest and largest ids; an incomplete id "5" is 5-0
# as a start and 5-18446744073709551615 as an end. COUNT (repeatable, last
# wins, any case) limits the reply; COUNT 0 or negative on an existing stream
# is a null array (RESP3 null) but an empty array on a missing key. A start
# above the end is an empty array. Ids and COUNT are parsed before the key
# is looked up.
case("xrange", SIX + [
    "XRANGE s - +", "XRANGE s - + COUNT 2", "XRANGE s 1 1", "XRANGE s 5 5", "XRANGE s 5 +",
    "XRANGE s - 2", "XRANGE s 1 1-0", "XRANGE s 5-3 5-3", "XRANGE s 5-4 5-6", "XRANGE s 3 4",
    "XRANGE s 9 1", "XRANGE s + -", "XRANGE s 0 0", "XRANGE s 9-1 +", "XRANGE s - 0-5",
    "XRANGE s 0-0 " + MAXID, "XRANGE s " + U64_MAX + " +", "XRANGE s 2-0 2-0",
    "XRANGE s - + COUNT 0", "XRANGE s - + COUNT -1", "XRANGE s - + COUNT -5",
    "XRANGE s 100 200 COUNT 0", "XRANGE s 100 200", "XRANGE s - + COUNT 1 COUNT 3",
    "XRANGE s - + count 1", "XRANGE s - + Count 4", "XRANGE s 2 + COUNT 2",
    "XRANGE s - + COUNT " + I64_MAX, "XRANGE s 5 5 COUNT 1",
    "XRANGE s - + COUNT x", "XRANGE s - + COUNT 1.5", "XRANGE s - + COUNT ''",
    "XRANGE s - + COUNT 9223372036854775808", "XRANGE s - + COUNT", "XRANGE s - + BOGUS 1",
    "XRANGE s - + COUNT 1 BOGUS", "XRANGE s - + COUNT 1 2",
    "XRANGE nokey - +", "XRANGE nokey - + COUNT 0", "XRANGE nokey - + COUNT -1",
    "XRANGE nokey - + COUNT x", "XRANGE nokey 5 1",
    "SET str v", "XRANGE str - +", "XRANGE str - + COUNT 0", "XRANGE str - + COUNT x",
    "xrange s - + COUNT 1", "XLEN s", "XLEN nokey",
])

# "(" makes a bound exclusive; an incomplete id is completed first, then
# moved by one: "(1" as a start is 1-1 (so it drops 1-0 only), "(5" as an end
# is 5-18446744073709551614. "(-" and "(+" are invalid ids; an exclusive
# start at the largest id or an exclusive end at 0-0 are errors of their own.
case("xrange-exclusive", SIX + [
    "XRANGE s (1 +", "XRANGE s (1-0 +", "XRANGE s (1-1 +", "XRANGE s - (5-7", "XRANGE s (5 +",
    "XRANGE s - (5", "XRANGE s - (5-0", "XRANGE s (5-3 (5-7", "XRANGE s (5-3 (5-4",
    "XRANGE s (5-6 (5-7", "XRANGE s (5-3 5-3", "XRANGE s (5-2 5-3", "XRANGE s (0-0 +",
    "XRANGE s - (" + MAXID, "XRANGE s (" + MAXID + " +", "XRANGE s - (0-0",
    "XRANGE s (" + MAXID + " (0-0", "XRANGE s - (0", "XRANGE s (" + U64_MAX + " +",
    "XRANGE s (0 (1", "XRANGE s (1 (2", "XRANGE s (1 (2 COUNT 0", "XRANGE s (1 + COUNT 2",
    "XRANGE s (- +", "XRANGE s - (+", "XRANGE nokey (" + MAXID + " +",
    "XRANGE nokey - (0-0", "XREVRANGE s (5-7 -", "XREVRANGE s + (5", "XREVRANGE s (5 -",
    "XREVRANGE s (5 (1", "XREVRANGE s (" + MAXID + " -", "XREVRANGE s + (0-0",
    "XREVRANGE s (0-0 -", "XREVRANGE s + (" + MAXID, "XREVRANGE s (+ -", "XREVRANGE s + (-",
])

# XREVRANGE takes the end first, answers newest first; otherwise as XRANGE.
case("xrevrange", SIX + [
    "XREVRANGE s + -", "XREVRANGE s - +", "XREVRANGE s + - COUNT 2", "XREVRANGE s 5 5",
    "XREVRANGE s 5 1", "XREVRANGE s 1 5", "XREVRANGE s 2 -", "XREVRANGE s + 5-7",
    "XREVRANGE s 5-6 5-4", "XREVRANGE s " + MAXID + " 0-0",
    "XREVRANGE s + - COUNT 0", "XREVRANGE s + - COUNT -1", "XREVRANGE s + - COUNT 1 COUNT 4",
    "XREVRANGE s + - count 3", "XREVRANGE s + - COUNT x", "XREVRANGE s + - COUNT",
    "XREVRANGE s + - BOGUS", "XREVRANGE nokey + -", "XREVRANGE nokey + - COUNT 0",
    "SET str v", "XREVRANGE str + -", "XREVRANGE str x -", "XREVRANGE str + - COUNT x",
    "xrevrange s + - COUNT 1",
])

# ---------------------------------------------------------------- XDEL
# XDEL looks the key up first (a missing key is 0 and a key of another type
# WRONGTYPE whatever the ids), then parses every id (one bad id: an error and
# nothing deleted), then deletes; an id given twice counts once. Deleting the
# last entry leaves an empty stream: the key stays (with its TTL), XLEN 0,
# and its last id still bounds XADD.
case("xdel", [
    "XADD s 1 a 1", "XADD s 2 b 2", "XADD s 3 c 3", "XADD s 4 d 4", "XADD s 5 e 5",
    "XDEL s 2", "XDEL s 2", "XDEL s 3 3 3", "XDEL s 9 10", "XDEL s 1-0 1 9", "XRANGE s - +",
    "XLEN s", "XDEL s 4 x", "XDEL s x", "XDEL s 4-*", "XDEL s *", "XDEL s -", "XDEL s +",
    "XDEL s (4", "XLEN s", "XDEL s 0-0", "XDEL s " + MAXID, "XDEL s 4-1 5-0", "XRANGE s - +",
    "XDEL nokey 1", "XDEL nokey x", "EXISTS nokey", "SET str v", "XDEL str 1", "XDEL str x",
    "xdel s 4", "XLEN s", "EXISTS s", "TYPE s", "XRANGE s - +", "XREVRANGE s + -",
    "XADD s 5 again 1", "XADD s 4 again 1", "XADD s 6 again 1", "XRANGE s - +",
    "XDEL s", "XDEL", "XDEL s 6 6-0", "XLEN s",
])

# A stream emptied by XDEL, XTRIM or a trimming XADD is never deleted: it
# keeps its type, its TTL and its last id (unlike a list or a set).
case("stream-emptied-kept", [
    "XADD s 1 a 1", "EXPIRE s 100000", "XDEL s 1", "EXISTS s", "TYPE s", "@ttl TTL s",
    "XLEN s", "XADD s 1 a 1", "XRANGE s - +",
    "XADD t 1 a 1", "XADD t 2 b 2", "EXPIRE t 100000", "XTRIM t MAXLEN 0", "EXISTS t",
    "@ttl TTL t", "XLEN t", "XADD t 2 b 2",
    "XADD u 1 a 1", "XADD u 2 b 2", "XTRIM u MINID 3", "EXISTS u", "XLEN u",
    "XADD v 1 a 1", "XADD v MAXLEN 0 2 b 2", "EXISTS v", "XLEN v", "XRANGE v - +",
    "XADD w 5 a 1", "XADD w MINID 9 6 b 2", "XLEN w", "XREAD STREAMS w 0",
    "XADD x MAXLEN ~ 0 1 a 1", "XLEN x", "XTRIM x MINID ~ 5", "TYPE x", "OBJECT ENCODING x",
    "~ KEYS *", "DBSIZE", "@scan SCAN 0 TYPE stream", "DEL s t u v w x", "DBSIZE",
])

# ---------------------------------------------------------------- XTRIM
# Exact trimming (no flag or "="): MAXLEN keeps the newest n entries, MINID
# drops every entry below the id (an incomplete MINID is ms-0). The reply is
# the number of entries removed; a missing key is 0 and is not created.
case("xtrim-exact", SIX + [
    "XTRIM s MAXLEN 5", "XRANGE s - + COUNT 1", "XTRIM s MAXLEN = 4", "XTRIM s MAXLEN = 4",
    "XTRIM s MAXLEN 100", "XTRIM s MAXLEN " + I64_MAX, "XLEN s", "XTRIM s MINID 5",
    "XRANGE s - +", "XTRIM s MINID 5-7", "XTRIM s MINID = 5-7", "XTRIM s MINID 0",
    "XTRIM s MINID 0-0", "XRANGE s - +", "XTRIM s minid 6", "XRANGE s - +",
    "XTRIM s MaxLen 0", "XLEN s", "EXISTS s", "XTRIM s MAXLEN 0", "XTRIM s MINID " + MAXID,
    "XADD s 10 a 1", "XADD s 11 b 2", "XTRIM s MINID " + MAXID, "XLEN s",
    "XADD t 1 a 1", "XADD t 2 b 2", "XADD t 3 c 3", "XDEL t 2", "XTRIM t MAXLEN 1",
    "XRANGE t - +", "XTRIM nokey MAXLEN 1", "XTRIM nokey MINID 5", "EXISTS nokey",
])

# Approximate trimming ("~") on streams of one node (at most 100 entries):
# nothing is removed unless the whole node goes (MAXLEN ~ 0, or a MINID above
# its last entry). LIMIT (with "~" only; 0: no limit) caps the entries
# removed, whole nodes only.
case("xtrim-approx-small", SIX + [
    "XTRIM s MAXLEN ~ 2", "XTRIM s MAXLEN ~ 5", "XLEN s", "XTRIM s MINID ~ 9", "XLEN s",
    "XTRIM s MINID ~ 9-0", "XTRIM s MAXLEN ~ 1 LIMIT 1", "XTRIM s MAXLEN ~ 0 LIMIT 5",
    "XLEN s", "XTRIM s MAXLEN ~ 0 LIMIT 6", "XLEN s", "EXISTS s",
    "XADD t 1 a 1", "XADD t 2 a 1", "XADD t 3 a 1", "XTRIM t MINID ~ 10 LIMIT 2",
    "XTRIM t MINID ~ 3", "XTRIM t MINID ~ 4 LIMIT 0", "XLEN t",
    "XADD u 1 a 1", "XADD u 2 a 1", "XTRIM u maxlen ~ 0 limit 0", "XLEN u",
    "XADD v 1 a 1", "XTRIM v MAXLEN ~ 0 LIMIT " + I64_MAX, "XLEN v",
])

# Approximate trimming on multi-node streams: 250 entries are nodes 1-100,
# 101-200, 201-250. MAXLEN ~ n removes whole nodes from the head while the
# rest still holds at least n entries; MINID ~ id removes the head nodes
# whose last entry is below id; LIMIT stops before a node that would exceed
# it. XADD with MAXLEN ~ trims the same way after adding. The entries a node
# counts toward its 100 include deleted ones (node 1 of d: 50 live, 50
# deleted, so entry 101 starts node 2); its size for trimming is its live
# entries. XINFO STREAM FULL lists the first 10 entries by default.
case("xtrim-approx-nodes", fill("b", 1, 250) + [
    "XLEN b", "XTRIM b MAXLEN ~ 151", "XTRIM b MAXLEN ~ 150 LIMIT 99", "XLEN b",
    "XTRIM b MAXLEN ~ 150 LIMIT 100", "XLEN b", "XRANGE b - + COUNT 1",
    "XTRIM b MINID ~ 250", "XTRIM b MINID ~ 200", "XTRIM b MINID ~ 201", "XLEN b",
    "XRANGE b - + COUNT 1", "XTRIM b MAXLEN = 10", "XLEN b", "XTRIM b MAXLEN ~ 0", "XLEN b",
] + fill("c", 1, 150) + [
    "XADD c MAXLEN ~ 60 151 f 151", "XLEN c", "XADD c MAXLEN ~ 50 152 f 152", "XLEN c",
    "XRANGE c - + COUNT 2", "XADD c MINID ~ 200 153 f 153", "XLEN c",
] + fill("d", 1, 100) + [
    "XDEL d " + " ".join(str(i) for i in range(1, 51)), "XADD d 101 f 101", "XLEN d",
    "XTRIM d MAXLEN ~ 2", "XTRIM d MAXLEN ~ 1", "XLEN d", "XRANGE d - +",
] + fill("e", 1, 120) + [
    "@stream XINFO STREAM e FULL", "@stream XINFO STREAM e FULL COUNT 105",
    "XTRIM e MAXLEN ~ 19", "XLEN e", "XTRIM e MAXLEN 19", "XLEN e",
    "@stream XINFO STREAM e", "XTRIM e MINID ~ 110", "XLEN e",
])

# Arguments: everything is parsed before the key is looked up. "MAXLEN ~"
# reads the threshold after the flag (so "MAXLEN ~" alone, "~1", "= ~ 1"
# are bad integers); a strategy is required; MAXLEN with MINID (or twice) is
# "not compatible"; LIMIT without "~" and a negative LIMIT or MAXLEN have their
# own errors; NOMKSTREAM is an XADD option only.
case("xtrim-errors", ["XADD s 1 a 1", "XADD s 2 a 2", "SET str v"] + [
    line.format(k=k) for k in ("s", "nokey", "str") for line in [
        "XTRIM {k} MINID = (5", "XTRIM {k} MINID -", "XTRIM {k} MINID x",
        "XTRIM {k} MAXLEN x", "XTRIM {k} MAXLEN -1", "XTRIM {k} MAXLEN 1.5",
        "XTRIM {k} MAXLEN 9223372036854775808", "XTRIM {k} MAXLEN 1 LIMIT 1",
        "XTRIM {k} MAXLEN = 1 LIMIT 1", "XTRIM {k} MINID 1 LIMIT 1",
        "XTRIM {k} MAXLEN ~ 1 LIMIT -1", "XTRIM {k} MAXLEN ~ 1 LIMIT x",
        "XTRIM {k} MAXLEN ~ 1 LIMIT", "XTRIM {k} MAXLEN ~", "XTRIM {k} BOGUS 1",
        "XTRIM {k} LIMIT 1", "XTRIM {k} MAXLEN 1 MINID 1", "XTRIM {k} MINID 1 MAXLEN 1",
        "XTRIM {k} MAXLEN 1 BOGUS", "XTRIM {k} maxlen 1 extra",
        "XTRIM {k} MAXLEN ~ 1 LIMIT 1 x", "XTRIM {k} MAXLEN 1 MAXLEN 1",
        "XTRIM {k} MINID 1 MINID 1", "XTRIM {k} NOMKSTREAM MAXLEN 1",
        "XTRIM {k} MAXLEN ~ LIMIT 1", "XTRIM {k} MAXLEN = ~ 1", "XTRIM {k} MAXLEN == 1",
        "XTRIM {k} MAXLEN '~1'", "XTRIM {k} LIMIT 1 MAXLEN ~ 1", "XTRIM {k} MAXLEN 1",
        "XTRIM {k} MINID 1", "XTRIM {k} MAXLEN", "XTRIM {k}"]
] + ["XRANGE s - +", "EXISTS nokey", "GET str", "XTRIM", "xtrim s maxlen"])

# ---------------------------------------------------------------- XREAD
# XREAD [COUNT n] STREAMS k1 .. kn id1 .. idn: the entries above each id,
# one [key, entries] pair per stream that has some (in the order given, a
# key given twice answered twice), a null array when none has (a missing key
# is just skipped; RESP3: a map, and a null). "$" is the stream's last id
# (nothing without BLOCK); an incomplete id is ms-0. COUNT 0 or negative: no
# limit; COUNT applies per stream. Option words are not case sensitive; what
# follows STREAMS is keys and ids only (even a word "STREAMS").
case("xread", [
    "XADD s1 1 a 1", "XADD s1 2 b 2", "XADD s1 2-5 c 3", "XADD s2 5 d 4",
    "XREAD STREAMS s1 0", "XREAD STREAMS s1 1", "XREAD STREAMS s1 2", "XREAD STREAMS s1 2-4",
    "XREAD STREAMS s1 2-5", "XREAD STREAMS s1 $", "XREAD STREAMS s1 0-0",
    "XREAD STREAMS s1 " + MAXID, "XREAD STREAMS s1 1-" + U64_MAX, "XREAD STREAMS s1 s2 0 0",
    "XREAD STREAMS s2 s1 0 0", "XREAD STREAMS s1 s2 nokey 0 0 0",
    "XREAD STREAMS nokey s1 nokey 0 2 0", "XREAD STREAMS nokey 0", "XREAD STREAMS nokey $",
    "XREAD STREAMS s1 s2 $ $", "XREAD STREAMS s1 s2 $ 0", "XREAD STREAMS s1 s1 0 2",
    "XREAD COUNT 1 STREAMS s1 s2 0 0", "XREAD COUNT 2 STREAMS s1 0", "XREAD COUNT 0 STREAMS s1 0",
    "XREAD COUNT -1 STREAMS s1 0", "XREAD COUNT " + I64_MAX + " STREAMS s1 0",
    "XREAD COUNT 1 COUNT 2 STREAMS s1 0", "XREAD streams s1 0", "XREAD Count 1 Streams s1 0",
    "xread count 1 streams s2 0", "XREAD STREAMS s1 STREAMS 0 0", "XADD STREAMS 1 x y",
    "XREAD STREAMS s1 STREAMS 2 0",
    "XDEL s1 1 2 2-5", "XREAD STREAMS s1 0", "XREAD STREAMS s1 $", "XLEN s1",
    "XADD e MAXLEN 0 1 a 1", "XREAD STREAMS e 0", "XREAD STREAMS e s2 0 0",
])

# Errors: options before STREAMS are COUNT (and BLOCK, see test_blocking.py)
# only: GROUP and NOACK have messages naming XREADGROUP, ">" too. The ids
# after STREAMS must be as many as the keys ("Unbalanced" message). Then each
# key in turn: WRONGTYPE if it holds another type, else its id is parsed, so
# an earlier bad id wins over a later wrong type and vice versa.
case("xread-errors", [
    "XADD s1 1 a 1", "SET str v",
    "XREAD COUNT x STREAMS s1 0", "XREAD COUNT STREAMS s1 0", "XREAD COUNT 1.5 STREAMS s1 0",
    "XREAD COUNT 9223372036854775808 STREAMS s1 0", "XREAD STREAMS s1 s2 0",
    "XREAD STREAMS s1 s2 s1 0 0", "XREAD STREAMS s1 x", "XREAD STREAMS s1 -",
    "XREAD STREAMS s1 +", "XREAD STREAMS s1 *", "XREAD STREAMS s1 (1", "XREAD STREAMS s1 >",
    "XREAD STREAMS s1 1-*", "XREAD STREAMS nokey x", "XREAD BOGUS STREAMS s1 0",
    "XREAD COUNT 1 s1 0", "XREAD s1 0 1", "XREAD STREAMS s1 0 COUNT 1",
    "XREAD NOACK STREAMS s1 0", "XREAD GROUP g c STREAMS s1 0", "XREAD COUNT 1 NOACK STREAMS s1 0",
    "XREAD STREAMS str 0", "XREAD STREAMS s1 str 0 0", "XREAD STREAMS nokey str 0 x",
    "XREAD STREAMS str s1 $ x", "XREAD STREAMS s1 str x 0", "XREAD STREAMS str s1 0 >",
    "XREAD STREAMS s1 str > 0", "XREAD COUNT x STREAMS str 0", "XREAD STREAMS str s1 0",
    "XREAD STREAMS s1", "XREAD STREAMS", "XREAD COUNT 1", "XREAD COUNT 1 STREAMS s1",
    "XREAD", "xread streams s1", "GET str", "XLEN s1",
])

# ---------------------------------------------------------------- XSETID
# XSETID key id [ENTRIESADDED n] [MAXDELETEDID id]: the options are parsed
# (and MAXDELETEDID checked against the id: "smaller than the provided
# max_deleted_entry_id", as soon as it is read) before the key is looked up
# ("no such key": XSETID never creates a stream); then the id must not be
# below the stream's top entry (it may be below the last id when the top
# entry was deleted, and anything goes on an empty stream) and ENTRIESADDED
# not below the length. "ms" alone is ms-0; "*", "-", "+", "$" are invalid.
case("xsetid", [
    "XADD s 1 a 1", "XADD s 5 a 1", "XSETID s 10", "@stream XINFO STREAM s", "XADD s 9 a 1",
    "XADD s 10 a 1", "XADD s 10-* a 1", "XSETID s 5-0", "XSETID s 4", "XSETID s 10-0",
    "XSETID s 10-1", "XSETID s 10-2", "XADD s 10-* a 1", "XSETID s 0", "XSETID s 0-0",
    "XSETID s 11-*", "xsetid s 20", "XLEN s", "XRANGE s - +",
    "XSETID nokey 5", "XSETID nokey x", "XSETID nokey 0-0", "EXISTS nokey",
    "XADD t 5 a 1", "XADD t 6 a 1", "XDEL t 6", "XSETID t 5", "XADD t 6 a 1", "XDEL t 5 6",
    "XSETID t 0-0", "@stream XINFO STREAM t", "XADD t 1 a 1", "XSETID t 0-5", "XSETID t 1-0",
    "XSETID t " + MAXID, "XADD t * a 1", "XADD t 2 a 1", "XDEL t 1", "XSETID t 3",
    "XADD t 3-* a 1", "XRANGE t - +",
    "SET str v", "XSETID str 5", "XSETID str x", "XSETID s", "XSETID", "XSETID s 4 5",
])

# ENTRIESADDED must be an integer >= 0 ("entries_added must be positive",
# read first if given first) and not below the length; MAXDELETEDID an id not
# above the new last id. Both repeatable (last wins), any case, checked also
# for a missing key or a key of another type.
case("xsetid-options", [
    "XADD s 1 a 1", "XADD s 5 a 1", "XADD s 10-1 a 1",
    "XSETID s 20 ENTRIESADDED 10 MAXDELETEDID 3", "@stream XINFO STREAM s",
    "XSETID s 20 ENTRIESADDED 2", "XSETID s 20 ENTRIESADDED -1", "XSETID s 20 ENTRIESADDED x",
    "XSETID s 20 ENTRIESADDED 1.5", "XSETID s 20 ENTRIESADDED 3",
    "XSETID s 20 ENTRIESADDED 3 MAXDELETEDID 21", "XSETID s 20 ENTRIESADDED 3 MAXDELETEDID 20",
    "XSETID s 20 MAXDELETEDID 20", "XSETID s 20 MAXDELETEDID x", "XSETID s 20 MAXDELETEDID 0",
    "XSETID s 20 MAXDELETEDID -", "XSETID s 20 MAXDELETEDID 1-*", "XSETID s 20 ENTRIESADDED",
    "XSETID s 20 MAXDELETEDID", "XSETID s 20 BOGUS 1", "XSETID s 20 ENTRIESADDED 1 extra",
    "XSETID s 20 ENTRIESADDED 5 ENTRIESADDED 6", "XSETID s 20 entriesadded 7 maxdeletedid 19-5",
    "@stream XINFO STREAM s", "XSETID s 19", "XSETID s 20 MAXDELETEDID 20-1",
    "XSETID s 21 MAXDELETEDID 20-1", "XSETID s 21 MAXDELETEDID 22",
    "XSETID s 4 MAXDELETEDID 5 ENTRIESADDED -1", "XSETID s 4 ENTRIESADDED -1 MAXDELETEDID 5",
    "XSETID s 4 ENTRIESADDED 0 MAXDELETEDID 5", "XSETID s 4 ENTRIESADDED 0 MAXDELETEDID 3",
    "XSETID s 21 ENTRIESADDED " + I64_MAX, "@stream XINFO STREAM s",
    "XSETID s 21 ENTRIESADDED 9223372036854775808", "XSETID s 21 ENTRIESADDED 3",
    "@stream XINFO STREAM s", "XADD s 22 a 1", "@stream XINFO STREAM s",
    "XSETID nokey 5 MAXDELETEDID 6", "XSETID nokey 5 ENTRIESADDED -1",
    "XSETID nokey 5 ENTRIESADDED 0", "XSETID nokey 5 BOGUS", "XSETID nokey 5 ENTRIESADDED",
    "SET str v", "XSETID str 5 ENTRIESADDED -1", "XSETID str 5 MAXDELETEDID 6",
    "XSETID str 5 ENTRIESADDED 0",
])

# ---------------------------------------------------------------- XINFO
# XINFO STREAM key: length, (masked) radix-tree sizes, last-generated-id,
# max-deleted-entry-id (the largest id XDEL removed: trimming does not count),
# entries-added (every XADD, trimmed entries included), recorded-first-entry-id
# (0-0 when empty), groups 0, first-entry and last-entry (nil when empty): a
# flat array in RESP2, a map in RESP3. COPY and RENAME carry all of it.
case("xinfo-stream", [
    "XADD s 1 a 1", "@stream XINFO STREAM s", "XADD s 2 b 2 c 3", "XADD s 3 d 4",
    "@stream XINFO STREAM s", "XDEL s 2", "@stream XINFO STREAM s", "XDEL s 1",
    "@stream XINFO STREAM s", "XADD s 3-5 e 5", "XDEL s 3-5", "@stream XINFO STREAM s",
    "XDEL s 3", "@stream XINFO STREAM s", "XADD s 7 f 6", "@stream XINFO STREAM s",
    "XADD s MAXLEN 0 8 g 7", "@stream XINFO STREAM s", "XSETID s 9 ENTRIESADDED 20",
    "@stream xinfo stream s", "@stream XINFO stream s",
    "XADD t 1 a 1", "XADD t 2 a 2", "XADD t 3 a 3", "XTRIM t MINID 2",
    "@stream XINFO STREAM t", "XADD t 4 a 4", "XTRIM t MAXLEN 1", "@stream XINFO STREAM t",
    "COPY t tc", "@stream XINFO STREAM tc", "RENAME tc tr", "@stream XINFO STREAM tr",
    "XADD u MAXLEN 0 5 a 1", "@stream XINFO STREAM u",
    ("XADD", "b", "1", b"\x00\xff", b"\r\n"), "@stream XINFO STREAM b",
])

# XINFO STREAM key FULL [COUNT n]: the same fields without first/last-entry
# and with "entries" (the first COUNT, default 10; 0 or negative: all) and
# "groups" (an empty array). FULL and COUNT are not case sensitive.
case("xinfo-stream-full", fill("s", 1, 12) + [
    "@stream XINFO STREAM s FULL", "@stream XINFO STREAM s FULL COUNT 1",
    "@stream XINFO STREAM s FULL COUNT 0", "@stream XINFO STREAM s FULL COUNT -1",
    "@stream XINFO STREAM s FULL COUNT 11", "@stream XINFO STREAM s FULL COUNT 100",
    "@stream XINFO STREAM s full count 2", "XDEL s 1 5 12",
    "@stream XINFO STREAM s FULL COUNT 3", "@stream XINFO STREAM s FULL",
    "XTRIM s MAXLEN 0", "@stream XINFO STREAM s FULL", "@stream XINFO STREAM s FULL COUNT 1",
    "XADD e MAXLEN 0 1 a 1", "@stream XINFO STREAM e FULL",
])

# Errors (exact): a missing key is "no such key" whatever follows (the
# arguments are checked on a stream only); a key of another type WRONGTYPE
# whatever follows; a wrong word or count after the key names the subcommand
# as typed; unknown subcommands name themselves.
case("xinfo-errors", [
    "XADD s 1 a 1", "SET str v",
    "XINFO STREAM s FULL COUNT x", "XINFO STREAM s FULL COUNT", "XINFO STREAM s COUNT 1",
    "XINFO STREAM s BOGUS", "XINFO stream s BOGUS", "XINFO STREAM s FULL FULL",
    "XINFO STREAM s FULL COUNT 1 x", "XINFO STREAM s FULL COUNT 9223372036854775808",
    "XINFO STREAM nokey", "XINFO STREAM nokey FULL", "XINFO STREAM nokey BOGUS",
    "XINFO STREAM str", "XINFO STREAM str FULL", "XINFO STREAM str BOGUS",
    "XINFO STREAM", "XINFO stream", "XINFO", "XINFO BOGUS", "XINFO BOGUS x", "XINFO bogus",
    "xinfo", "EXISTS nokey",
])

# ---------------------------------------------------------------- key space
# OBJECT ENCODING of a stream is "stream". RENAME, COPY (all of the stream:
# entries, last id, counters), DEL, EXPIRE and SCAN TYPE treat it like any
# other value; SET overwrites it.
case("stream-keyspace", [
    "XADD s 1 a 1", "XADD s 2 b 2", "TYPE s", "EXISTS s", "OBJECT ENCODING s",
    "OBJECT ENCODING nokey", "RENAME s s2", "EXISTS s", "XRANGE s2 - +", "COPY s2 s3",
    "XADD s3 3 c 3", "XLEN s2", "XLEN s3", "XADD s2 3 c 3", "COPY s2 s3", "COPY s2 s3 REPLACE",
    "XRANGE s3 - +", "XDEL s2 3", "COPY s2 s4", "XADD s4 3 x x", "XADD s4 4 x x",
    "XRANGE s4 - +", "SET str v", "SADD set m", "RPUSH list x", "RENAMENX s2 str",
    "RENAME s2 str", "TYPE str", "XRANGE str - +", "COPY str set REPLACE", "TYPE set",
    "RENAME list s3", "TYPE s3", "XLEN s3", "SET str v", "TYPE str", "MGET str s4 nokey",
    "SETNX s4 v", "MSETNX s4 v", "XADD e 1 x y", "EXPIRE e 100000", "@ttl TTL e",
    "XADD e 2 y z", "XDEL e 1", "XTRIM e MAXLEN 0", "@ttl TTL e", "RENAME e e2", "@ttl TTL e2",
    "PERSIST e2", "TTL e2", "PEXPIRE e2 100000000", "COPY e2 e3", "@pttl PTTL e3",
    "EXPIRETIME e", "DEL e2 e3 nokey", "EXISTS e2 e3", "XADD other 1 a 1",
    "@scan SCAN 0 TYPE stream", "@scan SCAN 0 TYPE STREAM", "@scan SCAN 0 TYPE stream COUNT 1",
    "@scan SCAN 0 MATCH s* TYPE stream", "@scan SCAN 0 TYPE string", "UNLINK other",
    "TOUCH s4 set nokey", "SET s4 now-a-string", "TYPE s4", "GET s4", "~ KEYS *",
    "FLUSHALL", "XADD only 1 a 1", "RANDOMKEY", "DBSIZE",
])

# ---------------------------------------------------------------- WRONGTYPE
TYPED = {"str": "SET str v", "list": "RPUSH list a", "set": "SADD set m",
         "hash": "HSET hash f v", "zset": "ZADD zset 1 m", "stream": "XADD stream 1 f v"}
# stream commands on other types (errors of the arguments come first, see
# the cases above; here the arguments are valid)
STREAM_CMDS = ["XADD {k} 5 f v", "XADD {k} NOMKSTREAM 5 f v", "XADD {k} MAXLEN 1 5 f v",
               "XLEN {k}", "XRANGE {k} - +", "XREVRANGE {k} + -", "XRANGE {k} - + COUNT 0",
               "XDEL {k} 1", "XDEL {k} x", "XTRIM {k} MAXLEN 0", "XTRIM {k} MINID ~ 1",
               "XREAD STREAMS {k} 0", "XREAD STREAMS {k} $", "XREAD STREAMS stream {k} 0 0",
               "XREAD STREAMS {k} stream 0 0", "XREAD COUNT 1 STREAMS nokey {k} 0 0",
               "XSETID {k} 5", "XSETID {k} 5 ENTRIESADDED 9", "XINFO STREAM {k}",
               "XINFO STREAM {k} FULL"]
# other types' commands on a stream
OTHER_CMDS = ["GET {k}", "GETSET {k} x", "GETDEL {k}", "GETEX {k}", "APPEND {k} x",
              "STRLEN {k}", "INCR {k}", "DECRBY {k} 2", "INCRBYFLOAT {k} 1.5",
              "GETRANGE {k} 0 1", "SETRANGE {k} 0 x", "SET {k} v GET", "LCS {k} str",
              "SETBIT {k} 1 1", "GETBIT {k} 1", "BITCOUNT {k}", "PFADD {k} x", "PFCOUNT {k}",
              "LPUSH {k} x", "RPUSHX {k} x", "LRANGE {k} 0 -1", "LLEN {k}", "LPOP {k}",
              "LPOS {k} x", "SADD {k} a", "SMEMBERS {k}", "SCARD {k}", "SISMEMBER {k} a",
              "HSET {k} f v", "HGET {k} f", "HGETALL {k}", "HLEN {k}", "ZADD {k} 1 m",
              "ZRANGE {k} 0 -1", "ZCARD {k}", "ZSCORE {k} m", "GEOADD {k} 1 1 m",
              "SORT {k}", "SORT {k} ALPHA", "MGET {k} str", "SETNX {k} x", "MSETNX {k} x",
              "LMOVE {k} list LEFT RIGHT", "SUNION {k} set", "ZUNION 2 {k} zset"]


def stream_type_error_lines():
    lines = list(TYPED.values())
    for k in ("str", "list", "set", "hash", "zset"):
        lines += [c.format(k=k) for c in STREAM_CMDS]
    lines += [c.format(k="stream") for c in OTHER_CMDS]
    lines += ["TYPE " + k for k in TYPED] + ["XRANGE stream - +", "XLEN stream",
                                             "EXISTS str list set hash zset stream nokey",
                                             "~ KEYS *"]
    return lines


case("stream-wrongtype", stream_type_error_lines())


# ---------------------------------------------------------------- arity
def stream_arity_lines():
    lines = arity_error_lines(STREAM_ARITY)
    # XINFO STREAM's own arity ('xinfo|stream'), odd field/value lists (an arity
    # error too) and near misses (XREAD's unbalanced keys/ids is its own error)
    lines += ["XINFO STREAM", "xinfo stream", "XINFO Stream", "XADD k 1 f", "XADD k 1 f v g",
              "XADD k MAXLEN 1 1 f", "XREAD COUNT 1 STREAMS k", "XREAD STREAMS k1 k2 0",
              "XRANGE k -", "XREVRANGE k +", "XSETID k", "XDEL k", "XTRIM k MAXLEN"]
    return lines


case("stream-arity", stream_arity_lines())

# ---------------------------------------------------------------- data
# Fields and values are binary safe (NUL, CR LF, bytes >= 0x80, text that
# looks like RESP), may be large, may be numbers (kept as given, "007" stays
# "007"), and an entry may have many fields; keys too (XREAD names them).
BIG = "x" * 10000
case("stream-binary-and-big", [
    ("XADD", "b", "1", b"\x00", b"\x00\xff", b"\r\n", b"$-1\r\n"),
    ("XADD", "b", "2", b"*1\r\n:1\r\n", b"", "f", "\u00e9t\u00e9\u2603"), "XRANGE b - +",
    ("XADD", b"k\x00\xff", "1", "f", "v"), ("XREAD", "STREAMS", b"k\x00\xff", "b", "0", "1"),
    ("XLEN", b"k\x00\xff"), ("XADD", "", "1", "f", "v"), ("XRANGE", "", "-", "+"),
    "XADD n 1 007 -0 1.50 1e3 " + I64_MAX + " 9223372036854775808", "XRANGE n - +",
    "XADD big 1 f " + BIG, "XADD big 2 " + BIG + " v", "XRANGE big 2 2", "XREVRANGE big + -",
    "XLEN big", "XREAD STREAMS big 1", "XDEL big 1", "XRANGE big - +",
    "XADD many 1 " + " ".join("f%d v%d" % (i, i) for i in range(100)), "XRANGE many - +",
    "XADD many 2 " + " ".join("g%d %d" % (i, i * i) for i in range(60)),
    "XREVRANGE many + - COUNT 1", "XADD many 3 f0 v0", "XRANGE many 3 3",
    "@stream XINFO STREAM many", "@stream XINFO STREAM big FULL",
])


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_script(live_pair, name, proto):
    run_fixed_script(live_pair, name, CASES[name], proto)


def _command_name(line):
    if isinstance(line, tuple):
        return str(line[0]).upper()
    words = line.split()
    if words and words[0] in PREFIX_KIND:
        words.pop(0)
    return words[0].upper() if words else ""


def test_every_stream_command_is_tested():
    """Every stream command appears (as a command name, any case) in the
    scripts and has its arity in STREAM_ARITY."""
    seen = {_command_name(line) for lines in CASES.values() for line in lines}
    missing = [c for c in STREAM_COMMANDS if c not in seen]
    assert not missing, "stream commands without a fixed script line: %s" % missing
    assert sorted(STREAM_ARITY) == sorted(STREAM_COMMANDS)


# ---------------------------------------------------------------- @stream
# The comparison kind itself, without servers (like test_difftools_rand.py).
def _same(line, ra, rb):
    try:
        check_reply(parse_line(line), ra, rb)
        return True
    except Mismatch:
        return False


def _xinfo2(keys, nodes, last=b"2-0"):
    return (b"*8\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n" + keys +
            b"$16\r\nradix-tree-nodes\r\n" + nodes +
            b"$17\r\nlast-generated-id\r\n$%d\r\n%s\r\n" % (len(last), last))


def _xinfo3(keys, nodes):
    return (b"%4\r\n$6\r\nlength\r\n:2\r\n$15\r\nradix-tree-keys\r\n" + keys +
            b"$16\r\nradix-tree-nodes\r\n" + nodes + b"$17\r\nlast-generated-id\r\n$3\r\n2-0\r\n")


def test_stream_kind_masks_only_clock_ids_and_radix_sizes():
    xadd = "@stream XADD s * f v"
    assert _same(xadd, b"$15\r\n1700000000000-0\r\n", b"$15\r\n1700000000123-7\r\n")
    assert _same(xadd, b"$3\r\n5-0\r\n", b"$41\r\n%s\r\n" % MAXID.encode())
    assert _same(xadd, b"$-1\r\n", b"$-1\r\n")
    assert _same(xadd, b"-ERR x\r\n", b"-ERR x\r\n")
    # not an id, a wrong length, leading zeros, past 64 bits, nil vs id, errors
    assert not _same(xadd, b"$3\r\n5-0\r\n", b"$3\r\n5-x\r\n")
    assert not _same(xadd, b"$3\r\n5-0\r\n", b"$4\r\n5-0\r\n")
    assert not _same(xadd, b"$3\r\n5-0\r\n", b"$4\r\n05-0\r\n")
    assert not _same(xadd, b"$3\r\n5-0\r\n", b"$22\r\n5-18446744073709551616\r\n")
    assert not _same(xadd, b"$3\r\n5-0\r\n", b"+5-0\r\n")
    assert not _same(xadd, b"$-1\r\n", b"$3\r\n5-0\r\n")
    assert not _same(xadd, b"-ERR x\r\n", b"-ERR y\r\n")
    # other commands stay exact
    assert not _same("@stream XRANGE s - +", b"$3\r\n5-0\r\n", b"$3\r\n6-0\r\n")

    info = "@stream XINFO STREAM s"
    assert _same(info, _xinfo2(b":1\r\n", b":2\r\n"), _xinfo2(b":0\r\n", b":9\r\n"))
    assert _same(info, _xinfo3(b":1\r\n", b":2\r\n"), _xinfo3(b":3\r\n", b":1\r\n"))
    assert not _same(info, _xinfo2(b":1\r\n", b":2\r\n"), _xinfo3(b":1\r\n", b":2\r\n"))
    assert not _same(info, _xinfo2(b":1\r\n", b":2\r\n"), _xinfo2(b"$1\r\n1\r\n", b":2\r\n"))
    assert not _same(info, _xinfo2(b":1\r\n", b":2\r\n"),
                     _xinfo2(b":1\r\n", b":2\r\n", last=b"3-0"))
    assert not _same("XINFO STREAM s", _xinfo2(b":1\r\n", b":2\r\n"),
                     _xinfo2(b":0\r\n", b":9\r\n"))
    assert "@stream" in PREFIX_KIND
