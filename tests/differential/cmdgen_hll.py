"""Generator ops for the HyperLogLog commands PFADD, PFCOUNT and PFMERGE.

`HllOps` is a mixin of cmdgen.Generator like cmdgen_lists.ListOps: it uses
the generator's helpers (self.free_keys(), self.key(), self.ch(), self.p(),
self.case(), self.r) and has no state of its own.

HyperLogLogs are written only to HLL_KEYS, which are not in cmdgen.KEYS:
Redis keeps an HLL in a string, so GET, APPEND, STRLEN and every other
string command read or change its bytes, where Meridian answers WRONGTYPE (a
documented difference). The general ops never see these keys, except through
KEYS, SCAN and DBSIZE, which list them alike. Reads (PFCOUNT, PFMERGE
sources) also pick general keys, so the WRONGTYPE replies of both kinds
(not a HyperLogLog string; another type) are compared; writes never go to a
general key (a missing one would become an HLL there: the sequence cannot
depend on replies). test_fixed_diff_hll.py covers PFADD onto other types.
Register an op in HLL_OPS with a weight; the arities are in HLL_ARITY.
"""

# Redis 7.0 arities (negative = at least that many).
HLL_ARITY = {"PFADD": -2, "PFCOUNT": -2, "PFMERGE": -2}

HLL_KEYS = ["p0", "p1", "p2"]

# A small pool, so that PFADDs often raise nothing (reply 0).
HLL_ELEMENTS = ["a", "b", "c", "", "1", "-1", "007", "x" * 60, b"\x00\r\n", "\u00e9",
                "9223372036854775808"] + ["e%d" % i for i in range(40)]


def Step(args, **kw):  # noqa: N802
    """cmdgen.Step, imported on first use: cmdgen imports this module."""
    from cmdgen import Step as step_class
    return step_class(args, **kw)


class HllOps:
    # ------------------------------------------------------------ helpers
    def pkey_read(self):
        """Mostly an HLL key, sometimes any free key (of any type, or none)."""
        if self.p(0.8):
            return self.ch(HLL_KEYS)
        return self.key() or self.ch(HLL_KEYS)

    def pelem(self):
        return self.ch(HLL_ELEMENTS)

    # ------------------------------------------------------------- writes
    def op_pf_reset(self):
        return Step([self.case(self.ch(["DEL", "UNLINK"])), self.ch(HLL_KEYS)])

    def op_pfadd(self):
        k = self.ch(HLL_KEYS)
        return Step([self.case("PFADD"), k] + [self.pelem() for _ in range(self.r.randint(0, 4))])

    def op_pf_fill(self):
        """PFADD of many distinct elements: hundreds of registers, up to dense."""
        k = self.ch(HLL_KEYS)
        n = self.r.randint(20, 600)
        base = self.r.randint(0, 10 ** 6)
        return Step([self.case("PFADD"), k] + ["u%d" % (base + i) for i in range(n)])

    def op_pfmerge(self):
        dest = self.ch(HLL_KEYS)
        # a missing general source is skipped; one of another type fails the
        # command before it writes: either way dest stays an HLL
        srcs = [self.pkey_read() for _ in range(self.r.randint(0, 3))]
        return Step([self.case("PFMERGE"), dest] + srcs)

    # -------------------------------------------------------------- reads
    def op_pfcount(self):
        ks = [self.pkey_read() for _ in range(self.r.randint(1, 3))]   # duplicates on purpose
        return Step([self.case("PFCOUNT")] + ks)

    def op_pf_meta(self):
        k = self.ch(HLL_KEYS)
        return self.ch([Step([self.case("TYPE"), k]), Step([self.case("EXISTS"), k]),
                        Step([self.case("OBJECT"), "ENCODING", k])])


# (op name, weight), appended to cmdgen.OPS
HLL_OPS = [
    ("pf_reset", 2), ("pfadd", 8), ("pf_fill", 3), ("pfmerge", 4), ("pfcount", 7),
    ("pf_meta", 2),
]
