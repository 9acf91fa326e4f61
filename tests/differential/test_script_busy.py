"""A busy script against redis-server 7.0: once a script has run longer
than lua-time-limit (set to 100 ms here), every other client is answered
BUSY while it runs (the text names SCRIPT KILL for EVAL, FUNCTION KILL for
FCALL); SCRIPT KILL / FUNCTION KILL of the other kind answers BUSY too, the
right one stops the script (its caller gets Redis' error) and the server
answers normally again; a script that has written cannot be killed
(UNKILLABLE) and runs to its end; SCRIPT KILL with no script running is
NOTBUSY. Each scenario runs on both servers and the replies are compared
byte for byte."""

import pytest

from lib.harness import wait_until
from lib.resp import encode_command

LOOP = "local i = 0 while true do i = i + 1 end"
# Writes, then loops for about two seconds of the server's clock.
WRITE_THEN_LOOP = ("redis.call('SET', KEYS[1], 'v') "
                   "local t = tonumber(redis.call('TIME')[1]) "
                   "while tonumber(redis.call('TIME')[1]) < t + 2 do end return 1")
LIBRARY = ("#!lua name=busylib\n"
           "redis.register_function('spin', function() local i = 0 while true do i = i + 1 end end)")


def busy_session(server, start, kills):
    """Starts `start` on one connection, waits until another is answered
    BUSY, sends `kills` from it, and returns every reply in order (the
    started command's last).

    Each probe is a PING on a connection of its own, opened before the
    script: a PING that Meridian read in the same pass as the script's
    command is answered only once that pass commits, after the script (the
    probe then moves on to the next connection)."""
    runner = server.conn()
    probes = [server.conn(timeout=1.0) for _ in range(20)]
    probes[0].call("CONFIG", "SET", "lua-time-limit", "100")
    runner.send_raw(encode_command(*start))
    replies = []
    found = []

    def busy():
        p = probes[0]
        try:
            raw = p.call_raw("PING")
        except TimeoutError:
            probes.remove(p)
            return False
        if raw.startswith(b"-BUSY"):
            replies.append(raw)
            found.append(p)
            return True
        probes.remove(p)
        return False

    wait_until(busy, timeout=15, desc="the script to be busy")
    other = found[0]
    for k in kills:
        replies.append(other.call_raw(*k))
    replies.append(runner.read_raw(timeout=10))
    replies.append(other.call_raw("PING"))
    other.call("CONFIG", "SET", "lua-time-limit", "5000")
    return replies


def both(diff_pair, fn):
    ref, sut = diff_pair
    want = fn(ref)
    got = fn(sut)
    assert got == want, "\n".join("%r\n%r" % (w, g) for w, g in zip(want, got))
    return want


def test_script_kill_stops_a_busy_eval(diff_pair):
    replies = both(diff_pair, lambda s: busy_session(
        s, ("EVAL", LOOP, "0"),
        [("GET", "k"), ("FUNCTION", "KILL"), ("SCRIPT", "KILL")]))
    assert replies[3] == b"+OK\r\n"
    assert b"Script killed by user with SCRIPT KILL" in replies[-2]


def test_function_kill_stops_a_busy_function(diff_pair):
    for s in diff_pair:
        s.conn().call("FUNCTION", "LOAD", "REPLACE", LIBRARY)
    replies = both(diff_pair, lambda s: busy_session(
        s, ("FCALL", "spin", "0"), [("SCRIPT", "KILL"), ("FUNCTION", "KILL")]))
    assert replies[2] == b"+OK\r\n"
    for s in diff_pair:
        s.conn().call("FUNCTION", "DELETE", "busylib")


def test_a_script_that_wrote_is_unkillable_and_runs_to_its_end(diff_pair):
    replies = both(diff_pair, lambda s: busy_session(
        s, ("EVAL", WRITE_THEN_LOOP, "1", "busy:k"), [("SCRIPT", "KILL")]))
    assert replies[1].startswith(b"-UNKILLABLE")
    assert replies[-2] == b":1\r\n"


def test_no_script_is_notbusy(diff_pair):
    both(diff_pair, lambda s: [s.conn().call_raw("SCRIPT", "KILL"),
                               s.conn().call_raw("FUNCTION", "KILL"),
                               s.conn().call_raw("CONFIG", "GET", "lua-time-limit")])
