#!/usr/bin/python3
"""What a client sees when the primary dies (run by `make bench`).

Usage:
    /usr/bin/python3 bench/failover_bench.py             # 5 runs, updates docs/benchmarks.md
    /usr/bin/python3 bench/failover_bench.py --runs 1 --no-doc

The shipped topology (config/meridian.toml): us-east, us-west, eu-west and
ap-south with its emulated round trips (70 to 200 ms) and failover settings
(250 ms checks, 500 ms timeout, threshold 3, 1000 ms lease), in
active-passive. A client writes async SETs to the primary, one after another;
us-east is killed with kill -9 and the client keeps asking every live region
who the primary is and writing there. Per run:

* outage: from the last write us-east acknowledged to the first the new
  primary acknowledged;
* TRYAGAIN: the part of it after the new primary was elected, while it
  confirms its lease with a majority (its refusals say so);
* writes left behind: acknowledged writes the new primary lacks, and what
  its failover history says of them ("at least N" at once, exact once
  us-east is back).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import time

import redis

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
sys.path.insert(0, HERE)
from lib import harness, shipped  # noqa: E402
from lib.cluster import Cluster  # noqa: E402
from bench_doc import DOC, publish_table  # noqa: E402

BEGIN, END = "<!-- failover:begin -->", "<!-- failover:end -->"
NAMES = shipped.NAMES
# The shipped failover settings, in active-passive.
FAILOVER = dict(shipped.FAILOVER, pattern="active-passive")


def primary(c, conns):
    for n in NAMES:
        if not c[n].running():
            continue
        try:
            if n not in conns:
                conns[n] = c.client(n, socket_timeout=1)
            st = json.loads(conns[n].execute_command("MR.FAILOVER", "STATUS"))
        except (redis.RedisError, OSError):
            conns.pop(n, None)
            continue
        if c[st["primary"]].running():
            return st["primary"]
    return None


def one_run():
    c = Cluster(names=NAMES, wan=shipped.WAN, failover=FAILOVER)
    try:
        c.start()
        c.wait_linked()
        conns = {}
        harness.wait_until(lambda: primary(c, conns) == "us-east" and json.loads(
            conns["us-east"].execute_command("MR.FAILOVER", "STATUS"))["accepts_writes"],
            timeout=20, desc="us-east takes writes")
        w = conns["us-east"]
        acked = []  # (key, time)
        i = 0
        t_end = time.monotonic() + 3
        while time.monotonic() < t_end:
            key = "f%07d" % i
            w.set(key, "v" * 32)
            acked.append((key, time.monotonic()))
            i += 1
        c["us-east"].kill9()
        last_old = acked[-1][1]
        first_tryagain = None
        while True:
            p = primary(c, conns)
            if p is None or p == "us-east":
                time.sleep(0.005)  # polling the cluster's view, as a client would
                continue
            try:
                key = "f%07d" % i
                conns[p].set(key, "v")
                first_ok = time.monotonic()
                break
            except redis.ResponseError as e:
                if str(e).startswith("TRYAGAIN") and first_tryagain is None:
                    first_tryagain = time.monotonic()
            except (redis.RedisError, OSError):
                conns.pop(p, None)
        new = p
        r = c.client(new)
        keys = [k for k, _ in acked]
        have = set()
        for j in range(0, len(keys), 1000):
            have.update(k for k, v in zip(keys[j:j + 1000], r.mget(keys[j:j + 1000]))
                        if v is not None)
        lost = len(keys) - len(have)
        bound = json.loads(r.execute_command("MR.FAILOVER", "HISTORY"))[-1]
        c["us-east"].restart()

        def exact():
            h = json.loads(c.client(new).execute_command("MR.FAILOVER", "HISTORY"))[-1]
            return h if h["unreplicated_exact"] else None
        settled = harness.wait_until(exact, timeout=30, desc="the exact count")
        return {"outage_s": first_ok - last_old,
                "tryagain_s": first_ok - first_tryagain if first_tryagain else 0.0,
                "new": new, "acked": len(keys), "lost": lost,
                "said_first": bound["unreplicated_text"], "said_exact": settled["unreplicated_text"]}
    finally:
        c.cleanup()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    runs = []
    for n in range(args.runs):
        r = one_run()
        runs.append(r)
        print("run %d: outage %.2f s (TRYAGAIN %.2f s), new primary %s, %d of %d acknowledged "
              "writes left behind; history said %r, then %r"
              % (n + 1, r["outage_s"], r["tryagain_s"], r["new"], r["lost"], r["acked"],
                 r["said_first"], r["said_exact"]), flush=True)
    rows = ["| %d | %.2f s | %.2f s | %s | %d of %d | %s | %s |"
            % (i + 1, r["outage_s"], r["tryagain_s"], r["new"], r["lost"], r["acked"],
               r["said_first"], r["said_exact"]) for i, r in enumerate(runs)]
    outages = [r["outage_s"] for r in runs]
    intro = ("Measured with `/usr/bin/python3 bench/failover_bench.py` (part of `make bench`) on "
             "%s, %s, %d CPUs: the shipped four-region topology and failover settings, "
             "active-passive, async SETs to us-east, kill -9 of us-east. Outage median %.2f s "
             "(min %.2f, max %.2f) over %d runs."
             % (datetime.date.today().isoformat(), platform.machine(), os.cpu_count(),
                statistics.median(outages), min(outages), max(outages), len(runs)))
    header = ["run", "client's outage", "of which TRYAGAIN", "new primary",
              "acknowledged writes left behind", "history at once", "history once us-east is back"]
    publish_table(DOC, BEGIN, END, intro, header, rows, write=not args.no_doc)


if __name__ == "__main__":
    main()
