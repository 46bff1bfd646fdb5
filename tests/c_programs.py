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
