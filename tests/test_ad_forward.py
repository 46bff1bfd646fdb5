"""Forward mode (`__enzyme_fwddiff`): C programs end to end with real clangs, every rule
against central finite differences on the JIT of every installed LLVM release, the ABI,
activity, memoisation and located errors."""

from __future__ import annotations

import gc
import math
import pathlib
import sys

import re
import weakref

import pytest

import enzyme_compat
from enzyme_compat import toolchains
from enzyme_compat.ad import (DifferentiationError, EnzymeABIError, NoDerivativeError,
                              ShadowError, UnsupportedInstructionError,
                              differentiate_module, fwddiff)
from enzyme_compat.ad import jit as ad_jit
from enzyme_compat.ad.rules import ForwardRule, RuleRegistry, default_registry

from ad_cases import (CASES, DECLS, LIBM1, LIBM2, UNARY, _bits, _case_function,  # noqa: F401
                      _jit_has_libm, _needs_libm, _probes)
from c_programs import cflags as _cflags, clang as _clang, run as _run  # noqa: E402

HERE = pathlib.Path(__file__).parent
PROGRAMS = sorted(p.stem for p in (HERE / "ad_forward").glob("*.c"))
CLANGS = (14, 16, 22)  # typed pointers (14) and opaque (16, 22)





# ----------------------------------------------------------------- C programs end to end
@pytest.mark.parametrize("opt", ["O0", "O2"])
@pytest.mark.parametrize("clang", CLANGS)
@pytest.mark.parametrize("program", PROGRAMS)
def test_c_program(program, clang, opt, tmp_path):
    exe = _clang(clang)
    src = HERE / "ad_forward" / f"{program}.c"
    ll, out, binary = tmp_path / "in.ll", tmp_path / "out.ll", tmp_path / "prog"
    extra = ["-Xclang", "-disable-O0-optnone"] if opt == "O0" else []
    r = _run([exe, "-S", "-emit-llvm", f"-{opt}", *extra, *_cflags(src), f"-I{src.parent}",
              str(src), "-o", str(ll)])
    assert r.returncode == 0, r.stderr
    r = _run([sys.executable, "-m", "enzyme_compat.ad.cli", str(ll), "-o", str(out)])
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert "__enzyme_fwddiff" not in text and "@enzyme_dup" not in text
    r = _run([exe, str(out), "-lm", "-o", str(binary)])
    assert r.returncode == 0, r.stderr
    r = _run([str(binary)])
    assert r.returncode == 0, r.stdout + r.stderr


def test_optnone_functions_are_differentiated(tmp_path):
    """Plain -O0 (functions carry optnone/noinline): the tangent function has no attributes
    and the program still links and runs."""
    exe = _clang(22)
    src = HERE / "ad_forward" / "scalar.c"
    ll, out, binary = tmp_path / "in.ll", tmp_path / "out.ll", tmp_path / "prog"
    assert _run([exe, "-S", "-emit-llvm", "-O0", f"-I{src.parent}", str(src), "-o",
                 str(ll)]).returncode == 0
    assert _run([sys.executable, "-m", "enzyme_compat.ad.cli", str(ll), "-o",
                 str(out)]).returncode == 0
    assert _run([exe, str(out), "-lm", "-o", str(binary)]).returncode == 0
    assert _run([str(binary)]).returncode == 0


# ------------------------------------------------- rules against finite differences (JIT)
def _driver(cases, names, release):
    p = "double*" if release < 15 else "ptr"
    lines, slot = [], 0
    for k, (_, _, x, y, _) in enumerate(cases):
        calls = [(names[k], [x, 1.0, y, 0.0]), (names[k], [x, 0.0, y, 1.0])]
        calls += [(f"case{k}", list(pt)) for pt in _probes(x, y)]
        for fn, args in calls:
            a = ", ".join(f"double {_bits(v)}" for v in args)
            lines.append(f"  %v{slot} = call double @{fn}({a})")
            lines.append(f"  %p{slot} = getelementptr double, {p} %out, i64 {slot}")
            lines.append(f"  store double %v{slot}, {p} %p{slot}")
            slot += 1
    return (f"define void @driver({p} %out, i64 %n) {{\n" + "\n".join(lines)
            + "\n  ret void\n}\n"), slot


def _rule_errors(release, libm=True):
    """{case: (relative error d/dx, d/dy)} for every case applying to `release`."""
    from packaging.specifiers import SpecifierSet

    cases = [c for c in CASES if SpecifierSet(c[4]).contains(str(release))
             and (libm or not _needs_libm(c))]
    src = "".join(_case_function(k, c[1]) for k, c in enumerate(cases)) + DECLS
    text_n = enzyme_compat.parse(src, "rules.ll").to_text(release=release)
    module = enzyme_compat.parse(text_n, "rules.ll")
    names = [fwddiff(module, f"case{k}", ["dup", "dup"], release=release)
             for k in range(len(cases))]
    driver, slots = _driver(cases, names, release)
    text = module.to_text(release=release) + driver
    out = [0.0] * slots
    toolchains.get(release).jit_call(text, "driver", "void(double*, i64)", [out, slots])
    errors = {}
    for k, (name, _, x, y, _) in enumerate(cases):
        tx, ty, fxp, fxm, fyp, fym = out[6 * k:6 * k + 6]
        (xp, _), (xm, _), (_, yp), (_, ym) = _probes(x, y)
        fdx, fdy = (fxp - fxm) / (xp - xm), (fyp - fym) / (yp - ym)
        errors[name] = tuple(abs(t - fd) / max(1.0, abs(fd)) for t, fd in ((tx, fdx), (ty, fdy)))
    return errors


@pytest.mark.matrix
def test_rules_match_finite_differences(toolchain, llvm_release):
    """Every rule's tangent, JIT-run on the release's own LLVM (the nox matrix sessions
    run this per release: `pytest -m matrix --llvm N`)."""
    release = llvm_release
    libm = _jit_has_libm(release)
    errors = _rule_errors(release, libm)
    bad = {k: e for k, e in errors.items() if max(e) > 1e-6}
    assert not bad, f"LLVM {release}: tangents differ from finite differences: {bad}"
    assert len(errors) >= (40 if libm else 12)
    if not libm:
        pytest.xfail(f"LLVM {release}'s JIT cannot call libm: only the {len(errors)} "
                     "cases without math calls were run (all passed)")


def test_every_requested_rule_is_registered():
    r = default_registry(22)
    for op in ["fadd", "fsub", "fmul", "fdiv", "frem", "fneg", "fpext", "fptrunc", "bitcast",
               "select", "extractelement", "insertelement", "shufflevector", "extractvalue",
               "insertvalue", "load", "store", "getelementptr", "alloca"]:
        assert r.instruction(op) is not None and not r.instruction(op).inactive, op
    for op in ["sitofp", "uitofp", "fcmp", "icmp", "add", "mul", "and"]:
        assert r.instruction_is_inactive(op), op
    for name in ["sqrt", "sin", "cos", "exp", "exp2", "log", "log2", "log10", "pow", "powi",
                 "fabs", "copysign", "minnum", "maxnum", "fma", "fmuladd", "floor", "ceil",
                 "trunc", "rint", "nearbyint", "round", "vector.reduce.fadd", "memcpy",
                 "memmove", "memset"]:
        assert r.intrinsic(f"llvm.{name}.f64") is not None, name
    for name in ["sin", "cos", "tan", "exp", "log", "sqrt", "pow", "fabs", "atan", "tanh"]:
        assert r.function(name) is not None and r.function(name + "f") is not None, name
    libm = ["sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh", "cosh", "tanh",
            "asinh", "acosh", "atanh", "exp", "expm1", "exp2", "exp10", "log", "log1p", "log2",
            "log10", "pow", "sqrt", "cbrt", "hypot", "fabs", "fmin", "fmax", "fmod", "erf",
            "erfc", "tgamma", "lgamma", "ldexp", "frexp", "modf", "copysign", "fma"]
    names = [n + s for n in libm for s in ("", "f")]
    assert len(names) >= 60 and all(r.function(n) is not None for n in names)
    for name in ["tan", "asin", "acos", "atan", "sinh", "cosh", "tanh", "exp10", "ldexp",
                 "frexp", "atan2", "sincos", "modf", "minimumnum", "maximumnum"]:
        assert r.intrinsic(f"llvm.{name}.f64") is not None, name
        assert default_registry(16).intrinsic(f"llvm.{name}.f64") is None, name
    assert not r.instruction("atomicrmw").inactive
    assert default_registry(11).intrinsic("llvm.vector.reduce.fadd.v2f64") is None
    assert default_registry(11).intrinsic(
        "llvm.experimental.vector.reduce.v2.fadd.f64.v2f64") is not None


# -------------------------------------------------------------------- API, ABI, errors
SIMPLE = """
@enzyme_dup = external global i32
@enzyme_const = external global i32
@g = global double 0.0

define double @sq(double %x, i32 %n) {
  %r = fmul double %x, %x
  ret double %r
}

declare double @__enzyme_fwddiff(ptr, ...)
declare double @__enzyme_fwddiff_md(ptr, ...)
declare double @mystery(double)

define double @main2(double %x) {
  %m = load i32, ptr @enzyme_dup
  %c = load i32, ptr @enzyme_const
  %a = call double (ptr, ...) @__enzyme_fwddiff(ptr @sq, i32 %m, double %x, double 1.0, i32 %c, i32 3)
  %b = call double (ptr, ...) @__enzyme_fwddiff(ptr @sq, double %x, double 1.0, i32 3)
  %d = call double (ptr, ...) @__enzyme_fwddiff_md(ptr @sq, metadata !"enzyme_dup", double %x, double 1.0, metadata !"enzyme_const", i32 3)
  %s = fadd double %a, %b
  %t = fadd double %s, %d
  ret double %t
}
"""


def test_markers_defaults_and_memoisation():
    m = enzyme_compat.parse(SIMPLE, "t.ll")
    names = differentiate_module(m, release=22)
    assert names == ["fwddiffe_sq"] * 3  # one function per (function, activity)
    text = m.to_text(release=22)
    assert "__enzyme_fwddiff" not in text and "@enzyme_dup" not in text
    assert text.count("define internal double @fwddiffe_sq(") == 1
    if toolchains.installed(22):
        assert toolchains.get(22).jit_call(text, "main2", "double(double)", [1.5]) == 9.0



def test_module_is_freed_after_the_run():
    """Nothing of a differentiated module outlives it: a memo of the lowering that kept
    its last block kept every function alive until the next run (and made the process's
    exit collect all of it)."""
    m = enzyme_compat.parse(SIMPLE, "t.ll")
    differentiate_module(m, release=22)
    alive = [weakref.ref(f) for f in m.functions]
    del m
    gc.collect()
    assert [r().name for r in alive if r() is not None] == []

MARKERS_ELSEWHERE = """
@enzyme_dup = external global i32
@enzyme_const = external global i32
@keep = global ptr null

define double @sq(double %x) {
  %dead = load i32, ptr @enzyme_const
  %r = fmul double %x, %x
  ret double %r
}

define void @take() {
  store ptr @enzyme_dup, ptr @keep
  ret void
}

define double @idle(double %x) {
  %u = load i32, ptr @enzyme_const
  %f = sitofp i32 %u to double
  %r = fadd double %x, %f
  ret double %r
}

declare double @__enzyme_fwddiff(ptr, ...)

define double @main2(double %x) {
  %m = load i32, ptr @enzyme_dup
  %a = call double (ptr, ...) @__enzyme_fwddiff(ptr @sq, i32 %m, double %x, double 1.0)
  ret double %a
}
"""


def test_cleanup_keeps_used_markers_and_drops_dead_marker_loads():
    """What the cleanup after lowering removes: dead marker loads in the caller, in the
    differentiated function and in its derived copy (which only the differentiated
    function's own uses could have put there), the lowered declaration; what it keeps:
    a marker whose address is stored, one a function still loads."""
    m = enzyme_compat.parse(MARKERS_ELSEWHERE, "t.ll")
    assert differentiate_module(m, release=22) == ["fwddiffe_sq"]
    text = m.to_text(release=22)
    again = enzyme_compat.parse(text, "again.ll")  # every symbol used is still defined
    assert "__enzyme_fwddiff" not in text and "%dead" not in text
    assert again.get_function("fwddiffe_sq") is not None
    assert "store ptr @enzyme_dup, ptr @keep" in text
    assert "load i32, ptr @enzyme_const" in text  # @idle's, used
    if toolchains.installed(22):
        assert toolchains.get(22).jit_call(text, "main2", "double(double)", [1.5]) == 3.0


def test_python_api_activity_and_returns():
    m = enzyme_compat.parse(SIMPLE, "t.ll")
    assert fwddiff(m, "sq", ["enzyme_dup", "const"]) == "fwddiffe_sq"
    both = fwddiff(m, "sq", ["dup", "const"], returns="both")
    assert m.get_function(both).fn_type.ret.elems[0].is_float
    with pytest.raises(EnzymeABIError):
        fwddiff(m, "sq", ["dup"])
    with pytest.raises(EnzymeABIError):
        fwddiff(m, "nope")


def test_too_few_arguments_is_located():
    m = enzyme_compat.parse(SIMPLE.replace(", i32 %c, i32 3)\n  %b", ")\n  %b"), "t.ll")
    with pytest.raises(EnzymeABIError, match=r"main2.*too few arguments"):
        differentiate_module(m, release=22)


ERRORS = {
    "mystery": ("%a = call double @mystery(double %x), !dbg !9", NoDerivativeError,
                r"@f .*call @mystery.*t\.c:7:3.*no derivative rule for @mystery"),
    "global": ("store double %x, ptr @g, !dbg !9\n  %a = fadd double %x, 1.0", ShadowError,
               r"@f .*store.*t\.c:7:3.*no shadow"),
    "atomic": ("%p = alloca double\n  store double %x, ptr %p\n"
               "  %a = atomicrmw fmax ptr %p, double %x seq_cst, !dbg !9",
               UnsupportedInstructionError, r"@f .*atomicrmw.*t\.c:7:3.*fmax"),
}


@pytest.mark.parametrize("kind", sorted(ERRORS))
def test_errors_name_function_instruction_and_location(kind):
    body, cls, pattern = ERRORS[kind]
    src = f"""
@g = global double 0.0
declare double @mystery(double)
define double @f(double %x) !dbg !5 {{
  {body}
  ret double %a
}}
!llvm.module.flags = !{{!0}}
!llvm.dbg.cu = !{{!2}}
!0 = !{{i32 2, !"Debug Info Version", i32 3}}
!1 = !DIFile(filename: "t.c", directory: "/tmp")
!2 = distinct !DICompileUnit(language: DW_LANG_C99, file: !1, emissionKind: FullDebug)
!5 = distinct !DISubprogram(name: "f", scope: !1, file: !1, line: 5, unit: !2)
!9 = !DILocation(line: 7, column: 3, scope: !5)
"""
    m = enzyme_compat.parse(src, "t.ll")
    with pytest.raises(cls, match=pattern) as e:
        fwddiff(m, "f", ["dup"], release=22)
    assert isinstance(e.value, DifferentiationError)
    assert isinstance(e.value, enzyme_compat.errors.EnzymeCompatError)


def test_inactive_values_get_no_tangent_code():
    src = """
declare i32 @printf(ptr, ...)
@s = constant [3 x i8] c"%d\\00"
define double @f(double %x, double %k) {
  %c = fmul double %k, %k
  %i = fptosi double %x to i32
  %p = call i32 (ptr, ...) @printf(ptr @s, i32 %i)
  %r = fmul double %x, %c
  ret double %r
}
"""
    m = enzyme_compat.parse(src, "t.ll")
    name = fwddiff(m, "f", ["dup", "const"], release=22)
    body = m.to_text(release=22).split(f"@{name}(")[1].split("}")[0]
    assert body.count("fmul") == 3  # k*k, x*c and the one tangent product dx*c


def test_rules_carry_release_specifiers():
    a = ForwardRule("intrinsic", "thing", None)
    b = ForwardRule("intrinsic", "thing", lambda *_: None,
                    releases=__import__("packaging.specifiers").specifiers.SpecifierSet(">=19"))
    assert RuleRegistry([a], release=18).intrinsic("llvm.thing.f64").inactive
    with pytest.raises(DifferentiationError, match="two intrinsic rules"):
        RuleRegistry([a, b], release=19)
    c = ForwardRule("intrinsic", "thing", lambda *_: None, priority=1)
    assert not RuleRegistry([a, c], release=19).intrinsic("llvm.thing.f64").inactive


def test_finite_difference_helper_is_sound():
    """The probes bracket the point symmetrically (central differences)."""
    (xp, _), (xm, _), _, _ = _probes(2.0, 1.0)
    assert math.isclose((xp + xm) / 2, 2.0)


@pytest.mark.parametrize("source,target", [(22, 14), (14, 22)])
def test_cli_writes_another_release(source, target, tmp_path):
    """Typed input written opaque and back: the new functions follow the target's era."""
    src_clang, dst_clang = _clang(source), _clang(target)
    src = HERE / "ad_forward" / "loops.c"
    ll, out, binary = tmp_path / "in.ll", tmp_path / "out.ll", tmp_path / "prog"
    assert _run([src_clang, "-S", "-emit-llvm", "-O2", f"-I{src.parent}", str(src), "-o",
                 str(ll)]).returncode == 0
    r = _run([sys.executable, "-m", "enzyme_compat.ad.cli", str(ll), "-o", str(out),
              "--to", str(target)])
    assert r.returncode == 0, r.stderr
    assert ("double*" in out.read_text()) == (target < 15)
    r = _run([dst_clang, str(out), "-lm", "-o", str(binary)])
    assert r.returncode == 0, r.stderr
    assert _run([str(binary)]).returncode == 0


def test_cli_reports_errors_located_without_traceback(tmp_path):
    src = tmp_path / "bad.ll"
    src.write_text("""
declare double @mystery(double)
declare double @__enzyme_fwddiff(ptr, ...)
define double @f(double %x) {
  %a = call double @mystery(double %x)
  ret double %a
}
define double @main2(double %x) {
  %d = call double (ptr, ...) @__enzyme_fwddiff(ptr @f, double %x, double 1.0)
  ret double %d
}
""")
    r = _run([sys.executable, "-m", "enzyme_compat.ad.cli", str(src), "-o",
              str(tmp_path / "out.ll")])
    assert r.returncode == 1
    assert "@f" in r.stderr and "@mystery" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "out.ll").exists()


class _ThirdPartyRules:
    """A third-party plugin: a custom derivative for an external function, and an
    inactive logging function, through the same hooks the built-in rule sets use."""

    from enzyme_compat.ad.hookspecs import ad_hookimpl as _impl

    @staticmethod
    @_impl
    def enzyme_compat_forward_rules():
        # mystery(x) = x^3 (its body lives elsewhere): d = 3 x^2 dx
        def d_mystery(b, a, d):
            x = a[0]
            return b.fmul(d[0], b.binop("fmul", b.const(x, 3.0), b.binop("fmul", x, x)))
        return [ForwardRule("function", "mystery", d_mystery)]

    @staticmethod
    @_impl
    def enzyme_compat_inactive_functions():
        return ["log_value", "trace_*"]


def test_third_party_rule_plugin():
    from enzyme_compat.ad.rules import ad_plugin_manager, registry_from

    pm = ad_plugin_manager(extra=[_ThirdPartyRules()])
    registry = registry_from(pm, 22)
    assert registry.is_inactive_function("trace_enter")
    src = """
declare double @mystery(double)
declare void @log_value(double)
declare void @trace_enter(double)
define double @f(double %x) {
  call void @log_value(double %x)
  call void @trace_enter(double %x)
  %a = call double @mystery(double %x)
  %r = fmul double %a, %x
  ret double %r
}
"""
    m = enzyme_compat.parse(src, "t.ll")
    name = fwddiff(m, "f", ["dup"], registry=registry)
    if toolchains.installed(22):
        text = m.to_text(release=22)
        for decl, body in [
                ("declare double @mystery(double)", "define double @mystery(double %x) {\n"
                 "  %a = fmul double %x, %x\n  %b = fmul double %a, %x\n  ret double %b\n}"),
                ("declare void @log_value(double)", "define void @log_value(double %x) {\n"
                 "  ret void\n}"),
                ("declare void @trace_enter(double)", "define void @trace_enter(double %x) {\n"
                 "  ret void\n}")]:
            assert decl in text
            text = text.replace(decl, body)
        got = toolchains.get(22).jit_call(text, name, "double(double, double)", [1.5, 1.0])
        assert math.isclose(got, 4 * 1.5 ** 3, rel_tol=1e-12)  # d(x^4) = 4 x^3


@pytest.mark.parametrize("opt", ["O0", "O2"])
def test_debug_info_program(opt, tmp_path):
    """-g: tangent functions carry no debug locations of the primal's subprogram, the
    replacing call keeps the source line of the __enzyme_fwddiff call, the module verifies.
    (clang-22 -g output is not parsed yet: `declare !dbg` on declarations.)"""
    exe = _clang(14)
    src = HERE / "ad_forward" / "calls.c"
    ll, out, binary = tmp_path / "in.ll", tmp_path / "out.ll", tmp_path / "prog"
    extra = ["-Xclang", "-disable-O0-optnone"] if opt == "O0" else []
    assert _run([exe, "-g", "-S", "-emit-llvm", f"-{opt}", *extra, f"-I{src.parent}",
                 str(src), "-o", str(ll)]).returncode == 0
    r = _run([sys.executable, "-m", "enzyme_compat.ad.cli", str(ll), "-o", str(out)])
    assert r.returncode == 0, r.stderr
    r = _run([exe, str(out), "-lm", "-o", str(binary)])
    assert r.returncode == 0, r.stderr
    assert _run([str(binary)]).returncode == 0


def test_api_memoises_per_module_and_leaves_nothing_on_error():
    m = enzyme_compat.parse(SIMPLE, "t.ll")
    assert fwddiff(m, "sq", ["dup", "const"]) == fwddiff(m, "sq", ["dupnoneed", "const"])
    src = """
declare double @mystery(double)
define double @f(double %x) {
  %a = call double @mystery(double %x)
  ret double %a
}
"""
    m = enzyme_compat.parse(src, "t.ll")
    before = [f.name for f in m.functions]
    with pytest.raises(NoDerivativeError):
        fwddiff(m, "f")
    assert [f.name for f in m.functions] == before


@pytest.mark.parametrize("opt", ["O0", "O2"])
@pytest.mark.parametrize("clang", CLANGS)
def test_pointer_rebuilt_from_integer_is_refused(clang, opt, tmp_path):
    """Never a silently wrong derivative: a shadowed pointer laundered through an integer
    is an error naming the instruction."""
    exe = _clang(clang)
    src = HERE / "ad_forward_rejected" / "pointer_through_integer.c"
    ll = tmp_path / "in.ll"
    extra = ["-Xclang", "-disable-O0-optnone"] if opt == "O0" else []
    r = _run([exe, "-S", "-emit-llvm", f"-{opt}", *extra, str(src), "-o", str(ll)])
    assert r.returncode == 0, r.stderr
    r = _run([sys.executable, "-m", "enzyme_compat", "ad", str(ll), "-o", str(tmp_path / "o.ll")])
    assert r.returncode == 1, r.stdout + r.stderr
    assert "inttoptr" in r.stderr and "Traceback" not in r.stderr
    assert not (tmp_path / "o.ll").exists()


# ------------------------------------------------------- vector mode, jit helper, check
VECTOR_SRC = """
define internal double @helper(double %a, double %b) {
  %m = fmul double %a, %b
  %d = fdiv double %m, %a
  %s = fadd double %d, %m
  ret double %s
}
define double @g(double %x, double %y) {
entry:
  %p = alloca double
  store double %y, ptr %p
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi double [ %x, %entry ], [ %a1, %loop ]
  %v = load double, ptr %p
  %h = call double @helper(double %acc, double %v)
  %a1 = fmul double %h, 0x3FE0000000000000
  store double %a1, ptr %p
  %i1 = add i32 %i, 1
  %c = icmp slt i32 %i1, 3
  br i1 %c, label %loop, label %done
done:
  %w = load double, ptr %p
  %r = fmul double %w, %x
  ret double %r
}
"""


def _g_reference(x, y):
    p, acc = y, x
    for _ in range(3):
        m = acc * p
        acc = (m / acc + m) * 0.5
        p = acc
    return p * x


@pytest.mark.matrix
def test_vector_mode_matches_finite_differences(toolchain, llvm_release):
    """enzyme_width 3: three directional derivatives in one pass (phi, loop, memory with
    per-lane shadows, a differentiated call), on each release's JIT."""
    release = llvm_release
    m = enzyme_compat.parse(enzyme_compat.parse(VECTOR_SRC).to_text(release=release))
    name = fwddiff(m, "g", ["dup", "dup"], width=3, release=release)
    assert m.get_function(name).fn_type.ret.count == 3
    x, y = 0.7, 1.3
    dirs = [(1.0, 0.0), (0.0, 1.0), (1.0, -2.0)]
    got = ad_jit(m, name, release=release)(x, [d[0] for d in dirs], y, [d[1] for d in dirs])
    h = 1e-6
    for k, (dx, dy) in enumerate(dirs):
        fd = (_g_reference(x + h * dx, y + h * dy) - _g_reference(x - h * dx, y - h * dy)) / (2 * h)
        assert abs(got[k] - fd) <= 1e-6 * max(1.0, abs(fd)), (k, got[k], fd)


def test_vector_mode_abi_errors():
    src = SIMPLE.replace("i32 %m, double %x, double 1.0, i32 %c, i32 3)",
                         "i32 %m, double %x, double 1.0, i32 %w, i32 2, i32 %c, i32 3)")
    src = src.replace("@enzyme_const = external global i32",
                      "@enzyme_const = external global i32\n@enzyme_width = external global i32")
    src = src.replace("%c = load i32, ptr @enzyme_const",
                      "%c = load i32, ptr @enzyme_const\n  %w = load i32, ptr @enzyme_width")
    with pytest.raises(EnzymeABIError, match="enzyme_width must come before"):
        differentiate_module(enzyme_compat.parse(src, "t.ll"), release=22)


DUPV = """
@enzyme_width = external global i32
@enzyme_dupv = external global i32
define double @f(ptr %p, double %x) {
  %v = load double, ptr %p
  %r = fmul double %v, %x
  ret double %r
}
declare [2 x double] @__enzyme_fwddiff(ptr, ...)
declare void @__enzyme_autodiff(ptr, ...)
define [2 x double] @main2(ptr %p, ptr %dp, double %x) {
  %w = load i32, ptr @enzyme_width
  %v = load i32, ptr @enzyme_dupv
  %d = call [2 x double] (ptr, ...) @__enzyme_fwddiff(ptr @f, i32 %w, i32 2, ARGS)
  ret [2 x double] %d
}
"""


@pytest.mark.parametrize("args,message", [
    ("i32 %v, ptr %p, ptr %dp, double %x, double 1.0, double 0.0",
     "enzyme_dupv must be followed by an integer stride"),
    ("ptr %p, ptr %dp, ptr %dp, i32 %v, i64 8, double %x, ptr %dp",
     "strided shadows are for pointer arguments"),
    ("i32 %v, i64 16, ptr %p, double 1.0, double %x, double 1.0, double 0.0",
     "must be a pointer"),
    ("i32 %v, i64 16, ptr %p", "no shadow pointer"),
])
def test_dupv_abi_errors(args, message):
    m = enzyme_compat.parse(DUPV.replace("ARGS", args), "t.ll")
    with pytest.raises(EnzymeABIError, match=r"main2.*" + message):
        differentiate_module(m, release=22)


def test_dupv_lanes_and_reverse_refusal():
    """Lane k's shadow is the base plus k * stride bytes; reverse mode names the marker."""
    src = DUPV.replace("ARGS", "i32 %v, i64 16, ptr %p, ptr %dp, double %x, double 1.0, "
                       "double 0.0")
    m = enzyme_compat.parse(src, "t.ll")
    differentiate_module(m, release=22)
    text = m.to_text(release=22)
    assert re.search(r"(%\S+) = mul i64 16, 1\n.*= getelementptr i8, ptr %dp, i64 \1", text)
    rsrc = src.replace("call [2 x double] (ptr, ...) @__enzyme_fwddiff",
                       "call [2 x double] (ptr, ...) @__enzyme_autodiff")
    rsrc = rsrc.replace("i32 %w, i32 2, ", "")
    with pytest.raises(EnzymeABIError, match="enzyme_dupv is not supported in reverse"):
        differentiate_module(enzyme_compat.parse(rsrc, "t.ll"), release=22)

def test_jit_helper_scalars_and_aggregates():
    src = """
define double @f(double %x, i32 %n) {
  %k = sitofp i32 %n to double
  %r = fmul double %x, %k
  ret double %r
}
define { double, double } @two(double %x) {
  %a = insertvalue { double, double } undef, double %x, 0
  %b = fmul double %x, %x
  %c = insertvalue { double, double } %a, double %b, 1
  ret { double, double } %c
}
"""
    m = enzyme_compat.parse(src)
    assert ad_jit(m, "f", release=22)(1.5, 4) == 6.0
    assert ad_jit(src, "two", release=22)(3.0) == (3.0, 9.0)
    with pytest.raises(DifferentiationError, match="no function @nope"):
        ad_jit(m, "nope", release=22)


def test_check_command(tmp_path):
    src = tmp_path / "f.ll"
    src.write_text("""
declare double @tgamma(double)
declare double @llvm.sin.f64(double)
define double @f(double %x, double %y, i32 %n) {
  %s = call double @llvm.sin.f64(double %x)
  %g = call double @tgamma(double %y)
  %m = fmul double %s, %g
  %k = sitofp i32 %n to double
  %r = fmul double %m, %k
  ret double %r
}
""")
    r = _run([sys.executable, "-m", "enzyme_compat", "check", str(src), "--function", "f",
              "--int", "3", "--release", "22"])
    assert r.returncode == 0, r.stdout + r.stderr
    m = re.search(r"worst relative error (\S+)", r.stdout)
    assert m and float(m.group(1)) < 1e-6, r.stdout
    r = _run([sys.executable, "-m", "enzyme_compat", "check", str(src), "--function", "g"])
    assert r.returncode == 1 and "@g" in r.stderr and "Traceback" not in r.stderr


# ------------------------------------------------------------------ type analysis
@pytest.mark.parametrize("opt,message", [("O0", "--loose-types"), ("O2", "bits of a float")])
@pytest.mark.parametrize("clang", CLANGS)
def test_integer_arithmetic_on_float_bits_is_refused(clang, opt, message, tmp_path):
    """Adding one to a double's bits: dropping the tangent at the integer `add` would be
    silently wrong. -O2 (a bitcast of the float) is refused outright; -O0 (bytes memcpy'd
    into an i64 slot, no TBAA) names the load and suggests --loose-types."""
    exe = _clang(clang)
    src = HERE / "ad_forward_rejected" / "float_bits.c"
    ll = tmp_path / "in.ll"
    extra = ["-Xclang", "-disable-O0-optnone"] if opt == "O0" else []
    assert _run([exe, "-S", "-emit-llvm", f"-{opt}", *extra, str(src), "-o",
                 str(ll)]).returncode == 0
    r = _run([sys.executable, "-m", "enzyme_compat", "ad", str(ll), "-o",
              str(tmp_path / "o.ll")])
    assert r.returncode == 1, r.stdout + r.stderr
    assert "@next_up" in r.stderr and "add" in r.stderr and message in r.stderr, r.stderr
    assert "Traceback" not in r.stderr


UNTYPED = """
define double @f(ptr %p, double %x) {
  %i = load i32, ptr %p, align 4 {tbaa}
  %j = add i32 %i, 1
  store i32 %j, ptr %p, align 4
  %q = getelementptr inbounds i8, ptr %p, i64 8
  %d = load double, ptr %q, align 8
  %r = fmul double %d, %x
  ret double %r
}
!0 = !{!1, !1, i64 0}
!1 = !{!"int", !2, i64 0}
!2 = !{!"omnipotent char", !3, i64 0}
!3 = !{!"Simple C/C++ TBAA"}
"""


def test_type_analysis_tbaa_and_loose_types():
    """An i32 loaded through an opaque pointer: TBAA says `int` (fine); without TBAA the
    type cannot be deduced (an error naming the instruction) unless loose_types."""
    from enzyme_compat.ad import TypeAnalysisError

    fwddiff(enzyme_compat.parse(UNTYPED.replace("{tbaa}", ", !tbaa !0")), "f",
            ["dup", "dup"], release=22)
    m = enzyme_compat.parse(UNTYPED.replace("{tbaa}", ""))
    with pytest.raises(TypeAnalysisError, match=r"@f at `%j = add`.*`%i = load`.*--loose-types"):
        fwddiff(m, "f", ["dup", "dup"], release=22)
    name = fwddiff(m, "f", ["dup", "dup"], release=22, loose_types=True)
    if toolchains.installed(22):
        p, dp = [7.0, 2.5], [0.0, 1.0]  # i32 7 in the low half of p[0]; p[1] = 2.5
        got = ad_jit(m, name, release=22, pointees={0: "double", 1: "double"})(
            p, dp, 3.0, 1.0)
        assert got == 2.5 * 1.0 + 3.0 * 1.0


def test_top_level_api():
    m = enzyme_compat.parse("define double @f(double %x) {\n  %r = fmul double %x, %x\n"
                            "  ret double %r\n}\n")
    name = enzyme_compat.fwddiff(m, "f")
    if toolchains.installed(22):
        assert enzyme_compat.jit(m, name, release=22)(3.0, 1.0) == 6.0


CAS_BITS = """
define double @f({P} %p, double %x) {{
entry:
  %q = bitcast {P} %p to {I64P}
  %l = load atomic i64, {I64P} %q seq_cst, align 8
  br label %loop
loop:
  %o = phi i64 [ %l, %entry ], [ %seen, %loop ]
  %od = bitcast i64 %o to double
  %n = fadd double %od, %x
  %nb = bitcast double %n to i64
  %r = cmpxchg {I64P} %q, i64 %o, i64 %nb seq_cst seq_cst, align 8
  %seen = extractvalue {{ i64, i1 }} %r, 0
  %ok = extractvalue {{ i64, i1 }} %r, 1
  br i1 %ok, label %done, label %loop
done:
  %m = and i64 {BITS}, 9223372036854775807
  %a = bitcast i64 %m to double
  ret double %a
}}
"""


@pytest.mark.parametrize("typed", [False, True])
@pytest.mark.parametrize("bits", ["%seen", "%l"])
def test_type_analysis_sees_compare_and_swap_bits_as_float(typed, bits):
    """The integer a compare-and-swap loop on a double returns holds the double's bits (the
    values exchanged are floats), and so does an atomic i64 load through a `double*` cast
    to `i64*` (typed pointers, no TBAA at -O0): integer arithmetic on them is refused,
    never silently differentiated as an integer."""
    p, i64p = ("double*", "i64*") if typed else ("ptr", "ptr")
    src = CAS_BITS.format(P=p, I64P=i64p, BITS=bits)
    m = enzyme_compat.parse(src, "t.ll")
    with pytest.raises(UnsupportedInstructionError, match=r"@f at `%m = and`.*bits of a float"):
        fwddiff(m, "f", ["dup", "dup"], release=14 if typed else 22)
    ok = enzyme_compat.parse(src.replace(f"%m = and i64 {bits}, 9223372036854775807",
                                         "%m = add i64 %seen, 0").replace(
        "%a = bitcast i64 %m", "%a = bitcast i64 %seen"), "t.ll")
    fwddiff(ok, "f", ["dup", "dup"], release=14 if typed else 22)
