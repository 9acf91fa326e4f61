"""Seeded random command sequences: every reply from Meridian must equal the
reply of a real redis-server byte for byte (unordered replies and SCAN are
normalized, TTL/PTTL get a small tolerance), over RESP2 and RESP3.

Sizes: MERIDIAN_DIFF_SEEDS (default 40) seeds of MERIDIAN_DIFF_OPS (default 300)
steps per protocol, seeds starting at MERIDIAN_DIFF_SEED_BASE (default 1).
Reproduce one failure: MERIDIAN_DIFF_SEED_BASE=<seed> MERIDIAN_DIFF_SEEDS=1 and
`-k resp2` / `-k resp3`.
"""

import os
import time

import pytest

import cmdgen
from difftools import fail_on, fresh_connections, run_sequence

SEEDS = int(os.environ.get("MERIDIAN_DIFF_SEEDS", "40"))
OPS = int(os.environ.get("MERIDIAN_DIFF_OPS", "300"))
BASE = int(os.environ.get("MERIDIAN_DIFF_SEED_BASE", "1"))


@pytest.mark.parametrize("seed", range(BASE, BASE + SEEDS), ids=lambda s: "seed%d" % s)
@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_random_sequence(live_pair, proto, seed):
    with fresh_connections(live_pair, proto, cmdgen.KEYS) as (ref, sut):
        gen = cmdgen.Generator(seed, t0=time.time())
        fail_on(run_sequence(ref, sut, gen, OPS, seed, proto, sut_server=live_pair[1]))
