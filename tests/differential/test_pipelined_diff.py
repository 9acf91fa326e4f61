"""Seeded random sequences sent as pipelines: batches of 1-64 commands written
at once, then every reply read. On Meridian a batch is executed in one
event-loop pass and committed once, so later commands of a batch must see the
writes of earlier ones before anything reaches RocksDB. Every reply must equal
redis-server's, as in test_random_diff.py (same normalizations).

Each sequence also runs against a Meridian with its record caches off
(cache_mb = 0), where those reads go through RocksDB's write-batch index.

Sizes: MERIDIAN_PIPE_SEEDS (default 15) seeds of MERIDIAN_DIFF_OPS (default
300) steps per protocol and cache setting.
"""

import os
import random
import time

import pytest

import cmdgen
from difftools import Mismatch, check_reply, fail_on, format_mismatch, fresh_connections, run_step
from conftest import started_pair
from lib import harness
from lib.resp import encode_command

SEEDS = int(os.environ.get("MERIDIAN_PIPE_SEEDS", "15"))
OPS = int(os.environ.get("MERIDIAN_DIFF_OPS", "300"))


def send_batch(conn, steps):
    conn.send_raw(b"".join(encode_command(*s.args) for s in steps))
    return [conn.read_raw() for _ in steps]


def run_pipelined(ref, sut, gen, nops, seed, proto):
    """None, or a report of the first mismatching reply."""
    rnd = random.Random(seed)
    history, batch, index = [], [], 0

    def flush():
        nonlocal index
        replies_ref = send_batch(ref, batch)
        replies_sut = send_batch(sut, batch)
        for step, ra, rb in zip(batch, replies_ref, replies_sut):
            try:
                check_reply(step, ra, rb)
            except Mismatch as m:
                m.note = (m.note + " " if m.note else "") + "(in a pipeline of %d)" % len(batch)
                return format_mismatch(m, seed, index, proto, history)
            history.append((index, step, ra))
            index += 1
        batch.clear()
        return None

    size = rnd.randint(1, 64)
    for n in range(nops + 1):
        step = gen.next_step() if n < nops else (gen.wait_step() if gen.pending else None)
        if step is not None and step.kind not in ("wait", "scan"):
            batch.append(step)
            if len(batch) < size:
                continue
        if batch:
            report = flush()
            if report:
                return report
            size = rnd.randint(1, 64)
        if step is not None and step.kind in ("wait", "scan"):
            try:
                ra, _ = run_step(step, ref, sut)
            except Mismatch as m:
                return format_mismatch(m, seed, index, proto, history)
            history.append((index, step, ra))
            index += 1
    return None


@pytest.fixture(scope="module")
def uncached_pair():
    if harness.sut_kind() == "redis":
        pytest.skip("cache_mb is a Meridian setting")
    yield from started_pair(harness.RedisServer(),
                            harness.make_sut(enable_flushall=True, cache_mb=0))


@pytest.fixture(params=["cached", "uncached"])
def pipeline_pair(request):
    if request.param == "cached":
        return request.getfixturevalue("live_pair")
    return request.getfixturevalue("uncached_pair")


@pytest.mark.parametrize("seed", range(1000, 1000 + SEEDS), ids=lambda s: "seed%d" % s)
@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_pipelined_sequence(pipeline_pair, proto, seed):
    with fresh_connections(pipeline_pair, proto, cmdgen.KEYS) as (ref, sut):
        gen = cmdgen.Generator(seed, t0=time.time())
        fail_on(run_pipelined(ref, sut, gen, OPS, seed, proto))
