#!/usr/bin/python3
"""Fails when a file in src/ includes a file of a folder above or beside its
own in docs/layers.txt (layers only point down).

Usage: tools/check_layers.py [--root DIR]   (exit 1 and one line per
offending include; 0 when the layering holds)
"""
import argparse
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def read_layers(path):
    """folder -> (layer index from the top, its line)."""
    rank = {}
    with open(path) as f:
        for n, line in enumerate(l for l in f if l.strip() and not l.lstrip().startswith("#")):
            for folder in line.split():
                if folder in rank:
                    raise SystemExit("%s: %s is declared twice" % (path, folder))
                rank[folder] = n
    return rank


def violations(root, rank):
    src = os.path.join(root, "src")
    out = []
    for dirpath, _, files in os.walk(src):
        for name in sorted(files):
            if not name.endswith((".h", ".cc")):
                continue
            path = os.path.join(dirpath, name)
            rel = os.path.relpath(path, src)
            folder = os.path.dirname(rel)
            if folder not in rank:
                out.append("src/%s: folder %s is not in docs/layers.txt" % (rel, folder))
                continue
            with open(path, encoding="utf-8", errors="replace") as f:
                text = f.read()
            for m in INCLUDE.finditer(text):
                target = os.path.dirname(m.group(1))
                if target == folder:
                    continue
                line = text.count("\n", 0, m.start()) + 1
                if target not in rank:
                    out.append("src/%s:%d: includes %s, whose folder is not in docs/layers.txt"
                               % (rel, line, m.group(1)))
                elif rank[target] <= rank[folder]:
                    where = "beside" if rank[target] == rank[folder] else "above"
                    out.append("src/%s:%d: %s includes %s, which is %s it in docs/layers.txt"
                               % (rel, line, folder, m.group(1), where))
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--root", default=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    args = ap.parse_args()
    rank = read_layers(os.path.join(args.root, "docs", "layers.txt"))
    bad = violations(args.root, rank)
    for line in bad:
        print(line)
    if bad:
        print("layering: %d include(s) against docs/layers.txt" % len(bad))
        return 1
    print("layering: every include in src/ points down (docs/layers.txt)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
