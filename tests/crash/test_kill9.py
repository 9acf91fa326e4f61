"""Durability under kill -9: every acknowledged write survives, in every fsync mode.

A load of several client connections (SET of unique keys, some with a TTL, DEL
of keys set earlier, INCR of a few shared counters, SADD, HSET; each connection
pipelines a few commands) runs while the
server is killed with SIGKILL. Each worker records what it SENT and what was
ACKNOWLEDGED (a reply was read). After a restart on the same data dir:

* every acknowledged write is present (values exact, TTLs kept), every
  acknowledged DEL stays deleted;
* nothing that was never sent exists, and only sent writes can be present;
* counters: max(acknowledged INCR reply) <= value <= number of INCRs sent;
* keys written before the load are unchanged (values, members, fields, TTLs).
"""

import collections
import os
import socket
import threading
import time

import pytest

from lib.harness import wait_until
from lib.resp import ConnectionClosed, parse, Err, encode_command

N_WORKERS = 4
PIPELINE = 8
ACKS_BEFORE_KILL = int(os.environ.get("MERIDIAN_CRASH_ACKS", "15000"))
COUNTERS = ["crash:ctr:0", "crash:ctr:1", "crash:ctr:2"]
HASH_KEY = "crash:hash"
TTL_S = 100000


def set_key(tid):
    return "crash:set:%d" % (tid % 2)


class Worker(threading.Thread):
    def __init__(self, server, tid):
        super().__init__(daemon=True)
        self.server = server
        self.tid = tid
        self.conn = server.conn(timeout=30)
        # sent / acknowledged records
        self.sent_strings = {}     # key -> value
        self.acked_strings = {}
        self.ttl_keys = set()      # keys SET with EX TTL_S
        self.deletable = collections.deque()   # acked SET keys, not yet deleted
        self.sent_dels = set()
        self.acked_dels = set()
        self.sent_incr = {c: 0 for c in COUNTERS}
        self.acked_incr = {c: 0 for c in COUNTERS}
        self.max_incr_reply = {c: 0 for c in COUNTERS}
        self.sent_members = {}     # set key -> set(member)
        self.acked_members = {}
        self.sent_fields = {}      # field -> value
        self.acked_fields = {}
        self.acks = 0
        self.errors = []           # unexpected replies (a bug, not a crash)
        self.stop_flag = threading.Event()
        self.ended_by = None

    def op(self, i):
        t = self.tid
        kind = i % 6
        if kind == 5 and not self.deletable:
            kind = 0
        if kind in (0, 4):
            k, v = "crash:str:%d:%d" % (t, i), "v%d:%d" % (t, i)
            self.sent_strings[k] = v
            if kind == 4:
                self.ttl_keys.add(k)
                return ("SET", k, v, "EX", str(TTL_S)), ("str", k, v)
            return ("SET", k, v), ("str", k, v)
        if kind == 5:
            k = self.deletable.popleft()
            self.sent_dels.add(k)
            return ("DEL", k), ("del", k)
        if kind == 1:
            c = COUNTERS[(i // 6 + t) % len(COUNTERS)]
            self.sent_incr[c] += 1
            return ("INCR", c), ("incr", c)
        if kind == 2:
            k, m = set_key(t), "m%d:%d" % (t, i)
            self.sent_members.setdefault(k, set()).add(m)
            return ("SADD", k, m), ("sadd", k, m)
        f, v = "f%d:%d" % (t, i), "h%d" % i
        self.sent_fields[f] = v
        return ("HSET", HASH_KEY, f, v), ("hset", f, v)

    def ack(self, rec, reply):
        v = parse(reply)
        if isinstance(v, Err):
            self.errors.append((rec, reply))
            return
        kind = rec[0]
        if kind == "str":
            if reply != b"+OK\r\n":
                self.errors.append((rec, reply))
            self.acked_strings[rec[1]] = rec[2]
            self.deletable.append(rec[1])
        elif kind == "del":
            if v != 1:
                self.errors.append((rec, reply))
            self.acked_dels.add(rec[1])
        elif kind == "incr":
            self.acked_incr[rec[1]] += 1
            self.max_incr_reply[rec[1]] = max(self.max_incr_reply[rec[1]], v)
        elif kind == "sadd":
            if v != 1:
                self.errors.append((rec, reply))
            self.acked_members.setdefault(rec[1], set()).add(rec[2])
        else:
            if v != 1:
                self.errors.append((rec, reply))
            self.acked_fields[rec[1]] = rec[2]
        self.acks += 1

    def run(self):
        i = 0
        try:
            while not self.stop_flag.is_set():
                batch = []
                for _ in range(PIPELINE):
                    args, rec = self.op(i)
                    i += 1
                    batch.append((encode_command(*args), rec))
                self.conn.send_raw(b"".join(b for b, _ in batch))
                for _, rec in batch:
                    self.ack(rec, self.conn.read_raw())
            self.ended_by = "stopped"
        except (ConnectionClosed, ConnectionResetError, BrokenPipeError, socket.timeout,
                OSError) as e:
            self.ended_by = repr(e)
        finally:
            self.conn.close()


# ------------------------------------------------------------- pre-existing

def write_preexisting(c):
    """Keys written (and acknowledged) before the load. Returns a snapshot."""
    for i in range(100):
        assert c.call_raw("SET", "pre:str:%d" % i, "value-%d" % i) == b"+OK\r\n"
    for i in range(10):
        c.call_raw("SADD", "pre:set:%d" % i, *["m%d" % j for j in range(i + 1)])
        c.call_raw("HSET", "pre:hash:%d" % i, *sum((["f%d" % j, "v%d" % j] for j in range(i + 1)), []))
        c.call_raw("SET", "pre:ttl:%d" % i, "t", "EX", "100000")
    c.call_raw("INCRBY", "pre:counter", "12345")
    # a counter also touched by the load must not be part of the snapshot
    return snapshot(c, "pre:*")


def snapshot(c, pattern):
    snap = {}
    for k in sorted(c.call("KEYS", pattern)):
        t = c.call("TYPE", k)
        if t == "string":
            v = c.call("GET", k)
        elif t == "set":
            v = frozenset(c.call("SMEMBERS", k))
        elif t == "hash":
            h = c.call("HGETALL", k)
            v = frozenset(zip(h[::2], h[1::2]))
        else:
            v = None
        ttl = c.call("TTL", k)
        snap[k] = (str(t), v, ttl)
    return snap


def compare_snapshots(before, after):
    problems = []
    for k, (t, v, ttl) in before.items():
        if k not in after:
            problems.append("pre-existing key %r lost" % k)
            continue
        t2, v2, ttl2 = after[k]
        if (t2, v2) != (t, v):
            problems.append("pre-existing key %r changed: %r -> %r" % (k, (t, v), (t2, v2)))
        if (ttl == -1) != (ttl2 == -1) or (ttl >= 0 and not (ttl - 120 <= ttl2 <= ttl)):
            problems.append("pre-existing key %r TTL %r -> %r" % (k, ttl, ttl2))
    for k in after:
        if k not in before:
            problems.append("unexpected new key %r" % k)
    return problems


# ------------------------------------------------------------------ verify

def verify_after_crash(c, workers, pre, start_time):
    problems = []
    # 1. strings (SET, SET EX, DEL)
    sent_strings, acked_strings, ttl_keys = {}, {}, set()
    sent_dels, acked_dels = set(), set()
    for w in workers:
        sent_strings.update(w.sent_strings)
        acked_strings.update(w.acked_strings)
        ttl_keys |= w.ttl_keys
        sent_dels |= w.sent_dels
        acked_dels |= w.acked_dels
    keys = set(k.decode() for k in c.call("KEYS", "crash:str:*"))
    for k in acked_strings:
        if k not in keys and k not in sent_dels:
            problems.append("acknowledged SET %s lost" % k)
    for k in keys:
        if k not in sent_strings:
            problems.append("key %s exists but was never sent" % k)
        if k in acked_dels:
            problems.append("key %s exists but its DEL was acknowledged" % k)
    if keys:
        vals = c.call("MGET", *sorted(keys))
        for k, got in zip(sorted(keys), vals):
            if k in sent_strings and got != sent_strings[k].encode():
                problems.append("SET %s: value %r, sent %r" % (k, got, sent_strings[k]))
    elapsed = time.time() - start_time + 2
    for k in sorted(keys & ttl_keys)[:300]:
        ttl = c.call("TTL", k)
        if not (TTL_S - elapsed <= ttl <= TTL_S):
            problems.append("SET %s EX %d: TTL is %r after restart" % (k, TTL_S, ttl))
    for k in sorted(keys - ttl_keys)[:300]:
        ttl = c.call("TTL", k)
        if ttl != -1:
            problems.append("SET %s (no TTL): TTL is %r after restart" % (k, ttl))
    # 2. counters
    for ctr in COUNTERS:
        sent = sum(w.sent_incr[ctr] for w in workers)
        acked = sum(w.acked_incr[ctr] for w in workers)
        max_reply = max(w.max_incr_reply[ctr] for w in workers)
        got = c.call("GET", ctr)
        val = int(got) if got else 0
        if not (max(acked, max_reply) <= val <= sent):
            problems.append("counter %s = %d; acked %d (max reply %d), sent %d"
                            % (ctr, val, acked, max_reply, sent))
    # 3. sets
    for sk in sorted({set_key(w.tid) for w in workers}):
        sent = set().union(*(w.sent_members.get(sk, set()) for w in workers))
        acked = set().union(*(w.acked_members.get(sk, set()) for w in workers))
        got = set(m.decode() for m in c.call("SMEMBERS", sk))
        lost = acked - got
        extra = got - sent
        if lost:
            problems.append("SADD %s: %d acknowledged members lost, e.g. %s"
                            % (sk, len(lost), sorted(lost)[:5]))
        if extra:
            problems.append("SADD %s: %d never-sent members present, e.g. %s"
                            % (sk, len(extra), sorted(extra)[:5]))
    # 4. hash
    sent_f, acked_f = {}, {}
    for w in workers:
        sent_f.update(w.sent_fields)
        acked_f.update(w.acked_fields)
    h = c.call("HGETALL", HASH_KEY)
    got_f = {h[i].decode(): h[i + 1].decode() for i in range(0, len(h), 2)}
    lost = set(acked_f) - set(got_f)
    if lost:
        problems.append("HSET: %d acknowledged fields lost, e.g. %s" % (len(lost), sorted(lost)[:5]))
    for f, v in got_f.items():
        if f not in sent_f:
            problems.append("HSET: never-sent field %s present" % f)
        elif v != sent_f[f]:
            problems.append("HSET: field %s = %r, sent %r" % (f, v, sent_f[f]))
    # 5. nothing else: only pre-existing and load keys
    allowed_prefixes = ("pre:", "crash:str:")
    allowed = set(COUNTERS) | {HASH_KEY} | {set_key(w.tid) for w in workers}
    for k in c.call("KEYS", "*"):
        k = k.decode()
        if not (k.startswith(allowed_prefixes) or k in allowed):
            problems.append("unexpected key %r" % k)
    # 6. pre-existing data intact
    problems += compare_snapshots(pre, snapshot(c, "pre:*"))
    return problems


def run_load_and_kill(server, acks_before_kill=ACKS_BEFORE_KILL):
    workers = [Worker(server, t) for t in range(N_WORKERS)]
    for w in workers:
        w.start()
    try:
        wait_until(lambda: sum(w.acks for w in workers) >= acks_before_kill
                   or not any(w.is_alive() for w in workers),
                   timeout=120, desc="%d acknowledged writes" % acks_before_kill)
        assert any(w.is_alive() for w in workers), \
            "all workers ended before the kill: %r" % [w.ended_by for w in workers]
        server.kill9()
    finally:
        for w in workers:
            w.stop_flag.set()
        for w in workers:
            w.join(30)
    errs = [e for w in workers for e in w.errors]
    assert not errs, "unexpected replies during the load: %r" % errs[:10]
    return workers


@pytest.mark.parametrize("fsync", ["always", "everysec", "no"])
def test_acknowledged_writes_survive_kill9(sut_factory, fsync):
    s = sut_factory(fsync=fsync)
    c = s.conn()
    pre = write_preexisting(c)
    c.close()

    t_start = time.time()
    workers = run_load_and_kill(s)
    total_acks = sum(w.acks for w in workers)
    in_flight = sum(len(w.sent_strings) - len(w.acked_strings) for w in workers)
    dels = sum(len(w.acked_dels) for w in workers)
    print("fsync=%s: %d acknowledged writes (%d DELs) before kill -9 (%s); in-flight SETs %d"
          % (fsync, total_acks, dels, [w.ended_by for w in workers], in_flight))
    assert total_acks >= ACKS_BEFORE_KILL

    s.start()
    problems = verify_after_crash(s.conn(), workers, pre, t_start)
    assert not problems, "after kill -9 (fsync=%s) and restart:\n  %s" % (
        fsync, "\n  ".join(problems[:40]))

    # crash again right after recovery (no new writes): still the same data
    s.kill9()
    s.start()
    c = s.conn()
    problems = verify_after_crash(c, workers, pre, t_start)
    assert not problems, "after a second kill -9 (recovery of recovered data):\n  %s" % (
        "\n  ".join(problems[:40]))
    # and the server accepts writes again
    assert c.call_raw("SET", "crash:str:after", "1") == b"+OK\r\n"


def test_kill9_after_writes_then_idle(sut_factory):
    """Acknowledged writes survive kill -9 even when nothing follows them
    (no later write, no clean shutdown to flush anything)."""
    s = sut_factory(fsync="everysec")
    c = s.conn()
    for i in range(300):
        assert c.call_raw("SET", "idle:%d" % i, "v%d" % i) == b"+OK\r\n"
    assert c.call_raw("INCRBY", "idle:n", "300") == b":300\r\n"
    assert c.call_raw("DEL", "idle:0") == b":1\r\n"
    assert c.call_raw("EXPIRE", "idle:1", "100000") == b":1\r\n"
    assert c.call_raw("SET", "idle:2", "v2-new", "KEEPTTL") == b"+OK\r\n"
    s.kill9()
    s.start()
    c = s.conn()
    assert c.call("EXISTS", "idle:0") == 0
    assert 99_000 <= c.call("TTL", "idle:1") <= 100_000
    assert c.call("GET", "idle:2") == b"v2-new"
    assert c.call("GET", "idle:299") == b"v299"
    assert c.call("GET", "idle:n") == b"300"
    assert c.call("DBSIZE") == 300


def test_repeated_kill9_cycles(sut_factory):
    """Several crash/recover cycles, each with new acknowledged writes."""
    s = sut_factory(fsync="everysec")
    expected = {}
    for cycle in range(4):
        c = s.conn()
        for i in range(200):
            k = "cyc:%d:%d" % (cycle, i)
            assert c.call_raw("SET", k, "v") == b"+OK\r\n"
            expected[k] = b"v"
        assert c.call_raw("INCR", "cyc:n") == b":%d\r\n" % (cycle + 1)
        s.kill9()
        s.start()
        c = s.conn()
        assert c.call("DBSIZE") == len(expected) + 1
        assert c.call("GET", "cyc:n") == str(cycle + 1).encode()
        keys = sorted(expected)
        assert c.call("MGET", *keys) == [expected[k] for k in keys]
