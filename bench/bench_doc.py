"""docs/benchmarks.md helpers shared by the bench scripts.

Each script owns a block between two markers of the doc (e.g.
`<!-- geo:begin -->` and `<!-- geo:end -->`) and rewrites only that block;
bench/run_bench.py rewrites the part above `<!-- analysis -->` itself
(throughput_report.write_doc).
"""

import os

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DOC = os.path.join(REPO, "docs", "benchmarks.md")


def replace_block(path, begin, end, block):
    """Replaces the text between the `begin` and `end` markers of `path`
    with `block` (appends the markers and block when they are missing)."""
    text = open(path).read() if os.path.exists(path) else ""
    new = begin + "\n" + block.rstrip() + "\n" + end
    if begin in text and end in text:
        head, rest = text.split(begin, 1)
        _, tail = rest.split(end, 1)
        text = head + new + tail
    else:
        text = text.rstrip() + "\n\n" + new + "\n"
    with open(path, "w") as f:
        f.write(text)


def publish_table(doc, begin, end, intro, header, rows, write=True):
    """Prints a markdown table (`header`: the column titles) under `intro`,
    and puts it between the markers of `doc` unless write is false."""
    block = "\n".join([intro, "", "| " + " | ".join(header) + " |",
                       "|" + "---|" * len(header), *rows])
    print(block)
    if write:
        replace_block(doc, begin, end, block)
