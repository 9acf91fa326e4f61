"""Lua scripts (EVAL, EVALSHA, EVAL_RO, EVALSHA_RO, SCRIPT) against
redis-server 7.0, RESP2 and RESP3, byte for byte: argument errors, NOSCRIPT,
compile and runtime errors with Redis' "script: <sha>, on
@user_script:<line>." wording, the sandbox (no os / io / print / dofile,
read-only globals and libraries, rawset and setmetatable refused on _G),
conversions both ways (integers, bulks, nil, status and error tables,
nested arrays cut at the first nil, booleans, floats truncated), redis.call
raising and redis.pcall returning errors, the commands a script may not
run, read-only scripts, the redis.* helpers and the cjson and bit
libraries; then redis-py's register_script (EVALSHA, falling back to EVAL)
and a script inside MULTI.
"""

import pytest

from difftools import run_fixed_script

INC_SCRIPT = "return redis.call('INCRBY', KEYS[1], ARGV[1])"

CASES = {
    "arguments": [
        "EVAL", "EVAL 'return 1'", "EVAL 'return 1' x", "EVAL 'return 1' -1",
        "EVAL 'return 1' 2 a", "EVAL 'return 1' 1.5", "EVALSHA abc 0", "EVALSHA abc x",
        "EVALSHA " + "a" * 40 + " 0", "EVALSHA " + "a" * 40 + " x", "EVAL_RO 'return 1' 2",
        "EVALSHA_RO abc 0", "SCRIPT", "SCRIPT FOO", "SCRIPT EXISTS", "SCRIPT LOAD",
        "SCRIPT LOAD a b", "SCRIPT FLUSH FOO", "SCRIPT FLUSH ASYNC", "SCRIPT FLUSH SYNC x",
        "SCRIPT KILL", "SCRIPT KILL x", "SCRIPT HELP",
        "SCRIPT LOAD '" + INC_SCRIPT + "'",
        "SCRIPT EXISTS 2a36a9fa1d3ee6ebc8d3a2b6ad0e3fb0e5a57e39 nope",
        "SCRIPT LOAD 'syntax error here'", "SCRIPT LOAD 'return 1'",
        "SCRIPT EXISTS e0e1f9fabfc9d4800c877a703b823ac0578ff8db "
        "E0E1F9FABFC9D4800C877A703B823AC0578FF8DB",
        "EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0",
        "EVALSHA E0E1F9FABFC9D4800C877A703B823AC0578FF8DB 0",
        "EVALSHA_RO e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0", "SCRIPT FLUSH",
        "EVALSHA e0e1f9fabfc9d4800c877a703b823ac0578ff8db 0",
    ],
    "conversions": [
        "EVAL 'return 1' 0", "EVAL 'return -7' 0", "EVAL 'return 3.99' 0",
        "EVAL 'return -2.5' 0", "EVAL 'return \"str\"' 0", "EVAL 'return \"\"' 0",
        "EVAL 'return true' 0", "EVAL 'return false' 0", "EVAL 'return nil' 0", "EVAL 'return' 0",
        "EVAL 'return {1,2,{3,\"a\"},nil,4}' 0", "EVAL 'return {}' 0",
        "EVAL 'return {1, {ok=\"k\"}, {err=\"e\"}, false, true}' 0",
        "EVAL 'return {err=\"x\"}' 0", "EVAL 'return {err=\"WRONG code\"}' 0",
        "EVAL 'return {ok=\"fine\"}' 0", "EVAL 'return redis.error_reply(\"MY err\")' 0",
        "EVAL 'return redis.error_reply(\"-DASH err\")' 0",
        "EVAL 'return redis.status_reply(\"FINE\")' 0", "EVAL 'return {KEYS[1], ARGV[2]}' 1 k a b",
        "EVAL 'return #KEYS + #ARGV * 10' 2 a b c", "EVAL 'return {ok=1}' 0",
        "EVAL 'return tostring(1e300*1e300)' 0", "EVAL 'return 1e300*1e300' 0",
        "EVAL 'return {1, {2, {3, {4}}}}' 0", "EVAL 'return redis.sha1hex(\"abc\")' 0",
        "EVAL 'return redis.sha1hex()' 0",
    ],
    "calls": [
        "EVAL 'return redis.call(\"SET\", KEYS[1], ARGV[1])' 1 k v",
        "EVAL 'return redis.call(\"GET\", KEYS[1])' 1 k", "EVAL 'return redis.call(\"GET\", \"nokey\")' 0",
        "EVAL 'return redis.call(\"RPUSH\", \"l\", 1, 2.5, \"x\")' 0",
        "EVAL 'return redis.call(\"LRANGE\", \"l\", 0, -1)' 0",
        "EVAL 'return redis.call(\"HSET\", \"h\", \"f\", \"v\")' 0",
        "EVAL 'return redis.call(\"HGETALL\", \"h\")' 0",
        "EVAL 'return redis.call(\"PING\")' 0", "EVAL 'return redis.call(\"ping\", \"hi\")' 0",
        "EVAL 'return type(redis.call(\"PING\"))' 0",
        "EVAL 'return redis.call(\"PING\").ok' 0",
        "EVAL 'return redis.call(\"GET\", \"nokey\") == false' 0",
        "EVAL 'return redis.call(\"nosuch\")' 0", "EVAL 'return redis.pcall(\"nosuch\")' 0",
        "EVAL 'return redis.call(\"GET\")' 0", "EVAL 'return redis.pcall(\"GET\")' 0",
        "EVAL 'return redis.call()' 0", "EVAL 'return redis.call(\"SET\", {})' 0",
        "EVAL 'return redis.call(\"SET\", \"a\", \"b\", \"c\")' 0",
        "EVAL 'return redis.pcall(\"LPUSH\", \"k\", \"x\")' 0",
        "EVAL 'return redis.call(\"LPUSH\", \"k\", \"x\")' 0",
        "EVAL 'local r = redis.pcall(\"LPUSH\", \"k\", \"x\") return r.err' 0",
        "EVAL 'redis.call(\"SET\", \"before\", 1) redis.call(\"LPUSH\", \"k\", \"x\")' 0",
        "GET before",
        "EVAL 'return redis.call(\"MULTI\")' 0", "EVAL 'return redis.call(\"EVAL\", \"return 1\", 0)' 0",
        "EVAL 'return redis.call(\"BLPOP\", \"l\", 0)' 0",
        "EVAL 'return redis.call(\"SUBSCRIBE\", \"c\")' 0",
        "EVAL 'return redis.call(\"WATCH\", \"k\")' 0",
        "EVAL_RO 'return redis.call(\"GET\", KEYS[1])' 1 k",
        "EVAL_RO 'return redis.call(\"SET\", \"n\", 1)' 0", "EXISTS n",
        "EVAL_RO 'return redis.pcall(\"DEL\", \"k\")' 0",
        "EVAL 'return redis.call(\"INCRBY\", KEYS[1], ARGV[1])' 1 counter 5",
        "EVAL 'return redis.call(\"INCRBY\", KEYS[1], ARGV[1])' 1 counter 5",
        "EVAL 'for i = 1, 10 do redis.call(\"RPUSH\", \"many\", i) end "
        "return redis.call(\"LLEN\", \"many\")' 0",
    ],
    "errors-and-sandbox": [
        "EVAL 'x = 1' 0", "EVAL 'return y' 0", "EVAL 'error(\"boom\")' 0",
        "EVAL 'local a = 1\nlocal b = 2\nerror(\"line three\")' 0",
        "EVAL 'error({err=\"CUSTOM failure\"})' 0", "EVAL 'error()' 0",
        "EVAL 'syntax error here' 0", "EVAL 'return (' 0", "EVAL 'return os.time()' 0",
        "EVAL 'return io' 0", "EVAL 'return print' 0", "EVAL 'return dofile' 0",
        "EVAL 'return loadfile' 0", "EVAL 'return require' 0", "EVAL 'return debug' 0",
        "EVAL 'return package' 0", "EVAL 'return setfenv' 0",
        "EVAL 'rawset(_G, \"zz\", 1) return 1' 0", "EVAL 'return setmetatable(_G, nil)' 0",
        "EVAL 'string.x = 1 return 1' 0", "EVAL 'redis.x = 1 return 1' 0",
        "EVAL 'local t = {} rawset(t, \"a\", 1) setmetatable(t, {}) return t.a' 0",
        "EVAL 'return string.rep()' 0", "EVAL 'local x = nil return x.y' 0",
        "EVAL 'return type(loadstring)' 0", "EVAL 'return type(unpack)' 0",
        "EVAL 'return cjson.encode({a=1})' 0",
        "EVAL 'return cjson.decode(\"[1,2,3]\")[2]' 0",
        "EVAL 'return bit.band(7, 3)' 0", "EVAL 'return bit.tohex(255)' 0",
        "EVAL 'return string.format(\"%d-%s\", 5, \"x\")' 0",
        "EVAL 'return table.concat({\"a\", \"b\"}, \",\")' 0", "EVAL 'return math.floor(2.7)' 0",
        "EVAL 'return redis.log(redis.LOG_WARNING, \"from a script\")' 0",
        "EVAL 'return redis.log(redis.LOG_WARNING)' 0", "EVAL 'return redis.log(9, \"x\")' 0",
        "EVAL 'return redis.setresp(2)' 0", "EVAL 'return redis.setresp(4)' 0",
        "EVAL 'return redis.replicate_commands()' 0",
        "EVAL 'return redis.set_repl(redis.REPL_ALL)' 0",
        "EVAL 'return {redis.LOG_DEBUG, redis.LOG_NOTICE, redis.REPL_AOF}' 0",
        "EVAL 'return pcall(error, \"caught\")' 0",
        "EVAL 'local ok, e = pcall(redis.call, \"nosuch\") return e.err' 0",
        "EVAL 'local ok, e = pcall(redis.call, \"nosuch\") return {type(e), tostring(e)}' 0",
        "EVAL 'local ok, e = pcall(error, {err=\"X\"}) return {tostring(ok), type(e), e}' 0",
        "EVAL 'local ok, e = pcall(error, \"plain\") return e' 0",
        "EVAL 'return {pcall(function() return 1, 2 end)}' 0",
    ],
    # redis.setresp(3): commands answer the script in RESP3 (maps, sets,
    # doubles, booleans, nulls as nil) and what the script returns keeps its
    # RESP3 type for a RESP3 client ({double=}, {map=}, {set=}, {big_number=},
    # {verbatim_string=}, booleans); a RESP2 client gets their RESP2 forms
    "resp3-in-scripts": [
        "HSET h a 1", "SADD s x", "ZADD z 1.5 m", "SET str v",
        "EVAL 'redis.setresp(3) return redis.call(\"HGETALL\", \"h\")' 0",
        "EVAL 'redis.setresp(3) return redis.call(\"HGETALL\", \"h\").map.a' 0",
        "EVAL 'redis.setresp(3) return redis.call(\"SMEMBERS\", \"s\")' 0",
        "EVAL 'redis.setresp(3) return tostring(redis.call(\"SMEMBERS\", \"s\").set.x)' 0",
        "EVAL 'redis.setresp(3) return redis.call(\"ZSCORE\", \"z\", \"m\")' 0",
        "EVAL 'redis.setresp(3) return redis.call(\"ZSCORE\", \"z\", \"m\").double * 2' 0",
        "EVAL 'redis.setresp(3) return type(redis.call(\"GET\", \"nokey\"))' 0",
        "EVAL 'return type(redis.call(\"GET\", \"nokey\"))' 0",
        "EVAL 'redis.setresp(3) return redis.call(\"GET\", \"nokey\")' 0",
        "EVAL 'redis.setresp(3) return redis.call(\"GET\", \"str\")' 0",
        "EVAL 'redis.setresp(3) return redis.call(\"EXISTS\", \"str\")' 0",
        "EVAL 'redis.setresp(3) return redis.call(\"HRANDFIELD\", \"h\", 1, \"WITHVALUES\")' 0",
        "EVAL 'redis.setresp(3) return redis.pcall(\"INCR\", \"str\")' 0",
        "EVAL 'redis.setresp(3) redis.setresp(2) return redis.call(\"HGETALL\", \"h\")' 0",
        "EVAL 'return {double=3.14159}' 0", "EVAL 'return {double=1/0}' 0",
        "EVAL 'return {double=-1/0}' 0", "EVAL 'return {double=0.1}' 0",
        "EVAL 'return {double=\"x\"}' 0", "EVAL 'return {big_number=\"123456789012345678901\"}' 0",
        "EVAL 'return {verbatim_string={format=\"txt\", string=\"hi\"}}' 0",
        "EVAL 'return {verbatim_string={format=\"mkd\", string=\"# x\"}}' 0",
        "EVAL 'return {map={a=1}}' 0", "EVAL 'return {set={x=true}}' 0",
        "EVAL 'return {map={}}' 0", "EVAL 'return {set={}}' 0",
        "EVAL 'return {{map={k={double=2.5}}}, {set={m=true}}}' 0",
        "EVAL 'return true' 0", "EVAL 'return false' 0",
        "EVAL 'redis.setresp(3) return true' 0", "EVAL 'redis.setresp(3) return false' 0",
        "EVAL 'redis.setresp(3) return {true, false, 1}' 0",
        "EVAL 'redis.setresp(3) return nil' 0",
        # several keys: both servers walk the Lua table in the same order
        "HSET h2 f1 1 f2 2 f3 3 alpha a beta b", "SADD s2 m1 m2 m3 10 20",
        "EVAL 'redis.setresp(3) return redis.call(\"HGETALL\", \"h2\")' 0",
        "EVAL 'redis.setresp(3) return redis.call(\"SMEMBERS\", \"s2\")' 0",
        "EVAL 'return {map={x=1, y=2, z=3, [\"1\"]=4}}' 0",
    ],
    "in-a-transaction": [
        "MULTI", "EVAL 'return redis.call(\"SET\", KEYS[1], \"v\")' 1 tk", "GET tk",
        "EVAL 'return redis.call(\"INCR\", KEYS[1])' 1 tk", "EXEC",
        "MULTI", "EVALSHA " + "b" * 40 + " 0", "EXEC",
    ],
}


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_script_cases(live_pair, name, proto):
    run_fixed_script(live_pair, name, CASES[name], proto)


def test_redis_py_register_script(diff_pair):
    """register_script sends EVALSHA and falls back to EVAL on NOSCRIPT;
    both servers return the same and keep the same data."""
    import redis

    seen = []
    for srv in diff_pair:
        r = redis.Redis(host=srv.host, port=srv.port, decode_responses=True)
        try:
            r.flushall()
            r.script_flush()
            limiter = r.register_script(
                "local n = redis.call('INCR', KEYS[1]) "
                "if n == 1 then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end "
                "if n > tonumber(ARGV[2]) then return 0 end return 1")
            got = [limiter(keys=["rate:u1"], args=[60000, 3]) for _ in range(5)]
            with r.pipeline() as p:
                limiter(keys=["rate:u2"], args=[60000, 1], client=p)
                limiter(keys=["rate:u2"], args=[60000, 1], client=p)
                piped = p.execute()
            seen.append((got, piped, r.get("rate:u1"), r.pttl("rate:u1") > 0))
        finally:
            r.close()
    assert seen[0] == seen[1]
    assert seen[0][0] == [1, 1, 1, 0, 0]
