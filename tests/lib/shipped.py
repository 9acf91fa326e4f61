"""The shipped topology, read from config/meridian.toml (the file `make run`
uses): region names in order, their coordinates and the emulated round
trips, for tests and benchmarks that run it on free ports."""

import os
import tomllib

_CONFIG = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "config",
                       "meridian.toml")

with open(_CONFIG, "rb") as _f:
    _CFG = tomllib.load(_f)

NAMES = tuple(r["name"] for r in _CFG["regions"])
COORDS = {r["name"]: (r["latitude"], r["longitude"]) for r in _CFG["regions"]}
# (a, b, rtt_ms, jitter_ms), as Cluster(wan=...) takes them.
WAN = [(w["regions"][0], w["regions"][1], w["rtt_ms"], w.get("jitter_ms", 0))
       for w in _CFG.get("wan", [])]
FAILOVER = dict(_CFG["failover"])
