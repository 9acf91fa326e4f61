#!/usr/bin/python3
"""A global leaderboard, on Meridian sorted sets.

Game servers in every region report points with ZINCRBY on one sorted set,
at the same moments, with no coordination. Whole-number increments are
counters across regions: every region's points count, none is lost to a
concurrent write elsewhere, and every region ends with the same ranking
(ZREVRANGE), the same ranks (ZREVRANK) and the same score bands
(ZCOUNT / ZRANGEBYSCORE). (A ZADD sets a score outright, last writer wins.)

    /usr/bin/python3 examples/leaderboard.py --regions us-east=7001,eu-west=7003,ap-south=7004

Exit 0 when every region shows every player with the sum of the points
reported from all regions, in one order.
"""

import argparse
import sys
import threading
import time

import redis

BOARD = "leaderboard:season-1"


def points(region_index: int, game: int, players: int):
    """What game `game` of a region awards: (player, points), deterministic."""
    player = "player-%02d" % ((region_index * 5 + game * game) % players)
    return player, 1 + (game * 7 + region_index) % 9


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regions", required=True,
                    help="name=port,... of the regions to run against")
    ap.add_argument("--games", type=int, default=60, help="games reported per region")
    ap.add_argument("--players", type=int, default=12)
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
    regions = dict(item.split("=") for item in args.regions.split(","))
    clients = {name: redis.Redis(port=int(port), socket_timeout=10)
               for name, port in regions.items()}
    names = sorted(regions)
    clients[names[0]].delete(BOARD)

    expected = {}
    for i in range(len(names)):
        for g in range(args.games):
            player, p = points(i, g, args.players)
            expected[player] = expected.get(player, 0) + p

    def report(i, name):
        r = clients[name]
        for g in range(args.games):
            player, p = points(i, g, args.players)
            r.zincrby(BOARD, p, player)

    threads = [threading.Thread(target=report, args=(i, n)) for i, n in enumerate(names)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()

    # The one ranking every region must show: by points, then name (Redis'
    # order for equal scores), highest first.
    want = sorted(expected.items(), key=lambda kv: (kv[1], kv[0]), reverse=True)
    deadline = time.monotonic() + args.timeout
    while True:
        seen = {name: [(m.decode(), int(s)) for m, s in
                       clients[name].zrevrange(BOARD, 0, -1, withscores=True)]
                for name in names}
        if all(v == want for v in seen.values()):
            break
        if time.monotonic() > deadline:
            print("regions disagree after %.0f s: %s (expected %s)" % (args.timeout, seen, want))
            return 1
        time.sleep(0.05)

    # Ranks and score bands read the same everywhere.
    leader, top = want[0]
    for name in names:
        r = clients[name]
        assert r.zrevrank(BOARD, leader) == 0
        assert r.zcount(BOARD, top, "+inf") == sum(1 for _, s in want if s >= top)
        band = r.zrangebyscore(BOARD, "(10", "+inf")
        assert len(band) == sum(1 for _, s in want if s > 10)
    total = sum(expected.values())
    print("%d points from %d games in %d regions, all counted in every region"
          % (total, args.games * len(names), len(names)))
    print("top 3 in every region: %s" % ", ".join("%s %d" % kv for kv in want[:3]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
