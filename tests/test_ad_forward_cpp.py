"""Forward mode on C++ compiled with exceptions (tests/ad_forward_cpp/*.cpp, built by
`enzyme-compat cc` with clang++ 14 and 22 at -O0 and -O2, exceptions on as clang++ has
them): invokes, landing pads, cleanups and resumes cloned, the tangent of a call that may
throw invoked with the same landing pad; exceptions thrown and caught inside the
differentiated function. Reverse mode refuses, with a located error, an `invoke` whose
exception is caught and lets the function go on (tests/ad_reverse_cpp/invoke_cleanup.cpp,
built by tests/test_ad_reverse_api.py, covers the invokes it supports)."""

from __future__ import annotations

import pathlib
import shutil
import sys

import pytest

from c_programs import cc_build_and_run, run

HERE = pathlib.Path(__file__).parent
PROGRAMS = sorted(p.stem for p in (HERE / "ad_forward_cpp").glob("*.cpp"))


def _cxx(n: int) -> str:
    exe = shutil.which(f"clang++-{n}")
    if exe is None:
        pytest.skip(f"clang++-{n} is not installed")
    return exe


@pytest.mark.parametrize("opt", ["O0", "O2"])
@pytest.mark.parametrize("clang", [14, 22])
@pytest.mark.parametrize("program", PROGRAMS)
def test_cpp_program(program, clang, opt, tmp_path):
    src = HERE / "ad_forward_cpp" / f"{program}.cpp"
    cc_build_and_run(_cxx(clang), opt, src, src.parent, tmp_path / program)


@pytest.mark.parametrize("opt", ["O0", "O2"])
@pytest.mark.parametrize("clang", [14, 22])
def test_reverse_mode_refuses_a_caught_exception(clang, opt, tmp_path):
    src = HERE / "ad_reverse_cpp" / "invoke_rejected.cpp"
    r = run([sys.executable, "-m", "enzyme_compat", "cc", "--cc", _cxx(clang), f"-{opt}",
             str(src), "-o", str(tmp_path / "prog")])
    assert r.returncode == 1, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr
    assert "invoke @_Z5riskyd" in r.stderr and "is caught and the function goes on" in r.stderr
    assert "which path was taken" in r.stderr
    assert "invoke_rejected.cpp:" in r.stderr  # located in the source
    assert not (tmp_path / "prog").exists()
