"""Reverse mode (`__enzyme_autodiff`, and split mode: `__enzyme_augmentsize`,
`__enzyme_augmentfwd`, `__enzyme_reverse`): the C programs of tests/ad_reverse/ built end
to end by `enzyme-compat cc` with real clangs at -O0 and -O2, then run. Each program checks
its own gradients against hand-derived values, `__enzyme_fwddiff` and central finite
differences, prints `FAIL ...` lines and exits non-zero on any disagreement."""

from __future__ import annotations

import pathlib
import re

import pytest
from c_programs import cc_build_and_run, cflags as _cflags, clang as _clang, run  # noqa: E402

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


@pytest.mark.parametrize("opt", ["O0", "O2"])
@pytest.mark.parametrize("clang", CLANGS)
def test_trig_pairs_as_intrinsics(clang, opt, tmp_path):
    """trig_pairs.c with -fno-math-errno, where clang writes llvm.sin/llvm.cos (f64, f32
    and f80) instead of libm calls: the same checks pass."""
    cc_build_and_run(_clang(clang), opt, CORPUS / "trig_pairs.c", CORPUS, tmp_path / "trig",
                     ["-fno-math-errno"])


def _calls_by_function(text: str) -> dict:
    """{function name: the names it calls} of a printed module; the reverse sweep in the
    function `sweeps_f` of a gradient (from its block `reverse` on) counts as a function
    `sweeps_f/reverse`."""
    out, name = {}, None
    for line in text.splitlines():
        m = re.match(r"define .*?@([\w.]+)\(", line)
        if m:
            name = m.group(1)
            out[name] = []
        elif line.startswith("}"):
            name = None
        elif name is not None and name.startswith("sweeps_") and line == "reverse:":
            name += "/reverse"
            out[name] = []
        elif name is not None:
            out[name] += re.findall(r"call \w+ @([\w.]+)\(", line)
    return out


@pytest.mark.parametrize("flags", [[], ["-fno-math-errno"]])
def test_trig_pairs_share_one_sincos(flags, tmp_path):
    """On Linux each sin/cos pair of one operand that the derivatives make is one sincos
    call: the reverse sweeps of trig_pairs.c call neither sin nor cos (the forward sweep
    computed cos(q) beside sin(q)), and forward mode's tangents compute the
    two with one call as well; with a Darwin triple (no sincos there) the same module
    keeps its sin and cos calls, and the reverse sweep calls cos."""
    import enzyme_compat
    from enzyme_compat.ad import differentiate_module

    ll = tmp_path / "trig.ll"
    r = run([_clang(22), "-O2", *flags, "-S", "-emit-llvm", f"-I{CORPUS}",
             str(CORPUS / "trig_pairs.c"), "-o", str(ll)])
    assert r.returncode == 0, r.stderr
    text = ll.read_text()
    trig = re.compile(r"^(llvm\.)?(sin|cos)(f|l|\.f\d+)?$")
    for triple, fused in (("x86_64-pc-linux-gnu", True), ("x86_64-apple-macosx14.0.0", False)):
        src = re.sub(r'target triple = "[^"]*"', f'target triple = "{triple}"', text)
        module = enzyme_compat.parse(src, filename=str(ll))
        differentiate_module(module, release=22)
        calls = _calls_by_function(module.to_text(release=22))
        assert any(f.endswith("/reverse") for f in calls)
        reverse = [c for f, cs in calls.items() if f.startswith("reverse_") or f.endswith("/reverse")
                   for c in cs]
        everywhere = [c for cs in calls.values() for c in cs]
        tangents = [c for f, cs in calls.items() if f.startswith("fwddiffe_") for c in cs]
        if fused:
            assert not [c for c in reverse if trig.match(c)], reverse
            assert {"sincos", "sincosf", "sincosl"} <= set(everywhere)
            assert {"sincos", "sincosf", "sincosl"} <= set(tangents)  # forward mode too
        else:
            assert [c for c in reverse if trig.match(c)]
            assert not [c for c in everywhere if c.startswith("sincos")]
