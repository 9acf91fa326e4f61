"""`meridian top` in a real terminal: run under tmux (its own server
socket), read back with capture-pane."""

import os
import subprocess

from lib import harness
from lib.cluster import Cluster

NAMES = ("us", "eu", "ap")


def test_top_shows_every_region_the_primary_and_a_region_going_down():
    c = Cluster(names=NAMES)
    sock = "meridian-top-%d" % os.getpid()
    tmux = ["tmux", "-L", sock]
    try:
        c.start()
        c.wait_linked()
        us = c.client("us")
        for i in range(50):
            us.set("k%d" % i, "v")
        subprocess.run(tmux + ["new-session", "-d", "-s", "top", "-x", "160", "-y", "30",
                               harness.meridian_bin(), "top", "--config", c["us"].config_path,
                               "--interval", "300"], check=True, timeout=10)

        def screen():
            return subprocess.run(tmux + ["capture-pane", "-p", "-t", "top"], capture_output=True,
                                  text=True, timeout=10).stdout

        def rows():
            return {line.split()[0]: line.split() for line in screen().splitlines()
                    if line.split() and line.split()[0] in NAMES}

        harness.wait_until(lambda: len(rows()) == 3 and all(r[1] == "up" for r in rows().values()),
                           timeout=15, desc="three regions up on the screen")
        assert "primary us (3 of 3 agree)" in screen(), screen()
        r = rows()
        assert r["us"][2] == "primary" and r["eu"][2] == "secondary", r
        assert all(row[5] == "50" for row in r.values()), r  # KEYS: replicated everywhere
        assert all(row[7] == "2/2" for row in r.values()), r  # LINKS up
        c["ap"].kill9()
        harness.wait_until(lambda: rows().get("ap", ["", ""])[1] == "DOWN", timeout=15,
                           desc="ap DOWN on the screen")
        harness.wait_until(lambda: rows()["us"][7] == "1/2", timeout=15,
                           desc="us's link to ap down on the screen")
    finally:
        subprocess.run(tmux + ["kill-server"], capture_output=True, timeout=10)
        c.cleanup()
