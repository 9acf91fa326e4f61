#!/usr/bin/python3
"""Lists: reads and writes near either end cost O(log n + m), whatever the
list's length (run by `make bench`).

Usage:
    /usr/bin/python3 bench/list_bench.py                  # 1,000,000 elements; updates docs/benchmarks.md
    /usr/bin/python3 bench/list_bench.py --elements N --no-doc

One region on free ports. A list is grown to N elements by RPUSHes of 1,000
elements each, next to a list of 1,000. Then each operation below runs
OPS times against each list, pipelined, and the rates are compared
(big / small; target >= 0.8: the length costs nothing measurable). The
region's RSS is sampled all along.
"""

import argparse
import datetime
import os
import platform
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
sys.path.insert(0, HERE)
from lib import harness  # noqa: E402
from lib.resp import encode_command  # noqa: E402
from lib.rss import RssSampler  # noqa: E402
from bench_doc import DOC, publish_table  # noqa: E402

BEGIN, END = "<!-- lists:begin -->", "<!-- lists:end -->"
SMALL = 1000
OPS = 20000
BATCH = 500
# (label, command template, replies are one line?)
OPERATIONS = [
    ("LINDEX 0", ["LINDEX", "{k}", "0"]),
    ("LINDEX -1", ["LINDEX", "{k}", "-1"]),
    ("LRANGE 0 99", ["LRANGE", "{k}", "0", "99"]),
    ("LRANGE -100 -1", ["LRANGE", "{k}", "-100", "-1"]),
    ("LSET 5 / LSET -5", None),
    ("RPUSH + LPOP", None),
]


def pipelined(conn, commands):
    """Sends the commands in batches and reads every reply; returns ops/s."""
    t = time.monotonic()
    for i in range(0, len(commands), BATCH):
        chunk = commands[i:i + BATCH]
        conn.send_raw(b"".join(encode_command(*c) for c in chunk))
        for _ in chunk:
            conn.read_raw()
    return len(commands) / (time.monotonic() - t)


def commands_for(label, template, key):
    if label.startswith("LSET"):
        return [["LSET", key, "5" if i % 2 else "-5", "v%d" % i] for i in range(OPS)]
    if label.startswith("RPUSH"):
        return [["RPUSH", key, "n%d" % i] if i % 2 else ["LPOP", key] for i in range(OPS)]
    return [[a.replace("{k}", key) for a in template] for _ in range(OPS)]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--elements", type=int, default=1_000_000)
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    n = args.elements
    started = time.time()
    server = harness.MeridianServer()
    server.start()
    sampler = RssSampler({"region": server})
    sampler.start()
    results = []
    try:
        conn = server.conn(timeout=600)
        t = time.monotonic()
        for name, size in (("big", n), ("small", SMALL)):
            batch = 1000
            cmds = [["RPUSH", name] + ["e%d" % (i + j) for j in range(min(batch, size - i))]
                    for i in range(0, size, batch)]
            pipelined(conn, cmds)
        grow_s = time.monotonic() - t
        assert conn.call("LLEN", "big") == n
        for label, template in OPERATIONS:
            big = pipelined(conn, commands_for(label, template, "big"))
            small = pipelined(conn, commands_for(label, template, "small"))
            results.append((label, big, small))
            print("%-16s big %10.0f ops/s  small %10.0f ops/s  ratio %.2f" % (
                label, big, small, big / small), flush=True)
        sampler.stop()
        print("grew %d elements in %.1f s; peak RSS %.0f MiB" % (
            n, grow_s, max(sampler.peak.values())), flush=True)
    finally:
        sampler.stop()
        server.cleanup()
    if args.no_doc:
        return
    rows = ["| %s | %.0f | %.0f | %.2f | %s |" % (
        label, big, small, big / small, "met" if big / small >= 0.8 else "**MISSED**")
        for label, big, small in results]
    intro = (
        "Measured with `/usr/bin/python3 bench/list_bench.py` (part of `make bench`) on %s, %s, "
        "%d CPUs; %.0f s in all. One region; a list of %s elements (grown by RPUSHes of 1,000 in "
        "%.0f s) next to one of %s. Each operation runs %s times against each list, pipelined "
        "%d at a time; big/small is the rate on the big list over the rate on the small one "
        "(target >= 0.8: reads and writes near either end do not grow with the list). Peak RSS "
        "of the region: %.0f MiB." % (
            datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), platform.machine(),
            os.cpu_count(), time.time() - started, "{:,}".format(n), grow_s,
            "{:,}".format(SMALL), "{:,}".format(OPS), BATCH, max(sampler.peak.values())))
    header = ["operation", "ops/s on the big list", "ops/s on the small list", "big/small",
              "target"]
    publish_table(DOC, BEGIN, END, intro, header, rows)


if __name__ == "__main__":
    main()
