#!/usr/bin/python3
"""What scraping /metrics every second costs a region (run by `make bench`).

Usage:
    /usr/bin/python3 bench/metrics_bench.py           # updates docs/benchmarks.md
    /usr/bin/python3 bench/metrics_bench.py --no-doc --rounds 2

Three regions (so the page carries per-peer series) on free ports; the
client writes into us. Two measures:
- throughput: redis-benchmark SET -P 16 against us, in pairs of runs
  without and with a scraper that GETs us's /metrics once a second (as
  Prometheus would), each pair's order swapped from the last; the median of
  the pairs' ratios (a pair's two runs meet the database at nearly the same
  size, so its growth cancels out);
- CPU: 300 scrapes back to back of an otherwise idle us after the writes
  (every command name and peer has its series), the region's CPU time
  (utime + stime from /proc) per scrape: at one scrape a second, that is the
  share of a second of the event loop a scrape takes.
"""

import argparse
import datetime
import os
import platform
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
sys.path.insert(0, HERE)
from lib.cluster import Cluster  # noqa: E402
from lib import harness  # noqa: E402
from bench_doc import DOC, publish_table  # noqa: E402
from throughput_runner import parse_csv  # noqa: E402

BEGIN, END = "<!-- metrics:begin -->", "<!-- metrics:end -->"
CLIENTS = 50
KEYSPACE = 100_000


def set_rate(port, requests):
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port), "-c", str(CLIENTS),
            "-n", str(requests), "-P", "16", "-r", str(KEYSPACE), "--csv", "-t", "set"]
    out = subprocess.run(argv, capture_output=True, text=True, timeout=900)
    rec = parse_csv(out.stdout, "set")
    if rec is None:
        raise RuntimeError("redis-benchmark failed: %s %s" % (out.stdout, out.stderr))
    return rec["rps"]


def cpu_seconds(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Scraper:
    def __init__(self, url):
        self.url, self.stop, self.count, self.bytes = url, threading.Event(), 0, 0

    def run(self):
        while not self.stop.wait(1.0):
            with urllib.request.urlopen(self.url, timeout=5) as r:
                self.bytes = len(r.read())
            self.count += 1


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rounds", type=int, default=16, help="pairs of runs (order alternates)")
    ap.add_argument("--requests", type=int, default=300_000, help="per run")
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    started = time.time()
    c = Cluster(names=("us", "eu", "ap"))
    without, with_ = [], []
    try:
        c.start()
        c.wait_linked()
        port, url = c["us"].port, "http://127.0.0.1:%d/metrics" % c["us"].http_port
        set_rate(port, args.requests // 4)  # warm up: every key exists, caches filled
        def scraped_run():
            s = Scraper(url)
            t = threading.Thread(target=s.run)
            t.start()
            try:
                return set_rate(port, args.requests)
            finally:
                s.stop.set()
                t.join()
        # ABBA: the database grows run by run, so each pair swaps its order.
        for i in range(args.rounds):
            if i % 2 == 0:
                without.append(set_rate(port, args.requests))
                with_.append(scraped_run())
            else:
                with_.append(scraped_run())
                without.append(set_rate(port, args.requests))
            print("without %.0f  with %.0f" % (without[-1], with_[-1]), flush=True)
        # CPU per scrape, the region otherwise idle once replication settled.
        def settled():
            with urllib.request.urlopen(url, timeout=5) as r:
                text = r.read().decode()
            return all('meridian_replication_lag_operations{peer="%s"} 0\n' % p in text
                       for p in ("eu", "ap"))
        harness.wait_until(settled, timeout=120, desc="replication settled")
        pid, n = c["us"].pid, 300

        def idle_rate():  # what the region spends meanwhile (heartbeats, compaction)
            c0 = cpu_seconds(pid)
            time.sleep(3.0)
            return (cpu_seconds(pid) - c0) / 3.0
        before = idle_rate()
        t0, c0 = time.time(), cpu_seconds(pid)
        size = 0
        for _ in range(n):
            with urllib.request.urlopen(url, timeout=5) as r:
                size = len(r.read())
        wall, cpu = time.time() - t0, cpu_seconds(pid) - c0
        idle = (before + idle_rate()) / 2
        per_scrape = max(0.0, cpu - idle * wall) / n
    finally:
        c.cleanup()
    pairs = sorted(w / wo for w, wo in zip(with_, without))
    ratio = statistics.median(pairs)
    share = per_scrape / 1.0
    print("median without %.0f, with %.0f; median pair ratio %.3f (quartiles %.3f-%.3f); CPU per "
          "scrape %.2f ms (%.2f%% of a second); page %d bytes" % (
              statistics.median(without), statistics.median(with_), ratio,
              pairs[len(pairs) // 4], pairs[(3 * len(pairs)) // 4], per_scrape * 1000,
              share * 100, size))
    if args.no_doc:
        return
    met = "met" if share < 0.01 and ratio >= 0.99 else "**MISSED**"
    intro = (
        "Measured with `/usr/bin/python3 bench/metrics_bench.py` (part of `make bench`) on %s, "
        "%s, %d CPUs; %.0f s in all. Three regions on free ports; redis-benchmark SET -P 16 "
        "(%d clients, %s requests a run, keyspace %s) into us, %d runs without and %d with a "
        "scraper that GETs us's /metrics once a second, in pairs whose order alternates (the "
        "database grows run by run; the ratio is the median of the pairs' ratios, quartiles "
        "beside it); then %d scrapes back to back of the idle region, its CPU "
        "time (/proc utime + stime, less its idle rate over 3 s before and after) per scrape. Target: under 1%% of a region's throughput." % (
            datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), platform.machine(),
            os.cpu_count(), time.time() - started, CLIENTS, "{:,}".format(args.requests),
            "{:,}".format(KEYSPACE), args.rounds, args.rounds, n))
    header = ["SET -P 16 ops/s, no scraping (median)", "with a scrape a second (median)",
              "ratio (median of pairs)", "quartiles", "region CPU per scrape",
              "share of a second", "page bytes", "target"]
    rows = ["| %s | %s | %.3f | %.3f-%.3f | %.2f ms | %.2f%% | %s | %s |" % (
        "{:,.0f}".format(statistics.median(without)), "{:,.0f}".format(statistics.median(with_)),
        ratio, pairs[len(pairs) // 4], pairs[(3 * len(pairs)) // 4], per_scrape * 1000,
        share * 100, "{:,}".format(size), met)]
    publish_table(DOC, BEGIN, END, intro, header, rows)


if __name__ == "__main__":
    harness.exit_on_signals()
    main()
