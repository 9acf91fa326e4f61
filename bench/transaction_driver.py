"""A load generator for what redis-benchmark cannot send: MULTI, ten INCRs
of random keys and EXEC as one request (run_bench's "multi_exec_10").

Each of `clients` connections keeps `pipeline` transactions in flight: it
writes that many, reads until all their EXEC replies (*10) arrived, and
starts over. One thread multiplexes the connections (selectors); the bytes
of a thousand transactions are encoded once and reused, so the driver costs
little next to the servers. Reports requests (transactions) per second and
the latency of each batch, in redis-benchmark's CSV fields."""

import random
import selectors
import socket
import time

EXEC_MARK = b"*10\r\n"


def encode(*args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a.encode() if isinstance(a, str) else a
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def transactions(keyspace, n=1000, seed=7):
    rng = random.Random(seed)
    return [encode("MULTI") + b"".join(encode("INCR", "counter:%012d" % rng.randrange(keyspace))
                                       for _ in range(10)) + encode("EXEC")
            for _ in range(n)]


class _Conn:
    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)
        self.pending = 0     # transactions whose EXEC reply has not arrived
        self.out = b""
        self.tail = b""
        self.sent_at = 0.0


def run(port, requests, pipeline, clients, keyspace, timeout=600.0):
    """Returns a dict with redis-benchmark's CSV fields (rps = transactions/s)."""
    bufs = transactions(keyspace)
    sel = selectors.DefaultSelector()
    conns = [_Conn(port) for _ in range(clients)]
    todo, done, i = requests, 0, 0
    latencies = []
    start = time.monotonic()

    def refill(c):
        nonlocal todo, i
        n = min(pipeline, todo)
        if n == 0:
            return
        todo -= n
        c.out = b"".join(bufs[(i + k) % len(bufs)] for k in range(n))
        i += n
        c.pending = n
        c.sent_at = time.monotonic()
        sel.modify(c.sock, selectors.EVENT_READ | selectors.EVENT_WRITE, c)

    for c in conns:
        sel.register(c.sock, selectors.EVENT_READ, c)
        refill(c)
    deadline = start + timeout
    while done < requests:
        if time.monotonic() > deadline:
            raise TimeoutError("transactions: %d of %d done" % (done, requests))
        for key, events in sel.select(timeout=1.0):
            c = key.data
            if events & selectors.EVENT_WRITE and c.out:
                sent = c.sock.send(c.out)
                c.out = c.out[sent:]
                if not c.out:
                    sel.modify(c.sock, selectors.EVENT_READ, c)
            if events & selectors.EVENT_READ:
                chunk = c.sock.recv(1 << 20)
                if not chunk:
                    raise ConnectionError("the server closed a connection")
                data = c.tail + chunk
                got = data.count(EXEC_MARK)
                # a mark cut in two is whole in the next data
                c.tail = data[-(len(EXEC_MARK) - 1):]
                if b"-EXECABORT" in data or b"-ERR" in data:
                    raise RuntimeError("a transaction failed: %r" % data[:200])
                c.pending -= got
                done += got
                if c.pending <= 0 and got:
                    latencies.append((time.monotonic() - c.sent_at) * 1000.0)
                    refill(c)
    elapsed = time.monotonic() - start
    for c in conns:
        c.sock.close()
    sel.close()
    latencies.sort()

    def pct(p):
        return latencies[min(len(latencies) - 1, int(len(latencies) * p / 100.0))]

    return {"test": "MULTI_EXEC_10", "rps": requests / elapsed,
            "avg_latency_ms": sum(latencies) / len(latencies),
            "min_latency_ms": latencies[0], "p50_latency_ms": pct(50),
            "p95_latency_ms": pct(95), "p99_latency_ms": pct(99),
            "max_latency_ms": latencies[-1], "elapsed_s": elapsed}
