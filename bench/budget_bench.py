#!/usr/bin/python3
"""A region within a memory budget, holding far more data than it (issue 18;
run by `make bench`).

Usage:
    /usr/bin/python3 bench/budget_bench.py            # updates docs/benchmarks.md
    /usr/bin/python3 bench/budget_bench.py --no-doc --keys 1000000

One meridian region with `memory_budget_mb` (256) and fsync everysec:
1. fills KEYS keys (key:000000000000 ..., 100-byte values, as
   redis-benchmark names them) through `redis-cli --pipe`;
2. GET -P 16 on a hot set that fits the caches (-r HOT; run twice, the
   second counts) and on a uniform distribution over every key (-r KEYS);
3. kill -9 and restart on the same data: seconds until PING answers, then
   the hot GET in short runs until one reaches 90% of its speed before the
   restart (seconds from the restart to the end of that run).
Its RSS is sampled every 0.25 s from the start to the end.
"""

import argparse
import datetime
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from throughput_runner import (CLIENTS, DEFAULT_MERIDIAN, call, meridian_server,  # noqa: E402
                               run_one, start)
from bench_doc import DOC, publish_table  # noqa: E402
from lib import harness  # noqa: E402
from lib.rss import RssSampler  # noqa: E402

RSS_SLACK = 1.10      # target: RSS <= budget + 10%
UNIFORM_TARGET = 0.5  # uniform GET >= 50% of the hot set's
PING_TARGET_S = 2.0
FULL_SPEED_TARGET_S = 10.0
VALUE = b"x" * 100


def fill(port, keys, timeout):
    """SETs key:%012d for 0 <= i < keys through redis-cli --pipe."""
    p = subprocess.Popen(["redis-cli", "-p", str(port), "--pipe"], stdin=subprocess.PIPE,
                         stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         preexec_fn=harness.die_with_parent)
    head = b"*3\r\n$3\r\nSET\r\n$16\r\n"
    tail = b"\r\n$100\r\n" + VALUE + b"\r\n"
    chunk = []
    for i in range(keys):
        chunk.append(head + b"key:%012d" % i + tail)
        if len(chunk) == 10000:
            p.stdin.write(b"".join(chunk))
            chunk = []
    p.stdin.write(b"".join(chunk))
    out = p.communicate(timeout=timeout)[0].decode(errors="replace")
    if p.returncode != 0 or "errors: 0" not in out:
        raise RuntimeError("redis-cli --pipe: %s" % out.strip()[-300:])


def get_rate(server, keyspace, requests, timeout):
    class Args:
        pass
    a = Args()
    a.keyspace, a.clients, a.bench_timeout = keyspace, CLIENTS, timeout
    rec, _, err = run_one(server, "get", 16, requests, a)
    if err:
        raise RuntimeError("GET -r %d: %s" % (keyspace, err))
    return rec["rps"]


def pong(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=1) as s:
            s.sendall(b"PING\r\n")
            return s.recv(16).startswith(b"+PONG")
    except OSError:
        return False


def info_fields(server, section):
    with server.conn() as c:
        return c.info(section)


def mib(fields, name):
    try:
        return "%.0f" % (int(fields[name]) / 1048576.0)
    except (KeyError, ValueError):
        return "?"


def run(binary, budget_mb, keys, hot, requests, timeout):
    work = tempfile.mkdtemp(prefix="meridian-budget-")
    m = meridian_server(binary, work)
    m.server_settings["memory_budget_mb"] = budget_mb
    r = {}
    try:
        start(m)
        with RssSampler({"meridian": m}, every=0.25) as sampler:
            t0 = time.monotonic()
            fill(m.port, keys, timeout)
            r["fill_s"] = time.monotonic() - t0
            r["dbsize"] = call(m, ["DBSIZE"])[0]
            r["rss_fill"] = sampler.peak["meridian"]
            get_rate(m, hot, requests, timeout)  # warms the caches
            r["hot"] = get_rate(m, hot, requests, timeout)
            r["uniform"] = get_rate(m, keys, requests, timeout)
            r["memory"] = info_fields(m, "memory")
            m.kill9()
            t0 = time.monotonic()
            m.start(wait=False)
            deadline = t0 + 120
            while not pong(m.port):
                if time.monotonic() > deadline or not m.running():
                    raise RuntimeError("no PONG after the restart:\n" + m.log()[-2000:])
                time.sleep(0.01)
            r["ping_s"] = time.monotonic() - t0
            r["after"] = []
            while time.monotonic() - t0 < 60:
                rate = get_rate(m, hot, requests // 8, timeout)
                r["after"].append((time.monotonic() - t0, rate))
                if rate >= 0.9 * r["hot"]:
                    break
            r["rss_peak"] = sampler.peak["meridian"]
        r["disk"] = info_fields(m, "memory").get("storage_disk_human", "?")
    finally:
        m.stop()
        shutil.rmtree(work, ignore_errors=True)
    return r


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--meridian-bin", default=os.environ.get("MERIDIAN_BIN", DEFAULT_MERIDIAN))
    p.add_argument("--budget-mb", type=int, default=256)
    p.add_argument("--keys", type=int, default=10_000_000)
    p.add_argument("--hot", type=int, default=50_000)
    p.add_argument("--requests", type=int, default=2_000_000)
    p.add_argument("--timeout", type=float, default=900)
    p.add_argument("--no-doc", action="store_true")
    a = p.parse_args(argv)
    t0 = time.monotonic()
    r = run(os.path.abspath(a.meridian_bin), a.budget_mb, a.keys, a.hot, a.requests, a.timeout)
    wall = time.monotonic() - t0
    limit = a.budget_mb * RSS_SLACK
    ratio = r["uniform"] / r["hot"]
    full = next((t for t, rate in r["after"] if rate >= 0.9 * r["hot"]), None)

    def verdict(ok):
        return "met" if ok else "**MISSED**"

    mem = r["memory"]
    rows = [
        "| peak RSS, whole run (fill, reads, restart) | {:.0f} MiB | <= {:.0f} MiB | {} |".format(
            r["rss_peak"], limit, verdict(r["rss_peak"] <= limit)),
        "| GET -P 16, hot set ({:,} keys) | {:,.0f} ops/s | | |".format(a.hot, r["hot"]),
        "| GET -P 16, uniform over {:,} keys | {:,.0f} ops/s ({:.2f}x the hot set) | >= {:.2f}x "
        "| {} |".format(a.keys, r["uniform"], ratio, UNIFORM_TARGET,
                        verdict(ratio >= UNIFORM_TARGET)),
        "| restart after kill -9: PING answered | {:.2f} s | <= {:.0f} s | {} |".format(
            r["ping_s"], PING_TARGET_S, verdict(r["ping_s"] <= PING_TARGET_S)),
        "| restart: hot GET back to 90% of its speed | {} | <= {:.0f} s | {} |".format(
            "%.1f s" % full if full is not None else "not within 60 s", FULL_SPEED_TARGET_S,
            verdict(full is not None and full <= FULL_SPEED_TARGET_S)),
    ]
    intro = "\n".join([
        "Generated by `/usr/bin/python3 bench/budget_bench.py` (in `make bench`) on %s, %d "
        "cores, wall time %.0f s. One region with `memory_budget_mb = %d`, fsync everysec, "
        "filled with %s keys of 100-byte values (DBSIZE %s) through `redis-cli --pipe` in "
        "%.0f s; GET rows: redis-benchmark `-c %d -n %d -P 16 -r KEYS -t get`." % (
            datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), os.cpu_count(), wall,
            a.budget_mb, "{:,}".format(a.keys), r["dbsize"], r["fill_s"], CLIENTS,
            a.requests),
        "",
        "INFO memory after the uniform reads (MiB): record caches {} (limit {}), block cache "
        "{} (limit {}), table readers {}, memtables {} (limit {}), other {}; RSS {}; table "
        "files on disk {}. Hot GET runs after the restart (s since the restart, ops/s): {}."
        .format(*(mib(mem, k) for k in (
            "record_cache_memory", "record_cache_limit", "storage_block_cache",
            "storage_block_cache_limit", "storage_table_readers", "storage_memtables",
            "storage_memtables_limit", "other_memory", "used_memory_rss")), r["disk"],
            ", ".join("%.1f: %s" % (t, "{:,.0f}".format(v)) for t, v in r["after"]))])
    publish_table(DOC, "<!-- budget:begin -->", "<!-- budget:end -->", intro,
                  ["measure", "meridian", "target", ""], rows, write=not a.no_doc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
