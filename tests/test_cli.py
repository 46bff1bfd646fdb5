"""The command line: convert, detect, exit codes, atomic output, untouched input."""

from __future__ import annotations

import subprocess
import sys

import pytest

TYPED = """\
define double @sq(double* %p) {
  %v = load double, double* %p, align 8
  %m = fmul double %v, %v
  ret double %m
}
"""

OPAQUE_NEW = """\
define i64 @f(i32 %a) {
  %z = zext nneg i32 %a to i64
  %n = fneg double 1.0
  ret i64 %z
}
"""


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "enzyme_compat", *args], capture_output=True,
                          text=True, cwd=cwd)


def test_convert_writes_output_and_leaves_input(tmp_path):
    src = tmp_path / "in.ll"
    src.write_text(TYPED)
    out = tmp_path / "out.ll"
    r = run("convert", str(src), "--to", "17", "-o", str(out))
    assert r.returncode == 0, r.stderr
    assert "load double, ptr %p" in out.read_text()
    assert src.read_text() == TYPED
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".enzyme-compat-")]


def test_convert_to_stdout_for_an_old_release():
    r = subprocess.run([sys.executable, "-m", "enzyme_compat", "convert", "-", "--to", "7"],
                       input="", capture_output=True, text=True)
    assert r.returncode == 1  # '-' is not a readable file: a user error, one line
    assert "Traceback" not in r.stderr


def test_bad_input_exit_1_located_and_no_output(tmp_path):
    src = tmp_path / "bad.ll"
    src.write_text("define i32 @f() {\n  ret i32 %nope\n}\n")
    out = tmp_path / "out.ll"
    r = run("convert", str(src), "--to", "15", "-o", str(out))
    assert r.returncode == 1
    assert r.stderr.startswith(f"{src}:2:11: error: use of undefined value '%nope'")
    assert "^" in r.stderr and "Traceback" not in r.stderr
    assert not out.exists()


def test_unexpressible_construct_is_a_user_error(tmp_path):
    src = tmp_path / "bf.ll"
    src.write_text("@b = global bfloat 0xR3F80\n")
    r = run("convert", str(src), "--to", "10")
    assert r.returncode == 1
    assert "bfloat" in r.stderr and "LLVM 10 cannot express" in r.stderr


def test_unknown_release(tmp_path):
    src = tmp_path / "m.ll"
    src.write_text(TYPED)
    r = run("convert", str(src), "--to", "6")
    assert r.returncode == 1 and "unknown LLVM release 6" in r.stderr


@pytest.mark.parametrize("text,expected", [(TYPED, "releases: 7..23"),
                                           (OPAQUE_NEW, "releases: 18..23")])
def test_detect(tmp_path, text, expected):
    src = tmp_path / "m.ll"
    src.write_text(text + '!llvm.ident = !{!0}\n!0 = !{!"clang version 99"}\n')
    r = run("detect", str(src))
    assert r.returncode == 0, r.stderr
    assert expected in r.stdout
    assert "producer: clang version 99" in r.stdout
