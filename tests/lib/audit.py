"""Searches for data where it must not be (sovereignty tests): the raw bytes
of every file under a directory, and every record of a RocksDB database read
through RocksDB itself (`meridian inspect`), since compressed table blocks
hide bytes from a plain search."""

import os
import subprocess

from lib import harness


def files_containing(root, needle):
    """Files under `root` whose raw bytes contain `needle` (str)."""
    hits = []
    for dirpath, _, names in os.walk(root):
        for n in names:
            path = os.path.join(dirpath, n)
            try:
                with open(path, "rb") as f:
                    if needle.encode() in f.read():
                        hits.append(path)
            except OSError:
                pass
    return hits


def records(db_dir):
    """Every record of the stopped database in `db_dir`, as raw bytes."""
    out = subprocess.run([harness.meridian_bin(), "inspect", "--data-dir", db_dir],
                         capture_output=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return out.stdout
