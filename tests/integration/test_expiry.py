"""Expiry really removes keys: lazily and by the active background cycle."""

import time

from lib.harness import wait_until


def dbsize(c):
    return c.call("DBSIZE")


def test_active_expiry_removes_keys_without_reads(sut):
    c = sut.conn()
    for i in range(200):
        c.call_raw("SET", "ae:s%d" % i, "v")
    c.call_raw("SADD", "ae:set", "a", "b")
    c.call_raw("HSET", "ae:hash", "f", "v")
    c.call_raw("SET", "ae:keep", "v")
    c.call_raw("SET", "ae:long", "v", "EX", "100000")
    ttl_ms = 1000
    set_at = time.monotonic()
    for i in range(200):
        assert c.call_raw("PEXPIRE", "ae:s%d" % i, str(ttl_ms)) == b":1\r\n"
    assert c.call_raw("PEXPIRE", "ae:set", str(ttl_ms)) == b":1\r\n"
    assert c.call_raw("PEXPIRE", "ae:hash", str(ttl_ms)) == b":1\r\n"
    size = dbsize(c)
    # on a loaded machine the PEXPIREs themselves may outlast the TTL: the
    # count is only certain while none of them can have expired yet
    if time.monotonic() - set_at < ttl_ms / 1000:
        assert size == 204
    # only DBSIZE is read: no key is touched, so only the active cycle can
    # remove them
    wait_until(lambda: dbsize(c) == 2, timeout=15, desc="DBSIZE drops to 2")
    assert sorted(c.call("KEYS", "*")) == [b"ae:keep", b"ae:long"]


def test_lazy_expiry_on_access(sut):
    c = sut.conn()
    c.call_raw("SET", "le:k", "v", "PX", "50")
    c.call_raw("SADD", "le:s", "m")
    c.call_raw("PEXPIRE", "le:s", "50")
    wait_until(lambda: c.call("PTTL", "le:k") == -2, timeout=5)
    assert c.call_raw("GET", "le:k") == b"$-1\r\n"
    assert c.call_raw("EXISTS", "le:k") == b":0\r\n"
    wait_until(lambda: c.call("SCARD", "le:s") == 0, timeout=5)
    assert c.call_raw("SISMEMBER", "le:s", "m") == b":0\r\n"
    assert c.call_raw("TYPE", "le:s") == b"+none\r\n"
    # an expired key is gone for write commands too
    assert c.call_raw("INCR", "le:k") == b":1\r\n"
    assert c.call_raw("TTL", "le:k") == b":-1\r\n"


def test_expire_in_the_past_deletes(sut):
    c = sut.conn()
    c.call_raw("SET", "past:a", "v")
    c.call_raw("SET", "past:b", "v")
    c.call_raw("SET", "past:c", "v")
    assert c.call_raw("EXPIRE", "past:a", "-1") == b":1\r\n"
    assert c.call_raw("PEXPIREAT", "past:b", "1") == b":1\r\n"
    assert c.call_raw("EXPIREAT", "past:c", "0") == b":1\r\n"
    assert c.call_raw("DBSIZE") == b":0\r\n"


def test_expired_keys_stay_gone_after_restart(sut_factory):
    s = sut_factory()
    c = s.conn()
    c.call_raw("SET", "rx:short", "v", "PX", "100")
    c.call_raw("SET", "rx:long", "v", "EX", "100000")
    c.call_raw("SET", "rx:none", "v")
    wait_until(lambda: c.call("DBSIZE") == 2, timeout=15, desc="active expiry")
    s.stop()
    s.start()
    c = s.conn()
    assert sorted(c.call("KEYS", "*")) == [b"rx:long", b"rx:none"]
    assert 99_000 <= c.call("TTL", "rx:long") <= 100_000
    assert c.call("TTL", "rx:none") == -1
