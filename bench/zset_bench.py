#!/usr/bin/python3
"""Sorted sets: what a member, a rank and a score range cost in a set of a
million members (run by `make bench`).

Usage:
    /usr/bin/python3 bench/zset_bench.py                  # 1,000,000 members; updates docs/benchmarks.md
    /usr/bin/python3 bench/zset_bench.py --members N --no-doc

One region and a redis-server, each on a free port. In each a sorted set is
grown to N members (random scores) by ZADDs of 1,000 members, next to a set
of 1,000. Then each operation below runs OPS times against each set,
pipelined, and the rates are compared: big/small on Meridian (a write and a
range cost O(log n + m), a rank or a count O(log n) in memory plus at most
64 entries, see src/core/data/score_index.h) and Meridian/redis on the big set. The region's
RSS is sampled all along.
"""

import argparse
import datetime
import os
import platform
import random
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
sys.path.insert(0, HERE)
from lib import harness  # noqa: E402
from lib.rss import RssSampler  # noqa: E402
from bench_doc import DOC, publish_table  # noqa: E402
from list_bench import pipelined  # noqa: E402

BEGIN, END = "<!-- zsets:begin -->", "<!-- zsets:end -->"
SMALL = 1000
OPS = 20000
GROW_BATCH = 1000


def operations(key, size, rng):
    """(label, commands) over a set of `size` members e0.. with scores in [0, size)."""
    def member():
        return "e%d" % rng.randrange(size)

    def score():
        return str(rng.randrange(size))
    return [
        ("ZADD (new member)", [["ZADD", key, score(), "n%d" % i] for i in range(OPS)]),
        ("ZINCRBY 1", [["ZINCRBY", key, "1", member()] for _ in range(OPS)]),
        ("ZSCORE", [["ZSCORE", key, member()] for _ in range(OPS)]),
        ("ZRANK", [["ZRANK", key, member()] for _ in range(OPS)]),
        ("ZREVRANK", [["ZREVRANK", key, member()] for _ in range(OPS)]),
        ("ZRANGEBYSCORE LIMIT 0 100",
         [["ZRANGEBYSCORE", key, score(), "+inf", "LIMIT", "0", "100"] for _ in range(OPS)]),
        ("ZREVRANGE 0 99", [["ZREVRANGE", key, "0", "99"] for _ in range(OPS)]),
        ("ZCOUNT", [["ZCOUNT", key, score(), "+inf"] for _ in range(OPS)]),
    ]


def grow(conn, key, size, rng):
    cmds = []
    for i in range(0, size, GROW_BATCH):
        c = ["ZADD", key]
        for j in range(i, min(size, i + GROW_BATCH)):
            c += [str(rng.randrange(size)), "e%d" % j]
        cmds.append(c)
    t = time.monotonic()
    pipelined(conn, cmds)
    return time.monotonic() - t


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--members", type=int, default=1_000_000)
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    n = args.members
    started = time.time()
    meridian = harness.MeridianServer()
    redis = harness.RedisServer()
    meridian.start()
    redis.start()
    sampler = RssSampler({"region": meridian})
    sampler.start()
    results = []
    grow_s = {}
    try:
        conns = {"meridian": meridian.conn(timeout=600), "redis": redis.conn(timeout=600)}
        for name, conn in conns.items():
            grow_s[name] = grow(conn, "big", n, random.Random(1)) + grow(
                conn, "small", SMALL, random.Random(2))
            assert conn.call("ZCARD", "big") == n
        for i, (label, _) in enumerate(operations("big", n, random.Random(0))):
            rates = {}
            for name, conn in conns.items():
                for key, size in (("big", n), ("small", SMALL)):
                    if name == "redis" and key == "small":
                        continue
                    cmds = operations(key, size, random.Random(3 + i))[i][1]
                    rates[(name, key)] = pipelined(conn, cmds)
            big, small, ref = rates[("meridian", "big")], rates[("meridian", "small")], \
                rates[("redis", "big")]
            results.append((label, big, small, ref))
            print("%-26s big %9.0f  small %9.0f  ratio %.2f   redis big %9.0f  vs redis %.2f" % (
                label, big, small, big / small, ref, big / ref), flush=True)
        sampler.stop()
        print("grew %d members: meridian %.1f s, redis %.1f s; peak RSS %.0f MiB" % (
            n, grow_s["meridian"], grow_s["redis"], max(sampler.peak.values())), flush=True)
    finally:
        sampler.stop()
        meridian.cleanup()
        redis.cleanup()
    if args.no_doc:
        return
    rows = ["| %s | %.0f | %.0f | %.2f | %.0f | %.2f |" % (
        label, big, small, big / small, ref, big / ref) for label, big, small, ref in results]
    intro = (
        "Measured with `/usr/bin/python3 bench/zset_bench.py` (part of `make bench`) on %s, %s, "
        "%d CPUs; %.0f s in all. One region and a redis-server 7.0; in each a sorted set of %s "
        "members with random scores (grown by ZADDs of 1,000 members: Meridian %.0f s, redis "
        "%.0f s) next to one of %s. Each operation runs %s times against each set, pipelined "
        "500 at a time. big/small: Meridian's rate on the big set over its rate on the small "
        "one; vs redis: Meridian's rate on the big set over redis-server's. Peak RSS of the "
        "region: %.0f MiB." % (
            datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), platform.machine(),
            os.cpu_count(), time.time() - started, "{:,}".format(n), grow_s["meridian"],
            grow_s["redis"], "{:,}".format(SMALL), "{:,}".format(OPS),
            max(sampler.peak.values())))
    header = ["operation", "Meridian ops/s, big set", "Meridian ops/s, small set", "big/small",
              "redis ops/s, big set", "vs redis"]
    publish_table(DOC, BEGIN, END, intro, header, rows)


if __name__ == "__main__":
    main()
