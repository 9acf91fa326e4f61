#!/usr/bin/python3
"""A shopping cart updated from three regions at once.

A cart is a hash of item -> quantity. Adding items is HINCRBY, so the
quantities added in every region add up; removing an item is HDEL, which
removes what the region had seen (a concurrent addition elsewhere
survives). No application merge code.

    /usr/bin/python3 examples/cart.py --regions us-east=7001,us-west=7002,eu-west=7003

The same user's cart gets items added in all regions concurrently (a phone,
a laptop and a browser tab on three continents); the script waits until
every region shows the same cart and checks the quantities. Exit 0 when
they add up.
"""

import argparse
import sys
import threading
import time

import redis


class Cart:
    def __init__(self, client, cart_id):
        self.r = client
        self.key = "cart:%s" % cart_id

    def add(self, item, qty=1):
        return self.r.hincrby(self.key, item, qty)

    def remove(self, item):
        return self.r.hdel(self.key, item)

    def items(self):
        return {k.decode(): int(v) for k, v in self.r.hgetall(self.key).items()}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regions", required=True, help="name=port,... of the regions")
    ap.add_argument("--cart", default="user-42")
    ap.add_argument("--rounds", type=int, default=20)
    ap.add_argument("--timeout", type=float, default=30.0)
    args = ap.parse_args()
    regions = dict(item.split("=") for item in args.regions.split(","))
    carts = {n: Cart(redis.Redis(port=int(p), socket_timeout=10), args.cart)
             for n, p in regions.items()}

    expected = {}

    def shop(name, idx):
        cart = carts[name]
        for i in range(args.rounds):
            cart.add("apple", 1)           # every region adds apples
            cart.add("sku-%s" % name, 2)   # and its own items
            if i % 5 == 0:
                cart.add("gift-wrap", 1)

    for idx, n in enumerate(regions):
        expected["apple"] = expected.get("apple", 0) + args.rounds
        expected["sku-%s" % n] = 2 * args.rounds
        expected["gift-wrap"] = expected.get("gift-wrap", 0) + len(range(0, args.rounds, 5))
    threads = [threading.Thread(target=shop, args=(n, i)) for i, n in enumerate(regions)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    deadline = time.monotonic() + args.timeout
    while True:
        seen = {n: c.items() for n, c in carts.items()}
        if all(v == expected for v in seen.values()):
            break
        if time.monotonic() > deadline:
            print("carts disagree after %.0f s: %s\nexpected %s" % (args.timeout, seen, expected))
            return 1
        time.sleep(0.05)
    print("cart %s in every region: %s" % (args.cart, ", ".join(
        "%s x%d" % (k, v) for k, v in sorted(expected.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
