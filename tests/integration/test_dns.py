"""GeoDNS with real processes and dig: EDNS Client Subnets from each
continent get their nearest region; a killed region's clients move to the
next nearest; the write name follows the primary through a switchover;
names not served are REFUSED; malformed packets never crash the server;
`meridian route` explains a decision."""

import json
import os
import random
import re
import socket
import struct
import subprocess
import time

import pytest

from lib import harness, mmdb, prom
from lib.cluster import Cluster

ADDR = {"us": "192.0.2.1", "eu": "192.0.2.2", "ap": "192.0.2.3"}
COORDS = {"us": (38.9, -77.0), "eu": (53.3, -6.3), "ap": (19.1, 72.9)}


def dns_section(port, extra=""):
    return """
[dns]
listen = "127.0.0.1:%d"
ttl = 30
default_region = "us"
nameservers = ["ns1.example.test", "ns2.example.test"]
hostmaster = "hostmaster.example.test"
""" % port + extra + """

[[dns.names]]
name = "db.example.test"
kind = "read"

[[dns.names]]
name = "db-write.example.test"
kind = "write"

[[dns.networks]]
cidr = "10.1.0.0/16"
region = "us"

[[dns.networks]]
cidr = "10.2.0.0/16"
region = "eu"

[[dns.networks]]
cidr = "10.3.0.0/16"
region = "ap"
"""


class DnsCluster:
    def __init__(self, pattern="active-passive", dns_extra=""):
        self.port = harness.free_port()
        self.http_port = harness.free_port()
        dns_extra = 'http = "127.0.0.1:%d"\n' % self.http_port + dns_extra
        self.c = Cluster(names=("us", "eu", "ap"), coords=COORDS, public_addresses=ADDR,
                         failover={"pattern": pattern, "check_interval_ms": 100,
                                   "check_timeout_ms": 200, "failure_threshold": 3,
                                   "lease_ms": 500},
                         extra=dns_section(self.port, dns_extra))
        self.proc = None

    def start(self):
        self.c.start()
        self.c.wait_linked()
        self.log = open(os.path.join(self.c["us"].tmpdir, "dns.log"), "wb")
        self.proc = subprocess.Popen([harness.meridian_bin(), "dns", "--config",
                                      self.c["us"].config_path], stdout=self.log,
                                     stderr=subprocess.STDOUT)
        harness.wait_until(lambda: self.answer("db.example.test", "10.2.0.0/24") == [ADDR["eu"]],
                           timeout=20, desc="the DNS server answers")
        # Until every region finds every other healthy, and the server's own
        # view has that verdict: before it, the write name would follow the
        # configured before-health choice (the nearest region, ap).
        def all_healthy():
            for n in self.c.names:
                st = json.loads(self.c.client(n).execute_command("MR.FAILOVER", "STATUS"))
                if any(r["health"] != "healthy" for r in st["regions"]):
                    return False
            return True
        harness.wait_until(all_healthy, timeout=20, desc="every region healthy everywhere")
        harness.wait_until(lambda: self.answer("db-write.example.test", "10.3.0.0/24") ==
                           [ADDR["us"]], timeout=20, desc="the server's verdict")
        return self

    def route(self, subnet):
        return subprocess.run([harness.meridian_bin(), "route", "--config",
                               self.c["us"].config_path, "--client", "198.51.100.7",
                               "--subnet", subnet], capture_output=True, text=True,
                              timeout=20).stdout

    def dig(self, name, subnet=None, tcp=False, qtype="A"):
        args = ["dig", "@127.0.0.1", "-p", str(self.port), name, qtype, "+time=2", "+tries=1"]
        if subnet:
            args.append("+subnet=" + subnet)
        if tcp:
            args.append("+tcp")
        return subprocess.run(args, capture_output=True, text=True, timeout=10).stdout

    def answer(self, name, subnet=None, tcp=False):
        out = self.dig(name, subnet, tcp)
        return re.findall(r"^%s\.\s+\d+\s+IN\s+A\s+(\S+)$" % re.escape(name), out, re.M)

    def metrics(self):
        return prom.fetch(self.http_port)

    def metric(self, series):
        return prom.value(self.metrics(), series)

    def stop(self):
        if self.proc:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
        self.c.cleanup()


@pytest.fixture
def dns():
    d = DnsCluster()
    try:
        yield d.start()
    finally:
        d.stop()


def test_each_continent_gets_its_nearest_region_with_the_scope_echoed(dns):
    for subnet, region in (("10.1.7.0/24", "us"), ("10.2.7.0/24", "eu"), ("10.3.7.0/24", "ap")):
        out = dns.dig("db.example.test", subnet)
        assert "status: NOERROR" in out and "flags: qr aa" in out
        assert dns.answer("db.example.test", subnet) == [ADDR[region]], out
        assert "CLIENT-SUBNET: %s/24" % subnet in out, out  # scope prefix returned
        assert dns.answer("db.example.test", subnet, tcp=True) == [ADDR[region]]
    # A subnet that covers networks located apart (10.1/16 us, 10.2/16 eu,
    # 10.3/16 ap): the answer holds for /16 only, not the query's /8, so a
    # resolver asks again for each (RFC 7871 7.2.1).
    out = dns.dig("db.example.test", "10.0.0.0/8")
    assert "CLIENT-SUBNET: 10.0.0.0/8/16" in out, out
    # No ECS: the source address (127.0.0.1) matches no network: the default.
    assert dns.answer("db.example.test") == [ADDR["us"]]
    assert re.search(r"db\.example\.test\.\s+30\s+IN\s+A", dns.dig("db.example.test"))
    out = dns.dig("other.example.test")
    assert "status: REFUSED" in out
    # Zone data: NS and SOA answered; a type with no records gets the SOA.
    out = dns.dig("db.example.test", qtype="NS")
    assert re.search(r"db\.example\.test\.\s+30\s+IN\s+NS\s+ns2\.example\.test\.", out), out
    out = dns.dig("db.example.test", qtype="SOA")
    assert re.search(r"IN\s+SOA\s+ns1\.example\.test\. hostmaster\.example\.test\. \d+ 3600 "
                     r"600 86400 30", out), out
    out = dns.dig("db.example.test", qtype="MX")
    assert "status: NOERROR" in out and "ANSWER: 0, AUTHORITY: 1" in out, out
    # meridian route explains the same decision.
    out = dns.route("10.3.0.0/24")
    assert "is in 10.3.0.0/16 (ap)" in out and "answer: ap (nearest healthy)" in out, out
    assert "candidate us (192.0.2.1): healthy, 12" in out  # km from Mumbai to Virginia


def test_a_killed_region_moves_its_clients_to_the_next_nearest(dns):
    check = subprocess.run(["promtool", "check", "metrics"], input=dns.metrics().encode(),
                           capture_output=True, timeout=30)
    assert check.returncode == 0 and not check.stdout and not check.stderr, check
    assert dns.metric('meridian_dns_region_healthy{region="eu"}') == 1
    eu_before = dns.metric('meridian_dns_answers_total{region="eu"}')
    us_before = dns.metric('meridian_dns_answers_total{region="us"}')
    assert eu_before >= 1 and dns.metric("meridian_dns_queries_total") >= eu_before
    dns.c["eu"].kill9()
    t0 = time.monotonic()
    # Dublin's next nearest is Virginia (5,500 km), not Mumbai (7,200 km).
    harness.wait_until(lambda: dns.answer("db.example.test", "10.2.0.0/24") == [ADDR["us"]],
                       timeout=10, interval=0.02, desc="eu's clients sent to us")
    moved = time.monotonic() - t0
    # Detection (3 checks of 100 ms and a 200 ms timeout), one poll interval.
    assert moved < 5.0, moved
    print("answer moved %.2f s after the kill" % moved)
    # /metrics says the same: eu down (once a majority finds it so; not
    # healthy, so not answered, before), its clients' answers counted for us.
    harness.wait_until(lambda: dns.metric('meridian_dns_region_healthy{region="eu"}') == 0,
                       timeout=10, desc="the verdict on eu in /metrics")
    eu_after = dns.metric('meridian_dns_answers_total{region="eu"}')
    us_after = dns.metric('meridian_dns_answers_total{region="us"}')
    assert eu_after >= eu_before and us_after > us_before
    nearer_down = dns.metric('meridian_dns_decisions_total{reason="nearer_down"}')
    nearest = dns.metric('meridian_dns_decisions_total{reason="nearest"}')
    for _ in range(5):
        assert dns.answer("db.example.test", "10.2.0.0/24") == [ADDR["us"]]
    assert dns.metric('meridian_dns_answers_total{region="eu"}') == eu_after
    assert dns.metric('meridian_dns_answers_total{region="us"}') == us_after + 5
    # Why: the nearest region (eu) is down, so a further one answered.
    assert dns.metric('meridian_dns_decisions_total{reason="nearer_down"}') == nearer_down + 5
    assert dns.answer("db.example.test", "10.1.0.0/24") == [ADDR["us"]]  # us's own clients
    assert dns.metric('meridian_dns_decisions_total{reason="nearest"}') == nearest + 1
    refused = dns.metric('meridian_dns_decisions_total{reason="refused"}')
    dns.dig("other.example.test")
    assert dns.metric('meridian_dns_responses_total{rcode="REFUSED"}') >= 1
    assert dns.metric('meridian_dns_decisions_total{reason="refused"}') == refused + 1


def test_the_write_name_follows_the_primary_through_a_switchover(dns):
    assert dns.answer("db-write.example.test", "10.3.0.0/24") == [ADDR["us"]]
    out = subprocess.run([harness.meridian_bin(), "switchover", "--config",
                          dns.c["us"].config_path, "--to", "ap"], capture_output=True, text=True,
                         timeout=60)
    assert out.returncode == 0, out.stdout + out.stderr
    harness.wait_until(lambda: dns.answer("db-write.example.test", "10.1.0.0/24") == [ADDR["ap"]],
                       timeout=10, desc="the write name moved to the new primary")
    # The read name still answers by distance.
    assert dns.answer("db.example.test", "10.1.0.0/24") == [ADDR["us"]]


def corpus():
    """Malformed packets: truncations, bit flips, garbage, and hand-made
    edge cases (label loops, bad ECS)."""
    good = bytes.fromhex("abcd01000001000000000001") + b"\x02db\x07example\x04test\x00" + \
        b"\x00\x01\x00\x01" + b"\x00\x00\x29\x04\xd0\x00\x00\x00\x00\x00\x0b\x00\x08\x00\x07" + \
        b"\x00\x01\x18\x00\x0a\x02\x07"
    rng = random.Random(7)
    out = [b"", b"\x00", good[:5], good[:12], good[:20], good[:-1]]
    for cut in range(0, len(good)):
        out.append(good[:cut])
    for _ in range(300):
        b = bytearray(good)
        for _ in range(rng.randint(1, 6)):
            b[rng.randrange(len(b))] = rng.randrange(256)
        out.append(bytes(b))
    for _ in range(100):
        out.append(bytes(rng.randrange(256) for _ in range(rng.randint(12, 600))))
    # a compression pointer to itself, qdcount 2, a bad ECS family
    out.append(bytes.fromhex("abcd01000001000000000000") + b"\xc0\x0c\x00\x01\x00\x01")
    out.append(bytes.fromhex("abcd01000002000000000000") + b"\x00\x00\x01\x00\x01")
    out.append(good[:-9] + b"\x00\x09\x18\x00\x0a\x02\x07")
    return out


def test_malformed_packets_never_crash_it_and_get_formerr_or_nothing(dns):
    udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    udp.settimeout(0.2)
    formerr = 0
    for pkt in corpus():
        udp.sendto(pkt, ("127.0.0.1", dns.port))
        try:
            reply = udp.recv(4096)
            assert len(reply) >= 12
            if reply[3] & 0x0f == 1:
                formerr += 1
        except socket.timeout:
            pass
    assert formerr > 0
    # Over TCP too, with lengths that lie.
    for pkt in corpus()[:50]:
        s = socket.create_connection(("127.0.0.1", dns.port), timeout=2)
        s.sendall(struct.pack(">H", len(pkt) + random.choice((0, 0, 5))) + pkt)
        s.close()
    assert dns.proc.poll() is None, "the DNS server died"
    assert dns.answer("db.example.test", "10.2.0.0/24") == [ADDR["eu"]]


def test_rate_limiting_truncates_or_drops_a_flood_but_tcp_still_answers():
    d = DnsCluster(dns_extra="rate_limit = 50\nrate_limit_slip = 2\n")
    try:
        d.start()
        query = bytes.fromhex("abcd01000001000000000000") + b"\x02db\x07example\x04test\x00" + \
            b"\x00\x01\x00\x01"
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.settimeout(0.5)
        for _ in range(400):
            udp.sendto(query, ("127.0.0.1", d.port))
        full = truncated = 0
        while True:
            try:
                reply = udp.recv(4096)
            except socket.timeout:
                break
            if reply[2] & 0x02:
                truncated += 1  # TC, no records: retry over TCP
            else:
                full += 1
        # A burst of 50 and 50/s while the flood lasts; half the rest slip.
        assert 30 <= full < 150, (full, truncated)  # (start() spent a few)
        assert truncated > 50, (full, truncated)
        assert full + truncated < 400  # the others were dropped
        assert d.answer("db.example.test", "10.2.0.0/24", tcp=True) == [ADDR["eu"]]
    finally:
        d.stop()


def test_clients_outside_the_cidr_table_are_located_with_a_maxmind_database(tmp_path):
    db = str(tmp_path / "city.mmdb")
    mmdb.write(db, [("203.0.113.0/24", 35.7, 139.7),    # Tokyo: nearest is ap
                    ("198.51.100.0/24", 48.9, 2.35)])   # Paris: nearest is eu
    d = DnsCluster(dns_extra='maxmind_db = "%s"\n' % db)
    try:
        d.start()
        assert d.answer("db.example.test", "203.0.113.0/24") == [ADDR["ap"]]
        assert d.answer("db.example.test", "198.51.100.0/24") == [ADDR["eu"]]
        assert d.answer("db.example.test", "10.1.0.0/24") == [ADDR["us"]]  # the table first
        assert d.answer("db.example.test", "192.0.2.0/24") == [ADDR["us"]]  # neither: default
        assert "is at MaxMind 35.7" in d.route("203.0.113.0/24")
        # the scope is the database's network, not the query's subnet: the
        # Tokyo record is a /24; a /16 around it gets the default for the
        # empty /18 that holds its first address (203.0.64.0/18 leads on
        # towards the /24), so a resolver does not reuse it for Tokyo
        assert "CLIENT-SUBNET: 203.0.113.0/24/24" in d.dig("db.example.test", "203.0.113.0/24")
        out = d.dig("db.example.test", "203.0.0.0/16")
        assert "CLIENT-SUBNET: 203.0.0.0/16/18" in out, out
        assert d.answer("db.example.test", "203.0.0.0/16") == [ADDR["us"]]
    finally:
        d.stop()


def test_tcp_connections_are_capped_and_idle_ones_closed():
    """[dns] tcp_max_connections and tcp_idle_timeout_ms: idle or stalled TCP
    clients cannot hold the server's sockets."""
    d = DnsCluster(dns_extra="tcp_idle_timeout_ms = 500\ntcp_max_connections = 4\n")
    try:
        d.start()

        def connect():
            s = socket.create_connection(("127.0.0.1", d.port), timeout=5)
            s.settimeout(5)
            return s

        held = [connect() for _ in range(3)]
        stalled = connect()
        stalled.sendall(b"\x00")  # half a length prefix, then nothing
        # the fifth is closed at once (connections are accepted in order): it
        # reads EOF, not a timeout
        extra = connect()
        assert extra.recv(1) == b""
        extra.close()
        # the idle and the stalled ones are closed by the server
        started = time.monotonic()
        for s in held + [stalled]:
            assert s.recv(1) == b""
            s.close()
        assert time.monotonic() - started < 4
        # and TCP answers again
        assert d.answer("db.example.test", "10.2.0.0/24", tcp=True) == [ADDR["eu"]]
    finally:
        d.stop()
