"""Curated scripts for the GEO commands GEOADD (NX XX CH), GEODIST, GEOHASH,
GEOPOS, GEORADIUS, GEORADIUSBYMEMBER, GEORADIUS_RO, GEORADIUSBYMEMBER_RO,
GEOSEARCH and GEOSEARCHSTORE (and the STORE / STOREDIST options), compared
with a real redis-server 7.0 like test_fixed_diff.py (same line syntax and
prefixes, see difftools.parse_line; each case over RESP2 and RESP3 on an
empty key space).

A geo key is a sorted set whose scores are 52-bit geohashes: the scripts
check the scores GEOADD stores (ZSCORE, ZRANGE WITHSCORES), positions decoded
from any score (ZADD then GEOPOS/GEOHASH), positions at the limits (the
antimeridian, latitudes +-85.05112878), searches whose boxes cross the
antimeridian or reach the poles, radii from 0 to half the Earth, boxes,
COUNT with and without ANY, ASC/DESC, ties in distance (members at one
position, ordered by Redis' qsort or, with a COUNT smaller than the result,
its partial quicksort), and the order in which Redis checks arguments:
errors before WRONGTYPE or not, before the missing-key reply or not.
"""

import random
import re

import pytest

from cmdgen_geo import GEO_ARITY
from difftools import arity_error_lines, run_fixed_script

CASES = {}


def case(name, lines):
    assert name not in CASES
    CASES[name] = lines


SICILY = "GEOADD k 13.361389 38.115556 Palermo 15.087269 37.502669 Catania"

# ---------------------------------------------------------------- GEOADD
case("geoadd", [
    SICILY, "TYPE k", "ZCARD k", "ZSCORE k Palermo", "ZRANGE k 0 -1 WITHSCORES",
    "OBJECT ENCODING k",
    # an update of a position counts as changed only with CH
    "GEOADD k 13.361389 38.115556 Palermo", "GEOADD k 13.4 38.1 Palermo",
    "GEOADD k CH 13.5 38.2 Palermo", "GEOADD k CH 13.5 38.2 Palermo 1 1 new",
    "ZSCORE k Palermo",
    "GEOADD k NX 0 0 Palermo 2 2 fresh", "ZSCORE k Palermo", "ZSCORE k fresh",
    "GEOADD k XX 0 0 Palermo 3 3 never", "ZSCORE k Palermo", "ZSCORE k never",
    "GEOADD k XX CH 1 1 Palermo", "GEOADD k CH XX 1 1 Palermo", "GEOADD k ch nx 5 5 x5",
    "GEOADD k NX NX 6 6 x6", "GEOADD k CH CH 1 1 x7",
    "GEOADD k NX XX 1 1 m", "GEOADD k XX NX 1 1 m", "GEOADD k NX XX CH",
    "GEOADD k CH CH CH", "GEOADD k CH 1 1", "GEOADD k 1 1", "GEOADD k 1 1 m 2",
    "GEOADD k 1 1 m 2 2", "GEOADD k GT 1 1 m", "GEOADD k LT 1 1 m", "GEOADD k INCR 1 1 m",
    # the same member twice: the last position wins
    "GEOADD d 1 1 m 2 2 m", "ZCARD d", "GEOPOS d m",
    # XX on a missing key creates nothing
    "GEOADD nokey XX 1 1 m", "EXISTS nokey",
    "geoadd k 7 7 lower", "GeoAdd k 8 8 mixed", "ZCARD k",
    ("GEOADD", "k", "9", "9", ""), ("GEOADD", "k", "10", "10", b"\x00\xff\r\n"),
    "GEOPOS k '' lower", "ZRANGE k 0 -1",
])

# Positions: floats as ZADD parses them, inside longitude +-180 and latitude
# +-85.05112878; errors name the first bad pair, and nothing of the command is
# written.
case("geoadd-positions", [
    "GEOADD k 200 100 m", "GEOADD k 180.000001 0 m", "GEOADD k -180.000001 0 m",
    "GEOADD k 0 85.05112879 m", "GEOADD k 0 -85.05112879 m", "GEOADD k 0 90 m",
    "GEOADD k 1 1 ok 0 90 bad", "EXISTS k", "GEOADD k abc 1 m", "GEOADD k 1 abc m",
    "GEOADD k '' 1 m", "GEOADD k ' 1' 1 m", "GEOADD k 1x 1 m", "GEOADD k nan 1 m",
    "GEOADD k inf 1 m", "GEOADD k -inf 1 m", "GEOADD k 1 1e400 m", "GEOADD k 1e-400 1 m",
    "GEOADD k 1 1 a 2 x b", "GEOADD k 1 1 a 2 200 b", "EXISTS k",
    "GEOADD k 1e2 1 hex", "GEOADD k 0x10 1 m", "GEOADD k +1.5 -0 plus", "GEOADD k -0 -0 zero",
    "GEOADD k .5 5. dots", "GEOADD k 1E1 1e-3 exp",
    # the limits themselves
    "GEOADD k 180 85.05112878 ne -180 -85.05112878 sw 180 -85.05112878 se "
    "-180 85.05112878 nw 0 0 origin 179.9999999 0 east -179.9999999 0 west",
    "ZRANGE k 0 -1 WITHSCORES", "GEOPOS k ne sw se nw origin east west plus zero dots exp hex",
    "GEOHASH k ne sw se nw origin east west plus zero", "GEODIST k ne sw", "GEODIST k east west",
    "GEODIST k ne nw km", "GEODIST k origin ne mi",
])

# ---------------------------------------------------------------- reads
case("geopos-geohash", [
    SICILY, "GEOADD k 2.3522 48.8566 Paris -0.1276 51.5072 London 139.6917 35.6895 Tokyo "
    "-122.4194 37.7749 SF -43.1729 -22.9068 Rio 151.2093 -33.8688 Sydney",
    "GEOPOS k Palermo Catania Paris London Tokyo SF Rio Sydney",
    "GEOPOS k Palermo nosuch Catania", "GEOPOS k nosuch", "GEOPOS nokey a b",
    "GEOPOS k", "GEOPOS", "geopos k Paris",
    "GEOHASH k Palermo Catania Paris London Tokyo SF Rio Sydney", "GEOHASH k nosuch Palermo",
    "GEOHASH nokey a", "GEOHASH k", "GEOHASH", "geohash k Tokyo",
    # any score decodes, geo or not
    "ZADD z 0 zero 1 one 4503599627370495 max52 4503599627370496 p52 1.5 frac 123456789 mid "
    "3471579339700058 a 9007199254740992 p53 1e17 big",
    "GEOPOS z zero one max52 p52 frac mid a p53 big",
    "GEOHASH z zero one max52 p52 frac mid a p53 big",
    "GEODIST z zero max52", "GEODIST z one mid km",
])

case("geodist", [
    SICILY, "GEODIST k Palermo Catania", "GEODIST k Palermo Catania m",
    "GEODIST k Palermo Catania km", "GEODIST k Palermo Catania KM",
    "GEODIST k Palermo Catania ft", "GEODIST k Palermo Catania mi",
    "GEODIST k Palermo Catania Mi", "GEODIST k Catania Palermo km",
    "GEODIST k Palermo Palermo", "GEODIST k Palermo nosuch", "GEODIST k nosuch Palermo",
    "GEODIST k nosuch other", "GEODIST nokey a b", "GEODIST nokey a b km",
    "GEODIST k Palermo Catania cm", "GEODIST k Palermo Catania ''",
    "GEODIST nokey a b cm", "GEODIST k Palermo Catania km extra",
    "GEODIST nokey a b km extra", ("GEODIST", "k", "Palermo", "Catania", "km\x00x"),
    "GEODIST k Palermo", "GEODIST k", "geodist k Palermo Catania",
    # very near and antipodal points
    "GEOADD k 10 10 a 10.000001 10 b 10 10.000001 c -170 -10 anti 0 0 o 180 0 o180",
    "GEODIST k a b", "GEODIST k a c", "GEODIST k a anti", "GEODIST k o o180 km",
    "GEODIST k a a",
])

# ---------------------------------------------------------------- searches
CITIES = ("GEOADD k 13.361389 38.115556 Palermo 15.087269 37.502669 Catania "
          "12.758489 38.788135 edge1 17.241510 38.222625 edge2 "
          "2.3522 48.8566 Paris 14.2681 40.8518 Naples")

case("georadius", [
    CITIES,
    "GEORADIUS k 15 37 100 km", "GEORADIUS k 15 37 200 km", "GEORADIUS k 15 37 200 km ASC",
    "GEORADIUS k 15 37 200 km DESC", "GEORADIUS k 15 37 200 km WITHDIST",
    "GEORADIUS k 15 37 200 km WITHCOORD", "GEORADIUS k 15 37 200 km WITHHASH",
    "GEORADIUS k 15 37 200 km WITHDIST WITHCOORD WITHHASH",
    "GEORADIUS k 15 37 200 km WITHHASH WITHCOORD WITHDIST ASC",
    "GEORADIUS k 15 37 200 km withdist desc", "GEORADIUS k 15 37 200 km COUNT 1",
    "GEORADIUS k 15 37 200 km COUNT 1 DESC", "GEORADIUS k 15 37 200 km COUNT 2 WITHDIST",
    "GEORADIUS k 15 37 200 km COUNT 100", "GEORADIUS k 15 37 200 km COUNT 1 ANY",
    "GEORADIUS k 15 37 200 km COUNT 2 ANY DESC", "GEORADIUS k 15 37 200 km ANY COUNT 3",
    "GEORADIUS k 15 37 200 km COUNT 1 COUNT 3", "GEORADIUS k 15 37 200 km ASC DESC",
    "GEORADIUS k 15 37 200 km DESC ASC",
    "GEORADIUS k 15 37 200000 m", "GEORADIUS k 15 37 124.274 mi WITHDIST",
    "GEORADIUS k 15 37 656168 ft WITHDIST", "GEORADIUS k 15 37 200 KM WITHDIST",
    "GEORADIUS k 15 37 0 km", "GEORADIUS k 13.361389 38.115556 0 m",
    "GEORADIUS k 13.361389 38.115556 1 m WITHDIST", "GEORADIUS k 15 37 5000 km",
    "GEORADIUS k 15 37 20000 km WITHDIST", "GEORADIUS k 15 37 1e10 m",
    "GEORADIUS k 15 37 1e-3 m", "GEORADIUS k 15 37 inf km",
    "GEORADIUS k 0 0 10 km", "GEORADIUS k -170 -80 100 km",
    "georadius k 15 37 200 km", "GEORADIUS k 15 37 200 km WITHDIST WITHDIST",
])

case("georadius-errors", [
    CITIES,
    # position, then radius, then unit, then options in order
    "GEORADIUS k 200 37 200 km", "GEORADIUS k abc 37 200 km", "GEORADIUS k 15 abc 200 km",
    "GEORADIUS k 15 37 abc km", "GEORADIUS k 15 37 -1 km", "GEORADIUS k 15 37 '' km",
    "GEORADIUS k 15 37 200 cm", "GEORADIUS k 15 37 -1 cm", "GEORADIUS k 200 37 abc cm",
    "GEORADIUS k 15 37 200 km COUNT 0", "GEORADIUS k 15 37 200 km COUNT -1",
    "GEORADIUS k 15 37 200 km COUNT abc", "GEORADIUS k 15 37 200 km COUNT",
    "GEORADIUS k 15 37 200 km COUNT 9223372036854775808",
    "GEORADIUS k 15 37 200 km COUNT 9223372036854775807",
    "GEORADIUS k 15 37 200 km ANY", "GEORADIUS k 15 37 200 km ANY BOGUS",
    "GEORADIUS k 15 37 200 km BOGUS", "GEORADIUS k 15 37 200 km STORE",
    "GEORADIUS k 15 37 200 km STOREDIST", "GEORADIUS k 15 37 200 km COUNT 0 BOGUS",
    "GEORADIUS k 15 37 200 km BOGUS COUNT 0",
    "GEORADIUS k 15 37 200 km STORE dst WITHDIST", "GEORADIUS k 15 37 200 km WITHHASH STORE dst",
    "GEORADIUS k 15 37 200 km STOREDIST dst WITHCOORD",
    "GEORADIUS k 15 37 200 km STORE dst ANY", "EXISTS dst",
    "GEORADIUS k 15 37 200 km FROMMEMBER Palermo", "GEORADIUS k 15 37 200 km BYBOX 1 1 km",
    "GEORADIUS k 15 37 200 km STOREDIST dst WITHDIST ANY",
    # a missing key: arguments are still checked
    "GEORADIUS nokey 15 37 200 km", "GEORADIUS nokey 200 37 200 km",
    "GEORADIUS nokey 15 37 200 cm", "GEORADIUS nokey 15 37 200 km COUNT 0",
    "GEORADIUS nokey 15 37 200 km ANY", "GEORADIUS nokey 15 37 200 km BOGUS",
    "GEORADIUS nokey 15 37 200 km WITHDIST STORE dst",
    "GEORADIUS k 15 37", "GEORADIUS k 15 37 200", "GEORADIUS k",
])

case("georadiusbymember", [
    CITIES,
    "GEORADIUSBYMEMBER k Palermo 200 km", "GEORADIUSBYMEMBER k Palermo 200 km WITHDIST",
    "GEORADIUSBYMEMBER k Palermo 200 km WITHDIST WITHCOORD WITHHASH DESC",
    "GEORADIUSBYMEMBER k Palermo 200 km COUNT 2", "GEORADIUSBYMEMBER k Palermo 200 km COUNT 2 ANY",
    "GEORADIUSBYMEMBER k Palermo 0 km", "GEORADIUSBYMEMBER k Paris 2000 km ASC WITHDIST",
    "GEORADIUSBYMEMBER k Paris 2000 mi COUNT 3 DESC",
    # the member first, then the radius
    "GEORADIUSBYMEMBER k nosuch 200 km", "GEORADIUSBYMEMBER k nosuch -1 km",
    "GEORADIUSBYMEMBER k nosuch 200 cm", "GEORADIUSBYMEMBER k Palermo -1 km",
    "GEORADIUSBYMEMBER k Palermo abc km", "GEORADIUSBYMEMBER k Palermo 200 cm",
    "GEORADIUSBYMEMBER k Palermo 200 km COUNT 0", "GEORADIUSBYMEMBER k Palermo 200 km ANY",
    "GEORADIUSBYMEMBER k Palermo 200 km BOGUS", "GEORADIUSBYMEMBER k Palermo 200 km BYRADIUS 1 m",
    "GEORADIUSBYMEMBER k Palermo 200 km WITHDIST STORE dst",
    # a missing key: the radius is not looked at, the options are
    "GEORADIUSBYMEMBER nokey a 200 km", "GEORADIUSBYMEMBER nokey a -1 km",
    "GEORADIUSBYMEMBER nokey a abc cm", "GEORADIUSBYMEMBER nokey a 1 km COUNT 0",
    "GEORADIUSBYMEMBER nokey a 1 km ANY", "GEORADIUSBYMEMBER nokey a 1 km BOGUS",
    "GEORADIUSBYMEMBER nokey a 1 km WITHHASH STORE dst",
    "GEORADIUSBYMEMBER k Palermo 200", "GEORADIUSBYMEMBER k Palermo",
    "georadiusbymember k Catania 100 km",
])

case("georadius-ro", [
    CITIES,
    "GEORADIUS_RO k 15 37 200 km", "GEORADIUS_RO k 15 37 200 km WITHDIST WITHCOORD ASC",
    "GEORADIUS_RO k 15 37 200 km COUNT 1", "GEORADIUS_RO k 15 37 200 km COUNT 2 ANY",
    "GEORADIUS_RO k 15 37 200 km STORE dst", "GEORADIUS_RO k 15 37 200 km STOREDIST dst",
    "GEORADIUS_RO k 200 37 200 km", "GEORADIUS_RO nokey 15 37 200 km",
    "GEORADIUSBYMEMBER_RO k Palermo 200 km", "GEORADIUSBYMEMBER_RO k Palermo 200 km WITHHASH",
    "GEORADIUSBYMEMBER_RO k Palermo 200 km STORE dst", "GEORADIUSBYMEMBER_RO k nosuch 1 km",
    "GEORADIUSBYMEMBER_RO nokey a 1 km", "GEORADIUSBYMEMBER_RO nokey a 1 km STORE dst",
    "georadius_ro k 15 37 200 km desc", "georadiusbymember_ro k Catania 200 km desc",
    "EXISTS dst",
])

case("georadius-store", [
    CITIES,
    "GEORADIUS k 15 37 200 km STORE dst", "ZRANGE dst 0 -1 WITHSCORES", "TYPE dst",
    "GEORADIUS k 15 37 200 km STOREDIST dst", "ZRANGE dst 0 -1 WITHSCORES",
    "GEORADIUS k 15 37 200 mi STOREDIST dst", "ZRANGE dst 0 -1 WITHSCORES",
    "GEORADIUS k 15 37 200 km STOREDIST dst COUNT 1", "ZRANGE dst 0 -1 WITHSCORES",
    "GEORADIUS k 15 37 200 km COUNT 2 DESC STORE dst", "ZRANGE dst 0 -1 WITHSCORES",
    "GEORADIUS k 15 37 200 km STORE a STOREDIST b", "EXISTS a", "ZRANGE b 0 -1 WITHSCORES",
    # nothing found, or no source: the destination is deleted
    "GEORADIUS k 0 0 1 km STORE dst", "EXISTS dst",
    "SET dst v", "GEORADIUS k 15 37 200 km STORE dst", "TYPE dst",
    "SET dst v", "GEORADIUS nokey 15 37 200 km STORE dst", "EXISTS dst",
    "SET dst v", "GEORADIUSBYMEMBER nokey x 1 km STOREDIST dst", "EXISTS dst",
    "SADD dst x", "GEORADIUSBYMEMBER k Palermo 100 km STOREDIST dst", "ZRANGE dst 0 -1 WITHSCORES",
    "GEORADIUS k 15 37 200 km STORE k", "ZRANGE k 0 -1 WITHSCORES",
    "GEORADIUSBYMEMBER k Palermo 1000 km STOREDIST k", "ZRANGE k 0 -1 WITHSCORES",
    "EXPIRE dst 1000", "GEORADIUSBYMEMBER k Palermo 1000 km STORE dst", "TTL dst",
])

case("geosearch", [
    CITIES,
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 200 km",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 200 km ASC",
    "GEOSEARCH k FROMMEMBER Palermo BYRADIUS 200 km DESC WITHDIST",
    "GEOSEARCH k BYRADIUS 200 km FROMMEMBER Palermo",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 400 400 km",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 400 400 km ASC WITHCOORD WITHDIST WITHHASH",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 200 200 km",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 100 400 km",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 400 100 km",
    "GEOSEARCH k FROMMEMBER Paris BYBOX 3000 3000 km",
    "GEOSEARCH k FROMMEMBER Paris BYBOX 3000 3000 km COUNT 2",
    "GEOSEARCH k FROMMEMBER Paris BYBOX 0 0 m",
    "GEOSEARCH k FROMMEMBER Paris BYBOX 3000 3000 km COUNT 2 ANY DESC",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 400 400 mi WITHDIST",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 1e6 1e6 ft",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 200 km FROMLONLAT 13 38",
    "GEOSEARCH k FROMMEMBER Paris FROMMEMBER Palermo BYRADIUS 100 km",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 1 km BYRADIUS 300 km",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 1 1 km BYBOX 500 500 km",
    "geosearch k fromlonlat 15 37 byradius 200 km withdist",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 200 km COUNT 1 WITHHASH",
])

case("geosearch-errors", [
    CITIES,
    # exactly one FROM, exactly one BY, named with the command as typed
    "GEOSEARCH k BYRADIUS 200 km", "geosearch k BYRADIUS 200 km", "GeoSearch k FROMLONLAT 15 37",
    "GEOSEARCH k FROMLONLAT 15 37", "GEOSEARCH k WITHDIST", "GEOSEARCH k COUNT 1 ASC DESC",
    "GEOSEARCH k FROMLONLAT 15 37 FROMMEMBER Palermo BYRADIUS 1 km",
    "GEOSEARCH k FROMMEMBER Palermo FROMLONLAT 15 37 BYRADIUS 1 km",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 1 km BYBOX 1 1 km",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 1 1 km BYRADIUS 1 km",
    "GEOSEARCH k FROMLONLAT 15 BYRADIUS 1 km", "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 1",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 1 1", "GEOSEARCH k FROMMEMBER Palermo BYRADIUS",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 1 km STORE dst",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 1 km STOREDIST",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 1 km STOREDIST dst",
    "GEOSEARCH k FROMLONLAT 200 37 BYRADIUS 1 km", "GEOSEARCH k FROMLONLAT abc 37 BYRADIUS 1 km",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS -1 km", "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS x km",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 1 cm", "GEOSEARCH k FROMLONLAT 15 37 BYBOX -1 1 km",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 1 -1 km", "GEOSEARCH k FROMLONLAT 15 37 BYBOX x 1 km",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 1 x km", "GEOSEARCH k FROMLONLAT 15 37 BYBOX x y cm",
    "GEOSEARCH k FROMLONLAT 15 37 BYBOX 1 1 cm", "GEOSEARCH k FROMMEMBER nosuch BYRADIUS 1 km",
    "GEOSEARCH k FROMMEMBER nosuch BYRADIUS -1 km", "GEOSEARCH k BYRADIUS -1 km FROMMEMBER nosuch",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 1 km ANY",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 1 km COUNT 0",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 1 km BOGUS", "GEOSEARCH k ANY FROMLONLAT 15 37",
    "GEOSEARCH k ANY BYRADIUS 1 km", "GEOSEARCH k ANY FROMLONLAT 15 37 BYRADIUS 1 km",
    # a missing key: the member is not looked up, everything else is checked
    "GEOSEARCH nokey FROMMEMBER a BYRADIUS 1 km", "GEOSEARCH nokey FROMMEMBER a BYRADIUS -1 km",
    "GEOSEARCH nokey FROMMEMBER a BYBOX 1 1 cm", "GEOSEARCH nokey FROMLONLAT 200 0 BYRADIUS 1 km",
    "GEOSEARCH nokey FROMMEMBER a", "GEOSEARCH nokey BYRADIUS 1 km",
    "GEOSEARCH nokey FROMMEMBER a BYRADIUS 1 km ANY",
    "GEOSEARCH k FROMLONLAT 15 37 BYRADIUS 1", "GEOSEARCH k FROMLONLAT 15 37", "GEOSEARCH k",
])

case("geosearchstore", [
    CITIES,
    "GEOSEARCHSTORE dst k FROMLONLAT 15 37 BYRADIUS 200 km", "ZRANGE dst 0 -1 WITHSCORES",
    "GEOSEARCHSTORE dst k FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST", "ZRANGE dst 0 -1 WITHSCORES",
    "GEOSEARCHSTORE dst k FROMMEMBER Palermo BYBOX 400 400 km STOREDIST COUNT 1 DESC",
    "ZRANGE dst 0 -1 WITHSCORES",
    "GEOSEARCHSTORE dst k STOREDIST FROMMEMBER Palermo BYRADIUS 300 mi ASC COUNT 2",
    "ZRANGE dst 0 -1 WITHSCORES",
    "GEOSEARCHSTORE dst k FROMLONLAT 15 37 BYRADIUS 200 km COUNT 2 ANY", "ZCARD dst",
    "GEOSEARCHSTORE dst k FROMLONLAT 15 37 BYRADIUS 200 km WITHDIST",
    "GEOSEARCHSTORE dst k FROMLONLAT 15 37 BYRADIUS 200 km WITHCOORD STOREDIST",
    "GEOSEARCHSTORE dst k FROMLONLAT 15 37 BYRADIUS 200 km STORE x",
    "GEOSEARCHSTORE dst k FROMLONLAT 15 37 BYRADIUS 200 km STOREDIST x",
    "GEOSEARCHSTORE dst k BYRADIUS 200 km", "geosearchstore dst k FROMLONLAT 15 37",
    "GEOSEARCHSTORE dst k FROMLONLAT 15 37 BYRADIUS 200 km ANY", "ZRANGE dst 0 -1",
    "GEOSEARCHSTORE dst k FROMMEMBER nosuch BYRADIUS 200 km", "ZRANGE dst 0 -1",
    # nothing found, or no source: the destination is deleted
    "GEOSEARCHSTORE dst k FROMLONLAT 0 0 BYRADIUS 1 km", "EXISTS dst",
    "SET dst v", "GEOSEARCHSTORE dst nokey FROMMEMBER a BYRADIUS 1 km", "EXISTS dst",
    "RPUSH dst a", "GEOSEARCHSTORE dst k FROMMEMBER Paris BYRADIUS 1 km", "TYPE dst",
    "GEOSEARCHSTORE k k FROMMEMBER Palermo BYRADIUS 200 km STOREDIST", "ZRANGE k 0 -1 WITHSCORES",
    "SET str v", "GEOSEARCHSTORE dst str FROMLONLAT 1 1 BYRADIUS 1 km",
    "GEOSEARCHSTORE str nokey FROMLONLAT 1 1 BYRADIUS 1 km", "EXISTS str",
    "GEOSEARCHSTORE dst k FROMLONLAT 1 1", "GEOSEARCHSTORE dst k",
])

# ---------------------------------------------------------------- geometry
# Boxes near the antimeridian and the poles, where neighbours wrap around or
# collapse and Redis uses larger boxes.
case("geo-edges", [
    "GEOADD k 179.9 0 e1 -179.9 0 w1 179.99 0.01 e2 -179.99 -0.01 w2 180 0 e0 -180 0 w0 "
    "179.5 10 e3 -179.5 -10 w3 0 85.05 n1 90 85 n2 -90 85.04 n3 180 85.05112878 n4 "
    "0 -85.05 s1 -120 -85 s2 45 84.9 n5 -45 -84.9 s3",
    "GEORADIUS k 180 0 50 km WITHDIST ASC", "GEORADIUS k -180 0 50 km WITHDIST ASC",
    "GEORADIUS k 179.95 0 20 km ASC", "GEORADIUS k 0 0 20000 km", "GEORADIUS k 179.9 0 2000 km ASC",
    "GEOSEARCH k FROMLONLAT 180 0 BYBOX 100 100 km ASC WITHDIST",
    "GEOSEARCH k FROMLONLAT -179.95 0 BYBOX 50 50 km ASC WITHCOORD",
    "GEORADIUS k 0 85 500 km WITHDIST ASC", "GEORADIUS k 0 85.05112878 1000 km ASC",
    "GEORADIUS k 0 -85 1000 km WITHDIST ASC", "GEORADIUSBYMEMBER k n1 3000 km ASC",
    "GEOSEARCH k FROMMEMBER n2 BYBOX 5000 500 km ASC WITHDIST",
    "GEOSEARCH k FROMLONLAT 0 -85.05112878 BYRADIUS 2000 km ASC",
    "GEOSEARCH k FROMLONLAT 10 70 BYRADIUS 3000 km DESC",
    "GEOSEARCH k FROMLONLAT -10 -70 BYRADIUS 3000 km DESC",
    "GEOSEARCH k FROMLONLAT 10 82 BYBOX 3000 1000 km DESC", "GEORADIUS k 100 -67 3000 km",
    "GEORADIUS k 0 0 1e8 m COUNT 3 ASC WITHDIST", "GEORADIUS k 0 0 1e8 m COUNT 3 DESC WITHDIST",
    "GEOPOS k e0 w0 n4 e1 w1", "GEOHASH k e0 w0 n4 e1 w1 n1 s1",
    "GEODIST k e1 w1 km", "GEODIST k e0 w0", "GEODIST k n1 s1 mi",
])

# Members at one position: equal distances. Redis sorts them with glibc's
# qsort (stable) when it returns everything, with its own partial quicksort
# when COUNT keeps fewer.
TIE = " ".join("1.5 2.5 t%02d" % i for i in range(30))
NEAR = " ".join("1.5%d 2.5 n%d" % (i, i) for i in range(8))
case("geo-ties", [
    "GEOADD k " + TIE, "GEOADD k " + NEAR,
    "GEORADIUS k 1.5 2.5 1 km", "GEORADIUS k 1.5 2.5 1 km ASC", "GEORADIUS k 1.5 2.5 1 km DESC",
    "GEORADIUS k 1.5 2.5 100 km ASC", "GEORADIUS k 1.5 2.5 100 km DESC WITHDIST",
    "GEORADIUS k 1.5 2.5 100 km COUNT 1", "GEORADIUS k 1.5 2.5 100 km COUNT 5",
    "GEORADIUS k 1.5 2.5 100 km COUNT 6", "GEORADIUS k 1.5 2.5 100 km COUNT 7",
    "GEORADIUS k 1.5 2.5 100 km COUNT 20", "GEORADIUS k 1.5 2.5 100 km COUNT 37",
    "GEORADIUS k 1.5 2.5 100 km COUNT 38", "GEORADIUS k 1.5 2.5 100 km COUNT 5 DESC",
    "GEORADIUS k 1.5 2.5 100 km COUNT 35 DESC", "GEORADIUS k 1.5 2.5 100 km COUNT 3 ANY",
    "GEORADIUS k 1.5 2.5 100 km COUNT 10 ANY ASC", "GEORADIUS k 1.6 2.5 100 km COUNT 4",
    "GEORADIUS k 1.6 2.5 100 km COUNT 12 DESC", "GEORADIUS k 1.55 2.5 100 km COUNT 9",
    "GEOSEARCH k FROMMEMBER n4 BYBOX 100 100 km COUNT 10 WITHDIST",
    "GEOSEARCHSTORE dst k FROMMEMBER t00 BYRADIUS 50 km COUNT 8 STOREDIST",
    "ZRANGE dst 0 -1 WITHSCORES",
])


def scatter_lines():
    """120 points spread over a region and over the whole globe, searched
    from several centres with every option (deterministic: a fixed seed)."""
    r = random.Random(7)
    pts = []
    for i in range(80):
        pts.append("%.6f %.6f r%d" % (r.uniform(-5, 5), r.uniform(40, 50), i))
    for i in range(40):
        pts.append("%.6f %.6f w%d" % (r.uniform(-180, 180), r.uniform(-85, 85), i))
    lines = ["GEOADD k " + " ".join(pts), "ZCARD k"]
    for lon, lat in [(0, 45), (2.35, 48.85), (-4.9, 40.1), (4.99, 49.99), (0, 0), (120, -30)]:
        for radius in ("10 km", "100 km", "300 km", "1000 km", "5000 km"):
            lines.append("GEORADIUS k %s %s %s WITHDIST WITHHASH WITHCOORD ASC"
                         % (lon, lat, radius))
            lines.append("~ GEORADIUS k %s %s %s" % (lon, lat, radius))
        lines.append("GEOSEARCH k FROMLONLAT %s %s BYBOX 400 200 km DESC WITHDIST" % (lon, lat))
        lines.append("GEOSEARCH k FROMLONLAT %s %s BYBOX 50 900 km ASC" % (lon, lat))
        lines.append("GEOSEARCH k FROMLONLAT %s %s BYRADIUS 800 km COUNT 7" % (lon, lat))
        lines.append("GEOSEARCH k FROMLONLAT %s %s BYRADIUS 800 km COUNT 7 ANY" % (lon, lat))
    lines += ["GEORADIUSBYMEMBER k r%d 250 km ASC WITHDIST" % i for i in range(0, 80, 9)]
    lines += ["GEOPOS k r0 r1 w0 w1", "GEOHASH k r0 r1 w0 w1 w39", "GEODIST k r0 w0 km"]
    return lines


case("geo-scatter", scatter_lines())


def dense_lines():
    """300 points in each of seven latitude bands from -70 to 83, and
    searches whose shapes end near the edges of their geohash boxes: where
    Redis widens the boxes and which neighbours it skips depend on the exact
    bounding box (northern and southern hemispheres differ)."""
    r = random.Random(5)
    lines = []
    for lat0 in (-70, -45, -10, 10, 45, 70, 83):
        pts = ["%.5f %.5f p%d_%d" % (r.uniform(-20, 20), max(-85, min(85, lat0 + r.uniform(-8, 8))),
                                     lat0, i) for i in range(300)]
        lines.append("GEOADD d " + " ".join(pts))
    q = random.Random(9)
    for _ in range(150):
        lat = q.choice((-70, -45, -10, 10, 45, 70, 83)) + q.uniform(-6, 6)
        lon = q.uniform(-15, 15)
        if q.random() < 0.5:
            radius = q.choice([q.uniform(1, 50), q.uniform(50, 600)])
            lines.append("GEORADIUS d %.4f %.4f %.1f km ASC" % (lon, lat, radius))
        else:
            lines.append("GEOSEARCH d FROMLONLAT %.4f %.4f BYBOX %.1f %.1f km ASC"
                         % (lon, lat, q.uniform(1, 900), q.uniform(1, 900)))
    return lines


case("geo-dense", dense_lines())

# ---------------------------------------------------------------- types
case("geo-zset", [
    # a geo key is a sorted set: ZREM removes a position, ZADD writes one
    SICILY, "ZREM k Palermo", "GEOPOS k Palermo Catania", "ZADD k 3479099956230698 Palermo",
    "GEOPOS k Palermo", "ZRANGEBYSCORE k 3479099956230698 3479099956230698",
    "ZREM k Palermo Catania", "EXISTS k", "GEOADD k 1 1 a", "ZINCRBY k 1 a", "GEOPOS k a",
    "GEOHASH k a",
])

TYPED = {"str": "SET str v", "set": "SADD set m", "hash": "HSET hash f v",
         "list": "RPUSH list a b c"}
GEO_CMDS = ["GEOADD {k} 1 1 m", "GEOADD {k} 200 1 m", "GEOADD {k} NX XX 1 1 m", "GEOPOS {k} m",
            "GEOHASH {k} m", "GEODIST {k} a b", "GEODIST {k} a b cm",
            "GEORADIUS {k} 1 1 1 km", "GEORADIUS {k} 200 1 1 km", "GEORADIUS {k} 1 1 -1 km",
            "GEORADIUS {k} 1 1 1 km STORE dst", "GEORADIUSBYMEMBER {k} m 1 km",
            "GEORADIUSBYMEMBER {k} m -1 cm", "GEORADIUS_RO {k} 1 1 1 km",
            "GEORADIUSBYMEMBER_RO {k} m 1 km", "GEOSEARCH {k} FROMMEMBER m BYRADIUS 1 km",
            "GEOSEARCH {k} BOGUS", "GEOSEARCHSTORE dst {k} FROMLONLAT 1 1 BYRADIUS 1 km",
            "GEOSEARCHSTORE {k} geo FROMLONLAT 1 1 BYRADIUS 1 km"]


def geo_type_error_lines():
    lines = list(TYPED.values()) + ["GEOADD geo 1 1 m"]
    for k in TYPED:
        lines += [c.format(k=k) for c in GEO_CMDS]
        lines.append("TYPE " + k)
    lines += ["GET geo", "SMEMBERS geo", "HGET geo f", "LLEN geo", "TYPE geo", "TYPE dst",
              "~ KEYS *"]
    return lines


case("geo-wrongtype", geo_type_error_lines())
case("geo-arity", arity_error_lines(GEO_ARITY))


def test_every_geo_command_is_covered():
    """Each GEO command is run by some script line (as a whole word: GEORADIUS
    is not found in GEORADIUS_RO)."""
    run = "\n".join(" ".join(x if isinstance(x, str) else "" for x in
                              (line if isinstance(line, tuple) else [line]))
                     for lines in CASES.values() for line in lines)
    for name in GEO_ARITY:
        assert re.search(r"(?<![A-Za-z_])%s(?![A-Za-z_])" % name, run, re.I), name


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_script(live_pair, name, proto):
    run_fixed_script(live_pair, name, CASES[name], proto)
