#!/usr/bin/python3
"""Disaster-recovery drills, one per DR tier (run by `make bench`).

Usage:
    /usr/bin/python3 bench/dr_bench.py            # full run, updates docs/benchmarks.md
    /usr/bin/python3 bench/dr_bench.py --quick    # one run each, small restore
    /usr/bin/python3 bench/dr_bench.py --no-doc   # print only

Runs the drills of tests/lib/dr.py with real processes: a client writes
1,000 SETs/s to region a, a is killed with kill -9 and the client carries on
where the tier lets it. RTO and RPO are the client's view (see dr.py). The
three replicated tiers run with the design text's round trips (70 and 100
ms) between a, b and c, 250 ms health checks, threshold 3 and a 1000 ms
lease. The backup-restore drill preloads keys so the restore copies
something, backs up every few seconds into the DR region's directory, loses
a's site (process and data directory), then restores into d and starts it.

The table replaces the block between the dr markers in docs/benchmarks.md.
"""

import argparse
import datetime
import os
import platform
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
sys.path.insert(0, HERE)
from lib import dr  # noqa: E402
from bench_doc import DOC, publish_table  # noqa: E402

BEGIN, END = "<!-- dr:begin -->", "<!-- dr:end -->"

# The design text's tier table, and what ../shared/anchors.md cites.
DESIGN = {
    "backup-restore": ("Tier 1: backup & restore", "hours to days", "hours to days"),
    "pilot-light": ("Tier 2: pilot light", "minutes", "10+ minutes"),
    "warm-standby": ("Tier 3: warm standby", "seconds to minutes", "minutes"),
    "active": ("Tier 4: multi-site active-active", "near zero", "seconds"),
}


def fmt_s(v):
    return "%.0f ms" % (v * 1000) if v < 1 else "%.2f s" % v


def row(runs):
    r0 = runs[0]
    tier = r0["tier"]
    name, d_rpo, d_rto = DESIGN[tier]
    rto = ", ".join(fmt_s(r["rto_s"]) for r in runs)
    rpo = ", ".join("%d writes (%s)" % (r["rpo_writes"], fmt_s(r["rpo_s"])) for r in runs)
    how = r0["write"]
    if tier == "backup-restore":
        mib = r0["last_backup"]["last_bytes"] / 1048576
        how = "backup every %d s, %.0f MiB restored in %s" % (
            r0["interval_s"], mib, fmt_s(r0["restore_s"]))
    return "| %s | %s | %s | %s | %s | %s |" % (name, d_rpo, d_rto, how, rpo, rto)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-doc", action="store_true")
    args = ap.parse_args()
    runs = 1 if args.quick else 2
    plan = [("active", "async"), ("warm-standby", "async"), ("pilot-light", "async"),
            ("warm-standby", "semi-sync 1"), ("pilot-light", "semi-sync 1")]
    rows = []
    for tier, write in plan:
        results = []
        for _ in range(runs):
            r = dr.drill_replicated(tier, write=write, settle_s=3.0)
            print("%-13s %-11s RTO %s, RPO %d of %d writes (oldest lost %s before the kill)"
                  % (tier, write, fmt_s(r["rto_s"]), r["rpo_writes"], r["acked"],
                     fmt_s(r["rpo_s"])), flush=True)
            results.append(r)
        rows.append(row(results))
    results = []
    for _ in range(runs):
        r = dr.drill_backup_restore(interval_s=5, preload=20_000 if args.quick else 300_000)
        print("backup-restore RTO %s (restore %s), RPO %d of %d writes (%s; backup %s old)"
              % (fmt_s(r["rto_s"]), fmt_s(r["restore_s"]), r["rpo_writes"], r["acked"],
                 fmt_s(r["rpo_s"]), fmt_s(r["backup_age_s"])), flush=True)
        results.append(r)
    rows.append(row(results))

    cmd = "/usr/bin/python3 bench/dr_bench.py" + (" --quick" if args.quick else "")
    intro = ("Measured with `%s` (part of `make bench`) on %s, %s, %d CPUs."
             % (cmd, datetime.date.today().isoformat(), platform.machine(), os.cpu_count()))
    header = ["tier", "design text RPO", "design text RTO", "how",
              "measured RPO (%d run%s)" % (runs, "s" if runs > 1 else ""), "measured RTO"]
    publish_table(DOC, BEGIN, END, intro, header, rows, write=not args.no_doc)


if __name__ == "__main__":
    main()
