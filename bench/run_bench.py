#!/usr/bin/python3
"""Meridian vs Redis throughput/latency benchmark (run by `make bench`).

Usage:
    /usr/bin/python3 bench/run_bench.py            # full run, rewrites docs/benchmarks.md
    /usr/bin/python3 bench/run_bench.py --quick    # short smoke run
    /usr/bin/python3 bench/run_bench.py --profile  # also perf-profile meridian (GET/SET -P 16)
    /usr/bin/python3 bench/run_bench.py --sut-redis  # develop the harness: redis vs redis

Starts build/meridian (or $MERIDIAN_BIN / --meridian-bin) and a redis-server,
both on free loopback ports with fsync every second, runs redis-benchmark
against both, one row at a time (meridian first, then redis, for every
test/pipeline pair), prints a comparison table and regenerates the part of
docs/benchmarks.md above the `<!-- analysis -->` marker (everything from the
marker down is hand-written and preserved).

Only the Python standard library is used. Exit status: 0 when every row
produced numbers (whether or not the 0.8 target was met; use --strict to fail
on a missed target), 1 when a server could not be started or the harness
failed, 2 when some redis-benchmark runs failed, 130/143 on SIGINT/SIGTERM.

This file is the command line and the run itself; beside it:
throughput_runner.py (the servers, via tests/lib/harness.py, and the
redis-benchmark runs), throughput_report.py (the tables and the doc),
perf_profile.py (--profile), bench_doc.py (marked doc blocks, shared with
the other bench scripts).
"""

import argparse
import datetime
import os
import platform
import shlex
import shutil
import signal
import sys
import tempfile
import time

from throughput_runner import (BENCH_TIMEOUT, CLIENTS, DEFAULT_MERIDIAN,
                               FULL_REQUESTS, KEYSPACE, PIPELINES, QUICK_REQUESTS,
                               REPO, TARGET_RATIO, TESTS, flushall, log_tail,
                               meridian_server, probe_startup_commands,
                               redis_server, redis_server_argv, run_one, sanity,
                               server_version, start)
from throughput_report import (binary_desc, cpu_model, fmt_ops, git_rev,
                               mem_total, target_line, text_table, tool_version,
                               write_doc)
from bench_doc import DOC as DEFAULT_DOC
from perf_profile import profile
from lib import harness  # tests/lib: throughput_runner put tests/ on sys.path


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0],
                                formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--quick", action="store_true",
                   help="far fewer requests (%s)" % QUICK_REQUESTS)
    p.add_argument("--profile", action="store_true",
                   help="afterwards, perf-record meridian under GET/SET -P 16")
    p.add_argument("--profile-only", action="store_true",
                   help="skip the comparison table/doc, only profile")
    p.add_argument("--perf-data", default=None, metavar="PATH",
                   help="with --profile: keep perf.data at PATH")
    p.add_argument("--sut-redis", action="store_true",
                   help="use a second redis-server in place of meridian "
                        "(to develop the harness)")
    p.add_argument("--meridian-bin",
                   default=os.environ.get("MERIDIAN_BIN", DEFAULT_MERIDIAN),
                   help="meridian binary (env MERIDIAN_BIN; default %(default)s)")
    p.add_argument("--output", default=None,
                   help="markdown report path (default docs/benchmarks.md; "
                        "with --sut-redis no report unless given)")
    p.add_argument("--no-doc", action="store_true", help="do not write the report")
    p.add_argument("--tests", default=",".join(TESTS),
                   help="comma-separated redis-benchmark tests")
    p.add_argument("--clients", type=int, default=CLIENTS)
    p.add_argument("--keyspace", type=int, default=KEYSPACE)
    p.add_argument("--requests-p1", type=int, default=None)
    p.add_argument("--requests-p16", type=int, default=None)
    p.add_argument("--bench-timeout", type=float, default=BENCH_TIMEOUT)
    p.add_argument("--strict", action="store_true",
                   help="exit 3 if any row misses the 0.8 target")
    return p.parse_args(argv)



def main(argv):
    args = parse_args(argv)
    tests = [t.strip().lower() for t in args.tests.split(",") if t.strip()]
    requests = dict(QUICK_REQUESTS if args.quick else FULL_REQUESTS)
    if args.requests_p1:
        requests[1] = args.requests_p1
    if args.requests_p16:
        requests[16] = args.requests_p16
    for tool in ("redis-server", "redis-benchmark"):
        if not shutil.which(tool):
            raise harness.ServerError("%s not found on PATH" % tool)

    sut_name = "meridian"
    if not args.sut_redis:
        if not os.access(args.meridian_bin, os.X_OK):
            raise harness.ServerError(
                "meridian binary %s not found or not executable (build it "
                "first, set MERIDIAN_BIN, or use --sut-redis to benchmark "
                "redis against itself)" % args.meridian_bin)
    doc_path = None
    if not args.no_doc and not args.profile_only:
        doc_path = args.output or (None if args.sut_redis else DEFAULT_DOC)

    start_wall = time.monotonic()
    load_at_start = os.getloadavg()[0]
    if load_at_start > 0.5:
        print("warning: 1-minute load average is %.2f before starting; other "
              "processes compete for the %d cores and skew the numbers"
              % (load_at_start, os.cpu_count()), flush=True)
    tmp_sut = tempfile.mkdtemp(prefix="meridian-bench-")
    tmp_redis = tempfile.mkdtemp(prefix="redis-bench-")
    servers = []
    try:
        if args.sut_redis:
            sut = redis_server("meridian(redis stand-in)", tmp_sut)
            sut_desc = "meridian stand-in: a second redis-server (`--sut-redis`)"
        else:
            sut = meridian_server(args.meridian_bin, tmp_sut)
            sut_desc = ("meridian: `%s server --config bench.toml --region "
                        "bench --data-dir DIR` with fsync=\"everysec\", "
                        "hz=10, log_level=\"warn\", enable_flushall=true"
                        % os.path.relpath(args.meridian_bin, REPO)
                        if args.meridian_bin.startswith(REPO)
                        else args.meridian_bin)
        servers = [sut]
        if not args.profile_only:
            redis = redis_server("redis", tmp_redis)
            servers.append(redis)
        for s in servers:
            start(s)
        print("started " + " and ".join("%s on :%d" % (s.kind, s.port)
                                        for s in servers), flush=True)

        notes = probe_startup_commands(sut)
        for n in notes:
            print("NOTE: " + n, flush=True)

        rows, sanity_lines = [], []
        bench_failed = False
        if not args.profile_only:
            stderr_seen = {}
            for pipeline in PIPELINES:
                for s in servers:
                    flushall(s, notes)
                for test in tests:
                    row = {"test": test, "pipeline": pipeline}
                    for key, s in (("sut", sut), ("redis", redis)):
                        if not s.running():
                            row[key] = None
                            row[key + "_err"] = "server not running"
                            continue
                        res, errlines, err = run_one(s, test, pipeline,
                                                     requests[pipeline], args)
                        row[key] = res
                        row[key + "_err"] = err
                        for l in errlines:
                            stderr_seen.setdefault((s.kind, l), []).append(
                                "%s -P %d" % (test.upper(), pipeline))
                        if err:
                            bench_failed = True
                            notes.append("%s %s -P %d: %s" % (
                                s.kind, test.upper(), pipeline, err))
                        if not s.running():
                            notes.append(
                                "%s exited (status %s) during %s -P %d; log "
                                "tail: %s" % (s.kind, s.proc.returncode,
                                              test.upper(), pipeline,
                                              log_tail(s, 5).replace("\n", " | ")))
                    m, r = row["sut"], row["redis"]
                    row["ratio"] = (m["rps"] / r["rps"]) if m and r and r["rps"] else None
                    row["status"] = ("ERROR" if row["ratio"] is None else
                                     "ok" if row["ratio"] >= TARGET_RATIO else "MISSED")
                    rows.append(row)
                    print("%-5s -P %-2d  %s %12s ops/s   redis %12s ops/s   "
                          "ratio %s  %s" % (
                              test.upper(), pipeline, sut_name,
                              fmt_ops(m and m["rps"]), fmt_ops(r and r["rps"]),
                              "-" if row["ratio"] is None else "%.2f" % row["ratio"],
                              row["status"]), flush=True)
                line = "after -P %d: %s: %s; redis: %s" % (
                    pipeline, sut_name, sanity(sut), sanity(redis))
                sanity_lines.append(line)
            for (label, l), where in stderr_seen.items():
                if len(where) == len(tests) * len(PIPELINES):
                    w = "every run"
                else:
                    w = ", ".join(where)
                notes.append("%s: redis-benchmark stderr `%s` (%s)" % (label, l, w))

            wall = time.monotonic() - start_wall
            print()
            print(text_table(rows, sut_name))
            print()
            print(target_line(rows).replace("**", ""))
            for s in sanity_lines:
                print("sanity " + s)
            if notes:
                print("\nAnomalies:")
                for n in notes:
                    print("  - " + n)

            if doc_path:
                ctx = {
                    "date": datetime.datetime.now(datetime.timezone.utc)
                    .strftime("%Y-%m-%d %H:%M UTC"),
                    "nproc": os.cpu_count(),
                    "cpu": cpu_model(), "mem": mem_total(),
                    "kernel": platform.release(),
                    "sut_name": sut_name,
                    "sut_version": ("meridian: " + (server_version(sut) or
                                    "version not reported by INFO server")
                                    + ", binary " + binary_desc(args.meridian_bin)
                                    + ", git " + git_rev())
                    if not args.sut_redis else "meridian stand-in: " +
                    tool_version(["redis-server", "--version"]),
                    "redis_version": tool_version(["redis-server", "--version"]),
                    "bench_version": tool_version(["redis-benchmark", "--version"]),
                    "command": "/usr/bin/python3 bench/run_bench.py" +
                    ("".join(" " + shlex.quote(a) for a in argv)),
                    "quick": args.quick, "wall": wall,
                    "load": load_at_start,
                    "sut_desc": sut_desc,
                    "redis_cmd": shlex.join(redis_server_argv("PORT", "DIR")),
                    "requests": requests, "clients": args.clients,
                    "keyspace": args.keyspace, "tests": tests,
                    "rows": rows, "notes": notes, "sanity": sanity_lines,
                }
                write_doc(doc_path, ctx)
                print("\nwrote %s" % doc_path)

        if args.profile or args.profile_only:
            profile(sut, tmp_sut, args, requests)

        if bench_failed:
            return 2
        if args.strict and any(r["status"] != "ok" for r in rows):
            return 3
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        for s in servers:
            try:
                s.stop()
                s.cleanup()
            except Exception as e:
                print("warning: stopping %s: %s" % (s.kind, e), file=sys.stderr)
        for d in (tmp_sut, tmp_redis):
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    # Explicit handlers: a non-interactive shell starts background jobs with
    # SIGINT ignored, and we always want to clean up on INT/TERM/HUP.
    harness.exit_on_signals()
    try:
        sys.exit(main(sys.argv[1:]))
    except harness.ServerError as e:
        print("run_bench: error: %s" % e, file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\nrun_bench: interrupted; servers stopped, temp dirs removed",
              file=sys.stderr)
        sys.exit(130)
