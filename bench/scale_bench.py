#!/usr/bin/python3
"""Meridian vs Redis at 100k and 1M keys (issue 18; run by `make bench`).

Usage:
    /usr/bin/python3 bench/scale_bench.py            # updates docs/benchmarks.md
    /usr/bin/python3 bench/scale_bench.py --no-doc --keyspaces 100000 --tests set,get

For each key count: a fresh meridian region and a fresh redis-server (both
fsync once a second, as in bench/run_bench.py), each first filled with
about that many keys (SET of random keys from the key space, 3x its size
pipelined: ~95% of the keys exist), then for each test and pipeline depth
redis-benchmark against meridian and at once against redis, 50 clients,
100-byte values, random keys (-r) from the same space. Both servers' RSS
is sampled every 0.5 s throughout (the peak is reported) and their data on
disk measured at the end, after BGREWRITEAOF on both. SADD/HSET/LPUSH/ZADD write one collection each
(redis-benchmark's own), whose members come from the key space too.
"""

import argparse
import datetime
import os
import shutil
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, HERE)
from throughput_runner import (CLIENTS, DEFAULT_MERIDIAN, call, meridian_server,  # noqa: E402
                               redis_server, run_one, start)
from bench_doc import DOC, publish_table  # noqa: E402
from lib.rss import RssSampler  # noqa: E402  (throughput_runner put tests/ on sys.path)

TESTS = ["set", "get", "incr", "sadd", "hset", "lpush", "zadd"]
TARGET = 0.8
RSS_TARGET = 1.5


def disk_mib(path):
    total = 0
    for root, _, files in os.walk(path):
        for name in files:
            try:
                total += os.path.getsize(os.path.join(root, name))
            except OSError:
                pass
    return total / 1048576.0


class Args:
    """What run_one reads of the command line."""

    def __init__(self, keyspace, clients, timeout):
        self.keyspace = keyspace
        self.clients = clients
        self.bench_timeout = timeout


def mib(n):
    return "%.0f MiB" % n


def run_keyspace(binary, keyspace, tests, requests, timeout):
    """Returns (rows of results, summary dict) for one key count."""
    work = tempfile.mkdtemp(prefix="meridian-scale-")
    m = meridian_server(binary, os.path.join(work, "meridian"))
    os.makedirs(os.path.join(work, "meridian"), exist_ok=True)
    redis_dir = os.path.join(work, "redis")
    os.makedirs(redis_dir, exist_ok=True)
    r = redis_server("redis", redis_dir)
    results = []
    summary = {}
    try:
        start(m)
        start(r)
        sampler = RssSampler({"meridian": m, "redis": r}, every=0.5)
        sampler.start()
        fill = Args(keyspace, CLIENTS, timeout)
        t0 = time.monotonic()
        for s in (m, r):
            rec, _, err = run_one(s, "set", 16, 3 * keyspace, fill)
            if err:
                raise RuntimeError("filling %s: %s" % (s.kind, err))
        summary["fill_s"] = time.monotonic() - t0
        summary["keys"] = [call(s, ["DBSIZE"])[0] for s in (m, r)]
        args = Args(keyspace, CLIENTS, timeout)
        for pipeline in (1, 16):
            for test in tests:
                pair = []
                for s in (m, r):
                    rec, _, err = run_one(s, test, pipeline, requests[pipeline], args)
                    pair.append(rec["rps"] if rec else None)
                    if err:
                        print("  %s %s -P %d: %s" % (s.kind, test, pipeline, err))
                ratio = pair[0] / pair[1] if None not in pair and pair[1] else None
                results.append((test, pipeline, pair[0], pair[1], ratio))
                print("%7d keys  %-6s -P %-2d meridian %10s  redis %10s  ratio %s" % (
                    keyspace, test.upper(), pipeline,
                    "-" if pair[0] is None else "{:,.0f}".format(pair[0]),
                    "-" if pair[1] is None else "{:,.0f}".format(pair[1]),
                    "-" if ratio is None else "%.2f" % ratio), flush=True)
        sampler.stop()
        summary["rss_m"] = sampler.peak["meridian"]
        summary["rss_r"] = sampler.peak["redis"]
        call(m, ["SET", "scale:last", "1"])
        summary["disk_before_m"] = disk_mib(m.data_dir)
        # Both rewrite their data (meridian: flush and compact RocksDB)
        for s in (m, r):
            call(s, ["BGREWRITEAOF"])
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            done = [call(s, ["INFO", "persistence"])[0] for s in (m, r)]
            if "aof_rewrites:1" in done[0] and all(
                    "aof_rewrite_in_progress:0" in i and "aof_rewrite_scheduled:0" in i
                    for i in done):
                break
            time.sleep(0.2)
        summary["disk_m"] = disk_mib(m.data_dir)
        summary["disk_r"] = disk_mib(redis_dir)
    finally:
        for s in (m, r):
            s.stop()
        shutil.rmtree(work, ignore_errors=True)
    return results, summary


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--meridian-bin", default=os.environ.get("MERIDIAN_BIN", DEFAULT_MERIDIAN))
    p.add_argument("--keyspaces", default="100000,1000000")
    p.add_argument("--tests", default=",".join(TESTS))
    p.add_argument("--requests-p1", type=int, default=200_000)
    p.add_argument("--requests-p16", type=int, default=1_000_000)
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--no-doc", action="store_true")
    a = p.parse_args(argv)
    binary = os.path.abspath(a.meridian_bin)
    tests = [t for t in a.tests.split(",") if t]
    requests = {1: a.requests_p1, 16: a.requests_p16}
    t0 = time.monotonic()
    rows, notes, missed = [], [], []
    for keyspace in [int(k) for k in a.keyspaces.split(",")]:
        results, s = run_keyspace(binary, keyspace, tests, requests, a.timeout)
        for test, pipeline, mo, ro, ratio in results:
            ok = ratio is not None and ratio >= TARGET
            if not ok:
                missed.append("%s -P %d at %d keys" % (test.upper(), pipeline, keyspace))
            rows.append("| {:,} | {} | {} | {} | {} | {} | {} |".format(
                keyspace, test.upper(), pipeline,
                "-" if mo is None else "{:,.0f}".format(mo),
                "-" if ro is None else "{:,.0f}".format(ro),
                "-" if ratio is None else "%.2f" % ratio, "ok" if ok else "**MISSED**"))
        rss_ratio = s["rss_m"] / s["rss_r"] if s["rss_r"] else 0
        disk_ratio = s["disk_m"] / s["disk_r"] if s["disk_r"] else 0
        notes.append(
            "- {:,} keys (DBSIZE after the fill: meridian {}, redis {}; fill {:.0f} s): peak RSS "
            "meridian {}, redis {} (**{:.2f}x**, target <= {}x: {}); data on disk at the end "
            "meridian {} (before its BGREWRITEAOF: {}), redis {}, both after BGREWRITEAOF "
            "({:.2f}x)".format(
                keyspace, s["keys"][0], s["keys"][1], s["fill_s"], mib(s["rss_m"]),
                mib(s["rss_r"]), rss_ratio, RSS_TARGET,
                "met" if rss_ratio <= RSS_TARGET else "**missed**", mib(s["disk_m"]),
                mib(s["disk_before_m"]), mib(s["disk_r"]), disk_ratio))
    wall = time.monotonic() - t0
    intro = "\n".join([
        "Generated by `/usr/bin/python3 bench/scale_bench.py` (in `make bench`) on %s, "
        "%d cores, wall time %.0f s. Per key count a fresh meridian region and redis-server "
        "(fsync everysec both), filled first with SETs of 3x the key count random keys; "
        "then per row redis-benchmark `-c %d -n N -P P -r KEYS -t TEST` (N = %d at -P 1, "
        "%d at -P 16) against meridian and at once against redis. Target: ratio >= %.1f "
        "on every row." % (
            datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), os.cpu_count(), wall,
            CLIENTS, requests[1], requests[16], TARGET),
        "",
        *notes,
        "",
        "Rows missing the target: %s." % (", ".join(missed) if missed else "none")])
    publish_table(DOC, "<!-- scale:begin -->", "<!-- scale:end -->", intro,
                  ["keys", "test", "pipeline", "meridian ops/s", "redis ops/s",
                   "meridian/redis", "target"], rows, write=not a.no_doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
