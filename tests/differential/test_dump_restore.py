"""DUMP and RESTORE between Meridian and a real redis-server, both ways:
a value Redis dumped (listpacks, intsets, quicklists, int-encoded and LZF
strings, HyperLogLogs) restores in Meridian to what Redis holds, and a value
Meridian dumped restores in Redis; errors and options as Redis 7.0."""

import pytest

from lib.resp import Err

VALUES = [
    ("SET", "s", "hello"), ("SET", "i", "12345"), ("SET", "neg", "-70000"),
    ("SET", "big", "x" * 200 + "y" * 200),                     # LZF in Redis' dump
    ("RPUSH", "l", "a", "b", "c", "1", "-2", "3000000000"),    # a listpack quicklist node
    ("RPUSH", "longl", *["v%d" % i for i in range(600)]),     # several nodes
    ("RPUSH", "plain", "z" * 10000),                            # a big element
    ("SADD", "st", "x", "y", "z"), ("SADD", "si", "1", "2", "300", "70000", "-5"),  # intset
    ("SADD", "bigset", *["m%d" % i for i in range(200)]),
    ("HSET", "h", "f", "v", "n", "5", "e", ""),
    ("HSET", "bigh", *[x for i in range(200) for x in ("f%d" % i, "v%d" % i)]),
    ("ZADD", "z", "1.5", "a", "-2", "b", "1e20", "c", "inf", "d"),
    ("ZADD", "bigz", *[x for i in range(300) for x in (str(i * 0.25), "m%d" % i)]),
    ("PFADD", "hll", *["e%d" % i for i in range(500)]),
]


def view(conn, key):
    kind = conn.call("TYPE", key)
    kind = kind.decode() if isinstance(kind, bytes) else kind
    if key.endswith("hll"):
        return ("hll", conn.call("PFCOUNT", key))
    read = {"string": ["GET"], "list": ["LRANGE", "0", "-1"], "set": ["SMEMBERS"],
            "hash": ["HGETALL"], "zset": ["ZRANGE", "0", "-1", "WITHSCORES"]}[kind]
    got = conn.call(read[0], key, *read[1:])
    if kind in ("set", "hash"):
        got = sorted(got) if kind == "set" else sorted(zip(got[0::2], got[1::2]))
    return kind, got


@pytest.fixture
def filled(live_pair):
    ref, sut = live_pair
    r, m = ref.conn(), sut.conn()
    for c in (r, m):
        c.call("FLUSHALL")
        for cmd in VALUES:
            c.call(*cmd)
    yield r, m
    r.close()
    m.close()


def test_values_move_between_redis_and_meridian_both_ways(filled):
    r, m = filled
    for cmd in VALUES:
        key = cmd[1]
        from_redis = r.call("DUMP", key)
        assert m.call("RESTORE", "R" + key, "0", from_redis) == "OK", key
        from_meridian = m.call("DUMP", key)
        assert r.call("RESTORE", "M" + key, "0", from_meridian) == "OK", key
        want = view(r, key)
        assert view(m, "R" + key) == want, key
        assert view(r, "M" + key) == want, key
        assert view(m, key) == want, key


def test_restore_options_and_errors_reply_as_redis(filled):
    r, m = filled
    payload = r.call("DUMP", "s")
    bad_crc = payload[:-1] + bytes([payload[-1] ^ 1])
    newer = payload[:-10] + bytes([99, 0]) + payload[-8:]
    cases = [
        ["DUMP", "nokey"], ["DUMP"], ["RESTORE", "k"], ["RESTORE", "s", "0", payload],
        ["RESTORE", "n1", "-1", payload], ["RESTORE", "n2", "abc", payload],
        ["RESTORE", "n3", "0", "garbage"], ["RESTORE", "n4", "0", bad_crc],
        ["RESTORE", "n5", "0", newer], ["RESTORE", "n6", "0", payload, "BOGUS"],
        ["RESTORE", "n7", "0", payload, "FREQ", "300"], ["RESTORE", "n8", "0", payload, "IDLETIME", "-1"],
        ["RESTORE", "n9", "0", payload, "IDLETIME", "5", "FREQ", "5"],
        ["RESTORE", "n10", "0", payload, "IDLETIME", "x"],
        ["RESTORE", "s", "0", payload, "REPLACE"], ["GET", "s"],
        ["RESTORE", "gone", "1", payload, "ABSTTL"], ["EXISTS", "gone"],
        ["RESTORE", "s", "1", payload, "ABSTTL", "REPLACE"], ["EXISTS", "s"],
        ["RESTORE", "ok", "0", payload, "FREQ", "5", "REPLACE"], ["GET", "ok"],
    ]
    for args in cases:
        assert m.call_raw(*args) == r.call_raw(*args), args


def test_restore_keeps_the_ttl(filled):
    r, m = filled
    payload = r.call("DUMP", "l")
    assert m.call("RESTORE", "t", "60000", payload) == "OK"
    assert 59000 <= m.call("PTTL", "t") <= 60000
    assert isinstance(m.call("RESTORE", "t", "0", payload), Err)  # BUSYKEY
