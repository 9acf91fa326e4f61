"""A multi-region Meridian cluster of real processes for tests and benchmarks:
one `meridian server` per region, each with its own data directory, sharing
one topology config (peer links, [replication], [[wan]] emulation)."""

import contextlib
import json
import os
import urllib.request

from lib import harness

# Three regions under the design text's round trips (ms): the examples' and
# the cross-region pub/sub tests' cluster.
THREE_REGIONS = ("us", "eu", "ap")
THREE_REGION_WAN = [("us", "eu", 100), ("us", "ap", 200), ("eu", "ap", 150)]


def toml_value(v):
    if isinstance(v, str):
        return harness.toml_str(v)
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(toml_value(x) for x in v) + "]"
    return str(v)


class Cluster:
    def __init__(self, names=("a", "b", "c"), secret="cluster-secret", replication=None,
                 wan=(), keyspaces=(), cluster="test", fsync="everysec", failover=None,
                 tiers=None, backup=None, jurisdictions=None, placement=(), coords=None,
                 public_addresses=None, extra="", region_extra=None):
        """replication: dict of extra [replication] keys; wan: (a, b, rtt_ms[,
        jitter_ms]) tuples; keyspaces: dicts for [[keyspaces]]; tiers: region
        name -> DR tier (a backup-restore region gets backup_dir = its
        tmpdir/backups and is not started by start()); backup: [backup] keys;
        jurisdictions: region name -> jurisdiction (default "US");
        placement: dicts for [[placement]]; coords: region name -> (latitude,
        longitude); public_addresses: region name -> address for GeoDNS;
        extra: TOML text appended (e.g. a [dns] section); region_extra:
        region name -> dict of further keys of its [[regions]] table."""
        self.names = list(names)
        self.secret = secret
        self.replication = dict(replication or {})
        self.wan = list(wan)
        self.keyspaces = list(keyspaces)
        self.failover = dict(failover or {})
        self.tiers = dict(tiers or {})
        self.backup = dict(backup or {})
        self.jurisdictions = dict(jurisdictions or {})
        self.placement = list(placement)
        self.coords = dict(coords or {})
        self.public_addresses = dict(public_addresses or {})
        self.extra = extra
        self.region_extra = dict(region_extra or {})
        self.cluster = cluster
        self.servers = {}
        for name in self.names:
            s = harness.MeridianServer(region=name, cluster=cluster, fsync=fsync)
            self.servers[name] = s
        self.render_all()

    # -- config
    def render(self, secret=None, only=None):
        """The config text; `only`: a topology of just those regions."""
        lines = ["[cluster]", "name = %s" % harness.toml_str(self.cluster), "", "[server]",
                 'fsync = "%s"' % self.servers[self.names[0]].server_settings["fsync"],
                 "enable_flushall = true", "enable_debug = true", 'log_level = "info"', "",
                 "[replication]",
                 "secret = %s" % harness.toml_str(secret if secret is not None else self.secret)]
        for k, v in self.replication.items():
            lines.append("%s = %s" % (k, toml_value(v)))
        if self.failover:
            lines += ["", "[failover]"]
            lines += ["%s = %s" % (k, toml_value(v)) for k, v in self.failover.items()]
        for rule in self.placement:
            lines += ["", "[[placement]]"]
            lines += ["%s = %s" % (k, toml_value(v)) for k, v in rule.items()]
        if self.backup:
            lines += ["", "[backup]"]
            lines += ["%s = %s" % (k, toml_value(v)) for k, v in self.backup.items()]
        for ks in self.keyspaces:
            lines += ["", "[[keyspaces]]"]
            lines += ["%s = %s" % (k, toml_value(v)) for k, v in ks.items()]
        for i, name in enumerate(self.names):
            if only is not None and name not in only:
                continue
            s = self.servers[name]
            lines += ["", "[[regions]]", "name = %s" % harness.toml_str(name), "id = %d" % (i + 1),
                      'client = "127.0.0.1:%d"' % s.port, 'peer = "127.0.0.1:%d"' % s.peer_port,
                      'http = "127.0.0.1:%d"' % s.http_port,
                      "jurisdiction = %s" % harness.toml_str(self.jurisdictions.get(name, "US")),
                      "latitude = %s" % self.coords.get(name, (0, 0))[0],
                      "longitude = %s" % self.coords.get(name, (0, 0))[1]]
            for k, v in self.region_extra.get(name, {}).items():
                lines.append("%s = %s" % (k, toml_value(v)))
            if name in self.public_addresses:
                lines.append("public_address = %s" % harness.toml_str(self.public_addresses[name]))
            if name in self.tiers:
                lines.append("tier = %s" % harness.toml_str(self.tiers[name]))
                if self.tiers[name] == "backup-restore":
                    lines.append("backup_dir = %s" % harness.toml_str(self.backup_dir(name)))
        for link in self.wan:
            a, b, rtt = link[:3]
            jitter = link[3] if len(link) > 3 else 0
            lines += ["", "[[wan]]", 'regions = ["%s", "%s"]' % (a, b), "rtt_ms = %d" % rtt,
                      "jitter_ms = %d" % jitter]
        return "\n".join(lines) + "\n" + self.extra

    def render_all(self):
        text = self.render()
        for s in self.servers.values():
            s.config_text = text

    def backup_dir(self, name):
        """Where a backup-restore region receives the others' backups."""
        return os.path.join(self.servers[name].tmpdir, "backups")

    def serving(self):
        return [n for n in self.names if self.tiers.get(n) != "backup-restore"]

    # -- processes
    def start(self, names=None):
        for n in names or self.serving():
            self.servers[n].start(wait=False)
        for n in names or self.serving():
            self.servers[n].wait_ready()
        return self

    def start_only(self, names):
        """Starts `names` as a cluster of their own (the others not in their
        topology), for regions added later: render_all() and restarts then
        give every region the whole topology."""
        text = self.render(only=names)
        for n in names:
            self.servers[n].config_text = text
        return self.start(names)

    def __getitem__(self, name):
        return self.servers[name]

    def client(self, name, **kw):
        return self.servers[name].redis(**kw)

    def conflicts(self, name):
        s = self.servers[name]
        with urllib.request.urlopen("http://127.0.0.1:%d/conflicts" % s.http_port,
                                    timeout=5) as r:
            return json.loads(r.read())

    def status(self, name):
        s = self.servers[name]
        with urllib.request.urlopen("http://127.0.0.1:%d/status" % s.http_port, timeout=5) as r:
            return json.loads(r.read())

    def info(self, name):
        return self.client(name).info("replication")

    def wait_linked(self, timeout=20, names=None):
        """Until every region (of `names`) hears every other it knows."""
        def linked():
            for n in names or self.serving():
                st = self.status(n)
                if any(p["link"] != "up" for p in st["peers"]):
                    return False
            return True
        harness.wait_until(linked, timeout=timeout, desc="every peer link up")

    def dump(self, name):
        """Every key with its type and value, as a comparable dict."""
        r = self.client(name)
        out = {}
        for k in r.keys("*"):
            t = r.type(k)
            if t == b"string":
                out[k] = r.get(k)
            elif t == b"set":
                out[k] = sorted(r.smembers(k))
            elif t == b"hash":
                out[k] = sorted(r.hgetall(k).items())
        return out

    def cleanup(self):
        for s in self.servers.values():
            s.cleanup()


@contextlib.contextmanager
def running(**kw):
    """A Cluster(**kw), started and linked; cleaned up on leaving."""
    c = Cluster(**kw)
    try:
        c.start()
        c.wait_linked()
        yield c
    finally:
        c.cleanup()
