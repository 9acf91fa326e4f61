"""The `@rand` comparison (difftools.check_rand) and the SSCAN/HSCAN union of
`@scan` on made-up replies: they must accept any valid random draw and reject
the wrong ones. No server needed."""

import pytest

from cmdgen import Step
from difftools import Mismatch, check_rand, scan_all
from lib.resp import encode_command


def bulk(x):
    return b"$%d\r\n%s\r\n" % (len(x), x)


def arr(*items, t=b"*"):
    return t + b"%d\r\n" % len(items) + b"".join(items)


def bulks(*xs, t=b"*"):
    return arr(*[bulk(x) for x in xs], t=t)


ABC = {b"a", b"b", b"c"}
H3 = {(b"a", b"1"), (b"b", b"2"), (b"c", b"3")}


def check(cmd, ra, rb, domain=None, dom_b=None):
    step = Step(cmd.split(), kind="rand")
    doms = None if domain is None else (domain, domain if dom_b is None else dom_b)
    return check_rand(step, ra, rb, doms)


@pytest.mark.parametrize("cmd,ra,rb,domain,dom_b", [
    ("SPOP s", bulk(b"a"), bulk(b"b"), ABC, None),
    ("SPOP s 2", bulks(b"a", b"b", t=b"~"), bulks(b"c", b"a", t=b"~"), ABC, None),
    ("SPOP s 5", bulks(b"a", b"b", b"c"), bulks(b"c", b"a", b"b"), ABC, None),
    ("SRANDMEMBER s -4", bulks(b"a", b"a", b"b", b"c"), bulks(b"c", b"c", b"c", b"c"), ABC,
     None),
    ("SPOP s 2", bulks(b"b"), bulks(b"c"), {b"b"}, {b"c"}),   # diverged after a pop
    ("HRANDFIELD h 2 WITHVALUES", bulks(b"a", b"1", b"c", b"3"),
     bulks(b"b", b"2", b"a", b"1"), H3, None),
    ("HRANDFIELD h -3 WITHVALUES", arr(bulks(b"a", b"1"), bulks(b"a", b"1"), bulks(b"b", b"2")),
     arr(bulks(b"c", b"3"), bulks(b"c", b"3"), bulks(b"c", b"3")), H3, None),
    ("RANDOMKEY", bulk(b"a"), bulk(b"c"), ABC, None),
    ("SPOP s 2", bulks(b"a", b"b"), bulks(b"c", b"a"), None, None),   # no domain: shape only
])
def test_rand_accepts_other_draws(cmd, ra, rb, domain, dom_b):
    check(cmd, ra, rb, domain, dom_b)


# wrong whatever the key holds: RESP type, size, repeated elements, error text
BAD_SHAPE = [
    ("SPOP s", bulk(b"a"), bulks(b"a")),                               # array for a bulk
    ("SPOP s", bulk(b"a"), b"$-1\r\n"),                                # null for a bulk
    ("RANDOMKEY", bulk(b"a"), b"+a\r\n"),                              # simple for a bulk
    ("SRANDMEMBER s 3", bulks(b"a", b"b", b"c"), bulks(b"a", b"b")),   # 2 for 3
    ("SRANDMEMBER s 2", bulks(b"a", b"b"), bulks(b"a", b"b", b"c")),   # 3 for 2
    ("SPOP s 2", bulks(b"a", b"b", t=b"~"), bulks(b"a", b"b")),        # array for a set
    ("SRANDMEMBER s 0", b"*0\r\n", b"$-1\r\n"),
    ("SRANDMEMBER s -2", bulks(b"a", b"a"), arr(bulk(b"a"), b":1\r\n")),
    ("SRANDMEMBER s 2", bulks(b"a", b"b"), bulks(b"a", b"a")),         # repeated
    ("HRANDFIELD h 2 WITHVALUES", arr(bulks(b"a", b"1"), bulks(b"b", b"2")),
     bulks(b"a", b"1", b"b", b"2")),                                  # flat in RESP3
    ("HRANDFIELD h 2 WITHVALUES", bulks(b"a", b"1", b"b", b"2"),
     bulks(b"a", b"1", b"a", b"1")),                                  # repeated field
    ("SPOP s -1", b"-ERR value is out of range, must be positive\r\n",
     b"-ERR value is out of range\r\n"),
]

# wrong because of what the key holds
BAD_CONTENT = [
    ("SPOP s 2", bulks(b"a", b"b"), bulks(b"a", b"z"), ABC),           # not a member
    ("SRANDMEMBER one -2", bulks(b"x", b"x"), bulks(b"x", b"y"), {b"x"}),
    ("RANDOMKEY", bulk(b"a"), bulk(b"z"), ABC),
    ("HRANDFIELD h 2 WITHVALUES", bulks(b"a", b"1", b"b", b"2"),
     bulks(b"a", b"2", b"b", b"1"), H3),                              # wrong values
    ("HRANDFIELD h 2", bulks(b"a", b"b"), bulks(b"a", b"1"), ABC),
]


@pytest.mark.parametrize("with_domain", [True, False], ids=["domain", "nodomain"])
@pytest.mark.parametrize("cmd,ra,rb", BAD_SHAPE)
def test_rand_rejects_bad_shapes(cmd, ra, rb, with_domain):
    domain = (H3 if "WITHVALUES" in cmd else ABC) if with_domain else None
    with pytest.raises(Mismatch):
        check(cmd, ra, rb, domain)


@pytest.mark.parametrize("cmd,ra,rb,domain", BAD_CONTENT)
def test_rand_rejects_bad_content(cmd, ra, rb, domain):
    with pytest.raises(Mismatch):
        check(cmd, ra, rb, domain)


def test_rand_flags_an_impossible_reference_reply():
    with pytest.raises(RuntimeError):
        check("SPOP s", bulk(b"z"), bulk(b"z"), ABC)


class FakeConn:
    """Answers *SCAN calls from a list of replies keyed by cursor."""

    def __init__(self, pages):
        self.pages = pages
        self.calls = []

    def call_raw(self, *args):
        self.calls.append(encode_command(*args))
        cursor = args[2] if args[0].upper() in ("SSCAN", "HSCAN") else args[1]
        return self.pages[cursor]


def page(cursor, *items):
    return arr(bulk(cursor), bulks(*items))


def test_hscan_union_of_pairs():
    a = FakeConn({"0": page(b"5", b"f1", b"v1"), "5": page(b"0", b"f2", b"v2", b"f1", b"v1")})
    b = FakeConn({"0": page(b"0", b"f2", b"v2", b"f1", b"v1")})
    c = FakeConn({"0": page(b"0", b"f2", b"v2", b"f1", b"WRONG")})
    args = ["HSCAN", "h", "0", "COUNT", "1"]
    want = ("ok", [(b"f1", b"v1"), (b"f2", b"v2")])
    assert scan_all(a, args) == want
    assert len(a.calls) == 2 and b"$1\r\n5\r\n" in a.calls[1]   # cursor moved to argv[2]
    assert scan_all(b, args) == want
    assert scan_all(c, args) != want
    with pytest.raises(ValueError):
        scan_all(FakeConn({"0": page(b"0", b"f1")}), args)   # odd: not pairs


def test_sscan_cursor_is_the_third_argument():
    a = FakeConn({"0": page(b"7", b"m1"), "7": page(b"0", b"m2")})
    assert scan_all(a, ["SSCAN", "s", "0"]) == ("ok", [b"m1", b"m2"])
    with pytest.raises(ValueError):   # a set where Redis has an array
        scan_all(FakeConn({"0": arr(bulk(b"0"), bulks(b"m1", t=b"~"))}), ["SSCAN", "s", "0"])
