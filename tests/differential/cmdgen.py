"""Seeded random command generator for differential testing (Meridian vs Redis).

A `Generator(seed, t0)` yields `Step`s. The sequence depends only on the seed
(and t0, the wall-clock base used for EXPIREAT/PXAT/EXAT arguments), never on
replies, so a failing sequence can be reproduced from its seed.

Adding a command: write a method `op_<name>(self)` that returns a Step (or None
to skip), and register it in OPS with a weight (the ops of the later key / set /
hash commands are in cmdgen_collections.py, those of the lists in
cmdgen_lists.py, those of the sorted sets in cmdgen_zsets.py, those of
HyperLogLogs in cmdgen_hll.py, those of the GEO commands in cmdgen_geo.py,
those of the bitmaps and SORT in cmdgen_bits.py: mixins of Generator with
their own op lists and arities). Use `self.key()` to pick a key
(never one that has a pending short TTL), `self.keys_multi()` for several keys,
and set `step.global_read=True` for commands whose reply depends on the whole
key space (KEYS, DBSIZE, SCAN): those are only generated while no short TTL is
pending, because expiry timing differs between the two servers.

Step.kind tells the runner how to compare replies:
  exact      raw bytes must be identical
  unordered  elements of the top-level aggregate compared as a multiset
  pairs      like unordered but field/value pairs (HGETALL; RESP2 flat array)
  ttl        TTL/PTTL: negative replies exact, positive within step.tol
  scan       full SCAN / SSCAN / HSCAN / ZSCAN iteration on each server;
             compare the union of keys (members, field/value or member/score
             pairs)
  rand       random replies (SPOP, ZRANDMEMBER, ...): same shape, see
             difftools.check_rand
  hello      HELLO: compare with the server/version/id fields removed
  wait       not a command: wait until the short TTLs of step.keys are over
"""

import random

from cmdgen_bits import BIT_ARITY, BIT_OPS, BitOps
from cmdgen_collections import COLLECTION_OPS, NEW_ARITY, CollectionOps
from cmdgen_hll import HLL_ARITY, HLL_OPS, HllOps
from cmdgen_geo import GEO_ARITY, GEO_OPS, GeoOps
from cmdgen_lists import LIST_ARITY, LIST_OPS, ListOps
from cmdgen_zsets import ZSET_ARITY, ZSET_OPS, ZSetOps

KEYS = ["k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "a*b", "h[x]", "l0", "l1", "z0", "z1",
        "g0"]
FIELDS = ["f0", "f1", "f2", "f3", "", "1"]
MEMBERS = ["m0", "m1", "m2", "m3", "1", "2", "-3", ""]

VALUES = ["", "0", "1", "-1", "10", "42", "-42", "007", " 1", "1 ", "+1", "0x1f", "abc",
          "hello world", "9223372036854775807", "-9223372036854775808",
          "9223372036854775808", "3.14", "-2.5", "1e3", "1.0", "10.50", "inf", "nan",
          "1e400", b"\x00bin\xff\r\n", "x" * 100, "\u00e9t\u00e9", "5.0e3", "0.1"]

INTS = ["0", "1", "-1", "5", "100", "-100", "9223372036854775807", "-9223372036854775808",
        "9223372036854775808", "-9223372036854775809", "abc", "", "1.5", " 3", "3 ", "+3",
        "0x10", "-0", "99999999999999999999", "007", "4611686018427387904"]

FLOATS = ["0", "1", "1.5", "-0.25", "3e2", "1e-3", "10.0", "abc", "", "inf", "-inf", "nan",
          "1e400", "0x10", "5.0e3", "  2", "1e308", "-1e308", ".5", "5.", "0.1", "1.1e-5",
          "123456789.123456789", "-1.5E2", "+2", "1e", "3.0000000000000001"]

PATTERNS = ["*", "k*", "k?", "k[0-4]", "k[^0-4]", "*1", "h\\[x\\]", "h[x]", "a\\*b", "a*b",
            "[", "k[", "\\", "*a*", "k[a-]", "K*", "?*", "", "[hk]*", "*[", "k[1-]",
            "k[!0]", "???", "*\\", "[a-z]*[0-9]"]

TYPES = ["string", "set", "hash", "list", "zset", "bogus", "STRING", "none"]

# Redis arities (negative = at least that many).
ARITY = {
    "PING": -1, "ECHO": 2, "SELECT": 2, "DBSIZE": 1, "TYPE": 2, "EXISTS": -2,
    "DEL": -2, "UNLINK": -2, "KEYS": 2, "SCAN": -2, "EXPIRE": -3, "PEXPIRE": -3,
    "EXPIREAT": -3, "PEXPIREAT": -3, "TTL": 2, "PTTL": 2, "PERSIST": 2, "GET": 2,
    "SET": -3, "SETNX": 3, "GETSET": 3, "GETDEL": 2, "MGET": -2, "MSET": -3,
    "APPEND": 3, "STRLEN": 2, "INCR": 2, "INCRBY": 3, "DECR": 2, "DECRBY": 3,
    "INCRBYFLOAT": 3, "SADD": -3, "SREM": -3, "SMEMBERS": 2, "SISMEMBER": 3,
    "SMISMEMBER": -3, "SCARD": 2, "HSET": -4, "HSETNX": 4, "HGET": 3, "HMGET": -3,
    "HGETALL": 2, "HDEL": -3, "HEXISTS": 3, "HLEN": 2, "HKEYS": 2, "HVALS": 2,
    "HINCRBY": 4, "AUTH": -2, "SETEX": 4, "PSETEX": 4, "GETEX": -2, "GETRANGE": 4,
    "SUBSTR": 4, "SETRANGE": 4, "MSETNX": -3, "TOUCH": -2, "EXPIRETIME": 2,
    "PEXPIRETIME": 2, "HSTRLEN": 3,
}
ALL_ARITY = dict(ARITY, **NEW_ARITY, **LIST_ARITY, **ZSET_ARITY, **HLL_ARITY, **GEO_ARITY,
                 **BIT_ARITY)

SHORT_TTL_MAX_MS = 2000      # anything up to this is a "short" TTL (waited out)
LONG_TTL_MIN_S = 1000        # long TTLs never expire during a run
SHORT_PTTL_THRESHOLD = 60000  # wait condition: PTTL in [0, this] = still pending


class Step:
    def __init__(self, args, kind="exact", tol=0, keys=(), global_read=False):
        self.args = list(args)
        self.kind = kind
        self.tol = tol
        self.keys = list(keys)
        self.global_read = global_read

    def show(self):
        if self.kind == "wait":
            return "<wait for short TTLs of %s>" % ", ".join(self.keys)
        out = []
        for a in self.args:
            if isinstance(a, str):
                plain = a and all(c.isprintable() and c not in ' "\'\\' for c in a)
                out.append(a if plain else repr(a))
            else:
                out.append(repr(a))
        return " ".join(out)

    def __repr__(self):
        return "Step(%s)" % self.show()


class Generator(CollectionOps, ListOps, ZSetOps, HllOps, GeoOps, BitOps):
    def __init__(self, seed, t0, keys=KEYS):
        self.r = random.Random(seed)
        self.t0 = int(t0)
        self.all_keys = list(keys)
        self.pending = set()   # keys that may carry a short TTL
        ops = []
        for name, w in OPS:
            ops.append((getattr(self, "op_" + name), w))
        self.ops = ops
        self.weights = [w for _, w in ops]

    # ---------------------------------------------------------------- helpers
    def ch(self, seq):
        return self.r.choice(seq)

    def p(self, prob):
        return self.r.random() < prob

    def case(self, word):
        """Randomize the case of command names / options sometimes."""
        if not self.p(0.15):
            return word
        return "".join(c.lower() if self.p(0.5) else c.upper() for c in word)

    def free_keys(self):
        return [k for k in self.all_keys if k not in self.pending]

    def key(self):
        ks = self.free_keys()
        return self.ch(ks) if ks else None

    def preferred_key(self, preferred, prob=0.8):
        """With probability `prob` one of `preferred`, else any key; never one
        with a pending short TTL (None when there is none)."""
        free = self.free_keys()
        if not free:
            return None
        pref = [k for k in preferred if k in free]
        return self.ch(pref) if pref and self.p(prob) else self.ch(free)

    def keys_multi(self, lo=1, hi=4):
        ks = self.free_keys()
        if not ks:
            return None
        n = self.r.randint(lo, hi)
        return [self.ch(ks) for _ in range(n)]  # duplicates on purpose

    def value(self):
        return self.ch(VALUES)

    def field(self):
        return self.ch(FIELDS)

    def member(self):
        return self.ch(MEMBERS)

    def long_s(self):
        return str(self.r.randint(LONG_TTL_MIN_S, 10 ** 6))

    def long_ms(self):
        return str(self.r.randint(LONG_TTL_MIN_S * 1000, 10 ** 9))

    def short_ms(self):
        return str(self.r.randint(1, 150))

    def past_s(self):
        return self.ch(["0", "-1", "-100", str(-10 ** 9)])

    def bad_time(self):
        return self.ch(["abc", "", "1.5", "9223372036854775807", "-9223372036854775808",
                        "99999999999999999999", "9223372036854775", " 10", "0x10"])

    def abs_future_s(self):
        return str(self.t0 + self.r.randint(LONG_TTL_MIN_S, 10 ** 6))

    def abs_past_s(self):
        return self.ch(["1", "0", str(self.t0 - 100), str(self.t0 - 10 ** 6), "-5"])

    # --------------------------------------------------------------- driving
    def next_step(self, allow_wait=True):
        if self.pending and allow_wait and self.p(0.12):
            return self.wait_step()
        for _ in range(100):
            fn = self.r.choices(self.ops, weights=self.weights)[0][0]
            step = fn()
            if step is None:
                continue
            if step.global_read and self.pending:
                continue
            return step
        return self.wait_step() if self.pending else Step(["PING"])

    def wait_step(self):
        keys = sorted(self.pending)
        self.pending.clear()
        return Step([], kind="wait", keys=keys)

    def sequence(self, n):
        out = []
        for _ in range(n):
            out.append(self.next_step())
        if self.pending:
            out.append(self.wait_step())
        return out

    def mark_short(self, key):
        self.pending.add(key)

    # ------------------------------------------------------------ connection
    def op_ping(self):
        if self.p(0.5):
            return Step([self.case("PING")])
        return Step([self.case("PING"), self.value()])

    def op_echo(self):
        return Step([self.case("ECHO"), self.value()])

    def op_client_name(self):
        if self.p(0.5):
            return Step([self.case("CLIENT"), self.case("GETNAME")])
        name = self.ch(["conn1", "x", "", "has space", "a\nb", "name-2_ok", "\u00e9"])
        return Step([self.case("CLIENT"), self.case("SETNAME"), name])

    def op_client_bad(self):
        return self.ch([
            Step(["CLIENT", "BOGUS"]),
            Step(["CLIENT", "SETNAME"]),
            Step(["CLIENT", "GETNAME", "x"]),
            Step(["CLIENT", "SETNAME", "a", "b"]),
        ])

    def op_select(self):
        return Step([self.case("SELECT"), "0"])

    def op_auth(self):
        return self.ch([Step(["AUTH", "x"]), Step(["AUTH", "bob", "x"]),
                        Step(["AUTH", "a", "b", "c"])])

    def op_hello_bad(self):
        return self.ch([Step(["HELLO", "4"]), Step(["HELLO", "abc"]), Step(["HELLO", "1"]),
                        Step(["HELLO", "-1"]), Step(["HELLO", "3", "BOGUS"])])

    def op_unknown(self):
        return self.ch([Step(["NOSUCHCMD"]), Step(["NOSUCHCMD", "a", "b"]),
                        Step(["nosuch", self.value()]), Step(["GETX", "k0"])])

    # ------------------------------------------------------------------ arity
    def op_arity(self):
        name = self.ch(sorted(ALL_ARITY))
        a = ALL_ARITY[name]
        if a > 0:
            choices = [n for n in (a - 1, a + 1, a + 2) if n >= 1]
            n = self.ch(choices)
        else:
            need = -a
            if need <= 1:
                return None
            n = self.r.randint(1, need - 1)
        ks = self.free_keys()
        if not ks:
            return None
        args = [self.case(name)]
        for i in range(n - 1):
            args.append(self.ch(ks) if i == 0 else self.ch(["1", "x", "k1", "EX"]))
        # keep arity-error steps away from pending keys
        return Step(args)

    # ---------------------------------------------------------------- keyspace
    def op_del(self):
        ks = self.keys_multi(1, 3)
        if not ks:
            return None
        return Step([self.case(self.ch(["DEL", "UNLINK"]))] + ks)

    def op_exists(self):
        ks = self.keys_multi(1, 4)
        if not ks:
            return None
        return Step([self.case("EXISTS")] + ks)

    def op_type(self):
        k = self.key()
        return k and Step([self.case("TYPE"), k])

    def op_keys(self):
        return Step([self.case("KEYS"), self.ch(PATTERNS)], kind="unordered",
                    global_read=True)

    def op_dbsize(self):
        return Step([self.case("DBSIZE")], global_read=True)

    def op_scan(self):
        args = [self.case("SCAN"), "0"]
        opts = []
        if self.p(0.5):
            opts.append([self.case("MATCH"), self.ch(PATTERNS)])
        if self.p(0.5):
            opts.append([self.case("COUNT"), self.ch(["1", "2", "3", "10", "100"])])
        if self.p(0.4):
            opts.append([self.case("TYPE"), self.ch(TYPES)])
        self.r.shuffle(opts)
        for o in opts:
            args += o
        return Step(args, kind="scan", global_read=True)

    def op_scan_bad(self):
        # errors are compared byte for byte; valid non-zero cursors are not
        # generated (cursor values legitimately differ)
        return self.ch([
            Step(["SCAN", "abc"]), Step(["SCAN", "0", "COUNT", "0"]),
            Step(["SCAN", "0", "COUNT", "-1"]), Step(["SCAN", "0", "COUNT", "abc"]),
            Step(["SCAN", "0", "MATCH"]), Step(["SCAN", "0", "BOGUS", "1"]),
            Step(["SCAN", "0", "COUNT"]), Step(["SCAN", "0", "TYPE"]),
            Step(["SCAN", "1.5"]), Step(["SCAN", "1x"]),
        ])

    def op_flushall(self):
        if not self.p(0.3):
            return None
        self.pending.clear()
        return Step([self.case("FLUSHALL")])

    # ------------------------------------------------------------------ expiry
    def _expire_opts(self):
        r = self.r.random()
        if r < 0.55:
            return []
        if r < 0.9:
            return [self.case(self.ch(["NX", "XX", "GT", "LT"]))]
        n = self.r.randint(2, 3)
        return [self.case(self.ch(["NX", "XX", "GT", "LT", "BOGUS"])) for _ in range(n)]

    def op_expire(self):
        k = self.key()
        if not k:
            return None
        cmd = self.ch(["EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"])
        r = self.r.random()
        short = False
        if r < 0.45:      # long
            t = {"EXPIRE": self.long_s, "PEXPIRE": self.long_ms,
                 "EXPIREAT": self.abs_future_s,
                 "PEXPIREAT": lambda: str(int(self.abs_future_s()) * 1000 + self.r.randint(0, 999))}[cmd]()
        elif r < 0.7:     # past / negative / zero: deletes the key
            t = self.abs_past_s() if cmd.endswith("AT") else self.past_s()
            if cmd == "PEXPIREAT" and self.p(0.5):
                t = str(int(t) * 1000)
        elif r < 0.85:    # invalid
            t = self.bad_time()
        else:             # short: waited out later
            if cmd in ("EXPIREAT", "PEXPIREAT"):
                cmd = "PEXPIRE"
            if cmd == "EXPIRE" and not self.p(0.15):
                cmd = "PEXPIRE"
            t = "1" if cmd == "EXPIRE" else self.short_ms()
            short = True
        if short:
            self.mark_short(k)
        return Step([self.case(cmd), k, t] + self._expire_opts())

    def op_ttl(self):
        k = self.key()
        if not k:
            return None
        cmd = self.ch(["TTL", "PTTL", "TTL", "PTTL", "EXPIRETIME", "PEXPIRETIME"])
        return Step([self.case(cmd), k], kind="ttl", tol=1500 if cmd.startswith("P") else 1)

    def op_persist(self):
        k = self.key()
        return k and Step([self.case("PERSIST"), k])

    # ------------------------------------------------------------------ strings
    def op_get(self):
        k = self.key()
        return k and Step([self.case("GET"), k])

    def op_set(self):
        k = self.key()
        if not k:
            return None
        args = [self.case("SET"), k, self.value()]
        pool = []
        if self.p(0.3):
            pool.append([self.ch(["NX", "XX"])])
        if self.p(0.2):
            pool.append(["GET"])
        if self.p(0.15):
            pool.append(["KEEPTTL"])
        if self.p(0.4):
            kind = self.ch(["EX", "PX", "EXAT", "PXAT"])
            r = self.r.random()
            if r < 0.6:
                t = {"EX": self.long_s, "PX": self.long_ms, "EXAT": self.abs_future_s,
                     "PXAT": lambda: str(int(self.abs_future_s()) * 1000)}[kind]()
            elif r < 0.75:
                t = self.abs_past_s() if kind.endswith("AT") else self.past_s()
                if kind.endswith("AT"):
                    # Redis 7.0 stores the already-expired key; it only goes
                    # away lazily or by the active cycle, so DBSIZE depends on
                    # timing until the key is touched: treat it as pending.
                    self.mark_short(k)
            elif r < 0.88:
                t = self.bad_time()
            else:
                kind = "PX"
                t = self.short_ms()
                self.mark_short(k)
            pool.append([kind, t])
        if self.p(0.05):   # conflicting / duplicated / dangling options
            pool.append(self.ch([["NX", "XX"], ["EX", "10000", "PX", "10000000"], ["EX"],
                                 ["KEEPTTL", "EX", "100"], ["BOGUS"], ["GET", "GET"],
                                 ["NX", "NX"], ["EX", "100", "EX", "200"]]))
        self.r.shuffle(pool)
        for o in pool:
            args += [self.case(x) if x.isalpha() else x for x in o]
        return Step(args)

    def op_setnx(self):
        k = self.key()
        return k and Step([self.case("SETNX"), k, self.value()])

    def op_getset(self):
        k = self.key()
        return k and Step([self.case("GETSET"), k, self.value()])

    def op_getdel(self):
        k = self.key()
        return k and Step([self.case("GETDEL"), k])

    def op_mget(self):
        ks = self.keys_multi(1, 4)
        return ks and Step([self.case("MGET")] + ks)

    def _mset(self, cmd):
        ks = self.keys_multi(1, 3)
        if not ks:
            return None
        args = [self.case(cmd)]
        for k in ks:
            args += [k, self.value()]
        if self.p(0.1):
            args.append(self.ch(ks))   # odd number of arguments
        return Step(args)

    def op_mset(self):
        return self._mset("MSET")

    def op_msetnx(self):
        return self._mset("MSETNX")

    def op_append(self):
        k = self.key()
        return k and Step([self.case("APPEND"), k, self.value()])

    def op_strlen(self):
        k = self.key()
        return k and Step([self.case("STRLEN"), k])

    def op_setex(self):
        k = self.key()
        if not k:
            return None
        cmd = self.ch(["SETEX", "PSETEX"])
        r = self.r.random()
        if r < 0.7:
            t = self.long_s() if cmd == "SETEX" else self.long_ms()
        elif r < 0.85:
            t = self.bad_time()
        else:
            cmd, t = "PSETEX", self.short_ms()
            self.mark_short(k)
        return Step([self.case(cmd), k, t, self.value()])

    def op_getex(self):
        k = self.key()
        if not k:
            return None
        args = [self.case("GETEX"), k]
        r = self.r.random()
        if r < 0.25:
            pass
        elif r < 0.45:
            args.append(self.case("PERSIST"))
        elif r < 0.8:
            kind = self.ch(["EX", "PX", "EXAT", "PXAT"])
            t = {"EX": self.long_s, "PX": self.long_ms, "EXAT": self.abs_future_s,
                 "PXAT": lambda: str(int(self.abs_future_s()) * 1000)}[kind]()
            args += [self.case(kind), t]
        elif r < 0.9:
            args += [self.case(self.ch(["EX", "PX", "EXAT", "PXAT"])), self.bad_time()]
        else:
            args += self.ch([["EX", "10", "PX", "10"], ["PERSIST", "EX", "100"], ["NX"],
                             ["KEEPTTL"], ["GET"], ["EX"], ["BOGUS"]])
        return Step(args)

    def op_getrange(self):
        k = self.key()
        if not k:
            return None
        ends = ["0", "1", "3", "-1", "-2", "-5", "100", "-100", "abc",
                "9223372036854775807", "-9223372036854775808"]
        return Step([self.case(self.ch(["GETRANGE", "GETRANGE", "SUBSTR"])), k,
                     self.ch(ends), self.ch(ends)])

    def op_setrange(self):
        k = self.key()
        if not k:
            return None
        offset = self.ch(["0", "1", "3", "7", "20", "-1", "abc", "1.5", "536870912"])
        return Step([self.case("SETRANGE"), k, offset, self.ch([self.value(), ""])])

    def op_touch(self):
        ks = self.keys_multi(1, 4)
        return ks and Step([self.case("TOUCH")] + ks)

    def op_hstrlen(self):
        k = self.key()
        return k and Step([self.case("HSTRLEN"), k, self.field()])

    def op_incr(self):
        k = self.key()
        if not k:
            return None
        cmd = self.ch(["INCR", "DECR", "INCRBY", "DECRBY", "INCRBY"])
        if cmd in ("INCR", "DECR"):
            return Step([self.case(cmd), k])
        return Step([self.case(cmd), k, self.ch(INTS)])

    def op_incrbyfloat(self):
        k = self.key()
        return k and Step([self.case("INCRBYFLOAT"), k, self.ch(FLOATS)])

    def op_set_numeric(self):
        """SET a key to a numeric-looking value so INCR*/HINCRBY paths get
        exercised more often."""
        k = self.key()
        if not k:
            return None
        return Step(["SET", k, self.ch(INTS + FLOATS)])

    # --------------------------------------------------------------------- sets
    def op_sadd(self):
        k = self.key()
        if not k:
            return None
        n = self.r.randint(1, 4)
        return Step([self.case(self.ch(["SADD", "SADD", "SREM"])), k] +
                    [self.member() for _ in range(n)])

    def op_smembers(self):
        k = self.key()
        return k and Step([self.case("SMEMBERS"), k], kind="unordered")

    def op_sismember(self):
        k = self.key()
        return k and Step([self.case("SISMEMBER"), k, self.member()])

    def op_smismember(self):
        k = self.key()
        if not k:
            return None
        n = self.r.randint(1, 4)
        return Step([self.case("SMISMEMBER"), k] + [self.member() for _ in range(n)])

    def op_scard(self):
        k = self.key()
        return k and Step([self.case("SCARD"), k])

    # ------------------------------------------------------------------- hashes
    def op_hset(self):
        k = self.key()
        if not k:
            return None
        n = self.r.randint(1, 3)
        args = [self.case("HSET"), k]
        for _ in range(n):
            args += [self.field(), self.ch(VALUES + INTS)]
        if self.p(0.07):
            args.append(self.field())   # odd
        return Step(args)

    def op_hsetnx(self):
        k = self.key()
        return k and Step([self.case("HSETNX"), k, self.field(), self.value()])

    def op_hget(self):
        k = self.key()
        return k and Step([self.case("HGET"), k, self.field()])

    def op_hmget(self):
        k = self.key()
        if not k:
            return None
        n = self.r.randint(1, 4)
        return Step([self.case("HMGET"), k] + [self.field() for _ in range(n)])

    def op_hgetall(self):
        k = self.key()
        return k and Step([self.case("HGETALL"), k], kind="pairs")

    def op_hdel(self):
        k = self.key()
        if not k:
            return None
        n = self.r.randint(1, 3)
        return Step([self.case("HDEL"), k] + [self.field() for _ in range(n)])

    def op_hexists(self):
        k = self.key()
        return k and Step([self.case("HEXISTS"), k, self.field()])

    def op_hlen(self):
        k = self.key()
        return k and Step([self.case("HLEN"), k])

    def op_hkeys(self):
        k = self.key()
        return k and Step([self.case(self.ch(["HKEYS", "HVALS"])), k], kind="unordered")

    def op_hincrby(self):
        k = self.key()
        return k and Step([self.case("HINCRBY"), k, self.field(), self.ch(INTS)])


# (op name, weight). Higher weight = generated more often.
OPS = [
    ("ping", 2), ("echo", 2), ("client_name", 2), ("client_bad", 1), ("select", 1),
    ("auth", 1), ("hello_bad", 1), ("unknown", 1), ("arity", 4),
    ("del", 4), ("exists", 4), ("type", 4), ("keys", 3), ("dbsize", 2), ("scan", 3),
    ("scan_bad", 1), ("flushall", 1),
    ("expire", 8), ("ttl", 7), ("persist", 3),
    ("get", 6), ("set", 12), ("setnx", 2), ("getset", 2), ("getdel", 2), ("mget", 3),
    ("mset", 3), ("append", 3), ("strlen", 2), ("incr", 7), ("incrbyfloat", 5),
    ("set_numeric", 4),
    ("sadd", 8), ("smembers", 3), ("sismember", 2), ("smismember", 2), ("scard", 2),
    ("hset", 8), ("hsetnx", 2), ("hget", 3), ("hmget", 2), ("hgetall", 3), ("hdel", 3),
    ("hexists", 2), ("hlen", 2), ("hkeys", 2), ("hincrby", 5),
    ("setex", 3), ("getex", 4), ("getrange", 3), ("setrange", 3), ("msetnx", 2),
    ("touch", 2), ("hstrlen", 2),
] + COLLECTION_OPS + LIST_OPS + ZSET_OPS + HLL_OPS + GEO_OPS + BIT_OPS
