"""COMMAND DOCS against redis-server 7.0, RESP2 and RESP3.

A Redis command's entry is Redis' own, byte for byte, except that a
container (CLIENT, CONFIG, ...) lists only the subcommands Meridian answers:
each listed one must answer, and each Redis documents but Meridian leaves
out must reply "unknown subcommand" (so the docs follow the code; regenerate
them with tools/gen_command_docs.py). Meridian's own commands (MR.*) are
documented under the group Redis gives commands that are not its own.
"""

import pytest

from difftools import switch_to_resp3

from lib import resp
from lib.resp import Err


def docs_map(reply):
    """COMMAND DOCS' reply (a map, or a flat array in RESP2) as a dict."""
    if isinstance(reply, resp.RespMap):
        return {k.decode(): v for k, v in reply}
    return {reply[i].decode(): reply[i + 1] for i in range(0, len(reply), 2)}


def fields(doc):
    return docs_map(doc)


@pytest.mark.parametrize("proto", ["2", "3"])
def test_every_command_is_documented_as_redis_documents_it(diff_pair, proto):
    ref, sut = diff_pair
    r, m = ref.conn(), sut.conn()
    if proto == "3":
        switch_to_resp3(r, m)
    names = sorted(n.decode() for n in m.call("COMMAND", "LIST"))
    ours = []
    for name in names:
        mine_raw, theirs_raw = m.call_raw("COMMAND", "DOCS", name), r.call_raw("COMMAND", "DOCS", name)
        mine, theirs = docs_map(resp.parse(mine_raw)), docs_map(resp.parse(theirs_raw))
        assert list(mine) == [name], name
        if not theirs:
            ours.append(name)
            d = fields(mine[name])
            assert d["group"] == b"module" and len(d["summary"]) > 20, name
            continue
        mdoc, rdoc = fields(mine[name]), fields(theirs[name])
        if "subcommands" not in rdoc:
            assert mine_raw == theirs_raw, name
            continue
        # a container: the same entry but for the subcommands, which Redis
        # lists in no set order
        assert {k: v for k, v in mdoc.items() if k != "subcommands"} == \
            {k: v for k, v in rdoc.items() if k != "subcommands"}, name
        msubs, rsubs = docs_map(mdoc["subcommands"]), docs_map(rdoc["subcommands"])
        assert msubs, name
        for sub, doc in msubs.items():
            assert doc == rsubs[sub], sub
            assert "unknown subcommand" not in str(m.call(name, sub.split("|")[1])).lower(), sub
        for sub in set(rsubs) - set(msubs):
            reply = m.call(name, sub.split("|")[1])
            assert isinstance(reply, Err) and "unknown subcommand" in reply.lower(), \
                "%s answers but is not in COMMAND DOCS" % sub
    assert all(n.startswith("mr.") for n in ours), ours
    assert len(ours) >= 10


@pytest.mark.parametrize("proto", ["2", "3"])
def test_command_docs_of_several_names_matches_redis(diff_pair, proto):
    ref, sut = diff_pair
    r, m = ref.conn(), sut.conn()
    if proto == "3":
        switch_to_resp3(r, m)
    for argv in [("COMMAND", "DOCS", "get", "NOSUCH", "Set"), ("COMMAND", "DOCS", "nosuch"),
                 ("COMMAND", "DOCS", "ZADD", "zadd"), ("command", "docs", "lpush", "hset")]:
        assert m.call_raw(*argv) == r.call_raw(*argv), argv


def test_command_docs_without_names_lists_every_command(sut_factory):
    c = sut_factory().conn()
    everything = docs_map(c.call("COMMAND", "DOCS"))
    assert len(everything) == c.call("COMMAND", "COUNT") >= 180
    assert fields(everything["zadd"])["complexity"].startswith(b"O(log(N))")
