#!/usr/bin/python3
"""Multi-region latency benchmark on the local cluster (run by `make bench`).

Usage:
    /usr/bin/python3 bench/latency_bench.py           # full run, updates docs/benchmarks.md
    /usr/bin/python3 bench/latency_bench.py --quick   # fewer samples, shorter lag run

Starts `meridian up` on the topology of config/meridian.toml (four regions,
WAN emulation with the design text's round trips), on free loopback ports
and a temporary data directory. Then:

1. From every region, for every write mode (async, semi-sync 1..3, sync) and
   read level (local, leader, quorum, session), measures the client-seen
   latency of sequential commands and prints p50 and p99 next to the
   physical floor of the operation: 0 for local work, the round trip to the
   N-th nearest region for semi-sync N, to the farthest for sync, to the
   nearest majority for quorum, to the leader for leader reads.
   Target: p50 <= floor + 3 ms.
2. Async replication lag: pipelined SETs at a sustained 20,000 writes/s into
   us-east; every other region reports how long after its timestamp each
   write was applied (INFO replication, apply_lag_p99_ms; same machine, same
   clock). Target: p99 <= one-way delay + 10 ms.

The figures replace the block between the latency markers in
docs/benchmarks.md. Only the Python standard library is used.
"""

import argparse
import datetime
import os
import platform
import shutil
import signal
import sys
import tempfile
import threading
import time
import tomllib

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
sys.path.insert(0, HERE)
from bench_doc import DOC, replace_block  # noqa: E402
from lib import harness  # noqa: E402
from lib.resp import ConnectionClosed, Err, RespConn, encode_command, plain  # noqa: E402

CONFIG = os.path.join(REPO, "config", "meridian.toml")
BEGIN, END = "<!-- latency:begin -->", "<!-- latency:end -->"
LAG_RATE = 20_000
P50_SLACK_MS = 3.0
LAG_SLACK_MS = 10.0


def connect(port):
    return RespConn("127.0.0.1", port, timeout=30, connect_timeout=30)


def load_topology():
    with open(CONFIG, "rb") as f:
        cfg = tomllib.load(f)
    names = [r["name"] for r in cfg["regions"]]
    rtt = {(a, b): 0.0 for a in names for b in names}
    for w in cfg.get("wan", []):
        a, b = w["regions"]
        rtt[(a, b)] = rtt[(b, a)] = float(w["rtt_ms"])
    return cfg, names, rtt


def render_config(cfg, ports):
    """config/meridian.toml with every address moved to a free port."""
    with open(CONFIG) as f:
        text = f.read()
    for r, (c, p, h) in zip(cfg["regions"], ports):
        text = text.replace('"%s"' % r["client"], '"127.0.0.1:%d"' % c)
        text = text.replace('"%s"' % r["peer"], '"127.0.0.1:%d"' % p)
        text = text.replace('"%s"' % r["http"], '"127.0.0.1:%d"' % h)
    return text.replace('log_level = "info"', 'log_level = "warn"')


def floors(names, rtt, region):
    others = sorted(rtt[(region, o)] for o in names if o != region)
    majority_peers = len(names) // 2  # peers needed with this region for a majority
    out = {"async": 0.0, "local": 0.0, "session": 0.0}
    for n in range(1, len(others) + 1):
        out["semi-sync %d" % n] = others[n - 1]
    out["sync"] = others[-1]
    out["quorum"] = others[majority_peers - 1]
    out["leader"] = rtt[(region, names[0])]
    return out


def pct(samples, p):
    s = sorted(samples)
    return s[min(len(s) - 1, int(round(p / 100.0 * (len(s) - 1))))]


def measure_region(port, region, samples, results):
    c = connect(port)
    ops = [
        ("async", ["SET", "lat:%s" % region, "v"]),
        ("semi-sync 1", ["MR.ONCE", "SEMI-SYNC", "1", "SET", "lat:%s" % region, "v"]),
        ("semi-sync 2", ["MR.ONCE", "SEMI-SYNC", "2", "SET", "lat:%s" % region, "v"]),
        ("semi-sync 3", ["MR.ONCE", "SEMI-SYNC", "3", "SET", "lat:%s" % region, "v"]),
        ("sync", ["MR.ONCE", "SYNC", "SET", "lat:%s" % region, "v"]),
        ("local", ["GET", "lat:%s" % region]),
        ("leader", ["MR.ONCE", "LEADER", "GET", "lat:%s" % region]),
        ("quorum", ["MR.ONCE", "QUORUM", "GET", "lat:%s" % region]),
        ("session", ["MR.ONCE", "SESSION", "GET", "lat:%s" % region]),
    ]
    try:
        for name, cmd in ops:
            lat = []
            for i in range(samples):
                t0 = time.perf_counter()
                r = c.call(*cmd)
                lat.append((time.perf_counter() - t0) * 1000.0)
                if isinstance(r, Err):
                    raise RuntimeError("%s %s: %s" % (region, name, r))
            results[(region, name)] = lat
    finally:
        c.close()


def info_fields(port):
    c = connect(port)
    try:
        text = plain(c.call("INFO", "replication"))
    finally:
        c.close()
    out = {}
    for line in text.splitlines():
        if ":" in line:
            k, v = line.split(":", 1)
            out[k] = v
    return out


def peer_entry(fields, name):
    for k, v in fields.items():
        if k.startswith("peer") and v.startswith("name=%s," % name):
            return dict(kv.split("=", 1) for kv in v.split(","))
    raise RuntimeError("no peer %s in INFO" % name)


def lag_run(ports, names, rtt, seconds):
    """SETs at LAG_RATE/s into the first region, paced in 5 ms batches."""
    writer = connect(ports[names[0]])
    batch = LAG_RATE // 200
    payload = b"".join(encode_command("SET", "lag:%d" % (i % 10000), "x" * 32)
                       for i in range(batch))
    sent = 0
    start = time.perf_counter()
    pending = 0
    done = threading.Event()
    replies = [0]

    def drain():
        # every reply is +OK: count them, do not parse them
        while not done.is_set() or replies[0] < sent:
            try:
                replies[0] += writer.recv_line_replies()
            except ConnectionClosed:
                return

    t = threading.Thread(target=drain, daemon=True)
    t.start()
    n_batches = int(seconds * 200)
    for i in range(n_batches):
        due = start + i * 0.005
        delay = due - time.perf_counter()
        if delay > 0:
            time.sleep(delay)
        writer.send_raw(payload)
        sent += batch
        pending += batch
    elapsed = time.perf_counter() - start
    deadline = time.monotonic() + 30
    while replies[0] < sent and time.monotonic() < deadline:
        time.sleep(0.01)
    done.set()
    acked_rate = replies[0] / max(elapsed, 1e-9)
    time.sleep(1.0)  # let the tail replicate
    lags = {}
    for n in names[1:]:
        e = peer_entry(info_fields(ports[n]), names[0])
        lags[n] = (int(e["apply_lag_p50_ms"]), int(e["apply_lag_p99_ms"]),
                   int(e["applied_from_seq"]))
    writer.close()
    return sent, replies[0], elapsed, acked_rate, lags


def wait_linked(ports, names, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            ok = all(int(info_fields(ports[n])["connected_regions"]) == len(names) - 1
                     for n in names)
            if ok:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("regions did not link up within %ds" % timeout)


def update_doc(block):
    replace_block(DOC, BEGIN, END, block)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--meridian-bin", default=os.path.join(REPO, "build", "meridian"))
    ap.add_argument("--no-doc", action="store_true", help="do not update docs/benchmarks.md")
    args = ap.parse_args()
    samples = 30 if args.quick else 100
    lag_seconds = 3 if args.quick else 10

    cfg, names, rtt = load_topology()
    tmp = tempfile.mkdtemp(prefix="meridian-latency-")
    region_ports = [harness.free_ports(3) for _ in names]
    ports = {n: p[0] for n, p in zip(names, region_ports)}
    cfg_path = os.path.join(tmp, "meridian.toml")
    with open(cfg_path, "w") as f:
        f.write(render_config(cfg, region_ports))
    # `up` supervises one server per region; SIGINT stops them all, a SIGKILL
    # after 30 s goes to its whole process group (its own session)
    up = harness.CommandServer([args.meridian_bin, "up", "--config", cfg_path, "--data-dir",
                                os.path.join(tmp, "data")], port=ports[names[0]],
                               kind="meridian up", tmpdir=tmp, new_session=True)
    up.start(wait=False)  # log: tmp/server.log
    try:
        wait_linked(ports, names)
        results = {}
        threads = [threading.Thread(target=measure_region,
                                    args=(ports[n], n, samples, results)) for n in names]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        if len(results) != len(names) * 9:
            raise RuntimeError("some measurements failed (see above)")
        sent, acked, elapsed, rate, lags = lag_run(ports, names, rtt, lag_seconds)
    finally:
        up.stop(sig=signal.SIGINT, timeout=30)
        up.cleanup()

    ops = ["async", "semi-sync 1", "semi-sync 2", "semi-sync 3", "sync", "local", "leader",
           "quorum", "session"]
    lines = []
    misses = []
    lines.append("| region | operation | floor ms | p50 ms | p99 ms | p50 - floor | target |")
    lines.append("|---|---|---:|---:|---:|---:|---|")
    for n in names:
        fl = floors(names, rtt, n)
        for op in ops:
            lat = results[(n, op)]
            p50, p99 = pct(lat, 50), pct(lat, 99)
            over = p50 - fl[op]
            ok = over <= P50_SLACK_MS
            if not ok:
                misses.append("%s %s" % (n, op))
            lines.append("| %s | %s | %.0f | %.1f | %.1f | %+.1f | %s |" % (
                n, op, fl[op], p50, p99, over, "met" if ok else "MISSED"))
    lag_lines = ["| region | one-way ms | apply lag p50 ms | p99 ms | target p99 | |",
                 "|---|---:|---:|---:|---:|---|"]
    for n, (p50, p99, applied) in lags.items():
        one_way = rtt[(names[0], n)] / 2
        ok = p99 <= one_way + LAG_SLACK_MS
        if not ok:
            misses.append("lag %s" % n)
        lag_lines.append("| %s | %.0f | %d | %d | <= %.0f | %s |" % (
            n, one_way, p50, p99, one_way + LAG_SLACK_MS, "met" if ok else "MISSED"))

    now = datetime.datetime.now().strftime("%Y-%m-%d %H:%M")
    block = "\n".join([
        "## Multi-region latency (local cluster, WAN emulation)",
        "",
        "Generated by `/usr/bin/python3 bench/latency_bench.py%s` (part of `make bench`) on %s, "
        "%s, %d CPUs. Four regions of config/meridian.toml on one machine, each peer link "
        "delayed by half the configured round trip each way (jitter 1 ms). %d sequential "
        "commands per row, all four regions measured at once. Floor: the physical minimum "
        "(round trip to the N-th nearest region for semi-sync N, the farthest for sync, the "
        "nearest majority for quorum, the leader for leader reads, 0 for local work). "
        "Target: p50 within floor + 3 ms." % (" --quick" if args.quick else "", now,
                                              platform.machine(), os.cpu_count(), samples),
        "",
    ] + lines + [
        "",
        "Async replication lag at a sustained %d writes/s into %s for %d s: %d writes sent, %d "
        "acknowledged in %.1f s (%.0f/s). Each region measures, per applied write, the time "
        "since its HLC timestamp (same machine, same clock). Target: p99 <= one-way delay + "
        "10 ms." % (LAG_RATE, names[0], lag_seconds, sent, acked, elapsed, rate),
        "",
    ] + lag_lines + [
        "",
        "Targets missed in this run: %s." % (", ".join(misses) if misses else "none"),
    ])
    print(block)
    if not args.no_doc:
        update_doc(block)
    shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
