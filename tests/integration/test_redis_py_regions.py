"""redis-py, unchanged, against a three-region cluster of real processes:
its transactional pipeline(), transaction() with WATCH, register_script,
pubsub() with get_message and listen, blpop, and a stream consumer group
(xgroup_create, xreadgroup, xack, xpending, xautoclaim), each used in one
region with the result checked in another."""

import pytest

from lib.cluster import THREE_REGION_WAN, THREE_REGIONS, running
from lib.harness import wait_until


@pytest.fixture(scope="module")
def regions():
    with running(names=THREE_REGIONS, wan=THREE_REGION_WAN) as c:
        yield c


def client(regions, name):
    import redis

    s = regions[name]
    return redis.Redis(host=s.host, port=s.port, decode_responses=True)


def test_pipeline_and_transaction(regions):
    us, eu = client(regions, "us"), client(regions, "eu")
    with us.pipeline() as p:
        p.set("py:a", 1).incr("py:a").rpush("py:l", "x", "y").lrange("py:l", 0, -1)
        assert p.execute() == [True, 2, 2, ["x", "y"]]

    def double(pipe):
        v = int(pipe.get("py:a"))
        pipe.multi()
        pipe.set("py:a", v * 2)

    us.transaction(double, "py:a")
    wait_until(lambda: eu.get("py:a") == "4", desc="the transaction reached eu")


def test_register_script(regions):
    us, ap = client(regions, "us"), client(regions, "ap")
    take = us.register_script(
        "local n = tonumber(redis.call('GET', KEYS[1]) or '0') "
        "if n < tonumber(ARGV[1]) then return 0 end "
        "redis.call('DECRBY', KEYS[1], ARGV[1]) redis.call('RPUSH', KEYS[2], ARGV[1]) return 1")
    us.set("py:stock", 5)
    assert [take(keys=["py:stock", "py:orders"], args=[2]) for _ in range(3)] == [1, 1, 0]
    wait_until(lambda: ap.lrange("py:orders", 0, -1) == ["2", "2"], desc="orders in ap")
    assert ap.get("py:stock") == "1"
    # the script cache is per region: redis-py falls back to EVAL by itself
    take_ap = ap.register_script(take.script)
    assert take_ap(keys=["py:stock", "py:orders"], args=[1]) == 1


def test_pubsub_get_message_and_listen(regions):
    eu, us = client(regions, "eu"), client(regions, "us")
    sub = eu.pubsub()
    sub.subscribe("py:news")
    assert sub.get_message(timeout=5)["type"] == "subscribe"
    us.publish("py:news", "hello")
    msg = sub.get_message(timeout=5)
    assert (msg["type"], msg["channel"], msg["data"]) == ("message", "py:news", "hello")
    us.publish("py:news", "again")
    for m in sub.listen():
        assert m["data"] == "again"
        break
    sub.close()


def test_blpop(regions):
    ap, us = client(regions, "ap"), client(regions, "us")
    # redis-py's blpop timeout is in seconds; the push comes from us-east
    us.rpush("py:jobs", "j1")
    assert ap.blpop(["py:none", "py:jobs"], timeout=5) in (("py:jobs", "j1"), ["py:jobs", "j1"])


def test_stream_consumer_group(regions):
    us, eu = client(regions, "us"), client(regions, "eu")
    us.xgroup_create("py:events", "workers", id="0", mkstream=True)
    ids = [eu.xadd("py:events", {"n": str(i)}) for i in range(4)]
    wait_until(lambda: us.xlen("py:events") == 4, desc="eu's entries in us")
    got = us.xreadgroup("workers", "w1", {"py:events": ">"}, count=3)
    assert [(i, f) for i, f in got[0][1]] == [(ids[k], {"n": str(k)}) for k in range(3)]
    assert us.xack("py:events", "workers", ids[0], ids[1]) == 2
    # the group's progress, its pending entry and the acks replicate
    wait_until(lambda: eu.xpending("py:events", "workers")["pending"] == 1,
               desc="one pending entry in eu")
    assert eu.xinfo_groups("py:events")[0]["last-delivered-id"] == ids[2]
    # eu's consumer goes on after what us delivered, and takes over w1's
    # entry (XAUTOCLAIM with no minimum idle time takes every pending one)
    rest = eu.xreadgroup("workers", "w2", {"py:events": ">"}, block=2000)
    assert [i for i, _ in rest[0][1]] == [ids[3]]
    _cursor, claimed, _deleted = eu.xautoclaim("py:events", "workers", "w2", 0, "0-0")
    assert [i for i, _ in claimed] == [ids[2], ids[3]]
    assert {c["name"]: c["pending"] for c in eu.xinfo_consumers("py:events", "workers")} == {
        "w1": 0, "w2": 2}
    assert eu.xack("py:events", "workers", ids[2], ids[3]) == 2
    wait_until(lambda: us.xpending("py:events", "workers")["pending"] == 0,
               desc="nothing pending in us")
