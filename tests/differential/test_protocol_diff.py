"""Raw wire-level inputs compared with a real redis-server: malformed requests
(full byte stream until the server closes), pipelined streams, inline commands,
and authentication (servers started with the same requirepass and user)."""

import pytest

from lib import harness
from lib.resp import RespConn, encode_command
from cmdgen import Step
from conftest import started_pair
from difftools import run_step, Mismatch, format_mismatch

PING = encode_command("PING")

# payloads after which the server must reply and close the connection
CLOSING = {
    "bulk-len-abc": b"*1\r\n$abc\r\n",
    "multibulk-dash": b"*-\r\n",
    "multibulk-abc": b"*abc\r\n",
    "multibulk-plus": b"*+1\r\n$4\r\nPING\r\n",
    "multibulk-leading-zero": b"*01\r\n$4\r\nPING\r\n",
    "multibulk-overflow": b"*99999999999999999999999\r\n",
    "bulk-negative": b"*1\r\n$-5\r\n",
    "bulk-minus-one": b"*1\r\n$-1\r\n",
    "bulk-plus": b"*1\r\n$+4\r\nPING\r\n",
    "bulk-space": b"*1\r\n$ 4\r\nPING\r\n",
    "bulk-leading-zero": b"*1\r\n$04\r\nPING\r\n",
    "bulk-over-max": b"*1\r\n$600000000\r\n",
    "bulk-overflow": b"*1\r\n$99999999999999999999999\r\n",
    "int-instead-of-bulk": b"*2\r\n$3\r\nGET\r\n:1\r\n",
    "simple-instead-of-bulk": b"*2\r\n$3\r\nGET\r\n+k\r\n",
    "array-instead-of-bulk": b"*2\r\n$3\r\nGET\r\n*1\r\n",
    "good-then-bad": encode_command("SET", "pk", "v") + encode_command("GET", "pk") + b"*x\r\n",
    "bad-after-partial-pipeline": PING + PING + b"*2\r\n$3\r\nGET\r\n$x\r\n" + PING,
}

# complete payloads that leave the connection open (an ECHO marker follows them)
OPEN = {
    "empty-multibulk": b"*0\r\n" + PING,
    "null-multibulk": b"*-1\r\n" + PING,
    "pipelined-mix": b"".join(encode_command(*c) for c in (
        ("SET", "pk", "1"), ("INCR", "pk"), ("GET", "pk"), ("NOSUCH",), ("GET",),
        ("SADD", "pk", "m"), ("DEL", "pk"), ("ECHO", ""))) + PING,
    "empty-bulk-command": b"*1\r\n$0\r\n\r\n" + PING,
    "binary-args": encode_command("SET", b"k\x00\r\n", b"\x00\xff") +
    encode_command("GET", b"k\x00\r\n") + encode_command("DEL", b"k\x00\r\n") + PING,
}

# inline (telnet-style) commands, part of the Redis protocol
INLINE = {
    "inline-ping": b"PING\r\n",
    "inline-lf-only": b"PING\n",
    "inline-set-get": b"SET ik hello\r\nGET ik\r\nDEL ik\r\n",
    "inline-quotes": b'SET "i k" "a b"\r\nGET "i k"\r\nDEL "i k"\r\n',
    "inline-escapes": b'ECHO "a\\x41\\n"\r\n',
    "inline-single-quotes": b"ECHO 'x y'\r\n",
    "inline-empty-lines": b"\r\n\r\n   \r\nPING\r\n",
    "inline-unknown": b"NOSUCH a b\r\n",
}
INLINE_CLOSING = {
    "inline-unbalanced": b'SET "a b\r\n',
    "inline-unbalanced-single": b"ECHO 'x\r\n",
}


def exchange_closing(server, payload, timeout=3):
    """Send payload; return every byte until the server closes, or a
    description of what was received if it did not close in time."""
    c = RespConn(server.host, server.port)
    try:
        c.send_raw(payload)
        return c.read_until_close(timeout=timeout)
    except OSError as e:   # socket.timeout included
        return "NOT CLOSED within %ds (%s); received %r" % (timeout, e, bytes(c.buf))
    finally:
        c.close()


END = encode_command("ECHO", "__end_marker__")
END_REPLY = b"$14\r\n__end_marker__\r\n"


def exchange_open(server, payload):
    """Send payload followed by ECHO __end_marker__; return every reply byte
    up to (without) the marker's reply."""
    c = RespConn(server.host, server.port)
    try:
        c.send_raw(payload + END)
        out = b""
        while True:
            r = c.read_raw(timeout=5)
            if r == END_REPLY:
                return out
            out += r
    finally:
        c.close()


@pytest.mark.parametrize("name", sorted(CLOSING))
def test_malformed_closes_like_redis(live_pair, name):
    ref, sut = live_pair
    a = exchange_closing(ref, CLOSING[name])
    b = exchange_closing(sut, CLOSING[name])
    assert b == a, "payload %r:\n  redis   : %r\n  meridian: %r" % (CLOSING[name], a, b)


@pytest.mark.parametrize("name", sorted(OPEN))
def test_wire_stream_like_redis(live_pair, name):
    ref, sut = live_pair
    a = exchange_open(ref, OPEN[name])
    b = exchange_open(sut, OPEN[name])
    assert b == a, "payload %r:\n  redis   : %r\n  meridian: %r" % (OPEN[name], a, b)


@pytest.mark.parametrize("name", sorted(INLINE))
def test_inline_commands_like_redis(live_pair, name):
    ref, sut = live_pair
    a = exchange_open(ref, INLINE[name])
    try:
        b = exchange_open(sut, INLINE[name])
    except Exception as e:  # noqa: BLE001
        b = "no reply: %r" % e
    assert b == a, "inline payload %r:\n  redis   : %r\n  meridian: %r" % (INLINE[name], a, b)


@pytest.mark.parametrize("name", sorted(INLINE_CLOSING))
def test_inline_errors_like_redis(live_pair, name):
    ref, sut = live_pair
    a = exchange_closing(ref, INLINE_CLOSING[name])
    try:
        b = exchange_closing(sut, INLINE_CLOSING[name])
    except Exception as e:  # noqa: BLE001
        b = "no close: %r" % e
    assert b == a, "payload %r:\n  redis   : %r\n  meridian: %r" % (INLINE_CLOSING[name], a, b)


@pytest.mark.parametrize("args", [("HELLO",), ("HELLO", "3"), ("HELLO", "2"),
                                  ("HELLO", "3", "SETNAME", "n")],
                         ids=["hello", "hello3", "hello2", "hello3-setname"])
def test_hello_like_redis(live_pair, args):
    """HELLO replies equal Redis' except the values of server, version and id
    (same fields, same order, same types)."""
    ref_srv, sut_srv = live_pair
    ref, sut = ref_srv.conn(), sut_srv.conn()
    try:
        run_step(Step(list(args), kind="hello"), ref, sut)
    except Mismatch as m:
        pytest.fail(format_mismatch(m, "-", 0, 2, []), pytrace=False)
    finally:
        ref.close()
        sut.close()


# ------------------------------------------------------------------- AUTH

@pytest.fixture(scope="module")
def auth_pair():
    ref = harness.RedisServer(config_text="requirepass secret\n"
                              "user app on >app-secret ~* &* +@all\n", password="secret")
    sut = harness.make_sut(requirepass="secret", users=[("app", "app-secret")])
    yield from started_pair(ref, sut)


AUTH_SCRIPTS = {
    "before-auth": ["PING", "GET k", "SET k v", "NOSUCH", "NOSUCH a", "HELLO", "HELLO 3",
                    "HELLO 2", "HELLO 4", "HELLO abc", "CLIENT SETNAME x", "CLIENT GETNAME",
                    "SELECT 0", "ECHO x", "AUTH", "AUTH a b c", "GET", "DBSIZE", "FLUSHALL",
                    "KEYS *", "SCAN 0", "AUTH wrong", "AUTH app wrong", "AUTH nobody x",
                    "AUTH default app-secret", "PING"],
    "auth-default": ["AUTH secret", "PING", "SET k v", "GET k", "DEL k", "AUTH wrong",
                     "PING", "AUTH app app-secret", "PING"],
    "auth-named": ["AUTH app app-secret", "PING", "AUTH default secret", "PING"],
    "hello-auth": ["HELLO 3 AUTH app bad", "PING", "@hello HELLO 3 AUTH app app-secret",
                   "PING", "GET nokey", "@hello HELLO 2 AUTH default secret SETNAME n",
                   "CLIENT GETNAME", "GET nokey"],
    "hello-auth-bad-syntax": ["HELLO 3 AUTH", "HELLO 3 AUTH app", "HELLO AUTH app app-secret",
                              "PING", "HELLO 3 SETNAME x", "PING"],
}


@pytest.mark.parametrize("name", sorted(AUTH_SCRIPTS))
def test_auth_like_redis(auth_pair, name):
    from difftools import parse_line
    ref_srv, sut_srv = auth_pair
    ref = RespConn(ref_srv.host, ref_srv.port)
    sut = RespConn(sut_srv.host, sut_srv.port)
    failures, history = [], []
    try:
        for i, line in enumerate(AUTH_SCRIPTS[name]):
            step = parse_line(line)
            try:
                ra, _ = run_step(step, ref, sut)
                history.append((i, step, ra))
            except Mismatch as m:
                failures.append(format_mismatch(m, name, i, 2, history[-3:]))
        if failures:
            pytest.fail("\n".join(failures), pytrace=False)
    finally:
        ref.close()
        sut.close()
