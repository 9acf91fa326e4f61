"""Failover with real processes (active-passive, three regions): kill -9 the
primary under a steady write load and measure, from the clients' view, RTO
(last acknowledged write before to the first acknowledged write after) and
RPO (acknowledged writes missing afterwards); a switchover with the CLI,
the history and the hooks."""

import json
import os
import subprocess
import threading
import time

import pytest
import redis

from lib import harness
from lib.cluster import Cluster

MODES = {"async": [], "semi-sync 1": ["MR.ONCE", "SEMI-SYNC", "1", "2000"],
         "sync": ["MR.ONCE", "SYNC", "2000"]}
FAILOVER = {"pattern": "active-passive", "check_interval_ms": 250, "failure_threshold": 3}


def primary_of(c):
    """The region that takes writes now, asked of any live region."""
    for n in c.names:
        if not c[n].running():
            continue
        try:
            st = json.loads(c.client(n, socket_timeout=1).execute_command("MR.FAILOVER", "STATUS"))
        except (redis.RedisError, OSError):
            continue
        if st["primary"] in c.names and c[st["primary"]].running():
            return st["primary"]
    return None


def writable(c, name):
    """Whether `name` takes writes now (it is the primary and holds its lease)."""
    try:
        st = json.loads(c.client(name, socket_timeout=1).execute_command("MR.FAILOVER", "STATUS"))
    except (redis.RedisError, OSError):
        return False
    return st["accepts_writes"]


class Writer(threading.Thread):
    def __init__(self, c, prefix):
        super().__init__(daemon=True)
        self.c, self.prefix = c, prefix
        self.acked = []  # (key, time, region)
        self.stop = threading.Event()

    def run(self):
        region, conn, i = None, None, 0
        while not self.stop.is_set():
            if conn is None:
                region = primary_of(self.c)
                if region is None:
                    self.stop.wait(0.02)  # no primary known yet: back off
                    continue
                conn = self.c.client(region, socket_timeout=3)
            key = "w%06d" % i
            try:
                conn.execute_command(*self.prefix, "SET", key, "v")
                self.acked.append((key, time.monotonic(), region))
                i += 1
            except (redis.RedisError, OSError):
                conn = None  # refused, timed out or gone: find the primary again
                i += 1
                self.stop.wait(0.01)  # back off before asking again


@pytest.mark.parametrize("mode", list(MODES))
def test_kill9_primary_under_load_rto_and_rpo(mode, tmp_path):
    c = Cluster(failover=FAILOVER)
    try:
        c.start()
        c.wait_linked()
        harness.wait_until(lambda: writable(c, "a"), timeout=10)
        w = Writer(c, MODES[mode])
        w.start()
        harness.wait_until(lambda: len(w.acked) > 200, timeout=20)
        killed_at = time.monotonic()
        c["a"].kill9()
        harness.wait_until(lambda: len([1 for _, _, r in w.acked if r != "a"]) > 50,
                           timeout=15, desc="writes acknowledged by the new primary")
        w.stop.set()
        w.join(10)
        # (a reply in flight when a died may be counted just after killed_at)
        before = [t for _, t, r in w.acked if r == "a"]
        after = [(t, r) for _, t, r in w.acked if r != "a"]
        rto = after[0][0] - before[-1]
        new = after[0][1]
        assert new in ("b", "c")
        # RPO: acknowledged writes the new primary does not have.
        r = c.client(new)
        keys = [k for k, _, _ in w.acked]
        have = set()
        for i in range(0, len(keys), 500):
            vals = r.mget(keys[i:i + 500])
            have.update(k for k, v in zip(keys[i:i + 500], vals) if v is not None)
        lost = [k for k in keys if k not in have]
        print("failover %s: RTO %.3f s, RPO %d of %d acknowledged writes, new primary %s"
              % (mode, rto, len(lost), len(keys), new))
        with open(os.environ.get("MERIDIAN_FAILOVER_REPORT", "/dev/null"), "a") as f:
            f.write(json.dumps({"mode": mode, "rto_s": rto, "rpo_writes": len(lost),
                                "acked": len(keys)}) + "\n")
        # The 2 s target is measured and recorded in docs/benchmarks.md; here
        # a looser bound keeps a loaded CI machine from failing the test.
        assert rto <= 5.0
        if mode != "async":
            assert lost == []
        hist = json.loads(r.execute_command("MR.FAILOVER", "HISTORY"))
        assert hist[-1]["from"] == "a" and hist[-1]["to"] == new
        assert hist[-1]["reason"].startswith("failover: a unhealthy")
    finally:
        c.cleanup()


def test_the_history_counts_the_async_writes_a_failover_left_behind():
    """kill -9 of an active-passive primary under async load, 100 ms from the
    others: the new primary's history says "at least N" (N no more than the
    acknowledged writes it lacks), and once the old primary is back the exact
    count: the writes it acknowledged that no survivor had."""
    c = Cluster(failover=FAILOVER, wan=[("a", "b", 100, 1), ("a", "c", 100, 1),
                                        ("b", "c", 100, 1)])
    try:
        c.start()
        c.wait_linked()
        harness.wait_until(lambda: writable(c, "a"), timeout=10)
        w = Writer(c, [])
        w.start()
        harness.wait_until(lambda: len(w.acked) > 500, timeout=20)
        c["a"].kill9()
        harness.wait_until(lambda: len([1 for _, _, r in w.acked if r != "a"]) > 50,
                           timeout=15, desc="writes acknowledged by the new primary")
        w.stop.set()
        w.join(10)
        new = [r for _, _, r in w.acked if r != "a"][0]
        r = c.client(new)
        keys = [k for k, _, reg in w.acked if reg == "a"]
        have = set()
        for i in range(0, len(keys), 500):
            vals = r.mget(keys[i:i + 500])
            have.update(k for k, v in zip(keys[i:i + 500], vals) if v is not None)
        lost = len([k for k in keys if k not in have])
        assert lost > 0, "the WAN delay should leave acknowledged writes behind"
        last = json.loads(r.execute_command("MR.FAILOVER", "HISTORY"))[-1]
        assert last["from"] == "a" and not last["unreplicated_exact"], last
        assert last["unreplicated_writes"] <= lost, (last, lost)
        assert last["unreplicated_text"] == "at least %d" % last["unreplicated_writes"]
        c["a"].restart()

        def settled():
            h = json.loads(c.client(new).execute_command("MR.FAILOVER", "HISTORY"))[-1]
            return h if h["unreplicated_exact"] else None
        last = harness.wait_until(settled, timeout=20, desc="the count exact once a is back")
        # Every write the client saw acknowledged and the new primary lacked,
        # plus at most the one a committed but died before answering.
        assert lost <= last["unreplicated_writes"] <= lost + 1, (last, lost)
        assert last["unreplicated_text"] == str(last["unreplicated_writes"])
        print("failover left %d acknowledged writes behind; history: %s"
              % (lost, last["unreplicated_text"]))
    finally:
        c.cleanup()


def test_switchover_with_the_cli_loses_nothing_and_runs_the_hooks(tmp_path):
    log = tmp_path / "hooks.log"
    f = dict(FAILOVER, hook_command="echo \"$MERIDIAN_EVENT $MERIDIAN_FROM $MERIDIAN_TO "
                                    "$MERIDIAN_EPOCH $MERIDIAN_REASON\" >> %s" % log)
    c = Cluster(failover=f)
    try:
        c.start()
        c.wait_linked()
        harness.wait_until(lambda: writable(c, "a"), timeout=10)
        a = c.client("a")
        for i in range(300):
            a.set("k%d" % i, i)
        cfg = c["a"].config_path
        out = subprocess.run([harness.meridian_bin(), "switchover", "--config", cfg, "--to", "c"],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stdout + out.stderr
        assert "c is the primary (epoch 2)" in out.stdout
        assert c.client("c").dbsize() == 300
        harness.wait_until(lambda: writable(c, "c"), timeout=10)
        assert c.client("c").set("after", "1")
        with pytest.raises(redis.ReadOnlyError) as e:
            a.set("x", "1")
        assert "the primary is c at 127.0.0.1:%d (epoch 2)" % c["c"].port in str(e.value)
        hist = subprocess.run([harness.meridian_bin(), "history", "--config", cfg],
                              capture_output=True, text=True, timeout=20).stdout
        assert "switchover from a" in hist
        status = subprocess.run([harness.meridian_bin(), "status", "--config", cfg, "--json"],
                                capture_output=True, text=True, timeout=20).stdout
        assert json.loads(status)["primary"] == "c"
        # the hook ran in the new primary with the details
        harness.wait_until(lambda: log.exists() and "failover a c 2 switchover from a"
                           in log.read_text(), timeout=10)
        # and back: a planned move home is a failback
        out = subprocess.run([harness.meridian_bin(), "switchover", "--config", cfg, "--to", "a"],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stdout + out.stderr
        harness.wait_until(lambda: "failback c a 3" in log.read_text(), timeout=10)
    finally:
        c.cleanup()


def test_a_primary_partitioned_from_the_majority_stops_writing_and_is_replaced():
    # a loses every peer link (MR.DEBUG PARTITION) while its clients still
    # reach it: once its lease runs out it refuses writes, and b or c takes over.
    c = Cluster(failover=FAILOVER)
    try:
        c.start()
        c.wait_linked()
        harness.wait_until(lambda: writable(c, "a"), timeout=10)
        a = c.client("a")
        assert a.set("before", "1")
        assert a.execute_command("MR.DEBUG", "PARTITION", 6000) == b"OK"
        cut = time.monotonic()

        def refused():
            try:
                a.set("during", "x")
                return False
            except redis.ResponseError as e:
                return "cannot confirm its lease" in str(e)
        harness.wait_until(refused, timeout=5, desc="a stops taking writes")
        refused_after = time.monotonic() - cut
        harness.wait_until(lambda: writable(c, "b") or writable(c, "c"), timeout=10,
                           desc="a new primary")
        replaced_after = time.monotonic() - cut
        new = "b" if writable(c, "b") else "c"
        assert not writable(c, "a")  # never two
        assert c.client(new).set("after", "1")
        assert c.client(new).get("before") == b"1"
        print("partitioned primary: refuses writes after %.2f s, %s takes over after %.2f s"
              % (refused_after, new, replaced_after))
        # a rejoins as a standby; what it acknowledged while its lease still
        # ran (async, unreplicated then) is not lost: it replicates now
        harness.wait_until(lambda: c.client("a").get("after") == b"1", timeout=20)
        assert not writable(c, "a")
        harness.wait_until(lambda: c.client(new).get("during") == b"x", timeout=20)
    finally:
        c.cleanup()


def test_read_local_write_global_forwards_writes_to_the_primary():
    c = Cluster(failover=dict(FAILOVER, pattern="read-local-write-global"),
                wan=[("a", "b", 40), ("a", "c", 80), ("b", "c", 60)])
    try:
        c.start()
        c.wait_linked()
        harness.wait_until(lambda: writable(c, "a"), timeout=10)
        r = c.client("c")
        start = time.monotonic()
        assert r.set("k", "from-c")  # forwarded to a, answered by a
        took = time.monotonic() - start
        assert 0.075 <= took < 0.5, took  # one round trip to a (80 ms)
        assert c.client("a").get("k") == b"from-c"
        harness.wait_until(lambda: r.get("k") == b"from-c")  # back by replication
        with pytest.raises(redis.ResponseError) as e:
            r.incr("k")  # the primary's own error comes back
        assert "not an integer" in str(e.value)
        out = subprocess.run(["redis-cli", "-p", str(c["b"].port), "SET", "cli", "1"],
                             capture_output=True, text=True, timeout=10)
        assert out.stdout.strip() == "OK"
    finally:
        c.cleanup()
