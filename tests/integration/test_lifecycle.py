"""Startup, clean shutdown, restart persistence, and bad configurations."""

import os
import re
import signal

import pytest


def populate(c):
    c.call_raw("SET", "p:str", "hello")
    c.call_raw("SET", "p:bin", b"\x00\x01\xff\r\n")
    c.call_raw("SET", "p:ttl", "v", "EX", "100000")
    c.call_raw("INCRBY", "p:n", "41")
    c.call_raw("INCRBYFLOAT", "p:f", "1.5")
    c.call_raw("SADD", "p:set", "a", "b", "c")
    c.call_raw("SREM", "p:set", "b")
    c.call_raw("HSET", "p:h", "f1", "v1", "f2", "v2")
    c.call_raw("HDEL", "p:h", "f2")
    c.call_raw("HINCRBY", "p:h", "n", "7")
    c.call_raw("SET", "p:gone", "x")
    c.call_raw("DEL", "p:gone")
    c.call_raw("SET", "p:persisted", "v", "EX", "1000")
    c.call_raw("PERSIST", "p:persisted")
    c.call_raw("APPEND", "p:str", " world")
    for i in range(300):
        c.call_raw("SET", "p:many:%d" % i, str(i))


def verify(c):
    assert c.call("GET", "p:str") == b"hello world"
    assert c.call("GET", "p:bin") == b"\x00\x01\xff\r\n"
    assert 99_000 <= c.call("TTL", "p:ttl") <= 100_000
    assert c.call("GET", "p:n") == b"41"
    assert c.call("GET", "p:f") == b"1.5"
    assert sorted(c.call("SMEMBERS", "p:set")) == [b"a", b"c"]
    h = c.call("HGETALL", "p:h")
    assert sorted(zip(h[::2], h[1::2])) == [(b"f1", b"v1"), (b"n", b"7")]
    assert c.call("EXISTS", "p:gone") == 0
    assert c.call("TTL", "p:persisted") == -1
    assert c.call("GET", "p:many:299") == b"299"
    assert c.call("DBSIZE") == 308


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "SIGINT"])
def test_clean_stop_exits_zero_and_data_persists(sut_factory, sig):
    s = sut_factory()
    c = s.conn()
    populate(c)
    verify(c)
    c.close()
    rc = s.stop(sig=sig)
    assert rc == 0, "server must exit 0 on %s, got %s" % (sig.name, rc)
    s.start()
    verify(s.conn())
    # a second restart (recovery of recovered data)
    assert s.stop() == 0
    s.start()
    verify(s.conn())


def test_stop_with_clients_connected(sut_factory):
    s = sut_factory()
    conns = [s.conn() for _ in range(10)]
    conns[0].call_raw("SET", "sc:k", "v")
    assert s.stop() == 0
    for c in conns:
        c.close()
    s.start()
    assert s.conn().call("GET", "sc:k") == b"v"


# --------------------------------------------------------------- bad configs

BASE = '''[cluster]
name = "test"

[server]
fsync = "everysec"
maxclients = 100
proto_max_bulk_len = 536870912
client_query_buffer_limit = 1073741824
enable_flushall = true
hz = 10
log_level = "info"

[[regions]]
name = "r1"
id = 1
client = "127.0.0.1:{port}"
peer = "127.0.0.1:{peer}"
http = "127.0.0.1:{http}"
jurisdiction = "US"
latitude = 38.9
longitude = -77.0
'''


def run_config(meridian_factory, text, region="r1"):
    s = meridian_factory(start=False, region=region)
    s.config_text = text.format(port=s.port, peer=s.peer_port, http=s.http_port)
    rc, log = s.run_to_exit(timeout=20)
    return s, rc, log


def server_output(log):
    """The server's own output (without the harness' "===== start" lines)."""
    return "\n".join(l for l in log.splitlines() if not l.startswith("===== start"))


def line_of(text, needle):
    for i, line in enumerate(text.splitlines(), 1):
        if needle in line:
            return i
    raise AssertionError(needle)


@pytest.mark.meridian_only
def test_good_config_sanity(meridian_factory):
    """The BASE config used below is accepted (so the failures are about the edits)."""
    s = meridian_factory(start=False)
    s.config_text = BASE.format(port=s.port, peer=s.peer_port, http=s.http_port)
    s.start()
    assert s.conn().call_raw("PING") == b"+PONG\r\n"


@pytest.mark.meridian_only
def test_bad_fsync_value(meridian_factory):
    text = BASE.replace('fsync = "everysec"', 'fsync = "sometimes"')
    s, rc, log = run_config(meridian_factory, text)
    assert rc is not None, "server kept running with a bad config:\n" + log
    assert rc != 0, log
    assert os.path.basename(s.config_path) in server_output(log), "error must name the file:\n" + log
    assert "fsync" in server_output(log), "error must name the field:\n" + log
    n = line_of(text, "fsync")
    assert re.search(r"(line\s*|:)%d\b" % n, server_output(log)), \
        "error must name the line (%d):\n%s" % (n, log)


@pytest.mark.meridian_only
def test_missing_region_id(meridian_factory):
    text = BASE.replace("id = 1\n", "")
    s, rc, log = run_config(meridian_factory, text)
    assert rc not in (None, 0), log
    assert os.path.basename(s.config_path) in server_output(log), log
    assert re.search(r"\bid\b", server_output(log)), "error must name the field 'id':\n" + log


@pytest.mark.meridian_only
@pytest.mark.parametrize("edit", [
    ("maxclients = 100", 'maxclients = "lots"'),
    ("hz = 10", "hz = -5"),
    ('client = "127.0.0.1:{port}"', 'client = "not-an-address"'),
    ("enable_flushall = true", 'enable_flushall = "yes"'),
    ('name = "test"', 'name = "test'),       # TOML syntax error
], ids=["maxclients-string", "hz-negative", "client-address", "flushall-string",
        "toml-syntax"])
def test_other_bad_configs(meridian_factory, edit):
    old, new = edit
    text = BASE.replace(old, new, 1)
    assert text != BASE
    s, rc, log = run_config(meridian_factory, text)
    assert rc not in (None, 0), "accepted a bad config (%s):\n%s" % (new, log)
    assert os.path.basename(s.config_path) in server_output(log), log


@pytest.mark.meridian_only
def test_unknown_region_refused(meridian_factory):
    s, rc, log = run_config(meridian_factory, BASE, region="nowhere")
    assert rc not in (None, 0), log
    assert "nowhere" in server_output(log), log


@pytest.mark.meridian_only
def test_missing_config_file(meridian_factory):
    s = meridian_factory(start=False)
    os.makedirs(s.tmpdir, exist_ok=True)
    s._prepare = lambda: None       # do not write the file
    s.config_path = os.path.join(s.tmpdir, "does-not-exist.toml")
    rc, log = s.run_to_exit(timeout=20)
    assert rc not in (None, 0), log
    assert "does-not-exist.toml" in server_output(log), log


# ------------------------------------------ bad replication / keyspace / wan

# A second region for the multi-region cases; its ports are never bound (the
# config is refused before anything starts).
SECOND_REGION = '''
[[regions]]
name = "r2"
id = 2
client = "127.0.0.1:1"
peer = "127.0.0.1:2"
http = "127.0.0.1:3"
jurisdiction = "EU"
latitude = 53.3
longitude = -6.3
'''

REPLICATION = '''
[replication]
secret = "s3cret"
write = "async"
write_timeout_ms = 5000
on_timeout = "error"
read = "local"
read_timeout_ms = 5000
log_retention_ops = 1000
log_max_ops = 100000
heartbeat_ms = 100
compress = true

[[keyspaces]]
pattern = "user:*"
write = "async"
write_timeout_ms = 1000
read = "session"
'''

WAN = '''
[[wan]]
regions = ["r1", "r2"]
rtt_ms = 70
jitter_ms = 1
'''


@pytest.mark.meridian_only
def test_replication_sections_accepted(meridian_factory):
    """A single region with [replication] and [[keyspaces]] starts (so the
    failures below are about the edits)."""
    s = meridian_factory(start=False)
    s.config_text = (BASE + REPLICATION).format(port=s.port, peer=s.peer_port, http=s.http_port)
    s.start()
    assert s.conn().call_raw("PING") == b"+PONG\r\n"


@pytest.mark.meridian_only
@pytest.mark.parametrize("text,field,needle", [
    # more than one region needs the peer secret
    (BASE + SECOND_REGION, "replication.secret", "more than one region"),
    (BASE + SECOND_REGION + REPLICATION.replace('secret = "s3cret"', 'secret = ""'),
     "replication.secret", "more than one region"),
    # semi-sync N waits for N other regions: with two regions at most 1
    (BASE + SECOND_REGION + REPLICATION.replace('write = "async"\nwrite_timeout_ms = 5000',
                                                'write = "semi-sync 2"\nwrite_timeout_ms = 5000'),
     "replication.write", "2 region"),
    (BASE + REPLICATION.replace('write = "async"\nwrite_timeout_ms = 1000',
                                'write = "semi-sync 1"\nwrite_timeout_ms = 1000'),
     "keyspaces[0].write", "1 region"),
    (BASE + REPLICATION.replace('write = "async"\nwrite_timeout_ms = 5000',
                                'write = "eventually"\nwrite_timeout_ms = 5000'),
     "replication.write", "eventually"),
    (BASE + REPLICATION.replace('read = "local"', 'read = "stale"'), "replication.read", "stale"),
    (BASE + REPLICATION.replace('on_timeout = "error"', 'on_timeout = "retry"'),
     "replication.on_timeout", "retry"),
    (BASE + REPLICATION.replace("log_max_ops = 100000", "log_max_ops = 10"),
     "replication.log_max_ops", "log_retention_ops"),
    (BASE + REPLICATION.replace("heartbeat_ms = 100", "hearbeat_ms = 100"),
     "replication.hearbeat_ms", "unknown field"),
    (BASE + REPLICATION.replace('pattern = "user:*"\n', ""), "keyspaces[0].pattern", "missing"),
    # [[wan]] must join two distinct, existing regions, once per pair
    (BASE + SECOND_REGION + REPLICATION + WAN.replace('"r2"]', '"nowhere"]'),
     "wan[0].regions", "nowhere"),
    (BASE + SECOND_REGION + REPLICATION + WAN.replace('"r2"]', '"r1"]'),
     "wan[0].regions", "twice"),
    (BASE + SECOND_REGION + REPLICATION + WAN + WAN.replace('["r1", "r2"]', '["r2", "r1"]'),
     "wan[1].regions", "already"),
    (BASE + SECOND_REGION + REPLICATION + WAN.replace("rtt_ms = 70\n", ""),
     "wan[0].rtt_ms", "missing"),
    # a round trip the health checks cannot outlast (default check_timeout_ms: 500)
    (BASE + SECOND_REGION + REPLICATION + WAN.replace("rtt_ms = 70", "rtt_ms = 600"),
     "wan[0].rtt_ms", "raise check_timeout_ms above the round trip"),
    (BASE + SECOND_REGION + REPLICATION + WAN.replace("rtt_ms = 70", "rtt_ms = 400")
     .replace("jitter_ms = 1", "jitter_ms = 60"), "wan[0].rtt_ms", "up to 520 ms"),
    # region ids are stored in every record: they must be unique
    (BASE + SECOND_REGION.replace("id = 2", "id = 1") + REPLICATION, "regions[1].id",
     "duplicate region id"),
    # DR tiers
    (BASE + SECOND_REGION + 'tier = "lukewarm"\n' + REPLICATION, "regions[1].tier", "lukewarm"),
    (BASE + SECOND_REGION + 'tier = "backup-restore"\n' + REPLICATION, "regions[1].backup_dir",
     "missing"),
    (BASE + SECOND_REGION + 'backup_dir = "/tmp/x"\n' + REPLICATION, "regions[1].backup_dir",
     "only for tier"),
    (BASE.replace("id = 1\n", 'id = 1\ntier = "backup-restore"\nbackup_dir = "/tmp/x"\n')
     + SECOND_REGION + REPLICATION, "regions[0].tier", "initial primary"),
    # a backup-restore region runs no replica: semi-sync cannot count it
    (BASE + SECOND_REGION + 'tier = "backup-restore"\nbackup_dir = "/tmp/x"\n'
     + REPLICATION.replace('write = "async"\nwrite_timeout_ms = 5000',
                           'write = "semi-sync 1"\nwrite_timeout_ms = 5000'),
     "replication.write", "1 region(s)"),
    (BASE + SECOND_REGION + 'tier = "backup-restore"\nbackup_dir = "/tmp/x"\n' + REPLICATION
     + '\n[failover]\npriority = ["r2"]\n', "failover.priority[0]", "backup-restore region"),
    (BASE + "\n[backup]\ninterval = 60\n", "backup.interval", "unknown field"),
    # geo-partitioning: impossible placements name the rule
    (BASE + SECOND_REGION + REPLICATION
     + '\n[[placement]]\npattern = "user:eu:*"\nhome = "r1"\nallowed = ["EU"]\n',
     "placement[0].home", 'pattern "user:eu:*": home "r1" is outside the regions allowed'),
    (BASE + SECOND_REGION + REPLICATION
     + '\n[[placement]]\npattern = "user:eu:*"\nhome = "r2"\nallowed = ["MARS"]\n',
     "placement[0].allowed", 'no region or jurisdiction named "MARS"'),
    (BASE + SECOND_REGION + REPLICATION.replace('write = "async"\nwrite_timeout_ms = 5000',
                                                'write = "semi-sync 1"\nwrite_timeout_ms = 5000')
     + '\n[[placement]]\npattern = "user:eu:*"\nhome = "r2"\nallowed = ["EU"]\n',
     "placement[0].allowed", "only 1 region(s) may hold these keys (r2)"),
    (BASE + SECOND_REGION + REPLICATION
     + '\n[[placement]]\npattern = "profile:*"\nhome_segment = 2\ndefault_home = "r1"\n',
     "placement[0].homes", "home_segment needs homes"),
    (BASE + SECOND_REGION + REPLICATION + '\n[[placement]]\npattern = "x:*"\nallowed = ["EU"]\n',
     "placement[0].home", "missing"),
], ids=["secret-missing", "secret-empty", "semi-sync-too-many", "keyspace-semi-sync-one-region",
        "write-mode", "read-level", "on-timeout", "log-max-below-retention", "unknown-key",
        "keyspace-no-pattern", "wan-unknown-region", "wan-same-region", "wan-duplicate-pair",
        "wan-no-rtt", "wan-rtt-beyond-check-timeout", "wan-jitter-beyond-check-timeout",
        "duplicate-region-id", "tier-unknown", "backup-dir-missing",
        "backup-dir-not-dr", "first-region-backup-restore", "semi-sync-counts-serving",
        "priority-backup-restore", "backup-unknown-key", "placement-home-outside",
        "placement-unknown-jurisdiction", "placement-semi-sync", "placement-no-homes",
        "placement-no-home"])
def test_bad_replication_configs(meridian_factory, text, field, needle):
    s, rc, log = run_config(meridian_factory, text)
    out = server_output(log)
    assert rc not in (None, 0), "accepted a bad config:\n" + log
    assert os.path.basename(s.config_path) in out, "error must name the file:\n" + log
    assert "'%s'" % field in out, "error must name the field %s:\n%s" % (field, log)
    assert needle in out, "error must say %r:\n%s" % (needle, log)


@pytest.mark.meridian_only
def test_semi_sync_error_names_line_and_region_count(meridian_factory):
    text = BASE + SECOND_REGION + REPLICATION.replace(
        'write = "async"\nwrite_timeout_ms = 5000', 'write = "semi-sync 3"\nwrite_timeout_ms = 5000')
    s, rc, log = run_config(meridian_factory, text)
    out = server_output(log)
    assert rc not in (None, 0), log
    n = line_of(text, "semi-sync 3")
    assert re.search(r":%d:\d+: field 'replication.write'" % n, out), \
        "error must name the line (%d):\n%s" % (n, log)
    assert "the cluster has 2 region(s)" in out and "at most \"semi-sync 1\"" in out, log
