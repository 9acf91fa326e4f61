"""Blocking commands across regions, real processes under emulated WAN
latency: a client blocked in one region is woken by a write made in
another, once that write arrives (about one one-way delay later), and what
it pops is a write of its own region, replicated back."""

import time

import pytest

from lib.cluster import THREE_REGION_WAN, THREE_REGIONS, running
from lib.harness import wait_until
from lib.resp import NULL_ARRAY, encode_command


@pytest.fixture(scope="module")
def regions():
    with running(names=THREE_REGIONS, wan=THREE_REGION_WAN) as c:
        yield c


def test_blpop_in_one_region_is_woken_by_a_push_in_another(regions):
    eu, us = regions["eu"].conn(), regions["us"].conn()
    eu.send_raw(encode_command("BLPOP", "jobs", "10"))
    assert not eu.has_pending()
    start = time.monotonic()
    assert us.call("LPUSH", "jobs", "j1") == 1
    assert eu.read(timeout=5) == [b"jobs", b"j1"]
    took = time.monotonic() - start
    # us-eu is 100 ms round trip: the push travels once
    assert 0.04 <= took < 0.5, took
    # the pop in eu reaches us too
    wait_until(lambda: us.call("LLEN", "jobs") == 0, desc="the pop replicated to us")


def test_bzpopmin_and_blmove_are_woken_by_remote_writes(regions):
    ap, eu = regions["ap"].conn(), regions["eu"].conn()
    ap.send_raw(encode_command("BZPOPMIN", "tasks", "10"))
    assert eu.call("ZADD", "tasks", "2", "later", "1", "first") == 2
    assert ap.read(timeout=5) == [b"tasks", b"first", b"1"]
    ap.send_raw(encode_command("BLMOVE", "inbox", "working", "LEFT", "RIGHT", "10"))
    assert eu.call("RPUSH", "inbox", "m1") == 1
    assert ap.read(timeout=5) == b"m1"
    wait_until(lambda: eu.call("LRANGE", "working", "0", "-1") == [b"m1"],
               desc="the move replicated to eu")


def test_a_remote_write_of_nothing_to_pop_keeps_the_client_waiting(regions):
    us, ap = regions["us"].conn(), regions["ap"].conn()
    us.send_raw(encode_command("BLPOP", "quiet", "0.6"))
    assert ap.call("SET", "quiet", "a string") == "OK"
    assert ap.call("DEL", "quiet") == 1
    start = time.monotonic()
    assert us.read(timeout=5) is NULL_ARRAY  # the timeout
    assert time.monotonic() - start > 0.2
