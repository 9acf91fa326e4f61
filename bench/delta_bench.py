#!/usr/bin/python3
"""Replication by deltas: a write costs what it changes (run by `make bench`).

Usage:
    /usr/bin/python3 bench/delta_bench.py                 # 1,000,000 elements; updates docs/benchmarks.md
    /usr/bin/python3 bench/delta_bench.py --elements N --no-doc

The four regions of config/meridian.toml (us-east, us-west, eu-west,
ap-south) with its emulated WAN, on free ports. For each of three
collections - a set grown by SADD, a hash grown by HSET, a hash of counters
grown by HINCRBY - a client pipelines writes of one new 20-byte element each
into us-east until the key holds N elements. Measured:

- the write rate around 1,000 elements and around N elements (windows of
  WINDOW writes) and their ratio (target >= 0.8);
- how long after the last write's reply each region holds all N (target:
  one-way delay + 1 s);
- bytes us-east sent on each peer link (the transport's wire bytes:
  frames, MACs, compression, heartbeats included) per write (target <= 200
  for SADD);
- every region's RSS, sampled every 250 ms from /proc (target <= 512 MiB).

Then the same set, N members, written by all four regions at once (a
quarter each): every region must end with the same N members.
"""

import argparse
import datetime
import hashlib
import os
import platform
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
sys.path.insert(0, HERE)
from lib import shipped  # noqa: E402
from lib.cluster import Cluster  # noqa: E402
from lib.resp import encode_command  # noqa: E402
from lib.rss import RssSampler  # noqa: E402
from bench_doc import DOC, publish_table  # noqa: E402

BEGIN, END = "<!-- delta:begin -->", "<!-- delta:end -->"
NAMES = shipped.NAMES
ONE_WAY_FROM_US_EAST = {b if a == "us-east" else a: rtt / 2 for a, b, rtt, _ in shipped.WAN
                        if "us-east" in (a, b)}
WINDOW = 100000
BATCH = 1000
RSS_LIMIT_MIB = 512


def member(i):
    # 20 bytes that do not compress away: a hash of i, in hex.
    return hashlib.blake2b(b"%d" % i, digest_size=10).hexdigest().encode()


def link_bytes(c, name):
    """Wire bytes this region has sent on each peer link."""
    return {p["name"]: p["transport"]["bytes_sent"] for p in c.status(name)["peers"]}


def count_of(c, name, kind, key):
    r = c.client(name)
    return r.scard(key) if kind == "set" else r.hlen(key)


def command(kind, key, i):
    m = member(i)
    if kind == "set":
        return encode_command(b"SADD", key, m)
    if kind == "hash":
        return encode_command(b"HSET", key, m, b"v")
    return encode_command(b"HINCRBY", key, m, b"1")


def grow(c, kind, key, n, origin="us-east", first=0, step=1, marks=None):
    """Pipelines n writes of new elements into `origin`; returns per-batch
    (elements after the batch, seconds it took). Every reply is one line
    (:N, +OK), counted rather than parsed."""
    pipe = c[origin].conn(timeout=600)
    timings = []
    i = 0
    while i < n:
        k = min(BATCH, n - i)
        payload = b"".join(command(kind, key, first + (i + j) * step) for j in range(k))
        t = time.monotonic()
        pipe.send_counted(payload, k)
        timings.append((i + k, time.monotonic() - t))
        i += k
    pipe.close()
    return timings


def rate_around(timings, at, window):
    """Writes per second over the window of `window` writes starting at `at`."""
    done = 0
    secs = 0.0
    for end, dt in timings:
        start = end - BATCH
        if end <= at or start >= at + window:
            continue
        done += end - max(start, at) - max(0, end - (at + window))
        secs += dt * (min(end, at + window) - max(start, at)) / BATCH
    return done / secs if secs > 0 else 0.0


def wait_converged(c, kind, key, n, t_last, timeout=600):
    """Seconds after t_last at which each region held all n."""
    out = {}
    deadline = time.monotonic() + timeout
    pending = set(NAMES)
    while pending and time.monotonic() < deadline:
        for name in sorted(pending):
            if count_of(c, name, kind, key) == n:
                out[name] = time.monotonic() - t_last
                pending.discard(name)
        time.sleep(0.02)  # poll interval, until the deadline
    for name in pending:
        out[name] = None
    return out


def phase(c, kind, key, n, sampler):
    before = link_bytes(c, "us-east")
    timings = grow(c, kind, key, n)
    t_last = time.monotonic()
    conv = wait_converged(c, kind, key, n, t_last)
    after = link_bytes(c, "us-east")
    per_write = {p: (after[p] - before[p]) / n for p in after}
    low = rate_around(timings, 1000, WINDOW)
    high = rate_around(timings, n - WINDOW, WINDOW)
    total = sum(dt for _, dt in timings)
    big_now, small_now = same_moment(c, kind, key, n)
    windows = [rate_around(timings, at, WINDOW) for at in range(0, n - WINDOW + 1, WINDOW)]
    return {"windows": windows, "kind": kind, "n": n, "rate_1k": low, "rate_n": high, "ratio": high / low if low else 0,
            "avg_rate": n / total, "converge": conv, "bytes": per_write,
            "rss": dict(sampler.peak), "big_now": big_now, "small_now": small_now}


def same_moment(c, kind, key, n, rounds=5, each=20000):
    """The rates of writes to the big key and to a new small one (from 1,000
    elements on), taken in turns over the same stretch of time: what the
    size of the key costs, apart from what the database's growth costs."""
    small = key + b":small"
    grow(c, kind, small, 1000, first=10 ** 9)
    big_secs = small_secs = 0.0
    for r in range(rounds):
        big_secs += sum(dt for _, dt in grow(c, kind, key, each, first=n + r * each))
        small_secs += sum(dt for _, dt in grow(c, kind, small, each, first=10 ** 9 + 1000 + r * each))
    return rounds * each / big_secs, rounds * each / small_secs


def concurrent(c, key, n):
    """n members written by all four regions at once, a quarter each."""
    threads = []
    t0 = time.monotonic()
    for idx, name in enumerate(NAMES):
        th = threading.Thread(target=grow, args=(c, "set", key, n // 4, name, idx, 4))
        th.start()
        threads.append(th)
    for th in threads:
        th.join()
    t_last = time.monotonic()
    conv = wait_converged(c, "set", key, n - n % 4, t_last)
    digests = {}
    for name in NAMES:
        members = c.client(name).smembers(key)
        digests[name] = (len(members), hash(frozenset(members)))
    return {"seconds": t_last - t0, "converge": conv, "digests": digests}


def fmt_conv(conv):
    return ", ".join("%s %s" % (n, "%.2f s" % conv[n] if conv[n] is not None else "never")
                     for n in NAMES if n != "us-east")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--elements", type=int, default=1000000)
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    n = args.elements
    c = Cluster(names=NAMES, wan=shipped.WAN,
                jurisdictions={"eu-west": "EU", "ap-south": "IN"})
    results = []
    started = time.time()
    try:
        c.start()
        c.wait_linked()
        sampler = RssSampler(c.servers)
        sampler.start()
        for kind, key in (("set", b"bench:set"), ("hash", b"bench:hash"),
                          ("counters", b"bench:counters")):
            r = phase(c, kind, key, n, sampler)
            results.append(r)
            print("%-8s rate@1k %.0f/s rate@%d %.0f/s ratio %.2f avg %.0f/s; in turns: big %.0f/s "
                  "small %.0f/s; converged: %s; bytes/write %s; peak RSS %s" % (
                      kind, r["rate_1k"], n, r["rate_n"], r["ratio"], r["avg_rate"], r["big_now"],
                      r["small_now"],
                      fmt_conv(r["converge"]),
                      ", ".join("%s %.0f" % (p, b) for p, b in r["bytes"].items()),
                      ", ".join("%s %.0f MiB" % (p, m) for p, m in r["rss"].items())),
                  flush=True)
        conc = concurrent(c, b"bench:together", n)
        sampler.stop()
        print("concurrent: %.1f s, converged: %s; digests %s; peak RSS %s" % (
            conc["seconds"], fmt_conv(conc["converge"]), conc["digests"],
            ", ".join("%s %.0f MiB" % (p, m) for p, m in sampler.peak.items())), flush=True)
    finally:
        c.cleanup()
    if not args.no_doc:
        write_doc(results, conc, sampler.peak, n, time.time() - started)


def write_doc(results, conc, peak, n, wall):
    rows = []
    misses = []
    for r in results:
        never = any(v is None for v in r["converge"].values())
        conv_ok = not never and all(
            r["converge"][p] <= ONE_WAY_FROM_US_EAST[p] / 1000 + 1 for p in ONE_WAY_FROM_US_EAST)
        max_bytes = max(r["bytes"].values())
        bytes_ok = r["kind"] != "set" or max_bytes <= 200
        rss_ok = max(r["rss"].values()) <= RSS_LIMIT_MIB
        ok = r["ratio"] >= 0.8 and conv_ok and bytes_ok and rss_ok
        if not ok:
            misses.append(r["kind"])
        rows.append("| " + " | ".join([r["kind"], "%d" % n, "%.0f" % r["rate_1k"], "%.0f" % r["rate_n"],
                     "%.2f" % r["ratio"], " ".join("%.0f" % (w / 1000) for w in r["windows"]),
                     "%.0f / %.0f = %.2f" % (
                         r["big_now"], r["small_now"], r["big_now"] / r["small_now"]),
                     fmt_conv(r["converge"]) if not never else "never",
                     " / ".join("%.0f" % r["bytes"][p] for p in NAMES if p != "us-east"),
                     "%.0f" % max(r["rss"].values()), "met" if ok else "**MISSED**"]) + " |")
    same = len({d for d in conc["digests"].values()}) == 1
    intro = (
        "Measured with `/usr/bin/python3 bench/delta_bench.py` (part of `make bench`) on %s, "
        "%s, %d CPUs; %.0f s in all. The four regions of config/meridian.toml with its emulated "
        "WAN, on free ports. One client pipelines writes (%d per batch) of one new 20-byte "
        "element each into us-east until the key holds %d. Rates are over windows of %d writes "
        "starting at 1,000 and at %d elements; the rates of every window of %d writes from 0 to N "
        "show how much they vary along the way. Converged: seconds after the last reply until the "
        "region held all of them (target: one-way delay + 1 s: us-west 1.035, eu-west 1.05, "
        "ap-south 1.1). Bytes: what us-east wrote on each peer link (wire bytes: frames, MACs, "
        "zstd, heartbeats) per write, to us-west / eu-west / ap-south (target for SADD: <= 200). "
        "RSS: the highest of the four regions, sampled every 250 ms (target <= %d MiB). In turns: "
        "after that, 5 x 20,000 writes to the big key alternating with 5 x 20,000 to a new key "
        "of the same kind (from 1,000 elements on), so both rates are taken against the same "
        "database at the same time: what the size of the key costs, apart from the database's "
        "growth. Targets missed: %s.\n\nThen %d members of one set written by all four regions at once, a "
        "quarter each: %.1f s, converged %s; every region holds the same %s members: %s." % (
            datetime.datetime.now().strftime("%Y-%m-%d %H:%M"), platform.machine(),
            os.cpu_count(), wall, BATCH, n, WINDOW, n - WINDOW, WINDOW, RSS_LIMIT_MIB,
            ", ".join(misses) if misses else "none", n - n % 4, conc["seconds"],
            fmt_conv(conc["converge"]), "{:,}".format(n - n % 4), "yes" if same else "**NO**"))
    header = ["collection", "elements", "writes/s at 1k", "writes/s at N", "ratio (target >= 0.8)",
              "thousand writes/s, window by window",
              "in turns: big key / new key",
              "converged after the last write", "bytes per write", "peak RSS MiB", "target"]
    publish_table(DOC, BEGIN, END, intro, header, rows)


if __name__ == "__main__":
    main()
