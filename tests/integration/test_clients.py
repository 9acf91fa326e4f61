"""Real clients (redis-cli, redis-py, a raw RESP socket) against the server."""

import redis

from lib.harness import wait_until
from lib.resp import RespMap, Array, NULL_BULK, Simple


# ------------------------------------------------------------------ redis-cli

def cli_ok(sut, *args, resp3=False):
    r = sut.cli(*args, resp3=resp3)
    assert r.returncode == 0, "redis-cli %s failed: rc=%d\nstdout=%r\nstderr=%r" % (
        args, r.returncode, r.stdout, r.stderr)
    return r.stdout


def test_redis_cli_strings(sut):
    assert cli_ok(sut, "PING") == "PONG\n"
    assert cli_ok(sut, "SET", "cli:k", "hello world") == "OK\n"
    assert cli_ok(sut, "GET", "cli:k") == "hello world\n"
    assert cli_ok(sut, "INCR", "cli:n") == "1\n"
    assert cli_ok(sut, "INCRBY", "cli:n", "41") == "42\n"
    assert cli_ok(sut, "GET", "cli:n") == "42\n"
    assert cli_ok(sut, "GET", "cli:missing") == "\n"
    assert cli_ok(sut, "EXISTS", "cli:k", "cli:n", "cli:missing") == "2\n"


def test_redis_cli_sets_hashes_expire(sut):
    assert cli_ok(sut, "SADD", "cli:s", "a", "b", "c", "a") == "3\n"
    assert sorted(cli_ok(sut, "SMEMBERS", "cli:s").split()) == ["a", "b", "c"]
    assert cli_ok(sut, "SISMEMBER", "cli:s", "b") == "1\n"
    assert cli_ok(sut, "HSET", "cli:h", "f1", "v1", "f2", "v2") == "2\n"
    assert cli_ok(sut, "HGET", "cli:h", "f2") == "v2\n"
    out = cli_ok(sut, "HGETALL", "cli:h").split("\n")[:-1]
    assert sorted(zip(out[::2], out[1::2])) == [("f1", "v1"), ("f2", "v2")]
    assert cli_ok(sut, "EXPIRE", "cli:h", "1000") == "1\n"
    ttl = int(cli_ok(sut, "TTL", "cli:h"))
    assert 990 <= ttl <= 1000
    assert cli_ok(sut, "TYPE", "cli:s") == "set\n"
    assert cli_ok(sut, "TYPE", "cli:h") == "hash\n"


def test_redis_cli_errors_and_resp3(sut):
    cli_ok(sut, "SET", "cli:str", "x")
    out = cli_ok(sut, "SADD", "cli:str", "m")
    assert "WRONGTYPE Operation against a key holding the wrong kind of value" in out
    out = cli_ok(sut, "HSET", "cli:h3", "f", "v")
    assert out == "1\n"
    # RESP3 through redis-cli -3: a map reply and a null
    out = cli_ok(sut, "HGETALL", "cli:h3", resp3=True)
    assert out.split() == ["f", "v"]
    assert cli_ok(sut, "GET", "cli:nothing", resp3=True) == "\n"


def test_redis_cli_pipe_mode(sut):
    """redis-cli --pipe sends a raw RESP stream and checks every reply."""
    from lib.resp import encode_command
    data = b"".join(encode_command("SET", "pipe:%d" % i, "v%d" % i) for i in range(500))
    r = sut.cli(extra=["--pipe"], input_data=data.decode())
    assert r.returncode == 0, r.stderr + r.stdout
    assert "errors: 0, replies: 500" in r.stdout
    c = sut.conn()
    assert c.call("GET", "pipe:499") == b"v499"


# ------------------------------------------------------------------ redis-py

def test_redis_py_basic_types(sut):
    r = sut.redis()
    assert r.ping() is True
    assert r.set("py:s", "v") is True
    assert r.get("py:s") == b"v"
    assert r.set("py:s", "w", nx=True) is None
    assert r.set("py:s", "w", xx=True, get=True) == b"v"
    assert r.incr("py:n") == 1
    assert r.incrby("py:n", 10) == 11
    assert r.decr("py:n") == 10
    assert r.incrbyfloat("py:f", 1.5) == 1.5
    assert r.append("py:s", "xyz") == 4
    assert r.strlen("py:s") == 4
    assert r.mset({"py:m1": "1", "py:m2": "2"}) is True
    assert r.mget("py:m1", "py:m2", "py:none") == [b"1", b"2", None]
    assert r.sadd("py:set", "a", "b", "c") == 3
    assert r.srem("py:set", "c") == 1
    assert r.smembers("py:set") == {b"a", b"b"}
    assert r.smismember("py:set", ["a", "z"]) == [1, 0]
    assert r.scard("py:set") == 2
    assert r.hset("py:h", mapping={"a": "1", "b": "2"}) == 2
    assert r.hgetall("py:h") == {b"a": b"1", b"b": b"2"}
    assert r.hincrby("py:h", "a", 5) == 6
    assert r.hmget("py:h", ["a", "b", "c"]) == [b"6", b"2", None]
    assert r.hlen("py:h") == 2
    assert sorted(r.hkeys("py:h")) == [b"a", b"b"]
    assert r.hdel("py:h", "a") == 1
    assert r.hexists("py:h", "a") is False
    assert r.expire("py:h", 1000) is True
    assert 990 <= r.ttl("py:h") <= 1000
    assert r.persist("py:h") is True
    assert r.ttl("py:h") == -1
    assert r.type("py:set") == b"set"
    assert r.getdel("py:m1") == b"1"
    assert r.exists("py:m1") == 0
    assert sorted(r.keys("py:m*")) == [b"py:m2"]
    assert set(r.scan_iter(match="py:*")) >= {b"py:s", b"py:n", b"py:set", b"py:h"}
    assert r.dbsize() == len(r.keys("*"))
    assert r.delete("py:s", "py:n", "py:nothing") == 2
    with_type = set(r.scan_iter(_type="hash"))
    assert with_type == {b"py:h"}


def test_redis_py_errors(sut):
    r = sut.redis()
    r.set("py:str", "abc")
    try:
        r.incr("py:str")
        raise AssertionError("INCR on a non-integer must fail")
    except redis.ResponseError as e:
        assert str(e) == "value is not an integer or out of range"
    try:
        r.sadd("py:str", "x")
        raise AssertionError("SADD on a string must fail")
    except redis.ResponseError as e:
        assert str(e).startswith("WRONGTYPE")


def test_redis_py_pipeline_1000(sut):
    r = sut.redis()
    p = r.pipeline(transaction=False)
    for i in range(1000):
        kind = i % 4
        if kind == 0:
            p.set("pl:s%d" % i, "v%d" % i)
        elif kind == 1:
            p.incr("pl:counter")
        elif kind == 2:
            p.sadd("pl:set", "m%d" % i)
        else:
            p.hset("pl:hash", "f%d" % i, i)
    res = p.execute()
    assert len(res) == 1000
    for i, v in enumerate(res):
        kind = i % 4
        if kind == 0:
            assert v is True, (i, v)
        elif kind == 1:
            assert v == i // 4 + 1, (i, v)
        else:
            assert v == 1, (i, v)
    assert r.get("pl:counter") == b"250"
    assert r.scard("pl:set") == 250
    assert r.hlen("pl:hash") == 250
    assert r.get("pl:s996") == b"v996"
    # a pipeline of reads comes back in order
    p = r.pipeline(transaction=False)
    for i in range(0, 1000, 4):
        p.get("pl:s%d" % i)
    assert p.execute() == [b"v%d" % i for i in range(0, 1000, 4)]


def test_many_concurrent_connections(sut):
    conns = [sut.conn() for _ in range(50)]
    try:
        for i, c in enumerate(conns):
            c.send("SET", "cc:%d" % i, str(i))
        for c in conns:
            assert c.read_raw() == b"+OK\r\n"
        for i, c in enumerate(conns):
            assert c.call("GET", "cc:%d" % ((i + 1) % 50)) == str((i + 1) % 50).encode()
    finally:
        for c in conns:
            c.close()


# ------------------------------------------------------------------ raw RESP

def test_resp3_hello_returns_map(sut):
    c = sut.conn()
    v = c.call("HELLO", "3")
    assert isinstance(v, RespMap), "HELLO 3 must reply with a RESP3 map, got %r" % (v,)
    d = v.to_dict()
    assert d[b"proto"] == 3
    for field in (b"server", b"version", b"id", b"mode", b"role", b"modules"):
        assert field in d, "HELLO 3 map lacks %r: %r" % (field, v)
    assert isinstance(d[b"id"], int)
    # now RESP3 types on the wire
    assert c.call_raw("GET", "r3:none") == b"_\r\n"
    c.call("HSET", "r3:h", "f", "v")
    assert c.call_raw("HGETALL", "r3:h") == b"%1\r\n$1\r\nf\r\n$1\r\nv\r\n"
    c.call("SADD", "r3:s", "m")
    assert c.call_raw("SMEMBERS", "r3:s") == b"~1\r\n$1\r\nm\r\n"
    # back to RESP2
    v2 = c.call("HELLO", "2")
    assert isinstance(v2, Array) and b"proto" in v2
    assert v2[v2.index(b"proto") + 1] == 2
    assert c.call_raw("GET", "r3:none") == b"$-1\r\n"
    assert c.call_raw("HGETALL", "r3:h") == b"*2\r\n$1\r\nf\r\n$1\r\nv\r\n"


def test_hello_setname_and_client_commands(sut):
    c = sut.conn()
    v = c.call("HELLO", "3", "SETNAME", "myconn")
    assert isinstance(v, RespMap)
    assert c.call("CLIENT", "GETNAME") == b"myconn"
    cid = c.call("CLIENT", "ID")
    assert isinstance(cid, int) and cid == v.get("id")
    assert c.call("CLIENT", "SETNAME", "other") == Simple("OK")
    assert c.call("CLIENT", "GETNAME") == b"other"
    c2 = sut.conn()
    assert c2.call("CLIENT", "GETNAME") is NULL_BULK
    assert c2.call("CLIENT", "ID") != cid
    assert c.call("SELECT", "0") == Simple("OK")


def test_command_and_info_answer(sut):
    c = sut.conn()
    info = c.call("INFO")
    assert isinstance(info, bytes) and b"\r\n" in info, info
    cmd = c.call("COMMAND")
    assert isinstance(cmd, list) and len(cmd) > 10
    names = {x[0].lower() for x in cmd if isinstance(x, list) and x}
    for n in (b"get", b"set", b"hset", b"sadd", b"scan", b"expire"):
        assert n in names, "COMMAND lacks %r" % n
    assert isinstance(c.call("DBSIZE"), int)


def test_partial_writes_are_reassembled(sut):
    """A command split into single bytes and several commands in one write."""
    c = sut.conn()
    data = b"*3\r\n$3\r\nSET\r\n$7\r\npart:k1\r\n$5\r\nhello\r\n"
    for i in range(len(data)):
        c.send_raw(data[i:i + 1])
    assert c.read_raw() == b"+OK\r\n"
    many = b"".join([b"*2\r\n$4\r\nINCR\r\n$6\r\npart:n\r\n"] * 100)
    c.send_raw(many)
    for i in range(100):
        assert c.read_raw() == b":%d\r\n" % (i + 1)
    # a large value spread over many TCP segments
    big = b"x" * (3 * 1024 * 1024)
    assert c.call("SET", "part:big", big) == Simple("OK")
    assert c.call("STRLEN", "part:big") == len(big)
    assert c.call("GET", "part:big") == big


def test_quit_closes_connection(sut):
    c = sut.conn()
    assert c.call_raw("QUIT") == b"+OK\r\n"
    assert c.read_until_close(timeout=5) == b""


def test_expire_then_read_back(sut):
    r = sut.redis()
    r.set("ex:a", "1", px=100)
    r.set("ex:b", "1", ex=1000)
    wait_until(lambda: r.get("ex:a") is None, timeout=5, desc="ex:a expired")
    assert r.get("ex:b") == b"1"
    assert r.pttl("ex:a") == -2
    assert 990_000 < r.pttl("ex:b") <= 1_000_000
