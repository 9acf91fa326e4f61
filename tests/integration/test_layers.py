"""The layering check (tools/check_layers.py, run by `make test`) passes on
the tree and fails on a purpose-made back-include."""
import os
import shutil
import subprocess
import sys

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SCRIPT = os.path.join(REPO, "tools", "check_layers.py")


def run(root):
    return subprocess.run([sys.executable, SCRIPT, "--root", str(root)], capture_output=True,
                          text=True, timeout=60)


def copy_tree(tmp_path):
    shutil.copytree(os.path.join(REPO, "src"), tmp_path / "src")
    (tmp_path / "docs").mkdir()
    shutil.copy(os.path.join(REPO, "docs", "layers.txt"), tmp_path / "docs" / "layers.txt")
    return tmp_path


def add_include(path, include):
    text = path.read_text()
    first = text.index("#include")
    path.write_text(text[:first] + '#include "%s"\n' % include + text[first:])


def test_the_tree_is_layered():
    r = run(REPO)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "points down" in r.stdout


def test_a_back_include_fails(tmp_path):
    root = copy_tree(tmp_path)
    # The base layer reaching up to the region.
    add_include(root / "src" / "core" / "base" / "hlc.h", "core/region/region.h")
    r = run(root)
    assert r.returncode == 1
    assert ("src/core/base/hlc.h:2: core/base includes core/region/region.h, which is above it"
            in r.stdout), r.stdout
    assert "1 include(s) against docs/layers.txt" in r.stdout


def test_siblings_may_not_include_each_other(tmp_path):
    root = copy_tree(tmp_path)
    add_include(root / "src" / "core" / "peer" / "frame.h", "core/protocol/reply.h")
    r = run(root)
    assert r.returncode == 1
    assert "core/peer includes core/protocol/reply.h, which is beside it" in r.stdout, r.stdout


def test_an_undeclared_folder_fails(tmp_path):
    root = copy_tree(tmp_path)
    (root / "src" / "core" / "extra").mkdir()
    (root / "src" / "core" / "extra" / "thing.h").write_text("#pragma once\n")
    r = run(root)
    assert r.returncode == 1
    assert "folder core/extra is not in docs/layers.txt" in r.stdout, r.stdout
