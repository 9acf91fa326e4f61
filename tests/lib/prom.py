"""Reading Prometheus text (a region's or `meridian dns`'s /metrics)."""

import urllib.request


def fetch(port, path="/metrics"):
    with urllib.request.urlopen("http://127.0.0.1:%d%s" % (port, path), timeout=5) as r:
        assert r.headers["Content-Type"].startswith("text/plain; version=0.0.4"), r.headers
        return r.read().decode()


def value(text, series):
    """The value of the sample whose name and labels are `series` exactly."""
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split(" ")[1])
    raise AssertionError("no sample %s" % series)
