"""Random sequences with SUT restarts in the middle: every CHECKPOINT steps the
SUT is stopped (alternately SIGTERM and kill -9) and restarted on the same data
dir, both sides get fresh connections, and the sequence goes on. Every reply
must still equal Redis' (which is not restarted), so the recovered state must
be exactly the acknowledged state, TTLs included."""

import os
import time

import pytest

import cmdgen
from difftools import run_sequence, reset_keyspace, switch_to_resp3

SEEDS = int(os.environ.get("MERIDIAN_RESTART_SEEDS", "5"))
OPS = int(os.environ.get("MERIDIAN_RESTART_OPS", "300"))
BASE = int(os.environ.get("MERIDIAN_RESTART_SEED_BASE", "7001"))
CHECKPOINT = 75


@pytest.mark.parametrize("seed", range(BASE, BASE + SEEDS), ids=lambda s: "seed%d" % s)
@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_random_sequence_with_restarts(live_pair, proto, seed):
    ref_srv, sut_srv = live_pair
    conns = []

    def connect():
        for c in conns:
            c.close()
        conns[:] = [ref_srv.conn(), sut_srv.conn()]
        if proto == 3:
            switch_to_resp3(*conns)
        return conns[0], conns[1]

    restarts = [0]

    def checkpoint(i):
        restarts[0] += 1
        if restarts[0] % 2:
            sut_srv.kill9()
        else:
            rc = sut_srv.stop()
            assert rc == 0, "clean stop exited %s" % rc
        sut_srv.start()
        return connect()

    ref, sut = connect()
    try:
        reset_keyspace(ref, sut, cmdgen.KEYS)
        gen = cmdgen.Generator(seed, t0=time.time())
        report = run_sequence(ref, sut, gen, OPS, seed, proto, sut_server=sut_srv,
                              checkpoint_every=CHECKPOINT, checkpoint=checkpoint)
        if not report:
            assert restarts[0] == (OPS - 1) // CHECKPOINT, "expected restarts did not happen"
        if report:
            report += "\n  (restart test: restarts every %d steps, odd = kill -9, even = SIGTERM)" % CHECKPOINT
            print(report)
            pytest.fail(report, pytrace=False)
    finally:
        for c in conns:
            c.close()
