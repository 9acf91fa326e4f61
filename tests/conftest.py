"""pytest configuration shared by tests/integration, tests/differential and tests/crash.

Environment:
  MERIDIAN_BIN       system under test (default <repo>/build/meridian). Set it to
                     `redis-server` to run the suites against a redis-server stand-in.
  REDIS_SERVER_BIN   reference redis-server for differential tests (default redis-server).
  MERIDIAN_KEEP_TMP  =1 keeps server temp dirs (data, config, logs) after the run.
  MERIDIAN_DIFF_SEEDS / MERIDIAN_DIFF_OPS / MERIDIAN_DIFF_SEED_BASE  differential sizes.
"""

import os
import sys

import pytest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from lib import harness  # noqa: E402


def pytest_configure(config):
    config.addinivalue_line("markers", "meridian_only: needs the real Meridian binary "
                            "(skipped when MERIDIAN_BIN is a redis-server stand-in)")


def pytest_report_header(config):
    return "meridian SUT: %s (%s)%s" % (
        harness.meridian_bin(), harness.sut_kind(),
        "" if harness.sut_available() else "  ** NOT FOUND **")


def pytest_collection_modifyitems(config, items):
    if harness.sut_kind() == "redis":
        skip = pytest.mark.skip(reason="needs the Meridian binary (MERIDIAN_BIN is redis-server)")
        for item in items:
            if "meridian_only" in item.keywords:
                item.add_marker(skip)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    rep = outcome.get_result()
    if rep.failed:
        for s in harness.live_servers():
            rep.sections.append(("server log: " + s.describe(), s.log(6000)))


def _require_sut():
    if not harness.sut_available():
        pytest.fail("Meridian binary not found or not executable at %s: build it "
                    "(e.g. `make`) or set MERIDIAN_BIN" % harness.meridian_bin(),
                    pytrace=False)


@pytest.fixture
def sut_factory():
    """make(**settings, start=True) -> a started SUT; all are cleaned up after the test."""
    made = []

    def make(start=True, **settings):
        _require_sut()
        s = harness.make_sut(**settings)
        made.append(s)
        if start:
            s.start()
        return s

    yield make
    for s in made:
        s.cleanup()


@pytest.fixture
def meridian_factory():
    """Like sut_factory, but always a MeridianServer (for config/CLI tests)."""
    made = []

    def make(start=True, **kw):
        _require_sut()
        s = harness.MeridianServer(**kw)
        made.append(s)
        if start:
            s.start()
        return s

    yield make
    for s in made:
        s.cleanup()


@pytest.fixture
def redis_factory():
    """make(options=None, **kw) -> a started real redis-server."""
    made = []

    def make(options=None, start=True, **kw):
        s = harness.RedisServer(options=options, **kw)
        made.append(s)
        if start:
            s.start()
        return s

    yield make
    for s in made:
        s.cleanup()


@pytest.fixture(scope="module")
def shared_sut():
    """One SUT with default settings (enable_flushall = true) for a whole module."""
    _require_sut()
    s = harness.make_sut()
    try:
        s.start()
        yield s
    finally:
        s.cleanup()


@pytest.fixture
def sut(shared_sut):
    """The module's shared SUT, emptied of keys before the test (FLUSHALL)."""
    c = shared_sut.conn()
    try:
        r = c.call_raw("FLUSHALL")
        assert r == b"+OK\r\n", "FLUSHALL before test failed: %r" % r
    finally:
        c.close()
    return shared_sut
