"""Curated scripts for the HyperLogLog commands PFADD, PFCOUNT and PFMERGE,
compared with a real redis-server 7.0 like test_fixed_diff.py (same line
syntax and prefixes, see difftools.parse_line; each case over RESP2 and
RESP3 on an empty key space).

PFCOUNT must be exact: Meridian uses Redis' hash, registers and estimator,
so the estimate of the same elements is the same number, from one element
to hundreds of thousands (where Redis' registers are dense). Besides the
replies of the commands themselves, the scripts check what the key space
says of an HLL (TYPE "string", OBJECT ENCODING "raw", EXISTS, DEL, TTLs,
RENAME, COPY, SCAN TYPE string, DBSIZE), empty HLLs (PFADD with no element,
PFMERGE of nothing), and the WRONGTYPE errors: Redis' own for a string that
is not an HLL, the usual one for the other types, checked for every key
before PFMERGE writes. Not compared: string commands on an HLL key (GET,
APPEND, ...), which Redis answers from the HLL's bytes and Meridian with
WRONGTYPE (README, differences).
"""

import random

import pytest

from cmdgen_hll import HLL_ARITY
from difftools import arity_error_lines, run_fixed_script

CASES = {}


def case(name, lines):
    assert name not in CASES
    CASES[name] = lines


def pfadd(key, elements):
    """PFADD as an argv (elements may hold any byte)."""
    return tuple(["PFADD", key] + list(elements))


def batches(key, elements, size):
    return [pfadd(key, elements[i:i + size]) for i in range(0, len(elements), size)]


# ---------------------------------------------------------------- basics
case("pfadd-pfcount", [
    "PFCOUNT h", "PFADD h a", "PFCOUNT h", "PFADD h a", "PFADD h b c d", "PFCOUNT h",
    "PFADD h a b c d", "PFCOUNT h", "PFADD h", "PFCOUNT h", "TYPE h", "EXISTS h",
    # duplicates within one call, the empty element, binary and numeric elements
    "PFADD d x x x x", "PFCOUNT d", "PFADD d ''", "PFADD d ''", "PFCOUNT d",
    pfadd("b", [b"\x00", b"\x00\x00", b"\xff\xfe\r\n", "\u00e9t\u00e9", "1", "01", "-0",
                "1.0", "9223372036854775808", "x" * 1000]),
    "PFCOUNT b", "PFCOUNT b d h", "PFCOUNT h h h", "PFCOUNT nokey", "PFCOUNT nokey h",
    "pfadd h E", "PfAdd h e", "pfcount h", "PFCOUNT H", ("PFADD", "", "empty-key"),
    ("PFCOUNT", ""), "TYPE ''", "~ KEYS *", "DBSIZE",
])

# Elements of every length 0..40 (MurmurHash64A's tail bytes) and of one
# byte each value: each lands in its own register with its own rank.
case("hash-tails", [pfadd("t", ["z" * n for n in range(41)]), "PFCOUNT t",
                    pfadd("u", [bytes([i]) for i in range(256)]), "PFCOUNT u",
                    "PFCOUNT t u"])

# ---------------------------------------------------------------- many elements
def growth_lines():
    """Counts after every batch up to 200,000 elements: sparse, then dense in Redis."""
    lines = []
    els = ["el:%d" % i for i in range(200000)]
    done = 0
    for upto in [10, 100, 500, 1000, 2000, 3000, 5000, 10000, 20000, 50000, 100000, 200000]:
        lines += batches("g", els[done:upto], 5000)
        lines.append("PFCOUNT g")
        done = upto
    # everything again changes nothing
    lines += batches("g", els[:10000], 5000)
    lines += ["PFCOUNT g", "PFADD g el:0", "TYPE g", "OBJECT ENCODING g"]
    return lines


case("many-elements", growth_lines())


def random_lines(seed):
    """Random binary elements into three keys, with unions and merges."""
    r = random.Random(seed)
    lines = []
    for n, key in ((3000, "r1"), (12000, "r2"), (700, "r3")):
        els = [bytes(r.randrange(256) for _ in range(r.randint(0, 24))) for _ in range(n)]
        lines += batches(key, els, 1500)
        lines.append("PFCOUNT " + key)
    lines += ["PFCOUNT r1 r2", "PFCOUNT r2 r3 r1", "PFMERGE m r1 r3", "PFCOUNT m",
              "PFMERGE m r2", "PFCOUNT m", "PFCOUNT m r1 r2 r3"]
    return lines


case("random-elements", random_lines(7))

# 10,000 elements exactly (the count must match exactly, not within an error).
case("ten-thousand", batches("k", ["user:%d" % i for i in range(10000)], 10000) +
     ["PFCOUNT k", "PFADD k user:0 user:9999", "PFCOUNT k"])

# ---------------------------------------------------------------- merge
case("pfmerge", [
    "PFADD a 1 2 3 4 5", "PFADD b 4 5 6 7", "PFADD c x y", "PFMERGE m a b", "PFCOUNT m",
    "PFCOUNT a b", "PFMERGE m c", "PFCOUNT m", "PFCOUNT a b c",
    # the destination is one of the sources; merging again changes nothing
    "PFMERGE a a b", "PFCOUNT a", "PFMERGE a b", "PFCOUNT a",
    # missing sources are empty; no source at all creates an empty HLL
    "PFMERGE n nokey1 nokey2", "EXISTS n", "PFCOUNT n", "TYPE n", "PFMERGE e", "EXISTS e",
    "PFCOUNT e", "PFMERGE e a", "PFCOUNT e", "PFMERGE a", "PFCOUNT a",
    "pfmerge M a", "PfMerge M b c", "PFCOUNT M", "~ KEYS *", "DBSIZE",
])

case("empty-hll", [
    "PFADD e", "EXISTS e", "TYPE e", "PFCOUNT e", "PFADD e", "PFCOUNT e nokey",
    "OBJECT ENCODING e", "PFMERGE f e", "EXISTS f", "PFCOUNT f", "PFADD e a", "PFCOUNT e",
    "PFADD e2", "DEL e2", "EXISTS e2", "PFADD e2", "EXPIRE e2 1000", "TTL e2", "DBSIZE",
    "@scan SCAN 0 TYPE string", "~ KEYS *",
])

# ---------------------------------------------------------------- key space
case("keyspace", [
    "PFADD h a b c", "TYPE h", "OBJECT ENCODING h", "EXISTS h", "EXPIRE h 100000",
    "@ttl TTL h", "PFADD h d", "@ttl TTL h", "PERSIST h", "TTL h",
    "RENAME h h2", "EXISTS h", "PFCOUNT h2", "TYPE h2", "COPY h2 h3", "PFCOUNT h3",
    "PFADD h3 zz", "PFCOUNT h2", "PFCOUNT h3", "COPY h2 h3", "COPY h2 h3 REPLACE",
    "PFCOUNT h3", "RENAMENX h2 h3", "SET s str", "SADD set m",
    "@scan SCAN 0 TYPE string", "@scan SCAN 0 TYPE set", "@scan SCAN 0 MATCH h*",
    "DBSIZE", "DEL h2 h3", "EXISTS h2 h3", "PFCOUNT h2 h3", "DBSIZE",
    # a SET replaces an HLL like any value; the string is then no HLL
    "PFADD h a", "SET h v", "GET h", "PFADD h a", "PFCOUNT h",
    # an expiry in the past deletes the HLL; PFADD then creates a new one
    "PFADD x a", "EXPIREAT x {T-}", "PFCOUNT x", "EXISTS x", "PFADD x b", "PFCOUNT x",
    "TTL x",
])

# ---------------------------------------------------------------- errors
def hll_arity_lines():
    return arity_error_lines(HLL_ARITY) + ["PFADD", "PFCOUNT", "PFMERGE", "pfadd", "pfmerge"]


case("hll-arity", hll_arity_lines())

TYPED = {"str": "SET str v", "num": "SET num 12", "set": "SADD set m",
         "hash": "HSET hash f v", "list": "RPUSH list a b c"}
HLL_CMDS = ["PFADD {k} a", "PFADD {k}", "PFCOUNT {k}", "PFCOUNT hll {k}", "PFCOUNT {k} nokey",
            "PFMERGE {k}", "PFMERGE {k} hll", "PFMERGE hll {k}", "PFMERGE newdest hll {k}",
            "EXISTS newdest", "PFMERGE hll nokey {k} hll", "PFCOUNT hll"]


def hll_type_error_lines():
    lines = list(TYPED.values()) + ["PFADD hll a b c"]
    for k in TYPED:
        lines += [c.format(k=k) for c in HLL_CMDS]
    # the values of the other keys are untouched
    lines += ["GET str", "GET num", "SMEMBERS set", "HGETALL hash", "LRANGE list 0 -1",
              "TYPE str", "TYPE hll", "~ KEYS *", "DBSIZE"]
    # other types' commands on an HLL key: WRONGTYPE in both
    lines += ["SADD hll x", "SMEMBERS hll", "HSET hll f v", "HGET hll f", "LPUSH hll x",
              "LRANGE hll 0 -1", "SCARD hll", "HLEN hll", "LLEN hll", "SINTER hll",
              "LPOP hll", "PFCOUNT hll"]
    return lines


case("hll-wrongtype", hll_type_error_lines())


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_script(live_pair, name, proto):
    run_fixed_script(live_pair, name, CASES[name], proto)
