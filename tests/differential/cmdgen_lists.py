"""Generator ops for the list commands LPUSH, RPUSH, LPUSHX, RPUSHX, LPOP,
RPOP, LRANGE, LINDEX, LLEN, LSET, LINSERT, LREM, LTRIM, LPOS, LMOVE, RPOPLPUSH
and LMPOP (no blocking commands).

`ListOps` is a mixin of cmdgen.Generator like cmdgen_collections.CollectionOps:
it uses the generator's helpers (self.free_keys(), self.key(), self.ch(),
self.p(), self.case(), self.r) and has no state of its own. List ops pick
their keys mostly (80 %) from three keys of the generator's pool, LIST_KEYS
(l0 and l1 were added to cmdgen.KEYS for them), and a DEL of one of those
(op list_reset) now and then gives them back to lists: lists live long enough
for ranges, trims and moves to matter (against redis-server about a quarter
of the steps find a list at l0), and still collide with the strings, sets and
hashes that every other op may write there, and with every other key.
Register an op in LIST_OPS with a weight; the arities are in LIST_ARITY.
"""

# Redis 7.0 arities (negative = at least that many).
LIST_ARITY = {
    "LPUSH": -3, "RPUSH": -3, "LPUSHX": -3, "RPUSHX": -3, "LPOP": -2, "RPOP": -2,
    "LRANGE": 4, "LINDEX": 3, "LLEN": 2, "LSET": 4, "LINSERT": 5, "LREM": 4, "LTRIM": 4,
    "LPOS": -3, "LMOVE": 5, "RPOPLPUSH": 3, "LMPOP": -4,
}

# where list ops go most of the time (a subset of cmdgen.KEYS)
LIST_KEYS = ["l0", "l1", "k0"]

# few distinct values, so that LREM / LPOS / LINSERT find their element often
LIST_ELEMENTS = ["a", "b", "c", "a", "b", "1", "-1", "007", "", "x" * 60,
                 "9223372036854775808", "3.14", b"\x00\r\n", "\u00e9"]

# indexes (LRANGE, LINDEX, LSET); BAD_INDEXES are not integers to Redis
INDEXES = ["0", "1", "2", "3", "5", "10", "20", "-1", "-2", "-3", "-5", "-10", "100",
           "-100", "9223372036854775807", "-9223372036854775808"]
BAD_INDEXES = ["abc", "1.5", "", "+1", "-0", "9223372036854775808"]

POP_COUNTS = ["0", "1", "2", "3", "5", "10", "9223372036854775807"]
BAD_POP_COUNTS = ["-1", "abc", "", "-9223372036854775808", "1.5"]

LREM_COUNTS = ["0", "1", "2", "-1", "-2", "100", "-100", "9223372036854775807",
               "-9223372036854775807"]

# LTRIM ranges, mostly ones that keep something
TRIM_RANGES = [("0", "-1"), ("0", "-2"), ("1", "-1"), ("0", "10"), ("-10", "-1"),
               ("1", "5"), ("-5", "100"), ("0", "20"), ("0", "0"), ("2", "1"), ("100", "200"),
               ("-1", "-2"), ("0", "abc"), ("-9223372036854775808", "9223372036854775807")]

# RANK -9223372036854775808 is left to the fixed scripts (Redis 7.0 negates it
# without a check)
LPOS_RANKS = ["1", "2", "3", "-1", "-2", "-3", "9223372036854775807"]
LPOS_COUNTS = ["0", "1", "2", "5"]
LPOS_MAXLENS = ["0", "1", "2", "5", "20"]
LPOS_BAD = [["RANK", "0"], ["RANK", "abc"], ["COUNT", "-1"], ["COUNT", "abc"],
            ["MAXLEN", "-1"], ["MAXLEN", "x"], ["BOGUS"], ["RANK"], ["COUNT"],
            ["MAXLEN", "1", "x"]]

DIRECTIONS = ["LEFT", "RIGHT"]


def Step(args, **kw):  # noqa: N802
    """cmdgen.Step, imported on first use: cmdgen imports this module."""
    from cmdgen import Step as step_class
    return step_class(args, **kw)


class ListOps:
    # ------------------------------------------------------------ helpers
    def lkey(self):
        """A key for a list op: usually one of LIST_KEYS, sometimes any key."""
        return self.preferred_key(LIST_KEYS)

    def lelem(self):
        return self.ch(LIST_ELEMENTS)

    def lindex(self):
        return self.ch(BAD_INDEXES) if self.p(0.06) else self.ch(INDEXES)

    def direction(self):
        if self.p(0.03):
            return self.ch(["UP", "", "HEAD"])
        return self.case(self.ch(DIRECTIONS))

    # ------------------------------------------------------------- writes
    def op_list_reset(self):
        """DEL of a list key, so that lists come back after another type took it."""
        free = [k for k in LIST_KEYS if k in self.free_keys()]
        return Step([self.case("DEL"), self.ch(free)]) if free else None

    def op_lpush(self):
        k = self.lkey()
        if not k:
            return None
        cmd = self.ch(["LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"])
        return Step([self.case(cmd), k] + [self.lelem() for _ in range(self.r.randint(1, 4))])

    def op_list_fill(self):
        """RPUSH/LPUSH of many elements, so ranges and trims have something to cut."""
        k = self.lkey()
        if not k:
            return None
        n = self.r.randint(5, 40)
        els = [self.ch(["e%d" % i, self.lelem()]) for i in range(n)]
        return Step([self.case(self.ch(["RPUSH", "LPUSH"])), k] + els)

    def op_lpop(self):
        k = self.lkey()
        if not k:
            return None
        args = [self.case(self.ch(["LPOP", "RPOP"])), k]
        if self.p(0.5):
            args.append(self.ch(BAD_POP_COUNTS) if self.p(0.12) else self.ch(POP_COUNTS))
        return Step(args)

    def op_lset(self):
        k = self.lkey()
        if not k:
            return None
        return Step([self.case("LSET"), k, self.lindex(), self.lelem()])

    def op_linsert(self):
        k = self.lkey()
        if not k:
            return None
        where = self.case(self.ch(["BEFORE", "AFTER"])) if not self.p(0.04) else "MIDDLE"
        return Step([self.case("LINSERT"), k, where, self.lelem(), self.lelem()])

    def op_lrem(self):
        k = self.lkey()
        if not k:
            return None
        count = self.ch(["abc", "1.5", ""]) if self.p(0.05) else self.ch(LREM_COUNTS)
        return Step([self.case("LREM"), k, count, self.lelem()])

    def op_ltrim(self):
        k = self.lkey()
        if not k:
            return None
        start, stop = self.ch(TRIM_RANGES)
        return Step([self.case("LTRIM"), k, start, stop])

    def op_lmove(self):
        src = self.lkey()
        if not src:
            return None
        dst = src if self.p(0.25) else self.lkey()
        if self.p(0.3):
            return Step([self.case("RPOPLPUSH"), src, dst])
        return Step([self.case("LMOVE"), src, dst, self.direction(), self.direction()])

    def op_lmpop(self):
        free = self.free_keys()
        if not free:
            return None
        ks = [self.lkey() for _ in range(self.r.randint(1, 3))]   # duplicates on purpose
        n = str(len(ks))
        if self.p(0.08):   # numkeys errors
            n = self.ch(["0", "-1", "abc", "", str(len(ks) + 1)] +
                        ([str(len(ks) - 1)] if len(ks) > 1 else []))
        args = [self.case("LMPOP"), n] + ks + [self.direction()]
        if self.p(0.5):
            count = self.ch(["0", "-1", "abc"]) if self.p(0.1) else self.ch(["1", "2", "3", "10"])
            args += [self.case("COUNT"), count]
        elif self.p(0.05):
            args += self.ch([["COUNT"], ["BOGUS"], ["COUNT", "1", "COUNT", "2"]])
        return Step(args)

    # -------------------------------------------------------------- reads
    def op_lrange(self):
        k = self.lkey()
        if not k:
            return None
        if self.p(0.4):
            return Step([self.case("LRANGE"), k, "0", "-1"])
        return Step([self.case("LRANGE"), k, self.lindex(), self.lindex()])

    def op_lindex(self):
        k = self.lkey()
        if not k:
            return None
        if self.p(0.3):
            return Step([self.case("LLEN"), k])
        return Step([self.case("LINDEX"), k, self.lindex()])

    def op_lpos(self):
        k = self.lkey()
        if not k:
            return None
        opts = []
        if self.p(0.4):
            opts.append([self.case("RANK"), self.ch(LPOS_RANKS)])
        if self.p(0.4):
            opts.append([self.case("COUNT"), self.ch(LPOS_COUNTS)])
        if self.p(0.3):
            opts.append([self.case("MAXLEN"), self.ch(LPOS_MAXLENS)])
        if self.p(0.08):
            opts.append([self.case(x) if x.isalpha() else x for x in self.ch(LPOS_BAD)])
        self.r.shuffle(opts)
        return Step([self.case("LPOS"), k, self.lelem()] + [x for o in opts for x in o])


# (op name, weight), appended to cmdgen.OPS
LIST_OPS = [
    ("list_reset", 6), ("lpush", 10), ("list_fill", 6), ("lpop", 5), ("lset", 3),
    ("linsert", 3), ("lrem", 3), ("ltrim", 2), ("lmove", 5), ("lmpop", 3), ("lrange", 7),
    ("lindex", 5), ("lpos", 5),
]
