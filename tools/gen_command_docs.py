#!/usr/bin/python3
"""Writes src/core/commands/command_docs_data.cc: what COMMAND DOCS answers.

A command Redis has gets Redis 7.0's own docs (read from a redis-server's
COMMAND DOCS over RESP3), narrowed to the subcommands Meridian answers (each
is tried on a Meridian server: a subcommand it does not know replies
"unknown subcommand"). A Meridian command gets the entry in MERIDIAN_DOCS.

Run from the repository root after `make build`; needs redis-server:
    /usr/bin/python3 tools/gen_command_docs.py

Each entry is one JSON line: a RESP map is an object, an array a list, a set
{"~": [...]} (strings directly in a set are simple strings, as Redis sends
flags; every other string is a bulk string).
"""
import json
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from lib import harness, resp  # noqa: E402

OUT = os.path.join(ROOT, "src", "core", "commands", "command_docs_data.cc")


def arg(name, type_, **extra):
    a = {"name": name, "type": type_}
    a.update(extra)
    return a


def doc(summary, complexity, arguments=(), since="1.0.0"):
    d = {"summary": summary, "since": since, "group": "module", "complexity": complexity}
    if arguments:
        d["arguments"] = list(arguments)
    return d


OPT = {"flags": {"~": ["optional"]}}
KEY0 = {"key_spec_index": 0}

# Meridian's own commands ("module" is Redis' group for commands that are not Redis').
MERIDIAN_DOCS = {
    "mr.write": doc("Sets this connection's write mode: ASYNC, SEMI-SYNC n [timeout], SYNC "
                    "[timeout] or DEFAULT; without arguments, replies the current one", "O(1)",
                    [arg("mode", "string", **OPT)]),
    "mr.read": doc("Sets this connection's read level: LOCAL, LEADER, QUORUM, SESSION "
                   "[timeout] or DEFAULT; without arguments, replies the current one", "O(1)",
                   [arg("level", "string", **OPT)]),
    "mr.once": doc("Runs one command with its own write mode and/or read level",
                   "The complexity of the wrapped command",
                   [arg("policy", "string", flags={"~": ["multiple"]}),
                    arg("command", "string"),
                    arg("arg", "string", flags={"~": ["optional", "multiple"]})]),
    "mr.token": doc("Replies the session token: every write this connection made or was "
                    "handed, as region:sequence pairs", "O(R) for R regions"),
    "mr.status": doc("Replies this region's replication state: its peers, their links, lag "
                     "and acknowledged positions", "O(R) for R regions"),
    "mr.failover": doc("Failover: STATUS, HISTORY, SWITCHOVER region (planned, loses nothing), "
                       "FAILOVER region (forced) or ACK (ends the cooldown after an automatic "
                       "failover)", "O(R) for R regions",
                       [arg("subcommand", "string"), arg("region", "string", **OPT)]),
    "mr.debug": doc("Testing aids: PARTITION milliseconds cuts this region off from its peers "
                    "for a while; SOVEREIGNTY ON|OFF", "O(1)",
                    [arg("subcommand", "string"), arg("arg", "string")]),
    "mr.global": doc("The cluster-wide view: DBSIZE, or SCAN cursor [MATCH pattern] [COUNT "
                     "count] over the key names of every region (never values), naming the "
                     "regions that did not answer", "O(R) for R regions, plus the keys replied",
                     [arg("subcommand", "string"),
                      arg("arg", "string", flags={"~": ["optional", "multiple"]})]),
    "mr.getall": doc("Replies every concurrent value (sibling) of a key kept under the "
                     "siblings policy, with the causal context to resolve them", "O(S) for S "
                     "siblings", [arg("key", "key", **KEY0)]),
    "mr.set": doc("Sets a key, replacing the siblings named by CONTEXT (from MR.GETALL)",
                  "O(1)", [arg("key", "key", **KEY0), arg("value", "string"),
                           arg("context", "string", token="CONTEXT", **OPT)]),
    "mr.conflicts": doc("Replies the conflicts this region resolved after conflict id `since` "
                        "(the conflict feed): key, policy, winner and discarded versions",
                        "O(N) for N conflicts replied",
                        [arg("since", "integer", **OPT),
                         arg("count", "integer", token="COUNT", **OPT)]),
    "mr.backup": doc("Backups: START (the default) takes one in the background; STATUS "
                     "replies the progress and the last backup's outcome as JSON", "O(1)",
                     [arg("subcommand", "string", **OPT)]),
}


def to_json(v, in_set=False):
    if isinstance(v, resp.RespMap):
        return {to_json(k): to_json(x) for k, x in v}
    if isinstance(v, resp.RespSet):
        return {"~": [to_json(x, in_set=True) for x in v]}
    if isinstance(v, list):
        return [to_json(x) for x in v]
    if isinstance(v, resp.Simple):
        assert in_set, "a simple string outside a set: %r" % v
        return str(v)
    if isinstance(v, bytes):
        assert not in_set, "a bulk string inside a set: %r" % v
        return v.decode()
    if isinstance(v, int):
        return v
    raise TypeError("unexpected reply element %r" % (v,))


def supported(meridian, name, sub):
    reply = meridian.call(name, sub.split("|", 1)[1])
    return not (isinstance(reply, resp.Err) and "unknown subcommand" in reply.lower())


def main():
    m = harness.MeridianServer()
    r = harness.RedisServer()
    m.start()
    r.start()
    try:
        mc = resp.RespConn(harness.HOST, m.port)
        rc = resp.RespConn(harness.HOST, r.port)
        rc.call("HELLO", "3")
        names = sorted(x.decode() for x in mc.call("COMMAND", "LIST"))
        lines = []
        missing = []
        for name in names:
            reply = rc.call("COMMAND", "DOCS", name)
            if len(reply) == 0:
                if name not in MERIDIAN_DOCS:
                    missing.append(name)
                    continue
                entry = MERIDIAN_DOCS[name]
            else:
                entry = to_json(reply[0][1])
                subs = entry.get("subcommands")
                if subs:
                    entry["subcommands"] = {s: d for s, d in subs.items()
                                            if supported(mc, name, s)}
            lines.append(json.dumps({name: entry}, separators=(",", ":"), ensure_ascii=False))
        if missing:
            sys.exit("no docs for: " + ", ".join(missing) + " (add them to MERIDIAN_DOCS)")
    finally:
        m.stop()
        r.stop()
    for line in lines:
        assert ")json\"" not in line
    with open(OUT, "w") as f:
        f.write("// Generated by tools/gen_command_docs.py; do not edit.\n"
                "// What COMMAND DOCS answers, one command per entry (the encoding is in\n"
                "// the generator). Entries of Redis commands are Redis 7.0's own docs\n"
                "// (Redis is BSD-3-Clause, Copyright (c) Redis Ltd.), narrowed to the\n"
                "// subcommands Meridian answers.\n"
                "// NOLINTBEGIN\n"
                "// clang-format off\n"
                "#include \"core/commands/command_docs.h\"\n\n"
                "namespace meridian {\n\n"
                "const char* const kCommandDocsJson[] = {\n")
        for line in lines:
            f.write('R"json(%s)json",\n' % line)
        f.write("nullptr};\n\n}  // namespace meridian\n// clang-format on\n// NOLINTEND\n")
    print("wrote %d entries to %s" % (len(lines), os.path.relpath(OUT, ROOT)))


if __name__ == "__main__":
    main()
