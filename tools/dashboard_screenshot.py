#!/usr/bin/python3
"""Makes docs/dashboard.png: the shipped four-region topology (names,
coordinates, emulated round trips) on free ports, some load, a few
conflicting writes, a switchover and a killed region, photographed in
headless Chromium from eu-west's dashboard. Run by hand after changing the
page: /usr/bin/python3 tools/dashboard_screenshot.py [OUT.png]"""

import json
import os
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)
sys.path.insert(0, os.path.join(REPO, "tests"))
from lib import harness, shipped  # noqa: E402
from lib.browser import chromium  # noqa: E402
from lib.cluster import Cluster  # noqa: E402

def load(c, name, stop, rate):
    r = c.client(name)
    i = 0
    while not stop.is_set():
        r.set("price:%d" % (i % 20), "%s-%d" % (name, i))
        r.get("price:%d" % (i % 7))
        i += 1
        stop.wait(1.0 / rate)


def main():
    out = sys.argv[1] if len(sys.argv) > 1 else os.path.join(REPO, "docs", "dashboard.png")
    c = Cluster(names=shipped.NAMES, coords=shipped.COORDS, wan=shipped.WAN,
                keyspaces=[{"pattern": "price:*", "conflict": "lww"}])
    stop = threading.Event()
    driver = None
    try:
        c.start()
        c.wait_linked()
        c.client("us-east").execute_command("MR.FAILOVER", "SWITCHOVER", "eu-west")
        harness.wait_until(lambda: json.loads(c.client("us-east").execute_command(
            "MR.FAILOVER", "STATUS"))["primary"] == "eu-west", timeout=20, desc="switchover")
        threads = [threading.Thread(target=load, args=(c, n, stop, rate), daemon=True)
                   for n, rate in (("us-east", 300), ("eu-west", 200), ("us-west", 80))]
        for t in threads:
            t.start()
        c["ap-south"].kill9()
        with tempfile.TemporaryDirectory() as profile:
            driver = chromium(profile, 1400, 1250)
            driver.get("http://127.0.0.1:%d/" % c["eu-west"].http_port)
            harness.wait_until(lambda: driver.find_elements(
                "css selector", '#region-table tr[data-region="ap-south"][data-health="unhealthy"]'),
                timeout=15, desc="ap-south unhealthy")
            time.sleep(2.5)  # two polls, so every rate on the page has a window
            driver.save_screenshot(out)
            driver.quit()
            driver = None
        print(out)
    finally:
        stop.set()
        if driver is not None:
            driver.quit()
        c.cleanup()


if __name__ == "__main__":
    main()
