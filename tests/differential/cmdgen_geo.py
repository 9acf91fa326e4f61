"""Generator ops for the GEO commands GEOADD, GEODIST, GEOHASH, GEOPOS,
GEORADIUS, GEORADIUSBYMEMBER, GEORADIUS_RO, GEORADIUSBYMEMBER_RO, GEOSEARCH
and GEOSEARCHSTORE.

`GeoOps` is a mixin of cmdgen.Generator like cmdgen_lists.ListOps: it uses
the generator's helpers (self.free_keys(), self.ch(), self.p(), self.case(),
self.r) and has no state of its own. Geo ops pick their keys mostly (80 %)
from GEO_KEYS (g0 was added to cmdgen.KEYS for them; the others are shared
with every op, so geo sets meet strings, sets, hashes and lists and the other
way round), and a DEL of g0 (op geo_reset) now and then gives it back. The
positions are a few PLACES (two cities, a cluster of near points, the
antimeridian, both pole limits, several members at one position so that
COUNT has ties to order) jittered a little, and the search centres and radii
are chosen around them, so that searches usually find something.
Register an op in GEO_OPS with a weight; the arities are in GEO_ARITY.
"""

# Redis 7.0 arities (negative = at least that many).
GEO_ARITY = {
    "GEOADD": -5, "GEODIST": -4, "GEOHASH": -2, "GEOPOS": -2, "GEORADIUS": -6,
    "GEORADIUSBYMEMBER": -5, "GEORADIUS_RO": -6, "GEORADIUSBYMEMBER_RO": -5,
    "GEOSEARCH": -7, "GEOSEARCHSTORE": -8,
}

GEO_KEYS = ["g0", "g0", "g0", "k1"]

# (longitude, latitude) pairs, as strings
PLACES = [("13.361389", "38.115556"), ("15.087269", "37.502669"), ("2.3522", "48.8566"),
          ("2.35", "48.86"), ("2.36", "48.85"), ("179.99", "0.5"), ("-179.99", "0.5"),
          ("0", "85.05112878"), ("-180", "-85.05112878"), ("139.6917", "35.6895"),
          ("-0.1276", "51.5072"), ("2.3522", "48.8566")]
BAD_POSITIONS = [("181", "0"), ("0", "86"), ("-180.0001", "1"), ("abc", "1"), ("1", ""),
                 ("inf", "0"), ("1", "nan")]

GEO_MEMBERS = ["p0", "p1", "p2", "p3", "p4", "p5", "p6", "Palermo", "", "m0"]

RADII = ["0", "1", "500", "10", "100", "200", "3000", "20000", "1e7", "0.5"]
BAD_RADII = ["-1", "abc", ""]
UNITS = ["m", "km", "ft", "mi", "KM", "Mi"]
BAD_UNITS = ["cm", "", "kilometers"]
COUNTS = ["1", "2", "3", "5", "10"]
BAD_COUNTS = ["0", "-1", "abc"]


def Step(args, **kw):  # noqa: N802
    """cmdgen.Step, imported on first use: cmdgen imports this module."""
    from cmdgen import Step as step_class
    return step_class(args, **kw)


class GeoOps:
    # ------------------------------------------------------------ helpers
    def gkey(self):
        """A key for a geo op: usually g0, sometimes any key."""
        return self.preferred_key(GEO_KEYS)

    def gmember(self):
        return self.ch(GEO_MEMBERS)

    def position(self, bad=0.04):
        """A place, sometimes moved a little (staying inside the limits)."""
        if self.p(bad):
            return list(self.ch(BAD_POSITIONS))
        lon, lat = self.ch(PLACES)
        if self.p(0.4) and abs(float(lat)) < 80 and abs(float(lon)) < 179:
            lon = "%.6f" % (float(lon) + self.r.uniform(-0.05, 0.05))
            lat = "%.6f" % (float(lat) + self.r.uniform(-0.05, 0.05))
        return [lon, lat]

    def radius(self):
        r = self.ch(BAD_RADII) if self.p(0.04) else self.ch(RADII)
        unit = self.ch(BAD_UNITS) if self.p(0.04) else self.case(self.ch(UNITS))
        return [r, unit]

    def search_opts(self, store_ok):
        opts = []
        for word in ("WITHDIST", "WITHCOORD", "WITHHASH"):
            if not store_ok and self.p(0.35):
                opts.append([self.case(word)])
        if self.p(0.4):
            opts.append([self.case(self.ch(["ASC", "DESC"]))])
        if self.p(0.4):
            c = [self.case("COUNT"), self.ch(BAD_COUNTS) if self.p(0.05) else self.ch(COUNTS)]
            if self.p(0.3):
                c.append(self.case("ANY"))
            opts.append(c)
        elif self.p(0.03):
            opts.append([self.case("ANY")])
        if self.p(0.02):
            opts.append([self.ch(["BOGUS", "COUNT", "STORE"])])
        self.r.shuffle(opts)
        return [x for o in opts for x in o]

    # ------------------------------------------------------------- writes
    def op_geo_reset(self):
        free = [k for k in GEO_KEYS if k in self.free_keys()]
        return Step([self.case("DEL"), self.ch(free)]) if free else None

    def op_geoadd(self):
        k = self.gkey()
        if not k:
            return None
        args = [self.case("GEOADD"), k]
        if self.p(0.25):
            args += [self.case(self.ch(["NX", "XX", "CH", "NX", "XX"]))]
            if self.p(0.3):
                args.append(self.case(self.ch(["CH", "NX", "XX"])))
        for _ in range(self.r.randint(1, 4)):
            args += self.position() + [self.gmember()]
        if self.p(0.03):
            args.pop()   # one argument short
        return Step(args)

    def op_geo_fill(self):
        """GEOADD of many members, so that searches have something to find."""
        k = self.gkey()
        if not k:
            return None
        args = [self.case("GEOADD"), k]
        for i in range(self.r.randint(5, 14)):
            args += self.position(bad=0) + [self.gmember() if self.p(0.7) else "q%d" % i]
        return Step(args)

    def op_geo_store(self):
        """GEORADIUS ... STORE / STOREDIST and GEOSEARCHSTORE [STOREDIST]."""
        src, dst = self.gkey(), self.key()
        if not src or not dst:
            return None
        if dst == "g0" and self.p(0.7):   # an empty result would delete g0
            return None
        if self.p(0.5):
            args = [self.case("GEOSEARCHSTORE"), dst, src] + self.search_shape()
            if self.p(0.4):
                args.append(self.case("STOREDIST"))
            return Step(args + self.search_opts(store_ok=True))
        if self.p(0.5):
            args = [self.case("GEORADIUS"), src] + self.position() + self.radius()
        else:
            args = [self.case("GEORADIUSBYMEMBER"), src, self.gmember()] + self.radius()
        args += [self.case(self.ch(["STORE", "STOREDIST"])), dst]
        return Step(args + self.search_opts(store_ok=True))

    # -------------------------------------------------------------- reads
    def op_geopos(self):
        k = self.gkey()
        if not k:
            return None
        cmd = self.ch(["GEOPOS", "GEOHASH"])
        return Step([self.case(cmd), k] + [self.gmember() for _ in range(self.r.randint(1, 3))])

    def op_geodist(self):
        k = self.gkey()
        if not k:
            return None
        args = [self.case("GEODIST"), k, self.gmember(), self.gmember()]
        if self.p(0.6):
            args.append(self.ch(BAD_UNITS) if self.p(0.05) else self.case(self.ch(UNITS)))
        return Step(args)

    def op_georadius(self):
        k = self.gkey()
        if not k:
            return None
        ro = self.p(0.3)
        if self.p(0.5):
            args = [self.case("GEORADIUS_RO" if ro else "GEORADIUS"), k] + self.position()
        else:
            args = [self.case("GEORADIUSBYMEMBER_RO" if ro else "GEORADIUSBYMEMBER"), k,
                    self.gmember()]
        return Step(args + self.radius() + self.search_opts(store_ok=False))

    def search_shape(self):
        if self.p(0.5):
            frm = [self.case("FROMMEMBER"), self.gmember()]
        else:
            frm = [self.case("FROMLONLAT")] + self.position()
        if self.p(0.5):
            by = [self.case("BYRADIUS")] + self.radius()
        else:
            r, unit = self.radius()
            by = [self.case("BYBOX"), r, self.ch(RADII), unit]
        parts = [frm, by]
        if self.p(0.04):
            parts.append(self.ch([[self.case("FROMMEMBER"), "p0"], [self.case("BYRADIUS"), "1",
            "km"],
                                  [self.case("FROMLONLAT"), "1", "2"]]))
        if self.p(0.03):
            parts.pop(self.r.randrange(len(parts)))
        self.r.shuffle(parts)
        return [x for p in parts for x in p]

    def op_geosearch(self):
        k = self.gkey()
        if not k:
            return None
        return Step([self.case("GEOSEARCH"), k] + self.search_shape() +
                    self.search_opts(store_ok=False))


# (op name, weight), appended to cmdgen.OPS
GEO_OPS = [
    ("geo_reset", 5), ("geoadd", 8), ("geo_fill", 8), ("geo_store", 3), ("geopos", 4),
    ("geodist", 3), ("georadius", 5), ("geosearch", 5),
]
