"""redis-py, unchanged, against a three-region cluster of real processes:
its transactional pipeline(), transaction() with WATCH, register_script,
pubsub() with get_message and listen, and blpop, each used in one region
with the result checked in another."""

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
