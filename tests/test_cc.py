"""`enzyme-compat cc`: real builds with real clangs (skipped when a clang-N or opt-N is not
installed), errors as located messages, and the splitting of clang's arguments."""

from __future__ import annotations

import importlib.util
import pathlib
import shutil
import subprocess
import sys

import pytest

from enzyme_compat.cc import split_arguments

HERE = pathlib.Path(__file__).parent
FORWARD = HERE / "ad_forward"


def _needs(tool: str) -> str:
    exe = shutil.which(tool)
    if exe is None:
        pytest.skip(f"{tool} is not installed")
    return exe


def cc(*args, cwd=None, env=None):
    return subprocess.run([sys.executable, "-m", "enzyme_compat", "cc", *map(str, args)], capture_output=True,
                          text=True, cwd=cwd, env=env, timeout=600)


def run(exe):
    return subprocess.run([str(exe)], capture_output=True, text=True, timeout=120)


def assert_clean_failure(r, code=1):
    assert r.returncode == code, r.stdout + r.stderr
    assert "Traceback" not in r.stderr and "internal error" not in r.stderr, r.stderr


# ----------------------------------------------------------------- programs that run
@pytest.mark.parametrize("program", ["scalar", "loops", "heap"])
@pytest.mark.parametrize("clang, opt", [(14, "-O0"), (22, "-O2")])
def test_forward_program_builds_and_runs(program, clang, opt, tmp_path):
    _needs(f"clang-{clang}")
    exe = tmp_path / "prog"
    r = cc("--cc", f"clang-{clang}", opt, f"-I{FORWARD}", FORWARD / f"{program}.c", "-lm", "-o", exe)
    assert r.returncode == 0, r.stderr
    r = run(exe)
    assert r.returncode == 0, r.stdout + r.stderr


def test_plain_O0_keeps_optnone_and_works(tmp_path):
    """clang -O0 marks every function optnone; without --preopt/--postopt it stays, and the
    program is right."""
    _needs("clang-22")
    exe, keep = tmp_path / "prog", tmp_path / "ir"
    r = cc("--cc", "clang-22", "-O0", "--keep-ir", keep, f"-I{FORWARD}", FORWARD / "scalar.c", "-lm", "-o", exe)
    assert r.returncode == 0, r.stderr
    assert "optnone" in (keep / "scalar.ll").read_text()
    assert "optnone" in (keep / "scalar.ad.ll").read_text()
    assert "__enzyme_fwddiff" not in (keep / "scalar.ad.ll").read_text()
    assert run(exe).returncode == 0


def test_compile_only_then_separate_link(tmp_path):
    clang = _needs("clang-14")
    obj, exe = tmp_path / "loops.o", tmp_path / "prog"
    r = cc("--cc", "clang-14", "-O2", "-c", f"-I{FORWARD}", FORWARD / "loops.c", "-o", obj)
    assert r.returncode == 0, r.stderr
    assert obj.exists() and not exe.exists()
    nm = subprocess.run(["nm", str(obj)], capture_output=True, text=True).stdout
    assert " T main" in nm and "__enzyme_" not in nm  # tangents are internal, inlined at -O2
    r = subprocess.run([clang, str(obj), "-lm", "-o", str(exe)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    assert run(exe).returncode == 0


def test_compile_only_default_output_names(tmp_path):
    """Like clang: -c without -o writes STEM.o in the current folder, one per source."""
    _needs("clang-22")
    r = cc("--cc", "clang-22", "-c", f"-I{FORWARD}", FORWARD / "loops.c", FORWARD / "heap.c", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "loops.o").exists() and (tmp_path / "heap.o").exists()
    r = cc("--cc", "clang-22", "-c", f"-I{FORWARD}", FORWARD / "loops.c", FORWARD / "heap.c", "-o",
           tmp_path / "x.o")
    assert_clean_failure(r)
    assert "cannot specify -o when generating multiple output files" in r.stderr


def test_emit_llvm_is_the_differentiated_ir(tmp_path):
    _needs("clang-22")
    out = tmp_path / "loops.ll"
    r = cc("--cc", "clang-22", "-O2", "-S", "-emit-llvm", f"-I{FORWARD}", FORWARD / "loops.c", "-o", out)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert "__enzyme_" not in text and "define" in text and "fwddiffe_" in text


TWO_FILES_MAIN = r"""
#include <stdio.h>
extern double __enzyme_fwddiff(void *, ...);
double scale(double);                       /* in helper.c, not differentiated */
static double cube(double x) { return x * x * x; }
int main(void) {
  double d = __enzyme_fwddiff((void *)cube, 2.0, 1.0);
  printf("%g\n", scale(d));
  return d == 12.0 && scale(d) == 24.0 ? 0 : 1;
}
"""


def test_two_sources_and_an_object(tmp_path):
    """main and the differentiated function in one file, a helper in another (given once
    as a source and once as an already-built object)."""
    clang = _needs("clang-22")
    (tmp_path / "main.c").write_text(TWO_FILES_MAIN)
    (tmp_path / "helper.c").write_text("double scale(double v) { return 2 * v; }\n")
    r = cc("--cc", "clang-22", "-O2", "main.c", "helper.c", "-o", "prog", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert run(tmp_path / "prog").returncode == 0
    subprocess.run([clang, "-c", "helper.c", "-o", "helper.o"], cwd=tmp_path, check=True)
    r = cc("--cc", "clang-22", "-O0", "main.c", "helper.o", "-o", "prog2", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert run(tmp_path / "prog2").returncode == 0


def test_ir_and_bitcode_inputs_are_differentiated(tmp_path):
    """A .ll of another release (clang 16, read by the version-neutral reader) and a .bc
    built by clang 14, both compiled by clang 22."""
    clang16, clang14 = _needs("clang-16"), _needs("clang-14")
    _needs("clang-22")
    ll, bc = tmp_path / "heap.ll", tmp_path / "loops.bc"
    subprocess.run([clang16, "-S", "-emit-llvm", "-O2", f"-I{FORWARD}", str(FORWARD / "heap.c"), "-o", str(ll)],
                   check=True)
    subprocess.run([clang14, "-c", "-emit-llvm", "-O2", f"-I{FORWARD}", str(FORWARD / "loops.c"), "-o", str(bc)],
                   check=True)
    for inp in (ll, bc):
        exe = tmp_path / f"{inp.suffix[1:]}-prog"
        r = cc("--cc", "clang-22", "-O2", inp, "-lm", "-o", exe)
        assert r.returncode == 0, r.stderr
        assert run(exe).returncode == 0


REVERSE = r"""
extern double __enzyme_autodiff(void *, ...);
extern int enzyme_dup, enzyme_const;
double square(double x) { return x * x; }
double sumsq(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}
int main(void) {
  double x[3] = {1, 2, 3}, dx[3] = {0, 0, 0};
  __enzyme_autodiff((void *)sumsq, enzyme_dup, x, dx, enzyme_const, 3);
  return !(__enzyme_autodiff((void *)square, 3.0) == 6.0 && dx[0] == 2 && dx[1] == 4 && dx[2] == 6);
}
"""


@pytest.mark.parametrize("clang, opt", [(14, "-O0"), (22, "-O2")])
def test_reverse_mode_program(clang, opt, tmp_path):
    """`__enzyme_autodiff` goes through the same `differentiate_module`: nothing in cc is
    specific to a mode."""
    _needs(f"clang-{clang}")
    (tmp_path / "rev.c").write_text(REVERSE)
    r = cc("--cc", f"clang-{clang}", opt, "rev.c", "-o", "prog", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert run(tmp_path / "prog").returncode == 0


# ----------------------------------------------------------------- optimizers
@pytest.mark.parametrize("clang, opt_release", [(22, 22), (14, 14), (14, 22)])
@pytest.mark.parametrize("flags", [["--preopt"], ["--postopt"], ["--preopt", "--postopt"]])
@pytest.mark.parametrize("level", ["-O0", "-O2"])
def test_preopt_postopt(clang, opt_release, flags, level, tmp_path):
    """opt-N's O2 pipeline before and/or after AD; -O0's optnone is removed for it; with
    --opt-release 22 the clang 14 module is converted to LLVM 22 for opt-22 and back."""
    _needs(f"clang-{clang}")
    _needs(f"opt-{opt_release}")
    exe, keep = tmp_path / "prog", tmp_path / "ir"
    r = cc("--cc", f"clang-{clang}", "--opt-release", opt_release, *flags, level, "--keep-ir", keep, "-v",
           f"-I{FORWARD}", FORWARD / "loops.c", "-lm", "-o", exe)
    assert r.returncode == 0, r.stderr
    assert f"opt-{opt_release} -O2" in r.stderr
    stage = "preopt" if "--preopt" in flags else "postopt"
    assert "optnone" not in (keep / f"loops.{stage}.ll").read_text()
    r = run(exe)
    assert r.returncode == 0, r.stdout + r.stderr


@pytest.mark.parametrize("release", [7, 12, 23])
def test_toolchain_optimizer_for_a_release_without_opt(release, tmp_path):
    """No opt-N on PATH: an installed `enzyme-compat toolchain` N optimizes (llvmlite's pass
    managers for 7, zig's clang for 12, LLVM-C's LLVMRunPasses for karellen's 23); the clang
    22 module goes to release N's syntax and back."""
    from enzyme_compat import toolchains

    _needs("clang-22")
    if shutil.which(f"opt-{release}") or not toolchains.installed(release):
        pytest.skip(f"opt-{release} is installed, or LLVM {release} is not ({toolchains.missing_message(release)})")
    exe, keep = tmp_path / "prog", tmp_path / "ir"
    r = cc("--cc", "clang-22", "--opt-release", release, "--preopt", "--postopt", "-O0", "--keep-ir", keep, "-v",
           f"-I{FORWARD}", FORWARD / "loops.c", "-lm", "-o", exe)
    assert r.returncode == 0, r.stderr
    assert f"optimizer LLVM {release} via" in r.stderr
    before = (keep / "loops.ll").read_text().count("alloca")
    after = (keep / "loops.preopt.ll").read_text().count("alloca")
    assert after < before  # mem2reg/SROA ran
    assert run(exe).returncode == 0


def test_missing_optimizer_is_one_clear_message(tmp_path):
    """No opt-12 on an empty PATH, an empty toolchain cache, a clang 22: one line."""
    import os

    clang = _needs("clang-22")
    if pathlib.Path("/usr/lib/llvm-12/bin/opt").exists():
        pytest.skip("Debian's LLVM 12 is installed")
    env = {**os.environ, "PATH": str(tmp_path), "ENZYME_COMPAT_CACHE": str(tmp_path / "cache")}
    r = cc("--cc", clang, "--preopt", "--opt-release", "12", f"-I{FORWARD}", FORWARD / "loops.c",
           "-o", tmp_path / "p", env=env)
    assert_clean_failure(r)
    assert "need an LLVM 12 optimizer" in r.stderr and len(r.stderr.strip().splitlines()) == 1
    assert "enzyme-compat toolchain install 12" in r.stderr


@pytest.mark.matrix
def test_toolchain_optimize(toolchain):
    """`Toolchain.optimize`: the release's O2 pipeline (inlining, mem2reg) on a module in its
    own syntax, the result readable by our parser."""
    from enzyme_compat.ir.parser import parse

    if "optimize" not in toolchain.capabilities:
        pytest.skip(f"{toolchain!r} cannot optimize")
    module = parse(OPT_INPUT, "opt.ll")
    out = toolchain.optimize(module.to_text(release=toolchain.release))
    assert "alloca" not in out and "@sq" not in out and "fmul double" in out
    assert parse(out, "out.ll").get_function("f") is not None


OPT_INPUT = """
define internal double @sq(double %x) {
  %a = alloca double
  store double %x, ptr %a
  %v = load double, ptr %a
  %m = fmul double %v, %v
  ret double %m
}
define double @f(double %x) {
  %r = call double @sq(double %x)
  ret double %r
}
"""


# ----------------------------------------------------------------- errors
CROSS_MAIN = r"""
extern double __enzyme_fwddiff(void *, ...);
double sq(double x);
int main(void) { return __enzyme_fwddiff((void *)sq, 3.0, 1.0) != 6.0; }
"""


def test_cross_file_target_is_a_located_error(tmp_path):
    _needs("clang-22")
    (tmp_path / "main.c").write_text(CROSS_MAIN)
    (tmp_path / "sq.c").write_text("double sq(double x) { return x * x; }\n")
    r = cc("--cc", "clang-22", "-O2", "main.c", "sq.c", "-o", "prog", cwd=tmp_path)
    assert_clean_failure(r)
    assert r.stderr.startswith("main.c: error: in function @main")
    assert "main.c:4:" in r.stderr and "@sq" in r.stderr and "--merge" in r.stderr
    assert not (tmp_path / "prog").exists()
    r = cc("--cc", "clang-22", "-O2", "--merge", "main.c", "sq.c", "-o", "prog", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert subprocess.run([tmp_path / "prog"]).returncode == 0


UNKNOWN_CALL = r"""
extern double __enzyme_fwddiff(void *, ...);
double mystery(double);
double f(double x) {
  return mystery(x) * x;
}
int main(void) { return __enzyme_fwddiff((void *)f, 3.0, 1.0) > 0; }
"""


@pytest.mark.parametrize("flags", [["-O0"], ["-O2"], ["-O0", "-g"]])
def test_ad_error_is_located_without_traceback(flags, tmp_path):
    """An external call with an active argument has no derivative: one message naming the
    file, line, function and instruction (without -g the source is compiled again with
    line tables to find the line)."""
    _needs("clang-14")
    (tmp_path / "unk.c").write_text(UNKNOWN_CALL)
    r = cc("--cc", "clang-14", *flags, "unk.c", "-o", "prog", cwd=tmp_path)
    assert_clean_failure(r)
    assert r.stderr.startswith("unk.c: error: in function @f at `call @mystery` (unk.c:5:")
    assert "no derivative rule for @mystery" in r.stderr


def test_clang_error_passes_through_with_its_status(tmp_path):
    _needs("clang-22")
    (tmp_path / "bad.c").write_text("int main(void) { return nope; }\n")
    r = cc("--cc", "clang-22", "bad.c", "-o", "prog", cwd=tmp_path)
    assert_clean_failure(r, code=1)
    assert "bad.c:1:25: error: use of undeclared identifier 'nope'" in r.stderr
    assert "enzyme-compat" not in r.stderr


def test_link_error_passes_through(tmp_path):
    _needs("clang-22")
    (tmp_path / "m.c").write_text("double g(double);\nint main(void) { return g(1.0) > 0; }\n")
    r = cc("--cc", "clang-22", "m.c", "-o", "prog", cwd=tmp_path)
    assert_clean_failure(r, code=1)
    assert "undefined reference to `g'" in r.stderr


def test_rejected_ir_of_ours_is_named_as_our_bug():
    """clang failing on IR we printed keeps clang's message and status and says whose IR it was."""
    from enzyme_compat.cc import CcError, CompilerFailed, _ours_if_rejected

    with pytest.raises(CcError) as caught:
        with _ours_if_rejected("prog", "the differentiated module"):
            raise CompilerFailed("x.ll:3:1: error: expected instruction opcode\n", 1, "clang")
    assert caught.value.exit_code == 1
    assert str(caught.value).startswith("x.ll:3:1: error: expected instruction opcode\n")
    assert "enzyme-compat printed for prog" in str(caught.value)


def test_missing_compiler_is_one_line_exit_2(tmp_path):
    r = cc("--cc", "clang-does-not-exist-99", "x.c", "-o", "p", cwd=tmp_path)
    assert_clean_failure(r, code=2)
    assert r.stderr.strip() == ("enzyme-compat cc: error: compiler `clang-does-not-exist-99` not found "
                                "(No such file or directory)")


def test_compiler_that_is_not_clang(tmp_path):
    if shutil.which("gcc") is None or "clang" in subprocess.run(["gcc", "--version"], capture_output=True,
                                                                text=True).stdout:
        pytest.skip("no gcc that is not clang")
    r = cc("--cc", "gcc", "x.c", "-o", "p", cwd=tmp_path)
    assert_clean_failure(r, code=2)
    assert "is not clang" in r.stderr


# ----------------------------------------------------------------- other compilers
def test_default_compiler_skips_a_non_clang_CC(tmp_path):
    """$CC=gcc is passed over for the clang on PATH (clang, else the newest clang-N)."""
    import os

    if not (shutil.which("clang") or any(shutil.which(f"clang-{n}") for n in range(7, 30))):
        pytest.skip("no clang on PATH")
    r = cc("-v", "-O2", f"-I{FORWARD}", FORWARD / "scalar.c", "-lm", "-o", tmp_path / "p",
           env={**os.environ, "CC": "gcc"})
    assert r.returncode == 0, r.stderr
    assert "`gcc` is not a usable clang" in r.stderr
    assert run(tmp_path / "p").returncode == 0


@pytest.mark.skipif(importlib.util.find_spec("ziglang") is None,
                    reason="the ziglang package is not installed (pip install ziglang)")
def test_zig_cc(tmp_path):
    """zig's bundled clang (`python -m ziglang cc`, one shlex-split --cc) at -O0 and -O2."""
    zig = f"{sys.executable} -m ziglang cc"
    for level in ("-O0", "-O2"):
        exe = tmp_path / f"prog{level}"
        r = cc("--cc", zig, level, f"-I{FORWARD}", FORWARD / "loops.c", "-lm", "-o", exe)
        assert r.returncode == 0, r.stderr
        assert run(exe).returncode == 0, level


def test_passthrough_without_inputs_to_differentiate(tmp_path):
    _needs("clang-22")
    r = cc("--cc", "clang-22", "--version")
    assert r.returncode == 0 and "clang version 22" in r.stdout
    (tmp_path / "x.c").write_text("#define TWO 2\nint two = TWO;\n")
    r = cc("--cc", "clang-22", "-E", "x.c", cwd=tmp_path)
    assert r.returncode == 0 and "int two = 2;" in r.stdout


def test_help_documents_every_option():
    r = cc("--help")
    assert r.returncode == 0
    for option in ("--cc", "--preopt", "--postopt", "--opt-release", "--loose-types", "--keep-ir", "-v",
                   "-S -emit-llvm", "optnone", "exit status"):
        assert option in r.stdout, option


# ----------------------------------------------------------------- argument splitting
def test_split_arguments_roles():
    b = split_arguments(["-O2", "-I", "inc", "-DX=1", "-std=c11", "-Wall", "-fPIC", "-g", "a.c", "-x", "c",
                         "b.txt", "-x", "none", "lib.o", "-Llibdir", "-lm", "-Wl,--as-needed", "-pthread",
                         "k.ll", "-o", "out"])
    assert b.output == "out" and b.mode == "link"
    assert [(i.path, i.kind, i.lang) for i in b.inputs] == [
        ("a.c", "source", None), ("b.txt", "source", "c"), ("lib.o", "other", None), ("k.ll", "ir", None)]
    assert b.compile == ["-O2", "-I", "inc", "-DX=1", "-std=c11", "-Wall", "-fPIC", "-g", "-pthread"]
    assert b.codegen == ["-O2", "-fPIC", "-g"]
    flags = [x for x in b.link if isinstance(x, str)]
    assert flags == ["-O2", "-Llibdir", "-lm", "-Wl,--as-needed", "-pthread"]
    assert [x.path for x in b.link if not isinstance(x, str)] == ["a.c", "b.txt", "lib.o", "k.ll"]


@pytest.mark.parametrize("argv, mode", [(["-c"], "object"), (["-S"], "asm"), (["-S", "-emit-llvm"], "ir"),
                                        (["-c", "-emit-llvm"], "bitcode"), ([], "link")])
def test_split_arguments_modes(argv, mode):
    assert split_arguments([*argv, "a.c"]).mode == mode


def test_split_arguments_passthrough_and_joined_values():
    assert split_arguments(["-E", "a.c"]).passthrough
    assert split_arguments(["-print-resource-dir"]).passthrough
    b = split_arguments(["-oout", "-xc++", "a.weird", "-Xclang", "-disable-O0-optnone", "-mllvm", "-x=1"])
    assert b.output == "out" and b.inputs[0].kind == "source" and b.inputs[0].lang == "c++"
    assert b.compile == ["-Xclang", "-disable-O0-optnone", "-mllvm", "-x=1"]
    assert b.codegen == ["-mllvm", "-x=1"]
