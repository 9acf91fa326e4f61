"""requirepass and [[users]]: nothing but AUTH/HELLO/QUIT before auth."""

import pytest
import redis

from lib.resp import RespConn, RespMap

NOAUTH = b"-NOAUTH Authentication required.\r\n"
WRONGPASS = b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"


@pytest.fixture(scope="module")
def auth_sut(request):
    from lib import harness
    if not harness.sut_available():
        pytest.fail("SUT binary missing: %s" % harness.meridian_bin(), pytrace=False)
    s = harness.make_sut(requirepass="secret", users=[("app", "app-secret")])
    try:
        s.start()
        yield s
    finally:
        s.cleanup()


def raw(s):
    return RespConn(s.host, s.port)


def test_commands_refused_before_auth(auth_sut):
    c = raw(auth_sut)
    for cmd in (("PING",), ("GET", "a"), ("SET", "a", "b"), ("DBSIZE",), ("KEYS", "*"),
                ("CLIENT", "SETNAME", "x"), ("FLUSHALL",), ("SELECT", "0")):
        assert c.call_raw(*cmd) == NOAUTH, cmd
    # HELLO without AUTH is refused too (with its own NOAUTH message)
    r = c.call_raw("HELLO", "3")
    assert r.startswith(b"-NOAUTH "), r
    # the connection still works and nothing was written
    assert c.call_raw("AUTH", "secret") == b"+OK\r\n"
    assert c.call_raw("EXISTS", "a") == b":0\r\n"


def test_wrongpass_wording(auth_sut):
    c = raw(auth_sut)
    assert c.call_raw("AUTH", "wrong") == WRONGPASS
    assert c.call_raw("AUTH", "app", "wrong") == WRONGPASS
    assert c.call_raw("AUTH", "nosuchuser", "secret") == WRONGPASS
    assert c.call_raw("AUTH", "default", "app-secret") == WRONGPASS
    assert c.call_raw("PING") == NOAUTH
    assert c.call_raw("AUTH") == b"-ERR wrong number of arguments for 'auth' command\r\n"


def test_auth_default_and_named_user(auth_sut):
    c = raw(auth_sut)
    assert c.call_raw("AUTH", "secret") == b"+OK\r\n"
    assert c.call_raw("PING") == b"+PONG\r\n"
    c2 = raw(auth_sut)
    assert c2.call_raw("AUTH", "default", "secret") == b"+OK\r\n"
    assert c2.call_raw("SET", "auth:k", "v") == b"+OK\r\n"
    c3 = raw(auth_sut)
    assert c3.call_raw("AUTH", "app", "app-secret") == b"+OK\r\n"
    assert c3.call_raw("GET", "auth:k") == b"$1\r\nv\r\n"
    # a failed AUTH after a good one (Redis keeps the connection authenticated)
    assert c3.call_raw("AUTH", "app", "bad") == WRONGPASS
    assert c3.call_raw("PING") == b"+PONG\r\n"


def test_hello_with_auth(auth_sut):
    c = raw(auth_sut)
    assert c.call_raw("HELLO", "3", "AUTH", "app", "bad") == WRONGPASS
    v = c.call("HELLO", "3", "AUTH", "app", "app-secret")
    assert isinstance(v, RespMap), v
    assert v.get("proto") == 3
    assert c.call_raw("PING") == b"+PONG\r\n"
    c2 = raw(auth_sut)
    v2 = c2.call("HELLO", "2", "AUTH", "default", "secret", "SETNAME", "n1")
    assert isinstance(v2, list) and b"proto" in v2
    assert c2.call_raw("CLIENT", "GETNAME") == b"$2\r\nn1\r\n"


def test_quit_before_auth(auth_sut):
    c = raw(auth_sut)
    assert c.call_raw("QUIT") == b"+OK\r\n"
    assert c.read_until_close(timeout=5) == b""


def test_real_clients_with_password(auth_sut):
    r = redis.Redis(host=auth_sut.host, port=auth_sut.port, password="secret",
                    socket_timeout=10)
    assert r.set("auth:py", "1") is True
    assert r.incr("auth:py") == 2
    ru = redis.Redis(host=auth_sut.host, port=auth_sut.port, username="app",
                     password="app-secret", socket_timeout=10)
    assert ru.get("auth:py") == b"2"
    bad = redis.Redis(host=auth_sut.host, port=auth_sut.port, password="nope",
                      socket_timeout=10)
    with pytest.raises((redis.AuthenticationError, redis.ResponseError)) as ei:
        bad.ping()
    assert "WRONGPASS" in str(ei.value) or "invalid" in str(ei.value).lower(), ei.value
    nopw = redis.Redis(host=auth_sut.host, port=auth_sut.port, socket_timeout=10)
    with pytest.raises((redis.AuthenticationError, redis.ResponseError)) as ei:
        nopw.get("auth:py")
    assert "Authentication required" in str(ei.value), ei.value
    out = auth_sut.cli("GET", "auth:py")
    assert out.returncode == 0 and out.stdout == "2\n", (out.stdout, out.stderr)


def test_reset_signs_the_client_out(auth_sut):
    """RESET returns the connection to the default user, which a password
    protects: what follows needs AUTH again (as Redis does)."""
    c = auth_sut.conn(auth=False)
    try:
        assert c.call("AUTH", "app", "app-secret") == "OK"
        assert c.call("SET", "k", "v") == "OK"
        assert c.call("RESET") == "RESET"
        assert str(c.call("GET", "k")).startswith("NOAUTH")
        assert c.call("AUTH", "secret") == "OK"
        assert c.call("GET", "k") == b"v"
    finally:
        c.close()
