#!/usr/bin/python3
"""Geo-partitioning: what a travelling user pays (run by `make bench`).

Usage:
    /usr/bin/python3 bench/geo_bench.py            # updates docs/benchmarks.md
    /usr/bin/python3 bench/geo_bench.py --no-doc   # print only

Three regions with the design text's round trips (us-east - eu-west 100 ms,
us-east - ap-south 200 ms, eu-west - ap-south 150 ms, emulated), and keys
user:eu:* homed in eu-west and allowed only in the EU. A client connected to
each region writes and reads user:eu:42 sequentially: from eu-west it runs
locally; from the others the command goes to eu-west and back. The extra
latency should be one round trip to the home and no more: target p50 <=
round trip + 3 ms. A global key written in the same region is the local
baseline.
"""

import argparse
import datetime
import os
import platform
import statistics
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
sys.path.insert(0, HERE)
from lib.cluster import Cluster  # noqa: E402
from bench_doc import DOC, publish_table  # noqa: E402

BEGIN, END = "<!-- geo:begin -->", "<!-- geo:end -->"
RTT = {("us-east", "eu-west"): 100, ("us-east", "ap-south"): 200, ("eu-west", "ap-south"): 150}
SAMPLES = 100


def rtt(a, b):
    return 0 if a == b else RTT.get((a, b)) or RTT[(b, a)]


def timed(fn, n):
    out = []
    for _ in range(n):
        t = time.monotonic()
        fn()
        out.append((time.monotonic() - t) * 1000)
    out.sort()
    return statistics.median(out), out[int(len(out) * 0.99) - 1]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    names = ("us-east", "eu-west", "ap-south")
    c = Cluster(names=names, jurisdictions={"us-east": "US", "eu-west": "EU", "ap-south": "IN"},
                wan=[(a, b, ms, 1) for (a, b), ms in RTT.items()],
                placement=[{"pattern": "user:eu:*", "home": "eu-west", "allowed": ["EU"]}])
    rows = []
    try:
        c.start()
        c.wait_linked()
        for n in names:
            r = c.client(n)
            r.set("user:eu:42", "x")  # warm the connection and the route
            floor = rtt(n, "eu-west")
            w50, w99 = timed(lambda: r.set("user:eu:42", "profile"), SAMPLES)
            r50, r99 = timed(lambda: r.get("user:eu:42"), SAMPLES)
            l50, _ = timed(lambda: r.set("global:%s" % n, "x"), SAMPLES)
            ok = max(w50, r50) <= floor + 3
            rows.append("| %s | %d ms | %.1f / %.1f ms | %.1f / %.1f ms | %.1f ms | %s |" % (
                n, floor, w50, w99, r50, r99, l50, "met" if ok else "MISSED"))
            print(rows[-1], flush=True)
    finally:
        c.cleanup()
    intro = ("Measured with `/usr/bin/python3 bench/geo_bench.py` (part of `make bench`) on %s, %s, "
             "%d CPUs; %d sequential commands each." % (datetime.date.today().isoformat(),
             platform.machine(), os.cpu_count(), SAMPLES))
    header = ["client in", "round trip to eu-west (floor)", "SET user:eu:42 p50 / p99",
              "GET user:eu:42 p50 / p99", "SET of a global key p50",
              "target p50 <= floor + 3 ms"]
    publish_table(DOC, BEGIN, END, intro, header, rows, write=not args.no_doc)


if __name__ == "__main__":
    main()
