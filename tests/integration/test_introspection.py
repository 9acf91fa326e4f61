"""What an operator asks a region about its commands: SLOWLOG, LATENCY,
INFO commandstats / errorstats / latencystats and CONFIG SET of the settings
that change at run time, on the real binary. Reply shapes follow Redis 7.0
(checked against a real redis-server where they must match exactly)."""

from lib.harness import RedisServer
from lib.resp import Err


def test_slowlog_records_commands_slower_than_the_threshold(sut_factory):
    s = sut_factory()
    c = s.conn()
    assert c.call("SLOWLOG", "LEN") == 0  # the default threshold is 10 ms
    assert c.call("CONFIG", "SET", "slowlog-log-slower-than", "0") == "OK"
    c.call("CLIENT", "SETNAME", "ops")
    c.call("SET", "k", "v")
    c.call("RPUSH", "l", *["x" * 200] + ["y"] * 40)
    entries = c.call("SLOWLOG", "GET", "2")
    assert len(entries) == 2
    newest, older = entries
    assert newest[0] > older[0]  # ids grow
    assert isinstance(newest[1], int) and isinstance(newest[2], int)
    # long argument lists and values are cut as Redis cuts them
    args = newest[3]
    assert args[0] == b"RPUSH" and len(args) == 32, args
    assert args[2] == b"x" * 128 + b"... (72 more bytes)"
    assert args[-1] == b"... (12 more arguments)"  # 43 - 31
    assert newest[5] == b"ops" and newest[4].startswith(b"127.0.0.1:")
    assert older[3] == [b"SET", b"k", b"v"]
    assert c.call("SLOWLOG", "LEN") >= 3
    assert c.call("CONFIG", "SET", "slowlog-max-len", "2") == "OK"
    c.call("PING")
    assert c.call("SLOWLOG", "LEN") == 2
    assert c.call("SLOWLOG", "RESET") == "OK"
    # CONFIG SET itself is logged after the reset, as in Redis
    assert c.call("SLOWLOG", "LEN") <= 1
    assert c.call("CONFIG", "SET", "slowlog-log-slower-than", "-1") == "OK"
    c.call("SLOWLOG", "RESET")
    c.call("GET", "k")
    assert c.call("SLOWLOG", "LEN") == 0
    assert isinstance(c.call("SLOWLOG", "GET", "-2"), Err)
    assert c.call("CONFIG", "GET", "slowlog-*") == [
        b"slowlog-log-slower-than", b"-1", b"slowlog-max-len", b"2"]


def test_info_counts_calls_errors_and_latency_per_command(sut_factory):
    s = sut_factory()
    c = s.conn()
    c.call("SET", "k", "v")
    for _ in range(3):
        c.call("GET", "k")
    assert isinstance(c.call("LPUSH", "k", "x"), Err)  # WRONGTYPE: a failed call
    assert isinstance(c.call("GET"), Err)  # arity: a rejected call
    assert isinstance(c.call("NOSUCHCMD"), Err)
    stats = c.info("commandstats")
    get = dict(kv.split("=") for kv in stats["cmdstat_get"].split(","))
    assert get["calls"] == "3" and get["rejected_calls"] == "1" and get["failed_calls"] == "0"
    lpush = dict(kv.split("=") for kv in stats["cmdstat_lpush"].split(","))
    assert lpush["failed_calls"] == "1"
    errors = c.info("errorstats")
    assert errors["errorstat_WRONGTYPE"] == "count=1"
    assert errors["errorstat_ERR"] == "count=2"
    latency = c.info("latencystats")
    assert latency["latency_percentiles_usec_get"].startswith("p50=")
    # the default INFO has errorstats but not the per-command sections
    default = c.call("INFO").decode()
    assert "# Errorstats" in default and "# Commandstats" not in default
    assert c.call("CONFIG", "RESETSTAT") == "OK"
    assert "cmdstat_get" not in c.info("commandstats")


def test_latency_monitor_is_off_until_a_threshold_is_set(sut_factory):
    s = sut_factory()
    c = s.conn()
    assert c.call("LATENCY", "LATEST") == []
    assert c.call("LATENCY", "HISTORY", "command") == []
    assert c.call("LATENCY", "RESET") == 0
    assert c.call("CONFIG", "SET", "latency-monitor-threshold", "1") == "OK"
    # a command of a millisecond or more: a big LRANGE reply
    c.call("RPUSH", "l", *[str(i) for i in range(20000)])
    for _ in range(20):
        c.call("LRANGE", "l", "0", "-1")
    latest = c.call("LATENCY", "LATEST")
    assert latest and latest[0][0] == b"command", latest
    assert latest[0][3] >= latest[0][2] >= 1
    assert len(c.call("LATENCY", "HISTORY", "command")) >= 1
    assert c.call("LATENCY", "RESET", "command") == 1
    assert c.call("LATENCY", "LATEST") == []


def test_config_set_changes_runtime_settings_and_names_the_others(sut_factory):
    s = sut_factory()
    c = s.conn()
    assert c.call("CONFIG", "SET", "slowlog-max-len", "5", "latency-monitor-threshold", "3") == "OK"
    assert c.call("CONFIG", "GET", "latency-monitor-threshold") == [
        b"latency-monitor-threshold", b"3"]
    err = c.call("CONFIG", "SET", "maxclients", "10")
    assert isinstance(err, Err) and "config file" in err, err
    # all or nothing: a bad pair leaves the good one unapplied
    err = c.call("CONFIG", "SET", "slowlog-max-len", "7", "slowlog-log-slower-than", "abc")
    assert isinstance(err, Err)
    assert c.call("CONFIG", "GET", "slowlog-max-len") == [b"slowlog-max-len", b"5"]


def test_replies_match_redis_for_the_same_requests(sut_factory):
    ref = RedisServer()
    ref.start()
    try:
        r, m = ref.conn(), sut_factory().conn()
        for args in (["SLOWLOG", "LEN"], ["SLOWLOG", "RESET"], ["SLOWLOG", "GET", "abc"],
                     ["SLOWLOG", "GET", "-2"], ["SLOWLOG", "BOGUS"], ["SLOWLOG", "LEN", "x"],
                     ["SLOWLOG", "HELP"], ["LATENCY", "LATEST"], ["LATENCY", "RESET"],
                     ["LATENCY", "HISTORY", "command"], ["LATENCY", "BOGUS"],
                     ["CONFIG", "SET", "nosuch", "1"], ["CONFIG", "SET", "slowlog-max-len"],
                     ["CONFIG", "SET", "slowlog-log-slower-than", "abc"],
                     ["CONFIG", "GET", "slowlog-max-len"]):
            assert m.call_raw(*args) == r.call_raw(*args), args
    finally:
        ref.cleanup()


def test_command_getkeys_and_memory_usage(sut_factory):
    ref = RedisServer()
    ref.start()
    try:
        r, m = ref.conn(), sut_factory().conn()
        for args in (["COMMAND", "GETKEYS", "SET", "a", "b"], ["COMMAND", "GETKEYS", "nosuch", "a"],
                     ["COMMAND", "GETKEYS", "GET", "a", "b"], ["COMMAND", "GETKEYS", "PING", "x"],
                     ["COMMAND", "GETKEYS", "MSET", "a", "1", "b", "2"],
                     ["COMMAND", "GETKEYS", "SINTERCARD", "2", "a", "b", "LIMIT", "1"],
                     ["COMMAND", "GETKEYS", "LMPOP", "2", "a", "b", "LEFT"],
                     ["COMMAND", "GETKEYS", "RENAME", "a", "b"], ["COMMAND", "GETKEYS"],
                     ["MEMORY", "USAGE", "nokey"], ["MEMORY", "USAGE"], ["MEMORY", "BOGUS"],
                     ["MEMORY", "PURGE"], ["MEMORY", "USAGE", "k", "FOO"]):
            assert m.call_raw(*args) == r.call_raw(*args), args
        m.call("SET", "small", "v")
        m.call("RPUSH", "big", *["element-%d" % i for i in range(2000)])
        small, big = m.call("MEMORY", "USAGE", "small"), m.call("MEMORY", "USAGE", "big")
        assert 0 < small < big
        # sampled (default 5) and whole (SAMPLES 0) estimates agree for even elements
        whole = m.call("MEMORY", "USAGE", "big", "SAMPLES", "0")
        assert abs(whole - big) < big * 0.2, (whole, big)
        assert isinstance(m.call("MEMORY", "USAGE", "big", "SAMPLES", "-1"), Err)
    finally:
        ref.cleanup()


def test_mr_status_reports_the_region_as_json(sut_factory):
    import json
    c = sut_factory().conn()
    c.call("SET", "k", "v")
    st = json.loads(c.call("MR.STATUS"))
    assert st["region"] == "r1" and st["region_id"] == 1
    assert st["write_sequence"] >= 1 and st["peers"] == []


def test_every_command_the_server_lists_is_named_in_a_test(sut_factory):
    """COMMAND LIST against the test sources: each command appears in some
    test (as a quoted name, or as a redis-py method call)."""
    import glob
    import os
    import re
    here = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    text = ""
    for pattern in ("differential/*.py", "integration/*.py", "crash/*.py", "lib/*.py",
                    "unit/*.cc", "unit/*.h"):
        for path in glob.glob(os.path.join(here, pattern)):
            text += open(path, errors="replace").read().lower() + "\n"
    names = [n.decode() for n in sut_factory().conn().call("COMMAND", "LIST")]
    assert len(names) >= 120
    untested = [n for n in names
                if not re.search(r"[\"' (]" + re.escape(n) + r"[\"' ]", text)
                and not re.search(r"\." + re.escape(n.replace(".", "_")) + r"\(", text)]
    assert untested == [], untested


def test_client_kill_closes_other_connections(sut_factory):
    s = sut_factory()
    admin, victim, waiting = s.conn(), s.conn(), s.conn()
    victim_id = victim.call("CLIENT", "ID")
    victim.call("CLIENT", "SETNAME", "victim")
    assert admin.call("CLIENT", "KILL", "ID", str(victim_id)) == 1
    # the victim's socket is closed by the server
    assert victim.read_until_close(timeout=5) == b""
    assert b"name=victim" not in admin.call("CLIENT", "LIST")
    # a client blocked in WAIT (forever) is closed too
    waiting_id = waiting.call("CLIENT", "ID")
    waiting.call("SET", "k", "v")
    waiting.send("WAIT", "1", "0")
    assert admin.call("CLIENT", "KILL", "ID", str(waiting_id), "SKIPME", "yes") == 1
    waiting.read_until_close(timeout=5)
    # the old form, and errors as Redis words them
    assert admin.call("CLIENT", "KILL", "127.0.0.1:1") == Err("ERR No such client")
    assert admin.call("CLIENT", "KILL", "ID", "0") == Err("ERR client-id should be greater than 0")
    assert admin.call("CLIENT", "KILL", "BOGUS", "x") == Err("ERR syntax error")
    assert admin.call("CLIENT", "NO-EVICT", "on") == "OK"
    # SKIPME no kills the caller after its reply
    me = admin.call("CLIENT", "ID")
    assert admin.call("CLIENT", "KILL", "ID", str(me), "SKIPME", "no") == 1
    assert admin.read_until_close(timeout=5) == b""


def test_monitor_streams_every_command_as_redis_shows_it(sut_factory):
    import re
    from lib.harness import wait_until

    def monitor_lines(server_conn_factory):
        mon, c = server_conn_factory(), server_conn_factory()
        assert mon.call("MONITOR") == "OK"
        c.call("SET", "k", 'a b"c\n\x01')
        c.call("GET", "k")
        c.call("CONFIG", "GET", "hz")  # admin: not shown, as in Redis
        c.call("DEL", "k")
        lines = []

        def got_three():
            try:
                lines.append(mon.read_raw(timeout=0.2))
            except Exception:  # noqa: BLE001 - nothing yet
                pass
            return len(lines) >= 3
        wait_until(got_three, timeout=10)
        # the time and the client address differ between servers
        return [re.sub(rb"^\+[0-9]+\.[0-9]{6} \[0 [0-9.:]+\] ", b"+T [0 A] ", l) for l in lines]

    ref = RedisServer()
    ref.start()
    try:
        expected = monitor_lines(ref.conn)
        got = monitor_lines(sut_factory().conn)
        assert got == expected
        assert expected[0] == b'+T [0 A] "SET" "k" "a b\\"c\\n\\x01"\r\n'
    finally:
        ref.cleanup()


def test_latency_histogram_is_cumulative_per_command(sut_factory):
    def pairs(flat):  # a RESP2 map: a flat array of keys and values
        return [(flat[i], flat[i + 1]) for i in range(0, len(flat), 2)]
    c = sut_factory().conn()
    for i in range(50):
        c.call("SET", "k%d" % i, "v")
    c.call("GET", "k1")
    h = dict(pairs(c.call("LATENCY", "HISTOGRAM", "set", "nosuch")))
    assert list(h) == [b"set"], h
    row = dict(pairs(h[b"set"]))
    assert row[b"calls"] == 50
    buckets = pairs(row[b"histogram_usec"])
    bounds = [b for b, _ in buckets]
    counts = [n for _, n in buckets]
    assert all(b & (b - 1) == 0 for b in bounds) and bounds == sorted(bounds)
    assert counts == sorted(counts) and counts[-1] == 50
    assert c.call_raw("LATENCY", "HISTOGRAM", "nosuch") == b"*0\r\n"
    names = [k for k, _ in pairs(c.call("LATENCY", "HISTOGRAM"))]
    assert b"get" in names and b"set" in names


def test_info_memory_and_memory_stats_measure_the_process(sut_factory):
    ref = RedisServer()
    ref.start()
    try:
        r, m = ref.conn(), sut_factory().conn()
        m.call("SET", "k", "v")
        r.call("SET", "k", "v")
        info = m.info("memory")
        rss, used = int(info["used_memory_rss"]), int(info["used_memory"])
        # a real process: megabytes resident, a heap, a peak at least as high
        assert rss > 1 << 20 and used > 0, info
        assert int(info["used_memory_peak"]) >= used
        assert info["used_memory_human"].endswith(("B", "K", "M", "G"))
        assert info["maxmemory_policy"] == "noeviction"
        # MEMORY STATS: Redis' fields (values are Meridian's own)
        def fields(conn):
            flat = conn.call("MEMORY", "STATS")
            return [flat[i] for i in range(0, len(flat), 2)]
        assert fields(m) == fields(r)
        stats = m.call("MEMORY", "STATS")
        stats = dict(zip(stats[0::2], stats[1::2]))
        assert stats[b"keys.count"] == 1 and stats[b"total.allocated"] > 0
        for args in (["MEMORY", "STATS", "x"], ["MEMORY", "HELP"]):
            assert m.call_raw(*args) == r.call_raw(*args), args
    finally:
        ref.cleanup()
