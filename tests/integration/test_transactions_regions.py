"""Transactions and scripts across regions, real processes under emulated
WAN latency: a transaction or a script replicates as one unit (no other
region ever shows part of it, even when its records span several
messages), a WATCH is aborted by a
write replicated from another region, and a write mode chosen before MULTI
holds EXEC's reply until the other regions have the whole transaction."""

import threading
import time

import pytest

from lib.cluster import THREE_REGION_WAN, THREE_REGIONS, running
from lib.harness import wait_until
from lib.resp import NULL_ARRAY, encode_command

KEYS = ["tx:%02d" % i for i in range(50)]


@pytest.fixture(scope="module")
def regions():
    with running(names=THREE_REGIONS, wan=THREE_REGION_WAN) as c:
        yield c


SET_ALL = "for i, k in ipairs(KEYS) do redis.call('SET', k, ARGV[1]) end return #KEYS"


def write_batches(us, i, pad, via):
    """One transaction (MULTI ... EXEC) or one script setting all KEYS."""
    value = "t%02d|%s" % (i, pad)
    if via == "script":
        assert us.call("EVAL", SET_ALL, len(KEYS), *KEYS, value) == len(KEYS)
        return
    us.send_raw(encode_command("MULTI"))
    for k in KEYS:
        us.send_raw(encode_command("SET", k, value))
    us.send_raw(encode_command("EXEC"))
    assert us.read() == "OK"
    assert [us.read() for _ in KEYS] == ["QUEUED"] * len(KEYS)
    assert us.read() == ["OK"] * len(KEYS)


@pytest.mark.parametrize("via", ["transaction", "script"])
def test_50_keys_written_together_are_never_seen_half_applied(regions, via):
    # 8 KB values: each unit's records (400 KB) span several messages
    pad = "x" * 8192 + via
    seen, problems = set(), []
    done = threading.Event()

    def reader():
        c = regions["ap"].conn()
        while not done.is_set():
            values = c.call("MGET", *KEYS)
            tags = {v if v else None for v in values}
            if len(tags) != 1:
                problems.append(sorted(str(t)[:4] for t in tags))
            seen.update(tags)

    t = threading.Thread(target=reader)
    t.start()
    try:
        us = regions["us"].conn()
        for i in range(30):
            write_batches(us, i, pad, via)
        ap = regions["ap"].conn()
        wait_until(lambda: ap.call("GET", KEYS[-1]) == ("t29|" + pad).encode(), timeout=30,
                   desc="the last unit reached ap")
    finally:
        done.set()
        t.join(30)
    assert not problems, problems[:5]
    # the reader polled while units arrived (it saw several of them)
    assert len(seen) >= 3, len(seen)


def test_a_replicated_write_aborts_a_watch(regions):
    eu, us = regions["eu"].conn(), regions["us"].conn()
    assert eu.call("SET", "watched", "1") == "OK"
    wait_until(lambda: us.call("GET", "watched") == b"1", desc="value in us")
    assert eu.call("WATCH", "watched") == "OK"
    assert us.call("SET", "watched", "2") == "OK"
    other = regions["eu"].conn()
    wait_until(lambda: other.call("GET", "watched") == b"2", desc="us write applied in eu")
    assert eu.call("MULTI") == "OK"
    assert eu.call("INCR", "watched") == "QUEUED"
    assert eu.call("EXEC") is NULL_ARRAY
    assert other.call("GET", "watched") == b"2"
    # without a change in between it commits
    assert eu.call("WATCH", "watched") == "OK"
    assert eu.call("MULTI") == "OK"
    assert eu.call("INCR", "watched") == "QUEUED"
    assert eu.call("EXEC") == [3]


def test_a_sync_transaction_answers_once_every_region_has_it(regions):
    us = regions["us"].conn()
    assert us.call("MR.ONCE", "SYNC", "MULTI") == "OK"
    for i in range(5):
        assert us.call("SET", "sync:%d" % i, "v") == "QUEUED"
    start = time.monotonic()
    assert us.call("EXEC") == ["OK"] * 5
    took = time.monotonic() - start
    for name in ("eu", "ap"):
        assert regions[name].conn().call("EXISTS", *["sync:%d" % i for i in range(5)]) == 5
    # us-ap is 200 ms away: EXEC waited for its acknowledgement
    assert took >= 0.19, took
    # without a mode the transaction is async: it replies and arrives later
    assert us.call("MULTI") == "OK"
    assert us.call("SET", "async:0", "v") == "QUEUED"
    assert us.call("EXEC") == ["OK"]
    ap = regions["ap"].conn()
    wait_until(lambda: ap.call("EXISTS", "async:0") == 1, desc="the async transaction in ap")
