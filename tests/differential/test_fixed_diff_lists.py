"""Curated scripts for the list commands LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP,
RPOP, LRANGE, LINDEX, LLEN, LSET, LINSERT, LREM, LTRIM, LPOS, LMOVE, RPOPLPUSH
and LMPOP, compared with a real redis-server 7.0 like test_fixed_diff.py (same
line syntax and prefixes, see difftools.parse_line; each case over RESP2 and
RESP3 on an empty key space).

Besides the replies of the list commands themselves, the scripts check what
the key space says about a list (TYPE "list", EXISTS, DEL, RENAME, COPY, TTLs,
SCAN TYPE list, OBJECT ENCODING "quicklist": Redis 7.0 has no listpack lists),
that a list emptied by any command is deleted with its TTL, the WRONGTYPE
matrix in both directions, and which argument errors come before WRONGTYPE or
before the missing-key reply (see the comments of each case).
"""

import pytest

from cmdgen_lists import LIST_ARITY
from difftools import arity_error_lines, run_fixed_script

CASES = {}


def case(name, lines):
    assert name not in CASES
    CASES[name] = lines


def elems(prefix, n, start=0):
    return " ".join("%s%d" % (prefix, i) for i in range(start, start + n))


I64_MAX, I64_MIN = "9223372036854775807", "-9223372036854775808"

# ---------------------------------------------------------------- pushes
case("push", [
    "LPUSH l a", "LPUSH l b c", "RPUSH l d e f", "LRANGE l 0 -1", "LLEN l", "TYPE l",
    "LPUSHX l z", "RPUSHX l y y2 y3", "LRANGE l 0 -1", "LLEN l",
    # the X variants never create a key
    "LPUSHX nokey a", "RPUSHX nokey a b", "EXISTS nokey", "TYPE nokey", "LLEN nokey",
    # duplicates, empty strings and numbers are plain elements
    "RPUSH d a a a ''", "LPUSH d '' 1 -1 007", "LRANGE d 0 -1", "LLEN d",
    "RPUSH n 0 -0 +1 " + I64_MAX + " " + I64_MIN + " 9223372036854775808 1.5 1e3 ' 1'",
    "LRANGE n 0 -1", "RPUSH n 12345678901234567890", "LINDEX n -1",
    "lpush l lower", "Rpush l Mixed", "lpushx l x", "rPushX l y", "LRANGE l 0 3",
    "LRANGE l -2 -1", ("RPUSH", "", "empty-key"), ("LRANGE", "", "0", "-1"), "TYPE ''",
    "LPUSH", "LPUSH l", "RPUSH", "RPUSH l", "LPUSHX l", "RPUSHX", "LLEN", "LLEN l x",
    "~ KEYS *", "DBSIZE",
])

# ---------------------------------------------------------------- pops
# The count is parsed before the key is looked up: a bad count is an error on a
# missing key and on a key of another type. A missing key answers a null bulk
# without count, a null array with any valid count (0 included; RESP3 `_`); a
# list answers an empty array for count 0.
case("pop", [
    "LPOP nokey", "RPOP nokey", "LPOP nokey 2", "RPOP nokey 2", "LPOP nokey 0",
    "RPOP nokey 0", "LPOP nokey -1", "RPOP nokey abc", "EXISTS nokey",
    "RPUSH l a b c d e f g", "LPOP l 0", "RPOP l 0", "LPOP l", "RPOP l", "LPOP l 1",
    "RPOP l 1", "LPOP l 2", "LRANGE l 0 -1", "RPOP l " + I64_MAX, "EXISTS l", "LPOP l",
    "LPOP l 1", "LPOP l 0",
    "RPUSH l a b c", "LPOP l -1", "LPOP l abc", "LPOP l 1.5", "LPOP l ''", "LPOP l ' 1'",
    "LPOP l +1", "LPOP l -0", "LPOP l " + I64_MIN, "LPOP l 9223372036854775808",
    "RPOP l -9223372036854775807", "LLEN l", "LPOP l 10", "EXISTS l",
    "RPUSH l x", "RPOP l 100", "TYPE l", "RPUSH l x y", "LPOP l 2", "RPOP l 2",
    "lpop l", "rpop l 5", "Lpop l 0",
    "LPOP l 1 2", "RPOP l 1 2", "LPOP l 1 x", "RPOP l 0 0", "LPOP", "RPOP",
    "SET s v", "LPOP s", "RPOP s 1", "LPOP s 0", "LPOP s -1", "RPOP s abc", "GET s",
])

# ---------------------------------------------------------------- reads
# LRANGE: both indexes are parsed first (an error even on a missing key or a
# key of another type); a negative index counts from the end; then start is
# clamped to 0, an empty range when start > stop or start >= length, stop
# clamped to length - 1. Integers are strict: no '+', no spaces, no "-0",
# no leading zeros, 64 bits.
case("lrange", [
    "RPUSH l a b c d e", "LRANGE l 0 -1", "LRANGE l -3 -1", "LRANGE l -3 2", "LRANGE l 1 3",
    "LRANGE l 3 1", "LRANGE l -1 -5", "LRANGE l 0 0", "LRANGE l -1 -1", "LRANGE l 4 4",
    "LRANGE l 5 5", "LRANGE l 5 10", "LRANGE l -100 100", "LRANGE l -100 -6",
    "LRANGE l -100 -5", "LRANGE l -6 0", "LRANGE l 2 100", "LRANGE l -2 100",
    "LRANGE l " + I64_MIN + " " + I64_MAX, "LRANGE l " + I64_MAX + " " + I64_MIN,
    "LRANGE l " + I64_MIN + " " + I64_MIN, "LRANGE l " + I64_MAX + " " + I64_MAX,
    "LRANGE l 0 " + I64_MIN, "LRANGE l -1 " + I64_MAX,
    "LRANGE l 9223372036854775808 1", "LRANGE l 0 -9223372036854775809",
    "LRANGE l 0 abc", "LRANGE l abc 0", "LRANGE l 1.5 2", "LRANGE l ' 1' 2",
    "LRANGE l '1 ' 2", "LRANGE l +1 2", "LRANGE l 01 2", "LRANGE l -0 -0", "LRANGE l '' 1",
    "LRANGE l 0x1 2", "lrange l 1 2",
    "LRANGE nokey 0 -1", "LRANGE nokey 5 1", "LRANGE nokey abc 1",
    "SET s v", "LRANGE s 0 -1", "LRANGE s abc 1", "LRANGE s 5 1",
    "LRANGE l 0", "LRANGE l 0 1 2", "LRANGE",
])

# LINDEX looks the key up first: a missing key is nil and a key of another
# type WRONGTYPE whatever the index; the index is parsed on a list only.
case("lindex-llen", [
    "RPUSH l a b c d e", "LINDEX l 0", "LINDEX l 4", "LINDEX l 5", "LINDEX l -1",
    "LINDEX l -5", "LINDEX l -6", "LINDEX l 2", "LINDEX l " + I64_MAX, "LINDEX l " + I64_MIN,
    "LINDEX l abc", "LINDEX l 1.5", "LINDEX l ''", "LINDEX l +1", "LINDEX l -0",
    "LINDEX l 9223372036854775808", "LINDEX nokey 0", "LINDEX nokey abc",
    "LINDEX nokey -1", "SET s v", "LINDEX s 0", "LINDEX s abc", "LLEN l", "LLEN nokey",
    "LLEN s", "RPUSH e ''", "LINDEX e 0", "LINDEX e -1", "LINDEX e 1", "LLEN e",
    "lindex l 1", "LINDEX l", "LINDEX l 0 1", "LINDEX",
])

# ---------------------------------------------------------------- writes
# LSET looks the key up first ("no such key", WRONGTYPE), then parses the
# index, then "index out of range". The TTL stays.
case("lset", [
    "LSET nokey 0 x", "LSET nokey abc x", "LSET nokey -1 x", "EXISTS nokey",
    "RPUSH l a b c", "LSET l 0 A", "LSET l -1 C", "LSET l 1 ''", "LRANGE l 0 -1",
    "LSET l 3 x", "LSET l -4 x", "LSET l -3 first", "LSET l 2 last", "LRANGE l 0 -1",
    "LSET l " + I64_MAX + " x", "LSET l " + I64_MIN + " x", "LSET l abc x", "LSET l 1.5 x",
    "LSET l '' x", "LSET l +1 x", "LSET l 9223372036854775808 x", "LRANGE l 0 -1",
    "LSET l 0 " + "x" * 10000, "LINDEX l 0", "LSET l 0 12345", "LINDEX l 0",
    ("LSET", "l", "1", b"\x00\r\n\xff"), ("LINDEX", "l", "1"),
    "EXPIRE l 100000", "LSET l 2 z", "@ttl TTL l", "LLEN l",
    "SET s v", "LSET s 0 x", "LSET s abc x", "LSET s 5 x", "GET s",
    "lset l 0 lower", "LINDEX l 0", "LSET l 0", "LSET l 0 x y", "LSET",
])

# LINSERT checks the BEFORE/AFTER word first (syntax error on any key), then:
# missing key 0 (nothing created), key of another type WRONGTYPE, missing
# pivot -1, else the new length. The first match from the head is the pivot.
case("linsert", [
    "RPUSH l a b c a b c", "LINSERT l BEFORE b X", "LINSERT l AFTER c Y",
    "LINSERT l before a H", "LINSERT l after c T", "LINSERT l Before H HH",
    "LINSERT l aFtEr T TT", "LRANGE l 0 -1", "LINSERT l BEFORE zz Q", "LINSERT l AFTER '' Q",
    "LLEN l", "LINSERT l MIDDLE a Z", "LINSERT l BEFOR a Z", "LINSERT l '' a Z",
    "LINSERT l LEFT a Z", "LINSERT nokey BEFORE a x", "LINSERT nokey AFTER a x",
    "LINSERT nokey MIDDLE a x", "EXISTS nokey", "SET s v", "LINSERT s BEFORE a x",
    "LINSERT s MIDDLE a x", "LINSERT l BEFORE a ''", "LINSERT l AFTER TT ''",
    "LRANGE l 0 3", "LRANGE l -3 -1", "RPUSH e ''", "LINSERT e BEFORE '' x",
    "LINSERT e AFTER '' y", "LRANGE e 0 -1", "RPUSH n 1 2 3", "LINSERT n AFTER 2 2.5",
    "LINSERT n BEFORE 01 0", "LINSERT n BEFORE 1 0", "LRANGE n 0 -1",
    "LINSERT l BEFORE a", "LINSERT l BEFORE a x y", "LINSERT", "LRANGE l 0 -1",
])

# LREM parses the count first (an error on any key). count > 0 removes from
# the head, < 0 from the tail, 0 all; the reply is the number removed.
case("lrem", [
    "RPUSH r x y x y x y x", "LREM r 2 x", "LRANGE r 0 -1", "LREM r -1 y",
    "LRANGE r 0 -1", "LREM r -100 y", "LRANGE r 0 -1", "LREM r 0 zz", "LREM r 1 zz",
    "LREM r 0 x", "EXISTS r", "LREM r 0 x",
    "RPUSH r a b a b a b a", "LREM r 100 a", "LRANGE r 0 -1", "LREM r -2 b",
    "LRANGE r 0 -1", "DEL r", "RPUSH r a b a b a", "LREM r " + I64_MAX + " a",
    "LRANGE r 0 -1", "RPUSH r a a", "LREM r " + I64_MIN + " a", "LRANGE r 0 -1",
    "RPUSH r a b a", "LREM r -9223372036854775807 a", "LRANGE r 0 -1",
    "LREM r abc b", "LREM r 1.5 b", "LREM r '' b", "LREM r +1 b", "LREM r 01 b",
    "LREM nokey 1 x", "LREM nokey 0 x", "LREM nokey abc x", "SET s v", "LREM s 1 x",
    "LREM s abc x", "RPUSH e '' a '' b ''", "LREM e 2 ''", "LRANGE e 0 -1",
    "LREM e 0 ''", "LRANGE e 0 -1", "RPUSH n 1 01 1.0 1", "LREM n 0 1", "LRANGE n 0 -1",
    "lrem n 1 01", "EXISTS n", "LREM r 1", "LREM r 1 x y", "LREM",
])

# LTRIM parses both indexes first; then the same clamping as LRANGE; a range
# that keeps nothing deletes the key (and its TTL).
case("ltrim", [
    "RPUSH l a b c d e f", "LTRIM l 1 -2", "LRANGE l 0 -1", "LTRIM l -100 100",
    "LRANGE l 0 -1", "LTRIM l 0 -1", "LRANGE l 0 -1", "LTRIM l 1 1", "LRANGE l 0 -1",
    "LTRIM l 0 0", "LRANGE l 0 -1", "LTRIM l 2 1", "EXISTS l", "LTRIM l 0 -1", "EXISTS l",
    "RPUSH m a b c", "EXPIRE m 100000", "LTRIM m 0 1", "@ttl TTL m", "LTRIM m 5 10",
    "EXISTS m", "TTL m", "RPUSH m a b c", "LTRIM m -1 -2", "EXISTS m", "RPUSH m a b c",
    "LTRIM m 3 3", "EXISTS m", "RPUSH m a b c", "LTRIM m -1 -1", "LRANGE m 0 -1",
    "RPUSH m b c", "LTRIM m " + I64_MIN + " " + I64_MAX, "LRANGE m 0 -1",
    "LTRIM m -3 " + I64_MAX, "LRANGE m 0 -1", "LTRIM m " + I64_MAX + " " + I64_MIN,
    "EXISTS m", "RPUSH m a b c", "LTRIM m 0 " + I64_MIN, "EXISTS m",
    "RPUSH m a b c", "LTRIM m 0 1.5", "LTRIM m abc 1", "LTRIM m '' 1", "LTRIM m 0 +1",
    "LTRIM m 9223372036854775808 0", "LRANGE m 0 -1", "LTRIM nokey 0 1",
    "LTRIM nokey abc 1", "EXISTS nokey", "SET s v", "LTRIM s 0 1", "LTRIM s abc 1",
    "ltrim m 1 -1", "LRANGE m 0 -1", "LTRIM m 0", "LTRIM m 0 1 2", "LTRIM",
])

# ---------------------------------------------------------------- LPOS
# Options are parsed (left to right, repeatable, last wins) before the key is
# looked up. RANK 0 and a non-integer RANK are errors; COUNT and MAXLEN give
# their own "can't be negative" error for anything that is not an integer >=
# 0. With COUNT the reply is an array (empty when nothing matches or no key),
# without it an integer or nil. RANK -9223372036854775808: Redis 7.0 negates it
# without a check (still negative), so every match from the tail qualifies
# and COUNT never stops the scan.
RANK0 = "RANK 0"
case("lpos", [
    "RPUSH l a b c 1 2 3 c c", "LPOS l c", "LPOS l a", "LPOS l 1", "LPOS l zz",
    "LPOS nokey c", "LPOS l c RANK 1", "LPOS l c RANK 2", "LPOS l c RANK 3",
    "LPOS l c RANK 4", "LPOS l c RANK -1", "LPOS l c RANK -2", "LPOS l c RANK -3",
    "LPOS l c RANK -4", "LPOS l c " + RANK0, "LPOS l c RANK " + I64_MAX,
    "LPOS l c RANK -9223372036854775807", "LPOS l c RANK abc", "LPOS l c RANK 1.5",
    "LPOS l c RANK ''", "LPOS l c RANK 9223372036854775808",
    "LPOS l c RANK " + I64_MIN, "LPOS l c RANK " + I64_MIN + " COUNT 2",
    "LPOS l c RANK " + I64_MIN + " COUNT 0 MAXLEN 2",
    "LPOS l c COUNT 0", "LPOS l c COUNT 1", "LPOS l c COUNT 2", "LPOS l c COUNT 3",
    "LPOS l c COUNT 10", "LPOS l c COUNT " + I64_MAX, "LPOS l zz COUNT 2",
    "LPOS l zz COUNT 0", "LPOS nokey c COUNT 2", "LPOS nokey c COUNT 0",
    "LPOS l c COUNT -1", "LPOS l c COUNT abc", "LPOS l c COUNT ''", "LPOS l c COUNT 1.5",
    "LPOS l c MAXLEN 3", "LPOS l c MAXLEN 2", "LPOS l c MAXLEN 0", "LPOS l c MAXLEN 1",
    "LPOS l c MAXLEN " + I64_MAX, "LPOS l c MAXLEN -1", "LPOS l c MAXLEN abc",
    "LPOS l c MAXLEN ''", "LPOS l c RANK -1 COUNT 2", "LPOS l c RANK -1 MAXLEN 1",
    "LPOS l c RANK -1 MAXLEN 2 COUNT 0", "LPOS l c RANK -2 MAXLEN 3",
    "LPOS l c RANK -2 MAXLEN 2", "LPOS l c RANK 2 COUNT 0 MAXLEN 7",
    "LPOS l c COUNT 0 MAXLEN 7", "LPOS l c MAXLEN 1 COUNT 0", "LPOS l a MAXLEN 1 COUNT 0",
    "LPOS l c RANK -1 MAXLEN 0 COUNT 0", "LPOS l c RANK 5 COUNT 0",
    "LPOS l c RANK -9223372036854775807 COUNT 0", "LPOS l c RANK 2 COUNT 1",
    "LPOS l c RANK 1 RANK 2", "LPOS l c RANK 0 RANK 2", "LPOS l c COUNT 1 COUNT 0",
    "LPOS l c MAXLEN 2 MAXLEN 0", "LPOS l c rank 2 count 0 maxlen 0", "LPOS l c Count 0",
    "LPOS l c BOGUS 1", "LPOS l c RANK", "LPOS l c COUNT", "LPOS l c MAXLEN",
    "LPOS l c COUNT 1 RANK", "LPOS l c " + RANK0 + " BOGUS", "LPOS l c BOGUS 1 " + RANK0,
    "LPOS l c COUNT -1 " + RANK0, "LPOS l c " + RANK0 + " COUNT -1",
    "LPOS l c MAXLEN -1 COUNT -1", "LPOS l c RANK 1 COUNT 1 MAXLEN 1 x",
    "SET s v", "LPOS s c", "LPOS s c COUNT 0", "LPOS s c " + RANK0, "LPOS s c BOGUS",
    "LPOS s c COUNT -1", "LPOS nokey c " + RANK0, "LPOS nokey c BOGUS",
    "LPOS nokey c MAXLEN -1", "RPUSH e '' x ''", "LPOS e ''", "LPOS e '' COUNT 0",
    "LPOS e '' RANK -1", ("RPUSH", "b", b"\x00", b"a\x00b", b"\x00"),
    ("LPOS", "b", b"\x00", "COUNT", "0"), ("LPOS", "b", b"a\x00b"), ("LPOS", "b", b"a"),
    "RPUSH n 1 01 1", "LPOS n 1 COUNT 0", "LPOS n 01", "LPOS n 1.0",
    "LPOS l", "LPOS", "lpos l c",
])

# ---------------------------------------------------------------- moves
# LMOVE checks both direction words first (syntax error on any keys). Then a
# missing source is nil (the destination is not looked at), a source of
# another type WRONGTYPE, a destination of another type WRONGTYPE with the
# source left untouched. source == destination rotates (LEFT RIGHT, RIGHT
# LEFT) or pops and pushes back at the same end (LEFT LEFT, RIGHT RIGHT: no
# change). RPOPLPUSH is LMOVE RIGHT LEFT. An emptied source is deleted.
case("lmove-rpoplpush", [
    "RPUSH src a b c", "LMOVE src dst LEFT RIGHT", "LMOVE src dst RIGHT LEFT",
    "LRANGE dst 0 -1", "LRANGE src 0 -1", "LMOVE src dst left left", "LRANGE dst 0 -1",
    "EXISTS src", "LMOVE src dst LEFT LEFT", "LMOVE nosrc dst LEFT LEFT", "LLEN dst",
    "LMOVE dst dst2 RIGHT RIGHT", "LMOVE dst dst2 RIGHT RIGHT", "LRANGE dst2 0 -1",
    "RPUSH rot 1 2 3 4", "LMOVE rot rot LEFT RIGHT", "LRANGE rot 0 -1",
    "LMOVE rot rot RIGHT LEFT", "LRANGE rot 0 -1", "LMOVE rot rot LEFT LEFT",
    "LRANGE rot 0 -1", "LMOVE rot rot RIGHT RIGHT", "LRANGE rot 0 -1",
    "LMOVE rot rot right left", "LMOVE rot rot Right Left", "LRANGE rot 0 -1",
    "RPUSH one x", "LMOVE one one LEFT RIGHT", "LRANGE one 0 -1", "LMOVE one one LEFT LEFT",
    "LLEN one", "RPOPLPUSH one one", "LRANGE one 0 -1",
    "SET str v", "LMOVE rot str LEFT RIGHT", "LRANGE rot 0 -1", "LMOVE str rot LEFT RIGHT",
    "LMOVE str str LEFT RIGHT", "LMOVE nosrc str LEFT RIGHT", "LMOVE rot rot UP DOWN",
    "LMOVE rot rot LEFT DOWN", "LMOVE rot rot UP LEFT", "LMOVE nosrc str UP LEFT",
    "LMOVE str rot UP LEFT", "LMOVE rot rot '' LEFT", "LMOVE rot rot HEAD TAIL",
    "LMOVE rot dst2 LEFT", "LMOVE rot dst2 LEFT RIGHT x", "LMOVE rot", "LMOVE",
    "RPOPLPUSH rot dst3", "LRANGE dst3 0 -1", "RPOPLPUSH nosrc dst3", "RPOPLPUSH rot rot",
    "LRANGE rot 0 -1", "RPOPLPUSH rot str", "LRANGE rot 0 -1", "RPOPLPUSH str rot",
    "RPOPLPUSH str str", "RPOPLPUSH nosrc str", "rpoplpush rot dst3", "LRANGE dst3 0 -1",
    "RPOPLPUSH rot", "RPOPLPUSH rot a b", "RPOPLPUSH",
    # TTLs: the source keeps its own until emptied, the destination keeps its own
    "RPUSH t1 a b", "EXPIRE t1 100000", "RPUSH t2 z", "EXPIRE t2 200000",
    "LMOVE t1 t2 LEFT LEFT", "@ttl TTL t1", "@ttl TTL t2", "LMOVE t1 t3 LEFT LEFT",
    "TTL t1", "EXISTS t1", "TTL t3", "LRANGE t2 0 -1", "LRANGE t3 0 -1",
    ("RPUSH", "bin", b"\x00\r\n"), ("LMOVE", "bin", b"d\x00", "RIGHT", "LEFT"),
    ("LRANGE", b"d\x00", "0", "-1"), "EXISTS bin", "~ KEYS *",
])

# ---------------------------------------------------------------- LMPOP
# LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]: numkeys must be an
# integer >= 1 ("numkeys should be greater than 0"), numkeys beyond the
# arguments, a bad direction word, an unknown or repeated option or a missing
# COUNT value are syntax errors, COUNT must be an integer >= 1 ("count should
# be greater than 0"), all before any key is looked up. Keys are tried in
# order: missing ones are skipped, one of another type is WRONGTYPE (but not
# when an earlier key was a non-empty list). Reply: [key, [elements]] (an
# array in RESP3 too), or a null array (RESP3 `_`) when no key has a list.
case("lmpop", [
    "RPUSH a 1 2 3 4 5", "RPUSH b x y", "LMPOP 1 a LEFT", "LMPOP 1 a RIGHT COUNT 2",
    "LRANGE a 0 -1", "LMPOP 2 nokey b LEFT COUNT 10", "EXISTS b", "LMPOP 2 nokey b LEFT",
    "LMPOP 1 nokey RIGHT COUNT 3", "LMPOP 1 a left count 1", "LMPOP 2 a a RIGHT",
    "LMPOP 0 a LEFT", "LMPOP -1 a LEFT", "LMPOP abc a LEFT", "LMPOP 1.5 a LEFT",
    "LMPOP '' a LEFT", "LMPOP " + I64_MIN + " a LEFT", "LMPOP 18446744073709551616 a LEFT",
    "LMPOP 3 a LEFT", "LMPOP 2 a LEFT", "LMPOP 1 a b LEFT", "LMPOP 2147483648 a LEFT",
    "LMPOP 1 a UP", "LMPOP 1 a ''", "LMPOP 1 a LEFT COUNT 0", "LMPOP 1 a LEFT COUNT -1",
    "LMPOP 1 a LEFT COUNT abc", "LMPOP 1 a LEFT COUNT ''", "LMPOP 1 a LEFT COUNT 1.5",
    "LMPOP 1 a LEFT COUNT 9223372036854775808", "LMPOP 1 a LEFT COUNT",
    "LMPOP 1 a LEFT COUNT 1 COUNT 1", "LMPOP 1 a LEFT BOGUS", "LMPOP 1 a LEFT COUNT 1 BOGUS",
    "LMPOP 1 a LEFT COUNT 1 x", "LMPOP 1 a UP COUNT 0", "LMPOP 1 a LEFT COUNT 0 BOGUS",
    "LMPOP 1 a LEFT BOGUS COUNT 0", "LMPOP 2 a b UP", "LMPOP 1 a COUNT 2 LEFT",
    "LMPOP 0 nokey LEFT", "LMPOP 1 nokey LEFT COUNT 0", "LRANGE a 0 -1",
    "RPUSH a 1 2 3", "SET s v", "LMPOP 1 s LEFT", "LMPOP 2 nokey s LEFT", "LMPOP 2 a s LEFT",
    "LMPOP 2 s a LEFT", "LMPOP 1 s LEFT COUNT 0", "LMPOP 1 s UP", "LRANGE a 0 -1",
    "LMPOP 1 a LEFT COUNT " + I64_MAX, "EXISTS a", "LMPOP 1 a LEFT COUNT " + I64_MAX,
    "RPUSH x 1 2 3", "EXPIRE x 100000", "LMPOP 1 x RIGHT", "@ttl TTL x",
    "LMPOP 3 nokey nokey2 x RIGHT COUNT 5", "TTL x", "EXISTS x",
    "RPUSH c 1", "LMPOP 1 c RIGHT COUNT 1", "RPUSH c ''", "LMPOP 1 c LEFT",
    ("RPUSH", b"k\x00", b"\x00", b"\r\n"), ("LMPOP", "1", b"k\x00", "LEFT", "COUNT", "5"),
    "LMPOP 1 a", "LMPOP 1", "LMPOP", "LMPOP 0 a", "lmpop 1 c left",
])

# ---------------------------------------------------------------- elements
BIG1, BIG2 = "x" * 10000, "y" * 70000
case("binary-and-large-elements", [
    ("RPUSH", "b", b"\x00", b"a\x00b", b"\r\n", b"\xff\xfe", b"", b"*1\r\n$1\r\nx\r\n"),
    "LRANGE b 0 -1", "LLEN b", ("LPOS", "b", b"\r\n"), ("LPOS", "b", b""),
    ("LINSERT", "b", "BEFORE", b"a\x00b", b"\x00\x00"), ("LINSERT", "b", "AFTER", b"a", "x"),
    ("LREM", "b", "0", b"\x00"), "LRANGE b 0 -1", ("LSET", "b", "-1", b"\n"),
    "LINDEX b -1", ("LPUSH", "b", b"$-1\r\n"), "LPOP b 2", "RPOP b 2", "LRANGE b 0 -1",
    "RPUSH big " + BIG1 + " small " + BIG2, "LLEN big", "LINDEX big 0", "LINDEX big -1",
    "LRANGE big 1 1", "LPOS big " + BIG2, "LINSERT big AFTER " + BIG1 + " " + BIG2,
    "LINDEX big 1", "LREM big 1 " + BIG2, "LRANGE big 0 -1", "LSET big 1 " + BIG1,
    "LREM big 0 " + BIG1, "LRANGE big 0 -1", "LPOP big", "LPUSH big " + BIG2,
    "RPUSH big tail", "LMOVE big big2 LEFT RIGHT", "LINDEX big2 0", "LRANGE big 0 -1",
    "RPOPLPUSH big big2", "EXISTS big", "LLEN big2",
    ("RPUSH", "u", "\u00e9t\u00e9", "\u2603"), "LRANGE u 0 -1", ("LPOS", "u", "\u2603"),
])

# ---------------------------------------------------------------- long lists
case("long-list-reads", [
    "RPUSH big " + elems("e", 1000), "LLEN big", "LRANGE big 0 9", "LRANGE big -10 -1",
    "LRANGE big 495 504", "LRANGE big 990 1010", "LRANGE big -1005 -995",
    "LRANGE big 998 " + I64_MAX, "LRANGE big " + I64_MIN + " 2", "LRANGE big 1000 1000",
    "LRANGE big -1000 -1000", "LRANGE big 500 499", "LRANGE big 0 -1",
    "LINDEX big 0", "LINDEX big 1", "LINDEX big 499", "LINDEX big 500", "LINDEX big 998",
    "LINDEX big 999", "LINDEX big 1000", "LINDEX big -1", "LINDEX big -2",
    "LINDEX big -1000", "LINDEX big -1001", "LPOS big e0", "LPOS big e999",
    "LPOS big e500 MAXLEN 500", "LPOS big e500 MAXLEN 501", "LPOS big e500 RANK -1",
    "LPOS big e500 RANK -1 MAXLEN 499", "LPOS big e500 RANK -1 MAXLEN 500",
    "LPOS big e1 COUNT 0", "LPOS big nothing COUNT 0",
    "LPUSH lp " + elems("p", 1000), "LRANGE lp 0 4", "LRANGE lp -5 -1", "LINDEX lp 500",
    "RPUSH nums " + elems("", 1000), "LPOS nums 500", "LPOS nums 0500", "LINDEX nums 777",
    "LRANGE nums 250 260", "LLEN nums", "OBJECT ENCODING big", "TYPE big",
])

REP = " ".join(["a b c"] * 300)
case("long-list-writes", [
    "RPUSH big " + elems("e", 1000), "LSET big 500 mid", "LSET big 0 first",
    "LSET big -1 last", "LRANGE big 498 502", "LINSERT big BEFORE mid before-mid",
    "LINSERT big AFTER e999 x", "LINSERT big AFTER last after-last", "LLEN big",
    "LRANGE big -3 -1", "LRANGE big 499 503", "LREM big 0 mid", "LLEN big",
    "LTRIM big 100 -101", "LLEN big", "LRANGE big 0 2", "LRANGE big -3 -1",
    "LINDEX big 400", "LTRIM big -300 " + I64_MAX, "LLEN big", "LINDEX big 0",
    "LPOP big 50", "RPOP big 50", "LLEN big", "LRANGE big 0 1", "LRANGE big -2 -1",
    "LMPOP 1 big LEFT COUNT 150", "LLEN big", "LMOVE big big RIGHT LEFT",
    "LRANGE big 0 1", "LTRIM big 25 24", "EXISTS big",
    "RPUSH rep " + REP, "LLEN rep", "LREM rep 100 a", "LREM rep -50 b", "LLEN rep",
    "LRANGE rep 0 9", "LRANGE rep -9 -1", "LPOS rep c RANK -10 COUNT 5",
    "LPOS rep a COUNT 0 MAXLEN 100", "LPOS rep b RANK 200", "LPOS rep b RANK 251",
    "LREM rep 0 c", "LLEN rep", "LREM rep -1000 b", "LRANGE rep 0 -1", "LREM rep 0 a",
    "EXISTS rep",
    "RPUSH big " + elems("e", 1000), "LMPOP 1 big RIGHT COUNT 600", "LLEN big",
    "LPOP big 9223372036854775807", "EXISTS big",
])

# ---------------------------------------------------------------- key space
# OBJECT ENCODING of a list is always "quicklist" in Redis 7.0 (listpack lists
# came with 7.2), whatever its size or history.
case("list-keyspace", [
    "RPUSH l a b c", "TYPE l", "EXISTS l", "OBJECT ENCODING l", "RENAME l l2",
    "EXISTS l", "LRANGE l2 0 -1", "COPY l2 l3", "RPUSH l3 extra", "LLEN l2", "LLEN l3",
    "OBJECT ENCODING l3", "COPY l2 l3", "COPY l2 l3 REPLACE", "LRANGE l3 0 -1",
    "SET s v", "SADD set m", "HSET h f v", "RENAMENX l2 s", "RENAME l2 s", "TYPE s",
    "LRANGE s 0 -1", "COPY s set REPLACE", "TYPE set", "RENAME h l3", "TYPE l3",
    "COPY s h", "TYPE h", "RPUSH h x", "LLEN h",
    "SET s v", "MGET s l3 h", "SETNX h v", "SET h v", "TYPE h", "RPUSH e x",
    "EXPIRE e 100000", "@ttl TTL e", "RENAME e e2", "@ttl TTL e2", "PERSIST e2",
    "TTL e2", "PEXPIRE e2 100000000", "RPUSH e2 y", "LPOP e2", "@pttl PTTL e2",
    "COPY e2 e3", "@pttl PTTL e3", "DEL e2 e3 nokey", "EXISTS e2 e3",
    "RPUSH big " + elems("", 600), "OBJECT ENCODING big", "RPUSH long " + "z" * 70000,
    "OBJECT ENCODING long", "RPOP big 599", "OBJECT ENCODING big", "LPUSH n 1",
    "OBJECT ENCODING n", "OBJECT ENCODING nokey", "OBJECT REFCOUNT n",
    "@scan SCAN 0 TYPE list", "@scan SCAN 0 TYPE LIST", "@scan SCAN 0 TYPE list COUNT 1",
    "@scan SCAN 0 MATCH b* TYPE list", "@scan SCAN 0 TYPE string", "@scan SCAN 0",
    "~ KEYS *", "DBSIZE", "TOUCH big long nokey", "UNLINK long", "DEL big", "TYPE big",
    "~ KEYS *", "FLUSHALL", "RPUSH only x", "RANDOMKEY", "DBSIZE",
])

# every way of emptying a list deletes the key, with its TTL
case("list-emptied-deleted", [
    "RPUSH l a", "EXPIRE l 100000", "LPOP l", "EXISTS l", "TTL l", "TYPE l",
    "RPUSH l a b", "EXPIRE l 100000", "RPOP l 5", "EXISTS l", "TTL l",
    "RPUSH l a a", "EXPIRE l 100000", "LREM l 0 a", "EXISTS l", "TTL l",
    "RPUSH l a", "EXPIRE l 100000", "LTRIM l 1 0", "EXISTS l", "TTL l",
    "RPUSH l a", "EXPIRE l 100000", "LMOVE l d LEFT RIGHT", "EXISTS l", "TTL l",
    "RPUSH l a", "EXPIRE l 100000", "RPOPLPUSH l d", "EXISTS l", "TTL l",
    "RPUSH l a b", "EXPIRE l 100000", "LMPOP 1 l LEFT COUNT 2", "EXISTS l", "TTL l",
    "RPUSH l a", "EXPIRE l 100000", "LPOP l 1", "EXISTS l", "LPUSH l fresh", "TTL l",
    "LRANGE l 0 -1", "LLEN d", "LPOP l 0", "EXISTS l", "RPOP l", "LPOP l 0", "EXISTS l",
    "~ KEYS *", "DBSIZE",
])

# ---------------------------------------------------------------- errors
def list_arity_lines():
    lines = arity_error_lines(LIST_ARITY)
    # LPOP/RPOP take at most one count although their arity is -2
    lines += ["LPOP k 1 2", "RPOP k 1 2", "lpop k 1 2 3", "LPOS k", "LMPOP 1 k",
              "LINSERT k BEFORE a", "LMOVE k k LEFT", "LMOVE k k LEFT RIGHT LEFT"]
    return lines


case("list-arity", list_arity_lines())

TYPED = {"str": "SET str v", "set": "SADD set m", "hash": "HSET hash f v",
         "list": "RPUSH list a b c"}
LIST_CMDS = ["LPUSH {k} x", "RPUSH {k} x", "LPUSHX {k} x", "RPUSHX {k} x", "LPOP {k}",
             "RPOP {k}", "LPOP {k} 0", "RPOP {k} 2", "LRANGE {k} 0 -1", "LINDEX {k} 0",
             "LINDEX {k} abc", "LLEN {k}", "LSET {k} 0 x", "LSET {k} abc x",
             "LINSERT {k} BEFORE a x", "LREM {k} 0 a", "LTRIM {k} 0 -1", "LPOS {k} a",
             "LPOS {k} a COUNT 0", "LMOVE {k} list LEFT RIGHT", "LMOVE list {k} LEFT RIGHT",
             "LMOVE {k} nokey RIGHT LEFT", "LMOVE nokey {k} LEFT LEFT",
             "RPOPLPUSH {k} list", "RPOPLPUSH list {k}", "RPOPLPUSH nokey {k}",
             "LMPOP 1 {k} LEFT", "LMPOP 2 nokey {k} RIGHT COUNT 2", "LMPOP 2 {k} list LEFT",
             "LMPOP 2 list {k} LEFT"]
OTHER_CMDS = ["GET {k}", "GETSET {k} x", "GETDEL {k}", "GETEX {k}", "APPEND {k} x",
              "STRLEN {k}", "INCR {k}", "DECRBY {k} 2", "INCRBYFLOAT {k} 1.5",
              "GETRANGE {k} 0 1", "SETRANGE {k} 0 x", "SET {k} v GET", "LCS {k} str",
              "SADD {k} a", "SREM {k} a", "SMEMBERS {k}", "SISMEMBER {k} a", "SCARD {k}",
              "SPOP {k}", "SRANDMEMBER {k}", "SINTER {k}", "SMOVE {k} set a",
              "SSCAN {k} 0", "HSET {k} f v", "HGET {k} f", "HGETALL {k}", "HLEN {k}",
              "HDEL {k} f", "HINCRBY {k} f 1", "HRANDFIELD {k}", "HSCAN {k} 0",
              "MGET {k} str", "SETNX {k} x", "MSETNX {k} x"]


def list_type_error_lines():
    lines = list(TYPED.values())
    for k in ("str", "set", "hash"):
        lines += [c.format(k=k) for c in LIST_CMDS]
    # LMPOP 2 list {k} popped from the list without looking at {k}: refill it
    lines += ["DEL list", "RPUSH list a b c"] + [c.format(k="list") for c in OTHER_CMDS]
    lines += ["TYPE str", "TYPE set", "TYPE hash", "TYPE list", "LRANGE list 0 -1",
              "EXISTS list str set hash nokey", "~ KEYS *"]
    return lines


case("list-wrongtype", list_type_error_lines())


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_script(live_pair, name, proto):
    run_fixed_script(live_pair, name, CASES[name], proto)
