"""MULTI / EXEC / DISCARD / WATCH / UNWATCH against redis-server 7.0, RESP2
and RESP3, byte for byte: queued replies, errors found while queuing
(EXECABORT), errors while running (inside EXEC's array, the rest still
runs), refusals of EXEC itself ("EXECABORT Transaction discarded because
of: ..."), nesting and misplaced commands, and WATCH aborts (nil) caused by
another connection, by the client itself, by a delete, by FLUSHALL and by
expiry. Scripts use two connections per server: a line "1: SET k v" runs on
the second. Then redis-py's transactional pipeline() and its WATCH helper
(transaction()) against both servers.
"""

import pytest

from difftools import run_conns_script


CASES = {
    "queue-and-run": [
        "MULTI", "SET a 1", "INCR a", "LPUSH l x y", "LRANGE l 0 -1", "GET a", "EXEC",
        "MULTI", "EXEC", "GET a",
        # an error while running stays in the array; the rest runs
        "MULTI", "SET w 3", "LPUSH w x", "INCR w", "HSET w f v", "GET w", "EXEC",
        "MULTI", "DEL a", "SET a 5", "INCRBY a 2", "SADD s m", "SREM s m", "SADD s m",
        "SMEMBERS s", "EXEC", "GET a",
        # replies of every shape inside EXEC
        "MULTI", "HSET h f 1 g 2", "HGETALL h", "ZADD z 1 a 2 b", "ZRANGE z 0 -1 WITHSCORES",
        "ZSCORE z a", "GET nokey", "SMEMBERS nokey", "EXISTS a h z", "EXEC",
    ],
    "queue-errors": [
        "MULTI", "SET a", "SET a 1", "EXEC", "GET a",
        "MULTI", "NOSUCHCMD x", "INCR a", "EXEC", "GET a",
        "MULTI", "SET b 1", "WATCH", "EXEC", "EXISTS b",
        "MULTI", "set b 1", "EXEC x", "EXEC", "EXISTS b",
    ],
    "misplaced": [
        "EXEC", "DISCARD", "MULTI x", "DISCARD x", "MULTI", "MULTI", "WATCH k", "PING",
        "EXEC", "MULTI", "SET a 1", "DISCARD", "GET a", "EXEC", "DISCARD",
        "MULTI", "DISCARD x", "EXEC", "UNWATCH x", "WATCH", "WATCH k k k", "UNWATCH",
        "UNWATCH",
    ],
    "watch-other-client": [
        "SET w 1", "WATCH w", "1: SET w 2", "MULTI", "GET w", "EXEC", "GET w",
        # the abort unwatched: the next transaction runs
        "MULTI", "GET w", "EXEC",
        "WATCH w", "1: GET w", "MULTI", "INCR w", "EXEC",
        "WATCH w x", "1: SET x 1", "MULTI", "INCR w", "EXEC", "GET w",
        # a write before MULTI by the watcher itself aborts too
        "WATCH w", "SET w 10", "MULTI", "INCR w", "EXEC", "GET w",
        # UNWATCH and DISCARD forget the watch
        "WATCH w", "1: SET w 20", "UNWATCH", "MULTI", "INCR w", "EXEC",
        "WATCH w", "MULTI", "1: SET w 30", "DISCARD", "MULTI", "INCR w", "EXEC",
    ],
    "watch-kinds-of-change": [
        "WATCH nokey", "1: SET nokey 1", "1: DEL nokey", "MULTI", "PING", "EXEC",
        "SET d 1", "WATCH d", "1: DEL d", "MULTI", "PING", "EXEC",
        "SADD s a", "WATCH s", "1: SADD s a", "MULTI", "PING", "EXEC",
        "WATCH s", "1: SADD s b", "MULTI", "PING", "EXEC",
        "WATCH s", "1: SREM s zz", "MULTI", "PING", "EXEC",
        "HSET h f 1", "WATCH h", "1: HINCRBY h f 1", "MULTI", "HGET h f", "EXEC",
        "SET e 1", "WATCH e", "1: EXPIRE e 1000", "MULTI", "TTL e", "EXEC",
        "SET r 1", "WATCH r", "1: RENAME r r2", "MULTI", "EXISTS r", "EXEC",
        "SET f 1", "WATCH f", "1: FLUSHALL", "MULTI", "PING", "EXEC",
    ],
    "watch-expiry": [
        "SET e v PX 150", "WATCH e", "@wait e", "MULTI", "GET e", "EXEC",
    ],
    "subscribed-context": [
        "MULTI", "SUBSCRIBE c", "PING", "EXEC",
    ],
    # RESET drops the transaction, the watches, the name, the subscriptions
    # and RESP3, and answers +RESET
    "reset": [
        "CLIENT SETNAME someone", "SET w 1", "WATCH w", "MULTI", "SET a 1", "RESET", "EXEC",
        "GET a", "CLIENT GETNAME", "1: SET w 2", "MULTI", "GET w", "EXEC", "RESET x",
        "@hello HELLO 3", "RESET", "GET nokey", "HGETALL nokey", "SUBSCRIBE c", "RESET", "PING",
        "GET nokey",
    ],
}


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_transaction_script(live_pair, name, proto):
    run_conns_script(live_pair, name, CASES[name], proto)


def test_exec_refused_in_subscribed_context(live_pair):
    """A RESP2 client that subscribed inside a transaction: MULTI and EXEC
    are refused, EXEC with Redis' EXECABORT wording."""
    run_conns_script(live_pair, "subscribed", [
        "MULTI", "SUBSCRIBE c", "EXEC", "MULTI", "EXEC", "PING",
    ], 2, nconns=1)


def test_redis_py_pipeline_and_watch(diff_pair):
    """redis-py's default pipeline() sends MULTI/EXEC; transaction() retries
    on a WATCH abort. Same results from both servers."""
    import redis

    results = []
    for srv in diff_pair:
        r = redis.Redis(host=srv.host, port=srv.port, decode_responses=True)
        try:
            r.flushall()
            with r.pipeline() as p:
                p.set("a", 1).incr("a").lpush("l", "x", "y").lrange("l", 0, -1)
                first = p.execute()
            with r.pipeline() as p:
                p.set("w", "str").lpush("w", "x").incr("a")
                second = p.execute(raise_on_error=False)
            attempts = []

            def bump(pipe):
                value = int(pipe.get("a"))
                if not attempts:
                    r.set("a", 100)  # another client changes the watched key once
                attempts.append(value)
                pipe.multi()
                pipe.set("a", value + 1)

            r.transaction(bump, "a")
            results.append((first, [repr(x) if isinstance(x, Exception) else x for x in second],
                            attempts, r.get("a")))
        finally:
            r.close()
    assert results[0] == results[1]
    assert results[0][2] == [3, 100] and results[0][3] == "101"
