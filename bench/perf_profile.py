"""`bench/run_bench.py --profile`: perf-record the server under redis-benchmark
GET/SET -P 16 and print perf's flat self-time list.

Falls back to the software event cpu-clock where the hardware counter
'instructions' is not supported (a VM without a PMU).
"""

import os
import shlex
import shutil
import signal
import subprocess
import time

from throughput_report import fmt_ops
from throughput_runner import run_one  # also puts tests/ on sys.path
from lib import harness  # noqa: E402


def profile(server, workdir, args, requests):
    """perf record -g of `server` (a harness server) while redis-benchmark runs
    SET and GET -P 16 against it; perf.data in workdir, copied to
    args.perf_data when given."""
    if not server.running():
        print("\n[profile] %s is not running; skipping profile." % server.kind)
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
                           preexec_fn=harness.die_with_parent)
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
                server.kind, test.upper(),
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
