"""`meridian up`: what `make run` starts. One supervised process per region of
the config; real clients connect to each; a region that dies is restarted with
its data; SIGINT (Ctrl-C) stops every region and `up` exits 0."""

import os
import shutil
import signal
import subprocess

import pytest
import redis

from lib import harness

REGIONS = [("east", 1, "US", 38.9, -77.0), ("west", 2, "US", 37.4, -122.1)]


def render(ports):
    lines = ['[cluster]', 'name = "up-test"', '[server]', 'fsync = "everysec"', 'log_level = "info"',
             '[replication]', 'secret = "up-test-secret"']
    for (name, rid, jur, lat, lon), (c, p, h) in zip(REGIONS, ports):
        lines += ['[[regions]]', 'name = "%s"' % name, "id = %d" % rid,
                  'client = "127.0.0.1:%d"' % c, 'peer = "127.0.0.1:%d"' % p,
                  'http = "127.0.0.1:%d"' % h, 'jurisdiction = "%s"' % jur,
                  "latitude = %s" % lat, "longitude = %s" % lon]
    return "\n".join(lines) + "\n"


def region_pids(data_dir):
    """pid of each region's server process, from /proc (children of `up`)."""
    pids = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/cmdline" % entry, "rb") as f:
                argv = f.read().split(b"\0")
        except OSError:
            continue
        if b"server" in argv and data_dir.encode() in argv:
            pids[argv[argv.index(b"--region") + 1].decode()] = int(entry)
    return pids


@pytest.fixture
def cluster():
    tmp = harness.make_tmpdir()
    ports = [harness.free_ports(3) for _ in REGIONS]
    cfg = os.path.join(tmp, "meridian.toml")
    with open(cfg, "w") as f:
        f.write(render(ports))
    data = os.path.join(tmp, "data")
    out = open(os.path.join(tmp, "up.out"), "w+")
    proc = subprocess.Popen([harness.meridian_bin(), "up", "--config", cfg, "--data-dir", data],
                            stdout=out, stderr=subprocess.STDOUT)
    clients = {name: redis.Redis(port=p[0], socket_timeout=5) for (name, *_), p in zip(REGIONS, ports)}
    try:
        for c in clients.values():
            harness.wait_until(lambda c=c: c.ping(), timeout=15, desc="region ready")
        yield proc, clients, data, out, ports
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for pid in region_pids(data).values():
            os.kill(pid, signal.SIGKILL)
        out.close()
        shutil.rmtree(tmp, ignore_errors=True)


def test_up_serves_every_region_and_prints_how_to_connect(cluster):
    proc, clients, data, out, ports = cluster
    out.seek(0)
    printed = out.read()
    for (name, *_), p in zip(REGIONS, ports):
        assert "redis-cli -h 127.0.0.1 -p %d" % p[0] in printed
        assert os.path.isdir(os.path.join(data, name))
    r = clients["east"]
    assert r.set("k", "v") and r.get("k") == b"v"
    assert r.incr("n") == 1 and r.sadd("s", "a", "b") == 2 and r.hset("h", "f", "1") == 1
    assert r.expire("k", 100) and 99 <= r.ttl("k") <= 100
    cli = subprocess.run(["redis-cli", "-p", str(ports[1][0]), "SET", "w", "1"],
                         capture_output=True, text=True, timeout=10)
    assert cli.stdout.strip() == "OK"
    assert clients["west"].get("w") == b"1"
    # the regions replicate: east's write reaches west
    assert harness.wait_until(lambda: clients["west"].get("k"), timeout=15) == b"v"


def test_a_region_that_dies_is_restarted_with_its_data(cluster):
    proc, clients, data, out, ports = cluster
    clients["west"].set("survives", "yes")
    before = region_pids(data)["west"]
    os.kill(before, signal.SIGKILL)
    harness.wait_until(lambda: region_pids(data).get("west") not in (None, before),
                       timeout=15, desc="supervisor restarts west")
    assert harness.wait_until(lambda: clients["west"].get("survives"), timeout=15) == b"yes"
    assert proc.poll() is None


def test_ctrl_c_stops_every_region(cluster):
    proc, clients, data, out, ports = cluster
    assert len(region_pids(data)) == len(REGIONS)
    proc.send_signal(signal.SIGINT)
    assert proc.wait(timeout=20) == 0
    assert region_pids(data) == {}
