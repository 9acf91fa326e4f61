"""Multi-region replication with real processes: three `meridian server`
regions linked over authenticated TCP, real clients (python3-redis,
redis-cli), kill -9 and restarts, WAN emulation for stale regions."""

import subprocess
import time

import pytest
import redis

from lib import harness
from lib.cluster import Cluster


@pytest.fixture
def cluster(request):
    made = []

    def make(**kw):
        c = Cluster(**kw)
        made.append(c)
        return c.start()

    yield make
    for c in made:
        c.cleanup()


def converged(c, names=None):
    names = names or c.names
    dumps = [c.dump(n) for n in names]
    return all(d == dumps[0] for d in dumps[1:]) and dumps[0]


def test_write_in_one_region_read_in_all(cluster):
    c = cluster()
    c.wait_linked()
    a = c.client("a")
    assert a.set("greeting", "hello")
    assert a.sadd("likers", "ann", "bob") == 2
    assert a.hset("cart:1", mapping={"apple": 2, "pear": 1}) == 2
    for n in ("b", "c"):
        r = c.client(n)
        assert harness.wait_until(lambda r=r: r.get("greeting"), timeout=10) == b"hello"
        harness.wait_until(lambda r=r: r.scard("likers") == 2, timeout=10)
        harness.wait_until(lambda r=r: r.hgetall("cart:1") == {b"apple": b"2", b"pear": b"1"})
    # Redis tooling sees it too.
    out = subprocess.run(["redis-cli", "-p", str(c["c"].port), "GET", "greeting"],
                         capture_output=True, text=True, timeout=10)
    assert out.stdout.strip() == "hello"
    # Deletes replicate as well.
    assert a.delete("greeting") == 1
    harness.wait_until(lambda: c.client("c").exists("greeting") == 0, timeout=10)


def test_killed_region_catches_up_after_restart(cluster):
    c = cluster()
    c.wait_linked()
    a, b = c.client("a"), c.client("b")
    a.set("before", "1")
    harness.wait_until(lambda: c.client("c").get("before") == b"1")
    c["c"].kill9()
    for i in range(300):
        a.set("k%d" % i, "a%d" % i)
        b.incr("counter")
        if i % 10 == 0:
            b.sadd("s", i)
    # a write under semi-sync 2 cannot be confirmed while c is down: the
    # error says it is committed and where
    with pytest.raises(redis.ResponseError) as e:
        a.execute_command("MR.ONCE", "SEMI-SYNC", "2", "300", "SET", "during", "down")
    assert "committed locally (a) and on 1 of the 2 other regions" in str(e.value)
    c["c"].restart()
    harness.wait_until(lambda: converged(c), timeout=30, desc="c catches up")
    d = c.dump("c")
    assert d[b"k299"] == b"a299" and d[b"counter"] == b"300" and d[b"during"] == b"down"
    assert len(d[b"s"]) == 30
    # c caught up from the log, not a snapshot
    assert int(c.info("c")["snapshots_applied"]) == 0
    assert int(c.info("c")["records_applied"]) >= 600


def test_truncated_log_forces_a_full_resync(cluster):
    c = cluster(replication={"log_retention_ops": 0, "log_max_ops": 50})
    c.wait_linked()
    a = c.client("a")
    a.set("old", "x")
    harness.wait_until(lambda: converged(c))
    c["c"].stop()
    for i in range(200):
        a.set("k%d" % i, i)
    a.delete("old")
    a.hset("h", mapping={"f%d" % i: i for i in range(50)})
    # a's log no longer holds what c needs
    harness.wait_until(lambda: int(c.info("a")["log_first_seq"]) > 10, desc="log truncated")
    c["c"].start()
    harness.wait_until(lambda: converged(c), timeout=30, desc="c resyncs")
    assert int(c.info("c")["snapshots_applied"]) >= 1
    assert c.client("c").exists("old") == 0
    assert c.client("c").hlen("h") == 50


def test_quorum_read_returns_the_newest_value_and_repairs(cluster):
    # c is 1.5 s (one way) from a and b: locally it is stale for a while.
    c = cluster(wan=[("a", "c", 3000), ("b", "c", 20), ("a", "b", 20)],
                failover={"check_timeout_ms": 4000})
    c.wait_linked()
    a, r = c.client("a"), c.client("c")
    a.set("price", "old")
    harness.wait_until(lambda: r.get("price") == b"old", timeout=10)
    a.set("price", "new")
    # b has it after 10 ms; c will not for 1.5 s
    harness.wait_until(lambda: c.client("b").get("price") == b"new")
    assert r.get("price") == b"old"  # a local read is stale
    start = time.monotonic()
    assert r.execute_command("MR.ONCE", "QUORUM", "GET", "price") == b"new"
    assert time.monotonic() - start < 1.0  # c + b are a majority
    assert r.get("price") == b"new"  # and c was repaired
    assert int(c.info("c")["records_applied"]) >= 1


def test_session_read_in_a_remote_region_sees_the_sessions_own_write(cluster):
    c = cluster(wan=[("a", "c", 600), ("b", "c", 600), ("a", "b", 20)],
                failover={"check_timeout_ms": 1000})
    c.wait_linked()
    w = c.client("a")
    w.set("profile", "v1")
    token = w.execute_command("MR.TOKEN").decode()
    assert token.startswith("1:")
    r = c.client("c")
    # the travelling user reads in c right away: the read waits for the write
    assert r.execute_command("MR.ONCE", "SESSION", token, "GET", "profile") == b"v1"
    # a connection-level session token works the same way
    w.set("profile", "v2")
    token = w.execute_command("MR.TOKEN").decode()
    assert r.execute_command("MR.READ", "SESSION", token) == b"OK"
    assert r.get("profile") == b"v2"
    # a token no region has yet: a clear error after the timeout
    with pytest.raises(redis.ResponseError) as e:
        r.execute_command("MR.ONCE", "SESSION", "1:999999", "200", "GET", "profile")
    assert "has not yet applied the session's writes" in str(e.value)


def test_sync_and_wait_and_leader_reads(cluster):
    c = cluster()
    c.wait_linked()
    b = c.client("b")
    assert b.execute_command("MR.ONCE", "SYNC", "SET", "k", "v") == b"OK"
    # sync: every region has it the moment the reply arrives
    for n in c.names:
        assert c.client(n).get("k") == b"v"
    b.set("w", "1")
    assert b.execute_command("WAIT", 2, 5000) == 2
    assert c.client("c").execute_command("MR.ONCE", "LEADER", "GET", "w") == b"1"
    assert b.execute_command("MR.WRITE", "SEMI-SYNC", "1") == b"OK"
    assert b.execute_command("MR.WRITE") == b"semi-sync 1 5000"
    with pytest.raises(redis.ResponseError) as e:
        b.execute_command("MR.WRITE", "SEMI-SYNC", "3")
    assert "semi-sync 3 needs 3 other regions but the cluster has 2" in str(e.value)


def test_peer_with_a_wrong_secret_is_refused_and_nothing_it_sends_is_applied(cluster):
    c = Cluster()
    # c believes in another secret
    c["c"].config_text = c.render(secret="not-the-secret")
    try:
        c.start()
        c.client("c").set("from-c", "evil")
        c.client("a").set("from-a", "good")
        harness.wait_until(lambda: c.client("b").get("from-a") == b"good")
        # a and b count the refused handshakes and say so in their logs
        harness.wait_until(lambda: any(p["transport"]["auth_failures"] > 0
                                       for p in c.status("a")["peers"] if p["name"] == "c"),
                           timeout=15, desc="a refuses c")
        assert "peer authentication failed" in c["a"].log(64000)
        for n in ("a", "b"):
            assert c.client(n).get("from-c") is None
            link = [p for p in c.status(n)["peers"] if p["name"] == "c"][0]
            assert link["link"] == "down" and not link["transport"]["in_connected"]
        assert c.client("c").get("from-a") is None
        # control: with the right secret the same region's write does arrive
        c["c"].stop()
        c["c"].config_text = c.render()
        c["c"].start()
        harness.wait_until(lambda: c.client("a").get("from-c") == b"evil", timeout=15)
    finally:
        c.cleanup()


def test_info_replication_and_http_status_show_links_and_lag(cluster):
    c = cluster()
    c.wait_linked()
    c.client("a").set("x", "1")
    harness.wait_until(lambda: c.client("c").get("x") == b"1")
    info = c.info("a")
    assert info["region"] == "a" and info["region_role"] == "leader"
    assert info["peer0"]["name"] == "b" and info["peer0"]["link"] == "up"
    harness.wait_until(lambda: c.info("a")["peer1"]["lag_ops"] == 0)
    st = c.status("b")
    assert st["region"] == "b" and st["role"] == "follower" and st["leader"] == "a"
    assert {p["name"] for p in st["peers"]} == {"a", "c"}
    for p in st["peers"]:
        assert p["link"] == "up" and p["transport"]["out_connected"]
        assert "lag_ms" in p and "apply_lag_p99_ms" in p


def test_keyspace_default_write_mode(cluster):
    c = cluster(keyspaces=[{"pattern": "acct:*", "write": "sync", "write_timeout_ms": 300}])
    c.wait_linked()
    a = c.client("a")
    assert a.set("acct:1", "100") is True  # sync: all regions have it now
    for n in c.names:
        assert c.client(n).get("acct:1") == b"100"
    c["c"].kill9()
    with pytest.raises(redis.ResponseError) as e:
        a.set("acct:1", "90")  # sync cannot be met with c down
    assert str(e.value).startswith("NOTREPLICATED the write is committed locally (a) and on 1 "
                                   "of the 2 other regions sync requires after waiting 300 ms")
    assert a.set("other", "x") is True  # other keys keep the default, async
    # the connection's own choice overrides the keyspace default
    assert a.execute_command("MR.WRITE", "ASYNC") == b"OK"
    assert a.set("acct:2", "1") is True


def test_keyspace_default_read_level(cluster):
    # c is 1 s (one way) from the leader a
    c = cluster(keyspaces=[{"pattern": "profile:*", "read": "leader"}],
                wan=[("a", "c", 2000), ("a", "b", 20), ("b", "c", 20)],
                failover={"check_timeout_ms": 3000})
    c.wait_linked()
    c.client("a").set("profile:7", "fresh")
    r = c.client("c")
    assert r.execute_command("MR.ONCE", "LOCAL", "GET", "profile:7") is None  # stale here
    assert r.get("profile:7") == b"fresh"  # profile:* reads are answered by the leader
    assert r.execute_command("MR.READ") == b"local"  # other keys: the default


def test_a_region_added_to_the_topology_bootstraps_from_a_snapshot(cluster):
    c = Cluster(names=("a", "b", "c"), replication={"log_retention_ops": 0, "log_max_ops": 20})
    try:
        # a and b run as a two-region cluster first
        c.start_only(["a", "b"])
        c.wait_linked(names=["a", "b"])
        for i in range(100):
            c.client("a").set("k%d" % i, i)
            c.client("b").sadd("s", i)
        harness.wait_until(lambda: converged(c, ["a", "b"]), timeout=20)
        # now c joins: every region gets the three-region topology
        for n in ("a", "b"):
            c[n].stop()
        c.render_all()
        c.start()
        harness.wait_until(lambda: converged(c), timeout=30, desc="c bootstraps")
        assert len(c.dump("c")) == 101
        assert int(c.info("c")["snapshots_applied"]) >= 1
        c.client("c").set("from-c", "1")
        harness.wait_until(lambda: c.client("a").get("from-c") == b"1")
    finally:
        c.cleanup()
