"""Generator ops for the sorted-set commands ZADD, ZINCRBY, ZREM, ZSCORE,
ZMSCORE, ZCARD, ZRANK, ZREVRANK, ZCOUNT, ZLEXCOUNT, ZRANGE (BYSCORE BYLEX REV
LIMIT WITHSCORES), ZRANGEBYSCORE, ZREVRANGEBYSCORE, ZRANGEBYLEX,
ZREVRANGEBYLEX, ZREVRANGE, ZRANGESTORE, ZREMRANGEBYRANK/SCORE/LEX, ZPOPMIN,
ZPOPMAX, ZMPOP, ZRANDMEMBER (kind `rand`), ZUNION, ZINTER, ZDIFF, their STORE
forms, ZINTERCARD and ZSCAN (kind `scan`: Meridian iterates in member order,
Redis in its own, so only the union of a full iteration is compared).

`ZSetOps` is a mixin of cmdgen.Generator like cmdgen_lists.ListOps: it uses
the generator's helpers (self.free_keys(), self.key(), self.ch(), self.p(),
self.case(), self.r) and has no state of its own. Sorted-set ops pick their
keys mostly (80 %) from ZSET_KEYS (z0 and z1 were added to cmdgen.KEYS for
them), and a DEL of one of those (op zset_reset) gives them back to sorted
sets now and then; they still collide with every other type.

Lex ranges (BYLEX, ZRANGEBYLEX, ZLEXCOUNT, ZREMRANGEBYLEX) are only defined
by Redis when every member has the same score: their valid forms go to
LEX_KEY, a key outside cmdgen.KEYS that only the lex ops write, always with
score 0 (ZADD 0, ZREM, ZREMRANGEBYLEX, ZRANGESTORE of itself). Invalid lex
bounds (an error before the key is read) may go to any key.
Register an op in ZSET_OPS with a weight; the arities are in ZSET_ARITY.
"""

# Redis 7.0 arities (negative = at least that many).
ZSET_ARITY = {
    "ZADD": -4, "ZINCRBY": 4, "ZREM": -3, "ZSCORE": 3, "ZMSCORE": -3, "ZCARD": 2,
    "ZRANK": 3, "ZREVRANK": 3, "ZCOUNT": 4, "ZLEXCOUNT": 4, "ZRANGE": -4, "ZREVRANGE": -4,
    "ZRANGEBYSCORE": -4, "ZREVRANGEBYSCORE": -4, "ZRANGEBYLEX": -4, "ZREVRANGEBYLEX": -4,
    "ZRANGESTORE": -5, "ZREMRANGEBYRANK": 4, "ZREMRANGEBYSCORE": 4, "ZREMRANGEBYLEX": 4,
    "ZPOPMIN": -2, "ZPOPMAX": -2, "ZMPOP": -4, "ZRANDMEMBER": -2, "ZUNION": -3,
    "ZINTER": -3, "ZDIFF": -3, "ZUNIONSTORE": -4, "ZINTERSTORE": -4, "ZDIFFSTORE": -4,
    "ZINTERCARD": -3, "ZSCAN": -3,
}

# where sorted-set ops go most of the time (a subset of cmdgen.KEYS)
ZSET_KEYS = ["z0", "z1", "k1"]
# the lex ops' own key (not in cmdgen.KEYS: nothing else writes it)
LEX_KEY = "zlex"

ZMEMBERS = ["a", "b", "c", "d", "e", "m0", "m1", "1", "-3", "", "x" * 70, b"\x00\xff",
            "\u00e9"]
LEX_MEMBERS = ["a", "b", "c", "d", "aa", "ab", "b0", "", "A", "z", "1", b"\x00", b"\xff"]

# scores that print exactly and add up without rounding surprises, plus the
# special ones; "-0" is left to the fixed scripts (see test_fixed_diff_zsets),
# and so are whole numbers between 2^52 and 2^62: ZSCAN prints them as Redis'
# encoding of the set has them, which depends on the set's history (a set
# that once held a long member stays a skiplist), not only on what it holds
ZSCORES = ["0", "1", "2", "3", "-1", "-2.5", "1.5", "10", "100", "0.1", "0.5", "1e308",
           "-1e308", "1e-300", "inf", "-inf", "+inf", "3e2", "123456789.123456789", "7"]
BAD_ZSCORES = ["abc", "", "nan", " 1", "1e400", "0x"]

# score range bounds (ZCOUNT, BYSCORE, ZREMRANGEBYSCORE)
SCORE_BOUNDS = ["-inf", "+inf", "inf", "0", "1", "2", "3", "(0", "(1", "(2", "(3", "1.5",
                "(1.5", "-1", "(-inf", "(+inf", "10", "100", "(100", "0.1", "(0.1", "1e308",
                "-2.5", "(-2.5"]
BAD_SCORE_BOUNDS = ["abc", "nan", "(nan", "[1", "1x", "((1"]

LEX_BOUNDS = ["-", "+", "[a", "(a", "[b", "(b", "[c", "(c", "[aa", "(ab", "[z", "(z", "[",
              "(", "[1", "(b0", "[A"]
BAD_LEX_BOUNDS = ["a", "", "-a", "+b", "b", "++"]

RANKS = ["0", "1", "2", "-1", "-2", "-3", "3", "5", "10", "-10", "100", "-100",
         "9223372036854775807", "-9223372036854775808"]
BAD_RANKS = ["abc", "1.5", "", "+1"]

LIMIT_OFFSETS = ["0", "1", "2", "3", "5", "-1", "100"]
LIMIT_COUNTS = ["0", "1", "2", "3", "10", "-1", "-5"]

POP_COUNTS = ["0", "1", "2", "3", "10", "9223372036854775807"]
BAD_POP_COUNTS = ["-1", "abc", "", "1.5"]

RAND_COUNTS = ["1", "2", "3", "5", "20", "-1", "-3", "-10", "0"]

WEIGHTS = ["1", "2", "0", "-1", "0.5", "10", "inf", "-inf", "1.5"]

ZSCAN_PATTERNS = ["*", "a*", "m*", "[a-c]", "?", "", "*1*", "m?"]


def Step(args, **kw):  # noqa: N802
    """cmdgen.Step, imported on first use: cmdgen imports this module."""
    from cmdgen import Step as step_class
    return step_class(args, **kw)


class ZSetOps:
    # ------------------------------------------------------------ helpers
    def zkey(self):
        """A key for a sorted-set op: usually one of ZSET_KEYS, sometimes any
        key; never one with a pending short TTL (None when there is none)."""
        free = self.free_keys()
        if not free:
            return None
        pref = [k for k in ZSET_KEYS if k in free]
        return self.ch(pref) if pref and self.p(0.8) else self.ch(free)

    def zkeys(self, lo=1, hi=3):
        if not self.free_keys():
            return None
        return [self.zkey() for _ in range(self.r.randint(lo, hi))]   # duplicates on purpose

    def zmember(self):
        return self.ch(ZMEMBERS)

    def zscore_arg(self):
        return self.ch(BAD_ZSCORES) if self.p(0.04) else self.ch(ZSCORES)

    def score_bound(self):
        return self.ch(BAD_SCORE_BOUNDS) if self.p(0.04) else self.ch(SCORE_BOUNDS)

    def rank(self):
        return self.ch(BAD_RANKS) if self.p(0.04) else self.ch(RANKS)

    def limit(self):
        if self.p(0.03):
            return [self.case("LIMIT"), self.ch(["abc", "0", "1.5"]), self.ch(["x", "1"])]
        return [self.case("LIMIT"), self.ch(LIMIT_OFFSETS), self.ch(LIMIT_COUNTS)]

    def _numkeys(self, ks):
        n = str(len(ks))
        if self.p(0.06):   # numkeys errors
            n = self.ch(["0", "-1", "abc", str(len(ks) + 1)] +
                        ([str(len(ks) - 1)] if len(ks) > 1 else []))
        return n

    # ------------------------------------------------------------- writes
    def op_zset_reset(self):
        free = [k for k in ZSET_KEYS if k in self.free_keys()]
        return Step([self.case("DEL"), self.ch(free)]) if free else None

    def op_zadd(self):
        k = self.zkey()
        if not k:
            return None
        opts = []
        r = self.r.random()
        if r < 0.5:
            pass
        elif r < 0.93:
            opts = [self.ch(["NX", "XX", "GT", "LT", "CH", "INCR", "CH"])]
            if self.p(0.35):
                opts.append(self.ch(["CH", "XX", "GT", "LT"]))
        else:   # conflicts and repeats
            opts = self.ch([["NX", "XX"], ["GT", "LT"], ["NX", "GT"], ["LT", "NX"], ["CH", "CH"],
                            ["BOGUS"], ["INCR", "INCR"]])
        incr = "INCR" in opts
        n = 1 if incr and self.p(0.9) else self.r.randint(1, 4)
        pairs = []
        for _ in range(n):
            pairs += [self.zscore_arg(), self.zmember()]
        if self.p(0.03):
            pairs.append(self.zmember())   # odd
        return Step([self.case("ZADD"), k] + [self.case(o) for o in opts] + pairs)

    def op_zfill(self):
        """ZADD of many members, so ranges, ranks and pops have something to cut."""
        k = self.zkey()
        if not k:
            return None
        args = [self.case("ZADD"), k]
        for i in range(self.r.randint(5, 30)):
            args += [self.ch(ZSCORES[:14] + [str(i)]), self.ch(["e%d" % i, self.zmember()])]
        return Step(args)

    def op_zincrby(self):
        k = self.zkey()
        if not k:
            return None
        return Step([self.case("ZINCRBY"), k, self.zscore_arg(), self.zmember()])

    def op_zrem(self):
        k = self.zkey()
        if not k:
            return None
        return Step([self.case("ZREM"), k] + [self.zmember() for _ in range(self.r.randint(1, 3))])

    def op_zremrange(self):
        k = self.zkey()
        if not k:
            return None
        if self.p(0.5):
            return Step([self.case("ZREMRANGEBYRANK"), k, self.rank(), self.rank()])
        return Step([self.case("ZREMRANGEBYSCORE"), k, self.score_bound(), self.score_bound()])

    def op_zpop(self):
        k = self.zkey()
        if not k:
            return None
        args = [self.case(self.ch(["ZPOPMIN", "ZPOPMAX"])), k]
        if self.p(0.5):
            args.append(self.ch(BAD_POP_COUNTS) if self.p(0.1) else self.ch(POP_COUNTS))
        return Step(args)

    def op_zmpop(self):
        ks = self.zkeys(1, 3)
        if not ks:
            return None
        side = self.case(self.ch(["MIN", "MAX"])) if not self.p(0.03) else "LEFT"
        args = [self.case("ZMPOP"), self._numkeys(ks)] + ks + [side]
        if self.p(0.5):
            count = self.ch(["0", "-1", "abc"]) if self.p(0.1) else self.ch(["1", "2", "3", "10"])
            args += [self.case("COUNT"), count]
        elif self.p(0.05):
            args += self.ch([["COUNT"], ["BOGUS"], ["COUNT", "1", "COUNT", "2"]])
        return Step(args)

    # -------------------------------------------------------------- reads
    def op_zscore(self):
        k = self.zkey()
        if not k:
            return None
        r = self.r.random()
        if r < 0.4:
            return Step([self.case("ZSCORE"), k, self.zmember()])
        if r < 0.7:
            return Step([self.case("ZMSCORE"), k] +
                        [self.zmember() for _ in range(self.r.randint(1, 4))])
        return Step([self.case("ZCARD"), k])

    def op_zrank(self):
        k = self.zkey()
        if not k:
            return None
        return Step([self.case(self.ch(["ZRANK", "ZREVRANK"])), k, self.zmember()])

    def op_zcount(self):
        k = self.zkey()
        if not k:
            return None
        return Step([self.case("ZCOUNT"), k, self.score_bound(), self.score_bound()])

    def op_zrange(self):
        """ZRANGE by rank or by score (lex ranges: op_zlex_read), and the old forms."""
        k = self.zkey()
        if not k:
            return None
        ws = [self.case("WITHSCORES")] if self.p(0.5) else []
        r = self.r.random()
        if r < 0.3:
            args = [self.case("ZRANGE"), k, self.rank(), self.rank()]
            opts = ws + ([self.case("REV")] if self.p(0.3) else [])
            if self.p(0.04):
                opts += self.ch([["LIMIT", "0", "1"], ["LIMIT", "0", "-1"], ["BYLEX"]])
        elif r < 0.45:
            return Step([self.case("ZREVRANGE"), k, self.rank(), self.rank()] + ws)
        elif r < 0.75:
            args = [self.case("ZRANGE"), k, self.score_bound(), self.score_bound(),
                    self.case("BYSCORE")]
            opts = [ws] if ws else []
            opts = [x for x in opts]
            if self.p(0.3):
                opts.append([self.case("REV")])
            if self.p(0.4):
                opts.append(self.limit())
            self.r.shuffle(opts)
            opts = [x for o in opts for x in o]
        else:
            cmd = self.ch(["ZRANGEBYSCORE", "ZREVRANGEBYSCORE"])
            args = [self.case(cmd), k, self.score_bound(), self.score_bound()]
            opts = [ws] if ws else []
            if self.p(0.4):
                opts.append(self.limit())
            if self.p(0.03):
                opts.append(self.ch([["REV"], ["BYSCORE"], ["BOGUS"]]))
            self.r.shuffle(opts)
            opts = [x for o in opts for x in o]
        return Step(args + opts)

    def op_zrangestore(self):
        dst, src = self.zkey(), self.zkey()
        if not dst:
            return None
        if self.p(0.5):
            args = [self.case("ZRANGESTORE"), dst, src, self.rank(), self.rank()]
            if self.p(0.3):
                args.append(self.case("REV"))
        else:
            args = [self.case("ZRANGESTORE"), dst, src, self.score_bound(), self.score_bound(),
                    self.case("BYSCORE")]
            if self.p(0.3):
                args.append(self.case("REV"))
            if self.p(0.4):
                args += self.limit()
        if self.p(0.03):
            args.append("WITHSCORES")
        return Step(args)

    def op_zrandmember(self):
        k = self.zkey()
        if not k:
            return None
        args = [self.case("ZRANDMEMBER"), k]
        if self.p(0.7):
            args.append(self.ch(RAND_COUNTS) if not self.p(0.05) else self.ch(["abc", "1.5"]))
            if self.p(0.4):
                args.append(self.case("WITHSCORES"))
        return Step(args, kind="rand")

    def op_zscan(self):
        k = self.zkey()
        if not k:
            return None
        opts = []
        if self.p(0.5):
            opts.append([self.case("MATCH"), self.ch(ZSCAN_PATTERNS)])
        if self.p(0.4):
            opts.append([self.case("COUNT"), self.ch(["1", "2", "10", "100"])])
        self.r.shuffle(opts)
        return Step([self.case("ZSCAN"), k, "0"] + [x for o in opts for x in o], kind="scan")

    # ------------------------------------------------------------ algebra
    def _alg_opts(self, n, weights=True, withscores=True):
        opts = []
        if weights and self.p(0.35):
            ws = [self.ch(WEIGHTS) for _ in range(n)]
            if self.p(0.04):
                ws[-1] = self.ch(["abc", "nan"])
            opts.append([self.case("WEIGHTS")] + ws)
        if weights and self.p(0.35):
            opts.append([self.case("AGGREGATE"), self.case(self.ch(["SUM", "MIN", "MAX"]))])
        if withscores and self.p(0.6):
            opts.append([self.case("WITHSCORES")])
        if self.p(0.03):
            opts.append(self.ch([["BOGUS"], ["AGGREGATE", "AVG"], ["WEIGHTS"]]))
        self.r.shuffle(opts)
        return [x for o in opts for x in o]

    def op_zalg(self):
        ks = self.zkeys(1, 3)
        if not ks:
            return None
        cmd = self.ch(["ZUNION", "ZINTER", "ZDIFF"])
        return Step([self.case(cmd), self._numkeys(ks)] + ks +
                    self._alg_opts(len(ks), weights=cmd != "ZDIFF"))

    def op_zalgstore(self):
        dst, ks = self.zkey(), self.zkeys(1, 3)
        if not ks:
            return None
        cmd = self.ch(["ZUNIONSTORE", "ZINTERSTORE", "ZDIFFSTORE"])
        return Step([self.case(cmd), dst, self._numkeys(ks)] + ks +
                    self._alg_opts(len(ks), weights=cmd != "ZDIFFSTORE", withscores=False))

    def op_zintercard(self):
        ks = self.zkeys(1, 3)
        if not ks:
            return None
        args = [self.case("ZINTERCARD"), self._numkeys(ks)] + ks
        if self.p(0.4):
            args += [self.case("LIMIT"), self.ch(["0", "1", "2", "3", "100", "-1", "abc"])]
        elif self.p(0.05):
            args += self.ch([["LIMIT"], ["BOGUS", "1"], ["WITHSCORES"]])
        return Step(args)

    # ---------------------------------------------------------------- lex
    def op_zlex_add(self):
        if LEX_KEY in self.pending:
            return None
        r = self.r.random()
        if r < 0.6:
            args = [self.case("ZADD"), LEX_KEY]
            if self.p(0.2):
                args.append(self.case(self.ch(["NX", "XX", "CH", "GT"])))
            for _ in range(self.r.randint(1, 5)):
                args += ["0", self.ch(LEX_MEMBERS)]
            return Step(args)
        if r < 0.8:
            return Step([self.case("ZREM"), LEX_KEY, self.ch(LEX_MEMBERS), self.ch(LEX_MEMBERS)])
        if r < 0.9:
            return Step([self.case("ZREMRANGEBYLEX"), LEX_KEY, self.ch(LEX_BOUNDS),
                         self.ch(LEX_BOUNDS)])
        args = [self.case("ZRANGESTORE"), LEX_KEY, LEX_KEY, self.ch(LEX_BOUNDS),
                self.ch(LEX_BOUNDS), self.case("BYLEX")]
        if self.p(0.3):
            args.append(self.case("REV"))
        if self.p(0.3):
            args += self.limit()
        return Step(args)

    def op_zlex_read(self):
        if LEX_KEY in self.pending:
            return None
        lo, hi = self.ch(LEX_BOUNDS), self.ch(LEX_BOUNDS)
        key = LEX_KEY
        if self.p(0.06):   # invalid bounds: an error before the key is read
            key = self.zkey() or LEX_KEY
            if self.p(0.5):
                lo = self.ch(BAD_LEX_BOUNDS)
            else:
                hi = self.ch(BAD_LEX_BOUNDS)
        r = self.r.random()
        if r < 0.2:
            return Step([self.case("ZLEXCOUNT"), key, lo, hi])
        if r < 0.5:
            args = [self.case("ZRANGE"), key, lo, hi, self.case("BYLEX")]
            if self.p(0.4):
                args.append(self.case("REV"))
            if self.p(0.4):
                args += self.limit()
            if self.p(0.03):
                args.append("WITHSCORES")
            return Step(args)
        if r < 0.8:
            args = [self.case(self.ch(["ZRANGEBYLEX", "ZREVRANGEBYLEX"])), key, lo, hi]
            if self.p(0.4):
                args += self.limit()
            return Step(args)
        if r < 0.9:
            return Step([self.case("ZRANGE"), key, self.rank(), self.rank()] +
                        ([self.case("WITHSCORES")] if self.p(0.5) else []))
        # copy (or a lex slice of) the lex key to a sorted-set key
        dst = self.zkey()
        if not dst:
            return None
        return Step([self.case("ZRANGESTORE"), dst, LEX_KEY, lo, hi, self.case("BYLEX")])


# (op name, weight), appended to cmdgen.OPS
ZSET_OPS = [
    ("zset_reset", 4), ("zadd", 12), ("zfill", 5), ("zincrby", 5), ("zrem", 4),
    ("zremrange", 3), ("zpop", 4), ("zmpop", 3), ("zscore", 6), ("zrank", 3), ("zcount", 3),
    ("zrange", 9), ("zrangestore", 3), ("zrandmember", 3), ("zscan", 2), ("zalg", 5),
    ("zalgstore", 4), ("zintercard", 2), ("zlex_add", 5), ("zlex_read", 6),
]
