"""DR tiers with real processes: what each tier serves, backups and
restores with the CLI, and one drill per tier (tests/lib/dr.py) measuring
RPO and RTO from the client's view. The figures in docs/benchmarks.md come
from `make bench` (bench/dr_bench.py), which runs the same drills."""

import json
import os
import subprocess

import pytest
import redis

from lib import dr, harness
from lib.cluster import Cluster


def meridian(*args, timeout=60):
    return subprocess.run([harness.meridian_bin(), *args], capture_output=True, text=True,
                          timeout=timeout)


def test_each_tier_serves_what_it_promises():
    c = Cluster(names=("a", "b", "c", "d"),
                tiers={"b": "warm-standby", "c": "pilot-light", "d": "backup-restore"})
    try:
        c.start()
        c.wait_linked()
        assert not c["d"].running()  # backup-restore runs no replica
        c.client("a").set("k", "v")
        warm, pilot = c.client("b"), c.client("c")
        harness.wait_until(lambda: warm.get("k") == b"v", timeout=10)
        with pytest.raises(redis.ReadOnlyError, match=r"\(b\) is a warm standby.*primary is a at"):
            warm.set("k", "w")
        for cmd in (("GET", "k"), ("SET", "k", "p"), ("KEYS", "*")):
            with pytest.raises(redis.ResponseError, match=r"^STANDBY this region \(c\) is a pilot "
                               r"light: it applies the replication log but serves no clients"):
                pilot.execute_command(*cmd)
        assert pilot.ping() is True  # connection and admin commands still work
        info = pilot.info("replication")
        assert info["tier"] == "pilot-light" and info["serves_clients"] == 0
        st = json.loads(c.client("a").execute_command("MR.FAILOVER", "STATUS"))
        assert {r["name"]: r["tier"] for r in st["regions"]} == {
            "a": "active", "b": "warm-standby", "c": "pilot-light"}
        # The pilot light applied the log all along: promoted, it has the data.
        out = meridian("failover", "--config", c["a"].config_path, "--to", "c")
        assert out.returncode == 0, out.stdout + out.stderr
        assert pilot.get("k") == b"v"
        assert pilot.set("k2", "after") is True
        harness.wait_until(lambda: warm.get("k2") == b"after", timeout=10)
        status = meridian("status", "--config", c["a"].config_path).stdout
        assert "pilot-light" in status and "warm-standby" in status
    finally:
        c.cleanup()


def test_backup_and_restore_with_the_cli_keep_every_type(tmp_path):
    c = Cluster(names=("a", "b", "d"), tiers={"d": "backup-restore"})
    try:
        c.start()
        c.wait_linked()
        a = c.client("a")
        a.set("s", "string")
        a.incrby("n", 5)
        c.client("b").incrby("n", 2)  # a counter merged from two regions
        a.sadd("set", "x", "y")
        a.hset("h", mapping={"f": "1", "g": "2"})
        a.set("gone", "1")
        a.delete("gone")  # a tombstone
        a.set("ttl", "1", ex=3600)
        harness.wait_until(lambda: a.get("n") == b"7", timeout=10)
        want = c.dump("a")
        out = meridian("backup", "--config", c["a"].config_path, "--region", "a")
        assert out.returncode == 0, out.stderr
        assert "backup 1 of a done" in out.stdout and c.backup_dir("d") in out.stdout
        assert a.lastsave().timestamp() > 0
        persistence = a.info("persistence")
        assert persistence["rdb_last_bgsave_status"] == "ok" and persistence["backups_ok"] == 1
        # BGSAVE is Redis' spelling of the same.
        assert a.bgsave() is True
        harness.wait_until(lambda: a.info("persistence")["backups_ok"] == 2, timeout=30)
        # A backup of b goes to d too, in its own directory.
        assert meridian("backup", "--config", c["a"].config_path, "--region", "b").returncode == 0
        assert sorted(os.listdir(c.backup_dir("d"))) == ["a", "b"]

        # Restore a's newest backup into the DR region and run it there.
        out = meridian("restore", "--config", c["a"].config_path, "--region", "d", "--from", "a",
                       "--data-dir", c["d"].data_dir)
        assert out.returncode == 0, out.stderr
        assert "restoring backup 2 of a" in out.stdout and "(100%)" in out.stdout
        # A second restore refuses to overwrite without --force.
        again = meridian("restore", "--config", c["a"].config_path, "--region", "d",
                         "--data-dir", c["d"].data_dir)
        assert again.returncode == 1 and "already holds a database" in again.stderr
        c["d"].start()
        assert c.dump("d") == want
        d = c.client("d")
        assert 3000 < d.ttl("ttl") <= 3600
        assert d.get("gone") is None and d.exists("gone") == 0
        assert d.incr("n") == 8 and d.sadd("set", "z") == 1  # it takes writes: standalone
        # --force replaces it (the region is stopped first).
        c["d"].stop()
        forced = meridian("restore", "--config", c["a"].config_path, "--region", "d",
                          "--data-dir", c["d"].data_dir, "--force", "--from", "b")
        assert forced.returncode == 0, forced.stderr
    finally:
        c.cleanup()


def test_restore_reports_what_is_missing(tmp_path):
    c = Cluster(names=("a", "d"), tiers={"d": "backup-restore"})
    try:
        c.render_all()
        c["a"]._prepare()
        out = meridian("restore", "--config", c["a"].config_path, "--region", "d",
                       "--data-dir", str(tmp_path))
        assert out.returncode == 1 and "no backup found for d" in out.stderr
        out = meridian("restore", "--config", c["a"].config_path, "--region", "d", "--from", "x",
                       "--data-dir", str(tmp_path))
        assert out.returncode == 2 and "--from names no serving region" in out.stderr
    finally:
        c.cleanup()


def report(result):
    """Appends a drill's figures to $MERIDIAN_DR_REPORT (bench/dr_bench.py)."""
    slim = {k: v for k, v in result.items() if k not in ("acked_log", "lost_keys")}
    print("DR drill:", json.dumps(slim, default=str))
    with open(os.environ.get("MERIDIAN_DR_REPORT", "/dev/null"), "a") as f:
        f.write(json.dumps(slim, default=str) + "\n")


# An election's failover, bounded loosely: the figures belong to
# bench/dr_bench.py, this checks that the standby took over at all.
RTO_BOUND_S = 10.0


@pytest.mark.parametrize("tier", ["active", "warm-standby", "pilot-light"])
def test_drill_replicated_tier_async(tier):
    r = dr.drill_replicated(tier)
    report(r)
    if tier == "active":
        # Every region takes writes: the client moves on at once.
        assert r["took_over"] == "b" and r["rto_s"] < 1.0
    else:
        assert r["took_over"] in ("b", "c")
        assert r["history"][-1]["reason"].startswith("failover: a unhealthy")
        # About 1.3 s measured (docs/benchmarks.md), the tier's own target is
        # minutes; a loaded CI machine has taken 5.5 s, so the bound is loose.
        assert r["rto_s"] < RTO_BOUND_S
    # Async: only writes still in flight to the others are lost, never older.
    assert r["rpo_s"] < 1.0


def test_drill_pilot_light_semi_sync_loses_nothing():
    r = dr.drill_replicated("pilot-light", write="semi-sync 1", settle_s=1.0)
    report(r)
    assert r["rpo_writes"] == 0 and r["rto_s"] < RTO_BOUND_S


def test_drill_backup_restore():
    r = dr.drill_backup_restore()
    report(r)
    assert r["took_over"] == "d"
    # Everything acknowledged before the newest backup started is back.
    assert r["rpo_s"] <= r["backup_age_s"] + 0.05
    # And the drill did lose the writes after it: the test measures something.
    assert r["rpo_writes"] > 0
    assert r["rto_s"] < 30.0
