"""The servers and redis-benchmark runs behind bench/run_bench.py.

Starts meridian (or a redis-server stand-in) and the reference redis-server
with tests/lib/harness.py, runs one redis-benchmark test at a time against a
server and parses its --csv output, and talks to the servers with
tests/lib/resp.py (FLUSHALL, startup-command probes, key counts, versions).
"""

import csv
import hashlib
import io
import os
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
if os.path.join(REPO, "tests") not in sys.path:
    sys.path.insert(0, os.path.join(REPO, "tests"))
from lib import harness  # noqa: E402
import transaction_driver  # noqa: E402
from lib.resp import Err, ProtocolViolation, plain  # noqa: E402

DEFAULT_MERIDIAN = os.path.join(REPO, "build", "meridian")
TARGET_RATIO = 0.8
TESTS = ["set", "get", "incr", "sadd", "hset", "lpush", "lpop", "lrange_100", "zadd", "zincrby",
         "zrange_100", "pfadd", "xadd", "publish", "multi_exec_10", "evalsha"]
# EVALSHA runs this 3-command script (a rate limiter's counter), loaded
# with SCRIPT LOAD before the run.
RATE_SCRIPT = ("local n = redis.call('INCR', KEYS[1]) redis.call('EXPIRE', KEYS[1], 60) "
               "return redis.call('GET', KEYS[1])")
# Tests redis-benchmark has no -t for: the command line it runs instead
# (its __rand_int__ is a number below the keyspace). ZINCRBY and ZRANGE
# read the set -t zadd filled; PFADD adds random elements to one
# HyperLogLog, as its SADD test adds to one set; XADD appends to one
# stream with generated ids. PUBLISH runs with one
# subscriber on the channel (Subscriber below), which must read every message.
CUSTOM = {
    "zincrby": ["ZINCRBY", "myzset", "1", "element:__rand_int__"],
    "zrange_100": ["ZRANGE", "myzset", "-inf", "+inf", "BYSCORE", "LIMIT", "0", "100"],
    "pfadd": ["PFADD", "hll", "element:__rand_int__"],
    "xadd": ["XADD", "mystream", "*", "field", "value:__rand_int__"],
    "publish": ["PUBLISH", "news", "message:__rand_int__"],
    "evalsha": ["EVALSHA", hashlib.sha1(RATE_SCRIPT.encode()).hexdigest(), "1",
                "rate:__rand_int__"],
}
PIPELINES = [1, 16]
# requests per redis-benchmark run, by pipeline depth
FULL_REQUESTS = {1: 200_000, 16: 1_000_000}
QUICK_REQUESTS = {1: 20_000, 16: 100_000}
CLIENTS = 50
KEYSPACE = 100_000
READY_TIMEOUT = 30.0        # seconds for a server to answer PING
BENCH_TIMEOUT = 600.0       # seconds for one redis-benchmark invocation
CSV_FIELDS = ["test", "rps", "avg_latency_ms", "min_latency_ms",
              "p50_latency_ms", "p95_latency_ms", "p99_latency_ms",
              "max_latency_ms"]


# --------------------------------------------------------------------------
# Servers: harness processes in their own session (a terminal's Ctrl-C
# reaches only run_bench, which stops them from `finally`); each dies with us.

def redis_server_argv(port, datadir):
    return ["redis-server", "--port", str(port), "--bind", "127.0.0.1",
            "--appendonly", "yes", "--appendfsync", "everysec",
            "--save", "", "--dir", datadir, "--daemonize", "no",
            "--loglevel", "warning"]


def redis_server(kind, datadir):
    """redis-server with redis_server_argv's options on a free port."""
    return harness.CommandServer(lambda port: redis_server_argv(port, datadir),
                                 kind=kind, tmpdir=datadir, new_session=True)


def meridian_server(binary, workdir):
    """One meridian region "bench" with fsync every second, config
    workdir/bench.toml, data in workdir/data."""
    s = harness.MeridianServer(
        region="bench", cluster="bench", tmpdir=workdir, binary=binary,
        fsync="everysec", maxclients=10000, enable_flushall=True, hz=10,
        log_level="warn", proto_max_bulk_len=None,
        client_query_buffer_limit=None)
    s.config_path = os.path.join(workdir, "bench.toml")
    s.new_session = True
    return s


def start(server):
    """Starts a server and waits for PING -> +PONG (harness.ServerError if
    it cannot be executed, exits or does not answer)."""
    try:
        server.start(timeout=READY_TIMEOUT)
    except OSError as e:
        raise harness.ServerError("%s: cannot start: %s" % (server.kind, e))


def log_tail(server, n=20):
    """The last n lines of the server's log."""
    return "\n".join(server.log().splitlines()[-n:])


def call(server, *commands, timeout=10.0):
    """Sends commands (each a list of args) pipelined on a new connection and
    returns the replies as plain values (lib.resp.plain); error replies come
    back as lib.resp.Err, not raised. Raises OSError/ConnectionError."""
    try:
        with server.conn(timeout=timeout) as c:
            return [plain(r) for r in c.pipeline(*commands)]
    except ProtocolViolation as e:
        raise ConnectionError("protocol violation: %s" % e)


# --------------------------------------------------------------------------
# redis-benchmark

def bench_argv(port, test, pipeline, requests, clients, keyspace):
    argv = ["redis-benchmark", "-h", "127.0.0.1", "-p", str(port),
            "-c", str(clients), "-n", str(requests), "-P", str(pipeline),
            "-r", str(keyspace), "--csv"]
    return argv + (CUSTOM[test] if test in CUSTOM else ["-t", test])


def parse_csv(text, test):
    """Return the CSV row for `test` from redis-benchmark --csv output."""
    for row in csv.reader(io.StringIO(text)):
        # LRANGE_100 is reported as "LRANGE_100 (first 100 elements)", after
        # the "LPUSH (needed to benchmark LRANGE)" run that fills the list.
        name = row[0].split(" (")[0].upper() if row else ""
        if test in CUSTOM:  # reported as the command line it ran
            name = test.upper() if row and row[0].split(" ")[0].upper() == CUSTOM[test][0] else ""
        if len(row) >= len(CSV_FIELDS) and name == test.upper() and "needed" not in row[0]:
            rec = dict(zip(CSV_FIELDS, row))
            try:
                for k in CSV_FIELDS[1:]:
                    rec[k] = float(rec[k])
            except ValueError:
                return None
            return rec
    return None


class Subscriber:
    """One client subscribed to a channel, reading (and counting) every
    message in a thread while a PUBLISH test runs."""

    MARK = b"$7\r\nmessage\r\n"

    def __init__(self, port, channel):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.sendall(b"*2\r\n$9\r\nSUBSCRIBE\r\n$%d\r\n%s\r\n"
                          % (len(channel), channel.encode()))
        confirmation = b""
        while not confirmation.endswith(b":1\r\n"):
            chunk = self.sock.recv(4096)
            if not chunk:
                raise ConnectionError("the subscriber was closed before its confirmation")
            confirmation += chunk
        self.received = 0
        self.stopping = False
        self.thread = threading.Thread(target=self._drain, daemon=True)
        self.thread.start()

    def _drain(self):
        self.sock.settimeout(0.2)
        tail = b""
        while not self.stopping:
            try:
                chunk = self.sock.recv(1 << 20)
            except socket.timeout:
                continue
            if not chunk:
                return
            data = tail + chunk
            self.received += data.count(self.MARK)
            # A mark cut in two is whole in the next data; the kept bytes
            # are too few to hold a mark already counted.
            tail = data[-(len(self.MARK) - 1):]

    def stop(self, expected, timeout=30.0):
        """Waits until `expected` messages were read (or the timeout);
        returns how many were."""
        deadline = time.monotonic() + timeout
        while self.received < expected and time.monotonic() < deadline and self.thread.is_alive():
            time.sleep(0.05)
        self.stopping = True
        self.thread.join(5)
        self.sock.close()
        return self.received


# Tests redis-benchmark cannot send, run by a driver of ours: each request
# is one MULTI + 10 INCR + EXEC (transaction_driver.py).
DRIVEN = {"multi_exec_10"}
# Requests of a driven test, per redis-benchmark request (each is 12 commands).
DRIVEN_SHARE = 12


def run_one(server, test, pipeline, requests, args):
    """Run one redis-benchmark; return (result dict or None, stderr lines, error str)."""
    if test in DRIVEN:
        try:
            rec = transaction_driver.run(server.port, max(1, requests // DRIVEN_SHARE), pipeline,
                                         args.clients, args.keyspace, timeout=args.bench_timeout)
        except (OSError, RuntimeError) as e:
            return None, [], "transaction driver: %s" % e
        return rec, [], None
    argv = bench_argv(server.port, test, pipeline, requests,
                      args.clients, args.keyspace)
    if test == "evalsha":
        call(server, ["SCRIPT", "LOAD", RATE_SCRIPT])
    subscriber = Subscriber(server.port, CUSTOM[test][1]) if test == "publish" else None
    rec, stderr_lines, err = _run_benchmark(argv, test, args)
    if subscriber is not None:
        got = subscriber.stop(requests)
        if rec is not None:
            rec["subscriber_received"] = got
        if got != requests and err is None:
            err = "the subscriber read %d of %d messages" % (got, requests)
            rec = None
    return rec, stderr_lines, err


def _run_benchmark(argv, test, args):
    t0 = time.monotonic()
    try:
        r = subprocess.run(argv, stdin=subprocess.DEVNULL,
                           capture_output=True, text=True, errors="replace",
                           timeout=args.bench_timeout,
                           preexec_fn=harness.die_with_parent)
    except subprocess.TimeoutExpired as e:
        return None, [], "redis-benchmark timed out after %.0fs" % e.timeout
    elapsed = time.monotonic() - t0
    # redis-benchmark sometimes omits the newline after the last CSV row and
    # interleaves stderr; treat both streams line-wise.
    stderr_lines = [l.strip() for l in r.stderr.splitlines() if l.strip()]
    rec = parse_csv(r.stdout, test)
    err = None
    if r.returncode != 0 or rec is None:
        err = "redis-benchmark exit %d" % r.returncode
        # the error text goes into `err`; warnings stay in the stderr list
        err_lines = [l for l in stderr_lines if not l.startswith("WARNING")]
        if err_lines:
            err += ": " + " | ".join(err_lines[-4:])
            stderr_lines = [l for l in stderr_lines if l not in err_lines]
        elif stderr_lines:
            err += ": " + " | ".join(stderr_lines[-4:])
        elif r.stdout.strip():
            err += ": stdout: " + r.stdout.strip()[-300:]
        rec = None
    if rec is not None:
        rec["elapsed_s"] = elapsed
    return rec, stderr_lines, err


# --------------------------------------------------------------------------
# Commands of our own around the runs

def fmt_reply(reply):
    if isinstance(reply, Err):
        return "error `-%s`" % reply
    return "`%r`" % (reply,)


def flushall(server, notes):
    try:
        reply = call(server, ["FLUSHALL"], timeout=120.0)[0]
    except (OSError, ConnectionError) as e:
        notes.append("%s: FLUSHALL failed: %s" % (server.kind, e))
        return
    if reply != "OK":
        notes.append("%s: `FLUSHALL` replied %s" % (server.kind, fmt_reply(reply)))


def probe_startup_commands(server):
    """redis-benchmark 7.0 sends `CONFIG GET save` and `CONFIG GET appendonly`
    before a run (it only prints 'WARNING: Could not fetch server CONFIG' when
    they fail, not the error). Send them ourselves to capture the exact reply."""
    notes = []
    cmds = [["CONFIG", "GET", "save"], ["CONFIG", "GET", "appendonly"]]
    try:
        replies = call(server, *cmds)
    except (OSError, ConnectionError) as e:
        return ["%s: probing redis-benchmark startup commands failed: %s"
                % (server.kind, e)]
    for cmd, reply in zip(cmds, replies):
        if (isinstance(reply, Err) or not isinstance(reply, list)
                or len(reply) < 2):
            # redis-benchmark needs an array of >= 2 elements, else it warns
            notes.append("%s: redis-benchmark startup command `%s` -> %s"
                         % (server.kind, " ".join(cmd), fmt_reply(reply)))
    return notes


def sanity(server):
    cmds = [["DBSIZE"], ["SCARD", "myset"], ["HLEN", "myhash"]]
    try:
        replies = call(server, *cmds, timeout=30.0)
    except (OSError, ConnectionError) as e:
        return "unavailable (%s)" % e
    parts = []
    for cmd, reply in zip(cmds, replies):
        name = " ".join(cmd)
        parts.append("%s=%s" % (name, reply if isinstance(reply, int)
                                else fmt_reply(reply)))
    return ", ".join(parts)


def server_version(server):
    try:
        info = call(server, ["INFO", "server"])[0]
    except (OSError, ConnectionError):
        return None
    if not isinstance(info, str) or isinstance(info, Err):
        return None
    fields = []
    for line in info.splitlines():
        k, _, v = line.strip().partition(":")
        if k.endswith("_version") and v.strip():
            fields.append("%s:%s" % (k, v.strip()))
    # meridian_version first, then e.g. redis_version (its compat version)
    fields.sort(key=lambda f: not f.startswith("meridian"))
    return ", ".join(fields) or None
