"""Function libraries (FUNCTION LOAD / DELETE / FLUSH / LIST / STATS /
KILL / DUMP / RESTORE, FCALL, FCALL_RO) against redis-server 7.0, RESP2 and RESP3: the
metadata line and its errors, registration errors (while loading only
redis.register_function exists), a function name taken by another
library, REPLACE, calls with keys and arguments, read-only functions and
FCALL_RO, errors with Redis' "script: <function>, on
@user_function:<line>." wording. FUNCTION LIST is compared with each
library's functions in name order (Redis lists them in its hash order)."""

import pytest

from difftools import parse, run_fixed_script, switch_to_resp3
from lib.resp import RespMap

LIB = ("#!lua name=mylib\n"
       "redis.register_function('setit', function(keys, args) "
       "return redis.call('SET', keys[1], args[1]) end)\n"
       "redis.register_function{function_name='getit', callback=function(keys, args) "
       "return redis.call('GET', keys[1]) end, flags={'no-writes'}, description='reads'}\n"
       "redis.register_function('boom', function(keys, args) error('bad') end)\n"
       "redis.register_function('count', function(keys, args) return #keys * 10 + #args end)")

OTHER = "#!lua name=other\nredis.register_function('setit', function() return 1 end)"


CASES = {
    "load-errors": [
        "FUNCTION FLUSH", "FUNCTION", "FUNCTION FOO", "FUNCTION LOAD",
        "FUNCTION LOAD 'return 1'", "FUNCTION LOAD '#!js name=x\nreturn 1'",
        "FUNCTION LOAD '#!lua\nreturn 1'", "FUNCTION LOAD '#!lua name=bad-name\nreturn 1'",
        "FUNCTION LOAD '#!lua name=x foo=bar\nreturn 1'", "FUNCTION LOAD '#!lua name=x\nreturn 1'",
        "FUNCTION LOAD '#!lua name=x\nredis.call(\"PING\")'",
        "FUNCTION LOAD '#!lua name=x\nredis.register_function(\"f\", 1)'",
        "FUNCTION LOAD '#!lua name=x\nredis.register_function(\"bad-name\", function() end)'",
        "FUNCTION LOAD '#!lua name=x\nredis.register_function(\"f\", function() end)\n"
        "redis.register_function(\"f\", function() end)'",
        "FUNCTION LOAD '#!lua name=x\nredis.register_function{function_name=\"f\", "
        "callback=function() end, flags={\"bogus\"}}'",
        "FUNCTION LOAD '#!lua name=x\nthis is not lua'", "FUNCTION LOAD '#!lua name=x\nx = 1'",
        ("FUNCTION", "LOAD", "FOO", LIB), "FUNCTION STATS", "FUNCTION KILL", "FUNCTION DELETE nolib",
        "FUNCTION DELETE", "FUNCTION FLUSH FOO",
    ],
    "load-and-call": [
        "FUNCTION FLUSH", ("FUNCTION", "LOAD", LIB), ("FUNCTION", "LOAD", LIB),
        ("FUNCTION", "LOAD", OTHER), "FCALL setit 1 k v", "FCALL getit 1 k", "FCALL_RO getit 1 k",
        "FCALL_RO setit 1 k v", "FCALL nosuch 0", "FCALL boom 0", "FCALL count 2 a b c",
        "FCALL count 0", "FCALL setit -1", "FCALL setit 3 a", "FCALL setit x", "FCALL",
        "FUNCTION STATS", ("FUNCTION", "LOAD", "REPLACE", LIB), "FCALL getit 1 k",
        "FUNCTION LOAD REPLACE '#!lua name=mylib\nredis.register_function(\"only\", "
        "function() return \"new\" end)'", "FCALL only 0", "FCALL setit 1 k v",
        ("FUNCTION", "LOAD", OTHER), "FCALL setit 0", "FUNCTION STATS",
        "FUNCTION DELETE mylib", "FCALL only 0", "FUNCTION FLUSH ASYNC", "FUNCTION STATS",
        "FCALL setit 0",
    ],
}


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_function_cases(live_pair, name, proto):
    run_fixed_script(live_pair, name, CASES[name], proto)


def normalized(value):
    """FUNCTION LIST with each library's functions in name order."""
    out = []
    for lib in value:
        d = dict(lib) if isinstance(lib, RespMap) else dict(zip(lib[::2], lib[1::2]))
        fns = []
        for f in d[b"functions"] if b"functions" in d else d["functions"]:
            fns.append(sorted((repr(k), repr(v)) for k, v in (
                list(f) if isinstance(f, RespMap) else zip(f[::2], f[1::2]))))
        d = {repr(k): repr(v) for k, v in d.items() if k not in (b"functions", "functions")}
        out.append((sorted(d.items()), sorted(fns)))
    return sorted(out)


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_function_list(live_pair, proto):
    ref, sut = (s.conn() for s in live_pair)
    try:
        if proto == 3:
            switch_to_resp3(ref, sut)
        for c in (ref, sut):
            c.call("FUNCTION", "FLUSH")
            assert c.call("FUNCTION", "LOAD", LIB) == b"mylib"
            assert c.call("FUNCTION", "LOAD", "#!lua name=zlib\nredis.register_function("
                          "'z', function() return 1 end)") == b"zlib"
        for args in (("FUNCTION", "LIST"), ("FUNCTION", "LIST", "WITHCODE"),
                     ("FUNCTION", "LIST", "LIBRARYNAME", "my*"),
                     ("FUNCTION", "LIST", "LIBRARYNAME", "nomatch")):
            a, b = parse(ref.call_raw(*args)), parse(sut.call_raw(*args))
            assert normalized(a) == normalized(b), args
        for args in (("FUNCTION", "LIST", "FOO"), ("FUNCTION", "LIST", "LIBRARYNAME")):
            assert ref.call_raw(*args) == sut.call_raw(*args), args
    finally:
        for c in (ref, sut):
            c.call("FUNCTION", "FLUSH")
            c.close()


SHORT = "#!lua name=s1\nredis.register_function('f1', function() return 1 end)"
SHORT2 = "#!lua name=s2\nredis.register_function('f2', function() return 2 end)"


def both(ref, sut, *args):
    """The raw replies of both servers to one command, compared."""
    a, b = ref.call_raw(*args), sut.call_raw(*args)
    assert a == b, "%r: redis %r, meridian %r" % (args, a, b)
    return a


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
def test_function_dump_and_restore(live_pair, proto):
    """FUNCTION DUMP is Redis' payload byte for byte (for code too short for
    Redis to compress); FUNCTION RESTORE takes either server's payload, with
    the FLUSH / APPEND / REPLACE policies, all or nothing, and Redis' errors."""
    ref, sut = (s.conn() for s in live_pair)
    try:
        if proto == 3:
            switch_to_resp3(ref, sut)
        both(ref, sut, "FUNCTION", "FLUSH")
        both(ref, sut, "FUNCTION", "DUMP")  # no libraries: the version and checksum only
        both(ref, sut, "FUNCTION", "LOAD", SHORT)
        payload = parse(both(ref, sut, "FUNCTION", "DUMP"))
        for args in (("FUNCTION", "DUMP", "x"), ("FUNCTION", "RESTORE"),
                     ("FUNCTION", "RESTORE", "x"), ("FUNCTION", "RESTORE", payload, "bogus"),
                     ("FUNCTION", "RESTORE", payload, "append", "extra"),
                     ("FUNCTION", "RESTORE", payload), ("FUNCTION", "RESTORE", payload, "APPEND"),
                     ("FUNCTION", "RESTORE", payload[:-1] + b"x"),
                     ("FUNCTION", "RESTORE", payload, "replace"), ("FCALL", "f1", "0"),
                     ("FUNCTION", "DELETE", "s1"), ("FUNCTION", "RESTORE", payload),
                     ("FCALL", "f1", "0"), ("FUNCTION", "LOAD", SHORT2),
                     ("FUNCTION", "RESTORE", payload, "FLUSH"), ("FCALL", "f2", "0"),
                     ("FCALL", "f1", "0"), ("SET", "str", "v")):
            both(ref, sut, *args)
        # a key's DUMP is not a function payload
        not_fn = parse(ref.call_raw("DUMP", "str"))
        both(ref, sut, "FUNCTION", "RESTORE", not_fn)
        # two libraries, one of whose functions another library holds: APPEND
        # and REPLACE fail whole, nothing changes
        both(ref, sut, "FUNCTION", "FLUSH")
        both(ref, sut, "FUNCTION", "LOAD", SHORT)
        both(ref, sut, "FUNCTION", "LOAD", SHORT2)
        two = parse(ref.call_raw("FUNCTION", "DUMP"))
        both(ref, sut, "FUNCTION", "FLUSH")
        both(ref, sut, "FUNCTION", "LOAD", "#!lua name=taker\n"
             "redis.register_function('f2', function() return 'taken' end)")
        for policy in ("APPEND", "REPLACE"):
            both(ref, sut, "FUNCTION", "RESTORE", two, policy)
            both(ref, sut, "FCALL", "f2", "0")
            both(ref, sut, "FCALL", "f1", "0")
        both(ref, sut, "FUNCTION", "RESTORE", two, "FLUSH")
        both(ref, sut, "FCALL", "f2", "0")
        # code long enough for Redis to compress: each server restores the
        # other's payload
        for src, dst in ((ref, sut), (sut, ref)):
            for c in (ref, sut):
                c.call("FUNCTION", "FLUSH")
            assert src.call("FUNCTION", "LOAD", LIB) == b"mylib"
            assert dst.call("FUNCTION", "RESTORE", parse(src.call_raw("FUNCTION", "DUMP"))) \
                == "OK"
            both(ref, sut, "FCALL", "count", "2", "a", "b", "c")
            a, b = (parse(c.call_raw("FUNCTION", "LIST", "WITHCODE")) for c in (ref, sut))
            assert normalized(a) == normalized(b)
    finally:
        for c in (ref, sut):
            c.call("FUNCTION", "FLUSH")
            c.close()
