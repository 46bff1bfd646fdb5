"""Programs the engine must refuse: every refused construct is reported in one run, each
with its function, instruction and source line, and nothing is written."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import pytest

from c_programs import clang, run

HERE = Path(__file__).parent
SRC = HERE / "ad_rejected" / "several_problems.c"


def _expected():
    """(function, source line, text) of each `PROBLEM:` comment of the program."""
    found = []
    function = None
    for number, line in enumerate(SRC.read_text().splitlines(), 1):
        m = re.match(r"double (\w+)\(", line)
        if m:
            function = m.group(1)
        p = re.search(r"PROBLEM: (\S+)", line)
        if p:
            found.append((function, number, p.group(1)))
    return found


@pytest.mark.parametrize("cc, opt", [(14, "O0"), (14, "O2"), (22, "O0"), (22, "O2")])
def test_every_problem_is_listed(cc, opt, tmp_path):
    exe = clang(cc)
    out = tmp_path / "a.out"
    r = run([sys.executable, "-m", "enzyme_compat", "cc", "--cc", exe, f"-{opt}", str(SRC),
             "-o", str(out)])
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and not out.exists()
    lines = [line for line in r.stderr.splitlines() if ": error: " in line]
    expected = _expected()
    assert len(expected) == 4
    for function, number, what in expected:
        hits = [line for line in lines if f"in function @{function} " in line
                and f":{number}:" in line and what.lstrip("@") in line]
        # at -O2 clang inlines helper into f: its call of @enigma is then reported in @f
        if not hits and function == "helper" and opt == "O2":
            hits = [line for line in lines if "@enigma" in line and f":{number}:" in line]
        assert hits, f"{what} of @{function} (line {number}) not reported:\n{r.stderr}"
    assert all(line.startswith(f"{SRC}: error: in function @") for line in lines), r.stderr


def test_ad_lists_every_problem_and_writes_nothing(tmp_path):
    exe = clang(22)
    ll = tmp_path / "in.ll"
    assert run([exe, "-S", "-emit-llvm", "-O1", "-g", str(SRC), "-o", str(ll)]).returncode == 0
    out = tmp_path / "out.ll"
    r = run([sys.executable, "-m", "enzyme_compat", "ad", str(ll), "-o", str(out)])
    assert r.returncode == 1 and not out.exists(), r.stderr
    lines = [line for line in r.stderr.splitlines() if line.startswith(f"{ll}: error: ")]
    assert len(lines) == 4, r.stderr
    assert sum("@mystery" in line for line in lines) == 2
    assert any("inline assembly" in line for line in lines)
    assert any("@enigma" in line for line in lines)
