#!/usr/bin/python3
"""GeoDNS queries per second with dnsperf (run by `make bench`).

Usage:
    /usr/bin/python3 bench/dns_bench.py            # updates docs/benchmarks.md
    /usr/bin/python3 bench/dns_bench.py --no-doc

Starts three regions and `meridian dns` (one event-loop thread answers every
query; the health poller has its own), then runs dnsperf against it for 10
seconds twice: plain A queries for the read and write names, and the same
with an EDNS Client Subnet option. Target: >= 100,000 queries/s on one core.
dnsperf runs on the machine's other core.
"""

import argparse
import datetime
import os
import platform
import re
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
sys.path.insert(0, os.path.join(REPO, "tests", "integration"))
sys.path.insert(0, HERE)
from bench_doc import DOC, publish_table  # noqa: E402
from test_dns import DnsCluster  # noqa: E402

BEGIN, END = "<!-- dns:begin -->", "<!-- dns:end -->"
SECONDS = 10


def dnsperf(port, queries, ecs):
    with tempfile.NamedTemporaryFile("w", suffix=".txt", delete=False) as f:
        for q in queries:
            f.write(q + "\n")
        path = f.name
    args = ["dnsperf", "-s", "127.0.0.1", "-p", str(port), "-d", path, "-l", str(SECONDS),
            "-c", "4", "-T", "1", "-q", "500"]
    if ecs:
        # EDNS option 8 (client subnet): family 1, source /24, scope 0, 10.2.7.0
        args += ["-E", "8:00011800" + "0a0207"]
    out = subprocess.run(args, capture_output=True, text=True, timeout=SECONDS + 60).stdout
    os.unlink(path)
    qps = float(re.search(r"Queries per second:\s+([\d.]+)", out).group(1))
    lost = re.search(r"Queries lost:\s+(\d+)", out).group(1)
    return qps, int(lost), out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    d = DnsCluster()
    rows = []
    try:
        d.start()
        queries = ["db.example.test A", "db-write.example.test A"]
        for ecs in (False, True):
            qps, lost, out = dnsperf(d.port, queries, ecs)
            label = "A, EDNS Client Subnet 10.2.7.0/24" if ecs else "A, no ECS (source address)"
            rows.append("| %s | %s | %d | %s |" % (label, "{:,.0f}".format(qps), lost,
                                                   "met" if qps >= 100000 else "MISSED"))
            print(rows[-1], flush=True)
    finally:
        d.stop()
    intro = ("Measured with `/usr/bin/python3 bench/dns_bench.py` (part of `make bench`) on %s, %s, "
             "%d CPUs: dnsperf, %d s, 4 clients, up to 500 queries in flight, on the other core."
             % (datetime.date.today().isoformat(), platform.machine(), os.cpu_count(), SECONDS))
    header = ["queries", "queries/s", "lost", "target >= 100,000/s on one core"]
    publish_table(DOC, BEGIN, END, intro, header, rows, write=not args.no_doc)


if __name__ == "__main__":
    main()
