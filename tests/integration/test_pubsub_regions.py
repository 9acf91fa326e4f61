"""Pub/sub across regions, real processes under emulated WAN latency: a
message published in one region reaches the subscribers of every region
about one one-way delay later, each publisher's messages in order and
each once; PUBLISH counts the subscribers of its own region."""

import time

import pytest

from lib.cluster import THREE_REGION_WAN, THREE_REGIONS, running
from lib.harness import wait_until
from lib.resp import encode_command


@pytest.fixture(scope="module")
def regions():
    with running(names=THREE_REGIONS, wan=THREE_REGION_WAN) as c:
        yield c


def subscribe(conn, *channels):
    conn.send_raw(encode_command("SUBSCRIBE", *channels))
    return [conn.read() for _ in channels]


def test_a_message_reaches_every_region_after_one_one_way_delay(regions):
    ap, eu, us = regions["ap"].conn(), regions["eu"].conn(), regions["us"].conn()
    subscribe(ap, "alerts")
    subscribe(eu, "alerts")
    local = regions["us"].conn()
    subscribe(local, "alerts")
    start = time.monotonic()
    assert us.call("PUBLISH", "alerts", "fire") == 1  # the subscribers of us-east
    assert local.read(timeout=5) == [b"message", b"alerts", b"fire"]
    assert ap.read(timeout=5) == [b"message", b"alerts", b"fire"]
    ap_after = time.monotonic() - start
    assert eu.read(timeout=5) == [b"message", b"alerts", b"fire"]
    # us-ap one way is 100 ms: the message travels once, not through a round trip
    assert 0.09 <= ap_after < 0.6, ap_after


def test_each_publishers_messages_arrive_in_order_and_once(regions):
    ap = regions["ap"].conn()
    subscribe(ap, "seq")
    us, eu = regions["us"].conn(), regions["eu"].conn()
    for i in range(200):
        us.send_raw(encode_command("PUBLISH", "seq", "us-%d" % i))
        eu.send_raw(encode_command("PUBLISH", "seq", "eu-%d" % i))
    for c in (us, eu):
        assert [c.read() for _ in range(200)] == [0] * 200
    got = [ap.read(timeout=10)[2].decode() for _ in range(400)]
    assert [g for g in got if g.startswith("us-")] == ["us-%d" % i for i in range(200)]
    assert [g for g in got if g.startswith("eu-")] == ["eu-%d" % i for i in range(200)]
    # nothing more (no duplicate) once both streams are complete
    regions["us"].conn().call("PUBLISH", "seq", "end")
    assert ap.read(timeout=5)[2] == b"end"


def test_patterns_and_shard_channels_cross_regions_too(regions):
    eu = regions["eu"].conn()
    eu.send_raw(encode_command("PSUBSCRIBE", "metrics.*"))
    eu.read()
    eu.send_raw(encode_command("SSUBSCRIBE", "orders"))
    eu.read()
    ap = regions["ap"].conn()
    assert ap.call("PUBLISH", "metrics.cpu", "93") == 0
    assert eu.read(timeout=5) == [b"pmessage", b"metrics.*", b"metrics.cpu", b"93"]
    assert ap.call("SPUBLISH", "orders", "o-1") == 0
    assert eu.read(timeout=5) == [b"smessage", b"orders", b"o-1"]
    wait_until(lambda: regions["eu"].conn().call("PUBSUB", "NUMPAT") == 1, desc="pattern counted")


def test_keyspace_notifications_for_local_and_replicated_writes(regions):
    ap, us = regions["ap"].conn(), regions["us"].conn()
    # each region publishes what its own settings ask for: ap wants list and
    # expiry events on keyevent channels, us keyspace channels of every class
    assert ap.call("CONFIG", "SET", "notify-keyspace-events", "Elx") == "OK"
    assert us.call("CONFIG", "SET", "notify-keyspace-events", "KA") == "OK"
    ap_sub, us_sub = regions["ap"].conn(), regions["us"].conn()
    for c in (ap_sub, us_sub):
        c.send_raw(encode_command("PSUBSCRIBE", "__key*__:*"))
        c.read()
    try:
        us.call("RPUSH", "ks:jobs", "a")
        us.call("SET", "ks:flag", "1")
        start = time.monotonic()
        # the writing region's own subscribers first
        assert us_sub.read(timeout=5)[2:] == [b"__keyspace@0__:ks:jobs", b"rpush"]
        assert us_sub.read(timeout=5)[2:] == [b"__keyspace@0__:ks:flag", b"set"]
        # ap hears the replicated RPUSH (a list event), not the SET
        assert ap_sub.read(timeout=5)[2:] == [b"__keyevent@0__:rpush", b"ks:jobs"]
        assert 0.09 <= time.monotonic() - start < 0.6
        # a write in ap (LPOP emptying the list) notifies us too, with its "del"
        wait_until(lambda: ap.call("EXISTS", "ks:flag") == 1, desc="the SET in ap")
        assert ap.call("LPOP", "ks:jobs") == b"a"
        assert ap_sub.read(timeout=5)[2:] == [b"__keyevent@0__:lpop", b"ks:jobs"]
        assert us_sub.read(timeout=5)[2:] == [b"__keyspace@0__:ks:jobs", b"lpop"]
        assert us_sub.read(timeout=5)[2:] == [b"__keyspace@0__:ks:jobs", b"del"]
        # an expiry is an "expired" event (class x) wherever it is applied
        us.call("SET", "ks:short", "v", "PX", "50")
        assert us_sub.read(timeout=5)[2:] == [b"__keyspace@0__:ks:short", b"set"]
        assert us_sub.read(timeout=5)[2:] == [b"__keyspace@0__:ks:short", b"expire"]
        assert ap_sub.read(timeout=5)[2:] == [b"__keyevent@0__:expired", b"ks:short"]
    finally:
        ap.call("CONFIG", "SET", "notify-keyspace-events", "")
        us.call("CONFIG", "SET", "notify-keyspace-events", "")
