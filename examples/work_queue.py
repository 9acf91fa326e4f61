#!/usr/bin/python3
"""A work queue across regions, on Meridian lists.

Producers in every region RPUSH jobs, each onto the queue of the region that
should run it (one list per region); workers take jobs from their own
region's queue only, with the reliable-queue pattern (LMOVE the head onto an
in-progress list, do the work, LREM it from there). A list is a sequence
CRDT across regions: jobs pushed from everywhere are all kept, in the same
order everywhere. A pop is at-least-once when two regions pop one list at
the same moment (both get the head); with one popping region per queue no
job is ever handed out twice. The work is idempotent anyway (a job's result
is an SADD of its id).

    /usr/bin/python3 examples/work_queue.py --regions us-east=7001,eu-west=7003,ap-south=7004

Exit 0 when every region shows every job done, every queue and
in-progress list empty, and no job was taken twice.
"""

import argparse
import sys
import threading
import time

import redis


class RegionQueue:
    """One region's view of the shared queue."""

    def __init__(self, region: str, client):
        self.region = region
        self.redis = client
        self.queue = f"jobs:{region}"
        self.in_progress = f"jobs:{region}:in-progress"

    def submit(self, job_id: str, to_region: str):
        self.redis.rpush(f"jobs:{to_region}", job_id)

    def take(self):
        """Moves the next job of this region onto its in-progress list."""
        job = self.redis.lmove(self.queue, self.in_progress, "LEFT", "RIGHT")
        return job.decode() if job is not None else None

    def finish(self, job_id: str):
        # Idempotent work: the result of a job is its id in the done set.
        self.redis.sadd("jobs:done", job_id)
        self.redis.lrem(self.in_progress, 1, job_id)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--regions", required=True,
                    help="name=port,... of the regions to run against")
    ap.add_argument("--jobs", type=int, default=50, help="jobs submitted per region")
    ap.add_argument("--timeout", type=float, default=60.0)
    args = ap.parse_args()
    regions = dict(item.split("=") for item in args.regions.split(","))
    queues = {name: RegionQueue(name, redis.Redis(port=int(port), socket_timeout=10))
              for name, port in regions.items()}
    total = args.jobs * len(regions)
    taken = {name: 0 for name in regions}
    submitted = threading.Event()

    names = sorted(regions)

    def produce(name):
        for i in range(args.jobs):
            queues[name].submit("%s-job-%d" % (name, i), names[i % len(names)])

    def work(name):
        q = queues[name]
        deadline = time.monotonic() + args.timeout
        while time.monotonic() < deadline:
            job = q.take()
            if job is None:
                if submitted.is_set() and q.redis.scard("jobs:done") == total:
                    return
                time.sleep(0.01)
                continue
            taken[name] += 1
            q.finish(job)

    producers = [threading.Thread(target=produce, args=(n,)) for n in regions]
    workers = [threading.Thread(target=work, args=(n,)) for n in regions]
    for t in producers + workers:
        t.start()
    for t in producers:
        t.join()
    submitted.set()
    for t in workers:
        t.join()

    # Every region converges on the same picture: all done, nothing queued.
    deadline = time.monotonic() + args.timeout
    while True:
        seen = {}
        for name, q in queues.items():
            r = q.redis
            queued = sum(r.llen(f"jobs:{n}") for n in regions)
            in_progress = sum(r.llen(f"jobs:{n}:in-progress") for n in regions)
            seen[name] = (r.scard("jobs:done"), queued, in_progress)
        if all(v == (total, 0, 0) for v in seen.values()):
            break
        if time.monotonic() > deadline:
            print("regions disagree after %.0f s: %s (expected (%d, 0, 0))"
                  % (args.timeout, seen, total))
            return 1
        time.sleep(0.05)
    twice = sum(taken.values()) - total
    print("%d jobs done in every region, queues empty; taken per region: %s; "
          "%d taken twice" % (total, ", ".join("%s %d" % kv for kv in sorted(taken.items())),
                              twice))
    return 0 if twice == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
