"""TLS toward clients (Redis' tls-port): redis-cli --tls and redis-py with
ssl=True against a region, certificates made here by openssl, and what a
plaintext client, a client without a certificate and one with a certificate
from another CA get. redis-server with the same certificates is the
reference for what a client sees."""

import os
import socket
import ssl
import subprocess

import pytest
import redis

from lib import harness
from lib.certs import CertAuthority
from lib.harness import HOST, MeridianServer, RedisServer, make_tmpdir, wait_until


@pytest.fixture(scope="module")
def pki():
    d = make_tmpdir("meridian-tls-")
    ca = CertAuthority(os.path.join(d, "ca"))
    rogue = CertAuthority(os.path.join(d, "rogue"), name="rogue")
    return {
        "dir": d,
        "ca": ca.cert,
        "server": ca.issue("server", "127.0.0.1", server=True),
        "client": ca.issue("client"),
        "rogue_client": rogue.issue("rogue-client"),
    }


def tls_table(pki, **extra):
    crt, key = pki["server"]
    t = {"cert_file": crt, "key_file": key, "ca_cert_file": pki["ca"]}
    t.update(extra)
    return t


@pytest.fixture(scope="module")
def region(pki):
    if not harness.sut_available():
        pytest.fail("SUT binary missing: %s" % harness.meridian_bin(), pytrace=False)
    s = MeridianServer(tls=tls_table(pki))
    try:
        s.start()
        yield s
    finally:
        s.cleanup()


@pytest.fixture(scope="module")
def reference(pki):
    """redis-server 7.0 with the same certificates on its tls-port."""
    crt, key = pki["server"]
    tls_port = harness.free_port()
    s = RedisServer(options={"tls-port": tls_port, "tls-cert-file": crt, "tls-key-file": key,
                             "tls-ca-cert-file": pki["ca"]})
    s.tls_port = tls_port
    try:
        s.start()
        yield s
    finally:
        s.cleanup()


def cli(port, pki, *args, cert="client", stdin=None):
    cmd = ["redis-cli", "-h", HOST, "-p", str(port), "--tls", "--cacert", pki["ca"]]
    if cert is not None:
        crt, key = pki[cert]
        cmd += ["--cert", crt, "--key", key]
    return subprocess.run(cmd + list(args), capture_output=True, text=True, timeout=30,
                          input=stdin)


SCRIPT = "\n".join([
    "SET tls:k hello", "GET tls:k", "INCR tls:n", "INCRBY tls:n 41", "HSET tls:h a 1 b 2",
    "HGETALL tls:h", "LPUSH tls:k x", "GET tls:missing", "DEL tls:k tls:n tls:h",
    "PING", "ECHO over-tls",
]) + "\n"


def test_redis_cli_over_tls_answers_as_redis_does(region, reference, pki):
    mine = cli(region.tls_port, pki, stdin=SCRIPT)
    theirs = cli(reference.tls_port, pki, stdin=SCRIPT)
    assert mine.returncode == 0, mine.stderr
    assert theirs.returncode == 0, theirs.stderr
    assert mine.stdout == theirs.stdout
    assert "WRONGTYPE" in mine.stdout and "over-tls" in mine.stdout


def test_writes_over_tls_are_seen_on_the_plain_port(region, pki):
    r = cli(region.tls_port, pki, "SET", "tls:both", "from-tls")
    assert (r.returncode, r.stdout) == (0, "OK\n"), r.stderr
    plain = redis.Redis(host=HOST, port=region.port)
    assert plain.get("tls:both") == b"from-tls"


def test_redis_py_with_ssl(region, pki):
    crt, key = pki["client"]
    c = redis.Redis(host=HOST, port=region.tls_port, ssl=True, ssl_ca_certs=pki["ca"],
                    ssl_certfile=crt, ssl_keyfile=key, ssl_cert_reqs="required")
    assert c.ping() is True
    big = os.urandom(300_000)  # several TLS records each way
    c.set("tls:py", big)
    assert c.get("tls:py") == big
    p = c.pipeline(transaction=True)
    for i in range(50):
        p.incr("tls:py:n")
    assert p.execute()[-1] == 50
    ps = c.pubsub()
    ps.subscribe("tls:chan")
    wait_until(lambda: ps.get_message(timeout=0.1) is not None, desc="subscribe confirmation")
    assert c.publish("tls:chan", "hi") == 1
    msg = None

    def received():
        nonlocal msg
        msg = ps.get_message(timeout=0.1)
        return msg is not None

    wait_until(received, desc="the message over TLS")
    assert msg["data"] == b"hi"
    ps.close()


def read_all(sock):
    """Everything the server sends until it closes (or 5 s pass)."""
    sock.settimeout(5)
    data = b""
    try:
        while True:
            chunk = sock.recv(4096)
            if not chunk:
                return data, True
            data += chunk
    except socket.timeout:
        return data, False
    except ConnectionResetError:
        return data, True


def test_a_plaintext_client_on_the_tls_port_gets_nothing(region):
    with socket.create_connection((HOST, region.tls_port)) as s:
        s.sendall(b"*3\r\n$3\r\nSET\r\n$8\r\ntls:leak\r\n$1\r\nx\r\n*1\r\n$4\r\nPING\r\n")
        data, closed = read_all(s)
    assert closed, "the server kept a plaintext connection open on its TLS port"
    # At most a TLS alert record (content type 21), never a RESP reply.
    assert data == b"" or data[0] == 21, data
    assert b"PONG" not in data and b"OK" not in data
    assert redis.Redis(host=HOST, port=region.port).exists("tls:leak") == 0


@pytest.mark.parametrize("cert", [None, "rogue_client"], ids=["no-cert", "other-ca"])
def test_a_client_without_a_trusted_certificate_is_refused(region, reference, pki, cert):
    for server in (region, reference):
        r = cli(server.tls_port, pki, "SET", "tls:refused", "x", cert=cert)
        assert r.returncode != 0 or "OK" not in r.stdout, (server.kind, r.stdout)
    assert redis.Redis(host=HOST, port=region.port).exists("tls:refused") == 0


def test_a_client_that_trusts_another_ca_refuses_the_server(region, pki):
    crt, key = pki["client"]
    rogue_ca = os.path.join(pki["dir"], "rogue", "rogue.crt")
    r = subprocess.run(["redis-cli", "-h", HOST, "-p", str(region.tls_port), "--tls", "--cacert",
                        rogue_ca, "--cert", crt, "--key", key, "PING"],
                       capture_output=True, text=True, timeout=30)
    assert "PONG" not in r.stdout
    assert "certificate verify failed" in (r.stdout + r.stderr)


def _handshake(port, pki, version):
    ctx = ssl.create_default_context(cafile=pki["ca"])
    ctx.load_cert_chain(*pki["client"])
    ctx.minimum_version = version
    ctx.maximum_version = version
    with socket.create_connection((HOST, port)) as raw:
        with ctx.wrap_socket(raw, server_hostname="127.0.0.1") as s:
            s.sendall(b"PING\r\n")
            return s.recv(100), s.version()


def test_optional_client_certificates_and_protocol_versions(pki):
    s = MeridianServer(tls=tls_table(pki, auth_clients="optional", protocols="TLSv1.3"))
    try:
        s.start()
        # No certificate: accepted when optional.
        r = cli(s.tls_port, pki, "PING", cert=None)
        assert (r.returncode, r.stdout) == (0, "PONG\n"), r.stderr
        assert _handshake(s.tls_port, pki, ssl.TLSVersion.TLSv1_3) == (b"+PONG\r\n", "TLSv1.3")
        with pytest.raises(ssl.SSLError):
            _handshake(s.tls_port, pki, ssl.TLSVersion.TLSv1_2)
    finally:
        s.cleanup()


@pytest.mark.parametrize("case", ["no-cert", "bad-key", "no-ca", "bad-protocol"])
def test_a_bad_tls_config_is_refused_with_what_to_fix(pki, case):
    crt, key = pki["server"]
    other_key = pki["client"][1]
    table, expect = {
        "no-cert": ({"key_file": key, "ca_cert_file": pki["ca"]},
                    "a TLS port needs a certificate"),
        "bad-key": ({"cert_file": crt, "key_file": other_key, "ca_cert_file": pki["ca"]},
                    "is it that certificate's key?"),
        "no-ca": ({"cert_file": crt, "key_file": key}, "ca_cert_file or ca_cert_dir"),
        "bad-protocol": (tls_table(pki, protocols="SSLv3"), "unknown protocol \"SSLv3\""),
    }[case]
    s = MeridianServer(tls=table)
    try:
        code, log = s.run_to_exit()
        assert code not in (0, None), log
        assert expect in log, log
    finally:
        s.cleanup()
