"""Malformed modules (tests/bad_ir/*.ll) must give one located error, never a traceback.

Each file's first line is ``; ERROR-AT: LINE``: the 1-based line where the error is to be
reported (for errors found late, such as an undefined value, the line of the use). The
comment lines after it say what is wrong. Through the CLI: exit 1, a first stderr line
``FILE:LINE:COL: error: ...``, then the source line and a caret line, and no output file.
Through the API: ``ParseError`` with that ``.line`` and a ``.column``.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

BAD = Path(__file__).parent / "bad_ir"
REPO = Path(__file__).resolve().parent.parent

FILES = [pytest.param(p, id=p.stem) for p in sorted(BAD.glob("*.ll"))]


def expected_line(path: Path) -> int:
    first = path.read_text(encoding="utf-8", errors="surrogateescape").split("\n", 1)[0]
    m = re.fullmatch(r"; ERROR-AT: (\d+)", first)
    assert m, f"{path.name}: first line must be '; ERROR-AT: LINE'"
    return int(m.group(1))


def test_corpus_is_large_enough():
    assert len(FILES) >= 60


@pytest.mark.parametrize("path", FILES)
def test_cli_reports_located_error(path, tmp_path):
    out = tmp_path / "out.ll"
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]))
    r = subprocess.run([sys.executable, "-m", "enzyme_compat", "convert", str(path), "--to", "15",
                        "-o", str(out)], capture_output=True, text=True, env=env, timeout=60,
                       errors="replace")
    assert "Traceback" not in r.stderr + r.stdout, r.stderr
    assert r.returncode == 1, f"exit {r.returncode}, stderr:\n{r.stderr}"
    assert not out.exists(), "an output file was written for bad input"
    lines = r.stderr.splitlines()
    m = re.match(rf"^{re.escape(str(path))}:(\d+):(\d+): error: .+", lines[0] if lines else "")
    assert m, f"first stderr line is not 'FILE:LINE:COL: error: MESSAGE':\n{r.stderr}"
    assert int(m.group(1)) == expected_line(path), r.stderr
    source = path.read_text(encoding="utf-8", errors="surrogateescape").split("\n")
    assert len(lines) >= 3, f"no source line and caret:\n{r.stderr}"
    assert lines[1] == source[int(m.group(1)) - 1], r.stderr
    assert re.fullmatch(r"[ \t]*\^.*", lines[2]), f"no caret line:\n{r.stderr}"
    assert len(lines[2]) - len(lines[2].lstrip(" \t")) + 1 == int(m.group(2)), \
        f"caret is not under column {m.group(2)}:\n{r.stderr}"


@pytest.mark.parametrize("path", FILES)
def test_api_raises_parse_error(path):
    enzyme_compat = pytest.importorskip("enzyme_compat")
    from enzyme_compat.ir.errors import ParseError

    text = path.read_text(encoding="utf-8", errors="surrogateescape")
    with pytest.raises(ParseError) as info:
        # a converter may find some errors only when printing
        enzyme_compat.parse(text, filename=str(path)).to_text(release=15)
    assert info.value.line == expected_line(path), str(info.value)
    assert isinstance(info.value.column, int) and info.value.column >= 1
