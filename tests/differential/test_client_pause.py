"""CLIENT PAUSE / UNPAUSE, run the same way against redis-server and Meridian:
each scenario is a function of one server and must pass on both (so the
test itself is checked against Redis), and the error replies are compared
byte for byte.

What is checked: WRITE holds writes (and WAIT, PFCOUNT) but not reads; ALL
holds everything, the pausing client's own commands and CLIENT UNPAUSE
included; a held client's pipelined commands wait behind it and answer in
order; INFO's blocked_clients counts held clients; a second pause keeps the
later deadline and the stricter mode; keys do not expire while paused and
do once it ends.
"""

import socket
import time

import pytest

from difftools import switch_to_resp3

from lib.harness import wait_until
from lib.resp import is_null


@pytest.fixture(params=["redis", "meridian"])
def server(request, diff_pair):
    ref, sut = diff_pair
    s = ref if request.param == "redis" else sut
    c = s.conn()
    c.call("CLIENT", "UNPAUSE")
    c.call("FLUSHALL")
    yield s
    s.conn().call("CLIENT", "UNPAUSE")


def no_reply_yet(conn, within=0.15):
    """True if nothing arrives within `within` s (a held command)."""
    try:
        conn.read(timeout=within)
    except socket.timeout:
        return True
    return False


def blocked_clients(conn):
    info = conn.call("INFO", "clients").decode()
    for line in info.split("\r\n"):
        if line.startswith("blocked_clients:"):
            return int(line.split(":")[1])
    raise AssertionError("INFO clients has no blocked_clients: " + info)


ERROR_CASES = [
    ("CLIENT", "PAUSE"), ("CLIENT", "PAUSE", "abc"), ("CLIENT", "PAUSE", "-1"),
    ("CLIENT", "PAUSE", "1.5"), ("CLIENT", "PAUSE", "99999999999999999999"),
    ("CLIENT", "PAUSE", "100", "FOO"), ("CLIENT", "PAUSE", "100", "write", "x"),
    ("CLIENT", "UNPAUSE", "x"), ("client", "unpause"), ("CLIENT", "PAUSE", "0", "all"),
]


@pytest.mark.parametrize("proto", ["2", "3"])
def test_client_pause_errors_match_redis(diff_pair, proto):
    ref, sut = diff_pair
    r, m = ref.conn(), sut.conn()
    if proto == "3":
        switch_to_resp3(r, m)
    for argv in ERROR_CASES:
        assert m.call_raw(*argv) == r.call_raw(*argv), argv
        r.call("CLIENT", "UNPAUSE")
        m.call("CLIENT", "UNPAUSE")


def test_write_pause_holds_writes_not_reads(server):
    admin, writer, reader = server.conn(), server.conn(), server.conn()
    reader.call("SET", "k", "before")
    assert admin.call("CLIENT", "PAUSE", "100000", "WRITE") == "OK"
    # a write and what the writer pipelined after it wait, in order
    writer.send_raw(b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nafter\r\n"
                    b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n")
    assert no_reply_yet(writer)
    wait_until(lambda: blocked_clients(reader) == 1, desc="the writer counted as blocked")
    # reads (and the admin's own reads) run
    assert reader.call("GET", "k") == b"before"
    assert admin.call("EXISTS", "k") == 1
    # WAIT and PFCOUNT may replicate: held too
    waiter = server.conn()
    waiter.send("PFCOUNT", "h")
    assert no_reply_yet(waiter)
    assert admin.call("CLIENT", "UNPAUSE") == "OK"
    assert writer.read() == "OK"
    assert writer.read() == b"after"
    assert waiter.read() == 0
    assert reader.call("GET", "k") == b"after"
    assert blocked_clients(reader) == 0


def test_all_pause_holds_everything_until_its_deadline(server):
    admin, other = server.conn(), server.conn()
    start = time.monotonic()
    assert admin.call("CLIENT", "PAUSE", "400", "ALL") == "OK"
    other.send("PING")
    admin.send("CLIENT", "UNPAUSE")  # held as well: only the deadline ends it
    assert no_reply_yet(other)
    assert other.read(timeout=10) == "PONG"
    assert admin.read(timeout=10) == "OK"
    assert time.monotonic() - start >= 0.35


def test_a_shorter_all_pause_keeps_the_longer_write_deadline(server):
    admin, other = server.conn(), server.conn()
    start = time.monotonic()
    admin.call("CLIENT", "PAUSE", "600", "WRITE")
    admin.call("CLIENT", "PAUSE", "10", "ALL")  # now ALL, until the later deadline
    other.send("GET", "k")
    assert no_reply_yet(other, within=0.2)
    assert is_null(other.read(timeout=10))
    assert time.monotonic() - start >= 0.5


def test_keys_do_not_expire_while_paused(server):
    c = server.conn()
    c.call("SET", "e", "v", "PX", "100")
    c.call("SET", "keep", "v")
    assert c.call("CLIENT", "PAUSE", "100000", "WRITE") == "OK"
    # expired to readers, but neither removed nor counted out
    wait_until(lambda: is_null(c.call("GET", "e")), desc="e expired for readers")
    assert c.call("EXISTS", "e") == 0
    assert c.call("DBSIZE") == 2
    assert c.call("CLIENT", "UNPAUSE") == "OK"
    wait_until(lambda: c.call("DBSIZE") == 1, desc="e removed once the pause ended")


def test_a_client_closed_while_held_leaves_nothing_behind(server):
    admin = server.conn()
    admin.call("CLIENT", "PAUSE", "100000", "WRITE")
    gone = server.conn()
    gone.send("SET", "g", "1")
    wait_until(lambda: blocked_clients(admin) == 1, desc="held")
    gone.close()
    wait_until(lambda: blocked_clients(admin) == 0, desc="closed client forgotten")
    admin.call("CLIENT", "UNPAUSE")
    assert admin.call("PING") == "PONG"
    # Redis runs nothing for a client that left; neither does Meridian
    assert admin.call("EXISTS", "g") == 0
