#!/usr/bin/python3
"""SET and GET over TLS: one region against redis-server, both on a TLS port
with the same certificates, in the same run (run by `make bench`).

Usage:
    /usr/bin/python3 bench/tls_bench.py           # updates docs/benchmarks.md
    /usr/bin/python3 bench/tls_bench.py --no-doc --requests 200000

Certificates are made by openssl (tests/lib/certs.py); clients present
one, as Redis' default tls-auth-clients requires. redis-benchmark --tls runs
each test against Meridian and then redis-server (interleaved per row), at
-P 1 and -P 16; the same tests over the plain ports in the same run show
what TLS itself costs each server. RSS of both is sampled throughout.
"""

import argparse
import datetime
import os
import platform
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
sys.path.insert(0, HERE)
from lib import harness  # noqa: E402
from lib.certs import CertAuthority  # noqa: E402
from lib.rss import RssSampler  # noqa: E402
from bench_doc import DOC, publish_table  # noqa: E402
from throughput_runner import parse_csv  # noqa: E402

BEGIN, END = "<!-- tls:begin -->", "<!-- tls:end -->"
TESTS = ["set", "get"]
PIPELINES = [1, 16]
CLIENTS = 50
KEYSPACE = 100_000


def bench(port, test, pipeline, requests, tls):
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", str(CLIENTS),
            "-n", str(requests), "-P", str(pipeline), "-r", str(KEYSPACE), "--csv", "-t", test]
    if tls:
        argv += ["--tls", "--cacert", tls["ca"], "--cert", tls["cert"], "--key", tls["key"]]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    rec = parse_csv(out.stdout, test)
    if rec is None:
        raise RuntimeError("redis-benchmark %s failed: %s %s" % (argv, out.stdout, out.stderr))
    return rec["rps"]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--requests", type=int, default=1_000_000, help="per run at -P 16")
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    requests = {1: args.requests // 5, 16: args.requests}
    started = time.time()
    pki_dir = tempfile.mkdtemp(prefix="meridian-tls-bench-")
    ca = CertAuthority(pki_dir)
    crt, key = ca.issue("server", "127.0.0.1", server=True)
    client_crt, client_key = ca.issue("client")
    client = {"ca": ca.cert, "cert": client_crt, "key": client_key}
    meridian = harness.MeridianServer(log_level="warn", tls={
        "cert_file": crt, "key_file": key, "ca_cert_file": ca.cert})
    redis_tls_port = harness.free_port()
    redis = harness.RedisServer(options={
        "tls-port": redis_tls_port, "tls-cert-file": crt, "tls-key-file": key,
        "tls-ca-cert-file": ca.cert, "appendonly": "yes", "appendfsync": "everysec"})
    sampler = RssSampler({"meridian": meridian, "redis": redis})
    results = []
    try:
        meridian.start()
        redis.start()
        sampler.start()
        for pipeline in PIPELINES:
            for test in TESTS:
                for tls in (True, False):
                    m = bench(meridian.tls_port if tls else meridian.port, test, pipeline,
                              requests[pipeline], client if tls else None)
                    r = bench(redis_tls_port if tls else redis.port, test, pipeline,
                              requests[pipeline], client if tls else None)
                    results.append((test.upper(), pipeline, "TLS" if tls else "plain", m, r))
                    print("%-4s -P %-2d %-5s meridian %10.0f  redis %10.0f  ratio %.2f" % (
                        test.upper(), pipeline, "TLS" if tls else "plain", m, r, m / r),
                        flush=True)
        sampler.stop()
    finally:
        sampler.stop()
        meridian.cleanup()
        redis.cleanup()
    if args.no_doc:
        return
    plain = {(t, p): (m, r) for t, p, kind, m, r in results if kind == "plain"}
    rows = []
    for t, p, kind, m, r in results:
        if kind != "TLS":
            continue
        pm, pr = plain[(t, p)]
        rows.append("| %s | %d | %s | %s | %.2f | %.2f / %.2f |" % (
            t, p, "{:,.0f}".format(m), "{:,.0f}".format(r), m / r, m / pm, r / pr))
    intro = (
        "Measured with `/usr/bin/python3 bench/tls_bench.py` (part of `make bench`) on %s, %s, "
        "%d CPUs; %.0f s in all. One region (tls_port, fsync everysec) and redis-server 7.0 "
        "(tls-port, appendonly everysec), the same certificates (RSA 2048, client certificates "
        "required), redis-benchmark --tls with %d clients, %s requests at -P 1 and %s at -P 16, "
        "keyspace %s, each row run against both in turn. TLS/plain: each server's rate over "
        "TLS over its rate on its plain port in the same run. Peak RSS: Meridian %.0f MiB, "
        "redis-server %.0f MiB." % (
            datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), platform.machine(),
            os.cpu_count(), time.time() - started, CLIENTS, "{:,}".format(requests[1]),
            "{:,}".format(requests[16]), "{:,}".format(KEYSPACE), sampler.peak["meridian"],
            sampler.peak["redis"]))
    header = ["test", "-P", "Meridian ops/s over TLS", "redis ops/s over TLS",
              "Meridian / redis", "TLS/plain: Meridian / redis"]
    publish_table(DOC, BEGIN, END, intro, header, rows)


if __name__ == "__main__":
    harness.exit_on_signals()
    main()
