"""Fixtures for differential tests: one reference redis-server and one SUT per module."""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))

from lib import harness  # noqa: E402


def started_pair(ref, sut):
    """Starts a reference redis-server and the SUT, yields both, cleans up."""
    if not harness.sut_available():
        pytest.fail("Meridian binary not found at %s (build it or set MERIDIAN_BIN)"
                    % harness.meridian_bin(), pytrace=False)
    try:
        ref.start()
        sut.start()
        yield ref, sut
    finally:
        sut.cleanup()
        ref.cleanup()


@pytest.fixture(scope="module")
def diff_pair():
    """(reference redis-server, SUT), both started, SUT with enable_flushall = true."""
    yield from started_pair(harness.RedisServer(), harness.make_sut(enable_flushall=True))


@pytest.fixture
def live_pair(diff_pair):
    """diff_pair, with a crashed SUT restarted (on the same data) first, so
    that one crash fails one test rather than every later one."""
    ref, sut = diff_pair
    if not sut.running():
        sut.start()
    if not ref.running():
        ref.start()
    return ref, sut
