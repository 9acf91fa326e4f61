"""Malformed RESP gets `-ERR Protocol error...` and closes only that connection;
other clients keep working and stored data is intact."""

import pytest

from lib.resp import RespConn

MALFORMED = [
    pytest.param(b"*1\r\n$abc\r\n", id="bulk-len-not-a-number"),
    pytest.param(b"*-\r\n", id="multibulk-len-dash"),
    pytest.param(b"*abc\r\n", id="multibulk-len-not-a-number"),
    pytest.param(b"*1\r\n$-5\r\n", id="negative-bulk-len"),
    pytest.param(b"*2\r\n$3\r\nGET\r\n:1\r\n", id="integer-instead-of-bulk"),
    pytest.param(b"*1\r\n$600000000\r\n", id="bulk-len-over-proto_max_bulk_len"),
    pytest.param(b"*2\r\n$4\r\nECHO\r\n$ 4\r\nabcd\r\n", id="space-in-bulk-len"),
    pytest.param(b"*1\r\n$4\r\nPING\r\n*x\r\n", id="good-then-bad", marks=[]),
]


def check_store(sut):
    c = sut.conn()
    try:
        assert c.call_raw("GET", "proto:keep") == b"$4\r\nsafe\r\n"
        assert c.call_raw("SCARD", "proto:set") == b":3\r\n"
    finally:
        c.close()


@pytest.fixture
def seeded(sut):
    c = sut.conn()
    assert c.call_raw("SET", "proto:keep", "safe") == b"+OK\r\n"
    assert c.call_raw("SADD", "proto:set", "a", "b", "c") == b":3\r\n"
    c.close()
    return sut


@pytest.mark.parametrize("payload", MALFORMED)
def test_malformed_request_closes_only_that_connection(seeded, payload):
    sut = seeded
    other = sut.conn()
    assert other.call_raw("PING") == b"+PONG\r\n"
    bad = sut.conn()
    bad.send_raw(payload)
    out = bad.read_until_close(timeout=5)
    if payload.startswith(b"*1\r\n$4\r\nPING\r\n"):
        assert out.startswith(b"+PONG\r\n"), out
        out = out[len(b"+PONG\r\n"):]
    assert out.startswith(b"-ERR Protocol error"), out
    assert out.endswith(b"\r\n") and out.count(b"\r\n") == 1, out
    bad.close()
    # the other connection is unaffected (same socket, no reconnect)
    assert other.call_raw("PING") == b"+PONG\r\n"
    assert other.call_raw("SET", "proto:after", "1") == b"+OK\r\n"
    other.close()
    check_store(sut)


def test_bulk_len_over_configured_limit(sut_factory):
    """proto_max_bulk_len from the config is enforced (1 MiB here)."""
    s = sut_factory(proto_max_bulk_len=1024 * 1024)
    c = s.conn()
    assert c.call_raw("SET", "lim:ok", b"x" * (1024 * 1024)) == b"+OK\r\n"
    bad = s.conn()
    bad.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$%d\r\n" % (1024 * 1024 + 1))
    out = bad.read_until_close(timeout=5)
    assert out.startswith(b"-ERR Protocol error"), out
    assert c.call_raw("STRLEN", "lim:ok") == b":1048576\r\n"
    assert c.call_raw("EXISTS", "k") == b":0\r\n"


def test_garbage_does_not_hurt_others(seeded):
    sut = seeded
    other = sut.conn()
    # invalid lengths: an error reply and a close
    for payload in (b"*99999999999999999999999\r\n", b"*1\r\n$" + b"9" * 40 + b"\r\n"):
        bad = RespConn(sut.host, sut.port)
        bad.send_raw(payload)
        out = bad.read_until_close(timeout=5)
        assert out.startswith(b"-ERR Protocol error"), (payload, out)
        bad.close()
        assert other.call_raw("PING") == b"+PONG\r\n"
    # binary junk, then the client goes away without reading
    for payload in (b"\x00\xff" * 5000, b"*2\r\n$3\r\nGET\r\n$2\r\n\x00", b"\r\n" * 1000):
        bad = RespConn(sut.host, sut.port)
        try:
            bad.send_raw(payload)
        except (ConnectionResetError, BrokenPipeError):
            pass
        bad.close()
        assert other.call_raw("PING") == b"+PONG\r\n"
    check_store(sut)


def test_client_disconnect_mid_command(seeded):
    """A client that vanishes half-way through a command leaves no trace."""
    sut = seeded
    for cut in (5, 20, 30):
        c = sut.conn()
        c.send_raw(b"*3\r\n$3\r\nSET\r\n$10\r\nproto:half\r\n$5\r\nvalue\r\n"[:cut])
        c.close()
    c = sut.conn()
    assert c.call_raw("PING") == b"+PONG\r\n"
    assert c.call_raw("EXISTS", "proto:half") == b":0\r\n"
    check_store(sut)
