#!/usr/bin/python3
"""The design text's GlobalLikeCounter on Meridian, run against several
regions at once.

Each region tracks who liked a post in a set and counts its own likes in one
field of a hash (HINCRBY on the region's field); the total is the sum of the
fields. On Meridian both merge across regions by themselves (sets are
add-wins, hash counters never lose an increment), so the design text's
sync_with_region step is not needed.

    /usr/bin/python3 examples/like_counter.py --regions us-east=7001,eu-west=7003,ap-south=7004

Every region gets its own users who like (and some then unlike) the same
post at the same time; the script waits until all regions agree and checks
that the count equals the number of users who still like the post. Exit 0
when it does.
"""

import argparse
import sys
import threading
import time

import redis


class GlobalLikeCounter:
    """Like counter that works across regions without conflicts."""

    def __init__(self, region: str, redis_client):
        self.region = region
        self.redis = redis_client

    def like(self, post_id: str, user_id: str):
        """Track that the user liked, and count it in this region's field."""
        if self.redis.sadd(f"likes:{post_id}:users", user_id):
            self.redis.hincrby(f"likes:{post_id}:counts", self.region, 1)

    def unlike(self, post_id: str, user_id: str):
        """Decrement if the user had liked."""
        if self.redis.srem(f"likes:{post_id}:users", user_id):
            self.redis.hincrby(f"likes:{post_id}:counts", self.region, -1)

    def get_count(self, post_id: str) -> int:
        """Total likes across all regions."""
        counts = self.redis.hgetall(f"likes:{post_id}:counts")
        return sum(int(c) for c in counts.values())

    def likers(self, post_id: str) -> int:
        return self.redis.scard(f"likes:{post_id}:users")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regions", required=True,
                    help="name=port,... of the regions to run against")
    ap.add_argument("--users", type=int, default=40, help="users per region")
    ap.add_argument("--post", default="post-1")
    ap.add_argument("--timeout", type=float, default=30.0)
    args = ap.parse_args()
    regions = dict(item.split("=") for item in args.regions.split(","))

    counters = {name: GlobalLikeCounter(name, redis.Redis(port=int(port), socket_timeout=10))
                for name, port in regions.items()}
    expected = 0
    plans = {}
    for name in regions:
        users = ["%s-user-%d" % (name, i) for i in range(args.users)]
        unlikes = users[::4]  # every fourth user changes their mind
        plans[name] = (users, unlikes)
        expected += len(users) - len(unlikes)

    def run(name):
        c = counters[name]
        users, unlikes = plans[name]
        for u in users:
            c.like(args.post, u)
        for u in unlikes:
            c.unlike(args.post, u)

    threads = [threading.Thread(target=run, args=(n,)) for n in regions]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    deadline = time.monotonic() + args.timeout
    while True:
        seen = {n: (c.get_count(args.post), c.likers(args.post)) for n, c in counters.items()}
        if all(v == (expected, expected) for v in seen.values()):
            break
        if time.monotonic() > deadline:
            print("regions disagree after %.0f s: %s (expected %d)" % (args.timeout, seen, expected))
            return 1
        time.sleep(0.05)
    per_region = counters[next(iter(regions))].redis.hgetall(f"likes:{args.post}:counts")
    print("likes of %s: %d in every region (%s); likers: %d" % (
        args.post, expected,
        ", ".join("%s %s" % (k.decode(), v.decode()) for k, v in sorted(per_region.items())),
        expected))
    return 0


if __name__ == "__main__":
    sys.exit(main())
