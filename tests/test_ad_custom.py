"""Custom derivatives registered the way Enzyme's C users register them: the C programs of
tests/ad_custom/ (`__enzyme_register_gradient_NAME`, `__enzyme_register_derivative_NAME`,
`__enzyme_inactivefn`, `__enzyme_function_like`, `__enzyme_allocation_like`,
`__enzyme_inactive_global`, `annotate("enzyme_inactive")`,
`annotate("enzyme_function_like=...")`) built end to end by `enzyme-compat cc` with real
clangs at -O0 and -O2, then run. Every registered rule returns a deliberately wrong
derivative (the true one times k, or plus c), so each program proves its rule is used:
the gradient must be the value the rule implies, which differs from the true derivative
of the program's own code; functions without a rule get their true derivative. A program
prints `FAIL ...` lines and exits non-zero on any disagreement.

The expected values are validated without any AD: `-DVERIFY_ONLY` turns the rules' errors
off (they become the true derivatives) and the `__enzyme_*` calls into stubs, and the
program compares its hand-derived formulas with central finite differences.

tests/ad_custom_rejected/: an external function with no body and no rule, called with
active arguments, must be refused with a located message naming the function and both
fixes."""

from __future__ import annotations

import pathlib
import re
import shutil
import sys

import pytest
from c_programs import cc_build_and_run, clang as _clang, run as _run  # noqa: E402

HERE = pathlib.Path(__file__).parent
CORPUS = HERE / "ad_custom"
REJECTED = HERE / "ad_custom_rejected"
PROGRAMS = sorted(p.stem for p in CORPUS.glob("*.c"))
REJECTED_PROGRAMS = sorted(p.stem for p in REJECTED.glob("*.c"))
CLANGS = (14, 22)  # typed pointers (14) and opaque (22)

# what registers a rule, as the programs spell it
REGISTRATION = re.compile(
    r"void \*(__enzyme_(?:register_gradient_\w+|register_derivative_\w+|inactivefn"
    r"|function_like|allocation_like|inactive_global))\s*\[\d*\]\s*="
)
ANNOTATION = re.compile(r'annotate\("enzyme_(?:inactive|function_like=\w+)"\)')


@pytest.mark.parametrize("opt", ["O0", "O2"])
@pytest.mark.parametrize("clang", CLANGS)
@pytest.mark.parametrize("program", PROGRAMS)
def test_c_program(program, clang, opt, tmp_path):
    exe = _clang(clang)
    src = CORPUS / f"{program}.c"
    cc_build_and_run(exe, opt, src, CORPUS, tmp_path / program)


@pytest.mark.parametrize("program", PROGRAMS)
def test_expected_values_verified(program, tmp_path):
    """The hand-derived values against central finite differences, with the rules' errors
    turned off and no derivative at all (plain clang, -DVERIFY_ONLY)."""
    exe = next((shutil.which(f"clang-{n}") for n in reversed(CLANGS)
                if shutil.which(f"clang-{n}")), None)
    if exe is None:
        pytest.skip("no clang-14 or clang-22 installed")
    binary = tmp_path / program
    r = _run([exe, "-O1", "-Wall", "-Wextra", "-Werror", "-DVERIFY_ONLY", f"-I{CORPUS}",
              str(CORPUS / f"{program}.c"), "-lm", "-o", str(binary)])
    assert r.returncode == 0, r.stderr
    r = _run([str(binary)])
    assert r.returncode == 0 and "FAIL" not in r.stdout, r.stdout + r.stderr
    m = re.search(r"VERIFY (\d+) checks", r.stdout)
    assert m and int(m.group(1)) > 0, r.stdout


@pytest.mark.parametrize("clang,opt", [(14, "O0"), (22, "O2")])
@pytest.mark.parametrize("program", PROGRAMS)
def test_warning_free_and_registrations_survive(program, clang, opt, tmp_path):
    """Each program compiles without a warning (-Wall -Wextra), and what registers its
    rules is still in the module clang hands to the differentiator."""
    exe = _clang(clang)
    src = CORPUS / f"{program}.c"
    ll = tmp_path / f"{program}.ll"
    r = _run([exe, f"-{opt}", "-Wall", "-Wextra", "-S", "-emit-llvm", f"-I{CORPUS}", str(src),
              "-o", str(ll)])
    assert r.returncode == 0 and r.stderr == "", r.stderr
    text = src.read_text()
    ir = ll.read_text()
    for name in REGISTRATION.findall(text):
        assert re.search(rf"^@{name} = ", ir, re.M), f"@{name} is gone from the -{opt} module"
    if ANNOTATION.search(text):
        assert "@llvm.global.annotations = " in ir


@pytest.mark.parametrize("opt", ["O0", "O2"])
@pytest.mark.parametrize("clang", CLANGS)
@pytest.mark.parametrize("program", REJECTED_PROGRAMS)
def test_unregistered_external_is_refused(program, clang, opt, tmp_path):
    """An external function with no body and no rule, with active arguments: exit 1, one
    message naming the function and the call's source line and both fixes (register a
    gradient, or mark the function inactive), no traceback and no output file."""
    exe = _clang(clang)
    src = REJECTED / f"{program}.c"
    lines = src.read_text().splitlines()
    line = next(i for i, text in enumerate(lines, 1) if "REJECTED CALL" in text)
    callee = re.search(r"(\w+)\(", lines[line - 1].split("/*")[0]).group(1)
    binary = tmp_path / program
    cmd = [sys.executable, "-m", "enzyme_compat", "cc", "--cc", exe, f"-{opt}", str(src), "-lm",
           "-o", str(binary)]
    r = _run(cmd)
    assert r.returncode == 1, f"{' '.join(cmd)}\n{r.stdout}{r.stderr}"
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr
    assert callee in r.stderr, r.stderr
    assert f"{src.name}:{line}:" in r.stderr, r.stderr
    assert "__enzyme_register_gradient" in r.stderr, r.stderr
    assert "inactive" in r.stderr, r.stderr
    assert not binary.exists()


def test_corpus_shape():
    """The corpus the parametrized tests run: enough programs, each saying what it covers,
    using the shared checks, registering a rule and keeping its custom functions calls."""
    assert len(PROGRAMS) >= 12
    assert REJECTED_PROGRAMS
    for name in PROGRAMS:
        text = (CORPUS / f"{name}.c").read_text()
        assert text.startswith("/*"), f"{name}.c: no leading comment"
        assert '#include "custom.h"' in text, name
        assert REGISTRATION.search(text) or ANNOTATION.search(text), name
        assert "noinline" in text, name
        assert re.search(r"__enzyme_(autodiff|fwddiff|augmentfwd)\w*\(", text), name
        assert re.search(r"check_grad(_rule)?\w*\(", text), name
        assert "return failures != 0;" in text, name
    # every registration form the engine implements is exercised somewhere
    everything = "\n".join((CORPUS / f"{n}.c").read_text() for n in PROGRAMS)
    for needed in ("__enzyme_register_gradient_", "__enzyme_register_derivative_",
                   "__enzyme_inactivefn", "__enzyme_function_like", "__enzyme_allocation_like",
                   "__enzyme_inactive_global", 'annotate("enzyme_inactive")',
                   'annotate("enzyme_function_like='):
        assert needed in everything, needed
