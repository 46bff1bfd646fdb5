"""Rust and Fortran front ends, differentiated from C drivers across languages:
`rustc --emit=llvm-ir` / `flang -S -emit-llvm` IR and a C driver calling
`__enzyme_autodiff` / `__enzyme_fwddiff` on its functions go through `enzyme-compat cc
--merge` (one module before AD); the derivatives printed by the program are checked
against analytic ones and central finite differences. Skipped when rustc, flang-N,
clang-22 or llvm-link-22 is missing."""

from __future__ import annotations

import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).parent / "frontends"
X = [0.5, 1.5, -0.7, 2.0]
S = 1.3  # the scalar functions' argument
W = [1.0, 2.0, 3.0, 4.0]  # fscale: derivatives of W . y


def _rustc():
    found = shutil.which("rustc")
    home = Path.home() / ".cargo" / "bin" / "rustc"
    return found or (str(home) if home.exists() else None)


# Debian's flang releases (flang-N, or flang-new-N before 20); each writes LLVM N IR,
# which `cc --merge` converts to clang-22's syntax
FLANG_RELEASES = (16, 19, 22)


def _flang(release: int):
    for name in (f"flang-{release}", f"flang-new-{release}", f"/usr/lib/llvm-{release}/bin/flang-new",
                 f"/usr/lib/llvm-{release}/bin/flang"):
        if shutil.which(name):
            return name
    return None


def _flang_runtime(release: int) -> list:
    """Link arguments of flang N's runtime library (for code with runtime calls): flang 22's
    `flang_rt.runtime` is in clang-22's resource folder; older ones ship
    FortranRuntime and FortranDecimal (C++) in their own lib folder."""
    if release >= 20:
        return ["-lflang_rt.runtime"]
    return [f"-L/usr/lib/llvm-{release}/lib", "-lFortranRuntime", "-lFortranDecimal", "-lstdc++"]


RUSTC = _rustc()
HAVE_LLVM22 = bool(shutil.which("clang-22")) and bool(shutil.which("llvm-link-22")
                                                        or os.path.exists("/usr/lib/llvm-22/bin/llvm-link"))
needs_llvm = pytest.mark.skipif(not HAVE_LLVM22, reason="clang-22 and llvm-link-22 are needed")


def _cyc(i):
    return X[(i + 1) % len(X)], X[(i - 1) % len(X)]


P = [0.5, 1.5, -0.7, 2.0, 1.1, -0.3, 0.8, 1.7, -1.2]  # fortarr_driver.c's parameters


def _faxpb(i):  # p = (a, x, b): d/dp of W . (a x + b)
    a, x = P[0], P[1:5]
    if i == 0:
        return sum(w * v for w, v in zip(W, x))
    return W[i - 1] * a if i <= 4 else W[i - 5]


def _fdot(i):  # p = (x, w): d/dp of sum(x^2 w) + sum(x^2)
    return 2 * P[i] * (P[i + 4] + 1) if i < 4 else P[i - 4] ** 2


# name -> analytic derivative at index i
ANALYTIC = {
    "faxpb": _faxpb,
    "fsq": lambda i: 2 * P[i],
    "fdot": _fdot,
    "rpoly": lambda i: 9 * S * S - 2,
    "fpoly": lambda i: 9 * S * S - 2,
    "rsumsin": lambda i: math.sin(X[i]) + X[i] * math.cos(X[i]),
    "rvec": lambda i: 2 * X[i] * _cyc(i)[0] + _cyc(i)[1] ** 2,
    "riter": lambda i: math.exp(0.5 * X[i]) * (0.5 * X[i] + 1),
    "rcap": lambda i: 2 * X[i] * _cyc(i)[0] + _cyc(i)[1] ** 2,
    "rpush": lambda i: math.sin(X[i]) + X[i] * math.cos(X[i]) + 2 * X[i],
    "rzeros": lambda i: 2 * X[i] * math.cos(X[i] * X[i]),
    "fsum": lambda i: 2 * (i + 1) * X[i],
    "fintr": lambda i: math.exp(S) * (math.sin(S) + math.cos(S)) + 0.5 / math.sqrt(S),
    "fscale": lambda i: 4 * W[i] * X[i],
}


def cc(*args, cwd):
    return subprocess.run([sys.executable, "-m", "enzyme_compat", "cc", "--cc", "clang-22", *map(str, args)],
                          capture_output=True, text=True, cwd=cwd, timeout=900)


def check_output(text: str, expect: dict) -> None:
    """Every (mode, name) in `expect` printed its derivatives; each matches the analytic
    one (AD tightly, finite differences loosely)."""
    seen = {}
    for line in text.splitlines():
        mode, name, i, value = line.split()
        seen[(mode, name, int(i))] = float(value)
    for (mode, name), count in expect.items():
        for i in range(count):
            got = seen.get((mode, name, i))
            assert got is not None, f"no {mode} derivative of {name}[{i}] in:\n{text}"
            want = ANALYTIC[name](i)
            tol = 1e-5 if mode == "fd" else 1e-10
            assert got == pytest.approx(want, rel=tol, abs=tol), (mode, name, i, got, want)


# ------------------------------------------------------------------ Rust
needs_rust = pytest.mark.skipif(RUSTC is None, reason="rustc not installed")


def _panic(panic: str) -> list:
    return ["-C", "panic=abort"] if panic == "abort" else []


@pytest.fixture(scope="module")
def rust_runtimes(tmp_path_factory):
    """The Rust standard library and allocator shim as a static library (the crate's own
    functions come from the IR; the archive supplies __rust_alloc and the rest), one per
    panic strategy, built when first asked for."""
    folder = tmp_path_factory.mktemp("rust")
    built = {}

    def get(panic: str) -> Path:
        if panic not in built:
            lib = folder / panic / "librustfns.a"
            lib.parent.mkdir()
            r = subprocess.run([RUSTC, *_panic(panic), "-C", "opt-level=3", "--crate-type=staticlib",
                                "--emit=link", HERE / "rustfns.rs", "-o", lib], capture_output=True, text=True)
            assert r.returncode == 0, r.stderr
            built[panic] = lib
        return built[panic]
    return get


@pytest.fixture(scope="module")
def rust_runtime(rust_runtimes):
    return rust_runtimes("abort")


def rust_ir(folder: Path, level: str, panic: str = "abort") -> Path:
    ll = folder / f"rustfns.O{level}.{panic}.ll"
    r = subprocess.run([RUSTC, *_panic(panic), "-C", f"opt-level={level}", "--crate-type=lib",
                        "--emit=llvm-ir", HERE / "rustfns.rs", "-o", ll], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    return ll


# -O3: everything (rcap: Vec::with_capacity, whose buffer SROA passes through an integer;
# rpush: Vec::new growing through grow_one's __rust_alloc and __rust_realloc; rzeros:
# vec![0.0; n]); -O0: what
# calls no precompiled std function (Vec at -O0 calls RawVecInner's, which have no body in
# the crate's IR); the slice of from_raw_parts comes back from a call as a {ptr, len} pair,
# whose shadow pair reverse mode returns alongside
RUST_CASES = {
    "3": {"rpoly": "rev fwd", "rsumsin": "rev fwd", "rvec": "rev fwd", "riter": "rev fwd",
          "rcap": "rev fwd", "rpush": "rev fwd", "rzeros": "rev fwd"},
    "0": {"rpoly": "rev fwd", "rsumsin": "rev fwd"},
}


def _rust_from_c(tmp_path, runtime, ll, level, cases):
    defines = [f"-D{mode.upper()}_{name}" for name, modes in cases.items() for mode in modes.split()]
    exe = tmp_path / "prog"
    r = cc(f"-O{level}", "--merge", *defines, HERE / "rust_driver.c", ll, runtime, "-lm", "-o", exe,
           cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    run = subprocess.run([exe], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    expect = {}
    for name, modes in cases.items():
        n = 1 if name == "rpoly" else len(X)
        for mode in ["fd", *modes.split()]:
            expect[(mode, name)] = n
    check_output(run.stdout, expect)


@needs_llvm
@needs_rust
@pytest.mark.parametrize("level", sorted(RUST_CASES))
def test_rust_from_c(tmp_path, rust_runtime, level):
    _rust_from_c(tmp_path, rust_runtime, rust_ir(tmp_path, level), level, RUST_CASES[level])


# The default panic=unwind: calls that may panic are `invoke`s whose landing pads drop
# (the Vec's __rust_dealloc) and resume; reverse mode follows their normal edges.
RUST_UNWIND_CASES = {
    "3": {"rsumsin": "rev fwd", "rvec": "rev fwd", "rcap": "rev fwd", "rpush": "rev fwd",
          "rzeros": "rev fwd"},
    "0": {"rpoly": "rev fwd", "rsumsin": "rev fwd"},
}


@needs_llvm
@needs_rust
@pytest.mark.parametrize("level", sorted(RUST_UNWIND_CASES))
def test_rust_panic_unwind_from_c(tmp_path, rust_runtimes, level):
    ll = rust_ir(tmp_path, level, panic="unwind")
    if level == "3":  # the Vec temporary of rvec is dropped on its unwind path
        assert "invoke " in ll.read_text()
    _rust_from_c(tmp_path, rust_runtimes("unwind"), ll, level, RUST_UNWIND_CASES[level])


@needs_llvm
@needs_rust
def test_rust_refusal_is_located(tmp_path, rust_runtime):
    """At -O0 a `Vec` calls std's precompiled RawVecInner functions (no body in the
    crate's IR): refused with a located message naming them, never a traceback."""
    ll = rust_ir(tmp_path, "0")
    r = cc("-O0", "--merge", "-DREV_rvec", HERE / "rust_driver.c", ll, rust_runtime, "-lm", "-o",
           tmp_path / "prog", cwd=tmp_path)
    assert r.returncode == 1
    assert "Traceback" not in r.stderr
    assert "the merged module of" in r.stderr and "RawVecInner" in r.stderr
    assert "has no body in this module" in r.stderr


@needs_llvm
@needs_rust
def test_rust_allocators_are_data():
    """The allocator shim's v0 names (crate hash inside) are allocation-like with their
    __rust_dealloc; panics and the no-alloc-shim marker are inactive."""
    from enzyme_compat.ad.rules import default_registry

    reg = default_registry(22)
    found = reg.allocation_like("_RNvCsfLfy6EI15iL_7___rustc12___rust_alloc")
    assert found.free == "_RNvCsfLfy6EI15iL_7___rustc14___rust_dealloc" and found.free_takes_args
    assert reg.allocation_like("__rust_alloc_zeroed").free == "__rust_dealloc"
    assert reg.deallocation_like("_RNvCsAB_7___rustc14___rust_dealloc")
    for name in ("_RNvNtCsgEmfK2I1SDS_4core9panicking18panic_bounds_check",
                 "_RNvCsfLfy6EI15iL_7___rustc35___rust_no_alloc_shim_is_unstable_v2",
                 "_ZN4core9panicking5panic17h0123456789abcdefE"):
        assert reg.is_inactive_function(name), name
    assert not reg.is_inactive_function("_RNvNtCsgEmfK2I1SDS_4core3f6421_impl_sin")
    assert reg.function("_RNvCsX_7___rustc14___rust_realloc") is not None


# ------------------------------------------------------------------ Fortran
@pytest.fixture(params=FLANG_RELEASES, ids=lambda r: f"flang{r}")
def flang(request):
    """(release, flang command) of each Debian flang release, skipped when missing."""
    found = _flang(request.param)
    if found is None:
        pytest.skip(f"flang {request.param} not installed (apt-get install flang-{request.param})")
    return request.param, found


def flang_ir(flang, src: Path, folder: Path, level: str) -> Path:
    release, command = flang
    ll = folder / f"{src.stem}.flang{release}.O{level}.ll"
    r = subprocess.run([command, "-S", "-emit-llvm", f"-O{level}", src, "-o", ll],
                       capture_output=True, text=True, cwd=folder)
    assert r.returncode == 0, r.stderr
    return ll


@needs_llvm
@pytest.mark.parametrize("level", ["0", "2"])
def test_fortran_from_c(tmp_path, flang, level):
    ll = flang_ir(flang, HERE / "fortfns.f90", tmp_path, level)
    exe = tmp_path / "prog"
    r = cc(f"-O{level}", "--merge", HERE / "fortran_driver.c", ll, "-lm", "-o", exe, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    run = subprocess.run([exe], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    expect = {}
    for name, n in (("fpoly", 1), ("fintr", 1), ("fsum", len(X)), ("fscale", len(X))):
        for mode in ("fd", "rev", "fwd"):
            expect[(mode, name)] = n
    check_output(run.stdout, expect)


@needs_llvm
@pytest.mark.parametrize("level", ["0", "2"])
def test_fortran_array_syntax_from_c(tmp_path, flang, level):
    """Whole-array assignment, SUM and DOT_PRODUCT (runtime calls on descriptors at -O0:
    `_FortranAAssign` from flang 19, `_FortranASumReal8`, `_FortranADotProductReal8`;
    inlined loops at -O2) and a do loop, wrapped in C losses and differentiated across
    the languages in both modes."""
    ll = flang_ir(flang, HERE / "fortarr.f90", tmp_path, level)
    if level == "0":
        assert "@_FortranADotProductReal8" in ll.read_text()
    exe = tmp_path / "prog"
    r = cc(f"-O{level}", "--merge", HERE / "fortarr_driver.c", ll, *_flang_runtime(flang[0]), "-lm",
           "-o", exe, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    run = subprocess.run([exe], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0, run.stderr
    expect = {}
    for name, n in (("faxpb", 9), ("fsq", 4), ("fdot", 8)):
        for mode in ("fd", "rev", "fwd"):
            expect[(mode, name)] = n
    check_output(run.stdout, expect)


@needs_llvm
def test_fortran_runtime_refusal_is_named(tmp_path, flang):
    """An array intrinsic without a rule (PRODUCT at -O0) is refused with its name."""
    src = tmp_path / "prod.f90"
    src.write_text("function fprod(x) bind(C, name='fprod') result(y)\n  use iso_c_binding\n"
                   "  real(c_double), intent(in) :: x(3)\n  real(c_double) :: y\n"
                   "  y = product(x)\nend function\n")
    driver = tmp_path / "d.c"
    driver.write_text("extern double __enzyme_autodiff(void*, ...);\ndouble fprod(const double*);\n"
                      "int main(void) { double x[3] = {1, 2, 3}, d[3] = {0};\n"
                      "  __enzyme_autodiff((void*)fprod, x, d); return 0; }\n")
    ll = flang_ir(flang, src, tmp_path, "0")
    r = cc("-O0", "--merge", driver, ll, *_flang_runtime(flang[0]), "-lm", "-o", tmp_path / "prog",
           cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert "@_FortranAProductReal8" in r.stderr and "@fprod" in r.stderr


@needs_llvm
def test_fortran_io_is_inactive(tmp_path, flang):
    """A `print *` inside a differentiated routine is inactive."""
    src = tmp_path / "io.f90"
    src.write_text("function fio(x) bind(C, name='fio') result(y)\n  use iso_c_binding\n"
                   "  real(c_double), intent(in) :: x\n  real(c_double) :: y\n  y = x*x\n"
                   "  print *, 'y =', y\nend function\n")
    driver = tmp_path / "d.c"
    driver.write_text('#include <stdio.h>\nextern double __enzyme_autodiff(void*, ...);\n'
                      'double fio(const double*);\n'
                      'int main(void) { double x = 3, dx = 0;\n'
                      '  __enzyme_autodiff((void*)fio, &x, &dx); printf("%.17g\\n", dx);\n'
                      '  return 0; }\n')
    ll = flang_ir(flang, src, tmp_path, "0")
    exe = tmp_path / "prog"
    r = cc("-O0", "--merge", driver, ll, *_flang_runtime(flang[0]), "-lm", "-o", exe, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    run = subprocess.run([exe], capture_output=True, text=True, timeout=60)
    assert run.returncode == 0 and "y =" in run.stdout
    assert float(run.stdout.split()[-1]) == pytest.approx(6.0)


# ------------------------------------------------------------------ cc --merge itself
@needs_llvm
def test_merge_c_with_ir_and_hint(tmp_path):
    """Without --merge a function defined in another input is a located error naming
    --merge; with it, the C driver differentiates the IR's function."""
    (tmp_path / "sq.c").write_text("double sq(double x) { return x * x * x; }\n")
    (tmp_path / "main.c").write_text(
        '#include <stdio.h>\nextern double __enzyme_autodiff(void*, ...);\ndouble sq(double);\n'
        'int main(void) { printf("%g\\n", __enzyme_autodiff((void*)sq, 2.0)); return 0; }\n')
    r = subprocess.run(["clang-22", "-S", "-emit-llvm", "-O1", "sq.c", "-o", "sq.ll"], cwd=tmp_path)
    assert r.returncode == 0
    r = cc("-O1", "main.c", "sq.ll", "-o", "prog", cwd=tmp_path)
    assert r.returncode == 1 and "--merge" in r.stderr and "Traceback" not in r.stderr
    r = cc("-O1", "--merge", "main.c", "sq.ll", "-o", "prog", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    out = subprocess.run([tmp_path / "prog"], capture_output=True, text=True).stdout
    assert out.strip() == "12"
    r = cc("-O1", "--merge", "-c", "main.c", "sq.ll", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / "main.o").exists() and not (tmp_path / "sq.o").exists()
