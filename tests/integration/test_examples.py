"""The examples in examples/ run against three regions of a real cluster
under emulated WAN latency (the design text's round trips)."""

import os
import subprocess

import pytest

from lib.cluster import THREE_REGION_WAN, THREE_REGIONS, running

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


@pytest.fixture(scope="module")
def regions():
    with running(names=THREE_REGIONS, wan=THREE_REGION_WAN) as c:
        yield c, ",".join("%s=%d" % (n, c[n].port) for n in c.names)


def run_example(name, regions_arg):
    return subprocess.run(["/usr/bin/python3", os.path.join(REPO, "examples", name),
                           "--regions", regions_arg], capture_output=True, text=True, timeout=120)


def test_like_counter(regions):
    c, arg = regions
    out = run_example("like_counter.py", arg)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "likes of post-1: 90 in every region" in out.stdout  # 3 x (40 - 10)
    # the per-region fields are each region's own likes
    counts = c.client("ap").hgetall("likes:post-1:counts")
    assert counts == {b"us": b"30", b"eu": b"30", b"ap": b"30"}


def test_cart(regions):
    c, arg = regions
    out = run_example("cart.py", arg)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "apple x60" in out.stdout and "gift-wrap x12" in out.stdout


def test_work_queue(regions):
    c, arg = regions
    out = run_example("work_queue.py", arg)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "150 jobs done in every region, queues empty" in out.stdout, out.stdout
    assert "0 taken twice" in out.stdout, out.stdout
    # each region ran exactly its own jobs, pushed from all three regions
    # (job i of each producer goes to region i % 3 of ap, eu, us)
    assert "taken per region: ap 51, eu 51, us 48" in out.stdout, out.stdout
    assert c.client("ap").scard("jobs:done") == 150
    assert c.client("us").llen("jobs:eu") == 0


def test_leaderboard(regions):
    c, arg = regions
    out = run_example("leaderboard.py", arg)
    assert out.returncode == 0, out.stdout + out.stderr
    # 60 games x 3 regions; every point counted though all regions wrote at once
    assert "891 points from 180 games in 3 regions, all counted in every region" in out.stdout
    assert "top 3 in every region: player-02 143, player-09 140, player-01 116" in out.stdout
    for n in c.names:
        assert c.client(n).zscore("leaderboard:season-1", "player-02") == 143.0
        assert c.client(n).zrevrank("leaderboard:season-1", "player-09") == 1


def test_cache_invalidation(regions):
    c, arg = regions
    out = run_example("cache_invalidation.py", arg)
    assert out.returncode == 0, out.stdout + out.stderr
    assert "30 prices changed in 3 regions; every region's cache is current" in out.stdout
    # every region's application heard every change, its own included
    assert "invalidations received: us 30, eu 30, ap 30" in out.stdout, out.stdout


def test_stream_workers(regions):
    c, arg = regions
    out = run_example("stream_workers.py", arg)
    assert out.returncode == 0, out.stdout + out.stderr
    # 40 orders x 3 regions, amounts 1..40 each
    assert "120 orders from 3 regions billed by 3 workers in" in out.stdout, out.stdout
    assert "total 2460 (expected 2460)" in out.stdout, out.stdout
    assert "5 taken over from a crashed worker (it read 5)" in out.stdout, out.stdout
    assert "billed twice: 0" in out.stdout, out.stdout
    assert "pending in every region: 0" in out.stdout, out.stdout
    for n in c.names:
        groups = c.client(n).xinfo_groups("orders")
        assert [g["name"] for g in groups] == [b"billing"]
        assert groups[0]["pending"] == 0
