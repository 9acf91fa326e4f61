"""Conflict policies with real processes: three regions whose links are
slowed to 2 s round trips, so writes made in every region within a few
milliseconds are concurrent; after they meet, every region shows the
policy's documented winner and the conflict feed lists what was discarded
(HyperLogLogs: the union of every region's elements under every policy)."""

import subprocess

import pytest
import redis

from lib import harness
from lib.cluster import Cluster

SLOW = [("a", "b", 2000), ("a", "c", 2000), ("b", "c", 2000)]


@pytest.fixture
def cluster():
    made = []

    def make(keyspaces=(), **kw):
        # health checks must come back over the slow links
        kw.setdefault("failover", {"check_timeout_ms": 3000})
        c = Cluster(wan=SLOW, keyspaces=keyspaces, **kw)
        made.append(c)
        c.start()
        c.wait_linked()
        return c

    yield make
    for c in made:
        c.cleanup()


def write_everywhere(c, key):
    """SET key in a, then b, then c (so a's write is the earliest by HLC and
    c's the latest), before any of them can reach another region."""
    for n in ("a", "b", "c"):
        assert c.client(n).set(key, "from-" + n)


def converged_value(c, key, want):
    for n in c.names:
        harness.wait_until(lambda n=n: c.client(n).get(key) == want, timeout=15,
                           desc="%s shows %r in %s" % (key, want, n))


def discarded_in_feed(c, region, key):
    return sorted(e["discarded"]["value"] for e in c.conflicts(region)["conflicts"]
                  if e["key"] == key)


def test_lww_keeps_the_latest_write_and_feeds_the_others(cluster):
    c = cluster([{"pattern": "settings:*", "conflict": "lww"}])
    write_everywhere(c, "settings:theme")
    converged_value(c, "settings:theme", b"from-c")
    # a saw its own write lose to b's, then b's lose to c's
    harness.wait_until(lambda: discarded_in_feed(c, "a", "settings:theme") == ["from-a", "from-b"])
    feed = c.client("a").execute_command("MR.CONFLICTS")
    assert any(b"settings:theme" in e and b"lww" in e for e in feed)
    assert int(c.info("a")["conflicts_lww"]) >= 2


def test_fww_keeps_the_earliest_write(cluster):
    c = cluster([{"pattern": "seat:*", "conflict": "fww"}])
    write_everywhere(c, "seat:12A")
    converged_value(c, "seat:12A", b"from-a")
    for n in c.names:
        harness.wait_until(lambda n=n: discarded_in_feed(c, n, "seat:12A") and
                           set(discarded_in_feed(c, n, "seat:12A")) == {"from-b", "from-c"},
                           timeout=15, desc="feed of %s" % n)
    # a later write by the winner, having seen the others, replaces them all
    c.client("a").set("seat:12A", "from-a-confirmed")
    converged_value(c, "seat:12A", b"from-a-confirmed")


def test_region_priority_keeps_the_highest_priority_region(cluster):
    c = cluster([{"pattern": "price:*", "conflict": "region-priority",
                  "priority": ["b", "c", "a"]}])
    write_everywhere(c, "price:sku1")
    converged_value(c, "price:sku1", b"from-b")
    harness.wait_until(lambda: set(discarded_in_feed(c, "c", "price:sku1")) == {"from-a", "from-c"})
    # redis-cli sees the same
    out = subprocess.run(["redis-cli", "-p", str(c["a"].port), "GET", "price:sku1"],
                         capture_output=True, text=True, timeout=10)
    assert out.stdout.strip() == "from-b"


def test_siblings_keep_every_concurrent_version_until_the_application_resolves(cluster):
    c = cluster([{"pattern": "doc:*", "conflict": "siblings"}])
    write_everywhere(c, "doc:1")

    def siblings(n):
        try:
            c.client(n).get("doc:1")
            return None
        except redis.ResponseError as e:
            return str(e)

    for n in c.names:
        msg = harness.wait_until(lambda n=n: siblings(n) and "has 3" in siblings(n) and
                                 siblings(n), timeout=15)
        assert "concurrent values: read them with MR.GETALL" in msg
    got = c.client("b").execute_command("MR.GETALL", "doc:1")
    context, values = got[0], sorted(got[1:])
    assert values == [b"from-a", b"from-b", b"from-c"]
    assert c.client("b").execute_command("MR.SET", "doc:1", "merged", "CONTEXT", context) == b"OK"
    # a retry of the same write adds no sibling
    assert c.client("b").execute_command("MR.SET", "doc:1", "merged", "CONTEXT", context) == b"OK"
    converged_value(c, "doc:1", b"merged")
    assert c.client("a").execute_command("MR.GETALL", "doc:1")[1:] == [b"merged"]
    assert discarded_in_feed(c, "a", "doc:1") == []  # siblings discard nothing


def test_crdt_merges_counters_sets_and_carts(cluster):
    c = cluster()  # crdt is the default
    for i, n in enumerate(c.names):
        r = c.client(n)
        r.incrby("likes", i + 1)
        r.sadd("likers", "user-" + n)
        r.hincrby("cart:9", "apple", 1)
        r.hset("cart:9", "note-" + n, "x")
    for n in c.names:
        r = c.client(n)
        harness.wait_until(lambda r=r: r.get("likes") == b"6", timeout=15)
        harness.wait_until(lambda r=r: r.scard("likers") == 3)
        harness.wait_until(lambda r=r: r.hget("cart:9", "apple") == b"3")
        assert r.hlen("cart:9") == 4
    # DEL is observed-remove: an increment made concurrently elsewhere survives
    c.client("a").delete("likes")
    c.client("c").incr("likes")
    for n in c.names:
        harness.wait_until(lambda n=n: c.client(n).get("likes") == b"1", timeout=15)


def test_hyperloglogs_merge_by_register_maximum_under_every_policy(cluster):
    """Every region PFADDs its own (overlapping) elements at once, under each
    policy: each region ends with the count of the union, exactly the number
    redis-server gives for all the elements in one HLL."""
    policies = ["lww", "fww", "siblings"]
    c = cluster([{"pattern": p + ":*", "conflict": p} for p in policies])
    keys = ["visits"] + [p + ":visits" for p in policies]
    added = []
    for i, n in enumerate(c.names):
        elements = ["user:%d" % j for j in range(i * 2000, i * 2000 + 3000)]
        added += elements
        for k in keys:
            assert c.client(n).pfadd(k, *elements) == 1
    # a PFMERGE raises the destination's registers to the sources' in each region
    for n in c.names:
        assert c.client(n).pfmerge("merged", "visits", "lww:visits")
    ref = harness.RedisServer()
    try:
        ref.start()
        r = redis.Redis(port=ref.port)
        for i in range(0, len(added), 1000):
            r.pfadd("all", *added[i:i + 1000])
        want = r.pfcount("all")
    finally:
        ref.cleanup()
    assert 6500 < want < 7500
    for n in c.names:
        for k in keys + ["merged"]:
            harness.wait_until(lambda n=n, k=k: c.client(n).pfcount(k) == want, timeout=20,
                               desc="PFCOUNT %s in %s is %d" % (k, n, want))
