#!/usr/bin/python3
"""Replay one differential seed and print every step with both replies.

  /usr/bin/python3 tests/differential/replay.py SEED [--proto 2|3] [--ops 300]
        [--upto N] [--only-diff]

Starts a fresh redis-server and a fresh SUT ($MERIDIAN_BIN, default
build/meridian). Note: EXPIREAT/PXAT arguments are based on the current time,
so they differ from the original run (the sequence of commands does not).
"""

import argparse
import os
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path[:0] = [HERE, os.path.dirname(HERE)]

from lib import harness  # noqa: E402
import cmdgen  # noqa: E402
from difftools import run_step, reset_keyspace, Mismatch  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("seed", type=int)
    ap.add_argument("--proto", type=int, default=2)
    ap.add_argument("--ops", type=int, default=300)
    ap.add_argument("--upto", type=int, default=None)
    ap.add_argument("--only-diff", action="store_true")
    a = ap.parse_args()
    ref_srv = harness.RedisServer()
    sut_srv = harness.make_sut(enable_flushall=True)
    try:
        ref_srv.start()
        sut_srv.start()
        ref, sut = ref_srv.conn(), sut_srv.conn()
        if a.proto == 3:
            ref.call_raw("HELLO", "3")
            sut.call_raw("HELLO", "3")
        reset_keyspace(ref, sut, cmdgen.KEYS)
        steps = cmdgen.Generator(a.seed, t0=time.time()).sequence(a.ops)
        for i, st in enumerate(steps):
            if a.upto is not None and i > a.upto:
                break
            try:
                ra, rb = run_step(st, ref, sut)
                if not a.only_diff:
                    print("%4d  %s\n      = %r" % (i, st.show(), ra))
            except Mismatch as m:
                print("%4d  %s\n   !! redis    %r\n   !! meridian %r %s"
                      % (i, st.show(), m.expected, m.got, m.note))
    finally:
        sut_srv.cleanup()
        ref_srv.cleanup()


if __name__ == "__main__":
    main()
