#!/usr/bin/python3
"""A read-through cache kept fresh in every region over pub/sub.

Each region runs an application server with its own in-process cache of
product records (the fast path: no round trip at all). A write goes to the
region's Meridian, which replicates it, and the writer publishes the key on
the `invalidate` channel; every region's application is subscribed and drops
the key from its cache, so its next read fetches the new value from its own
region. The message can arrive before the write has replicated (they travel
separately), so it carries the writer's session token (MR.TOKEN) and that
next read is a session read (MR.ONCE SESSION token): the region answers once
it has applied the write, never with the old value. A message is delivered
at most once, so each cache also expires its entries after a while: a
missed invalidation is wrong only until then.

    /usr/bin/python3 examples/cache_invalidation.py --regions us-east=7001,eu-west=7003,ap-south=7004

Every region's application first caches every product; then each region
changes a share of the prices. The script waits until every region's cache
holds only current prices (those it re-read after an invalidation) and says
how many invalidations each region received. Exit 0 when all agree.
"""

import argparse
import sys
import threading
import time

import redis


class RegionCache:
    """An application's local cache, invalidated over pub/sub."""

    def __init__(self, region: str, client, ttl: float = 30.0):
        self.region = region
        self.redis = client
        self.ttl = ttl
        self.entries = {}  # key -> (value, cached at)
        self.tokens = {}  # key -> the session token of its last change
        self.invalidations = 0
        self.lock = threading.Lock()
        self.pubsub = client.pubsub(ignore_subscribe_messages=True)
        self.pubsub.subscribe(**{"invalidate": self._on_invalidate})
        self.thread = self.pubsub.run_in_thread(sleep_time=0.01, daemon=True)

    def _on_invalidate(self, message):
        key, token = message["data"].decode().split(" ", 1)
        with self.lock:
            self.entries.pop(key, None)
            self.tokens[key] = token
            self.invalidations += 1

    def get(self, key: str):
        with self.lock:
            hit = self.entries.get(key)
            if hit and time.monotonic() - hit[1] < self.ttl:
                return hit[0]
            token = self.tokens.pop(key, None)
        if token:
            # waits (up to 5 s) until this region has applied the change
            value = self.redis.execute_command("MR.ONCE", "SESSION", token, "5000",
                                               "HGET", key, "price")
        else:
            value = self.redis.hget(key, "price")
        with self.lock:
            self.entries[key] = (value, time.monotonic())
        return value

    def set_price(self, key: str, price: str):
        pipe = self.redis.pipeline(transaction=False)  # one connection: its token
        pipe.hset(key, "price", price)
        pipe.execute_command("MR.TOKEN")
        _, token = pipe.execute()
        self.redis.publish("invalidate", "%s %s" % (key, token.decode()))

    def close(self):
        # The worker thread closes its pubsub connection as it stops.
        self.thread.stop()
        self.thread.join(timeout=5)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regions", required=True,
                    help="name=port,... of the regions to run against")
    ap.add_argument("--products", type=int, default=30)
    ap.add_argument("--timeout", type=float, default=30.0)
    args = ap.parse_args()
    regions = []
    for part in args.regions.split(","):
        name, port = part.split("=")
        regions.append((name, redis.Redis(host="127.0.0.1", port=int(port))))
    keys = ["product:%02d" % i for i in range(args.products)]
    first = regions[0][1]
    for k in keys:
        first.hset(k, "price", "100")
    # every region's data, then every region's cache, holds the first prices
    deadline = time.monotonic() + args.timeout
    while not all(c.hget(k, "price") == b"100" for _, c in regions for k in keys):
        if time.monotonic() > deadline:
            sys.exit("the first prices did not reach every region")
        time.sleep(0.05)
    caches = [RegionCache(name, c) for name, c in regions]
    # every region's application listens before the first change
    while not all(c.pubsub_numsub("invalidate")[0][1] == 1 for _, c in regions):
        if time.monotonic() > deadline:
            sys.exit("the caches did not subscribe")
        time.sleep(0.01)
    for cache in caches:
        for k in keys:
            cache.get(k)
    # each region changes the prices of its share of the products
    want = {}
    for i, k in enumerate(keys):
        cache = caches[i % len(caches)]
        price = "%d-%s" % (200 + i, cache.region)
        cache.set_price(k, price)
        want[k] = price.encode()
    # every cache, read through, ends with the new prices in every region
    while True:
        stale = [(c.region, k) for c in caches for k in keys if c.get(k) != want[k]]
        if not stale:
            break
        if time.monotonic() > deadline:
            for c in caches:
                c.close()
            sys.exit("stale after %.0f s: %s" % (args.timeout, stale[:5]))
        time.sleep(0.05)
    received = ", ".join("%s %d" % (c.region, c.invalidations) for c in caches)
    for c in caches:
        c.close()
    print("%d prices changed in %d regions; every region's cache is current" %
          (len(keys), len(caches)))
    print("invalidations received: " + received)


if __name__ == "__main__":
    main()
