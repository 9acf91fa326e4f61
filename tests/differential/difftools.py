"""Run the same steps against the reference redis-server and the SUT and
compare replies (see cmdgen.Step for the comparison kinds), and the runner of
the curated scripts of test_fixed_diff*.py (parse_line, run_fixed_script)."""

import contextlib
import os
import re
import shlex
import sys
import time

import pytest

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..")))

from lib.harness import wait_until, WaitTimeout  # noqa: E402
from lib.resp import (parse, normalize_unordered, is_null, Err, RespMap, RespSet,  # noqa: E402
                      Array, Push, Double)

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


# where the cursor is in SCAN-like commands; *SCAN of a hash/zset returns pairs
SCAN_CURSOR_INDEX = {"SCAN": 1, "SSCAN": 2, "HSCAN": 2, "ZSCAN": 2}
SCAN_PAIRS = {"HSCAN", "ZSCAN"}


def scan_all(conn, args, max_iters=10000):
    """Iterate SCAN / SSCAN / HSCAN from cursor 0 to the end. Returns
    ('err', raw) or ('ok', sorted keys) (HSCAN: sorted (field, value) pairs).
    Raises ValueError on a malformed reply."""
    args = list(args)
    name = str(args[0]).upper()
    ci = SCAN_CURSOR_INDEX.get(name, 1)
    pairs = name in SCAN_PAIRS
    assert args[ci] == "0"
    keys = set()
    calls = 0
    while True:
        raw = conn.call_raw(*args)
        calls += 1
        v = parse(raw)
        if isinstance(v, Err):
            if calls == 1:
                return ("err", raw)
            raise ValueError("%s error in the middle of an iteration: %r" % (name, raw))
        if not (isinstance(v, Array) and len(v) == 2 and isinstance(v[0], bytes)
                and isinstance(v[1], Array) and all(isinstance(x, bytes) for x in v[1])):
            raise ValueError("malformed %s reply %r" % (name, raw))
        items = _bulk_list(v[1])
        if pairs:
            if len(items) % 2:
                raise ValueError("odd number of elements in a %s reply %r" % (name, raw))
            keys.update(zip(items[0::2], items[1::2]))
        else:
            keys.update(items)
        cursor = v[0].decode()
        if cursor == "0":
            return ("ok", sorted(keys))
        if not cursor.isdigit():
            raise ValueError("non-integer %s cursor %r" % (name, v[0]))
        if calls > max_iters:
            raise ValueError("%s did not finish in %d calls" % (name, max_iters))
        args[ci] = cursor


def short_ttl_over(conn, key):
    v = parse(conn.call_raw("PTTL", key))
    return isinstance(v, int) and (v < 0 or v > SHORT_PTTL_THRESHOLD)


# Redis 7.0's SORT checks `errno == ERANGE` after strtod without clearing
# errno first, so a stale ERANGE (left by an earlier "1e400" in a SORT, an
# INCRBYFLOAT, ...) makes it refuse valid numbers. Before each SORT the
# reference gets a command that clears errno and changes nothing: INCRBYFLOAT
# of a missing key parses the increment (errno = 0) and fails.
ERRNO_RESET = ("INCRBYFLOAT", "difftools:errno-reset", "x")
SORTS = {"SORT", "SORT_RO"}


def _clears_errno_first(step):
    if not step.args:
        return False
    name = step.args[0]
    if isinstance(name, bytes):
        name = name.decode("latin-1")
    return name.upper() in SORTS


def run_step(step, ref, sut, wait_timeout=10.0):
    """Execute one step on both connections; raise Mismatch on a difference.
    Returns (ref_reply, sut_reply) for the history."""
    if step.kind != "wait" and _clears_errno_first(step):
        ref.call_raw(*ERRNO_RESET)
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

    if step.kind == "rand":
        domains = (rand_domain(ref, step.args), rand_domain(sut, step.args))
        return check_reply(step, ref.call_raw(*step.args), sut.call_raw(*step.args),
                           domains)

    return check_reply(step, ref.call_raw(*step.args), sut.call_raw(*step.args))


def check_reply(step, ra, rb, domains=None):
    """Compare one reply pair, normalized as the step's kind allows; return
    (ra, rb) or raise Mismatch. `domains` (kind rand only): what each reply
    may contain, see rand_domain."""
    if step.kind == "rand":
        return check_rand(step, ra, rb, domains)
    if step.kind == "group":
        return check_group(step, ra, rb)
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
    elif step.kind == "acllog":
        if acllog_masked(ra) == acllog_masked(rb):
            return ra, rb
    elif step.kind == "stream":
        if stream_masked(step.args, ra) == _safe(stream_masked, step.args, rb):
            return ra, rb
    raise Mismatch(step, ra, rb)


# ACL LOG (`@acllog`): an entry's age and its client's CLIENT INFO line
# (ids, addresses, buffer sizes) are masked; the rest is compared exactly.
ACLLOG_AGE = re.compile(rb"(\$11\r\nage-seconds\r\n)(?:\$[0-9]+\r\n[^\r]*\r\n|,[^\r]*\r\n)")
ACLLOG_INFO = re.compile(rb"(\$11\r\nclient-info\r\n)\$[0-9]+\r\n[^\r]*\r\n")


def acllog_masked(raw):
    return ACLLOG_INFO.sub(rb"\1<client>", ACLLOG_AGE.sub(rb"\1<age>", raw))


# ------------------------------------------------------------ stream replies
# Kind "stream" (`@stream` in scripts): the parts of a stream reply that
# Meridian need not reproduce are masked on both sides, the rest is compared
# exactly (errors and nulls always exactly):
#   * XADD: an id made from the clock ("*") becomes "<stream id>" when the
#     reply is a bulk string <ms>-<seq> of two canonical decimal u64;
#   * XINFO (STREAM [FULL]): the values of radix-tree-keys and
#     radix-tree-nodes (sizes of Redis's radix tree) are masked down to their
#     RESP type; the other fields, their order and the RESP2 flat array /
#     RESP3 map stay as they are.
# Other commands are compared exactly.
STREAM_ID_REPLY = re.compile(rb"\$([0-9]+)\r\n((?:0|[1-9][0-9]*)-(?:0|[1-9][0-9]*))\r\n\Z")
STREAM_MASKED_FIELDS = {b"radix-tree-keys", b"radix-tree-nodes"}


def stream_masked(args, raw):
    """A comparable form of the reply `raw` to the command `args`, with what
    kind "stream" ignores masked (raw itself when there is nothing to mask)."""
    name = args[0] if args else ""
    name = (name.decode("latin-1") if isinstance(name, bytes) else str(name)).upper()
    if name == "XADD":
        m = STREAM_ID_REPLY.match(raw)
        if (m and int(m.group(1)) == len(m.group(2))
                and all(int(x) < 2 ** 64 for x in m.group(2).split(b"-"))):
            return "<stream id>"
        return raw
    if name == "XINFO":
        v = parse(raw)
        if isinstance(v, RespMap):
            kind, pairs = "map", list(v)
        elif isinstance(v, Array) and len(v) % 2 == 0:
            kind, pairs = "array", list(zip(v[0::2], v[1::2]))
        else:
            return raw
        return (kind, [(repr(k), "<%s>" % type(x).__name__
                        if k in STREAM_MASKED_FIELDS and isinstance(x, int) else repr(x))
                       for k, x in pairs])
    return raw


# ------------------------------------------------------------ consumer groups
# Kind "group" (`@group` in scripts): what kind "stream" masks (XADD's clock
# ids, XINFO STREAM's radix-tree sizes) plus the values consumer groups take
# from the clock, each replaced by a placeholder where it stands; the RESP
# types, the structure (RESP2 flat arrays / RESP3 maps, field order, sizes)
# and every other value are compared exactly, errors and nulls too:
#   * idle times (ms since the last delivery or the consumer's last action):
#     the 3rd element of each entry of an extended XPENDING ([id, consumer,
#     idle, deliveries]) and the "idle" (7.2 also "inactive") field of each
#     consumer of XINFO CONSUMERS become "<idle>" when they are integers in
#     [0, GROUP_IDLE_MAX). A value outside is kept, so it never equals the
#     placeholder (a Meridian reply with garbage there fails); on the
#     reference it is an error of the script (RuntimeError, checked even when
#     both replies are equal): an idle time that large cannot be
#     deterministic (e.g. after XCLAIM ... IDLE 100000000);
#   * unix times in ms in XINFO STREAM ... FULL: the delivery time of each
#     entry of a group's PEL ("pending": [id, consumer, time, deliveries])
#     and of a consumer's PEL ("pending": [id, time, deliveries]) and a
#     consumer's "seen-time" (7.2 also "active-time") become "<time>" when
#     they are integers within GROUP_CLOCK_WINDOW of the checker's clock
#     (10 minutes before to 1 minute after); others (a delivery time set by
#     XCLAIM ... TIME far in the past) are compared exactly.
# Replies of other commands are compared exactly (XADD: as kind "stream").
GROUP_IDLE_MAX = 60000
GROUP_CLOCK_WINDOW = (600000, 60000)   # ms before / after the checker's clock


class GroupTimeError(ValueError):
    """An idle time outside [0, GROUP_IDLE_MAX) in a reference reply."""


class _Masked:
    def __init__(self, what):
        self.what = what

    def __repr__(self):
        return "<%s>" % self.what

    def __eq__(self, other):
        return isinstance(other, _Masked) and other.what == self.what

    def __hash__(self):
        return hash(self.what)


def _plain_int(x):
    """A RESP integer (not a RESP3 big number)."""
    return type(x) is int


def _group_form(v, rule, ctx):
    """The comparable form of the parsed value v under a masking rule:
    ("idle",), ("time",), ("radix",) (a radix-tree size: its RESP type only),
    ("each", rule) for every element of an array, ("at", index, rule) for the
    element `index` of an array, ("fields", {name: rule}) for the values of a
    RESP3 map / RESP2 flat array of fields, or None (exact). A value that is
    not what its rule expects is compared exactly."""
    if rule is None or isinstance(v, Err) or is_null(v):
        return repr(v)
    what = rule[0]
    if what == "idle":
        if _plain_int(v) and 0 <= v < GROUP_IDLE_MAX:
            return _Masked("idle")
        if ctx["reference"]:
            raise GroupTimeError("idle time %r not in [0, %d)" % (v, GROUP_IDLE_MAX))
        return repr(v)
    if what == "time":
        before, after = GROUP_CLOCK_WINDOW
        if _plain_int(v) and ctx["now"] - before <= v <= ctx["now"] + after:
            return _Masked("time")
        return repr(v)
    if what == "radix":
        return "<%s>" % type(v).__name__ if isinstance(v, int) else repr(v)
    if what == "each" and isinstance(v, Array):
        return ("Array", [_group_form(x, rule[1], ctx) for x in v])
    if what == "at" and isinstance(v, Array):
        return ("Array", [_group_form(x, rule[2] if i == rule[1] else None, ctx)
                          for i, x in enumerate(v)])
    if what == "fields":
        if isinstance(v, RespMap):
            kind, pairs = "map", list(v)
        elif isinstance(v, Array) and len(v) % 2 == 0:
            kind, pairs = "array", list(zip(v[0::2], v[1::2]))
        else:
            return repr(v)
        return (kind, [(repr(k), _group_form(x, rule[1].get(k) if isinstance(k, bytes)
                                             else None, ctx))
                       for k, x in pairs])
    return repr(v)      # not the aggregate the rule expects: exact


_GROUP_PEL = ("each", ("at", 2, ("time",)))             # [id, consumer, time, count]
_GROUP_CONSUMER_PEL = ("each", ("at", 1, ("time",)))    # [id, time, count]
_GROUP_CONSUMER = ("fields", {b"seen-time": ("time",), b"active-time": ("time",),
                              b"pending": _GROUP_CONSUMER_PEL})
_GROUP_INFO = ("fields", {b"pending": _GROUP_PEL, b"consumers": ("each", _GROUP_CONSUMER)})
GROUP_RULES = {
    # XINFO STREAM [FULL] (without FULL "groups" is a count: exact)
    "STREAM": ("fields", {b"radix-tree-keys": ("radix",), b"radix-tree-nodes": ("radix",),
                          b"groups": ("each", _GROUP_INFO)}),
    "CONSUMERS": ("each", ("fields", {b"idle": ("idle",), b"inactive": ("idle",)})),
    # extended XPENDING
    "XPENDING": ("each", ("at", 2, ("idle",))),
}


def group_masked(args, raw, now_ms=None, reference=False):
    """A comparable form of the reply `raw` to the command `args`, with what
    kind "group" ignores masked (raw itself when there is nothing to mask).
    now_ms: the checker's clock (default: now). reference=True: raise
    GroupTimeError on an idle time that cannot be deterministic."""
    name = args[0] if args else ""
    name = (name.decode("latin-1") if isinstance(name, bytes) else str(name)).upper()
    if name == "XADD":
        return stream_masked(args, raw)
    rule = None
    if name == "XINFO" and len(args) >= 2:
        sub = args[1]
        sub = (sub.decode("latin-1") if isinstance(sub, bytes) else str(sub)).upper()
        rule = GROUP_RULES.get(sub)
    elif name == "XPENDING" and len(args) > 3:
        rule = GROUP_RULES["XPENDING"]
    if rule is None:
        return raw
    v = parse(raw)
    if isinstance(v, Err) or is_null(v):
        return raw
    ctx = {"now": time.time() * 1000 if now_ms is None else now_ms, "reference": reference}
    return _group_form(v, rule, ctx)


def check_group(step, ra, rb):
    now = time.time() * 1000
    try:
        ma = group_masked(step.args, ra, now, reference=True)
    except GroupTimeError as e:
        raise RuntimeError("reference redis fails the @group checks on %s (%s): %r"
                           % (step.show(), e, ra))
    if ra == rb or ma == _safe(group_masked, step.args, rb, now):
        return ra, rb
    raise Mismatch(step, ra, rb)


# ------------------------------------------------------------ random replies
# Kind "rand" (`@rand` in scripts): SPOP, SRANDMEMBER, HRANDFIELD, ZRANDMEMBER,
# RANDOMKEY.
# The replies cannot be compared byte for byte; instead
#   * both must have the same shape: the same RESP type at every level and
#     the same number of elements in every aggregate (errors: same text);
#   * every element the SUT returns must be in its domain: the set members /
#     hash fields / (field, value) pairs / sorted-set members / (member, score)
#     pairs / keys the SUT held before the command
#     (fetched from each server just before, see rand_domain);
#   * with a non-negative count, the elements must be distinct;
#   * when the reply is forced (the reference returned its whole domain and
#     either the count asks for distinct elements or the domain has a single
#     element) and both domains are equal, the multisets must be equal.
# The reference reply is put through the same checks: if it fails them, the
# checker is wrong (RuntimeError, not a mismatch).

RAND_DOMAIN_CMD = {"SPOP": "SMEMBERS", "SRANDMEMBER": "SMEMBERS", "HRANDFIELD": "HGETALL",
                   "ZRANDMEMBER": "ZRANGE", "RANDOMKEY": "KEYS"}
# the word that makes a random reply one of (element, value) pairs
RAND_WITH_WORD = {"HRANDFIELD": "WITHVALUES", "ZRANDMEMBER": "WITHSCORES"}


def _rand_withvalues(args):
    word = RAND_WITH_WORD.get(str(args[0]).upper())
    return word is not None and len(args) >= 4 and str(args[3]).upper() == word


def _elem(x):
    """An element of a random reply as bytes (a RESP3 double: its text)."""
    if isinstance(x, Double):
        return bytes(x.raw)
    return bytes(x)


def _rand_count(args):
    """The count argument of SPOP/SRANDMEMBER/HRANDFIELD as an int, or None."""
    if (str(args[0]).upper() in ("SPOP", "SRANDMEMBER", "HRANDFIELD", "ZRANDMEMBER")
            and len(args) >= 3):
        try:
            return int(args[2])
        except (TypeError, ValueError):
            return None
    return None


def rand_domain(conn, args):
    """The values a random reply of `args` may hold on conn, as a set: set
    members, hash fields ((field, value) pairs with WITHVALUES), sorted-set
    members ((member, score) pairs with WITHSCORES) or keys;
    None when the command is not known or the key holds no such value."""
    name = str(args[0]).upper()
    cmd = RAND_DOMAIN_CMD.get(name)
    if cmd is None or (cmd != "KEYS" and len(args) < 2):
        return None
    if cmd == "KEYS":
        call = (cmd, "*")
    elif cmd == "ZRANGE":
        call = (cmd, args[1], "0", "-1", "WITHSCORES")
    else:
        call = (cmd, args[1])
    v = parse(conn.call_raw(*call))
    if isinstance(v, Err):
        return None
    if cmd == "ZRANGE":
        if v and all(isinstance(x, list) for x in v):   # RESP3 pairs
            pairs = [(_elem(m), _elem(sc)) for m, sc in v]
        else:
            pairs = list(zip(_bulk_list(v[0::2]), _bulk_list(v[1::2])))
        return set(pairs) if _rand_withvalues(args) else {m for m, _ in pairs}
    if cmd == "HGETALL":
        if isinstance(v, RespMap):
            pairs = [(bytes(f), bytes(x)) for f, x in v]
        else:
            pairs = list(zip(_bulk_list(v[0::2]), _bulk_list(v[1::2])))
        return set(pairs) if _rand_withvalues(args) else {f for f, _ in pairs}
    return set(_bulk_list(v))


def reply_shape(v):
    """RESP types and aggregate sizes of a parsed reply, without the values
    (errors keep their text)."""
    if isinstance(v, Err):
        return ("error", str(v))
    if isinstance(v, RespMap):
        return ("map", len(v), tuple((reply_shape(a), reply_shape(b)) for a, b in v))
    if isinstance(v, (Array, RespSet, Push)):
        return (type(v).__name__, len(v), tuple(reply_shape(x) for x in v))
    if is_null(v):
        return repr(v)
    return type(v).__name__


def rand_elements(v, withvalues):
    """The elements of a random reply: a list of values, or of (field, value)
    tuples with WITHVALUES (RESP2: a flat array; RESP3: an array of pairs)."""
    if isinstance(v, bytes):
        return [bytes(v)]
    if is_null(v) or not isinstance(v, list):
        return []
    if not withvalues:
        return [bytes(x) if isinstance(x, bytes) else x for x in v]
    if v and all(isinstance(x, list) for x in v):
        return [tuple(_elem(y) for y in x) for x in v]
    return list(zip(_bulk_list(v[0::2]), _bulk_list(v[1::2])))


def rand_problem(args, v, domain):
    """Why the parsed random reply v of `args` is impossible given the domain
    (None when it is possible)."""
    if isinstance(v, Err) or is_null(v):
        return None
    withvalues = _rand_withvalues(args)
    elems = rand_elements(v, withvalues)
    if withvalues and isinstance(v, list) and any(
            not (isinstance(e, tuple) and len(e) == 2) for e in elems):
        return "WITHVALUES reply is not made of field/value pairs"
    if domain is not None:
        outside = [e for e in elems if e not in domain]
        if outside:
            return "returned %r, not held by the key(s) before the command" % outside[:5]
    count = _rand_count(args)
    if count is not None and count >= 0:
        keys = [e[0] if withvalues else e for e in elems]
        if len(set(keys)) != len(keys):
            return "repeated elements with a non-negative count"
    return None


def check_rand(step, ra, rb, domains=None):
    da, db = domains if domains is not None else (None, None)
    va = parse(ra)
    problem = rand_problem(step.args, va, da)
    if problem:
        raise RuntimeError("reference redis fails the @rand checks on %s (%s): %r"
                           % (step.show(), problem, ra))
    vb = _safe(parse, rb)
    if ra == rb:
        return ra, rb
    if reply_shape(va) != _safe(reply_shape, vb):
        raise Mismatch(step, ra, rb, "random reply of another RESP type or size")
    problem = _safe(rand_problem, step.args, vb, db)
    if problem:
        raise Mismatch(step, ra, rb, "meridian: %s" % (problem,))
    if da is not None and da == db and isinstance(va, (list, bytes)):
        withvalues = _rand_withvalues(step.args)
        ea, eb = rand_elements(va, withvalues), rand_elements(vb, withvalues)
        count = _rand_count(step.args)
        forced = set(ea) == da and (len(da) == 1 or count is None or count >= 0)
        if forced and sorted(ea) != sorted(eb):
            raise Mismatch(step, ra, rb, "the reply is forced (whole key) but differs")
    return ra, rb


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


# ------------------------------------------------------------ fixed scripts
# A script line is a command in shell syntax; a prefix selects how replies are
# compared: `~` unordered multiset, `%` field/value pairs, `@ttl` / `@pttl`
# tolerance, `@scan` full-iteration union (SCAN, SSCAN, HSCAN, ZSCAN), `@hello` HELLO
# without server/version/id, `@rand` random replies (see check_rand), `@stream`
# XADD's clock-made ids and XINFO STREAM's radix-tree sizes masked (see
# stream_masked), `@group` the same plus the idle and delivery / seen times of
# consumer groups (XPENDING, XINFO CONSUMERS, XINFO STREAM FULL) masked (see
# group_masked). Items may also be tuples of arguments (binary data) or Steps.

PREFIX_KIND = {"~": "unordered", "%": "pairs", "@ttl": "ttl", "@pttl": "ttl",
               "@scan": "scan", "@hello": "hello", "@rand": "rand", "@stream": "stream",
               "@group": "group", "@acllog": "acllog"}
T0 = int(time.time())


def parse_line(line):
    if isinstance(line, Step):
        return line
    if isinstance(line, tuple):
        return Step(list(line))
    line = line.replace("{T+}", str(T0 + 100000)).replace("{T-}", str(T0 - 100))
    line = line.replace("{MT+}", str((T0 + 100000) * 1000))
    words = shlex.split(line)
    kind, tol = "exact", 0
    if words[0] in PREFIX_KIND:
        p = words.pop(0)
        kind = PREFIX_KIND[p]
        tol = {"@ttl": 1, "@pttl": 1500}.get(p, 0)
    return Step(words, kind=kind, tol=tol)


def arity_error_lines(arity):
    """Commands with one argument too few / too many (upper and lower case)."""
    lines = []
    for name, a in sorted(arity.items()):
        if a > 0:
            counts = [n for n in (a - 1, a + 1) if n >= 1]
        else:
            counts = list(range(1, -a))
        for n in counts:
            lines.append(" ".join([name] + ["k"] * (n - 1)))
            lines.append(" ".join([name.lower()] + ["k"] * (n - 1)))
    return lines


def run_fixed_script(live_pair, name, lines, proto):
    """Run one curated script on fresh connections of both servers over RESP
    `proto`, on an empty key space; fail the test listing every mismatching
    reply (the script goes on after a mismatch)."""
    ref_srv, sut_srv = live_pair
    ref, sut = ref_srv.conn(), sut_srv.conn()
    try:
        if proto == 3:
            switch_to_resp3(ref, sut)
        reset_keyspace(ref, sut, ["k", "s", "h"])
        history = []
        failures = []
        for i, line in enumerate(lines):
            step = parse_line(line)
            try:
                ra, _ = run_step(step, ref, sut)
            except Mismatch as m:
                failures.append(format_mismatch(m, name, i, proto, history[-3:]))
                # resynchronizing the SUT's key state is not possible in
                # general; keep going to list further mismatches of this script
                continue
            history.append((i, step, ra))
        if failures:
            report = ("%d mismatching replies in script %r (RESP%d):\n" %
                      (len(failures), name, proto)) + "\n".join(failures[:25])
            print(report)
            pytest.fail(report, pytrace=False)
    finally:
        ref.close()
        sut.close()


def run_conns_script(pair, name, lines, proto, nconns=2):
    """Runs `lines` ("[n: ]command") over `nconns` connections to each server."""
    ref_srv, sut_srv = pair
    conns = [(ref_srv.conn(), sut_srv.conn()) for _ in range(nconns)]
    try:
        if proto == 3:
            for r, m in conns:
                switch_to_resp3(r, m)
        reset_keyspace(conns[0][0], conns[0][1], [])
        failures, history = [], []
        for i, line in enumerate(lines):
            which = 0
            if line[:1].isdigit() and line[1:3] == ": ":
                which, line = int(line[0]), line[3:]
            step = parse_line(line)
            try:
                ra, _ = run_step(step, *conns[which])
            except Mismatch as m:
                failures.append(format_mismatch(m, name, i, proto, history[-3:]))
                continue
            history.append((i, step, ra))
        if failures:
            pytest.fail("%d mismatching replies in %r (RESP%d):\n%s"
                        % (len(failures), name, proto, "\n".join(failures[:25])),
                        pytrace=False)
    finally:
        for r, m in conns:
            r.close()
            m.close()
