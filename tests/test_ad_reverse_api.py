"""Reverse mode through the Python API and the ABI: gradients of a loop with memory and
a call (JIT on every release), memoisation, split mode in IR, and the located errors
for what cannot be differentiated (never a traceback, never a silently wrong gradient)."""

from __future__ import annotations

import math
import subprocess
import sys

import pytest

import enzyme_compat
from enzyme_compat.ad import (EnzymeABIError, NoDerivativeError, ShadowError,
                              TypeAnalysisError, UnsupportedInstructionError, autodiff,
                              differentiate_module)
from enzyme_compat.ad import jit as ad_jit

LOOP_SRC = """
define internal double @helper(double %a, double %b) {
  %m = fmul double %a, %b
  %d = fdiv double %m, %a
  %s = fadd double %d, %m
  ret double %s
}
define double @g(double %x, ptr %v, i32 %n) {
entry:
  %p = alloca double
  store double %x, ptr %p
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi double [ %x, %entry ], [ %a1, %loop ]
  %ix = zext i32 %i to i64
  %q = getelementptr double, ptr %v, i64 %ix
  %w = load double, ptr %q
  %old = load double, ptr %p
  %h = call double @helper(double %acc, double %w)
  %a1 = fmul double %h, %old
  store double %a1, ptr %p
  store double %a1, ptr %q
  %i1 = add i32 %i, 1
  %c = icmp slt i32 %i1, %n
  br i1 %c, label %loop, label %done
done:
  %z = load double, ptr %p
  %r = fmul double %z, %x
  ret double %r
}
"""


def _g(x, v, n):
    p, acc, v = x, x, list(v)
    for i in range(n):
        m = acc * v[i]
        h = m / acc + m
        acc = h * p
        p = acc
        v[i] = acc
    return p * x


@pytest.mark.matrix
def test_loop_memory_and_call_gradient_on_the_release_jit(toolchain, llvm_release):
    """x active, v duplicated (read then overwritten in a loop), a differentiated callee;
    the gradient against central finite differences, on the release's own LLVM."""
    release = llvm_release
    m = enzyme_compat.parse(enzyme_compat.parse(LOOP_SRC).to_text(release=release))
    name = autodiff(m, "g", ["out", "dup", "const"], release=release)
    # the counted loop reserves its tape space up front (the run below goes through it)
    aug = next(f for f in m.functions if f.name.startswith("sweeps_g"))
    assert sum(getattr(i.callee, "name", "") == "__enzyme_compat_tape_reserve"
               for b in aug.blocks for i in b.instructions if hasattr(i, "callee")) == 1
    x, v, n = 0.6, [0.9, 1.1, 0.8, 1.2], 3
    dv = [0.0] * 4
    call = ad_jit(m, name, release=release, pointees={1: "double", 2: "double"})
    (dx,) = call(x, list(v), dv, n)
    h = 1e-6
    fd_x = (_g(x + h, v, n) - _g(x - h, v, n)) / (2 * h)
    assert abs(dx - fd_x) <= 1e-6 * max(1, abs(fd_x)), (dx, fd_x)
    for k in range(4):
        vp, vm = list(v), list(v)
        vp[k] += h
        vm[k] -= h
        fd = (_g(x, vp, n) - _g(x, vm, n)) / (2 * h)
        assert abs(dv[k] - fd) <= 1e-6 * max(1, abs(fd)), (k, dv[k], fd)


SWEEPS_SRC = """
declare double @llvm.sin.f64(double)
declare double @llvm.exp.f64(double)
define double @f(double %x, double %y) {
entry:
  %a = fmul double %x, %y
  %c = fcmp olt double %x, 1.0
  br i1 %c, label %then, label %else
then:
  %s = call double @llvm.sin.f64(double %a)
  br label %join
else:
  %e = call double @llvm.exp.f64(double %a)
  br label %join
join:
  %p = phi double [ %s, %then ], [ %e, %else ]
  br label %loop
loop:
  %i = phi i32 [ 0, %join ], [ %i1, %loop ]
  %acc = phi double [ %p, %join ], [ %acc1, %loop ]
  %t = fmul double %acc, %acc
  %acc1 = call double @llvm.sin.f64(double %t)
  %i1 = add i32 %i, 1
  %d = icmp eq i32 %i1, 3
  br i1 %d, label %exit, label %loop
exit:
  %r = fmul double %acc1, %a
  ret double %r
}
define double @h(double %x) {
entry:
  %a = call double @llvm.exp.f64(double %x)
  %c = fcmp olt double %x, 0.5
  br i1 %c, label %r1, label %r2
r1:
  %b = fmul double %a, %a
  ret double %b
r2:
  %s = call double @llvm.sin.f64(double %a)
  ret double %s
}
define double @k(double %x, i32 %n) {
entry:
  br label %head
head:
  %i = phi i32 [ 0, %entry ], [ %i1, %body ]
  %acc = phi double [ %x, %entry ], [ %nxt, %body ]
  %c = icmp slt i32 %i, %n
  br i1 %c, label %body, label %done
body:
  %s = call double @llvm.sin.f64(double %acc)
  %nxt = fmul double %s, %x
  %i1 = add i32 %i, 1
  br label %head
done:
  %big = fcmp ogt double %acc, 0.0
  br i1 %big, label %pos, label %neg
pos:
  %p = fmul double %acc, %acc
  br label %join
neg:
  %q = call double @llvm.exp.f64(double %acc)
  br label %join
join:
  %r = phi double [ %p, %pos ], [ %q, %neg ]
  ret double %r
}
define double @line(double %x, double %y) {
  %a = call double @llvm.sin.f64(double %x)
  %b = fmul double %a, %y
  %e = call double @llvm.exp.f64(double %b)
  %r = fdiv double %e, %x
  ret double %r
}
define double @forks(double %x, double %y) {
entry:
  %c = fcmp olt double %x, 0.5
  %a = fmul double %x, %y
  br i1 %c, label %l, label %r
l:
  %p = call double @llvm.sin.f64(double %a)
  br label %m
r:
  %q = fmul double %a, %x
  br label %m
m:
  %s = phi double [ %p, %l ], [ %q, %r ]
  %c2 = fcmp olt double %y, 0.3
  br i1 %c2, label %l2, label %r2
r2:
  %v = call double @llvm.exp.f64(double %s)
  %w = fadd double %v, %x
  br label %e
l2:
  %u = fmul double %s, %s
  br label %e
e:
  %o = phi double [ %u, %l2 ], [ %w, %r2 ]
  ret double %o
}
"""


def _sweeps_f(x, y):
    a = x * y
    acc = math.sin(a) if x < 1.0 else math.exp(a)
    for _ in range(3):
        acc = math.sin(acc * acc)
    return acc * a


def _sweeps_h(x):
    a = math.exp(x)
    return a * a if x < 0.5 else math.sin(a)


def _sweeps_k(x, n):
    acc = x
    for _ in range(n):
        acc = math.sin(acc) * x
    return acc * acc if acc > 0 else math.exp(acc)


def test_phi_operand_adjoints_on_edges():
    """The adjoint of a value only its own block and the phis of the one block it branches
    to read is handed from the reverse edge to the block's reverse code as a value, not a
    stack slot (`in_block_adjoint`): the diamond after the loop; the loop's body, whose
    value reaches the header's phi along the back edge, keeps its slot. Gradients against
    central differences through both arms."""
    for x, n in ((0.7, 3), (-0.8, 0), (-0.9, 3)):
        m = enzyme_compat.parse(SWEEPS_SRC)
        name = autodiff(m, "k", ["out", "const"], release=22)
        # slots for the adjoints of x, %acc, %nxt and %r; none for %p and %q
        assert sum(i.opcode == "alloca" for i in m.get_function("sweeps_k").blocks[0].instructions) == 4
        (dx,) = ad_jit(m, name, release=22)(x, n)
        fd = (_sweeps_k(x + 1e-6, n) - _sweeps_k(x - 1e-6, n)) / 2e-6
        assert abs(dx - fd) <= 1e-6 * max(1.0, abs(fd)), (x, n, dx, fd)


def _sweeps_line(x, y):
    return math.exp(math.sin(x) * y) / x


@pytest.mark.parametrize("fn, args", [("f", (0.6, 0.9)), ("f", (1.3, 0.4)), ("h", (0.2,)),
                                      ("h", (0.9,)), ("line", (0.7, 1.2))])
def test_one_function_of_both_sweeps(fn, args):
    """`__enzyme_autodiff`'s gradient is one function of both sweeps: what blocks that run
    once before every return compute is read as it is (straight-line code uses no tape);
    values of a loop that dominates the return (its last iteration's would be wrong), of
    a branch and of one of several returns still come from the tape. Checked against
    central differences on both sides of each branch."""
    m = enzyme_compat.parse(SWEEPS_SRC)
    name = autodiff(m, fn, ["out"] * len(args), release=22)
    sweeps = m.get_function("sweeps_" + fn)
    tape_calls = sum(getattr(i.callee, "name", "").startswith("__enzyme_compat_tape_p")
                     for b in sweeps.blocks for i in b.instructions if hasattr(i, "callee"))
    assert (tape_calls == 0) == (fn == "line")
    grad = ad_jit(m, name, release=22)(*args)
    primal = {"f": _sweeps_f, "h": _sweeps_h, "line": _sweeps_line}[fn]
    for k in range(len(args)):
        hi, lo = list(args), list(args)
        hi[k] += 1e-6
        lo[k] -= 1e-6
        fd = (primal(*hi) - primal(*lo)) / 2e-6
        assert abs(grad[k] - fd) <= 1e-6 * max(1.0, abs(fd)), (fn, k, grad[k], fd)


def _forks(x, y):
    a = x * y
    s = math.sin(a) if x < 0.5 else a * x
    return s * s if y < 0.3 else math.exp(s) + x


@pytest.mark.parametrize("x, y", [(0.3, 0.2), (0.3, 0.7), (0.8, 0.2), (0.8, 0.7)])
def test_adjoints_handed_to_the_forking_block(x, y):
    """The adjoint of a value that only its own block and the arms it branches to read
    (%a of both arms of the first if/else, the phi %s of both of the second) reaches
    its block's reverse code as a phi of what each arm's reverse code gathered, not
    through a stack slot (`_edge_values`): slots are left for the arguments and the
    returned phi alone. Every way through both forks against central differences."""
    m = enzyme_compat.parse(SWEEPS_SRC)
    name = autodiff(m, "forks", ["out", "out"], release=22)
    sweeps = m.get_function("sweeps_forks")
    assert sum(i.opcode == "alloca" for i in sweeps.blocks[0].instructions) == 3
    _check_forks(m, name, x, y)


@pytest.mark.parametrize("x, y", [(0.3, 0.2), (0.3, 0.7), (0.8, 0.2), (0.8, 0.7)])
def test_arm_taken_read_from_its_condition(x, y):
    """Which arm of an if/else ran is read from the branch's condition when the block
    that decides it runs once, before the reverse sweep (%c and %c2 of @forks): the
    forward sweep keeps no predecessor-index phi and the reverse one branches on the
    condition itself (its targets swapped where the arm on `false` comes first: no
    `xor`). Every way through both forks against central differences."""
    m = enzyme_compat.parse(SWEEPS_SRC)
    name = autodiff(m, "forks", ["out", "out"], release=22)
    insts = [i for b in m.get_function("sweeps_forks").blocks for i in b.instructions]
    assert not [i for i in insts if i.opcode == "switch" or i.opcode == "phi" and i.type.is_int]
    forks = [i.ops[0] for i in insts if i.opcode == "br" and i.ops]  # two in each sweep
    assert len(forks) == 4 and all(c.opcode == "fcmp" for c in forks), forks
    _check_forks(m, name, x, y)


def _check_forks(m, name, x, y):
    grad = ad_jit(m, name, release=22)(x, y)
    for k, (hi, lo) in enumerate((((x + 1e-6, y), (x - 1e-6, y)),
                                  ((x, y + 1e-6), (x, y - 1e-6)))):
        fd = (_forks(*hi) - _forks(*lo)) / 2e-6
        assert abs(grad[k] - fd) <= 1e-6 * max(1.0, abs(fd)), (x, y, k, grad[k], fd)


EXP_ARM_SRC = """
declare double @llvm.exp.f64(double)
define double @e(double %a, double %b) {
entry:
  %c = fcmp olt double %a, 0.0
  br i1 %c, label %neg, label %pos
neg:
  %d = fsub double %a, %b
  %r = call double @llvm.exp.f64(double %d)
  ret double %r
pos:
  %m = fmul double %a, %b
  ret double %m
}
"""


def _exp_arm(a, b):
    return math.exp(a - b) if a < 0.0 else a * b


def test_chain_rules_fetch_only_what_their_factor_reads():
    """A one-argument rule `chain(factor)` hands `factor` x and y only when it reads
    them, found from its code: exp's derivative reads y alone, so its reverse code
    neither recomputes x (`a - b`, from the arguments) nor tapes it. Gradients through
    both arms against central differences."""
    from enzyme_compat_plugins.rules_math import _reads

    assert _reads(lambda b, x, y: b.unary("cos", x)) == (True, False)
    assert _reads(lambda b, x, y: y) == (False, True)
    assert _reads(lambda b, x, y: (lambda: x)()) == (True, False)  # captured
    assert _reads(max) == (True, True)  # no code to read: both
    for a, b in ((-0.4, 0.3), (0.6, 0.3)):
        m = enzyme_compat.parse(EXP_ARM_SRC)
        name = autodiff(m, "e", ["out", "out"], release=22)
        sweeps = m.get_function("sweeps_e")
        rev = sweeps.blocks[[bb.name for bb in sweeps.blocks].index("reverse"):]
        assert not any(i.opcode == "fsub" for bb in rev for i in bb.instructions)
        grad = ad_jit(m, name, release=22)(a, b)
        for k, (hi, lo) in enumerate((((a + 1e-6, b), (a - 1e-6, b)),
                                      ((a, b + 1e-6), (a, b - 1e-6)))):
            fd = (_exp_arm(*hi) - _exp_arm(*lo)) / 2e-6
            assert abs(grad[k] - fd) <= 1e-6 * max(1.0, abs(fd)), (a, b, k, grad[k], fd)


def test_memoised_per_activity():
    m = enzyme_compat.parse(LOOP_SRC)
    a = autodiff(m, "g", ["out", "dup", "const"], release=22)
    b = autodiff(m, "g", ["enzyme_out", "enzyme_dup", "enzyme_const"], release=22)
    c = autodiff(m, "g", ["const", "dup", "const"], release=22)
    assert a == b != c
    names = [f.name for f in m.functions]
    assert sum(n.startswith("diffe_g") for n in names) == 2
    assert sum(n.startswith("reverse_helper") for n in names) == 1  # active both times


SPLIT = """
@enzyme_dup = external global i32
@enzyme_tape = external global i32
@enzyme_allocated = external global i32

define void @sq(ptr %x) {
  %v = load double, ptr %x
  %s = fmul double %v, %v
  store double %s, ptr %x
  ret void
}

declare i64 @__enzyme_augmentsize(ptr, ...)
declare void @__enzyme_augmentfwd(ptr, ...)
declare void @__enzyme_reverse(ptr, ...)

define double @run(double %x0) {
  %x = alloca double
  %dx = alloca double
  store double %x0, ptr %x
  store double 1.0, ptr %dx
  %n = call i64 (ptr, ...) @__enzyme_augmentsize(ptr @sq, metadata !"enzyme_dup")
  %buf = alloca i8, i64 %n
  call void (ptr, ...) @__enzyme_augmentfwd(ptr @sq, metadata !"enzyme_allocated", i64 %n, metadata !"enzyme_tape", ptr %buf, ptr %x, ptr %dx)
  call void (ptr, ...) @__enzyme_reverse(ptr @sq, metadata !"enzyme_allocated", i64 %n, metadata !"enzyme_tape", ptr %buf, ptr %x, ptr %dx)
  %d = load double, ptr %dx
  ret double %d
}
"""


def test_split_mode_in_ir_runs():
    m = enzyme_compat.parse(SPLIT, "split.ll")
    differentiate_module(m, release=22)
    text = m.to_text(release=22)
    assert "__enzyme_" not in text.replace("__enzyme_compat", "")
    assert ad_jit(m, "run", release=22)(0.75) == pytest.approx(1.5)


# --------------------------------------------------------------------------- errors
def _module(body, decls=""):
    return enzyme_compat.parse(f"""
@enzyme_out = external global i32
@enzyme_tape = external global i32
@gl = global double 0.0
declare double @__enzyme_autodiff(ptr, ...)
declare void @__enzyme_reverse(ptr, ...)
declare double @mystery(double)
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
{decls}
define double @main2(double %x, ptr %p, ptr %dp) {{
{body}
}}
""", "err.ll")


def _f(body):
    return f"define double @f(double %x, ptr %p) {{\n{body}\n}}\n"


@pytest.mark.parametrize("body, decls, error, text", [
    ("%r = call double (ptr, ...) @__enzyme_autodiff(ptr @mystery, double %x)\n  ret double %r",
     "", EnzymeABIError, "EmptyFunctionToDifferentiate"),
    ("%r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double %x, ptr %p, ptr %dp, i32 3)"
     "\n  ret double %r", _f("  ret double %x"), EnzymeABIError, "TooManyArgs"),
    ("%r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double %x, ptr @enzyme_out, "
     "ptr %p)\n  ret double %r", _f("  ret double %x"), EnzymeABIError, "enzyme_out needs"),
    ("call void (ptr, ...) @__enzyme_reverse(ptr @f, double %x, ptr %p, ptr %dp)\n"
     "  ret double 0.0", _f("  ret double %x"), EnzymeABIError, "needs the tape"),
    ("%r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double %x, ptr %p, ptr %dp)\n"
     "  ret double %r", _f("  %m = call double @mystery(double %x)\n  ret double %m"),
     NoDerivativeError, "@mystery"),
    ("%r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double %x, ptr %p, ptr %dp)\n"
     "  ret double %r", _f("  store double %x, ptr @gl\n  ret double %x"), ShadowError,
     "no shadow"),
    ("%r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double %x, ptr %p, ptr %dp)\n"
     "  ret double %r",
     _f("  %q = getelementptr i8, ptr %p, i64 64\n"
        "  call void @llvm.memcpy.p0.p0.i64(ptr %q, ptr %p, i64 16, i1 false)\n"
        "  ret double %x"), TypeAnalysisError, "copied bytes"),
    ("%r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double %x, ptr %p, ptr %dp)\n"
     "  ret double %r",
     _f("  %i = ptrtoint ptr %p to i64\n  %j = add i64 %i, 8\n"
        "  %q = inttoptr i64 %j to ptr\n  store double %x, ptr %q\n  ret double %x"),
     ShadowError, "no shadow"),
    ("%r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double %x, ptr %p, ptr %dp)\n"
     "  ret double %r",
     _f("  %o = load atomic i64, ptr %p seq_cst, align 8\n  %od = bitcast i64 %o to double\n"
        "  %n = fadd double %od, %x\n  %nb = bitcast double %n to i64\n"
        "  %c = cmpxchg ptr %p, i64 %o, i64 %nb seq_cst seq_cst, align 8\n"
        "  ret double %x"), UnsupportedInstructionError, "compare-and-swap of float bits"),
    ("%r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double %x, ptr %p, ptr %dp)\n"
     "  ret double %r",
     _f("  %xb = bitcast double %x to i64\n  %a = and i64 %xb, 9223372036854775807\n"
        "  %ab = bitcast i64 %a to double\n  ret double %ab"),
     UnsupportedInstructionError, "bits of a float, as the integer %xb, are used by `and`"),
])
def test_located_errors(body, decls, error, text):
    m = _module(body, decls)
    with pytest.raises(error, match=text) as info:
        differentiate_module(m, release=22)
    assert "in function @" in str(info.value)


def test_loose_types_accepts_an_untyped_copy():
    body = ("%r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double %x, ptr %p, "
            "ptr %dp)\n  ret double %r")
    decls = _f("  %q = getelementptr i8, ptr %p, i64 64\n"
               "  call void @llvm.memcpy.p0.p0.i64(ptr %q, ptr %p, i64 16, i1 false)\n"
               "  ret double %x")
    m = _module(body, decls)
    differentiate_module(m, release=22, loose_types=True)


def test_cli_reports_a_located_error(tmp_path):
    src = tmp_path / "bad.ll"
    src.write_text(_module(
        "%r = call double (ptr, ...) @__enzyme_autodiff(ptr @f, double %x, ptr %p, ptr %dp)\n"
        "  ret double %r", _f("  %m = call double @mystery(double %x)\n  ret double %m")
    ).to_text(release=22))
    out = tmp_path / "out.ll"
    r = subprocess.run([sys.executable, "-m", "enzyme_compat", "ad", str(src), "-o", str(out)],
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1, r.stderr
    assert "@mystery" in r.stderr and "in function @f" in r.stderr
    assert "Traceback" not in r.stderr and not out.exists()


@pytest.mark.parametrize("target", [13, 22])
def test_quick_start_example_runs(target, tmp_path):
    """The README's quick start: the bundled example (clang 22 -O2 output) differentiated,
    written for LLVM `target`, compiled by that release's clang and run."""
    import pathlib
    import shutil

    clang = shutil.which(f"clang-{target}")
    if clang is None:
        pytest.skip(f"clang-{target} is not installed")
    example = pathlib.Path(enzyme_compat.__file__).parent / "examples" / "grad.ll"
    out, exe = tmp_path / "grad.ll", tmp_path / "grad"
    r = subprocess.run([sys.executable, "-m", "enzyme_compat", "ad", str(example), "--to",
                        str(target), "-o", str(out)], capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([clang, str(out), "-lm", "-o", str(exe)], capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and "dL/dw = -5.25" in r.stdout, r.stdout


@pytest.mark.parametrize("program, flags", [("new_delete", ["-fno-exceptions"]),
                                            ("exceptions_caller", []),
                                            ("invoke_cleanup", []),
                                            ("stl_style", []),
                                            ("throw_through", [])])
@pytest.mark.parametrize("opt", ["O0", "O2"])
@pytest.mark.parametrize("clang", [14, 22])
def test_cpp_through_cc(program, flags, clang, opt, tmp_path):
    """C++ (tests/ad_reverse_cpp): new[]/delete[] in a constructor/destructor and
    new/delete of an object inside the differentiated function, member functions, a
    template; `__enzyme_*` calls that clang emits as `invoke`; invokes inside the
    differentiated functions whose landing pads run destructors and resume; std::vector
    grown by push_back, std::inner_product/accumulate, operator overloading, a virtual call
    (both modes); an exception thrown inside a gradient caught by the caller's try/catch."""
    import pathlib
    import shutil

    cxx = shutil.which(f"clang++-{clang}")
    if cxx is None:
        pytest.skip(f"clang++-{clang} is not installed")
    src = pathlib.Path(__file__).parent / "ad_reverse_cpp" / f"{program}.cpp"
    exe = tmp_path / "prog"
    r = subprocess.run([sys.executable, "-m", "enzyme_compat", "cc", "--cc", cxx, f"-{opt}",
                        *flags, str(src), "-o", str(exe)], capture_output=True,
                       text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0, r.stdout


@pytest.mark.parametrize("opt", ["O0", "O2"])
def test_readme_cpp_example(tmp_path, opt):
    """The README's C++ example (a template over a class with a virtual call, a std::vector
    copy) as printed there, built by `enzyme-compat cc --cc clang++-22`, prints the
    gradient the README shows, which is the central difference of its energy."""
    import pathlib
    import re
    import shutil

    cxx = shutil.which("clang++-22")
    if cxx is None:
        pytest.skip("clang++-22 is not installed")
    readme = (pathlib.Path(__file__).parent.parent / "README.md").read_text()
    block = re.search(r"```cpp\n(// energy\.cpp\n.*?)```", readme, re.S)
    shown = re.search(r"\./energy +# ([-0-9. ]+)\n", readme)
    assert block and shown
    src, exe = tmp_path / "energy.cpp", tmp_path / "energy"
    src.write_text(block.group(1))
    r = subprocess.run([sys.executable, "-m", "enzyme_compat", "cc", "--cc", cxx, f"-{opt}",
                        str(src), "-o", str(exe)], capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    r = subprocess.run([str(exe)], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and r.stdout.split() == shown.group(1).split(), r.stdout

    p, k, rest, h = [0.0, 1.1, 2.0, 3.3], 2.0, 1.0, 1e-6

    def energy(q):
        return sum(0.5 * k * (q[i + 1] - q[i] - rest) ** 2 * (1 + (q[i + 1] - q[i]) ** 2)
                   for i in range(3))

    for i, got in enumerate(map(float, r.stdout.split())):
        up = [v + h * (j == i) for j, v in enumerate(p)]
        down = [v - h * (j == i) for j, v in enumerate(p)]
        assert abs(got - (energy(up) - energy(down)) / (2 * h)) < 1e-5
