"""Data sovereignty, byte by byte, with real processes. EU-homed keys are
written through every region (routed home) while replication, a full resync,
a failover of the home role inside the EU and backups happen. Then every
non-EU region is searched for the keys' names and values: the raw bytes of
every file under its directory (WAL, SST, logs, backups, config), and every
record of its databases (live and restored from its backups) read through
RocksDB itself (`meridian inspect`), since compressed table blocks hide
bytes from a plain search. Zero must be found; the same searches find them
in the EU regions (the searches work), and test_geo.py shows a leak made on
purpose is found."""

import json
import os
import subprocess
import tempfile
import urllib.request

import redis

from lib import harness
from lib.audit import files_containing, records as inspect
from lib.cluster import Cluster

KEY_MARK = "kq7z"  # in every EU key name
VALUE_MARK = "vx9w"  # in every EU value
EU, NON_EU = ("eu1", "eu2", "dreu"), ("us", "ap", "drus")


def restored_records(c, backup_dir):
    """Every record of the newest backup in `backup_dir`."""
    with tempfile.TemporaryDirectory() as tmp:
        out = subprocess.run([harness.meridian_bin(), "restore", "--config", c["us"].config_path,
                              "--region", "drus", "--backup-dir", backup_dir, "--data-dir", tmp],
                             capture_output=True, text=True, timeout=60)
        assert out.returncode == 0, out.stderr
        return inspect(os.path.join(tmp, "drus"))


def write_eu(r, i):
    r.set("user:eu:%s-%d" % (KEY_MARK, i), "%s-%d" % (VALUE_MARK, i))
    r.hset("user:eu:%s-h%d" % (KEY_MARK, i), "email", "%s-h%d" % (VALUE_MARK, i))


def test_eu_data_never_reaches_a_non_eu_region():
    c = Cluster(names=("us", "eu1", "eu2", "ap", "dreu", "drus"),
                jurisdictions={"us": "US", "eu1": "EU", "eu2": "EU", "ap": "IN", "dreu": "EU",
                               "drus": "US"},
                tiers={"dreu": "backup-restore", "drus": "backup-restore"},
                placement=[{"pattern": "user:eu:*", "home": "eu1", "allowed": ["EU"]}],
                replication={"log_retention_ops": 10, "log_max_ops": 40},
                failover={"check_interval_ms": 100, "check_timeout_ms": 200,
                          "failure_threshold": 3, "lease_ms": 500})
    try:
        c.start()
        c.wait_linked()
        i = 0
        # Through every region: the home runs them.
        for n in ("us", "eu1", "eu2", "ap"):
            r = c.client(n)
            for _ in range(10):
                write_eu(r, i)
                r.set("global:%d" % i, "g")
                i += 1

        # A full resync: two regions miss more than the log keeps.
        c["ap"].stop()
        c["eu2"].stop()
        us = c.client("us")
        for _ in range(60):
            write_eu(us, i)
            us.set("global:%d" % i, "g")
            i += 1
        c.start(["ap", "eu2"])
        last_eu, last_global = "user:eu:%s-%d" % (KEY_MARK, i - 1), "global:%d" % (i - 1)
        harness.wait_until(lambda: c.client("eu2").get(last_eu) is not None, timeout=20,
                           desc="eu2 resynced")
        harness.wait_until(lambda: c.client("ap").get(last_global) == b"g", timeout=20,
                           desc="ap resynced")
        for n in ("ap", "eu2"):
            assert int(c.client(n).info("replication")["snapshots_applied"]) >= 1

        # The home fails: eu2 takes the home role; writes keep coming from ap.
        c["eu1"].kill9()
        ap = c.client("ap", socket_timeout=5)

        def write_through_ap():
            try:
                write_eu(ap, 10_000)
                return True
            except redis.RedisError:
                return False
        harness.wait_until(write_through_ap, timeout=20, desc="eu2 acting as home")
        for _ in range(10):
            write_eu(ap, i)
            i += 1
        c.start(["eu1"])
        harness.wait_until(
            lambda: c.client("eu1").get("user:eu:%s-%d" % (KEY_MARK, i - 1)) is not None,
            timeout=20, desc="eu1 caught up with eu2's writes")

        # Backups everywhere: EU regions' go to dreu only.
        for n in ("us", "eu1", "eu2", "ap"):
            c.client(n).bgsave()
        harness.wait_until(lambda: all(int(c.client(n).info("persistence")["backups_ok"]) >= 1
                                       for n in ("us", "eu1", "eu2", "ap")), timeout=60)
        # Status pages, conflict feeds and INFO of non-EU regions say nothing either.
        for n in ("us", "ap"):
            pages = [c.client(n).execute_command("MR.CONFLICTS"),
                     json.dumps(c.client(n).info("all")),
                     c.client(n).execute_command("MR.FAILOVER", "STATUS")]
            for path in ("/status", "/conflicts", "/failover", "/history"):
                url = "http://127.0.0.1:%d%s" % (c[n].http_port, path)
                with urllib.request.urlopen(url, timeout=5) as page:
                    pages.append(page.read())
            for p in pages:
                text = p if isinstance(p, (bytes, str)) else json.dumps(p, default=str)
                text = text.decode() if isinstance(text, bytes) else text
                assert KEY_MARK not in text and VALUE_MARK not in text, (n, text[:200])
        assert sorted(os.listdir(c.backup_dir("drus"))) == ["ap", "us"]
        assert sorted(os.listdir(c.backup_dir("dreu"))) == ["ap", "eu1", "eu2", "us"]
        for n in ("us", "eu1", "eu2", "ap"):
            c[n].stop()

        for mark in (KEY_MARK, VALUE_MARK):
            # Nothing in any file of a non-EU region...
            for n in NON_EU:
                assert files_containing(c[n].tmpdir, mark) == [], (n, mark)
            # ...nor in any record of its databases, live or backed up.
            for n in ("us", "ap"):
                assert mark.encode() not in inspect(os.path.join(c[n].data_dir, n)), (n, mark)
                assert mark.encode() not in restored_records(
                    c, os.path.join(c.backup_dir("drus"), n)), (n, mark)
            # The same searches find it in the EU.
            for n in ("eu1", "eu2"):
                assert mark.encode() in inspect(os.path.join(c[n].data_dir, n)), (n, mark)
                assert mark.encode() in restored_records(
                    c, os.path.join(c.backup_dir("dreu"), n)), (n, mark)
    finally:
        c.cleanup()


def test_the_searches_find_a_leak_made_on_purpose():
    """The same searches, with the sovereignty filters of both regions
    turned off (MR.DEBUG, enable_debug only: the home's on what it sends,
    us's on what it receives): the EU key reaches the US region and both
    searches find it there."""
    c = Cluster(names=("us", "eu1"), jurisdictions={"us": "US", "eu1": "EU"},
                placement=[{"pattern": "user:eu:*", "home": "eu1", "allowed": ["EU"]}])
    try:
        c.start()
        c.wait_linked()
        c.client("eu1").execute_command("MR.DEBUG", "SOVEREIGNTY", "OFF")
        c.client("us").execute_command("MR.DEBUG", "SOVEREIGNTY", "OFF")
        write_eu(c.client("us"), 1)  # routed to eu1, which now replicates it to us
        harness.wait_until(lambda: files_containing(c["us"].tmpdir, VALUE_MARK), timeout=10,
                           desc="the leaked value in us's files")
        c["us"].stop()
        assert KEY_MARK.encode() in inspect(os.path.join(c["us"].data_dir, "us"))
        assert VALUE_MARK.encode() in inspect(os.path.join(c["us"].data_dir, "us"))
    finally:
        c.cleanup()


def test_a_region_refuses_records_it_may_not_hold():
    """A peer that sends what [[placement]] forbids (its filter off, as a
    region with another config or a bug would): the receiver refuses each
    such key, counts it (INFO, /status), logs why, and stores nothing of it,
    while the keys it may hold still replicate."""
    c = Cluster(names=("us", "eu1"), jurisdictions={"us": "US", "eu1": "EU"},
                placement=[{"pattern": "user:eu:*", "home": "eu1", "allowed": ["EU"]}])
    try:
        c.start()
        c.wait_linked()
        c.client("eu1").execute_command("MR.DEBUG", "SOVEREIGNTY", "OFF")
        eu, us = c.client("eu1"), c.client("us")
        for i in range(3):
            write_eu(eu, i)
        eu.set("shared:after", "1")
        harness.wait_until(lambda: us.get("shared:after") == b"1",
                           desc="a key us may hold, written after the EU ones")
        info = us.info("replication")
        assert info["keys_refused"] == 6, info
        assert c.status("us")["stats"]["keys_refused"] == 6
        assert "refused a key from region eu1" in c["us"].log(64000)
        assert us.keys("user:eu:*") == []
        c["us"].stop()
        assert not files_containing(c["us"].tmpdir, VALUE_MARK)
        assert not files_containing(c["us"].tmpdir, KEY_MARK)
        assert VALUE_MARK.encode() not in inspect(os.path.join(c["us"].data_dir, "us"))
    finally:
        c.cleanup()


def test_a_region_started_without_the_placement_rules_is_refused_at_the_link():
    """The issue's scenario: us started from a config without [[placement]]
    (so it would replicate EU keys anywhere). Both sides refuse the link
    naming the section, visible in INFO and /status, and nothing crosses."""
    rules = [{"pattern": "profile:DE:*", "home": "eu1", "allowed": ["EU"]}]
    c = Cluster(names=("us", "eu1"), jurisdictions={"us": "US", "eu1": "EU"}, placement=rules)
    c.placement = []
    c["us"].config_text = c.render()
    c.placement = rules
    try:
        c.start()
        want = "its config differs from this region's in [[placement]]"
        for n in ("us", "eu1"):
            harness.wait_until(lambda: want in c[n].log(64000), timeout=20,
                               desc="%s's log naming the differing section" % n)
        harness.wait_until(
            lambda: any(want in v for k, v in c.info("eu1").items() if k.endswith("_refused")),
            desc="the refusal in eu1's INFO replication")
        peer = c.status("eu1")["peers"][0]
        assert want in peer["transport"]["refused"] and peer["link"] != "up"
        assert "[[regions]]" not in peer["transport"]["refused"]
        # Refused again on every retry: the link never comes up.
        harness.wait_until(
            lambda: c.status("eu1")["peers"][0]["transport"]["auth_failures"] >= 3,
            desc="repeated refusals")
        assert all(p["link"] != "up" for n in ("us", "eu1") for p in c.status(n)["peers"])
    finally:
        c.cleanup()


def test_a_flushall_clears_only_what_its_region_may_hold():
    """FLUSHALL in us clears, in every region, the keys us may hold and
    leaves the EU-homed ones in the EU, also in an EU region that was down
    while it ran; FLUSHALL in eu1 clears them in both EU regions."""
    c = Cluster(names=("us", "eu1", "eu2"), jurisdictions={"us": "US", "eu1": "EU", "eu2": "EU"},
                placement=[{"pattern": "user:eu:*", "home": "eu1", "allowed": ["EU"]}])
    try:
        c.start()
        c.wait_linked()
        us, eu1 = c.client("us"), c.client("eu1")
        write_eu(us, 1)  # two EU keys, run at eu1
        us.set("global:1", "g")
        # DBSIZE counts what a region holds itself (a GET of an EU key is routed home).
        harness.wait_until(lambda: c.client("eu2").dbsize() == 3, desc="eu2 holds all three")
        assert us.dbsize() == 1
        c["eu2"].stop()
        assert us.flushall()
        harness.wait_until(lambda: eu1.dbsize() == 2, desc="the FLUSHALL reached eu1")
        assert us.dbsize() == 0 and eu1.get("global:1") is None
        assert eu1.get("user:eu:%s-1" % KEY_MARK) == ("%s-1" % VALUE_MARK).encode()
        assert eu1.hget("user:eu:%s-h1" % KEY_MARK, "email") == ("%s-h1" % VALUE_MARK).encode()
        c.start(["eu2"])
        eu2 = c.client("eu2")
        harness.wait_until(lambda: eu2.exists("global:1") == 0, desc="eu2 got the FLUSHALL")
        assert eu2.dbsize() == 2
        assert sorted(eu2.keys("*")) == sorted([("user:eu:%s-1" % KEY_MARK).encode(),
                                                ("user:eu:%s-h1" % KEY_MARK).encode()])
        # The EU's own FLUSHALL clears its keys in both EU regions.
        us.set("global:2", "g")
        harness.wait_until(lambda: eu2.dbsize() == 3, desc="global:2 in eu2")
        assert eu1.flushall()
        harness.wait_until(lambda: eu2.dbsize() == 0, desc="eu1's FLUSHALL in eu2")
        harness.wait_until(lambda: us.dbsize() == 0, desc="eu1's FLUSHALL in us")
        assert eu1.dbsize() == 0
    finally:
        c.cleanup()
