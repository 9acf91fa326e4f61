"""Blocking commands against redis-server 7.0, RESP2 and RESP3, byte for
byte: BLPOP BRPOP BLMOVE BRPOPLPUSH BLMPOP BZPOPMIN BZPOPMAX BZMPOP, their
argument errors, immediate answers, waiting clients woken by another
client's write (oldest first; a BLMOVE feeding another waiter), XREAD and
XREADGROUP BLOCK (a group's waiter answered with an error when its group or
stream goes), staying
blocked while the key holds another type (WRONGTYPE for a BLMOVE whose
destination does), timeouts (a nil array), a
pipelined command answered only after the blocked one, MULTI (answers at
once), and a client that leaves while blocked.

Scripts run over three connections per server. A step is
("call", n, cmd): send and compare the reply; ("send", n, cmd): send only
(the client blocks); ("read", n): compare the next reply of a blocked
client; ("quiet", n): neither server has answered client n yet (each
server reports as blocked every client still owed a reply). A blocking
send is followed by a quiet step, so that another client's write cannot
overtake it on its way to the server."""

import pytest

from difftools import parse_line, reset_keyspace, switch_to_resp3
from lib.harness import wait_until
from lib.resp import encode_command

ERRORS = [
    "BLPOP", "BLPOP l", "BLPOP l abc", "BLPOP l -1", "BLPOP l 1e20", "BLPOP l inf", "BLPOP l nan",
    "BLPOP l ''", "BLPOP l ' 1'", "BRPOP l 1x", "BLMOVE a b LEFT UP 0", "BLMOVE a b LEFT LEFT x",
    "BLMOVE a b", "BRPOPLPUSH a b x", "BRPOPLPUSH a b", "BLMPOP 0", "BLMPOP 0 0 l LEFT",
    "BLMPOP 0 1 l LEFT COUNT 0", "BLMPOP 0 1 l UP", "BLMPOP x 1 l LEFT", "BLMPOP 0 2 l LEFT",
    "BLMPOP 0 1 l LEFT COUNT", "BZPOPMIN z", "BZPOPMIN z x", "BZPOPMAX z -2", "BZMPOP 0 1 z UP",
    "BZMPOP x 1 z MIN", "BZMPOP 0 1 z MIN COUNT -1", "SET s x", "BLPOP s 0", "BZPOPMIN s 0",
    "BLMOVE s b LEFT LEFT 0", "BLMPOP 0 1 s LEFT", "BZMPOP 0 1 s MAX",
    # something there: answered at once
    "RPUSH l a b c d", "BLPOP nokey l 0", "BRPOP l 0", "BLMPOP 0 2 nokey l RIGHT COUNT 5",
    "RPUSH l a b", "BLMOVE l l2 RIGHT LEFT 0", "BRPOPLPUSH l l2 0", "LRANGE l2 0 -1",
    "ZADD z 1 a 2 b 3 c", "BZPOPMAX z 0", "BZPOPMIN nokey z 0", "BZMPOP 0 1 z MIN COUNT 9",
    "EXISTS z", "BLPOP l 0.01", "BZPOPMIN z 0.01", "BLMPOP 0.01 1 l LEFT",
    "MULTI", "BLPOP l 0", "RPUSH l x", "BLPOP l 0", "BRPOPLPUSH l l2 0", "BZPOPMIN z 0", "EXEC",
    # XREAD BLOCK: the timeout is milliseconds, a strict integer >= 0 ("timeout is negative");
    # BLOCK and COUNT are parsed in order, before STREAMS, the keys and the ids
    "XREAD BLOCK x STREAMS xs $", "XREAD BLOCK -1 STREAMS xs $", "XREAD BLOCK 1.5 STREAMS xs $",
    "XREAD BLOCK '' STREAMS xs $", "XREAD BLOCK ' 1' STREAMS xs $", "XREAD BLOCK +0 STREAMS xs $",
    "XREAD BLOCK 01 STREAMS xs $", "XREAD BLOCK -0 STREAMS xs $",
    "XREAD BLOCK 9223372036854775808 STREAMS xs $", "XREAD BLOCK STREAMS xs $",
    "XREAD BLOCK -1 BLOCK 0 STREAMS xs $", "XREAD BLOCK 0 COUNT x STREAMS xs $",
    "XREAD COUNT x BLOCK x STREAMS xs $", "XREAD BLOCK x COUNT x STREAMS xs $",
    "XREAD BLOCK 0 COUNT STREAMS xs $", "XREAD BLOCK 0 STREAMS xs xt $",
    "XREAD BLOCK 0 STREAMS xs x", "XREAD BLOCK 0 STREAMS xs >", "XREAD BLOCK 0 STREAMS xs",
    "XREAD BLOCK 0 NOACK STREAMS xs $", "XREAD BLOCK 0", "XREAD BLOCK 0 STREAMS s $",
    "XREAD BLOCK 0 STREAMS xs s 0 $", "XREAD BLOCK -1 STREAMS s $",
    # something above the ids given: answered at once (COUNT 0 or negative: no limit)
    "XADD xs 1 f v", "XADD xs 2 g w", "XREAD BLOCK 0 STREAMS xs 0", "XREAD BLOCK 0 STREAMS xs 1-5",
    "XREAD BLOCK 0 COUNT 1 STREAMS nokey xs 0 0", "XREAD BLOCK 0 BLOCK 0 STREAMS xs 0",
    "XREAD BLOCK 0 COUNT -3 STREAMS xs 1", "XREAD BLOCK 10 STREAMS xs $",
    "XREAD BLOCK 10 STREAMS xs 2",
    "MULTI", "XREAD BLOCK 0 STREAMS xs $", "XADD xs 3 h x", "XREAD BLOCK 0 STREAMS xs 2",
    "XREAD BLOCK 0 STREAMS nokey $", "EXEC",
    # XREADGROUP BLOCK: the same timeout rules; a group with nothing new in MULTI answers nil
    "XGROUP CREATE gs g $ MKSTREAM", "XREADGROUP GROUP g c BLOCK x STREAMS gs >",
    "XREADGROUP GROUP g c BLOCK -1 STREAMS gs >", "XREADGROUP GROUP g c BLOCK 10 STREAMS gs >",
    "XREADGROUP GROUP g c BLOCK 0 STREAMS gs 0", "XREADGROUP GROUP nog c BLOCK 0 STREAMS gs >",
    "MULTI", "XREADGROUP GROUP g c BLOCK 0 STREAMS gs >", "EXEC",
]

SCRIPTS = {
    "woken-by-push": [
        ("send", 0, "BLPOP l1 l2 0"), ("quiet", 0), ("call", 1, "RPUSH l2 a b"), ("read", 0),
        ("call", 1, "LRANGE l2 0 -1"), ("send", 0, "BRPOP l1 0"), ("quiet", 0),
        ("call", 1, "LPUSH l1 x y z"), ("read", 0), ("call", 1, "LRANGE l1 0 -1"),
    ],
    "oldest-first": [
        ("send", 0, "BLPOP q 0"), ("quiet", 0), ("send", 1, "BLPOP q 0"), ("quiet", 1),
        ("call", 2, "RPUSH q one"), ("read", 0), ("quiet", 1), ("call", 2, "RPUSH q two three"),
        ("read", 1), ("call", 2, "LRANGE q 0 -1"),
    ],
    "blmove-feeds-a-waiter": [
        ("send", 0, "BLMOVE src dst RIGHT LEFT 0"), ("quiet", 0), ("send", 1, "BLPOP dst 0"),
        ("quiet", 1), ("call", 2, "LPUSH src job"), ("read", 0), ("read", 1),
        ("call", 2, "EXISTS src dst"), ("send", 0, "BRPOPLPUSH src dst 0"), ("quiet", 0),
        ("call", 2, "RPUSH src j2"), ("read", 0), ("call", 2, "LRANGE dst 0 -1"),
    ],
    "wrong-type-keeps-waiting": [
        ("send", 0, "BLPOP k 0"), ("quiet", 0), ("call", 1, "SET k str"), ("quiet", 0),
        ("call", 1, "DEL k"), ("call", 1, "RPUSH k v"), ("read", 0),
        # a destination of another type when it is served: WRONGTYPE, nothing moved
        ("send", 0, "BLMOVE k2 d RIGHT LEFT 0"), ("quiet", 0), ("call", 1, "SET d str"),
        ("call", 1, "RPUSH k2 v"), ("read", 0),
        ("call", 1, "LRANGE k2 0 -1"), ("call", 1, "GET d"),
    ],
    "sorted-sets": [
        ("send", 0, "BZPOPMIN z1 z2 0"), ("quiet", 0), ("call", 1, "ZADD z2 5 five 1 one"),
        ("read", 0), ("send", 0, "BZPOPMAX z1 0"), ("quiet", 0),
        ("call", 1, "ZADD z1 1.5 a 2.5 b"), ("read", 0),
        # answered at once from z1 (z0 is empty)
        ("call", 0, "BZMPOP 0 2 z0 z1 MIN COUNT 5"), ("call", 1, "ZADD z0 7 s"),
        ("call", 1, "ZRANGE z1 0 -1 WITHSCORES"), ("call", 1, "ZRANGE z0 0 -1"),
    ],
    "blmpop-count": [
        ("send", 0, "BLMPOP 0 2 a b RIGHT COUNT 2"), ("quiet", 0), ("call", 1, "RPUSH b 1 2 3"),
        ("read", 0), ("call", 1, "LRANGE b 0 -1"),
    ],
    "timeouts": [
        ("send", 0, "BLPOP t 0.2"), ("send", 1, "BZPOPMIN tz 0.2"),
        ("send", 2, "BLMOVE t u LEFT LEFT 0.2"), ("read", 0), ("read", 1), ("read", 2),
        ("send", 0, "BLMPOP 0.1 1 t LEFT"), ("read", 0), ("call", 0, "PING"),
    ],
    "pipelined-behind": [
        ("send", 0, "BLPOP p 0"), ("quiet", 0), ("send", 0, "PING"), ("send", 0, "GET after"),
        ("quiet", 0), ("call", 1, "SET after 1"), ("call", 1, "RPUSH p v"), ("read", 0),
        ("read", 0), ("read", 0),
    ],
    # XREAD BLOCK: "$" is the stream's last id when the client blocks (0-0 on a missing key);
    # an XADD above it answers every waiting reader with the new entries (COUNT applies)
    "xread-woken-by-xadd": [
        ("send", 0, "XREAD BLOCK 0 STREAMS s $"), ("quiet", 0), ("call", 1, "XADD s 5-1 f v"),
        ("read", 0), ("send", 0, "XREAD BLOCK 0 STREAMS s $"), ("quiet", 0),
        ("send", 1, "XREAD BLOCK 0 STREAMS s 5-1"), ("quiet", 1), ("call", 2, "XADD s 6 g w"),
        ("read", 0), ("read", 1), ("send", 0, "XREAD COUNT 1 BLOCK 0 STREAMS s $"), ("quiet", 0),
        ("call", 1, "MULTI"), ("call", 1, "XADD s 7 a 1"), ("call", 1, "XADD s 8 b 2"),
        ("call", 1, "EXEC"), ("read", 0), ("call", 1, "XLEN s"),
    ],
    # two streams: only the one that got entries is in the reply; an explicit id above the
    # top waits until an entry above that id arrives
    "xread-two-streams": [
        ("call", 1, "XADD s2 3 old x"),
        ("send", 0, "XREAD BLOCK 0 STREAMS s1 s2 $ $"), ("quiet", 0),
        ("call", 1, "XADD s2 4 new y"), ("read", 0),
        ("send", 0, "XREAD BLOCK 0 COUNT 5 STREAMS s1 s2 0 9"), ("quiet", 0),
        ("call", 1, "XADD s2 5 a 1"), ("quiet", 0), ("call", 1, "XADD s1 1 b 2"), ("read", 0),
        ("send", 0, "XREAD BLOCK 0 STREAMS s2 9"), ("quiet", 0), ("call", 1, "XADD s2 9 c 3"),
        ("quiet", 0), ("call", 1, "XADD s2 10 d 4"), ("read", 0),
    ],
    # XDEL, XTRIM and XSETID wake nobody; neither do an entry at or below the reader's id
    # (the stream deleted and made again with smaller ids) nor a NOMKSTREAM add that adds
    # nothing; the next entry above the id is the whole answer
    "xread-not-woken": [
        ("call", 1, "XADD s 1 a 1"), ("send", 0, "XREAD BLOCK 0 STREAMS s $"), ("quiet", 0),
        ("call", 1, "XDEL s 1"), ("quiet", 0), ("call", 1, "XTRIM s MAXLEN 0"), ("quiet", 0),
        ("call", 1, "XSETID s 9"), ("quiet", 0), ("call", 1, "XADD s 5 f v"), ("quiet", 0),
        ("call", 1, "XADD s 10 f v"), ("read", 0),
        ("send", 0, "XREAD BLOCK 0 STREAMS s $"), ("quiet", 0), ("call", 1, "DEL s"),
        ("call", 1, "XADD s 3 f v"), ("quiet", 0), ("call", 1, "XADD s 11 g v"), ("read", 0),
        ("send", 0, "XREAD BLOCK 0 STREAMS n $"), ("quiet", 0),
        ("call", 1, "XADD n NOMKSTREAM 1 a 1"), ("quiet", 0), ("call", 1, "XADD n 2 b 2"),
        ("read", 0),
    ],
    # a key of another type keeps a reader waiting (no WRONGTYPE reply) until a stream is there
    "xread-wrong-type-keeps-waiting": [
        ("send", 0, "XREAD BLOCK 0 STREAMS k $"), ("quiet", 0), ("call", 1, "SET k str"),
        ("quiet", 0), ("call", 1, "DEL k"), ("call", 1, "RPUSH k x"), ("quiet", 0),
        ("call", 1, "DEL k"), ("call", 1, "HSET k f v"), ("quiet", 0), ("call", 1, "DEL k"),
        ("call", 1, "XADD k 1 f v"), ("read", 0),
    ],
    # a stream renamed onto the key wakes the reader (its entries are above 0-0); an XADD
    # whose MAXLEN 0 trims the new entry at once still wakes it, with an empty entry list
    "xread-rename-and-trimmed-add": [
        ("send", 0, "XREAD BLOCK 0 STREAMS r $"), ("quiet", 0), ("call", 1, "XADD other 7 a 1"),
        ("call", 1, "RENAME other r"), ("read", 0),
        ("send", 0, "XREAD BLOCK 0 STREAMS m $"), ("quiet", 0),
        ("call", 1, "XADD m MAXLEN 0 1 a 1"), ("read", 0), ("call", 1, "XLEN m"),
    ],
    # BLOCK with a timeout in milliseconds: a null array when it passes
    "xread-timeouts": [
        ("send", 0, "XREAD BLOCK 200 STREAMS t $"), ("send", 1, "XREAD BLOCK 100 STREAMS t t2 $ 0"),
        ("read", 0), ("read", 1), ("call", 0, "PING"), ("call", 1, "EXISTS t t2"),
    ],
    # XREADGROUP BLOCK ">": the oldest waiter gets the new entry (and it is pending); the
    # next waiter still has nothing new for the group and waits for the next entry
    "xreadgroup-woken-by-xadd": [
        ("call", 2, "XGROUP CREATE q g $ MKSTREAM"),
        ("send", 0, "XREADGROUP GROUP g c0 BLOCK 0 STREAMS q >"), ("quiet", 0),
        ("send", 1, "XREADGROUP GROUP g c1 COUNT 5 BLOCK 0 STREAMS q >"), ("quiet", 1),
        ("call", 2, "XADD q 1 job a"), ("read", 0), ("quiet", 1),
        ("call", 2, "MULTI"), ("call", 2, "XADD q 2 job b"), ("call", 2, "XADD q 3 job c"),
        ("call", 2, "EXEC"), ("read", 1), ("call", 2, "XPENDING q g"),
        ("send", 0, "XREADGROUP GROUP g c0 NOACK BLOCK 0 STREAMS q >"), ("quiet", 0),
        ("call", 2, "XADD q 4 job d"), ("read", 0), ("call", 2, "XPENDING q g"),
        ("call", 2, "XINFO GROUPS q"),
    ],
    # a waiter whose group is destroyed, or whose stream is deleted, gets an error; one
    # whose time passes gets nil and created no consumer
    "xreadgroup-group-or-stream-gone": [
        ("call", 2, "XGROUP CREATE q g $ MKSTREAM"),
        ("send", 0, "XREADGROUP GROUP g c0 BLOCK 0 STREAMS q >"), ("quiet", 0),
        ("call", 2, "XGROUP DESTROY q g"), ("read", 0),
        ("call", 2, "XGROUP CREATE q g $"),
        ("send", 0, "XREADGROUP GROUP g c0 BLOCK 0 STREAMS q >"), ("quiet", 0),
        ("call", 2, "DEL q"), ("read", 0),
        ("call", 2, "XGROUP CREATE q g $ MKSTREAM"),
        ("send", 1, "XREADGROUP GROUP g c1 BLOCK 100 STREAMS q >"), ("read", 1),
        ("call", 2, "XINFO CONSUMERS q g"),
    ],
    "push-in-a-transaction": [
        ("send", 0, "BLPOP tx 0"), ("quiet", 0), ("call", 1, "MULTI"), ("call", 1, "RPUSH tx a"),
        ("call", 1, "RPUSH tx b"), ("call", 1, "LPOP tx"), ("call", 1, "EXEC"), ("read", 0),
        ("call", 1, "LRANGE tx 0 -1"),
    ],
}


def step_args(text):
    return parse_line(text).args


def blocked_clients(conn):
    """INFO clients' blocked_clients of the server behind `conn`."""
    info = conn.call("INFO", "clients")
    text = info.decode() if isinstance(info, bytes) else str(info)
    return int(text.split("blocked_clients:")[1].split()[0])


def run_blocking(pair, name, steps, proto):
    ref_srv, sut_srv = pair
    conns = [(ref_srv.conn(), sut_srv.conn()) for _ in range(3)]
    watch = (ref_srv.conn(), sut_srv.conn())  # asks each server who is blocked
    outstanding = [0] * len(conns)  # replies each client still waits for
    try:
        if proto == 3:
            for r, m in conns:
                switch_to_resp3(r, m)
        reset_keyspace(conns[0][0], conns[0][1], [])
        for i, (kind, n, *rest) in enumerate(steps):
            r, m = conns[n]
            where = "%s step %d %s %s (RESP%d)" % (name, i, kind, rest, proto)
            if kind in ("call", "send"):
                for c in (r, m):
                    c.send_raw(encode_command(*step_args(rest[0])))
                outstanding[n] += 1
            if kind in ("call", "read"):
                a, b = r.read_raw(timeout=5), m.read_raw(timeout=5)
                outstanding[n] -= 1
                assert a == b, "%s: redis %r, meridian %r" % (where, a, b)
            if kind == "quiet":
                # Every client still owed a reply is blocked on the server:
                # none of them has been answered (nor can be, while blocked).
                expected = sum(1 for o in outstanding if o > 0)
                for label, w, c in (("redis", watch[0], r), ("meridian", watch[1], m)):
                    wait_until(lambda: blocked_clients(w) == expected, timeout=5,
                               desc="%s: %d clients blocked on %s" % (where, expected, label))
                    assert not c.has_pending(), "%s: %s answered" % (where, label)
    finally:
        for r, m in conns + [watch]:
            r.close()
            m.close()


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_errors_and_immediate_answers(live_pair, proto):
    run_blocking(live_pair, "errors", [("call", 0, e) for e in ERRORS], proto)


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_blocking_script(live_pair, name, proto):
    run_blocking(live_pair, name, SCRIPTS[name], proto)


def test_a_client_that_leaves_while_blocked_takes_nothing(live_pair):
    for srv in live_pair:
        a, b = srv.conn(), srv.conn()
        a.send_raw(encode_command("BLPOP", "gone", "0"))
        wait_until(lambda: blocked_clients(b) == 1, timeout=5, desc="%s: blocked" % srv.kind)
        a.close()
        # the server noticed the close before the push
        wait_until(lambda: blocked_clients(b) == 0, timeout=5, desc="%s: gone" % srv.kind)
        assert b.call("RPUSH", "gone", "x") == 1
        assert b.call("LRANGE", "gone", "0", "-1") == [b"x"], srv.kind
        b.call("DEL", "gone")
        b.close()
