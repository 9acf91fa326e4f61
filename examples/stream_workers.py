#!/usr/bin/python3
"""Stream consumer-group workers: orders from every region, billed once each.

Every region's application appends its orders to one stream, `orders`
(XADD with Meridian-made ids, which never collide between regions and give
every region the same order of entries). The billing workers run in one
region, the group's home: they read with a consumer group (XREADGROUP
BLOCK), bill each order and acknowledge it (XACK). One worker crashes with a
batch it has read but not acknowledged; a janitor takes those entries over
once they have been idle for a while (XAUTOCLAIM), so nothing is lost.
Billing is idempotent all the same (HSETNX of the order id), as any
at-least-once consumer's work should be. The group, its pending entries and
the acknowledgements replicate: every region ends with the same stream and
nothing pending.

    /usr/bin/python3 examples/stream_workers.py --regions us-east=7001,eu-west=7003,ap-south=7004

Exit 0 when every order was billed exactly once and every region shows the
group with nothing pending.
"""

import argparse
import sys
import threading
import time

import redis

STREAM = "orders"
GROUP = "billing"


def wait_for(what, fn, timeout):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if fn():
            return
        time.sleep(0.02)
    raise SystemExit("timed out waiting for " + what)


class Worker:
    """A billing worker of the home region."""

    def __init__(self, name, client):
        self.name = name
        self.redis = client
        self.billed = 0
        self.twice = 0

    def bill(self, entry_id, fields):
        order = fields[b"order"].decode()
        # Idempotent: an order is billed when its id is first recorded.
        if self.redis.hsetnx("billed", order, fields[b"amount"]):
            self.redis.incrby("billed:total", int(fields[b"amount"]))
            self.billed += 1
        else:
            self.twice += 1
        self.redis.xack(STREAM, GROUP, entry_id)

    def run(self, stop):
        while not stop.is_set():
            reply = self.redis.xreadgroup(GROUP, self.name, {STREAM: ">"}, count=10, block=200)
            for _stream, entries in reply or []:
                for entry_id, fields in entries:
                    self.bill(entry_id, fields)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regions", required=True,
                    help="name=port,... of the regions to run against; the first is home")
    ap.add_argument("--orders", type=int, default=40, help="orders added per region")
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
    regions = [item.split("=") for item in args.regions.split(",")]
    clients = {name: redis.Redis(port=int(port), socket_timeout=10) for name, port in regions}
    home = regions[0][0]
    r = clients[home]
    total = args.orders * len(regions)

    # The group, made in the home region, reaches every region.
    r.xgroup_create(STREAM, GROUP, id="0", mkstream=True)
    wait_for("the group in every region",
             lambda: all(any(g["name"] == GROUP.encode() for g in c.xinfo_groups(STREAM))
                         for c in clients.values()
                         if c.exists(STREAM)), args.timeout)

    # Every region's application adds its orders at the same time.
    def produce(name):
        for i in range(args.orders):
            clients[name].xadd(STREAM, {"order": "%s-%d" % (name, i), "amount": i + 1})
    producers = [threading.Thread(target=produce, args=(n,)) for n in clients]
    for t in producers:
        t.start()
    for t in producers:
        t.join()
    wait_for("every order in the home region", lambda: r.xlen(STREAM) == total, args.timeout)

    # A worker reads a batch and crashes before acknowledging it.
    crashed = r.xreadgroup(GROUP, "worker-crashed", {STREAM: ">"}, count=5)
    lost = len(crashed[0][1])

    stop = threading.Event()
    workers = [Worker("worker-%d" % i, redis.Redis(port=r.connection_pool.connection_kwargs["port"],
                                                  socket_timeout=10))
               for i in range(1, 4)]
    threads = [threading.Thread(target=w.run, args=(stop,)) for w in workers]
    for t in threads:
        t.start()

    # The janitor: entries idle for a second go to worker-1's care.
    janitor = Worker("worker-1", r)
    taken_over = 0
    deadline = time.monotonic() + args.timeout
    while r.hlen("billed") < total or r.xpending(STREAM, GROUP)["pending"] > 0:
        if time.monotonic() > deadline:
            stop.set()
            raise SystemExit("timed out: %d billed, %d pending"
                             % (r.hlen("billed"), r.xpending(STREAM, GROUP)["pending"]))
        _cursor, claimed, _deleted = r.xautoclaim(STREAM, GROUP, "worker-1", 1000, "0-0",
                                                  count=50)
        for entry_id, fields in claimed:
            janitor.bill(entry_id, fields)
            taken_over += 1
        time.sleep(0.05)
    stop.set()
    for t in threads:
        t.join()

    expected = sum(range(1, args.orders + 1)) * len(regions)
    amount = int(r.get("billed:total"))
    twice = sum(w.twice for w in workers) + janitor.twice
    print("%d orders from %d regions billed by %d workers in %s: total %d (expected %d)"
          % (total, len(regions), len(workers), home, amount, expected))
    print("%d taken over from a crashed worker (it read %d)" % (taken_over, lost))
    print("billed twice: %d" % twice)

    # The acknowledgements replicate: nothing is pending anywhere.
    wait_for("an empty PEL in every region",
             lambda: all(c.xpending(STREAM, GROUP)["pending"] == 0 and c.xlen(STREAM) == total
                         for c in clients.values()), args.timeout)
    print("pending in every region: 0; %d entries in every region" % total)
    ok = amount == expected and twice == 0 and taken_over == lost
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
