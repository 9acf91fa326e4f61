"""TLS between regions ([tls] replication = true): what crosses the wire
between two regions, recorded by a proxy, holds no stored value in clear
(and does without TLS: the control), and a peer with a certificate from
another CA, one that names another region, or none at all (plaintext) is
refused with a log line saying why, and applies nothing."""

import os
import uuid

import pytest

from lib import harness
from lib.certs import CertAuthority
from lib.cluster import Cluster
from lib.harness import make_tmpdir, wait_until
from lib.tcp_recorder import RecordingProxy


@pytest.fixture(scope="module")
def pki():
    d = make_tmpdir("meridian-peer-tls-")
    ca = CertAuthority(os.path.join(d, "ca"))
    rogue = CertAuthority(os.path.join(d, "rogue"), name="rogue")
    return {
        "ca": ca.cert,
        "a": ca.issue("a"),
        "b": ca.issue("b"),
        "b-named-c": ca.issue("b-named-c", common_name="c"),
        "b-other-ca": rogue.issue("b-other-ca", common_name="b"),
    }


def tls_cluster(pki, b_cert="b", tls=True):
    """Regions a and b; b presents pki[b_cert]. Compression off, so that
    only TLS stands between a value and the wire."""
    extra = "\n[tls]\nca_cert_file = %s\nreplication = %s\n" % (
        harness.toml_str(pki["ca"]), "true" if tls else "false")
    region_extra = {}
    for name, cert in (("a", "a"), ("b", b_cert)):
        crt, key = pki[cert]
        region_extra[name] = {"tls_cert_file": crt, "tls_key_file": key}
    return Cluster(names=("a", "b"), replication={"compress": False}, extra=extra,
                   region_extra=region_extra)


def through_proxy(c):
    """a reaches b's peer port through a recording proxy."""
    proxy = RecordingProxy(c["b"].peer_port)
    c["a"].config_text = c["a"].config_text.replace(
        'peer = "127.0.0.1:%d"' % c["b"].peer_port, 'peer = "127.0.0.1:%d"' % proxy.port)
    return proxy


def peer_stats(c, region, peer):
    for p in c.status(region)["peers"]:
        if p["name"] == peer:
            return p
    raise AssertionError("no peer %s in %s's status" % (peer, region))


@pytest.mark.parametrize("tls", [True, False], ids=["tls", "plaintext-control"])
def test_no_stored_value_crosses_in_clear(pki, tls):
    c = tls_cluster(pki, tls=tls)
    proxy = through_proxy(c)
    try:
        c.start()
        c.wait_linked()
        a, b = c.client("a"), c.client("b")
        secrets = ["secret-%s" % uuid.uuid4().hex for _ in range(30)]
        for i, v in enumerate(secrets[:10]):
            a.set("tls:s:%d" % i, v)
        a.hset("tls:h", mapping={"f%d" % i: v for i, v in enumerate(secrets[10:20])})
        a.sadd("tls:set", *secrets[20:])
        wait_until(lambda: b.scard("tls:set") == 10 and b.hlen("tls:h") == 10 and
                   b.get("tls:s:9") == secrets[9].encode(), desc="b holds a's writes")
        wire = proxy.recorded()
        assert proxy.connections >= 1 and len(wire) > 1000, len(wire)
        seen = [v for v in secrets if v.encode() in wire]
        if tls:
            assert wire[0] == 0x16, "not a TLS handshake record: %r" % wire[:8]
            assert seen == [], "in clear on the wire: %s" % seen
        else:
            # The control: the same capture without TLS shows them, so the
            # check above can fail.
            assert len(seen) == len(secrets)
    finally:
        proxy.stop()
        c.cleanup()


def _refused(pki, b_cert, expect_in_a_log, b_tls=True):
    c = tls_cluster(pki, b_cert=b_cert)
    if not b_tls:
        c["b"].config_text = c["b"].config_text.replace("replication = true",
                                                        "replication = false")
    try:
        c.start()
        a = c.client("a")
        a.set("tls:before", "x")
        wait_until(lambda: expect_in_a_log in c["a"].log(64000), timeout=20,
                   desc="a's log line saying why b was refused")
        # Refused again on every retry, and never up.
        wait_until(lambda: peer_stats(c, "a", "b")["transport"]["auth_failures"] >= 2,
                   timeout=20, desc="a second refusal")
        assert peer_stats(c, "a", "b")["link"] != "up"
        assert c.client("b").exists("tls:before") == 0
        assert c.client("b").dbsize() == 0
    finally:
        c.cleanup()


def test_a_peer_certificate_from_another_ca_is_refused(pki):
    _refused(pki, "b-other-ca", "TLS handshake: certificate verify failed")


def test_a_peer_certificate_for_another_region_is_refused(pki):
    _refused(pki, "b-named-c", 'its TLS certificate does not name region "b"')


def test_a_plaintext_peer_is_refused(pki):
    # b speaks plaintext to a, whose links are TLS: a refuses b's dial.
    _refused(pki, "b", "TLS handshake: wrong version number", b_tls=False)


def test_certificates_rotate_one_region_at_a_time_without_losing_a_write():
    """The README's rotation: trust the old and the new CA (a bundle), one
    region at a time; then new certificates, one region at a time; then drop
    the old CA. The links come back after each restart, and a write made
    while a region is down reaches it."""
    d = make_tmpdir("meridian-rotation-")
    old, new = CertAuthority(os.path.join(d, "old"), "old"), CertAuthority(os.path.join(d, "new"),
                                                                             "new")
    certs = {("old", n): old.issue(n) for n in ("a", "b")}
    certs.update({("new", n): new.issue(n) for n in ("a", "b")})
    bundle = os.path.join(d, "bundle.crt")
    with open(bundle, "w") as f:
        for path in (old.cert, new.cert):
            with open(path) as part:
                f.write(part.read())
    extra = "\n[tls]\nca_cert_file = %s\nreplication = true\n" % harness.toml_str(old.cert)
    region_extra = {n: {"tls_cert_file": certs[("old", n)][0], "tls_key_file": certs[("old", n)][1]}
                    for n in ("a", "b")}
    c = Cluster(names=("a", "b"), extra=extra, region_extra=region_extra)
    written = []

    def write_while_down(down, up):
        """Stops `down`, writes in `up`, and returns the key."""
        c[down].stop()
        key = "rot:%d" % len(written)
        c.client(up).set(key, "v")
        written.append(key)

    def step(region, replace):
        other = "b" if region == "a" else "a"
        write_while_down(region, other)
        text = c[region].config_text
        for before, after in replace:
            assert before in text
            text = text.replace(before, after)
        c[region].config_text = text
        c[region].start()
        c.wait_linked()
        wait_until(lambda: all(c.client(region).exists(k) for k in written), timeout=20,
                   desc="%s has every write, including the one made while it was down" % region)
        c.client(region).set("rot:from-" + region + str(len(written)), "v")
        wait_until(lambda: c.client(other).exists("rot:from-" + region + str(len(written))),
                   timeout=20, desc="%s's writes reach %s" % (region, other))

    try:
        c.start()
        c.wait_linked()
        q = harness.toml_str
        for n in ("a", "b"):  # 1. trust both CAs
            step(n, [(q(old.cert), q(bundle))])
        for n in ("a", "b"):  # 2. new certificates
            step(n, [(q(certs[("old", n)][0]), q(certs[("new", n)][0])),
                     (q(certs[("old", n)][1]), q(certs[("new", n)][1]))])
        for n in ("a", "b"):  # 3. the old CA goes
            step(n, [(q(bundle), q(new.cert))])
        for n in ("a", "b"):
            assert "certificate verify failed" not in c[n].log(64000)
    finally:
        c.cleanup()
