"""Calls through function pointers loaded from memory (callbacks in structs; C++ virtual
calls are in tests/ad_reverse_cpp/stl_style.cpp): the candidates are the module's
address-taken functions of the call's prototype, compared at run time; a pointer to a
function outside the module stops the gradient with a message."""

import pathlib
import shutil
import subprocess
import sys

import pytest

SRC = pathlib.Path(__file__).parent / "ad_indirect" / "callbacks.c"


@pytest.mark.parametrize("opt", ["O0", "O2"])
@pytest.mark.parametrize("clang", [14, 22])
def test_callbacks(tmp_path, clang, opt):
    cc = shutil.which(f"clang-{clang}")
    if cc is None:
        pytest.skip(f"clang-{clang} is not installed")
    exe = tmp_path / "prog"
    r = subprocess.run([sys.executable, "-m", "enzyme_compat", "cc", "--cc", cc, f"-{opt}",
                        str(SRC), "-lm", "-o", str(exe)], capture_output=True, text=True,
                       timeout=300)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stdout.strip().endswith("ok"), r.stdout
    r = subprocess.run([str(exe), "outside"], capture_output=True, text=True, timeout=30)
    assert r.returncode != 0 and "returned" not in r.stdout, (r.returncode, r.stdout)
    assert "reached a function defined outside the differentiated module" in r.stderr
