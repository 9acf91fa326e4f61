"""Resident memory of server processes, read from /proc, sampled in the
background while a test or benchmark runs."""

import threading


def rss_mib(pid):
    """The process' resident set size in MiB (0 if it is gone)."""
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


class RssSampler(threading.Thread):
    """Samples every server's RSS every `every` seconds, keeping the peak of
    each and (for the ones named in `track`) every sample. `servers` maps a
    name to an object with a `pid` (a restarted server is followed)."""

    def __init__(self, servers, every=0.25, track=()):
        super().__init__(daemon=True)
        self.servers = servers
        self.every = every
        self.peak = {n: 0.0 for n in servers}
        self.samples = {n: [] for n in track}
        self.stop_flag = threading.Event()

    def run(self):
        while not self.stop_flag.is_set():
            for n, s in self.servers.items():
                if s.pid:
                    m = rss_mib(s.pid)
                    self.peak[n] = max(self.peak[n], m)
                    if n in self.samples:
                        self.samples[n].append(m)
            self.stop_flag.wait(self.every)

    def __enter__(self):
        self.start()
        return self

    def __exit__(self, *exc):
        self.stop()

    def stop(self):
        self.stop_flag.set()
        self.join()
