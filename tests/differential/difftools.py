"""Run the same steps against the reference redis-server and the SUT and
compare replies (see cmdgen.Step for the comparison kinds)."""

import contextlib
import os
import sys

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))

from lib.harness import wait_until, WaitTimeout  # noqa: E402
from lib.resp import parse, normalize_unordered, Err, RespMap, Array  # noqa: E402

from cmdgen import SHORT_PTTL_THRESHOLD, Step  # noqa: E402

HELLO_VARIABLE_FIELDS = {b"server", b"version", b"id"}


class Mismatch(Exception):
    def __init__(self, step, expected, got, note=""):
        self.step = step
        self.expected = expected
        self.got = got
        self.note = note
        super().__init__(note)


def _bulk_list(v):
    return [bytes(x) for x in v]


def hello_fields(raw):
    """HELLO reply as a comparable value without the server/version/id fields."""
    v = parse(raw)
    if isinstance(v, Err):
        return raw
    if isinstance(v, RespMap):
        pairs = list(v)
        kind = "map"
    elif isinstance(v, list) and len(v) % 2 == 0:
        pairs = [(v[i], v[i + 1]) for i in range(0, len(v), 2)]
        kind = "array"
    else:
        return raw
    return (kind, [(k, repr(x)) for k, x in pairs
                   if not (isinstance(k, bytes) and k in HELLO_VARIABLE_FIELDS)],
            sorted(bytes(k) for k, _ in pairs if isinstance(k, bytes)))


def scan_all(conn, args, max_iters=10000):
    """Iterate SCAN from cursor 0 to the end. Returns ('err', raw) or
    ('ok', sorted keys, n_calls). Raises ValueError on a malformed reply."""
    args = list(args)
    assert args[1] == "0"
    keys = set()
    calls = 0
    while True:
        raw = conn.call_raw(*args)
        calls += 1
        v = parse(raw)
        if isinstance(v, Err):
            if calls == 1:
                return ("err", raw)
            raise ValueError("SCAN error in the middle of an iteration: %r" % raw)
        if not (isinstance(v, Array) and len(v) == 2 and isinstance(v[0], bytes)
                and isinstance(v[1], list) and all(isinstance(x, bytes) for x in v[1])):
            raise ValueError("malformed SCAN reply %r" % raw)
        keys.update(_bulk_list(v[1]))
        cursor = v[0].decode()
        if cursor == "0":
            return ("ok", sorted(keys))
        if not cursor.isdigit():
            raise ValueError("non-integer SCAN cursor %r" % v[0])
        if calls > max_iters:
            raise ValueError("SCAN did not finish in %d calls" % max_iters)
        args[1] = cursor


def short_ttl_over(conn, key):
    v = parse(conn.call_raw("PTTL", key))
    return isinstance(v, int) and (v < 0 or v > SHORT_PTTL_THRESHOLD)


def run_step(step, ref, sut, wait_timeout=10.0):
    """Execute one step on both connections; raise Mismatch on a difference.
    Returns (ref_reply, sut_reply) for the history."""
    if step.kind == "wait":
        for k in step.keys:
            for name, c in (("redis", ref), ("meridian", sut)):
                try:
                    wait_until(lambda: short_ttl_over(c, k), timeout=wait_timeout,
                               desc="short TTL of %r over on %s" % (k, name))
                except WaitTimeout as e:
                    raise Mismatch(step, b"", b"", "%s (last PTTL: %r)"
                                   % (e, c.call_raw("PTTL", k)))
        return (b"<waited>", b"<waited>")

    if step.kind == "scan":
        try:
            a = scan_all(ref, step.args)
        except ValueError as e:
            raise RuntimeError("reference redis misbehaved on %s: %s" % (step.show(), e))
        try:
            b = scan_all(sut, step.args)
        except ValueError as e:
            raise Mismatch(step, repr(a).encode(), b"", "meridian: %s" % e)
        if a != b:
            raise Mismatch(step, repr(a).encode(), repr(b).encode(),
                           "SCAN full-iteration union differs")
        return (repr(a).encode(), repr(b).encode())

    return check_reply(step, ref.call_raw(*step.args), sut.call_raw(*step.args))


def check_reply(step, ra, rb):
    """Compare one reply pair, normalized as the step's kind allows; return
    (ra, rb) or raise Mismatch."""
    if ra == rb:
        return ra, rb
    if step.kind == "unordered":
        if normalize_unordered(ra) == _safe(normalize_unordered, rb):
            return ra, rb
    elif step.kind == "pairs":
        if normalize_unordered(ra, pairs=True) == _safe(normalize_unordered, rb, pairs=True):
            return ra, rb
    elif step.kind == "ttl":
        va, vb = parse(ra), _safe(parse, rb)
        if (isinstance(va, int) and isinstance(vb, int) and va >= 0 and vb >= 0
                and abs(va - vb) <= step.tol):
            return ra, rb
    elif step.kind == "hello":
        if hello_fields(ra) == _safe(hello_fields, rb):
            return ra, rb
    raise Mismatch(step, ra, rb)


def _safe(fn, *a, **kw):
    try:
        return fn(*a, **kw)
    except Exception as e:  # malformed SUT reply: never equal
        return ("unparseable", repr(e))


def switch_to_resp3(ref, sut):
    """HELLO 3 on both connections. The HELLO reply itself is compared by
    test_protocol_diff.py::test_hello_like_redis; here it only has to be a
    RESP3 map saying proto 3, so one HELLO difference does not hide every
    RESP3 reply difference."""
    for name, c in (("redis", ref), ("meridian", sut)):
        v = parse(c.call_raw("HELLO", "3"))
        assert isinstance(v, RespMap) and v.get("proto") == 3, \
            "%s: HELLO 3 did not return a map with proto 3: %r" % (name, v)


def reset_keyspace(ref, sut, keys):
    """Empty both key spaces: DEL the given keys, then anything KEYS * still
    lists, and FLUSHALL only as a last resort."""
    for c in (ref, sut):
        if keys:
            c.call_raw("DEL", *keys)
        if c.call_raw("DBSIZE") != b":0\r\n":
            left = parse(c.call_raw("KEYS", "*"))
            if isinstance(left, list) and left:
                c.call_raw("DEL", *left)
        if c.call_raw("DBSIZE") != b":0\r\n":
            c.call_raw("FLUSHALL")
    for name, c in (("redis", ref), ("meridian", sut)):
        r = c.call_raw("DBSIZE")
        assert r == b":0\r\n", "%s not empty before the sequence: DBSIZE -> %r" % (name, r)


def format_mismatch(m, seed, index, proto, history):
    lines = ["DIFFERENTIAL MISMATCH  seed=%s  proto=RESP%d  step=%d" % (seed, proto, index),
             "  command : %s" % m.step.show()]
    if m.note:
        lines.append("  note    : %s" % m.note)
    lines.append("  redis   : %r" % (m.expected,))
    lines.append("  meridian: %r" % (m.got,))
    if history:
        lines.append("  preceding steps (index: command -> redis reply):")
        for i, st, ra in history[-12:]:
            lines.append("    %4d: %s -> %r" % (i, st.show(), ra[:120]))
    return "\n".join(lines)


def run_sequence(ref, sut, gen, nops, seed, proto, sut_server=None, checkpoint_every=0,
                 checkpoint=None):
    """Run nops generated steps (plus a final wait). Returns None or a
    formatted mismatch report. sut_server (optional) is checked for a crash on
    connection errors. Every checkpoint_every steps, after the pending short
    TTLs were waited out, checkpoint(i) is called and must return the new
    (ref, sut) connections (used to restart the SUT in the middle)."""
    history = []
    i = 0

    def steps():
        for n in range(nops):
            if checkpoint_every and n and n % checkpoint_every == 0:
                if gen.pending:
                    yield gen.wait_step()
                yield "checkpoint"
            yield gen.next_step()
        if gen.pending:
            yield gen.wait_step()

    for step in steps():
        if step == "checkpoint":
            ref, sut = checkpoint(i)
            history.append((i, Step(["<restart>"]), b""))
            continue
        try:
            ra, rb = run_step(step, ref, sut)
        except Mismatch as m:
            return format_mismatch(m, seed, i, proto, history)
        except (OSError, ConnectionError) as e:
            note = "connection error: %r" % e
            if sut_server is not None:
                crashed = not sut_server.running() or wait_crashed(sut_server)
                if crashed:
                    note = ("MERIDIAN CRASHED (exit code %s) on this step.\n--- server log tail ---\n%s"
                            % (sut_server.proc.returncode, sut_server.log(3000)))
            return format_mismatch(Mismatch(step, b"", b"", note), seed, i, proto, history)
        history.append((i, step, ra))
        i += 1
    return None


def wait_crashed(server, timeout=2.0):
    """True if the server process exits within timeout."""
    try:
        server.proc.wait(timeout)
        return True
    except Exception:
        return False


@contextlib.contextmanager
def fresh_connections(pair, proto, keys):
    """A new connection to each server of `pair`, switched to `proto`, with
    `keys` deleted on both; closed afterwards."""
    ref_srv, sut_srv = pair
    ref, sut = ref_srv.conn(), sut_srv.conn()
    try:
        if proto == 3:
            switch_to_resp3(ref, sut)
        reset_keyspace(ref, sut, keys)
        yield ref, sut
    finally:
        ref.close()
        sut.close()


def fail_on(report):
    if report:
        print(report)
        pytest.fail(report, pytrace=False)
