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
"""

import argparse
import ctypes
import csv
import datetime
import io
import os
import platform
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_MERIDIAN = os.path.join(REPO, "build", "meridian")
DEFAULT_DOC = os.path.join(REPO, "docs", "benchmarks.md")
ANALYSIS_MARKER = "<!-- analysis -->"
ANALYSIS_DEFAULT = "## Analysis\n\n(written by hand after profiling)\n"
TARGET_RATIO = 0.8
TESTS = ["set", "get", "incr", "sadd", "hset"]
PIPELINES = [1, 16]
# requests per redis-benchmark run, by pipeline depth
FULL_REQUESTS = {1: 200_000, 16: 1_000_000}
QUICK_REQUESTS = {1: 20_000, 16: 100_000}
CLIENTS = 50
KEYSPACE = 100_000
READY_TIMEOUT = 30.0        # seconds for a server to answer PING
BENCH_TIMEOUT = 600.0       # seconds for one redis-benchmark invocation
CSV_FIELDS = ["test", "rps", "avg_latency_ms", "min_latency_ms",
              "p50_latency_ms", "p95_latency_ms", "p99_latency_ms",
              "max_latency_ms"]

MERIDIAN_TOML = """\
[cluster]
name = "bench"

[server]
fsync = "everysec"
maxclients = 10000
enable_flushall = true
hz = 10
log_level = "warn"

[[regions]]
name = "bench"
id = 1
client = "127.0.0.1:{client}"
peer = "127.0.0.1:{peer}"
http = "127.0.0.1:{http}"
jurisdiction = "US"
latitude = 38.9
longitude = -77.0
"""


class HarnessError(Exception):
    pass


# --------------------------------------------------------------------------
# Child processes: every child dies with us (PR_SET_PDEATHSIG), servers run in
# their own session so a terminal Ctrl-C reaches only us and we stop them in
# an orderly way from `finally`.

_libc = None


def _die_with_parent():
    global _libc
    try:
        if _libc is None:
            _libc = ctypes.CDLL(None, use_errno=True)
        _libc.prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def _on_sigterm(signum, frame):
    raise SystemExit(128 + signum)


# --------------------------------------------------------------------------
# Minimal RESP2 client (readiness, FLUSHALL, probes, sanity checks).

class RespError(Exception):
    pass


def _resp_read(f):
    line = f.readline()
    if not line:
        raise ConnectionError("connection closed by server")
    if not line.endswith(b"\r\n"):
        raise ConnectionError("truncated reply line %r" % line)
    kind, rest = line[:1], line[1:-2]
    if kind == b"+":
        return rest.decode(errors="replace")
    if kind == b"-":
        return RespError(rest.decode(errors="replace"))
    if kind == b":":
        return int(rest)
    if kind in (b"$", b"="):
        n = int(rest)
        if n < 0:
            return None
        data = f.read(n + 2)
        if len(data) != n + 2:
            raise ConnectionError("short bulk reply")
        return data[:-2].decode(errors="replace")
    if kind in (b"*", b"~", b">"):
        n = int(rest)
        return None if n < 0 else [_resp_read(f) for _ in range(n)]
    if kind == b"%":
        out = []
        for _ in range(int(rest)):
            out.append(_resp_read(f))
            out.append(_resp_read(f))
        return out
    if kind == b"_":
        return None
    if kind == b"#":
        return rest == b"t"
    if kind == b",":
        return float(rest)
    raise ConnectionError("unexpected reply type %r" % line[:40])


def _resp_encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        b = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(b), b))
    return b"".join(out)


def resp_call(port, *commands, timeout=10.0):
    """Send commands (each a list of args) pipelined; return list of replies.
    Error replies come back as RespError instances, not raised."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(b"".join(_resp_encode(c) for c in commands))
        f = s.makefile("rb")
        return [_resp_read(f) for _ in commands]


def replace_block(path, begin, end, block):
    """Replaces the text between the `begin` and `end` markers of `path`
    with `block` (appends the markers and block when they are missing)."""
    text = open(path).read() if os.path.exists(path) else ""
    new = begin + "\n" + block.rstrip() + "\n" + end
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + new + tail
    else:
        text = text.rstrip() + "\n\n" + new + "\n"
    with open(path, "w") as f:
        f.write(text)


def publish_table(doc, begin, end, intro, header, rows, write=True):
    """Prints a markdown table (`header`: the column titles) under `intro`,
    and puts it between the markers of `doc` unless write is false."""
    block = "\n".join([intro, "", "| " + " | ".join(header) + " |",
                       "|" + "---|" * len(header), *rows])
    print(block)
    if write:
        replace_block(doc, begin, end, block)


def free_ports(n):
    socks, ports = [], []
    try:
        for _ in range(n):
            s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            s.bind(("127.0.0.1", 0))
            socks.append(s)
            ports.append(s.getsockname()[1])
    finally:
        for s in socks:
            s.close()
    return ports


# --------------------------------------------------------------------------

class Server:
    def __init__(self, label, argv, port, workdir):
        self.label = label
        self.argv = argv
        self.port = port
        self.workdir = workdir
        self.log_path = os.path.join(workdir, "server.log")
        self.proc = None
        self._log = None

    def start(self):
        self._log = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen(
                self.argv, stdin=subprocess.DEVNULL, stdout=self._log,
                stderr=subprocess.STDOUT, cwd=self.workdir,
                start_new_session=True, preexec_fn=_die_with_parent)
        except OSError as e:
            raise HarnessError("%s: cannot execute %s: %s"
                               % (self.label, self.argv[0], e))

    def alive(self):
        return self.proc is not None and self.proc.poll() is None

    def log_tail(self, n=20):
        try:
            with open(self.log_path, "rb") as f:
                lines = f.read().decode(errors="replace").splitlines()
            return "\n".join(lines[-n:])
        except OSError:
            return ""

    def wait_ready(self, timeout=READY_TIMEOUT):
        deadline = time.monotonic() + timeout
        last = "no attempt"
        while time.monotonic() < deadline:
            if not self.alive():
                raise HarnessError(
                    "%s exited with status %s before answering PING.\n"
                    "command: %s\nlog tail:\n%s"
                    % (self.label, self.proc.returncode,
                       shlex.join(self.argv), self.log_tail()))
            try:
                reply = resp_call(self.port, ["PING"], timeout=1.0)[0]
                if reply == "PONG":
                    return
                last = "PING replied %r" % (reply,)
            except (OSError, ConnectionError) as e:
                last = "%s: %s" % (type(e).__name__, e)
            time.sleep(0.05)  # poll interval, bounded by the deadline above
        raise HarnessError("%s did not answer PING within %.0fs (last: %s)\n"
                           "command: %s\nlog tail:\n%s"
                           % (self.label, timeout, last,
                              shlex.join(self.argv), self.log_tail()))

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            try:
                self.proc.terminate()
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=15)
            except ProcessLookupError:
                pass
        if self._log is not None:
            self._log.close()
            self._log = None


def redis_server_argv(port, datadir):
    return ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
            "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", "", "--dir", datadir, "--daemonize", "no",
            "--loglevel", "warning"]


# --------------------------------------------------------------------------

def bench_argv(port, test, pipeline, requests, clients, keyspace):
    return ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port),
            "-c", str(clients), "-n", str(requests), "-P", str(pipeline),
            "-r", str(keyspace), "-t", test, "--csv"]


def parse_csv(text, test):
    """Return the CSV row for `test` from redis-benchmark --csv output."""
    for row in csv.reader(io.StringIO(text)):
        if len(row) >= len(CSV_FIELDS) and row[0].upper() == test.upper():
            rec = dict(zip(CSV_FIELDS, row))
            try:
                for k in CSV_FIELDS[1:]:
                    rec[k] = float(rec[k])
            except ValueError:
                return None
            return rec
    return None


def run_one(server, test, pipeline, requests, args):
    """Run one redis-benchmark; return (result dict or None, stderr lines, error str)."""
    argv = bench_argv(server.port, test, pipeline, requests,
                      args.clients, args.keyspace)
    t0 = time.monotonic()
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, errors="replace",
                           timeout=args.bench_timeout,
                           preexec_fn=_die_with_parent)
    except subprocess.TimeoutExpired as e:
        return None, [], "redis-benchmark timed out after %.0fs" % e.timeout
    elapsed = time.monotonic() - t0
    # redis-benchmark sometimes omits the newline after the last CSV row and
    # interleaves stderr; treat both streams line-wise.
    stderr_lines = [l.strip() for l in r.stderr.splitlines() if l.strip()]
    rec = parse_csv(r.stdout, test)
    err = None
    if r.returncode != 0 or rec is None:
        err = "redis-benchmark exit %d" % r.returncode
        # the error text goes into `err`; warnings stay in the stderr list
        err_lines = [l for l in stderr_lines if not l.startswith("WARNING")]
        if err_lines:
            err += ": " + " | ".join(err_lines[-4:])
            stderr_lines = [l for l in stderr_lines if l not in err_lines]
        elif stderr_lines:
            err += ": " + " | ".join(stderr_lines[-4:])
        elif r.stdout.strip():
            err += ": stdout: " + r.stdout.strip()[-300:]
        rec = None
    if rec is not None:
        rec["elapsed_s"] = elapsed
    return rec, stderr_lines, err


def flushall(server, notes):
    try:
        reply = resp_call(server.port, ["FLUSHALL"], timeout=120.0)[0]
    except (OSError, ConnectionError) as e:
        notes.append("%s: FLUSHALL failed: %s" % (server.label, e))
        return
    if reply != "OK":
        notes.append("%s: `FLUSHALL` replied %s" % (server.label, fmt_reply(reply)))


def fmt_reply(reply):
    if isinstance(reply, RespError):
        return "error `-%s`" % reply
    return "`%r`" % (reply,)


def probe_startup_commands(server):
    """redis-benchmark 7.0 sends `CONFIG GET save` and `CONFIG GET appendonly`
    before a run (it only prints 'WARNING: Could not fetch server CONFIG' when
    they fail, not the error). Send them ourselves to capture the exact reply."""
    notes = []
    cmds = [["CONFIG", "GET", "save"], ["CONFIG", "GET", "appendonly"]]
    try:
        replies = resp_call(server.port, *cmds)
    except (OSError, ConnectionError) as e:
        return ["%s: probing redis-benchmark startup commands failed: %s"
                % (server.label, e)]
    for cmd, reply in zip(cmds, replies):
        if (isinstance(reply, RespError) or not isinstance(reply, list)
                or len(reply) < 2):
            # redis-benchmark needs an array of >= 2 elements, else it warns
            notes.append("%s: redis-benchmark startup command `%s` -> %s"
                         % (server.label, " ".join(cmd), fmt_reply(reply)))
    return notes


def sanity(server):
    cmds = [["DBSIZE"], ["SCARD", "myset"], ["HLEN", "myhash"]]
    try:
        replies = resp_call(server.port, *cmds, timeout=30.0)
    except (OSError, ConnectionError) as e:
        return "unavailable (%s)" % e
    parts = []
    for cmd, reply in zip(cmds, replies):
        name = " ".join(cmd)
        parts.append("%s=%s" % (name, reply if isinstance(reply, int)
                                else fmt_reply(reply)))
    return ", ".join(parts)


def server_version(server):
    try:
        info = resp_call(server.port, ["INFO", "server"])[0]
    except (OSError, ConnectionError):
        return None
    if not isinstance(info, str):
        return None
    fields = []
    for line in info.splitlines():
        k, _, v = line.strip().partition(":")
        if k.endswith("_version") and v.strip():
            fields.append("%s:%s" % (k, v.strip()))
    # meridian_version first, then e.g. redis_version (its compat version)
    fields.sort(key=lambda f: not f.startswith("meridian"))
    return ", ".join(fields) or None


# --------------------------------------------------------------------------
# Output

def fmt_ops(v):
    return "-" if v is None else "{:,.0f}".format(v)


def fmt_ms(v):
    return "-" if v is None else "%.3f" % v


def row_cells(row, sut_name):
    m, r = row["sut"], row["redis"]
    ratio = row["ratio"]
    status = row["status"]
    return [row["test"].upper(), str(row["pipeline"]),
            fmt_ops(m and m["rps"]), fmt_ms(m and m["p50_latency_ms"]),
            fmt_ms(m and m["p99_latency_ms"]),
            fmt_ops(r and r["rps"]), fmt_ms(r and r["p50_latency_ms"]),
            fmt_ms(r and r["p99_latency_ms"]),
            "-" if ratio is None else "%.2f" % ratio, status]


def headers(sut_name):
    return ["test", "pipeline", "%s ops/s" % sut_name, "%s p50 ms" % sut_name,
            "%s p99 ms" % sut_name, "redis ops/s", "redis p50 ms",
            "redis p99 ms", "%s/redis" % sut_name, "target"]


def text_table(rows, sut_name):
    hdr = headers(sut_name)
    body = [row_cells(r, sut_name) for r in rows]
    widths = [max(len(hdr[i]), *(len(b[i]) for b in body)) if body
              else len(hdr[i]) for i in range(len(hdr))]
    left = {0, 9}
    def fmt(cells):
        return "  ".join(c.ljust(widths[i]) if i in left else c.rjust(widths[i])
                         for i, c in enumerate(cells))
    lines = [fmt(hdr), "  ".join("-" * w for w in widths)]
    lines += [fmt(b) for b in body]
    return "\n".join(lines)


def md_table(rows, sut_name):
    hdr = headers(sut_name)
    align = ["---", "---:"] + ["---:"] * 7 + ["---"]
    lines = ["| " + " | ".join(hdr) + " |", "|" + "|".join(align) + "|"]
    for r in rows:
        cells = row_cells(r, sut_name)
        if r["status"] != "ok":
            cells[-1] = "**%s**" % cells[-1]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def target_line(rows):
    met = ["%s -P %d" % (r["test"].upper(), r["pipeline"])
           for r in rows if r["status"] == "ok"]
    missed = ["%s -P %d (%s)" % (r["test"].upper(), r["pipeline"],
                                 "%.2f" % r["ratio"] if r["ratio"] is not None
                                 else "error")
              for r in rows if r["status"] != "ok"]
    s = "**Target** (meridian/redis ops/s >= %.1f on every row): " % TARGET_RATIO
    s += ("met on all %d rows." % len(rows)) if not missed else \
        "%s. Met (%d/%d): %s. Missed (%d/%d): %s." % (
            "NOT met", len(met), len(rows), ", ".join(met) or "none",
            len(missed), len(rows), ", ".join(missed))
    return s


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def mem_total():
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal:"):
                    return "%.1f GiB" % (int(line.split()[1]) / 1024 / 1024)
    except OSError:
        pass
    return "unknown"


def tool_version(argv):
    try:
        r = subprocess.run(argv, capture_output=True, text=True, timeout=10)
        return (r.stdout or r.stderr).strip().splitlines()[0]
    except Exception:
        return "unknown"


def git_rev():
    try:
        r = subprocess.run(["git", "-C", REPO, "rev-parse", "--short", "HEAD"],
                           capture_output=True, text=True, timeout=10)
        if r.returncode == 0:
            rev = r.stdout.strip()
            d = subprocess.run(["git", "-C", REPO, "status", "--porcelain",
                                "--", "src"], capture_output=True, text=True,
                               timeout=10)
            return rev + (" (src/ has uncommitted changes)" if d.stdout.strip() else "")
        return "no commit yet"
    except Exception:
        return "unknown"


def binary_desc(path):
    try:
        st = os.stat(path)
    except OSError:
        return path
    mtime = datetime.datetime.fromtimestamp(st.st_mtime, datetime.timezone.utc)
    return "%s (built %s, %.1f MiB)" % (
        os.path.relpath(path, REPO) if path.startswith(REPO) else path,
        mtime.strftime("%Y-%m-%d %H:%M UTC"), st.st_size / 1048576)


def write_doc(path, ctx):
    preserved = None
    if os.path.exists(path):
        with open(path) as f:
            old = f.read()
        idx = old.find(ANALYSIS_MARKER)
        if idx >= 0:
            preserved = old[idx:]
    if preserved is None:
        preserved = ANALYSIS_MARKER + "\n" + ANALYSIS_DEFAULT
    if not preserved.endswith("\n"):
        preserved += "\n"

    req = ctx["requests"]
    arg_lines = "\n".join(
        "    " + shlex.join(bench_argv("PORT", "TEST", p, req[p],
                                       ctx["clients"], ctx["keyspace"]))
        for p in PIPELINES)
    sut = ctx["sut_name"]
    parts = [
        "# Benchmarks: %s vs Redis" % sut.capitalize(),
        "",
        "<!-- Generated by bench/run_bench.py. Everything above the analysis "
        "marker is rewritten on every run; the marker and everything below it "
        "are kept. -->",
        "",
        "- **Date:** %s" % ctx["date"],
        "- **Machine:** %s cores (`nproc`), CPU `%s`, %s RAM, Linux %s; "
        "servers and redis-benchmark share the same cores, loopback only; "
        "1-minute load average before the run: %.2f%s."
        % (ctx["nproc"], ctx["cpu"], ctx["mem"], ctx["kernel"], ctx["load"],
           " (**other work was running; numbers are skewed**)"
           if ctx["load"] > 0.5 else ""),
        "- **Versions:** %s; %s; %s; Python %s." % (
            ctx["sut_version"], ctx["redis_version"], ctx["bench_version"],
            platform.python_version()),
        "- **Command:** `%s` (`make bench` runs `/usr/bin/python3 "
        "bench/run_bench.py`)%s. Wall time %.0f s." % (
            ctx["command"], " -- **quick mode**, fewer requests, numbers are "
            "noisy" if ctx["quick"] else "", ctx["wall"]),
        "- **Servers:** %s; redis: `%s`. Both fsync the log once per second "
        "and start empty." % (ctx["sut_desc"], ctx["redis_cmd"]),
        "- **Procedure:** for each pipeline depth, FLUSHALL both servers, then "
        "for each test run redis-benchmark against %s and then immediately "
        "against redis (interleaved per row to reduce drift). One run per "
        "cell; ops/s is redis-benchmark's `rps`, latencies its p50/p99 in ms."
        % sut,
        "",
        "redis-benchmark arguments (one test per invocation; `-t` takes each "
        "of %s in turn):" % ", ".join(TESTS),
        "",
        arg_lines,
        "",
        md_table(ctx["rows"], sut),
        "",
        target_line(ctx["rows"]),
        "",
    ]
    if ctx["sanity"]:
        parts += ["Key counts after each pipeline setting (same random key "
                  "space, so they should be close):", ""]
        parts += ["- %s" % s for s in ctx["sanity"]]
        parts.append("")
    parts += ["Anomalies: " + ("none." if not ctx["notes"] else ""), ""]
    parts += ["- %s" % n for n in ctx["notes"]]
    if ctx["notes"]:
        parts.append("")
    text = "\n".join(parts) + "\n" + preserved
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = path + ".tmp"
    with open(tmp, "w") as f:
        f.write(text)
    os.replace(tmp, path)


# --------------------------------------------------------------------------
# Profiling

def profile(server, workdir, args, requests):
    if not server.alive():
        print("\n[profile] %s is not running; skipping profile." % server.label)
        return
    perf = shutil.which("perf")
    if not perf:
        print("\n[profile] perf not found; skipping profile.")
        return
    r = subprocess.run([perf, "stat", "-e", "instructions", "true"],
                       capture_output=True, text=True)
    if r.returncode != 0:
        print("\n[profile] `perf stat -e instructions true` failed (exit %d); "
              "skipping profile:\n%s" % (r.returncode, r.stderr.strip()))
        return
    event = []
    if "not supported" in r.stderr or "not counted" in r.stderr:
        print("\n[profile] hardware counter 'instructions' is <not supported> "
              "here (no PMU, e.g. a VM); sampling the software event cpu-clock "
              "instead.")
        event = ["-e", "cpu-clock"]
    data = os.path.join(workdir, "perf.data")
    log = open(os.path.join(workdir, "perf-record.log"), "wb")
    rec = subprocess.Popen([perf, "record", "-g", *event, "-o", data,
                            "-p", str(server.proc.pid)],
                           stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                           preexec_fn=_die_with_parent)
    try:
        deadline = time.monotonic() + 10
        while not os.path.exists(data) and time.monotonic() < deadline:
            if rec.poll() is not None:
                break
            time.sleep(0.05)
        if rec.poll() is not None:
            log.flush()
            with open(log.name, "rb") as f:
                print("[profile] perf record exited early (%s):\n%s"
                      % (rec.returncode, f.read().decode(errors="replace")))
            return
        time.sleep(0.2)  # let perf finish attaching to all threads
        for test in ("set", "get"):
            res, _, err = run_one(server, test, 16, requests[16], args)
            print("[profile] %s %s -P 16: %s" % (
                server.label, test.upper(),
                err or "%s ops/s" % fmt_ops(res["rps"])))
    finally:
        if rec.poll() is None:
            rec.send_signal(signal.SIGINT)
            try:
                rec.wait(timeout=120)
            except subprocess.TimeoutExpired:
                rec.kill()
                rec.wait()
        log.close()
    # Flat self-time list so 60 lines show many symbols; the call graphs are
    # in the data (keep it with --perf-data and run `perf report -i FILE`).
    report = [perf, "report", "-i", data, "--stdio", "--no-children",
              "-g", "none"]
    rep = subprocess.run(report, capture_output=True, text=True,
                         errors="replace")
    print("\n[profile] %s | head -60\n"
          % shlex.join(["perf"] + [("perf.data" if a == data else a)
                                   for a in report[1:]]))
    # C++ template symbols run to 700+ characters: cut lines at 300
    print("\n".join(l if len(l) <= 300 else l[:299] + "~"
                    for l in rep.stdout.splitlines()[:60]))
    if rep.returncode != 0:
        print("[profile] perf report exit %d: %s" % (rep.returncode,
                                                     rep.stderr.strip()[-500:]))
    if args.perf_data:
        shutil.copyfile(data, args.perf_data)
        print("[profile] perf data (with call graphs) saved to %s; "
              "view with: perf report -i %s" % (args.perf_data, args.perf_data))


# --------------------------------------------------------------------------

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
    global TESTS
    TESTS = [t.strip().lower() for t in args.tests.split(",") if t.strip()]
    requests = dict(QUICK_REQUESTS if args.quick else FULL_REQUESTS)
    if args.requests_p1:
        requests[1] = args.requests_p1
    if args.requests_p16:
        requests[16] = args.requests_p16
    for tool in ("redis-server", "redis-benchmark"):
        if not shutil.which(tool):
            raise HarnessError("%s not found on PATH" % tool)

    sut_name = "meridian"
    if not args.sut_redis:
        if not os.access(args.meridian_bin, os.X_OK):
            raise HarnessError(
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
        p_sut, p_peer, p_http, p_redis = free_ports(4)
        if args.sut_redis:
            sut = Server("meridian(redis stand-in)",
                         redis_server_argv(p_sut, tmp_sut), p_sut, tmp_sut)
            sut_desc = "meridian stand-in: a second redis-server (`--sut-redis`)"
        else:
            cfg = os.path.join(tmp_sut, "bench.toml")
            with open(cfg, "w") as f:
                f.write(MERIDIAN_TOML.format(client=p_sut, peer=p_peer,
                                             http=p_http))
            data_dir = os.path.join(tmp_sut, "data")
            os.makedirs(data_dir)
            sut = Server("meridian",
                         [args.meridian_bin, "server", "--config", cfg,
                          "--region", "bench", "--data-dir", data_dir],
                         p_sut, tmp_sut)
            sut_desc = ("meridian: `%s server --config bench.toml --region "
                        "bench --data-dir DIR` with fsync=\"everysec\", "
                        "hz=10, log_level=\"warn\", enable_flushall=true"
                        % os.path.relpath(args.meridian_bin, REPO)
                        if args.meridian_bin.startswith(REPO)
                        else args.meridian_bin)
        redis = Server("redis", redis_server_argv(p_redis, tmp_redis),
                       p_redis, tmp_redis)
        servers = [sut] if args.profile_only else [sut, redis]
        for s in servers:
            s.start()
        for s in servers:
            s.wait_ready()
        print("started " + " and ".join("%s on :%d" % (s.label, s.port)
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
                for test in TESTS:
                    row = {"test": test, "pipeline": pipeline}
                    for key, s in (("sut", sut), ("redis", redis)):
                        if not s.alive():
                            row[key] = None
                            row[key + "_err"] = "server not running"
                            continue
                        res, errlines, err = run_one(s, test, pipeline,
                                                     requests[pipeline], args)
                        row[key] = res
                        row[key + "_err"] = err
                        for l in errlines:
                            stderr_seen.setdefault((s.label, l), []).append(
                                "%s -P %d" % (test.upper(), pipeline))
                        if err:
                            bench_failed = True
                            notes.append("%s %s -P %d: %s" % (
                                s.label, test.upper(), pipeline, err))
                        if not s.alive():
                            notes.append(
                                "%s exited (status %s) during %s -P %d; log "
                                "tail: %s" % (s.label, s.proc.returncode,
                                              test.upper(), pipeline,
                                              s.log_tail(5).replace("\n", " | ")))
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
                if len(where) == len(TESTS) * len(PIPELINES):
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
                    "keyspace": args.keyspace,
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
            except Exception as e:
                print("warning: stopping %s: %s" % (s.label, e), file=sys.stderr)
        for d in (tmp_sut, tmp_redis):
            shutil.rmtree(d, ignore_errors=True)


if __name__ == "__main__":
    # Explicit handlers: a non-interactive shell starts background jobs with
    # SIGINT ignored, and we always want to clean up on INT/TERM/HUP.
    signal.signal(signal.SIGINT, signal.default_int_handler)
    signal.signal(signal.SIGTERM, _on_sigterm)
    signal.signal(signal.SIGHUP, _on_sigterm)
    try:
        sys.exit(main(sys.argv[1:]))
    except HarnessError as e:
        print("run_bench: error: %s" % e, file=sys.stderr)
        sys.exit(1)
    except KeyboardInterrupt:
        print("\nrun_bench: interrupted; servers stopped, temp dirs removed",
              file=sys.stderr)
        sys.exit(130)
