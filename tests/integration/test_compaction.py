"""BGREWRITEAOF compacts the stored data: the memtables are flushed (their
write-ahead log files go), every table file is rewritten, and INFO
persistence reports it under Redis' names."""

from lib.harness import wait_until


def test_bgrewriteaof_compacts_and_reports_like_redis(meridian_factory, redis_factory):
    s = meridian_factory()
    c = s.conn()
    value = b"x" * 512
    for round_ in range(4):  # the same keys overwritten: most stored versions are dead
        c.pipeline(*[("SET", "k:%d" % i, value + b"%d" % round_) for i in range(2000)])
    c.pipeline(*[("DEL", "k:%d" % i) for i in range(0, 2000, 2)])
    before = c.info("memory")
    assert int(before["storage_wal"]) > 2000 * 512, before  # all of it still in the log
    p = c.info("persistence")
    assert p["aof_rewrite_in_progress"] == "0" and p["aof_rewrites"] == "0", p
    assert p["aof_last_rewrite_time_sec"] == "-1" and p["aof_last_bgrewrite_status"] == "ok"
    r = redis_factory().conn()
    reply = c.call_raw("BGREWRITEAOF")
    assert reply == r.call_raw("BGREWRITEAOF") == \
        b"+Background append only file rewriting started\r\n"
    p = wait_until(lambda: (lambda p: p["aof_rewrites"] == "1" and p)(c.info("persistence")),
                   desc="the compaction finished")
    assert p["aof_rewrite_in_progress"] == "0" and p["aof_last_bgrewrite_status"] == "ok", p
    after = c.info("memory")
    # the log was flushed into table files; those hold the live keys once
    assert int(after["storage_wal"]) < 64 * 1024, after
    assert 0 < int(after["storage_disk"]) < 1000 * 520 * 2, after
    assert c.call("GET", "k:1") == value + b"3" and c.call_raw("GET", "k:0") == b"$-1\r\n"
    assert c.call("DBSIZE") == 1000
    s.restart()
    c = s.conn()
    assert c.call("GET", "k:1999") == value + b"3" and c.call("DBSIZE") == 1000


def test_bgrewriteaof_takes_no_arguments(meridian_factory, redis_factory):
    m, r = meridian_factory().conn(), redis_factory().conn()
    assert m.call_raw("BGREWRITEAOF", "x") == r.call_raw("BGREWRITEAOF", "x")
