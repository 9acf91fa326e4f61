"""Generator ops for RENAME, RENAMENX, COPY, LCS, SMOVE, SINTER/SUNION/SDIFF,
their *STORE variants, SINTERCARD, SSCAN, HMSET, HINCRBYFLOAT and HSCAN (the
deterministic ones of the key / set / hash commands; SPOP, SRANDMEMBER,
HRANDFIELD and RANDOMKEY are only in the fixed scripts, with `@rand`).

`CollectionOps` is a mixin of cmdgen.Generator: it uses the generator's
helpers (self.key(), self.keys_multi(), self.member(), self.field(), self.ch(),
self.p(), self.case(), self.r) and has no module state of its own, so that
cmdgen can import it without an import cycle. Register an op in
COLLECTION_OPS with a weight; the arities of the commands are in NEW_ARITY.
"""

# Redis 7.0 arities of the commands added with this module (negative = at least).
NEW_ARITY = {
    "RENAME": 3, "RENAMENX": 3, "COPY": -3, "RANDOMKEY": 1, "OBJECT": -2, "FLUSHDB": -1,
    "LCS": -3, "SPOP": -2, "SRANDMEMBER": -2, "SMOVE": 4, "SINTER": -2, "SUNION": -2,
    "SDIFF": -2, "SINTERSTORE": -3, "SUNIONSTORE": -3, "SDIFFSTORE": -3, "SINTERCARD": -3,
    "SSCAN": -3, "HMSET": -4, "HINCRBYFLOAT": 4, "HRANDFIELD": -2, "HSCAN": -3,
}

# strings with long common subsequences (and none), for LCS
LCS_STRINGS = ["ohmytext", "mynewtext", "abcbdab", "bdcaba", "banana", "atana", "", "a",
               "aaaa", "aa", "xyz", "12345", "2x4y5", "hello world", "yellow word",
               "The quick brown fox", "A quick brown dog", b"\x00\xffab\x00", b"a\x00b\xff",
               "x" * 40, "xy" * 25]

LCS_MINMATCHLEN = ["0", "1", "2", "3", "4", "6", "-1", "100", "9223372036854775807"]

HFLOATS = ["0", "1", "1.5", "-0.25", "3e2", "1e-3", "10.50", "-1.5E2", ".5", "5.", "+2",
           "0.1", "1e17", "3.0000000000000001", "123456789.123456789", "1e308", "1e400",
           "0x10", "abc", "", " 2", "2 ", "1e", "inf", "-inf", "nan"]

SSCAN_PATTERNS = ["*", "m*", "m[0-1]", "?", "-*", "[0-9]", "*1*", "", "\\*", "m?"]
HSCAN_PATTERNS = ["*", "f*", "f[0-1]", "?", "", "*1", "f?"]


def Step(args, **kw):  # noqa: N802
    """cmdgen.Step, imported on first use: cmdgen imports this module."""
    from cmdgen import Step as step_class
    return step_class(args, **kw)


class CollectionOps:
    # --------------------------------------------------------------- keys
    def op_rename(self):
        src, dst = self.key(), self.key()
        if not src:
            return None
        return Step([self.case(self.ch(["RENAME", "RENAMENX"])), src, dst])

    def op_copy(self):
        src, dst = self.key(), self.key()
        if not src:
            return None
        opts = []
        if self.p(0.4):
            opts.append([self.case("REPLACE")])
        if self.p(0.2):
            opts.append([self.case("DB"), "0"])
        if self.p(0.06):
            opts.append(self.ch([["DB", "16"], ["DB", "-1"], ["DB", "abc"], ["DB"],
                                 ["BOGUS"], ["REPLACE", "REPLACE"]]))
        self.r.shuffle(opts)
        args = [self.case("COPY"), src, dst]
        for o in opts:
            args += o
        return Step(args)

    # ------------------------------------------------------------ strings
    def op_set_lcs(self):
        """SET a key to a string with common subsequences with the others."""
        k = self.key()
        return k and Step(["SET", k, self.ch(LCS_STRINGS)])

    def op_lcs(self):
        k1, k2 = self.key(), self.key()
        if not k1:
            return None
        groups = []
        r = self.r.random()
        if r < 0.3:
            pass
        elif r < 0.45:
            groups.append([self.case("LEN")])
        elif r < 0.9:
            groups.append([self.case("IDX")])
            if self.p(0.5):
                groups.append([self.case("MINMATCHLEN"), self.ch(LCS_MINMATCHLEN)])
            if self.p(0.5):
                groups.append([self.case("WITHMATCHLEN")])
        else:
            groups.append(self.ch([["LEN", "IDX"], ["IDX", "LEN"], ["BOGUS"], ["MINMATCHLEN"],
                                   ["IDX", "MINMATCHLEN", "abc"], ["WITHMATCHLEN"],
                                   ["LEN", "MINMATCHLEN", "2"], ["IDX", "IDX"]]))
        self.r.shuffle(groups)
        args = [self.case("LCS"), k1, k2]
        for g in groups:
            args += g
        return Step(args)

    # --------------------------------------------------------------- sets
    def op_smove(self):
        src, dst = self.key(), self.key()
        if not src:
            return None
        return Step([self.case("SMOVE"), src, dst, self.member()])

    def op_setalg(self):
        ks = self.keys_multi(1, 3)
        if not ks:
            return None
        return Step([self.case(self.ch(["SINTER", "SUNION", "SDIFF"]))] + ks,
                    kind="unordered")

    def op_setstore(self):
        dst, ks = self.key(), self.keys_multi(1, 3)
        if not ks:
            return None
        cmd = self.ch(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"])
        return Step([self.case(cmd), dst] + ks)

    def op_sintercard(self):
        ks = self.keys_multi(1, 3)
        if not ks:
            return None
        n = str(len(ks))
        if self.p(0.1):   # numkeys errors
            n = self.ch(["0", "-1", "abc", "1.5", str(len(ks) + 1)] +
                        ([str(len(ks) - 1)] if len(ks) > 1 else []))
        args = [self.case("SINTERCARD"), n] + ks
        if self.p(0.4):
            args += [self.case("LIMIT"), self.ch(["0", "1", "2", "3", "100", "-1", "abc"])]
        elif self.p(0.05):
            args += self.ch([["LIMIT"], ["BOGUS", "1"], ["LIMIT", "1", "LIMIT", "0"]])
        return Step(args)

    def op_sscan(self):
        k = self.key()
        if not k:
            return None
        return Step([self.case("SSCAN"), k, "0"] + self._scan_opts(SSCAN_PATTERNS),
                    kind="scan")

    def _scan_opts(self, patterns):
        opts = []
        if self.p(0.5):
            opts.append([self.case("MATCH"), self.ch(patterns)])
        if self.p(0.4):
            opts.append([self.case("COUNT"), self.ch(["1", "2", "10", "100"])])
        self.r.shuffle(opts)
        return [x for o in opts for x in o]

    # ------------------------------------------------------------- hashes
    def op_hmset(self):
        k = self.key()
        if not k:
            return None
        args = [self.case("HMSET"), k]
        for _ in range(self.r.randint(1, 3)):
            args += [self.field(), self.ch(HFLOATS + ["v", "", "x" * 70])]
        if self.p(0.07):
            args.append(self.field())   # odd
        return Step(args)

    def op_hincrbyfloat(self):
        k = self.key()
        return k and Step([self.case("HINCRBYFLOAT"), k, self.field(), self.ch(HFLOATS)])

    def op_hscan(self):
        k = self.key()
        if not k:
            return None
        return Step([self.case("HSCAN"), k, "0"] + self._scan_opts(HSCAN_PATTERNS),
                    kind="scan")


# (op name, weight), appended to cmdgen.OPS
COLLECTION_OPS = [
    ("rename", 3), ("copy", 3), ("set_lcs", 2), ("lcs", 3), ("smove", 3), ("setalg", 4),
    ("setstore", 4), ("sintercard", 3), ("sscan", 2), ("hmset", 3), ("hincrbyfloat", 4),
    ("hscan", 2),
]
