"""Shared by the tests that build C programs with real clangs: finding a clang, running a
command with a timeout, and the extra flags a program asks for."""

from __future__ import annotations

import pathlib
import re
import shutil
import subprocess

import pytest

TIMEOUT = 180


def clang(n: int) -> str:
    """`clang-N`, or skip the test when it is not installed."""
    exe = shutil.which(f"clang-{n}")
    if exe is None:
        pytest.skip(f"clang-{n} is not installed")
    return exe


def run(cmd, **kw):
    return subprocess.run(cmd, capture_output=True, text=True, timeout=TIMEOUT, **kw)


def cflags(src: pathlib.Path) -> list[str]:
    """Extra compiler flags a program asks for in a `/* CFLAGS: ... */` comment."""
    m = re.search(r"CFLAGS:\s*(.*?)\s*\*/", src.read_text())
    return m.group(1).split() if m else []


def cc_build_and_run(compiler: str, opt: str, src: pathlib.Path, include: pathlib.Path,
                     binary: pathlib.Path, flags=()):
    """Build `src` with `enzyme-compat cc --cc COMPILER -OPT` and run it: both must exit 0
    and the program must print no FAIL line."""
    import sys

    cmd = [sys.executable, "-m", "enzyme_compat", "cc", "--cc", compiler, f"-{opt}", *flags,
           f"-I{include}", str(src), "-lm", "-o", str(binary)]
    r = run(cmd)
    assert r.returncode == 0, f"{' '.join(cmd)}\n{r.stdout}{r.stderr}"
    r = run([str(binary)])
    assert r.returncode == 0, r.stdout + r.stderr
    assert "FAIL" not in r.stdout, r.stdout
