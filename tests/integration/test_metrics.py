"""GET /metrics: every region's Prometheus metrics, checked by the real
promtool and scraped by a real Prometheus (Debian's package), asked through
its HTTP query API."""

import json
import os
import re
import subprocess
import time
import urllib.parse
import urllib.request

from lib import harness, prom
from lib.cluster import Cluster

NAMES = ("us", "eu", "ap")
EXAMPLES = os.path.join(os.path.dirname(__file__), "..", "..", "examples", "prometheus")
SCRAPE_S = 1.0


def metrics(c, name):
    return prom.fetch(c[name].http_port)


value = prom.value


def test_every_region_s_metrics_pass_promtool_and_count_what_happened():
    c = Cluster(names=NAMES)
    try:
        c.start()
        c.wait_linked()
        us = c.client("us")
        for i in range(25):
            us.set("k%d" % i, "v")
        try:
            us.hget("k1", "f")
        except Exception:
            pass  # WRONGTYPE: counted as a failure of hget
        for i in range(3):
            us.execute_command("MR.ONCE", "SYNC", "SET", "s%d" % i, "v")
        us.execute_command("MR.ONCE", "QUORUM", "GET", "s0")
        us.get("s1")
        harness.wait_until(lambda: c.client("ap").get("s2") == b"v", desc="replicated")
        for n in NAMES:
            text = metrics(c, n)
            check = subprocess.run(["promtool", "check", "metrics"], input=text.encode(),
                                   capture_output=True, timeout=30)
            assert check.returncode == 0 and check.stdout == b"" and check.stderr == b"", (
                n, check.stdout.decode()[:2000], check.stderr.decode()[:2000])
            assert value(text, 'meridian_region_info{region="%s",cluster="test",version="0.1.0"}'
                         % n) == 1
            for peer in NAMES:
                if peer == n:
                    continue
                assert value(text, 'meridian_replication_link_up{peer="%s"}' % peer) == 1
                assert value(text, 'meridian_peer_connected{peer="%s"}' % peer) == 1
                assert 'meridian_replication_apply_lag_seconds_bucket{peer="%s",le="+Inf"}' \
                    % peer in text
            assert value(text, "meridian_keys") == 28
            assert value(text, "meridian_storage_pending_compaction_bytes") >= 0
            assert value(text, "meridian_storage_memtable_bytes") > 0
        text = metrics(c, "us")
        assert value(text, 'meridian_commands_total{command="set"}') == 28
        assert value(text, 'meridian_command_failures_total{command="hget"}') == 1
        assert value(text, 'meridian_errors_total{error="WRONGTYPE"}') == 1
        assert value(text, 'meridian_command_duration_seconds_count{command="set"}') == 28
        assert value(text, 'meridian_command_duration_seconds_bucket{command="set",le="+Inf"}') \
            == 28
        # What clients waited, by write mode and read level.
        assert value(text, 'meridian_write_duration_seconds_count{mode="async"}') == 25
        assert value(text, 'meridian_write_duration_seconds_count{mode="sync"}') == 3
        assert value(text, 'meridian_read_duration_seconds_count{level="quorum"}') == 1
        assert value(text, 'meridian_read_duration_seconds_count{level="local"}') == 2  # + hget
        # A sync write waits for the other regions; its run time alone does not.
        assert value(text, 'meridian_write_duration_seconds_sum{mode="sync"}') > 0
        ap = metrics(c, "ap")
        assert value(ap, 'meridian_replication_received_records_total{peer="us"}') >= 25
        assert value(ap, "meridian_failover_epoch") >= 1
        # Every metric the example alert rules use is one a region serves.
        with open(os.path.join(EXAMPLES, "meridian_alerts.yml")) as f:
            exprs = [line for line in f if line.strip().startswith("expr:")]
        used = {m for e in exprs for m in re.findall(r"\b(meridian_[a-z_]+)", e)}
        assert len(used) >= 6
        for name in used:
            assert "\n# TYPE %s " % name in text, name
    finally:
        c.cleanup()


def query(port, q):
    url = "http://127.0.0.1:%d/api/v1/query?%s" % (port, urllib.parse.urlencode({"query": q}))
    with urllib.request.urlopen(url, timeout=5) as r:
        body = json.loads(r.read())
    assert body["status"] == "success", body
    return body["data"]["result"]


def test_prometheus_scrapes_the_cluster_and_sees_a_region_die():
    c = Cluster(names=NAMES)
    prom = None
    try:
        c.start()
        c.wait_linked()
        prom = harness.CommandServer(
            lambda port: ["prometheus", "--config.file=prometheus.yml",
                          "--storage.tsdb.path=data",
                          "--web.listen-address=127.0.0.1:%d" % port, "--log.level=warn"],
            kind="prometheus")
        targets = ['"127.0.0.1:%d"' % c[n].http_port for n in NAMES]
        with open(os.path.join(prom.tmpdir, "prometheus.yml"), "w") as f:  # its cwd
            f.write("global:\n  scrape_interval: %dms\n  scrape_timeout: 500ms\n"
                    "scrape_configs:\n  - job_name: meridian\n    static_configs:\n"
                    "      - targets: [%s]\n" % (SCRAPE_S * 1000, ", ".join(targets)))
        prom.start(wait=False)
        assert prom.running(), prom.log()
        harness.wait_until(lambda: len([r for r in query(prom.port, "up") if r["value"][1] == "1"])
                           == 3, timeout=30, desc="every region up in Prometheus")
        # A lag series for each of the six links (each region, each peer).
        harness.wait_until(lambda: len(query(prom.port, "meridian_replication_lag_seconds")) == 6,
                           timeout=15, desc="a lag series per link")
        links = {(r["metric"]["instance"], r["metric"]["peer"])
                 for r in query(prom.port, "meridian_replication_lag_seconds")}
        assert len(links) == 6

        victim = "127.0.0.1:%d" % c["ap"].http_port
        killed_at = time.time()
        c["ap"].kill9()
        harness.wait_until(lambda: query(prom.port, 'up{instance="%s"}' % victim)[0]["value"][1]
                           == "0", timeout=15, desc="ap down in Prometheus")
        # The first failed scrape's sample is within two scrape intervals of the kill.
        samples = query(prom.port, 'up{instance="%s"}[20s]' % victim)[0]["values"]
        first_down = min(float(t) for t, v in samples if v == "0" and float(t) >= killed_at)
        assert first_down - killed_at <= 2 * SCRAPE_S, first_down - killed_at
        # The survivors' view of their links to ap turns too.
        harness.wait_until(
            lambda: sorted(r["value"][1] for r in
                           query(prom.port, 'meridian_peer_connected{peer="ap"}')) == ["0", "0"],
            timeout=15, desc="us and eu report their link to ap down")
        harness.wait_until(
            lambda: sorted(r["value"][1] for r in
                           query(prom.port, 'meridian_replication_link_up{peer="ap"}'))
            == ["0", "0"], timeout=15, desc="replication links to ap down")
    finally:
        if prom is not None:
            prom.cleanup()
        c.cleanup()


def test_the_example_prometheus_config_and_alert_rules_pass_promtool():
    for args in (["check", "config", "prometheus.yml"], ["check", "rules", "meridian_alerts.yml"],
                 ["test", "rules", "meridian_alerts_test.yml"]):
        out = subprocess.run(["promtool"] + args, cwd=EXAMPLES, capture_output=True, text=True,
                             timeout=60)
        assert out.returncode == 0 and "SUCCESS" in out.stdout, (args, out.stdout, out.stderr)
