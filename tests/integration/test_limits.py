"""maxclients, client output buffer limits and FLUSHALL gating."""

import socket
import time

import pytest

from lib.harness import wait_until
from lib.resp import RespConn, Err

MAXCLIENTS_ERR = b"-ERR max number of clients reached\r\n"


def test_maxclients(sut_factory):
    s = sut_factory(maxclients=5)
    conns = []
    try:
        for i in range(5):
            c = s.conn()
            assert c.call_raw("PING") == b"+PONG\r\n", "connection %d refused" % (i + 1)
            conns.append(c)
        sixth = RespConn(s.host, s.port)
        # the server may write the error right away (without a command), as
        # Redis does; send a PING anyway and read until the close
        try:
            sixth.send_raw(b"*1\r\n$4\r\nPING\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass
        out = sixth.read_until_close(timeout=5)
        assert out == MAXCLIENTS_ERR, out
        sixth.close()
        # the five keep working
        for c in conns:
            assert c.call_raw("PING") == b"+PONG\r\n"
        # free a slot: a new client is accepted once the server noticed
        conns.pop().close()

        def new_client_ok():
            c = RespConn(s.host, s.port)
            try:
                if c.call_raw("PING") == b"+PONG\r\n":
                    conns.append(c)
                    return True
            except Exception:
                pass
            c.close()
            return False
        wait_until(new_client_ok, timeout=10, desc="a slot freed after a close")
    finally:
        for c in conns:
            c.close()


@pytest.mark.meridian_only
def test_flushall_refused_when_disabled(sut_factory):
    s = sut_factory(enable_flushall=False)
    c = s.conn()
    c.call_raw("SET", "fa:k", "v")
    r = c.call("FLUSHALL")
    assert isinstance(r, Err), "FLUSHALL must be refused when enable_flushall = false: %r" % r
    assert c.call_raw("GET", "fa:k") == b"$1\r\nv\r\n"
    assert c.call_raw("DBSIZE") == b":1\r\n"


def test_flushall_works_when_enabled(sut_factory):
    s = sut_factory(enable_flushall=True)
    c = s.conn()
    for i in range(50):
        c.call_raw("SET", "fa:%d" % i, "v")
    c.call_raw("SADD", "fa:set", "a")
    c.call_raw("HSET", "fa:h", "f", "v")
    c.call_raw("EXPIRE", "fa:h", "1000")
    assert c.call_raw("FLUSHALL") == b"+OK\r\n"
    assert c.call_raw("DBSIZE") == b":0\r\n"
    assert c.call_raw("KEYS", "*") == b"*0\r\n"
    assert c.call_raw("GET", "fa:1") == b"$-1\r\n"
    # and the server keeps working after it
    assert c.call_raw("SET", "fa:new", "1") == b"+OK\r\n"
    assert c.call_raw("DBSIZE") == b":1\r\n"
    # FLUSHALL is durable: the keys stay gone after a restart
    s.restart()
    c = s.conn()
    assert c.call_raw("DBSIZE") == b":1\r\n"
    assert c.call_raw("GET", "fa:new") == b"$1\r\n1\r\n"


def test_a_subscriber_that_does_not_read_is_closed_past_its_output_limit(sut_factory):
    """client_output_buffer_limit "pubsub <hard> ...": messages a subscriber
    does not read pile up only to the limit; then it is closed, as Redis
    closes it, and the server's memory does not follow the flood."""
    s = sut_factory(client_output_buffer_limit="normal 0 0 0 pubsub 2mb 1mb 60")
    c = s.conn()
    assert c.call("CONFIG", "GET", "client-output-buffer-limit")[1] == \
        b"normal 0 0 0 pubsub 2097152 1048576 60"
    sub = socket.create_connection((s.host, s.port))
    sub.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # keep the kernel's share small
    sub.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$2\r\nch\r\n")
    wait_until(lambda: c.call("PUBSUB", "NUMSUB", "ch")[1] == 1, desc="subscribed")
    payload = "x" * 65536
    sent = 0
    # 64 MiB published to a reader that never reads
    while c.call("PUBSUB", "NUMSUB", "ch")[1] == 1 and sent < 1024:
        c.call("PUBLISH", "ch", payload)
        sent += 1
    assert c.call("PUBSUB", "NUMSUB", "ch")[1] == 0, "still subscribed after %d MiB" % (sent // 16)
    assert sent < 1024
    assert "overcoming of output buffer limits" in s.log()
    # its connection is gone, not only its subscription
    clients = c.call("CLIENT", "LIST").decode().strip().splitlines()
    assert len(clients) == 1 and "cmd=client" in clients[0], clients
    sub.close()
    assert c.call_raw("PING") == b"+PONG\r\n"


def test_output_limit_config_errors(sut_factory):
    s = sut_factory(start=False, client_output_buffer_limit="replica 1 2 3")
    code, log = s.run_to_exit()
    assert code not in (0, None) and "unknown client class \"replica\"" in log, log
