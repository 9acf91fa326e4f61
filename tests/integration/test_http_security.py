"""The status pages over HTTPS ([tls] http = true) and behind a bearer
token ([server] http_token), and refused at start when bound beyond the
machine without a token. The GeoDNS server reads /failover through the same
HTTPS and token."""

import os
import ssl
import urllib.error
import urllib.request

import pytest

from lib import harness
from lib.certs import CertAuthority
from lib.cluster import Cluster
from lib.harness import MeridianServer, make_tmpdir

TOKEN = "s3cr3t-status-token"


@pytest.fixture(scope="module")
def pki():
    d = make_tmpdir("meridian-http-tls-")
    ca = CertAuthority(os.path.join(d, "ca"))
    return {"ca": ca.cert, "a": ca.issue("a", "127.0.0.1", server=True),
            "b": ca.issue("b", "127.0.0.1", server=True)}


def get(url, token=None, cafile=None):
    req = urllib.request.Request(url)
    if token is not None:
        req.add_header("Authorization", "Bearer " + token)
    ctx = ssl.create_default_context(cafile=cafile) if cafile else None
    try:
        with urllib.request.urlopen(req, timeout=5, context=ctx) as r:
            return r.status, r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


@pytest.fixture(scope="module")
def cluster(pki):
    extra = "\n[tls]\nca_cert_file = %s\nhttp = true\n" % harness.toml_str(pki["ca"])
    region_extra = {n: {"tls_cert_file": pki[n][0], "tls_key_file": pki[n][1]} for n in "ab"}
    c = Cluster(names=("a", "b"), extra=extra, region_extra=region_extra)
    c.render_all()
    for s in c.servers.values():
        s.config_text = s.config_text.replace("[server]\n", '[server]\nhttp_token = "%s"\n' % TOKEN)
    try:
        c.start()
        yield c
    finally:
        c.cleanup()


def test_status_over_https_with_the_token(cluster, pki):
    url = "https://127.0.0.1:%d/status" % cluster["a"].http_port
    status, body = get(url, TOKEN, pki["ca"])
    assert status == 200 and b'"peers"' in body


def test_without_or_with_a_wrong_token_nothing_is_served(cluster, pki):
    url = "https://127.0.0.1:%d/status" % cluster["a"].http_port
    for token in (None, "wrong", TOKEN + "x"):
        status, body = get(url, token, pki["ca"])
        assert status == 401, (token, status)
        assert b"peers" not in body and b"http_token" in body


def test_plain_http_on_the_https_port_gets_no_page(cluster):
    url = "http://127.0.0.1:%d/status" % cluster["a"].http_port
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        get(url, TOKEN)


def test_a_client_that_does_not_trust_the_ca_refuses_the_page(cluster):
    url = "https://127.0.0.1:%d/status" % cluster["a"].http_port
    with pytest.raises(urllib.error.URLError) as e:
        get(url, TOKEN, cafile=ssl.get_default_verify_paths().cafile or None)
    assert "CERTIFICATE_VERIFY_FAILED" in str(e.value) or "certificate" in str(e.value).lower()


def test_status_pages_bound_beyond_the_machine_need_a_token():
    s = MeridianServer()
    s.config_text = s.render_config().replace('http = "127.0.0.1:', 'http = "0.0.0.0:')
    try:
        code, log = s.run_to_exit()
        assert code not in (0, None), log
        assert "set [server] http_token" in log, log
    finally:
        s.cleanup()
