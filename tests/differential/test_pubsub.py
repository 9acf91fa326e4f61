"""Pub/sub within one server, against redis-server 7.0, RESP2 and RESP3:
the confirmations of (P|S)SUBSCRIBE and (P|S)UNSUBSCRIBE, PING and the
refusal of other commands while a RESP2 client is subscribed, PUBLISH and
SPUBLISH counts, the messages each kind of subscriber reads (arrays in
RESP2, pushes in RESP3; a message a client publishes to itself comes
before the PUBLISH reply), PUBSUB CHANNELS / NUMSUB / NUMPAT /
SHARDCHANNELS / SHARDNUMSUB and their errors, and redis-py's pubsub().
Replies are compared byte for byte; where Redis lists several names in its
hash order (UNSUBSCRIBE of everything, PUBSUB CHANNELS), as sorted lists.
"""

import pytest

from difftools import switch_to_resp3

from lib.harness import wait_until
from lib import resp
from lib.resp import encode_command


def replies(conn, argv, n=1):
    """Sends one command and reads `n` raw replies (a SUBSCRIBE of several
    names confirms each)."""
    conn.send_raw(encode_command(*argv))
    return [conn.read_raw() for _ in range(n)]


def by_name(raw_replies):
    """Confirmations of an UNSUBSCRIBE of everything, which Redis sends in
    its hash order: the names confirmed, and the counts in the order sent
    (they go down by one whatever the order of the names)."""
    parsed = [resp.parse(r) for r in raw_replies]
    return sorted(bytes(p[1]) for p in parsed), [p[2] for p in parsed], [p[0] for p in parsed]


def both(diff_pair, proto):
    ref, sut = diff_pair
    r, m = ref.conn(), sut.conn()
    if proto == "3":
        switch_to_resp3(r, m)
    return r, m


# (argv, how many replies, compare sorted)
SCRIPT = [
    (("UNSUBSCRIBE",), 1, False), (("PUNSUBSCRIBE",), 1, False), (("SUNSUBSCRIBE",), 1, False),
    (("SUBSCRIBE",), 1, False), (("PUBLISH", "a"), 1, False), (("PUBSUB",), 1, False),
    (("SUBSCRIBE", "a"), 1, False), (("SUBSCRIBE", "a"), 1, False),
    (("SUBSCRIBE", "b", "c"), 2, False), (("PING",), 1, False), (("PING", "x"), 1, False),
    (("GET", "k"), 1, False), (("set", "k", "v"), 1, False), (("PSUBSCRIBE", "h*"), 1, False),
    (("SSUBSCRIBE", "s1", "s2"), 2, False), (("UNSUBSCRIBE", "b", "zz"), 2, False),
    (("UNSUBSCRIBE",), 2, True), (("PUNSUBSCRIBE", "h*"), 1, False),
    (("SUNSUBSCRIBE",), 2, True), (("PING",), 1, False), (("GET", "k"), 1, False),
    (("PUBSUB", "NUMPAT", "x"), 1, False), (("PUBSUB", "CHANNELS", "a", "b"), 1, False),
    (("PUBSUB", "FOO"), 1, False), (("PUBSUB", "HELP"), 1, False),
    (("PUBSUB", "NUMSUB"), 1, False), (("PUBSUB", "SHARDNUMSUB"), 1, False),
    (("PUBSUB", "HELP", "x"), 1, False), (("SPUBLISH", "s"), 1, False),
    (("pubsub", "shardchannels", "a", "b"), 1, False), (("PSUBSCRIBE",), 1, False),
]


@pytest.mark.parametrize("proto", ["2", "3"])
def test_subscription_replies_match_redis(diff_pair, proto):
    r, m = both(diff_pair, proto)
    for argv, n, unordered in SCRIPT:
        want, got = replies(r, argv, n), replies(m, argv, n)
        if unordered:
            want, got = by_name(want), by_name(got)
        assert got == want, argv


@pytest.mark.parametrize("proto", ["2", "3"])
def test_messages_reach_every_kind_of_subscriber_as_redis_sends_them(diff_pair, proto):
    ref, sut = diff_pair
    seen = {}
    for name, s in (("redis", ref), ("meridian", sut)):
        sub2, sub3, pub = s.conn(), s.conn(), s.conn()
        sub3.call("HELLO", "3")
        if proto == "3":
            pub.call("HELLO", "3")
        out = []
        out += replies(sub2, ("SUBSCRIBE", "news"))
        out += replies(sub2, ("PSUBSCRIBE", "n*"))
        out += replies(sub3, ("SUBSCRIBE", "news"))
        out += replies(sub3, ("SSUBSCRIBE", "shard"))
        # the publisher listens too: its own message comes before its reply
        out += replies(pub, ("SUBSCRIBE", "news")) if proto == "3" else []
        out += replies(pub, ("PUBLISH", "news", "hello\r\nworld"), 2 if proto == "3" else 1)
        out += [sub2.read_raw(), sub2.read_raw(), sub3.read_raw()]
        out += replies(pub, ("PUBLISH", "nothing-here", "x"))
        out += [sub2.read_raw()]  # the pattern matches it
        out += replies(pub, ("SPUBLISH", "shard", "s"))
        out += [sub3.read_raw()]
        out += replies(pub, ("PUBLISH", "shard", "not a shard message"))
        out += replies(pub, ("PUBSUB", "NUMSUB", "news", "shard", "none"))
        out += replies(pub, ("PUBSUB", "SHARDNUMSUB", "shard", "news"))
        out += replies(pub, ("PUBSUB", "NUMPAT"))
        out += replies(pub, ("PUBSUB", "SHARDCHANNELS"))
        out += replies(pub, ("PUBSUB", "CHANNELS", "ne*"))
        seen[name] = out
        for c in (sub2, sub3, pub):
            c.close()
    assert seen["meridian"] == seen["redis"]


def test_a_closed_subscriber_is_forgotten(sut_factory):
    s = sut_factory()
    sub, admin = s.conn(), s.conn()
    replies(sub, ("SUBSCRIBE", "gone"))
    replies(sub, ("PSUBSCRIBE", "g*"))
    assert admin.call("PUBSUB", "NUMSUB", "gone") == [b"gone", 1]
    sub.close()
    wait_until(lambda: admin.call("PUBSUB", "NUMSUB", "gone") == [b"gone", 0],
               desc="the closed subscriber removed")
    assert admin.call("PUBSUB", "NUMPAT") == 0
    assert admin.call("PUBLISH", "gone", "x") == 0


def test_redis_py_pubsub_works_unchanged(sut_factory):
    r = sut_factory().redis()
    p = r.pubsub()
    p.subscribe("updates")
    p.psubscribe("up*")
    assert wait_until(lambda: p.get_message(timeout=0.1), desc="subscribe confirmed")["type"] \
        == "subscribe"
    wait_until(lambda: p.get_message(timeout=0.1), desc="psubscribe confirmed")
    assert r.publish("updates", "v1") == 2
    got = []
    wait_until(lambda: got.append(p.get_message(timeout=0.1)) or len([g for g in got if g]) == 2,
               desc="both deliveries")
    kinds = sorted((g["type"], g["data"]) for g in got if g)
    assert kinds == [("message", b"v1"), ("pmessage", b"v1")]
    p.close()
