"""The tables and the docs/benchmarks.md report of bench/run_bench.py.

Formats the meridian vs redis rows (a text table for the terminal, a
markdown table for the doc), describes the machine and the versions, and
rewrites the part of docs/benchmarks.md above the `<!-- analysis -->` marker
(everything from the marker down is hand-written and kept).
"""

import datetime
import os
import platform
import shlex
import subprocess

from throughput_runner import CUSTOM, DRIVEN, PIPELINES, REPO, TARGET_RATIO, bench_argv

ANALYSIS_MARKER = "<!-- analysis -->"
ANALYSIS_DEFAULT = "## Analysis\n\n(written by hand after profiling)\n"


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
    """Rewrites `path` above the analysis marker from `ctx` (run_bench.main
    builds it: date, machine, versions, command, rows, notes, ...)."""
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
        "of %s in turn%s%s):" % (
            ", ".join(t for t in ctx["tests"] if t not in CUSTOM and t not in DRIVEN),
            "".join("; %s runs `%s` instead" % (t, " ".join(CUSTOM[t]))
                    for t in ctx["tests"] if t in CUSTOM),
            "".join("; %s is not redis-benchmark's: bench/transaction_driver.py sends "
                    "MULTI, 10 INCRs of random keys and EXEC as one request (requests and "
                    "ops/s count transactions, a twelfth of the others' requests), "
                    "the same clients and pipeline depth" % t
                    for t in ctx["tests"] if t in DRIVEN)),
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
