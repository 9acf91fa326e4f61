"""Generator ops for the bitmap commands SETBIT, GETBIT, BITCOUNT, BITPOS,
BITOP, BITFIELD, BITFIELD_RO and for SORT / SORT_RO.

`BitOps` is a mixin of cmdgen.Generator like cmdgen_lists.ListOps: it uses
the generator's helpers (self.free_keys(), self.key(), self.ch(), self.p(),
self.case(), self.r) and has no state of its own. Bit ops pick their keys
mostly from BIT_KEYS, so bitmaps grow there and meet the strings, lists,
sets and hashes of the other ops. Offsets stay small (a few hundred bytes
of string) apart from the out-of-range ones, which are errors.

SORT's result is only fully determined where Redis' is: a set sorted BY a
pattern without '*' comes in hash order (compared unordered, never with
LIMIT), and equal ALPHA BY values keep the load order (hash order for
sets; Redis' partial sort with LIMIT is not stable): those are compared
unordered and never LIMITed or STOREd.
Register an op in BIT_OPS with a weight; the arities are in BIT_ARITY.
"""

BIT_ARITY = {"SETBIT": 4, "GETBIT": 3, "BITCOUNT": -2, "BITPOS": -3, "BITOP": -4,
             "BITFIELD": -2, "BITFIELD_RO": -2, "SORT": -2, "SORT_RO": -2, "TIME": 1}

BIT_KEYS = ["k0", "k1", "k2", "l0"]

BIT_OFFSETS = ["0", "1", "7", "8", "9", "15", "31", "63", "64", "100", "255", "1000", "2047"]
BAD_OFFSETS = ["-1", "abc", "", "1.5", "4294967296", "9223372036854775807", "#1"]
RANGE_INDEXES = ["0", "1", "2", "-1", "-2", "3", "10", "-10", "100", "-100", "7", "8", "-9",
                 "9223372036854775807", "-9223372036854775808"]
BAD_RANGE_INDEXES = ["abc", "", "1.5", "9223372036854775808"]

FIELD_TYPES = ["u1", "u2", "u4", "u8", "u16", "u32", "u63", "i1", "i3", "i8", "i16", "i32",
               "i64", "U8", "I5"]
BAD_FIELD_TYPES = ["u64", "i65", "u0", "x8", "", "u", "u-1", "8"]
FIELD_OFFSETS = ["0", "1", "3", "8", "13", "#0", "#1", "#2", "#5", "64", "100"]
FIELD_VALUES = ["0", "1", "-1", "100", "-100", "127", "128", "255", "256", "-129",
                "9223372036854775807", "-9223372036854775808", "4294967295", "65536"]

SORT_BY = ["nosort", "k*", "k*->f0", "h[x]*->f1", "nokey*", "const"]
SORT_GET = ["#", "k*", "k*->f0", "h[x]*->f0", "nokey*", "#", "noglob"]


def Step(args, **kw):  # noqa: N802
    """cmdgen.Step, imported on first use: cmdgen imports this module."""
    from cmdgen import Step as step_class
    return step_class(args, **kw)


class BitOps:
    # ------------------------------------------------------------ helpers
    def bkey(self):
        """A key for a bit op: usually one of BIT_KEYS, sometimes any key;
        never one with a pending short TTL (None when there is none)."""
        free = self.free_keys()
        if not free:
            return None
        pref = [k for k in BIT_KEYS if k in free]
        return self.ch(pref) if pref and self.p(0.8) else self.ch(free)

    def boffset(self):
        return self.ch(BAD_OFFSETS) if self.p(0.05) else self.ch(BIT_OFFSETS)

    def rindex(self):
        return self.ch(BAD_RANGE_INDEXES) if self.p(0.04) else self.ch(RANGE_INDEXES)

    def unit(self):
        if self.p(0.04):
            return self.ch(["BITS", ""])
        return self.case(self.ch(["BYTE", "BIT"]))

    # ------------------------------------------------------------- bitmaps
    def op_setbit(self):
        k = self.bkey()
        if not k:
            return None
        bit = self.ch(["2", "-1", "x"]) if self.p(0.04) else self.ch(["0", "1", "1"])
        return Step([self.case("SETBIT"), k, self.boffset(), bit])

    def op_getbit(self):
        k = self.bkey()
        return k and Step([self.case("GETBIT"), k, self.boffset()])

    def op_bitcount(self):
        k = self.bkey()
        if not k:
            return None
        args = [self.case("BITCOUNT"), k]
        if self.p(0.7):
            args += [self.rindex(), self.rindex()]
            if self.p(0.5):
                args.append(self.unit())
        elif self.p(0.1):
            args.append("0")
        return Step(args)

    def op_bitpos(self):
        k = self.bkey()
        if not k:
            return None
        bit = self.ch(["2", "-1"]) if self.p(0.04) else self.ch(["0", "1"])
        args = [self.case("BITPOS"), k, bit]
        n = self.r.randint(0, 3)
        if n >= 1:
            args.append(self.rindex())
        if n >= 2:
            args.append(self.rindex())
        if n == 3:
            args.append(self.unit())
        return Step(args)

    def op_bitop(self):
        free = self.free_keys()
        if not free:
            return None
        op = self.ch(["AND", "OR", "XOR", "NOT"]) if not self.p(0.04) else "NAND"
        srcs = [self.bkey() for _ in range(1 if op == "NOT" and self.p(0.9)
                                           else self.r.randint(1, 3))]
        return Step([self.case("BITOP"), self.case(op), self.bkey()] + srcs)

    def field_op(self):
        kind = self.ch(["GET", "GET", "SET", "INCRBY", "OVERFLOW"])
        if kind == "OVERFLOW":
            return [self.case(kind), self.case(self.ch(["WRAP", "SAT", "FAIL"]))
                    if not self.p(0.05) else "BOGUS"]
        t = self.ch(BAD_FIELD_TYPES) if self.p(0.04) else self.ch(FIELD_TYPES)
        off = self.ch(BAD_OFFSETS) if self.p(0.03) else self.ch(FIELD_OFFSETS)
        op = [self.case(kind), t, off]
        if kind != "GET":
            op.append(self.ch(["abc", ""]) if self.p(0.03) else self.ch(FIELD_VALUES))
        return op

    def op_bitfield(self):
        k = self.bkey()
        if not k:
            return None
        ops = [x for _ in range(self.r.randint(0, 4)) for x in self.field_op()]
        name = "BITFIELD_RO" if self.p(0.2) else "BITFIELD"
        return Step([self.case(name), k] + ops)

    def op_time(self):
        # the reply is the clock: only its errors can be compared
        return Step([self.case("TIME"), "x"])

    # ---------------------------------------------------------------- SORT
    def op_sort(self):
        # mostly a list key (ListOps.lkey), where lists live long
        k = self.lkey() if self.p(0.7) else self.key()
        if not k:
            return None
        ro = self.p(0.2)
        args = [self.case("SORT_RO" if ro else "SORT"), k]
        opts = []
        by = self.ch(SORT_BY) if self.p(0.4) else None
        alpha = self.p(0.5)
        nosort = by is not None and "*" not in by
        ties = alpha and by is not None and not nosort
        if by is not None:
            opts.append([self.case("BY"), by])
        if alpha:
            opts.append([self.case("ALPHA")])
        if self.p(0.3):
            opts.append([self.case(self.ch(["ASC", "DESC"]))])
        if not (nosort or ties) and self.p(0.3):
            opts.append([self.case("LIMIT"), self.rindex(), self.rindex()])
        for _ in range(self.r.randint(0, 2) if self.p(0.3) else 0):
            opts.append([self.case("GET"), self.ch(SORT_GET)])
        if not ro and not ties and self.p(0.15):
            opts.append([self.case("STORE"), self.ch(self.free_keys())])
        if self.p(0.03):
            opts.append(self.ch([["BOGUS"], ["LIMIT", "0"], ["BY"], ["STORE"]]))
        self.r.shuffle(opts)
        stored = any(o[0].upper() == "STORE" for o in opts)
        unordered = (nosort or ties) and not stored
        return Step(args + [x for o in opts for x in o],
                    kind="unordered" if unordered else "exact")


# (op name, weight), appended to cmdgen.OPS
BIT_OPS = [
    ("setbit", 8), ("getbit", 4), ("bitcount", 4), ("bitpos", 4), ("bitop", 3),
    ("bitfield", 5), ("time", 1), ("sort", 10),
]
