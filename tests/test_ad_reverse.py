"""Reverse mode (`__enzyme_autodiff`, and split mode: `__enzyme_augmentsize`,
`__enzyme_augmentfwd`, `__enzyme_reverse`): the C programs of tests/ad_reverse/ built end
to end by `enzyme-compat cc` with real clangs at -O0 and -O2, then run. Each program checks
its own gradients against hand-derived values, `__enzyme_fwddiff` and central finite
differences, prints `FAIL ...` lines and exits non-zero on any disagreement."""

from __future__ import annotations

import pathlib
import re

import pytest
from c_programs import cc_build_and_run, cflags as _cflags, clang as _clang  # noqa: E402

HERE = pathlib.Path(__file__).parent
CORPUS = HERE / "ad_reverse"
PROGRAMS = sorted(p.stem for p in CORPUS.glob("*.c"))
CLANGS = (14, 22)  # typed pointers (14) and opaque (22)


@pytest.mark.parametrize("opt", ["O0", "O2"])
@pytest.mark.parametrize("clang", CLANGS)
@pytest.mark.parametrize("program", PROGRAMS)
def test_c_program(program, clang, opt, tmp_path):
    exe = _clang(clang)
    src = CORPUS / f"{program}.c"
    cc_build_and_run(exe, opt, src, CORPUS, tmp_path / program, _cflags(src))


def test_corpus_shape():
    """The corpus the parametrized test runs: enough programs, each saying what it covers,
    each using the shared checks and reverse mode."""
    assert len(PROGRAMS) >= 62
    for name in PROGRAMS:
        text = (CORPUS / f"{name}.c").read_text()
        first = text.split("\n", 1)[0]
        assert first.startswith("/*"), f"{name}.c: no leading comment"
        assert '#include "check.h"' in text, name
        assert re.search(r"__enzyme_(autodiff|reverse)\w*\(", text), name
        assert "return failures != 0;" in text, name
