"""Streams across regions, real processes under emulated WAN latency
(docs/conflicts/streams.md): ids made in different regions at the same time
never collide and carry the region's id, every region ends with the same
entries in the same order, XDEL / XTRIM / an emptied stream replicate, and
XREAD BLOCK in one region is woken by an XADD in another about one one-way
delay later, and so is XREADGROUP BLOCK, whose delivery then moves the
group on in every region."""

import threading
import time

import pytest

from lib.cluster import THREE_REGION_WAN, THREE_REGIONS, running
from lib.harness import wait_until
from lib.resp import NULL_ARRAY, Err, encode_command

REGION_IDS = {name: i + 1 for i, name in enumerate(THREE_REGIONS)}  # as cluster.py numbers them


@pytest.fixture(scope="module")
def regions():
    with running(names=THREE_REGIONS, wan=THREE_REGION_WAN) as c:
        yield c


def parse_id(raw):
    ms, seq = raw.decode().split("-")
    return int(ms), int(seq)


def test_concurrent_xadds_in_every_region_never_collide_and_end_in_one_order(regions):
    per_region = 150
    added = {}

    def writer(name):
        conn = regions[name].conn()
        added[name] = [conn.call("XADD", "events", "*", "from", name, "n", str(i))
                       for i in range(per_region)]

    threads = [threading.Thread(target=writer, args=(n,)) for n in THREE_REGIONS]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    for name, ids in added.items():
        assert len(ids) == per_region
        # a region's own ids end in its region id, and rise
        assert all(parse_id(i)[1] % 100000 == REGION_IDS[name] for i in ids), ids[:3]
        assert [parse_id(i) for i in ids] == sorted(parse_id(i) for i in ids)
    every = {i for ids in added.values() for i in ids}
    assert len(every) == 3 * per_region  # no two regions made the same id
    total = 3 * per_region
    conns = {n: regions[n].conn() for n in THREE_REGIONS}
    wait_until(lambda: all(c.call("XLEN", "events") == total for c in conns.values()),
               timeout=30, desc="every region holds every entry")
    ranges = {n: c.call("XRANGE", "events", "-", "+") for n, c in conns.items()}
    assert ranges["us"] == ranges["eu"] == ranges["ap"]
    ids = [e[0] for e in ranges["us"]]
    assert set(ids) == every
    assert [parse_id(i) for i in ids] == sorted(parse_id(i) for i in ids)
    # each entry holds what its region wrote
    for entry_id, fields in ranges["us"]:
        origin = fields[1].decode()
        assert parse_id(entry_id)[1] % 100000 == REGION_IDS[origin]


def test_xread_block_in_one_region_is_woken_by_an_xadd_in_another(regions):
    eu, us = regions["eu"].conn(), regions["us"].conn()
    eu.send_raw(encode_command("XREAD", "BLOCK", "10000", "STREAMS", "feed", "$"))
    wait_until(lambda: "blocked_clients:1" in eu_info(regions), desc="the reader blocked in eu")
    start = time.monotonic()
    new_id = us.call("XADD", "feed", "*", "k", "v")
    reply = eu.read(timeout=5)
    took = time.monotonic() - start
    assert reply == [[b"feed", [[new_id, [b"k", b"v"]]]]]
    # us-eu is 100 ms round trip: the entry travels once
    assert 0.04 <= took < 0.5, took


def test_xreadgroup_block_in_one_region_is_woken_by_an_xadd_in_another(regions):
    eu, us = regions["eu"].conn(), regions["us"].conn()
    assert us.call("XGROUP", "CREATE", "jobs", "g", "$", "MKSTREAM") == "OK"
    wait_until(lambda: eu.call("EXISTS", "jobs") == 1, desc="the group's stream in eu")
    eu.send_raw(encode_command("XREADGROUP", "GROUP", "g", "worker", "BLOCK", "10000",
                               "STREAMS", "jobs", ">"))
    wait_until(lambda: "blocked_clients:1" in eu_info(regions), desc="the worker blocked in eu")
    start = time.monotonic()
    new_id = us.call("XADD", "jobs", "*", "task", "t1")
    reply = eu.read(timeout=5)
    took = time.monotonic() - start
    assert reply == [[b"jobs", [[new_id, [b"task", b"t1"]]]]]
    assert 0.04 <= took < 0.5, took
    # the delivery and its pending entry reach us-east: nothing is new there
    wait_until(lambda: us.call("XPENDING", "jobs", "g")[0] == 1, desc="the pending entry in us")
    assert us.call("XREADGROUP", "GROUP", "g", "other", "STREAMS", "jobs", ">") == NULL_ARRAY
    assert us.call("XACK", "jobs", "g", new_id) == 1
    wait_until(lambda: eu.call("XPENDING", "jobs", "g")[0] == 0, desc="the ack in eu")


def eu_info(regions):
    info = regions["eu"].conn().call("INFO", "clients")
    return info.decode() if isinstance(info, bytes) else str(info)


def test_xdel_xtrim_and_an_emptied_stream_replicate(regions):
    us, ap = regions["us"].conn(), regions["ap"].conn()
    for i in range(1, 6):
        assert us.call("XADD", "log", "%d-1" % i, "n", str(i)) == b"%d-1" % i
    wait_until(lambda: ap.call("XLEN", "log") == 5, desc="ap holds the five entries")
    assert ap.call("XTRIM", "log", "MAXLEN", "3") == 2
    assert ap.call("XDEL", "log", "5-1") == 1
    wait_until(lambda: us.call("XLEN", "log") == 2, desc="the trim and the delete reached us")
    assert [e[0] for e in us.call("XRANGE", "log", "-", "+")] == [b"3-1", b"4-1"]
    assert us.call("XDEL", "log", "3-1", "4-1") == 2
    wait_until(lambda: ap.call("XLEN", "log") == 0, desc="the emptying XDEL reached ap")
    # emptied, the stream stays, as in Redis, and keeps its last id
    assert ap.call("EXISTS", "log") == 1
    assert ap.call("TYPE", "log") == "stream"
    err = ap.call("XADD", "log", "5-1", "n", "again")
    assert isinstance(err, Err) and "equal or smaller than the target stream top item" in err, err


def test_an_xadd_after_a_del_in_another_region_makes_a_fresh_stream(regions):
    eu, ap = regions["eu"].conn(), regions["ap"].conn()
    eu.call("XADD", "tmp", "1-1", "a", "1")
    wait_until(lambda: ap.call("XLEN", "tmp") == 1, desc="ap holds the entry")
    assert ap.call("DEL", "tmp") == 1
    wait_until(lambda: eu.call("EXISTS", "tmp") == 0, desc="the DEL reached eu")
    assert eu.call("XADD", "tmp", "2-1", "b", "2") == b"2-1"
    wait_until(lambda: ap.call("XRANGE", "tmp", "-", "+") == [[b"2-1", [b"b", b"2"]]],
               desc="only the new entry, everywhere")
