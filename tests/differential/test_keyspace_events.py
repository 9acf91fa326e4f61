"""Keyspace notifications against redis-server 7.0: CONFIG SET / GET of
notify-keyspace-events (its letters, the A alias, the error for a bad
letter), and the messages a subscriber to __keyspace@0__:* and
__keyevent@0__:* receives for scripts of write commands of every type:
which events, on which keys, in which order (a collection emptied by a
command adds "del"; SET with a TTL adds "expire"; RENAME, LMOVE, SMOVE,
COPY name each side), filtered by the classes configured. Each script's
messages are collected up to a marker published after it and compared as
a list."""

import pytest

from lib.resp import encode_command

CONFIG = [
    ("CONFIG", "GET", "notify-keyspace-events"),
    ("CONFIG", "SET", "notify-keyspace-events", "Q"),
    ("CONFIG", "SET", "notify-keyspace-events", "An"),
    ("CONFIG", "GET", "notify-keyspace-events"),
    ("CONFIG", "SET", "notify-keyspace-events", "g$lshzxetdnKEm"),
    ("CONFIG", "GET", "notify-keyspace-events"),
    ("CONFIG", "SET", "notify-keyspace-events", "Elz"),
    ("CONFIG", "GET", "notify-keyspace-events"),
    ("CONFIG", "SET", "notify-keyspace-events", ""),
    ("CONFIG", "GET", "notify-keyspace-events"),
]

# (classes, commands): each script runs on an empty key space.
SCRIPTS = {
    "strings": ("KEA", [
        "SET s v", "SET s v EX 100", "SETEX s2 100 v", "PSETEX s3 100000 v", "SETNX s v",
        "SETNX n v", "GETSET s w", "MSET a 1 b 2", "MSETNX a 1 c 3", "MSETNX c 3 d 4",
        "APPEND s x", "INCR i", "DECRBY i 3", "INCRBYFLOAT f 1.5", "SETRANGE s 1 zz",
        "SETBIT b1 3 1", "GETDEL s", "GETDEL nokey", "GETEX s2 PERSIST", "GETEX s3 EX 50",
        "PFADD h a b", "PFADD h a", "PFMERGE h2 h", "BITOP OR dst b1 nokey", "INCR s2",
    ]),
    "generic": ("KEA", [
        "SET k v", "EXPIRE k 100", "PEXPIRE k 100000", "PERSIST k", "PERSIST k",
        "EXPIREAT k 1", "EXISTS k", "SET k v", "RENAME k k2", "RENAMENX k2 k3",
        "COPY k3 k4", "DEL k3 k4 nokey", "SET a 1", "UNLINK a", "EXPIRE nokey 10",
    ]),
    "lists": ("KEA", [
        "RPUSH l a b c", "LPUSH l z", "RPUSHX l d", "LPUSHX nokey x", "LPOP l", "RPOP l 2",
        "LINSERT l BEFORE b y", "LSET l 0 q", "LREM l 1 q", "LTRIM l 0 0", "RPUSH l2 x",
        "LMOVE l2 l3 LEFT RIGHT", "RPUSH l4 a b", "RPOPLPUSH l4 l5", "LMPOP 1 l4 LEFT",
        "LPOP l", "LRANGE l3 0 -1",
    ]),
    "sets-and-hashes": ("KEA", [
        "SADD s a b c", "SADD s a", "SREM s a nope", "SADD p one", "SPOP p", "SMOVE s t b",
        "SMOVE s t c",
        "SADD u x", "SINTERSTORE d s u", "SADD s q", "SUNIONSTORE d s u", "SDIFFSTORE d u u",
        "HSET h f v g w", "HSETNX h f v", "HSETNX h n v", "HMSET h a 1", "HDEL h f nope",
        "HINCRBY h a 2", "HINCRBYFLOAT h a 0.5", "HDEL h g n a",
    ]),
    "sorted-sets": ("KEA", [
        "ZADD z 1 a 2 b 3 c", "ZADD z INCR 5 a", "ZINCRBY z 1 b", "ZREM z c nope",
        "ZADD z 4 d 5 e", "ZREMRANGEBYSCORE z 4 4", "ZREMRANGEBYRANK z 0 0",
        "ZPOPMIN z", "ZPOPMAX z", "ZADD y 1 m 2 n", "ZUNIONSTORE u 1 y", "ZINTERSTORE i 2 y nokey",
        "ZRANGESTORE r y 0 0", "ZMPOP 1 y MAX", "ZMPOP 1 y MIN",
    ]),
    "streams": ("KEA", [
        "XADD x 1 f v", "XADD x 2 f v", "XDEL x 1", "XTRIM x MAXLEN 0", "XSETID x 5",
        "XADD x MAXLEN 1 6 f v", "XADD x MAXLEN 1 7 f v", "XGROUP CREATE x g $",
        "XGROUP CREATECONSUMER x g c", "XGROUP CREATECONSUMER x g c", "XGROUP SETID x g 0",
        "XREADGROUP GROUP g c2 STREAMS x >", "XREADGROUP GROUP g c2 STREAMS x >",
        "XCLAIM x g c3 0 7", "XAUTOCLAIM x g c4 0 0", "XACK x g 7",
        "XGROUP DELCONSUMER x g c", "XGROUP DESTROY x g", "XGROUP CREATE y g $ MKSTREAM",
    ]),
    # only the classes asked for, and only keyspace or keyevent channels
    "classes": ("Kl", [
        "SET s v", "RPUSH l a", "SADD s2 a", "LPOP l", "DEL s",
    ]),
    "keyevent-generic": ("Eg", [
        "SET s v", "EXPIRE s 100", "RPUSH l a", "DEL s l", "SET a b", "RENAME a b",
    ]),
    "transaction-and-script": ("KEA", [
        "MULTI", "SET a 1", "INCR a", "RPUSH l x", "EXEC",
        "EVAL \"redis.call('SET', KEYS[1], 'v'); redis.call('DEL', KEYS[1])\" 1 k",
    ]),
}


def run_config(conn):
    out = []
    for argv in CONFIG:
        conn.send_raw(encode_command(*argv))
        out.append(conn.read_raw())
    return out


def collect(server, classes, lines):
    """The raw messages a subscriber to every keyspace and keyevent channel
    gets while `lines` run, then the script's replies."""
    from difftools import parse_line

    writer, sub = server.conn(), server.conn()
    writer.call("FLUSHALL")
    writer.call("CONFIG", "SET", "notify-keyspace-events", classes)
    sub.send_raw(encode_command("PSUBSCRIBE", "__key*__:*"))
    sub.read_raw()
    sub.send_raw(encode_command("SUBSCRIBE", "script-done"))
    sub.read_raw()
    replies = []
    for line in lines:
        writer.send_raw(encode_command(*parse_line(line).args))
        replies.append(writer.read_raw())
    writer.call("PUBLISH", "script-done", "1")
    messages = []
    while True:
        raw = sub.read_raw()
        if b"script-done" in raw:
            break
        messages.append(raw)
    writer.call("CONFIG", "SET", "notify-keyspace-events", "")
    return messages, replies


def test_config_get_and_set(diff_pair):
    ref, sut = diff_pair
    assert run_config(sut.conn()) == run_config(ref.conn())


@pytest.mark.parametrize("name", sorted(SCRIPTS))
def test_notifications(diff_pair, name):
    ref, sut = diff_pair
    classes, lines = SCRIPTS[name]
    want, want_replies = collect(ref, classes, lines)
    got, got_replies = collect(sut, classes, lines)
    assert got_replies == want_replies
    assert got == want, "\n".join(
        "%-70r %r" % (w, g) for w, g in zip(want + [b""] * len(got), got + [b""] * len(want)))
    assert want, "the script made no event at all"
