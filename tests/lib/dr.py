"""Disaster-recovery drills, one per DR tier, with real processes: a client
writes steadily (async), the region it writes to is killed with kill -9 (for
backup-restore, its whole site: the data directory goes too), and the
client's view gives

* RTO: from the last write acknowledged before the loss to the first one
  acknowledged after it, in another region;
* RPO: the acknowledged writes missing from the region that took over, and
  how far back the oldest of them was acknowledged before the loss.

Used by tests/integration/test_dr_tiers.py (which asserts bounds) and
bench/dr_bench.py (which writes the figures into docs/benchmarks.md)."""

import json
import os
import shutil
import subprocess
import threading
import time

import redis

from lib import harness
from lib.cluster import Cluster

# The design text's round trips between the three serving regions.
WAN = [("a", "b", 70, 1), ("a", "c", 100, 1), ("b", "c", 100, 1)]
FAILOVER = {"check_interval_ms": 250, "check_timeout_ms": 500, "failure_threshold": 3,
            "lease_ms": 1000}


def _status(c, name):
    return json.loads(c.client(name, socket_timeout=1).execute_command("MR.FAILOVER", "STATUS"))


def primary_of(c, exclude=()):
    """A live region that takes writes now, as the cluster reports it."""
    for n in c.serving():
        if n in exclude or not c[n].running():
            continue
        try:
            st = _status(c, n)
        except (redis.RedisError, OSError):
            continue
        p = st["primary"]
        if p not in exclude and c[p].running():
            try:
                if _status(c, p)["accepts_writes"]:
                    return p
            except (redis.RedisError, OSError):
                continue
    return None


RATE = 1000  # writes per second: a steady application load, not a flood


class Writer(threading.Thread):
    """SET dr:<i> at RATE per second; `pick()` names the region to
    (re)connect to."""

    def __init__(self, c, pick, rate=RATE):
        super().__init__(daemon=True)
        self.c, self.pick, self.rate = c, pick, rate
        self.acked = []  # (key, monotonic time, wall time, region)
        self.stop = threading.Event()

    def run(self):
        region, conn, i = None, None, 0
        start = time.monotonic()
        while not self.stop.is_set():
            ahead = start + i / self.rate - time.monotonic()
            if ahead > 0:
                self.stop.wait(ahead)  # pacing the load
                continue
            if conn is None:
                region = self.pick()
                if region is None:
                    self.stop.wait(0.02)
                    continue
                conn = self.c.client(region, socket_timeout=3)
            key = "dr:%07d" % i
            i += 1
            try:
                conn.set(key, "v" * 32)
                self.acked.append((key, time.monotonic(), time.time(), region))
            except (redis.RedisError, OSError):
                conn = None
                self.stop.wait(0.01)

    def after(self, lost):
        return [a for a in self.acked if a[3] != lost]

    def before(self, lost):
        return [a for a in self.acked if a[3] == lost]


def missing(c, region, keys):
    r = c.client(region)
    have = set()
    for i in range(0, len(keys), 500):
        chunk = keys[i:i + 500]
        have.update(k for k, v in zip(chunk, r.mget(chunk)) if v is not None)
    return [k for k in keys if k not in have]


def _measure(w, lost, killed_at, survivor_region, c):
    before = w.before(lost)
    after = w.after(lost)
    keys = [k for k, _, _, _ in w.acked]
    gone = set(missing(c, survivor_region, keys))
    lost_times = [t for k, t, _, _ in w.acked if k in gone]
    return {
        "rto_s": after[0][1] - before[-1][1],
        "rpo_writes": len(gone),
        # How far back before the loss the oldest lost write was acknowledged.
        "rpo_s": max(0.0, killed_at - min(lost_times)) if lost_times else 0.0,
        "acked": len(keys),
        "took_over": after[0][3],
        "lost_keys": sorted(gone),
        "acked_log": w.acked,
    }


def drill_replicated(tier, write="async", settle_s=2.0):
    """Tiers 4 (active-active), 3 (warm standby) and 2 (pilot light): a is
    the primary; b and c have `tier`. a is killed under load after
    `settle_s` of writes in write mode `write`."""
    tiers = {} if tier == "active" else {"b": tier, "c": tier}
    c = Cluster(failover=dict(FAILOVER, pattern="active-active"), wan=WAN, tiers=tiers,
                replication={"write": write, "write_timeout_ms": 2000})
    try:
        c.start()
        c.wait_linked()
        harness.wait_until(lambda: primary_of(c) == "a", timeout=15, desc="a is the primary")
        lost_region = ["a"]

        def pick():
            if c["a"].running():
                return "a"
            if tier == "active":
                # Every region takes writes: go to the next one at once.
                return "b"
            return primary_of(c, exclude=lost_region)

        w = Writer(c, pick)
        w.start()
        harness.wait_until(lambda: w.acked and w.acked[-1][1] - w.acked[0][1] > settle_s,
                           timeout=30, desc="writes acknowledged by a")
        killed_at = time.monotonic()
        c["a"].kill9()
        harness.wait_until(lambda: len(w.after("a")) > 20, timeout=30,
                           desc="writes acknowledged after a was lost")
        w.stop.set()
        w.join(10)
        out = _measure(w, "a", killed_at, w.after("a")[0][3], c)
        out["tier"] = tier
        out["write"] = write
        # Pilot light and warm standby: the region that took over was promoted.
        if tier != "active":
            hist = json.loads(c.client(out["took_over"]).execute_command("MR.FAILOVER", "HISTORY"))
            out["history"] = hist
        return out
    finally:
        c.cleanup()


def drill_backup_restore(interval_s=2, settle_backups=2, preload=0):
    """Tier 1: a serves alone and backs up every `interval_s` into d's
    backup directory. The site of a is lost (kill -9, data directory gone);
    an operator restores the newest backup into d and starts it there.
    `preload` keys of 100 bytes first make the restore copy something."""
    c = Cluster(names=("a", "d"), tiers={"d": "backup-restore"},
                backup={"interval_s": interval_s, "keep": 3})
    try:
        c.start()
        r = c.client("a")
        for i in range(0, preload, 1000):
            p = r.pipeline(transaction=False)
            for j in range(i, min(preload, i + 1000)):
                p.set("pre:%08d" % j, os.urandom(50).hex())
            p.execute()
        w = Writer(c, lambda: "a" if c["a"].running() else ("d" if c["d"].running() else None))
        w.start()

        def backups_ok():
            st = json.loads(c.client("a").execute_command("MR.BACKUP", "STATUS"))
            return st["ok_count"] >= settle_backups and not st["in_progress"]

        harness.wait_until(backups_ok, timeout=30, interval=0.05, desc="scheduled backups")
        last = json.loads(c.client("a").execute_command("MR.BACKUP", "STATUS"))
        # Lose the site three quarters into the interval after that backup
        # (the next one has not started): a typical point, not a lucky one.
        start = last["last_started_unix_ms"] / 1000.0
        harness.wait_until(lambda: w.acked and w.acked[-1][2] > start + 0.75 * interval_s,
                           timeout=30, desc="writes three quarters into the interval")
        killed_at = time.monotonic()
        killed_wall = time.time()
        c["a"].kill9()
        shutil.rmtree(c["a"].data_dir, ignore_errors=True)
        t0 = time.monotonic()
        restore = subprocess.run(
            [harness.meridian_bin(), "restore", "--config", c["a"].config_path, "--region", "d",
             "--data-dir", c["d"].data_dir], capture_output=True, text=True, timeout=120)
        restore_s = time.monotonic() - t0
        assert restore.returncode == 0, restore.stderr + restore.stdout
        c["d"].start()
        harness.wait_until(lambda: len(w.after("a")) > 50, timeout=30,
                           desc="writes acknowledged by d")
        w.stop.set()
        w.join(10)
        out = _measure(w, "a", killed_at, "d", c)
        backup_start = last["last_started_unix_ms"] / 1000.0
        out.update(tier="backup-restore", write="async", restore_s=restore_s,
                   restore_output=restore.stdout, preload=preload,
                   interval_s=interval_s, backup_age_s=killed_wall - backup_start,
                   last_backup=last, killed_wall=killed_wall)
        return out
    finally:
        c.cleanup()
