"""Curated scripts for the stream consumer groups of Redis 7.0: XGROUP
(CREATE, SETID, DESTROY, CREATECONSUMER, DELCONSUMER, HELP), XREADGROUP
(without a BLOCK that would block: the blocking forms are in
test_blocking.py), XACK, XPENDING, XCLAIM, XAUTOCLAIM, XINFO GROUPS /
CONSUMERS and XINFO STREAM FULL with groups, compared with a real
redis-server 7.0 like test_fixed_diff_streams.py (same line syntax and
prefixes, see difftools.parse_line; each case over RESP2 and RESP3 on an
empty key space: XREADGROUP answers a RESP3 map like XREAD, XINFO GROUPS /
CONSUMERS arrays of RESP3 maps, an entry of a history read that was deleted
from the stream [id, nil] with a RESP3 null, XPENDING's empty summary
[0, nil, nil, nil] RESP3 nulls).

Ids are explicit everywhere. What comes from the clock is compared with
`@group` (difftools.group_masked): the idle times of an extended XPENDING and
of XINFO CONSUMERS become "<idle>" (each checked to be in [0, 60000) ms on
both sides), the delivery times and seen-times of XINFO STREAM FULL
"<time>" when they are near the checker's clock (a time set by XCLAIM ...
TIME far in the past is compared exactly), and XINFO STREAM's radix-tree
sizes are masked as by `@stream`; test_clock_valued_replies_use_group_kind
makes sure no such reply is compared without it. Every use of XCLAIM IDLE /
TIME, XPENDING IDLE and of a min-idle-time is deterministic: 0 or negative,
an hour (HOUR, never reached within a script), a delivery time in 2001
(PAST, then only shown by XINFO STREAM FULL, never as an idle time), a time
in the future (taken as now), or an XCLAIM IDLE 30000 against a min-idle
of 20000 (a script runs in well under 20 s).

Redis 7.0 facts the scripts pin down (details in each case's comment):
  * a consumer is created by XGROUP CREATECONSUMER, by an XREADGROUP that
    serves something (new entries for ">", or any read of the consumer's
    history, even an empty one) and by an XCLAIM / XAUTOCLAIM that claims
    something; not by a ">" read that finds nothing nor by a failed command;
  * reading a consumer's history (an explicit id) counts as a delivery
    (delivery count + 1) for the entries still in the stream and answers
    [id, nil] for pending entries deleted from it (they stay pending); the
    id 18446744073709551615-18446744073709551615 is Redis's internal ">"
    and reads new entries;
  * XCLAIM and XAUTOCLAIM drop pending entries deleted from the stream from
    the PEL whatever the min-idle-time (XAUTOCLAIM lists them in its third
    element); XCLAIM claims an id given twice twice;
  * the lag of XINFO GROUPS can be negative (ENTRIESREAD above the entries
    added) and is nil when Redis cannot compute it;
  * the order of the checks differs per command: XACK looks up the key and
    the group before parsing the ids (a missing one: 0), XCLAIM before its
    arguments (NOGROUP first), XAUTOCLAIM after them; XGROUP CREATE checks
    the key before the id (without MKSTREAM).
"""

import time

import pytest

from difftools import (PREFIX_KIND, GROUP_IDLE_MAX, Mismatch, arity_error_lines,
                       check_reply, parse_line, run_fixed_script)

CASES = {}

# every command this file covers (test_every_group_command_is_tested)
GROUP_COMMANDS = ["XGROUP", "XREADGROUP", "XACK", "XPENDING", "XCLAIM", "XAUTOCLAIM", "XINFO"]

# Redis 7.0 arities (negative = at least that many); XGROUP and XINFO are
# containers, their subcommands' arities are in GROUP_SUBCOMMAND_ARITY
# (XINFO STREAM: see test_fixed_diff_streams.py).
GROUP_ARITY = {"XGROUP": -2, "XREADGROUP": -7, "XACK": -4, "XPENDING": -3, "XCLAIM": -6,
               "XAUTOCLAIM": -6, "XINFO": -2}
GROUP_SUBCOMMAND_ARITY = {"XGROUP CREATE": -5, "XGROUP SETID": -5, "XGROUP DESTROY": 4,
                          "XGROUP CREATECONSUMER": 5, "XGROUP DELCONSUMER": 5,
                          "XGROUP HELP": 2, "XINFO GROUPS": 3, "XINFO CONSUMERS": 4,
                          "XINFO HELP": 2}


def case(name, lines):
    assert name not in CASES
    CASES[name] = lines


def fill(key, first, n, field="f"):
    """XADD key <i> field <i> for i in first .. first + n - 1."""
    return ["XADD %s %d %s %d" % (key, i, field, i) for i in range(first, first + n)]


U64_MAX = "18446744073709551615"
MAXID = U64_MAX + "-" + U64_MAX
I64_MAX = "9223372036854775807"
# a min-idle-time no entry reaches within a script (unless an XCLAIM put its
# delivery time in 2001, see PAST)
HOUR = "3600000"
# a delivery time (unix ms) in 2001: shown exactly by XINFO STREAM FULL
PAST = "1000000000000"

# ---------------------------------------------------------------- XGROUP CREATE
# XGROUP CREATE key group id|$ [MKSTREAM] [ENTRIESREAD n]: "$" is the
# stream's last id (its last-generated-id, also after the top entry was
# deleted), "0" every entry; any valid id is accepted, even one above the
# last id (up to the largest id), but not "-", "+", ">", "*" or "ms-*". A
# new group has no consumers and entries-read nil (unknown) unless
# ENTRIESREAD is given. A missing key is an error ("requires the key to
# exist") without MKSTREAM, which creates an empty stream (TYPE stream,
# XLEN 0) and is a no-op on an existing one. An existing group name:
# BUSYGROUP. Group names are binary safe, case sensitive and may be empty.
case("xgroup-create", fill("s", 1, 3) + [
    "XGROUP CREATE s g 0", "XGROUP CREATE s g 0", "XGROUP CREATE s g2 $", "XGROUP CREATE s g3 2",
    "XGROUP CREATE s g4 2-5", "XGROUP CREATE s g5 99", "XGROUP CREATE s G 0",
    "XGROUP CREATE s '' 0", "xgroup create s lower $", "XGroup Create s mixed 1-0",
    "XINFO GROUPS s", "XGROUP CREATE s g6 $ MKSTREAM", "XLEN s", "XDEL s 3",
    "XGROUP CREATE s g7 $", "XINFO GROUPS s", "XREADGROUP GROUP g7 c STREAMS s >",
    "XGROUP CREATE nokey g $", "XGROUP CREATE nokey g 0", "EXISTS nokey",
    "XGROUP CREATE m g $ MKSTREAM", "TYPE m", "XLEN m", "OBJECT ENCODING m",
    "XGROUP CREATE m g $ MKSTREAM", "XGROUP CREATE m g2 5 mkstream", "XINFO GROUPS m",
    "@group XINFO STREAM m", "XGROUP CREATE m2 g 0 MKSTREAM MKSTREAM", "XINFO GROUPS m2",
    ("XGROUP", "CREATE", "s", b"\x00\xff g\r\n", "0"), "XGROUP DESTROY s ''",
    ("XGROUP", "DESTROY", "s", b"\x00\xff g\r\n"), "XINFO GROUPS s", "~ KEYS *",
])

# ENTRIESREAD n sets the group's entries-read counter (n >= 0, or -1:
# unknown, nil); it may come before or after MKSTREAM but only once. The lag
# (entries added - entries-read) is negative when n is above the entries
# added. An unknown option (or ENTRIESREAD without a value, or twice) is the
# "unknown subcommand or wrong number of arguments for 'CREATE'" error,
# naming the subcommand as typed. Option errors come first; then a missing
# key (without MKSTREAM) or a key of another type, then the id (so an
# invalid id on a missing key only shows with MKSTREAM).
case("xgroup-create-options", fill("s", 1, 3) + [
    "XGROUP CREATE s g1 0 ENTRIESREAD 0", "XGROUP CREATE s g2 0 ENTRIESREAD 2",
    "XGROUP CREATE s g3 $ ENTRIESREAD 3", "XGROUP CREATE s g4 $ ENTRIESREAD 5",
    "XGROUP CREATE s g5 1 ENTRIESREAD -1", "XGROUP CREATE s g6 0 entriesread 1 mkstream",
    "XGROUP CREATE s g7 0 MKSTREAM ENTRIESREAD " + I64_MAX, "XINFO GROUPS s",
    "XGROUP CREATE s e 0 ENTRIESREAD -2", "XGROUP CREATE s e 0 ENTRIESREAD x",
    "XGROUP CREATE s e 0 ENTRIESREAD 1.5", "XGROUP CREATE s e 0 ENTRIESREAD",
    "XGROUP CREATE s e 0 ENTRIESREAD 9223372036854775808",
    "XGROUP CREATE s e 0 ENTRIESREAD 1 ENTRIESREAD 2", "XGROUP CREATE s e 0 MKSTREAM ENTRIESREAD",
    "XGROUP CREATE s e 0 BOGUS", "XGROUP CREATE s e 0 MKSTREAM BOGUS",
    "xgroup create s e 0 bogus", "XGROUP Create s e 0 entriesread",
    "XGROUP CREATE s e x", "XGROUP CREATE s e -", "XGROUP CREATE s e +", "XGROUP CREATE s e >",
    "XGROUP CREATE s e *", "XGROUP CREATE s e 1-*", "XGROUP CREATE s e (1",
    "XGROUP CREATE s e 18446744073709551616", "XGROUP CREATE s e " + MAXID,
    "XGROUP CREATE nokey e x", "XGROUP CREATE nokey e x MKSTREAM",
    "XGROUP CREATE nokey e 0 BOGUS", "XGROUP CREATE nokey e 0 ENTRIESREAD -5 MKSTREAM",
    "EXISTS nokey", "SET str v", "XGROUP CREATE str e x", "XGROUP CREATE str e 0 MKSTREAM",
    "XGROUP CREATE str e 0 BOGUS", "XGROUP CREATE str e 0 ENTRIESREAD -2", "GET str",
    "XINFO GROUPS s",
])

# ---------------------------------------------------------------- XGROUP SETID
# XGROUP SETID key group id|$ [ENTRIESREAD n] moves the group's last
# delivered id (back or forward, even above the last id) and sets
# entries-read (nil without ENTRIESREAD); the PEL and the consumers stay. The
# next XREADGROUP ">" delivers from there, re-delivering (and re-owning)
# entries still pending. Unlike CREATE, SETID takes "-" (0-0) and "+" (the
# largest id). Errors: "requires the key to exist", WRONGTYPE, NOGROUP with
# its XGROUP wording ("No such consumer group 'g' for key name 's'"), all
# before the id; ENTRIESREAD as for CREATE (once only, no other option).
case("xgroup-setid", fill("s", 1, 4) + [
    "XGROUP CREATE s g $", "XGROUP SETID s g 0", "XINFO GROUPS s",
    "XREADGROUP GROUP g c1 COUNT 2 STREAMS s >", "XINFO GROUPS s", "XGROUP SETID s g 1",
    "XINFO GROUPS s", "XREADGROUP GROUP g c2 COUNT 1 STREAMS s >", "XPENDING s g",
    "@group XPENDING s g - + 10", "XGROUP SETID s g $", "XINFO GROUPS s",
    "XREADGROUP GROUP g c2 STREAMS s >", "XGROUP SETID s g 2 ENTRIESREAD 2", "XINFO GROUPS s",
    "XGROUP SETID s g 0 ENTRIESREAD 0", "XINFO GROUPS s", "XGROUP SETID s g 0-0 ENTRIESREAD -1",
    "XINFO GROUPS s", "XGROUP SETID s g 100", "XINFO GROUPS s",
    "XREADGROUP GROUP g c1 STREAMS s >", "XGROUP SETID s g $ ENTRIESREAD 9", "XINFO GROUPS s",
    "xgroup setid s g 3 entriesread 3", "XINFO GROUPS s", "XGROUP SETID s g +",
    "XINFO GROUPS s", "XGROUP SETID s g - ENTRIESREAD 0", "XINFO GROUPS s",
    "XGROUP SETID s g 0 ENTRIESREAD -2", "XGROUP SETID s g 0 ENTRIESREAD x",
    "XGROUP SETID s g 0 ENTRIESREAD", "XGROUP SETID s g 0 ENTRIESREAD 1 ENTRIESREAD 2",
    "XGROUP SETID s g 0 BOGUS", "xgroup setid s g 0 bogus", "XGROUP SETID s g 0 MKSTREAM",
    "XGROUP SETID s g x", "XGROUP SETID s g >", "XGROUP SETID s g *", "XGROUP SETID s g (1",
    "XGROUP SETID s nog 0", "XGROUP SETID s nog x", "XGROUP SETID nokey g 0",
    "XGROUP SETID nokey g x", "SET str v", "XGROUP SETID str g 0", "XGROUP SETID str g x",
    "XINFO GROUPS s", "XPENDING s g",
])

# ---------------------------------------------------------------- XGROUP DESTROY
# XGROUP DESTROY key group: 1, or 0 for an unknown group; the group's PEL
# and consumers go with it (XREADGROUP on it: NOGROUP; a new group of the
# same name starts afresh). The stream and the other groups stay.
case("xgroup-destroy", fill("s", 1, 3) + [
    "XGROUP CREATE s g 0", "XGROUP CREATE s h 0", "XREADGROUP GROUP g c STREAMS s >",
    "XREADGROUP GROUP h c COUNT 1 STREAMS s >", "XGROUP DESTROY s g", "XGROUP DESTROY s g",
    "XGROUP DESTROY s nog", "XINFO GROUPS s", "XREADGROUP GROUP g c STREAMS s 0",
    "XREADGROUP GROUP g c STREAMS s >", "XPENDING s g", "XACK s g 1",
    "@group XINFO CONSUMERS s g", "XGROUP CREATE s g 0", "XPENDING s g",
    "@group XINFO CONSUMERS s g", "XLEN s", "XPENDING s h", "xgroup destroy s h",
    "XINFO GROUPS s", "@group XINFO STREAM s", "XGROUP DESTROY nokey g", "SET str v",
    "XGROUP DESTROY str g", "XGROUP DESTROY s", "XGROUP DESTROY s g extra",
])

# ---------------------------------------------------------------- consumers
# CREATECONSUMER: 1, or 0 when the consumer exists. DELCONSUMER: the number
# of entries the consumer had pending (they leave the group's PEL: nobody
# owns them any more), 0 for an unknown consumer. Consumer names are binary
# safe, case sensitive and may be empty; XINFO CONSUMERS lists them in byte
# order. NOGROUP here has the XGROUP wording.
case("xgroup-consumers", fill("s", 1, 4) + [
    "XGROUP CREATE s g 0", "XGROUP CREATECONSUMER s g alice", "XGROUP CREATECONSUMER s g alice",
    "XGROUP CREATECONSUMER s g bob", "XGROUP CREATECONSUMER s g ''",
    ("XGROUP", "CREATECONSUMER", "s", "g", b"\x00\xff"), "@group XINFO CONSUMERS s g",
    "XINFO GROUPS s", "XREADGROUP GROUP g alice COUNT 3 STREAMS s >",
    "XREADGROUP GROUP g bob STREAMS s >", "XPENDING s g", "XGROUP DELCONSUMER s g alice",
    "XGROUP DELCONSUMER s g alice", "XGROUP DELCONSUMER s g nobody", "XPENDING s g",
    "@group XPENDING s g - + 10 alice", "@group XINFO CONSUMERS s g",
    "XGROUP DELCONSUMER s g ''", ("XGROUP", "DELCONSUMER", "s", "g", b"\x00\xff"),
    "XREADGROUP GROUP g alice STREAMS s 0", "XREADGROUP GROUP g alice STREAMS s >",
    "XINFO GROUPS s", "xgroup createconsumer s g Bob", "xgroup delconsumer s g bob",
    "@group XINFO CONSUMERS s g",
    "XGROUP CREATECONSUMER s nog c", "XGROUP DELCONSUMER s nog c",
    "XGROUP CREATECONSUMER nokey g c", "XGROUP DELCONSUMER nokey g c", "EXISTS nokey",
    "SET str v", "XGROUP CREATECONSUMER str g c", "XGROUP DELCONSUMER str g c",
    "XGROUP CREATECONSUMER s g", "XGROUP DELCONSUMER s g c extra",
])

# XGROUP HELP and XINFO HELP: arrays of status lines. An unknown subcommand
# is named as typed ("unknown subcommand 'BOGUS'. Try XGROUP HELP."); a
# subcommand with a wrong number of words is an arity error of its own
# ('xgroup|create').
case("xgroup-help-and-errors", [
    "XGROUP HELP", "xgroup help", "XINFO HELP", "XGROUP HELP extra", "XINFO HELP extra",
    "XGROUP BOGUS", "XGROUP bogus s g", "XGROUP CREATE", "XGROUP CREATE s g",
    "XGROUP create s", "XGROUP SETID s g", "XGROUP DESTROY s", "XGROUP DESTROY s g x",
    "XGROUP CREATECONSUMER s g", "XGROUP DELCONSUMER s g c x", "XGROUP", "xgroup",
    "XGROUP DELCONSUMER", "XINFO BOGUS", "XINFO GROUPS", "XINFO GROUPS s x",
    "XINFO CONSUMERS s", "XINFO CONSUMERS s g x",
])

# ---------------------------------------------------------------- XREADGROUP
# XREADGROUP GROUP g c [COUNT n] [NOACK] STREAMS key... id...: with ">" the
# entries above the group's last delivered id, at most COUNT (0 or negative:
# all), which move the last delivered id and entries-read and become
# pending for the consumer (delivery count 1). Nothing new: a null array
# (RESP3 null), and the consumer is not created (carol below, until her
# history read). Entries deleted from the stream are never delivered.
# Option words in any case and order before STREAMS; GROUP may repeat (the
# last wins).
case("xreadgroup-new", fill("s", 1, 5) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice COUNT 2 STREAMS s >",
    "XREADGROUP GROUP g bob COUNT 1 STREAMS s >", "XINFO GROUPS s",
    "XREADGROUP GROUP g alice STREAMS s >", "XREADGROUP GROUP g alice STREAMS s >",
    "XREADGROUP GROUP g carol STREAMS s >", "@group XINFO CONSUMERS s g", "XPENDING s g",
    "@group XPENDING s g - + 10", "XADD s 6 f 6", "XADD s 7 f 7", "XADD s 8 f 8", "XDEL s 7",
    "XREADGROUP GROUP g carol COUNT 0 STREAMS s >", "XADD s 9 f 9",
    "XREADGROUP GROUP g carol COUNT -1 STREAMS s >", "XADD s 10 f 10",
    "XREADGROUP GROUP g carol COUNT " + I64_MAX + " STREAMS s >",
    "XADD s 11 f 11", "XADD s 12 f 12", "XREADGROUP COUNT 1 GROUP g dave STREAMS s >",
    "xreadgroup group g dave count 1 streams s >", "XREADGROUP Group g dave Streams s >",
    "XREADGROUP GROUP x y GROUP g erin STREAMS s >", "XINFO GROUPS s", "XPENDING s g",
    "XREADGROUP GROUP g '' STREAMS s 0", "@group XINFO CONSUMERS s g",
    ("XADD", "s", "13", b"\x00", b"\xff\r\n"),
    ("XREADGROUP", "GROUP", "g", b"c\x00", "STREAMS", "s", ">"),
    ("XREADGROUP", "GROUP", "g", b"c\x00", "STREAMS", "s", "0"),
])

# An explicit id reads the consumer's own history: its pending entries
# above the id (an incomplete id is ms-0), at most COUNT, in id order; each
# one still in the stream counts as a new delivery (XPENDING's delivery
# count + 1), one deleted from the stream is [id, nil] (RESP3: null) and
# stays pending as it was (count unchanged). The reply always holds the
# stream, with an empty list when nothing is pending; the group's last
# delivered id does not move; a new consumer is created (carol). The
# largest id 18446744073709551615-18446744073709551615 is not a history
# read: Redis uses it internally for ">", so alice gets the new entry 6.
case("xreadgroup-history", fill("s", 1, 6) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g alice COUNT 3 STREAMS s >",
    "XREADGROUP GROUP g bob COUNT 2 STREAMS s >", "XREADGROUP GROUP g alice STREAMS s 0",
    "XREADGROUP GROUP g alice STREAMS s 0-0", "XREADGROUP GROUP g alice STREAMS s 1",
    "XREADGROUP GROUP g alice STREAMS s 1-0", "XREADGROUP GROUP g alice COUNT 1 STREAMS s 1",
    "XREADGROUP GROUP g alice STREAMS s 3", "XREADGROUP GROUP g alice STREAMS s " + MAXID,
    "XREADGROUP GROUP g bob STREAMS s 0", "@group XPENDING s g - + 10", "XINFO GROUPS s",
    "XREADGROUP GROUP g carol STREAMS s 0", "@group XINFO CONSUMERS s g",
    "XDEL s 2", "XREADGROUP GROUP g alice STREAMS s 0", "XREADGROUP GROUP g alice STREAMS s 0",
    "@group XPENDING s g - + 10 alice", "XDEL s 1 3", "XREADGROUP GROUP g alice STREAMS s 0",
    "XREADGROUP GROUP g alice COUNT 2 STREAMS s 0", "XPENDING s g", "XACK s g 2",
    "XREADGROUP GROUP g alice STREAMS s 0", "XTRIM s MAXLEN 0",
    "XREADGROUP GROUP g bob STREAMS s 0", "XREADGROUP GROUP g bob STREAMS s >",
    "@group XPENDING s g - + 10", "XLEN s", "XINFO GROUPS s",
])

# NOACK: the entries delivered by ">" are not added to the PEL (the last
# delivered id and entries-read still move, the consumer is still created);
# with an explicit id NOACK changes nothing (the history read still counts
# a delivery). NOACK may repeat.
case("xreadgroup-noack", fill("s", 1, 4) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g c NOACK COUNT 2 STREAMS s >", "XPENDING s g",
    "XINFO GROUPS s", "@group XINFO CONSUMERS s g", "XREADGROUP GROUP g c COUNT 1 STREAMS s >",
    "XREADGROUP GROUP g c NOACK STREAMS s 0", "@group XPENDING s g - + 10",
    "XREADGROUP GROUP g d noack noack STREAMS s >", "XPENDING s g", "XINFO GROUPS s",
    "XREADGROUP GROUP g c NOACK STREAMS s >", "XACK s g 1 2 3 4", "XPENDING s g",
    "@group XINFO CONSUMERS s g",
])

# Several streams: one [key, entries] pair per stream with something to say
# (">" with nothing new: left out; an explicit id: always there), in the order
# given (a key given twice: twice); a null array when none has. Every key
# must have the group: one without it (or missing) fails the whole command
# with NOGROUP, and nothing is delivered on the others. COUNT applies per
# stream.
case("xreadgroup-multi-streams", fill("a", 1, 3) + fill("b", 1, 2) + [
    "XGROUP CREATE a g 0", "XGROUP CREATE b g 0", "XGROUP CREATE c g $ MKSTREAM",
    "XREADGROUP GROUP g x COUNT 2 STREAMS a b c > > >", "XREADGROUP GROUP g x STREAMS a b c > > >",
    "XREADGROUP GROUP g x STREAMS a b c > > >", "XREADGROUP GROUP g x STREAMS c b a > 0 0",
    "XREADGROUP GROUP g x COUNT 1 STREAMS a b 1 0", "XREADGROUP GROUP g x STREAMS a a 0 2",
    "XADD a 4 f 4", "XADD b 3 f 3", "XREADGROUP GROUP g y STREAMS b a > >",
    "XGROUP CREATE d h 0 MKSTREAM", "XADD a 5 f 5", "XREADGROUP GROUP g y STREAMS a d > >",
    "XREADGROUP GROUP g y STREAMS a nokey > >", "XREADGROUP GROUP g y STREAMS nokey a 0 >",
    "XREADGROUP GROUP g y STREAMS a >", "XPENDING a g", "XPENDING b g", "XPENDING c g",
])

# Errors, exact: "$" is refused with its own long message (even before the
# key is looked up), other invalid ids ("-", "+", "(1", "ms-*", ">>") with
# the usual invalid-id message; a missing key or group is NOGROUP ("No such
# key 's' or consumer group 'g' in XREADGROUP with GROUP option") with ">"
# and with an id; a key of another type WRONGTYPE (also with "$"). The
# command needs at least 7 words (so "XREADGROUP STREAMS s >" is an arity
# error); with 7 or more but no GROUP: "Missing GROUP option"; an unknown
# option or a GROUP without its consumer is a syntax error; keys and ids
# must balance. XREAD refuses GROUP and ">" with messages of their own.
# A failed XREADGROUP creates no consumer.
case("xreadgroup-errors", fill("s", 1, 2) + [
    "XGROUP CREATE s g 0", "SET str v",
    "XREADGROUP GROUP g c STREAMS s $", "XREADGROUP GROUP g c STREAMS nokey $",
    "XREADGROUP GROUP nog c STREAMS s $", "XREADGROUP GROUP g c STREAMS str $",
    "XREADGROUP GROUP g c STREAMS s -", "XREADGROUP GROUP g c STREAMS s +",
    "XREADGROUP GROUP g c STREAMS s (1", "XREADGROUP GROUP g c STREAMS s 1-*",
    "XREADGROUP GROUP g c STREAMS s >>", "XREADGROUP GROUP g c STREAMS s x",
    "XREADGROUP GROUP g c STREAMS s *", "XREADGROUP GROUP g c STREAMS s ''",
    "XREADGROUP GROUP nog c STREAMS s >", "XREADGROUP GROUP nog c STREAMS s 0",
    "XREADGROUP GROUP g c STREAMS nokey >", "XREADGROUP GROUP g c STREAMS nokey 0",
    "XREADGROUP GROUP g c STREAMS str >", "XREADGROUP GROUP g c STREAMS str 0",
    "XREADGROUP GROUP g c STREAMS s str > >", "XREADGROUP GROUP g c STREAMS nokey s > x",
    "XREADGROUP GROUP g c STREAMS s nokey > >", "XREADGROUP GROUP g c STREAMS s > extra",
    "XREADGROUP GROUP g c STREAMS s t u 0 0", "XREADGROUP GROUP g c COUNT 1 STREAMS s t",
    "XREADGROUP GROUP g c COUNT x STREAMS s >", "XREADGROUP GROUP g c COUNT 1.5 STREAMS s >",
    "XREADGROUP GROUP g c COUNT STREAMS s >", "XREADGROUP GROUP g c BLOCK x STREAMS s >",
    "XREADGROUP GROUP g c BLOCK -1 STREAMS s >", "XREADGROUP GROUP g c BOGUS STREAMS s >",
    "XREADGROUP GROUP g STREAMS s > 0", "XREADGROUP GROUP g c NOACK s >",
    "XREADGROUP GROUP g c GROUP nog c2 STREAMS s 0", "XREADGROUP COUNT 10 COUNT 1 STREAMS s >",
    "XREADGROUP NOACK COUNT 1 STREAMS s 0", "XREADGROUP STREAMS s >",
    "XREADGROUP GROUP g c STREAMS s", "XREADGROUP COUNT 1 STREAMS s >", "XREADGROUP",
    "XREAD GROUP g c STREAMS s >", "XREAD STREAMS s >", "@group XINFO CONSUMERS s g",
    "XPENDING s g", "GET str",
])

# BLOCK that does not block: with entries ready for ">" the reply comes at
# once as without BLOCK; an explicit id (a history read) is always answered
# at once, an empty history too.
case("xreadgroup-block-ready", fill("s", 1, 3) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g c BLOCK 1000 COUNT 1 STREAMS s >",
    "XREADGROUP GROUP g c BLOCK 0 STREAMS s >", "XREADGROUP GROUP g c BLOCK 1000 STREAMS s 0",
    "XREADGROUP GROUP g d BLOCK 1000 STREAMS s 0", "XADD s 4 f 4",
    "XREADGROUP GROUP g d BLOCK 1000 NOACK STREAMS s >", "XPENDING s g",
])

# ---------------------------------------------------------------- XACK
# XACK key group id...: the number of the ids that were pending in the group
# (an id given twice counts once). A missing key or group is 0 and then the
# ids are not even parsed; on an existing group every id is parsed first
# (one invalid: an error, nothing acknowledged). Acknowledged entries leave
# the PEL of the group and of their consumer; the stream is unchanged.
case("xack", fill("s", 1, 5) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g a COUNT 3 STREAMS s >",
    "XREADGROUP GROUP g b STREAMS s >", "XACK s g 1", "XACK s g 1", "XACK s g 2 2 2-0 9",
    "XACK s g 4 x", "XACK s g x", "XACK s g -", "XACK s g $", "XACK s g >", "XACK s g 1-*",
    "XACK s g 4-", "XPENDING s g", "XACK s g 3 4-0 5", "XPENDING s g", "XLEN s",
    "XINFO GROUPS s", "@group XINFO CONSUMERS s g", "XACK s nog 1", "XACK s nog x",
    "XACK nokey g 1", "XACK nokey g x", "EXISTS nokey", "SET str v", "XACK str g 1",
    "XACK str g x", "xack s g 1", "XACK s g", "XACK s",
])

# ---------------------------------------------------------------- XPENDING
# Summary form XPENDING key group: [count, smallest id, largest id,
# [[consumer, its count as a bulk string], ...]] with consumers in byte
# order, only those with something pending; an empty PEL is [0, nil, nil,
# nil] (RESP2: two null bulks and a null array). A missing key or group:
# NOGROUP ("No such key 's' or consumer group 'g'").
case("xpending-summary", fill("s", 1, 6) + [
    "XGROUP CREATE s g 0", "XPENDING s g", "XGROUP CREATECONSUMER s g zed", "XPENDING s g",
    "XREADGROUP GROUP g zed COUNT 1 STREAMS s >", "XREADGROUP GROUP g bob COUNT 2 STREAMS s >",
    "XREADGROUP GROUP g amy STREAMS s >", "XPENDING s g", "XACK s g 4 5 6", "XPENDING s g",
    "XACK s g 1", "XPENDING s g", "XACK s g 2 3", "XPENDING s g", "xpending s g",
    "XPENDING s nog", "XPENDING nokey g", "SET str v", "XPENDING str g",
    "XGROUP CREATE s h $", "XPENDING s h",
])

# Extended form XPENDING key group [IDLE min-idle] start end count
# [consumer]: [[id, consumer, idle ms, delivery count], ...] in id order.
# start/end are ids or "-"/"+", "(" exclusive; a start above the end, a
# count 0 or negative, an unknown consumer: an empty array. IDLE keeps the
# entries idle at least that long (an hour: none; an XCLAIM IDLE 30000 made
# one 30 s idle). Parsing: the count is read before the ids ("BOGUS - + 10"
# fails on "+" as a count); the words after the consumer are ignored; IDLE
# must come first and needs the full form; IDLE twice is a syntax error.
case("xpending-extended", fill("s", 1, 5) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 COUNT 2 STREAMS s >",
    "XREADGROUP GROUP g c2 COUNT 2 STREAMS s >", "@group XPENDING s g - + 10",
    "@group XPENDING s g - + 2", "@group XPENDING s g - + 10 c1", "@group XPENDING s g - + 10 c2",
    "@group XPENDING s g - + 10 nobody", "@group XPENDING s g (1 + 10",
    "@group XPENDING s g - (4 10", "@group XPENDING s g (1 (4 10", "@group XPENDING s g 2 3 10",
    "@group XPENDING s g 2 2 10", "@group XPENDING s g 3 1 10", "@group XPENDING s g + - 10",
    "@group XPENDING s g - + 0", "@group XPENDING s g - + -1",
    "@group XPENDING s g - + " + I64_MAX, "@group XPENDING s g 0 " + MAXID + " 10",
    "@group xpending s g - + 10 c1 extra words", "@group XPENDING s g IDLE " + HOUR + " - + 10",
    "@group XPENDING s g IDLE " + HOUR + " - + 10 c1", "@group XPENDING s g IDLE 0 - + 10",
    "@group XPENDING s g IDLE -1 - + 10 c2", "@group XPENDING s g idle 0 - + 10 c1",
    "XCLAIM s g c2 0 2 IDLE 30000 JUSTID", "@group XPENDING s g IDLE 20000 - + 10",
    "@group XPENDING s g - + 10",
    # errors
    "@group XPENDING s g - + x", "@group XPENDING s g - + 1.5",
    "@group XPENDING s g - + 9223372036854775808", "@group XPENDING s g IDLE x - + 10",
    "@group XPENDING s g IDLE - + 10", "XPENDING s g - +", "XPENDING s g -",
    "@group XPENDING s g IDLE 5 - +", "@group XPENDING s g IDLE 0 IDLE 0 - + 10",
    "@group XPENDING s g BOGUS - + 10", "@group XPENDING s g x + 10",
    "@group XPENDING s g - x 10", "@group XPENDING s g (+ + 10", "@group XPENDING s g - (- 10",
    "@group XPENDING s g $ + 10", "@group XPENDING s g - > 10", "@group XPENDING s nog - + 10",
    "@group XPENDING nokey g - + 10", "@group XPENDING nokey g x + 10", "SET str v",
    "@group XPENDING str g - + 10", "XPENDING s", "XPENDING",
])

# ---------------------------------------------------------------- XCLAIM
# XCLAIM key group consumer min-idle-time id... claims the given pending
# entries idle at least min-idle-time ms (0 or negative: any) for the
# consumer: they move to its PEL, their idle time restarts and their
# delivery count goes up by one; the reply is the claimed entries. An id
# given twice is claimed (and answered, and counted) twice. Ids not pending
# (or not in the stream) are skipped silently. The consumer is created only
# when something is claimed (c3 below). The ids are read up to the first
# word that is not an id, the rest are options.
case("xclaim", fill("s", 1, 5) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 COUNT 3 STREAMS s >",
    "XCLAIM s g c2 0 1 2", "XCLAIM s g c2 0 1 2", "@group XPENDING s g - + 10", "XPENDING s g",
    "XCLAIM s g c3 " + HOUR + " 1 2 3", "@group XINFO CONSUMERS s g", "XCLAIM s g c3 0 4 5 9",
    "@group XINFO CONSUMERS s g", "XCLAIM s g c3 -1 3", "XCLAIM s g c3 0 3 3 3",
    "@group XPENDING s g - + 10", "XCLAIM s g c1 0 0 1 " + MAXID, "xclaim s g c1 0 2",
    "XPENDING s g", "XINFO GROUPS s", "XLEN s",
])

# Options (any case, any order, repeatable: the last wins): IDLE ms / TIME
# unix-ms set the entry's last delivery (a time in the future or a negative
# one: now); RETRYCOUNT n sets the delivery count (then not incremented;
# negative: as if not given); JUSTID answers ids only and leaves the
# delivery count alone; FORCE adds an id that is in the stream but pending
# nowhere to the PEL (count 1, + 1 without JUSTID); LASTID moves the group's
# last delivered id forward only (even above the last id; entries-read
# unchanged). A delivery time set far in the past is shown exactly by XINFO
# STREAM FULL and makes the entry claimable with a min-idle of an hour.
case("xclaim-options", fill("s", 1, 6) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 COUNT 3 STREAMS s >",
    "XCLAIM s g c2 0 1 JUSTID", "@group XPENDING s g - + 10", "XCLAIM s g c2 0 1 RETRYCOUNT 7",
    "XCLAIM s g c2 0 2 JUSTID RETRYCOUNT 9", "XCLAIM s g c2 0 3 RETRYCOUNT 0 JUSTID",
    "@group XPENDING s g - + 10", "XCLAIM s g c2 0 3 RETRYCOUNT -1",
    "XCLAIM s g c2 0 3 retrycount 5 RETRYCOUNT 6 JUSTID", "@group XPENDING s g - + 10",
    "XCLAIM s g c3 0 5", "XCLAIM s g c3 0 5 FORCE", "XCLAIM s g c3 0 9 FORCE",
    "XCLAIM s g c3 0 4 FORCE JUSTID", "@group XPENDING s g - + 10", "XINFO GROUPS s",
    "XCLAIM s g c3 0 6 FORCE JUSTID LASTID 6", "XINFO GROUPS s", "XCLAIM s g c3 0 6 LASTID 2",
    "XCLAIM s g c3 0 6 JUSTID LASTID 10-1", "XINFO GROUPS s",
    "XCLAIM s g c3 0 1 TIME " + PAST + " JUSTID", "@group XINFO STREAM s FULL",
    "XCLAIM s g c4 " + HOUR + " 1 2 3 JUSTID", "XCLAIM s g c4 0 2 IDLE 0 JUSTID",
    "XCLAIM s g c4 0 3 IDLE -5 JUSTID", "XCLAIM s g c4 0 4 IDLE " + I64_MAX + " JUSTID",
    "XCLAIM s g c4 0 5 TIME {MT+} JUSTID", "XCLAIM s g c4 0 6 TIME -5 JUSTID",
    "@group XPENDING s g - + 10", "@group XINFO STREAM s FULL",
    "XCLAIM s g c4 " + HOUR + " 1 2 3 4 5 6", "XCLAIM s g c5 0 1 2 IDLE 1 TIME " + PAST,
    "XCLAIM s g c5 0 3 TIME " + PAST + " IDLE 1 JUSTID", "@group XINFO STREAM s FULL COUNT 3",
])

# Entries deleted from the stream while pending: XCLAIM drops them from the
# PEL whatever the min-idle-time (even one not reached) and does not return
# them, JUSTID or not; FORCE does not bring them back.
case("xclaim-deleted", fill("s", 1, 5) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 STREAMS s >", "XDEL s 2 4",
    "XCLAIM s g c2 0 1 2 3", "XPENDING s g", "@group XPENDING s g - + 10",
    "XCLAIM s g c2 0 4 JUSTID", "XPENDING s g", "XCLAIM s g c2 0 4 FORCE",
    "XCLAIM s g c2 0 2 FORCE JUSTID", "XPENDING s g", "XDEL s 5",
    "XCLAIM s g c2 " + HOUR + " 5", "XPENDING s g", "XCLAIM s g c2 0 5", "XPENDING s g",
    "XREADGROUP GROUP g c1 STREAMS s 0", "XREADGROUP GROUP g c2 STREAMS s 0",
    "@group XINFO STREAM s FULL",
])

# Errors, exact: a missing key or group (NOGROUP "No such key 's' or consumer
# group 'g'") and WRONGTYPE come before the arguments are parsed; then
# min-idle-time and the option values have messages naming XCLAIM (LASTID:
# the invalid-id message); an option without its value or an unknown word
# is "Unrecognized XCLAIM option 'x'" (named as typed); "-", "+", "$", ">" or
# "ms-*" where an id is expected end the ids and are taken as options.
case("xclaim-errors", fill("s", 1, 2) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 STREAMS s >", "SET str v",
    "XCLAIM s g c x 1", "XCLAIM s g c 1.5 1", "XCLAIM s g c 9223372036854775808 1",
    "XCLAIM s g c 0 x", "XCLAIM s g c 0 1 x 2", "XCLAIM s g c 0 1 BOGUS",
    "XCLAIM s g c 0 1 IDLE x", "XCLAIM s g c 0 1 TIME x", "XCLAIM s g c 0 1 RETRYCOUNT x",
    "XCLAIM s g c 0 1 LASTID x", "XCLAIM s g c 0 1 LASTID", "XCLAIM s g c 0 1 IDLE",
    "XCLAIM s g c 0 1 TIME", "XCLAIM s g c 0 1 RETRYCOUNT", "XCLAIM s g c 0 1 JUSTID x",
    "XCLAIM s g c 0 1 idle", "XCLAIM s g c 0 1 FORCE FORCE JUSTID JUSTID",
    "XCLAIM s g c 0 - +", "XCLAIM s g c 0 $", "XCLAIM s g c 0 1-*", "XCLAIM s g c 0 >",
    "XCLAIM s nog c 0 1", "XCLAIM s nog c x 1", "XCLAIM nokey g c 0 1", "XCLAIM nokey g c x x",
    "XCLAIM str g c 0 1", "XCLAIM str g c x 1", "XCLAIM s g c 0", "xclaim s g c",
    "XPENDING s g", "@group XINFO CONSUMERS s g",
])

# ---------------------------------------------------------------- XAUTOCLAIM
# XAUTOCLAIM key group consumer min-idle-time start [COUNT n] [JUSTID]:
# scans the PEL from start ("-" or an id, "(" exclusive), claims at most
# COUNT (default 100) entries idle at least min-idle-time, and answers
# [next cursor, claimed entries (ids with JUSTID), ids of pending entries
# deleted from the stream]; the cursor is the next PEL id after the scan or
# 0-0 when the scan reached the end. Deleted entries are dropped from the
# PEL and count toward COUNT; at most COUNT * 10 entries are looked at;
# entries not idle enough are skipped silently. Claiming works as XCLAIM's
# (JUSTID: delivery count unchanged); the consumer is created only when
# something is claimed (c4 below).
case("xautoclaim", fill("s", 1, 8) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 COUNT 6 STREAMS s >",
    "XAUTOCLAIM s g c2 0 0 COUNT 2", "XAUTOCLAIM s g c2 0 2-1 COUNT 2",
    "XAUTOCLAIM s g c2 0 5 COUNT 2", "XAUTOCLAIM s g c2 0 7", "@group XPENDING s g - + 10",
    "XAUTOCLAIM s g c3 0 - COUNT 3 JUSTID", "XAUTOCLAIM s g c3 0 (3", "XAUTOCLAIM s g c3 0 +",
    "XAUTOCLAIM s g c3 0 " + MAXID, "@group XPENDING s g - + 10",
    "XAUTOCLAIM s g c4 " + HOUR + " 0", "XAUTOCLAIM s g c4 " + HOUR + " 0 COUNT 1",
    "@group XINFO CONSUMERS s g", "XCLAIM s g c1 0 4 IDLE 30000 JUSTID",
    "XAUTOCLAIM s g c4 20000 0", "@group XPENDING s g - + 10", "XAUTOCLAIM s g c4 -1 0 JUSTID",
    "XAUTOCLAIM s g c5 0 0 COUNT 1 COUNT 2 justid", "XAUTOCLAIM s g c5 0 0 count 1000",
    "@group XPENDING s g - + 10", "XPENDING s g",
    "XGROUP CREATE e g $ MKSTREAM", "XAUTOCLAIM e g c 0 0", "XAUTOCLAIM e g c 0 0 JUSTID",
    "@group XINFO CONSUMERS e g",
])

# Entries deleted from the stream while pending: listed (ids) in the third
# element and dropped from the PEL, with or without JUSTID, whatever the
# min-idle-time (the deletion is checked first).
case("xautoclaim-deleted", fill("s", 1, 6) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 STREAMS s >", "XDEL s 2 3 5",
    "XAUTOCLAIM s g c2 0 0 COUNT 2", "XPENDING s g", "XAUTOCLAIM s g c2 0 3 COUNT 2 JUSTID",
    "XPENDING s g", "XAUTOCLAIM s g c2 0 0", "XDEL s 1 4 6", "XAUTOCLAIM s g c3 0 0 JUSTID",
    "XPENDING s g", "@group XINFO CONSUMERS s g", "XADD s 7 f 7",
    "XREADGROUP GROUP g c1 STREAMS s >", "XTRIM s MAXLEN 0", "XAUTOCLAIM s g c3 " + HOUR + " 0",
    "XPENDING s g", "XAUTOCLAIM s g c3 0 0", "XPENDING s g",
])

# Errors, exact: unlike XCLAIM, the arguments are parsed before the key is
# looked up. COUNT must be 1 .. a limit far below 2^63: a non-number, 0,
# negative or too large COUNT is "COUNT must be > 0"; min-idle-time has a
# message naming XAUTOCLAIM; a bad start the invalid-id message, an
# exclusive start at the largest id "invalid start ID for the interval";
# anything else after start is a syntax error. Then a missing key or group:
# NOGROUP; WRONGTYPE.
case("xautoclaim-errors", fill("s", 1, 2) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g c1 STREAMS s >", "SET str v",
    "XAUTOCLAIM s g c 0 0 COUNT 0", "XAUTOCLAIM s g c 0 0 COUNT -1",
    "XAUTOCLAIM s g c 0 0 COUNT x", "XAUTOCLAIM s g c 0 0 COUNT " + I64_MAX,
    "XAUTOCLAIM s g c 0 0 COUNT", "XAUTOCLAIM s g c 0 0 BOGUS", "XAUTOCLAIM s g c 0 0 JUSTID x",
    "XAUTOCLAIM s g c 0 0 COUNT 1 extra", "XAUTOCLAIM s g c x 0", "XAUTOCLAIM s g c 1.5 0",
    "XAUTOCLAIM s g c 0 x", "XAUTOCLAIM s g c 0 $", "XAUTOCLAIM s g c 0 >",
    "XAUTOCLAIM s g c 0 1-*", "XAUTOCLAIM s g c 0 (-", "XAUTOCLAIM s g c 0 (" + MAXID,
    "XAUTOCLAIM s nog c 0 0", "XAUTOCLAIM s nog c x x", "XAUTOCLAIM nokey g c 0 0",
    "XAUTOCLAIM nokey g c 0 0 COUNT 0", "XAUTOCLAIM str g c 0 0", "XAUTOCLAIM str g c x x",
    "XAUTOCLAIM s g c 0", "xautoclaim s g c", "XPENDING s g",
])

# ---------------------------------------------------------------- XINFO
# XINFO GROUPS key: per group (in byte order) name, consumers, pending,
# last-delivered-id, entries-read, lag (an empty array without groups).
# entries-read is nil (unknown) after CREATE / SETID without ENTRIESREAD
# and becomes known once a ">" read reaches the stream's last id. lag is
# entries-added - entries-read when Redis can tell (entries-read known, or
# the group at the last id or before the first entry), else nil: e.g. a
# deleted entry after the group's last delivered id. This case pins down
# the rules (Redis's streamEstimateDistanceFromFirstEverEntry) step by step,
# including XTRIM and XSETID ENTRIESADDED.
case("xinfo-groups-lag", fill("s", 1, 5) + [
    "XGROUP CREATE s a 0", "XGROUP CREATE s b $", "XGROUP CREATE s c 3", "XINFO GROUPS s",
    "XREADGROUP GROUP a x COUNT 2 STREAMS s >", "XREADGROUP GROUP c x COUNT 1 STREAMS s >",
    "XINFO GROUPS s", "XADD s 6 f 6", "XINFO GROUPS s", "XDEL s 5", "XINFO GROUPS s",
    "XREADGROUP GROUP a x STREAMS s >", "XREADGROUP GROUP c x STREAMS s >", "XINFO GROUPS s",
    "XDEL s 1", "XINFO GROUPS s", "XADD s 7 f 7", "XINFO GROUPS s", "XTRIM s MAXLEN 1",
    "XINFO GROUPS s", "XGROUP CREATE s d 0", "XGROUP CREATE s e 6", "XINFO GROUPS s",
    "XREADGROUP GROUP d x STREAMS s >", "XREADGROUP GROUP e x STREAMS s >",
    "XINFO GROUPS s", "XSETID s 10 ENTRIESADDED 20", "XINFO GROUPS s",
    "xinfo groups s", "XINFO groups s",
    "XADD t 1 f 1", "XINFO GROUPS t", "XINFO GROUPS nokey", "SET str v", "XINFO GROUPS str",
])

# XINFO CONSUMERS key group: per consumer (in byte order) name, pending,
# idle (ms since its last read or claim; masked). Errors: a missing key is
# "no such key" (as for XINFO STREAM), a missing group NOGROUP with the
# XGROUP wording.
case("xinfo-consumers", fill("s", 1, 3) + [
    "XGROUP CREATE s g 0", "@group XINFO CONSUMERS s g", "XGROUP CREATECONSUMER s g zed",
    "XREADGROUP GROUP g amy COUNT 2 STREAMS s >", "XREADGROUP GROUP g bob STREAMS s >",
    "@group XINFO CONSUMERS s g", "XACK s g 1", "@group xinfo consumers s g",
    "XCLAIM s g zed 0 2 3", "@group XINFO CONSUMERS s g", "@group XINFO CONSUMERS s nog",
    "@group XINFO CONSUMERS nokey g", "SET str v", "@group XINFO CONSUMERS str g",
])

# XINFO STREAM key FULL [COUNT n] with groups: "groups" holds per group name,
# last-delivered-id, entries-read, lag, pel-count, pending ([id, consumer,
# delivery time, delivery count]) and consumers (name, seen-time, pel-count,
# pending [id, delivery time, delivery count]); COUNT (default 10, 0: all)
# limits the entries and each PEL list. Without FULL "groups" is the number
# of groups.
case("xinfo-stream-full-groups", fill("s", 1, 14) + [
    "XGROUP CREATE s g1 0", "XGROUP CREATE s g2 $", "@group XINFO STREAM s FULL",
    "@group XINFO STREAM s", "XREADGROUP GROUP g1 amy COUNT 12 STREAMS s >",
    "XREADGROUP GROUP g1 bob COUNT 1 STREAMS s >", "XGROUP CREATECONSUMER s g2 carol",
    "@group XINFO STREAM s FULL", "@group XINFO STREAM s FULL COUNT 2",
    "@group XINFO STREAM s FULL COUNT 0", "@group xinfo stream s full count 1",
    "XCLAIM s g1 bob 0 2 3 TIME " + PAST + " JUSTID", "@group XINFO STREAM s FULL COUNT 3",
    "XDEL s 1", "XACK s g1 4 5 6 7 8 9 10", "@group XINFO STREAM s FULL",
    "@group XINFO STREAM s",
])

# ---------------------------------------------------------------- key space
# Groups belong to the stream value: RENAME and COPY carry them (PEL,
# consumers, last delivered id, entries-read: the copy is independent), DEL
# (or an overwrite) drops them, and a new stream under the same name has no
# group (NOGROUP). Emptying the stream (XTRIM) keeps the groups and their
# PEL. TYPE / OBJECT ENCODING: stream; a stream made by MKSTREAM takes a TTL.
case("group-keyspace", fill("s", 1, 3) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g c COUNT 2 STREAMS s >", "TYPE s",
    "OBJECT ENCODING s", "RENAME s s2", "XPENDING s g", "XPENDING s2 g", "XINFO GROUPS s2",
    "COPY s2 s3", "XACK s3 g 1", "XREADGROUP GROUP g d STREAMS s3 >", "XPENDING s2 g",
    "XPENDING s3 g", "XINFO GROUPS s2", "XINFO GROUPS s3", "@group XINFO CONSUMERS s3 g",
    "XTRIM s2 MAXLEN 0", "XPENDING s2 g", "XINFO GROUPS s2", "XREADGROUP GROUP g c STREAMS s2 0",
    "XREADGROUP GROUP g c STREAMS s2 >", "EXISTS s2", "DEL s2",
    "XREADGROUP GROUP g c STREAMS s2 >", "XADD s2 1 f 1", "XREADGROUP GROUP g c STREAMS s2 >",
    "XPENDING s2 g", "XINFO GROUPS s2", "SET s3 v", "XPENDING s3 g", "XGROUP CREATE s3 g 0",
    "TYPE s3", "XGROUP CREATE m g $ MKSTREAM", "EXPIRE m 100000", "@ttl TTL m",
    "XINFO GROUPS m", "COPY m m2", "@group XINFO STREAM m2 FULL", "RENAME m2 s2",
    "XINFO GROUPS s2", "~ KEYS *",
])

# Pending entries deleted from the stream, every way in: XREADGROUP with an
# id answers them [id, nil] (and leaves them pending), ">" skips them,
# XCLAIM drops them, XAUTOCLAIM lists them as deleted and drops them, XACK
# still acknowledges them; XPENDING keeps them until then.
case("group-deleted-pending", fill("s", 1, 6) + [
    "XGROUP CREATE s g 0", "XREADGROUP GROUP g a COUNT 4 STREAMS s >", "XDEL s 1 2 3 4 5",
    "XREADGROUP GROUP g a STREAMS s 0", "XREADGROUP GROUP g a COUNT 1 STREAMS s 1",
    "XREADGROUP GROUP g b STREAMS s >", "@group XPENDING s g - + 10", "XACK s g 1",
    "XCLAIM s g b 0 2 6", "XPENDING s g", "XAUTOCLAIM s g b 0 0 COUNT 1",
    "XAUTOCLAIM s g b 0 0", "XPENDING s g", "XREADGROUP GROUP g a STREAMS s 0",
    "XREADGROUP GROUP g b STREAMS s 0", "XINFO GROUPS s", "@group XINFO STREAM s FULL",
])

# ---------------------------------------------------------------- WRONGTYPE
TYPED = {"str": "SET str v", "list": "RPUSH list a", "set": "SADD set m",
         "hash": "HSET hash f v", "zset": "ZADD zset 1 m"}
# group commands on other types (valid arguments)
GROUP_CMDS = ["XGROUP CREATE {k} g 0", "XGROUP CREATE {k} g $ MKSTREAM", "XGROUP SETID {k} g 0",
              "XGROUP DESTROY {k} g", "XGROUP CREATECONSUMER {k} g c",
              "XGROUP DELCONSUMER {k} g c", "XREADGROUP GROUP g c STREAMS {k} >",
              "XREADGROUP GROUP g c STREAMS {k} 0", "XACK {k} g 1", "XPENDING {k} g",
              "@group XPENDING {k} g - + 10", "XCLAIM {k} g c 0 1", "XAUTOCLAIM {k} g c 0 0",
              "XINFO GROUPS {k}", "@group XINFO CONSUMERS {k} g", "@group XINFO STREAM {k} FULL"]


def group_type_error_lines():
    lines = list(TYPED.values())
    for k in TYPED:
        lines += [c.format(k=k) for c in GROUP_CMDS]
    lines += ["TYPE " + k for k in TYPED] + ["~ KEYS *"]
    return lines


case("group-wrongtype", group_type_error_lines())


# ---------------------------------------------------------------- arity
def group_arity_lines():
    lines = arity_error_lines(GROUP_ARITY)
    for name, a in sorted(GROUP_SUBCOMMAND_ARITY.items()):
        counts = [n for n in (a - 1, a + 1) if n >= 2] if a > 0 else list(range(2, -a))
        for n in counts:
            lines.append(" ".join([name] + ["k"] * (n - 2)))
            lines.append(" ".join([name.lower()] + ["k"] * (n - 2)))
    # near misses: 7 words but unbalanced STREAMS (before the missing GROUP)
    lines += ["XREADGROUP COUNT 1 COUNT 1 STREAMS k", "XREADGROUP GROUP g c STREAMS k1 k2 >",
              "XACK k g", "XCLAIM k g c 0", "XAUTOCLAIM k g c 0"]
    return lines


case("group-arity", group_arity_lines())


@pytest.mark.parametrize("proto", [2, 3], ids=["resp2", "resp3"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_fixed_script(live_pair, name, proto):
    run_fixed_script(live_pair, name, CASES[name], proto)


def _command_name(line):
    if isinstance(line, tuple):
        return str(line[0]).upper()
    words = line.split()
    if words and words[0] in PREFIX_KIND:
        words.pop(0)
    return words[0].upper() if words else ""


def test_every_group_command_is_tested():
    """Every consumer-group command appears (as a command name, any case) in
    the scripts and has its arity in GROUP_ARITY; every XGROUP / XINFO
    subcommand appears too."""
    seen = {_command_name(line) for lines in CASES.values() for line in lines}
    missing = [c for c in GROUP_COMMANDS if c not in seen]
    assert not missing, "group commands without a fixed script line: %s" % missing
    assert sorted(GROUP_ARITY) == sorted(GROUP_COMMANDS)
    subs = set()
    for lines in CASES.values():
        for line in lines:
            words = ([str(w) for w in line[:2]] if isinstance(line, tuple)
                     else [w for w in line.split() if w not in PREFIX_KIND][:2])
            if len(words) == 2:
                subs.add((words[0].upper() + " " + words[1].upper()))
    missing = [s for s in GROUP_SUBCOMMAND_ARITY if s not in subs]
    assert not missing, "subcommands without a fixed script line: %s" % missing


def _clock_valued(words):
    """True for a complete extended XPENDING, XINFO CONSUMERS or XINFO STREAM
    ... FULL: replies that may hold idle or delivery times."""
    up = [w.upper() for w in words]
    return ((up[:1] == ["XPENDING"] and len(up) >= 6)
            or (up[:2] == ["XINFO", "CONSUMERS"] and len(up) == 4)
            or (up[:2] == ["XINFO", "STREAM"] and "FULL" in up[3:4]))


def test_clock_valued_replies_use_group_kind():
    """A reply with idle or delivery times can only be compared with @group."""
    bad = []
    for name, lines in CASES.items():
        for line in lines:
            if isinstance(line, str):
                step = parse_line(line)
                if _clock_valued(step.args) and step.kind != "group":
                    bad.append("%s: %s" % (name, line))
    assert not bad, "lines that need @group: %s" % bad


# ---------------------------------------------------------------- @group
# The comparison kind itself, without servers (like the @stream test).
def _same(line, ra, rb):
    try:
        check_reply(parse_line(line), ra, rb)
        return True
    except Mismatch:
        return False


def _bulk(x):
    return b"$%d\r\n%s\r\n" % (len(x), x)


def _arr(*items, t=b"*"):
    return t + b"%d\r\n" % (len(items) // 2 if t == b"%" else len(items)) + b"".join(items)


def _int(n):
    return b":%d\r\n" % n


def _pending(*entries):
    return _arr(*[_arr(_bulk(i), _bulk(c), _int(idle), _int(n)) for i, c, idle, n in entries])


def _consumers(*cs, t=b"*"):
    return _arr(*[_arr(_bulk(b"name"), _bulk(n), _bulk(b"pending"), _int(p), _bulk(b"idle"),
                       _int(idle), t=t) for n, p, idle in cs])


def _full(now, pel_time, seen_time, count=1, keys=1, t=b"*"):
    group = _arr(_bulk(b"name"), _bulk(b"g"), _bulk(b"pel-count"), _int(1), _bulk(b"pending"),
                 _arr(_arr(_bulk(b"1-0"), _bulk(b"c"), _int(pel_time), _int(count))),
                 _bulk(b"consumers"),
                 _arr(_arr(_bulk(b"name"), _bulk(b"c"), _bulk(b"seen-time"), _int(seen_time),
                           _bulk(b"pel-count"), _int(1), _bulk(b"pending"),
                           _arr(_arr(_bulk(b"1-0"), _int(pel_time), _int(count))), t=t)), t=t)
    return _arr(_bulk(b"length"), _int(1), _bulk(b"radix-tree-keys"), _int(keys),
                _bulk(b"groups"), _arr(group), t=t)


def test_group_kind_masks_only_clock_values():
    now = int(time.time() * 1000)
    xp = "@group XPENDING s g - + 10"
    assert _same(xp, _pending((b"1-0", b"c", 5, 1)), _pending((b"1-0", b"c", 70, 1)))
    assert _same(xp, _pending((b"1-0", b"c", 0, 1), (b"2-0", b"d", 30001, 2)),
                 _pending((b"1-0", b"c", 3, 1), (b"2-0", b"d", 30100, 2)))
    # ids, consumers, delivery counts, sizes, RESP types: exact
    assert not _same(xp, _pending((b"1-0", b"c", 5, 1)), _pending((b"2-0", b"c", 5, 1)))
    assert not _same(xp, _pending((b"1-0", b"c", 5, 1)), _pending((b"1-0", b"d", 5, 1)))
    assert not _same(xp, _pending((b"1-0", b"c", 5, 1)), _pending((b"1-0", b"c", 5, 2)))
    assert not _same(xp, _pending((b"1-0", b"c", 5, 1)),
                     _pending((b"1-0", b"c", 5, 1), (b"2-0", b"c", 5, 1)))
    assert not _same(xp, _pending((b"1-0", b"c", 5, 1)),
                     _arr(_arr(_bulk(b"1-0"), _bulk(b"c"), _bulk(b"5"), _int(1))))
    # a garbage idle time on the SUT side fails; on the reference it is an
    # error of the script
    assert not _same(xp, _pending((b"1-0", b"c", 5, 1)), _pending((b"1-0", b"c", -1, 1)))
    assert not _same(xp, _pending((b"1-0", b"c", 5, 1)),
                     _pending((b"1-0", b"c", GROUP_IDLE_MAX, 1)))
    with pytest.raises(RuntimeError):
        _same(xp, _pending((b"1-0", b"c", now, 1)), _pending((b"1-0", b"c", now, 1)))
    # the summary form is exact
    assert not _same("@group XPENDING s g", _int(5), _int(6))
    assert _same(xp, b"-NOGROUP x\r\n", b"-NOGROUP x\r\n")
    assert not _same(xp, b"-NOGROUP x\r\n", b"-NOGROUP y\r\n")

    xc = "@group XINFO CONSUMERS s g"
    assert _same(xc, _consumers((b"a", 1, 0), (b"b", 2, 9)), _consumers((b"a", 1, 12),
                                                                       (b"b", 2, 0)))
    assert _same(xc, _consumers((b"a", 1, 0), t=b"%"), _consumers((b"a", 1, 7), t=b"%"))
    assert not _same(xc, _consumers((b"a", 1, 0)), _consumers((b"a", 1, 0), t=b"%"))
    assert not _same(xc, _consumers((b"a", 1, 0)), _consumers((b"a", 2, 0)))
    assert not _same(xc, _consumers((b"a", 1, 0)), _consumers((b"b", 1, 0)))
    assert not _same(xc, _consumers((b"a", 1, 0)), _consumers((b"a", 1, 99999)))
    assert not _same("XINFO CONSUMERS s g", _consumers((b"a", 1, 0)), _consumers((b"a", 1, 1)))

    xf = "@group XINFO STREAM s FULL"
    assert _same(xf, _full(now, now - 5, now - 3), _full(now, now - 40, now - 2, keys=7))
    assert _same(xf, _full(now, now - 5, now - 3, t=b"%"), _full(now, now, now, t=b"%"))
    assert _same(xf, _full(now, 1000000000000, now), _full(now, 1000000000000, now - 9))
    assert not _same(xf, _full(now, 1000000000000, now), _full(now, 1000000000001, now))
    assert not _same(xf, _full(now, 1000000000000, now), _full(now, now, now))
    assert not _same(xf, _full(now, now, now), _full(now, now, 0))
    assert not _same(xf, _full(now, now, now), _full(now, now, now, count=2))
    assert not _same(xf, _full(now, now, now), _full(now, now, now, t=b"%"))
    assert "@group" in PREFIX_KIND
