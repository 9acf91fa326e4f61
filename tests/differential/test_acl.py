"""ACL against redis-server 7.0, RESP2 and RESP3, byte for byte: SETUSER's
rule language and its errors, GETUSER / LIST / USERS as Redis describes
users, DRYRUN, NOPERM for commands, subcommands, keys (%R~ / %W~ by what
each command does to its keys) and channels, at the top level, in MULTI
(queued and at EXEC) and in scripts, AUTH as users, ACL LOG (ages and
client lines masked), WHOAMI, CAT, GENPASS, HELP and the argument errors.
Lines "1: ..." run on a second connection (the restricted user's).

Not compared: a description whose categories leave several single commands
to list (Redis lists them in its hash table's order, which changes with
every start); selectors, which Meridian refuses.
"""

import re

import pytest

from difftools import run_conns_script

PW = "pw"

CASES = {
    "setuser-and-describe": [
        "ACL SETUSER a1", "ACL GETUSER a1",
        "ACL SETUSER a1 +get +set -get +GET +@read -@read", "ACL GETUSER a1",
        "ACL SETUSER a2 +@read -get", "ACL GETUSER a2",
        "ACL SETUSER a3 +@all -@read +get", "ACL GETUSER a3",
        "ACL SETUSER a4 +set +get -@all +del", "ACL GETUSER a4",
        "ACL SETUSER a5 +@read +@write -@read", "ACL GETUSER a5",
        "ACL SETUSER a6 +get +@string", "ACL GETUSER a6",
        "ACL SETUSER a7 +config|get +config", "ACL GETUSER a7",
        "ACL SETUSER a8 +config -config|get", "ACL GETUSER a8",
        "ACL SETUSER a9 +@all -config|set -@dangerous", "ACL GETUSER a9",
        "ACL SETUSER a10 +get|x +get", "ACL GETUSER a10",
        "ACL SETUSER a11 +select|0 +select|1 on >x >y <x", "ACL GETUSER a11",
        "ACL SETUSER a12 %R~a %W~a %RW~b ~c %R~c &x &x &y", "ACL GETUSER a12",
        "ACL SETUSER a13 on nopass allkeys allchannels +@all", "ACL GETUSER a13",
        "ACL SETUSER a14 on >p nopass", "ACL SETUSER a15 nopass >a",
        "ACL SETUSER a16 on >a resetpass", "ACL SETUSER a17 on ~x &y +get reset",
        "ACL SETUSER a18 skip-sanitize-payload", "ACL SETUSER a19 +@all -@all",
        "ACL SETUSER a20 +@all -get", "ACL SETUSER a21 +acl|whoami +@all",
        "ACL SETUSER a22 " + "#" + "a" * 64 + " #" + "b" * 64 + " !" + "a" * 64,
        "ACL SETUSER a23 > on", "ACL SETUSER a24 +@MERIDIAN-not-a-category-in-redis",
        "ACL SETUSER a25 ~k* resetkeys %W~w",
        "ACL LIST", "ACL USERS",
        "ACL GETUSER a14", "ACL GETUSER a15", "ACL GETUSER a16", "ACL GETUSER a17",
        "ACL GETUSER a18", "ACL GETUSER a19", "ACL GETUSER a20", "ACL GETUSER a21",
        "ACL GETUSER a22", "ACL GETUSER a23", "ACL GETUSER a25", "ACL GETUSER nosuch",
        "ACL DELUSER nosuch a1 a2 a2", "ACL DELUSER default a3", "ACL USERS",
    ],
    "setuser-errors": [
        "ACL SETUSER e1 +bogus", "ACL SETUSER e1 +@bogus", "ACL SETUSER e1 <nope",
        "ACL SETUSER e1 #abc", "ACL SETUSER e1 !abc", "ACL SETUSER e1 foo",
        "ACL SETUSER e1 ~k* allkeys ~y", "ACL SETUSER e1 allchannels &y",
        "ACL SETUSER e1 resetkeys %X~y", "ACL SETUSER e1 %~x", "ACL SETUSER e1 -get|x",
        "ACL SETUSER e1 +config|get|x", "ACL SETUSER e1 +config|bogus",
        "ACL SETUSER e1 on >pw +get +nosuch", "ACL GETUSER e1", "ACL USERS",
        "ACL SETUSER", "ACL GETUSER", "ACL GETUSER a b", "ACL DELUSER", "ACL DRYRUN x",
        "ACL DRYRUN x y", "ACL LIST x", "ACL USERS x", "ACL WHOAMI x", "ACL CAT a b",
        "ACL SAVE x", "ACL LOAD x", "ACL HELP x", "ACL BOGUS", "ACL", "ACL LOG 1 2",
        "ACL LOG x", "ACL LOG -1", "ACL GENPASS 0", "ACL GENPASS 4097", "ACL GENPASS x",
        "ACL GENPASS 1 2", "ACL SAVE", "ACL LOAD",
    ],
    "dryrun": [
        "ACL SETUSER w on nopass %W~w* %R~r* ~rw* &ch* +@all -flushall",
        "ACL DRYRUN w SET wkey v", "ACL DRYRUN w SET wkey v GET", "ACL DRYRUN w GET wkey",
        "ACL DRYRUN w SET rkey v", "ACL DRYRUN w GET rkey", "ACL DRYRUN w LPUSH wl a",
        "ACL DRYRUN w LMOVE rl wl LEFT RIGHT", "ACL DRYRUN w COPY rkey wkey",
        "ACL DRYRUN w DEL wkey", "ACL DRYRUN w EXISTS rkey", "ACL DRYRUN w EXISTS wkey",
        "ACL DRYRUN w EXISTS zz", "ACL DRYRUN w PUBLISH ch1 x", "ACL DRYRUN w PUBLISH x x",
        "ACL DRYRUN w SUBSCRIBE cha x", "ACL DRYRUN w PSUBSCRIBE ch*",
        "ACL DRYRUN w PSUBSCRIBE ch1*", "ACL DRYRUN w GET zz", "ACL DRYRUN w APPEND wkey x",
        "ACL DRYRUN w INCR wkey", "ACL DRYRUN w INCR rwkey", "ACL DRYRUN w FLUSHALL",
        "ACL DRYRUN w MSET w1 a w2 b", "ACL DRYRUN w MSET w1 a r2 b",
        "ACL DRYRUN w MGET r1 rw2", "ACL DRYRUN w MGET r1 w2",
        "ACL DRYRUN w ZUNIONSTORE wd 2 r1 r2", "ACL DRYRUN w ZUNIONSTORE wd 2 r1 x",
        "ACL DRYRUN w ZUNIONSTORE rd 1 r1", "ACL DRYRUN w SORT rkey STORE wdst",
        "ACL DRYRUN w SORT rkey STORE rdst", "ACL DRYRUN w SORT rkey",
        "ACL DRYRUN w XREAD COUNT 1 STREAMS r1 rw2 0 0",
        "ACL DRYRUN w XREAD COUNT 1 STREAMS r1 w2 0 0",
        "ACL DRYRUN w XADD w1 * f v", "ACL DRYRUN w XADD r1 * f v",
        "ACL DRYRUN w EVAL x 2 rw1 rw2", "ACL DRYRUN w EVAL x 1 r1",
        "ACL DRYRUN w BITFIELD wk GET u8 0", "ACL DRYRUN w BITFIELD rk GET u8 0",
        "ACL DRYRUN w BITFIELD rk SET u8 0 1", "ACL DRYRUN w GEOSEARCHSTORE wd r1 FROMLONLAT 0 0 BYRADIUS 1 km",
        "ACL DRYRUN w RENAME rw1 w2", "ACL DRYRUN w SMOVE rwa rwb m",
        "ACL DRYRUN w CONFIG GET maxmemory", "ACL DRYRUN w BLPOP rw1 w2 0",
        "ACL SETUSER s on nopass allkeys +config|get +select|0 +client",
        "ACL DRYRUN s CONFIG GET x", "ACL DRYRUN s CONFIG SET x y", "ACL DRYRUN s SELECT 0",
        "ACL DRYRUN s SELECT 1", "ACL DRYRUN s CLIENT ID", "ACL DRYRUN s GET k",
        "ACL DRYRUN nosuch GET x", "ACL DRYRUN s bogus", "ACL DRYRUN s GET",
        "ACL DRYRUN s AUTH a b",
    ],
    "noperm": [
        "ACL SETUSER p on >" + PW + " ~k* &ch -@all +get +set +subscribe +publish +multi "
        "+exec +eval +acl|whoami +acl|log +config|get +config|set",
        "ACL LOG RESET",
        "1: AUTH p " + PW, "1: ACL WHOAMI", "1: SET k1 v", "1: GET x", "1: GET k1",
        "1: DEL k1", "1: CONFIG GET notify-keyspace-events", "1: CONFIG RESETSTAT",
        "1: PUBLISH zz m", "1: PUBLISH ch m",
        "1: MULTI", "1: SET k1 v", "1: GET x", "1: EXEC",
        "1: MULTI", "1: SET k1 w", "1: GET k1", "1: EXEC",
        "1: EVAL \"return redis.call('set','k2','v')\" 0",
        "1: EVAL \"return redis.pcall('get','x')\" 0",
        "1: EVAL \"return redis.pcall('del','k2')\" 0",
        "1: EVAL \"return redis.pcall('publish','zz','m')\" 0",
        "1: @acllog ACL LOG 1", "1: ACL SETUSER x",
        "@acllog ACL LOG", "@acllog ACL LOG 2",
        # the rules change between MULTI and EXEC
        "1: MULTI", "1: SET k3 v", "1: GET k3",
        "ACL SETUSER p -set",
        "1: EXEC", "1: GET k3",
        "@acllog ACL LOG 3",
        "ACL SETUSER p off", "1: GET k3", "1: AUTH p " + PW, "@acllog ACL LOG 1",
        "ACL SETUSER p on", "1: AUTH p wrong", "1: AUTH nobody " + PW, "1: AUTH p " + PW,
        "1: ACL WHOAMI", "@acllog ACL LOG 2", "CONFIG GET acllog-max-len",
        "CONFIG SET acllog-max-len 1", "@acllog ACL LOG", "CONFIG SET acllog-max-len 128",
        "ACL LOG RESET", "ACL LOG",
    ],
    "auth": [
        "ACL SETUSER u1 on >one >two ~* +@all", "ACL SETUSER u2 off >x ~* +@all",
        "1: AUTH u1 one", "1: ACL WHOAMI", "1: AUTH u1 two", "1: AUTH u1 three",
        "1: ACL WHOAMI", "1: AUTH u2 x", "1: @hello HELLO 2 AUTH u1 one", "1: HELLO 2 AUTH u2 x",
        "1: AUTH default x", "1: AUTH x", "1: ACL WHOAMI",
        "ACL SETUSER u1 <one", "1: AUTH u1 one", "1: AUTH u1 two",
    ],
}


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_acl_script(live_pair, name, proto):
    ref, sut = live_pair
    # every case starts from the default user alone and an empty log
    for srv in (ref, sut):
        c = srv.conn()
        try:
            users = [u.decode() for u in c.call("ACL", "USERS")]
            others = [u for u in users if u != "default"]
            if others:
                c.call("ACL", "DELUSER", *others)
            c.call("ACL", "LOG", "RESET")
        finally:
            c.close()
    run_conns_script(live_pair, name, CASES[name], proto)


def test_acl_cat_lists_what_redis_lists(live_pair):
    """Each category holds, of the commands Meridian answers, those Redis puts
    there (Redis' order is its hash table's; compared as sets); Meridian
    adds @meridian for its MR.* commands."""
    ref, sut = live_pair
    r, m = ref.conn(), sut.conn()
    try:
        ref_cats = [x.decode() for x in r.call("ACL", "CAT")]
        sut_cats = [x.decode() for x in m.call("ACL", "CAT")]
        assert sut_cats == ref_cats + ["meridian"]
        answered = {x.decode() for x in m.call("COMMAND", "LIST")}
        for cat in ref_cats:
            want = {x.decode() for x in r.call("ACL", "CAT", cat)}
            want = {c for c in want if c.split("|")[0] in answered}
            got = {x.decode() for x in m.call("ACL", "CAT", cat)}
            assert {c for c in got if not c.startswith("mr.")} == want, cat
        mine = {x.decode() for x in m.call("ACL", "CAT", "meridian")}
        assert mine == {c for c in answered if c.startswith("mr.")}
    finally:
        r.close()
        m.close()


def test_genpass_and_help(live_pair):
    ref, sut = live_pair
    r, m = ref.conn(), sut.conn()
    try:
        for args in ((), ("5",), ("64",), ("4096",)):
            a, b = r.call("ACL", "GENPASS", *args), m.call("ACL", "GENPASS", *args)
            assert len(a) == len(b) and re.fullmatch(rb"[0-9a-f]+", b), (args, a, b)
        assert m.call("ACL", "GENPASS") != m.call("ACL", "GENPASS")
        assert r.call_raw("ACL", "HELP") == m.call_raw("ACL", "HELP")
    finally:
        r.close()
        m.close()


def test_command_info_reports_redis_categories(live_pair):
    """COMMAND INFO's seventh field: the command's ACL categories, as Redis'."""
    ref, sut = live_pair
    r, m = ref.conn(), sut.conn()
    try:
        names = sorted(x.decode() for x in m.call("COMMAND", "LIST"))
        redis_names = [n for n in names if not n.startswith("mr.")]
        a = r.call("COMMAND", "INFO", *redis_names)
        b = m.call("COMMAND", "INFO", *redis_names)
        for name, ea, eb in zip(redis_names, a, b):
            assert ea is not None, name
            assert eb[6] == ea[6], name
        for e in m.call("COMMAND", "INFO", *[n for n in names if n.startswith("mr.")]):
            assert "@meridian" in e[6], e[0]
    finally:
        r.close()
        m.close()
