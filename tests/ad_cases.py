"""Shared by the forward- and reverse-mode rule tests: small functions
`double @caseK(double %x, double %y)` exercising one rule each, the declarations they need,
and the finite-difference probes."""

from __future__ import annotations

import struct

from enzyme_compat import toolchains
from enzyme_compat.toolchains.errors import ToolchainError

# Each case is the body of `double @case(double %x, double %y)` (LLVM 17+ spelling; the
# module is printed for release N, re-parsed as release-N input, differentiated, printed
# for N and run by N's JIT), a point, and the releases it applies to.
D = "double"
CASES = [
    ("fadd", "%r = fadd double %x, %y", 0.7, 1.3, ">=7"),
    ("fsub", "%r = fsub double %x, %y", 0.7, 1.3, ">=7"),
    ("fmul", "%r = fmul double %x, %y", 0.7, 1.3, ">=7"),
    ("fdiv", "%r = fdiv double %x, %y", 0.7, 1.3, ">=7"),
    ("frem", "%r = frem double %x, %y", 5.3, 1.7, ">=7"),
    ("fneg", "%n = fneg double %x\n  %r = fmul double %n, %y", 0.7, 1.3, ">=7"),
    # -x recomputed from x in the reverse sweep (x itself read there too, or x taped)
    ("fneg_gaussian", "%n = fneg double %x\n  %s = fmul double %x, %n\n"
     "  %e = call double @exp(double %s)\n  %r = fmul double %e, %y", 0.7, 1.3, ">=7"),
    ("fneg_of_call", "%e = call double @exp(double %x)\n  %n = fneg double %e\n"
     "  %p = fmul double %n, %y\n  %r = fmul double %p, %p", 0.7, 1.3, ">=7"),
    ("fpext_fptrunc", "%a = fpext double %x to x86_fp80\n  %b = fpext double %y to x86_fp80\n"
     "  %c = fmul x86_fp80 %a, %b\n  %r = fptrunc x86_fp80 %c to double", 0.7, 1.3, ">=7"),
    ("sitofp_inactive", "%i = fptosi double %x to i32\n  %f = sitofp i32 %i to double\n"
     "  %r = fmul double %f, %y", 2.5, 1.3, ">=7"),
    ("select_fcmp", "%c = fcmp olt double %x, %y\n  %m = select i1 %c, double %x, double %y\n"
     "  %r = fmul double %m, %y", 0.7, 1.3, ">=7"),
    ("bitcast_vector", "%v = insertelement <2 x double> undef, double %x, i32 0\n"
     "  %w = insertelement <2 x double> %v, double %y, i32 1\n"
     "  %s = shufflevector <2 x double> %w, <2 x double> undef, <2 x i32> <i32 1, i32 0>\n"
     "  %m = fmul <2 x double> %w, %s\n  %b = bitcast <2 x double> %m to <2 x double>\n"
     "  %e = extractelement <2 x double> %b, i32 1\n  %f = fadd double %e, %x\n"
     "  %r = fmul double %f, %x", 0.7, 1.3, ">=7"),
    ("aggregate", "%a = insertvalue { double, i32, double } undef, double %x, 0\n"
     "  %b = insertvalue { double, i32, double } %a, double %y, 2\n"
     "  %c = extractvalue { double, i32, double } %b, 0\n"
     "  %d = extractvalue { double, i32, double } %b, 2\n  %r = fdiv double %c, %d",
     0.7, 1.3, ">=7"),
    ("memory", "%a = alloca [2 x double], align 8\n"
     "  %p = getelementptr inbounds [2 x double], ptr %a, i64 0, i64 1\n"
     "  store double %x, ptr %a, align 8\n  store double %y, ptr %p, align 8\n"
     "  %b = alloca [3 x double], align 8\n"
     "  call void @llvm.memset.p0.i64(ptr %b, i8 0, i64 24, i1 false)\n"
     "  call void @llvm.memcpy.p0.p0.i64(ptr %b, ptr %a, i64 16, i1 false)\n"
     "  %q = getelementptr inbounds double, ptr %b, i64 1\n"
     "  call void @llvm.memmove.p0.p0.i64(ptr %a, ptr %q, i64 8, i1 false)\n"
     "  %u = load double, ptr %a, align 8\n  %w = load double, ptr %q, align 8\n"
     "  %z = getelementptr inbounds double, ptr %b, i64 2\n  %t = load double, ptr %z\n"
     "  %m = fmul double %u, %w\n  %r = fadd double %m, %t", 0.7, 1.3, ">=7"),
    ("phi_loop", "br label %loop\nloop:\n"
     "  %i = phi i32 [ 0, %0 ], [ %i1, %loop ]\n  %acc = phi double [ %y, %0 ], [ %a1, %loop ]\n"
     "  %a1 = fmul double %acc, %x\n  %i1 = add i32 %i, 1\n  %c = icmp slt i32 %i1, 3\n"
     "  br i1 %c, label %loop, label %done\ndone:\n  %r = fadd double %a1, %i.f\n",
     0.7, 1.3, ">=7"),
]
UNARY = ["sqrt", "sin", "cos", "exp", "exp2", "log", "log2", "log10", "fabs", "floor", "ceil",
         "trunc", "rint", "nearbyint", "round"]
for _n in UNARY:
    CASES.append((f"llvm.{_n}", f"%a = call double @llvm.{_n}.f64(double %x)\n"
                  "  %r = fmul double %a, %y", 0.7, 1.3, ">=7"))
for _n in ["pow", "copysign", "minnum", "maxnum"]:
    CASES.append((f"llvm.{_n}", f"%r = call double @llvm.{_n}.f64(double %x, double %y)",
                   0.7, 1.3, ">=7"))
CASES += [
    # the rule applies from 8; x86 instruction selection handles fminimum from 17
    ("llvm.minimum", "%r = call double @llvm.minimum.f64(double %x, double %y)", 1.7, 1.3,
     ">=17"),
    ("llvm.fabs.neg", "%a = call double @llvm.fabs.f64(double %x)\n  %r = fmul double %a, %y",
     -0.7, 1.3, ">=7"),
    ("llvm.powi", "%a = call double @llvm.powi.f64.i32(double %x, i32 3)\n"
     "  %r = fmul double %a, %y", 0.7, 1.3, ">=7"),
    ("llvm.fma", "%r = call double @llvm.fma.f64(double %x, double %y, double %x)", 0.7, 1.3,
     ">=7"),
    ("llvm.fmuladd", "%r = call double @llvm.fmuladd.f64(double %x, double %y, double %y)",
     0.7, 1.3, ">=7"),
    ("llvm.vector.reduce.fadd", "%v = insertelement <2 x double> undef, double %x, i32 0\n"
     "  %w = insertelement <2 x double> %v, double %y, i32 1\n"
     "  %m = fmul <2 x double> %w, %w\n"
     "  %r = call double @llvm.vector.reduce.fadd.v2f64(double %x, <2 x double> %m)",
     0.7, 1.3, ">=9"),
    ("llvm.vector.reduce.fmul_fmax_fmin",
     "%v = insertelement <2 x double> undef, double %x, i32 0\n"
     "  %w = insertelement <2 x double> %v, double %y, i32 1\n"
     "  %p = call double @llvm.vector.reduce.fmul.v2f64(double %y, <2 x double> %w)\n"
     "  %a = call double @llvm.vector.reduce.fmax.v2f64(<2 x double> %w)\n"
     "  %b = call double @llvm.vector.reduce.fmin.v2f64(<2 x double> %w)\n"
     "  %c = fmul double %a, %p\n  %r = fmul double %c, %b", 0.7, 1.3, ">=12"),
    ("llvm.sin.v2f64", "%v = insertelement <2 x double> undef, double %x, i32 0\n"
     "  %w = insertelement <2 x double> %v, double %y, i32 1\n"
     "  %s = call <2 x double> @llvm.sin.v2f64(<2 x double> %w)\n"
     "  %t = call <2 x double> @llvm.sqrt.v2f64(<2 x double> %s)\n"
     "  %a = extractelement <2 x double> %t, i32 0\n"
     "  %b = extractelement <2 x double> %t, i32 1\n  %r = fmul double %a, %b", 0.7, 1.3,
     ">=7"),
]
for _n in ["sin", "cos", "tan", "exp", "log", "sqrt", "fabs", "atan", "tanh"]:
    CASES.append((f"libm.{_n}", f"%a = call double @{_n}(double %x)\n"
                  "  %r = fmul double %a, %y", 0.7, 1.3, ">=7"))
CASES.append(("libm.pow", "%r = call double @pow(double %x, double %y)", 0.7, 1.3, ">=7"))
# (name, x): more of the C library, each at a point inside its domain
LIBM1 = [("asin", 0.4), ("acos", 0.4), ("sinh", 0.7), ("cosh", 0.7), ("asinh", 0.7),
         ("acosh", 1.7), ("atanh", 0.4), ("expm1", 0.7), ("exp2", 0.7), ("exp10", 0.7),
         ("log1p", 0.7), ("log2", 0.7), ("log10", 0.7), ("cbrt", 0.7), ("erf", 0.7),
         ("erfc", 0.7), ("tgamma", 0.7), ("tgamma", 3.7), ("lgamma", 0.7), ("lgamma", 13.7),
         ("floor", 0.7), ("roundeven", 0.7)]
for _n, _x in LIBM1:
    CASES.append((f"libm.{_n}@{_x}", f"%a = call double @{_n}(double %x)\n"
                  "  %r = fmul double %a, %y", _x, 1.3, ">=7"))
LIBM2 = ["atan2", "hypot", "fmod", "fmin", "fmax", "fdim", "copysign"]
for _n in LIBM2:
    CASES.append((f"libm.{_n}", f"%r = call double @{_n}(double %x, double %y)", 5.3, 1.7,
                  ">=7"))
CASES += [
    ("libm.ldexp", "%a = call double @ldexp(double %x, i32 3)\n  %r = fmul double %a, %y",
     0.7, 1.3, ">=7"),
    ("libm.frexp", "%e = alloca i32\n  %m = call double @frexp(double %x, ptr %e)\n"
     "  %r = fmul double %m, %y", 3.3, 1.3, ">=7"),
    ("libm.modf", "%i = alloca double\n  %f = call double @modf(double %x, ptr %i)\n"
     "  %j = load double, ptr %i\n  %s = fadd double %f, %j\n  %r = fmul double %s, %f",
     3.3, 1.3, ">=7"),
    ("llvm.asin_acos", "%a = call double @llvm.asin.f64(double %x)\n"
     "  %b = call double @llvm.acos.f64(double %x)\n  %c = fmul double %a, %b\n"
     "  %r = fmul double %c, %y", 0.4, 1.3, ">=19"),
    ("llvm.atan2", "%r = call double @llvm.atan2.f64(double %x, double %y)", 0.4, -1.3,
     ">=20"),
    ("llvm.frexp", "%p = call { double, i32 } @llvm.frexp.f64.i32(double %x)\n"
     "  %m = extractvalue { double, i32 } %p, 0\n  %r = fmul double %m, %y", 3.3, 1.3,
     ">=17"),
    ("llvm.sincos", "%p = call { double, double } @llvm.sincos.f64(double %x)\n"
     "  %s = extractvalue { double, double } %p, 0\n"
     "  %c = extractvalue { double, double } %p, 1\n  %m = fmul double %s, %c\n"
     "  %r = fmul double %m, %y", 0.7, 1.3, ">=20"),
    ("llvm.modf", "%p = call { double, double } @llvm.modf.f64(double %x)\n"
     "  %f = extractvalue { double, double } %p, 0\n  %r = fmul double %f, %y", 3.3, 1.3,
     ">=21"),
    ("atomicrmw", "%p = alloca double\n  store double %y, ptr %p\n"
     "  %o = atomicrmw fadd ptr %p, double %x seq_cst, align 8\n"
     "  %q = atomicrmw xchg ptr %p, double %o seq_cst, align 8\n"
     "  %v = load double, ptr %p\n  %w = fmul double %q, %x\n  %r = fmul double %v, %w",
     0.7, 1.3, ">=13"),
    ("realloc", "%m = call ptr @malloc(i64 8)\n  store double %x, ptr %m\n"
     "  %n = call ptr @realloc(ptr %m, i64 16)\n"
     "  %q = getelementptr double, ptr %n, i64 1\n  store double %y, ptr %q\n"
     "  %a = load double, ptr %n\n  %b = load double, ptr %q\n"
     "  call void @free(ptr %n)\n  %r = fmul double %a, %b", 0.7, 1.3, ">=7"),
]
CASES.append(("call_user", "%a = call double @helper(double %x, double %y)\n"
              "  %r = call double @helper(double %a, double %x)", 0.7, 1.3, ">=7"))
# Control flow and memory over several blocks (the reverse sweep replays the block trace
# from the tape): an early exit, nested loops, a switch, recursion, heap memory written
# and overwritten in a loop.
CASES += [
    ("loop_early_exit", "br label %loop\nloop:\n"
     "  %i = phi i32 [ 0, %0 ], [ %i1, %next ]\n"
     "  %acc = phi double [ %y, %0 ], [ %a1, %next ]\n  %a1 = fmul double %acc, %x\n"
     "  %big = fcmp ogt double %a1, 4.0\n  br i1 %big, label %done, label %next\n"
     "next:\n  %i1 = add i32 %i, 1\n  %c = icmp slt i32 %i1, 9\n"
     "  br i1 %c, label %loop, label %done\ndone:\n"
     "  %r = phi double [ %a1, %loop ], [ %acc, %next ]", 1.7, 1.3, ">=7"),
    ("nested_loops", "br label %outer\nouter:\n"
     "  %i = phi i32 [ 0, %0 ], [ %i1, %olatch ]\n"
     "  %s = phi double [ 0.0, %0 ], [ %s2, %olatch ]\n  br label %inner\ninner:\n"
     "  %j = phi i32 [ 0, %outer ], [ %j1, %inner ]\n"
     "  %t = phi double [ %s, %outer ], [ %t1, %inner ]\n"
     "  %jf = sitofp i32 %j to double\n  %m = fmul double %x, %jf\n"
     "  %e = fadd double %m, %y\n  %p = fmul double %e, %x\n  %t1 = fadd double %t, %p\n"
     "  %j1 = add i32 %j, 1\n  %cj = icmp slt i32 %j1, 3\n"
     "  br i1 %cj, label %inner, label %olatch\nolatch:\n  %s2 = fmul double %t1, 0.5\n"
     "  %i1 = add i32 %i, 1\n  %ci = icmp slt i32 %i1, 4\n"
     "  br i1 %ci, label %outer, label %done\ndone:\n  %r = fadd double %s2, %y", 0.7, 1.3,
     ">=7"),
    ("switch", "%k = fptosi double %y to i32\n  switch i32 %k, label %other [\n"
     "    i32 1, label %one\n    i32 2, label %two\n  ]\none:\n"
     "  %a = fmul double %x, %y\n  br label %done\ntwo:\n  %b = fdiv double %x, %y\n"
     "  br label %done\nother:\n  br label %done\ndone:\n"
     "  %r = phi double [ %a, %one ], [ %b, %two ], [ %x, %other ]", 0.7, 1.3, ">=7"),
    ("recursion", "%r = call double @rpow(double %x, double %y, i32 5)", 0.7, 1.3, ">=7"),
    ("heap_loop", "%m = call ptr @malloc(i64 32)\n  br label %fill\nfill:\n"
     "  %i = phi i64 [ 0, %0 ], [ %i1, %fill ]\n  %v = phi double [ %x, %0 ], [ %v1, %fill ]\n"
     "  %q = getelementptr double, ptr %m, i64 %i\n  store double %v, ptr %q\n"
     "  %v1 = fmul double %v, %y\n  %i1 = add i64 %i, 1\n  %c = icmp ult i64 %i1, 4\n"
     "  br i1 %c, label %fill, label %over\nover:\n"
     "  %j = phi i64 [ 0, %fill ], [ %j1, %over ]\n"
     "  %s = phi double [ 0.0, %fill ], [ %s1, %over ]\n"
     "  %p = getelementptr double, ptr %m, i64 %j\n  %w = load double, ptr %p\n"
     "  %w2 = fmul double %w, %w\n  store double %w2, ptr %p\n  %s1 = fadd double %s, %w2\n"
     "  %j1 = add i64 %j, 1\n  %d = icmp ult i64 %j1, 4\n"
     "  br i1 %d, label %over, label %done\ndone:\n  %z = load double, ptr %m\n"
     "  call void @free(ptr %m)\n  %r = fadd double %s1, %z", 0.7, 1.3, ">=7"),
    # In-place updates `*p += e` (ad/increments.py): two of vectors 16 bytes apart, loaded
    # both, then stored both (a loop the vectorizer interleaved), and a vector update whose
    # store writes the bytes of a scalar update loaded before it: that one is not in place.
    ("in_place_interleaved", "%m = call ptr @malloc(i64 32)\n"
     "  %q = getelementptr inbounds i8, ptr %m, i64 16\n"
     "  %v0 = insertelement <2 x double> undef, double %x, i32 0\n"
     "  %v = insertelement <2 x double> %v0, double %y, i32 1\n"
     "  %w = shufflevector <2 x double> %v, <2 x double> undef, <2 x i32> <i32 1, i32 0>\n"
     "  store <2 x double> %v, ptr %m\n  store <2 x double> %w, ptr %q\n"
     "  %a = load <2 x double>, ptr %m\n  %b = load <2 x double>, ptr %q\n"
     "  %e = fmul <2 x double> %v, %w\n  %f = fmul <2 x double> %v, %v\n"
     "  %a2 = call <2 x double> @llvm.fmuladd.v2f64(<2 x double> %e, <2 x double> %v, "
     "<2 x double> %a)\n  %b2 = fadd <2 x double> %b, %f\n"
     "  store <2 x double> %a2, ptr %m\n  store <2 x double> %b2, ptr %q\n"
     "  %c = load <2 x double>, ptr %m\n  %d = load <2 x double>, ptr %q\n"
     "  %g = fmul <2 x double> %c, %d\n  %g0 = extractelement <2 x double> %g, i32 0\n"
     "  %g1 = extractelement <2 x double> %g, i32 1\n  call void @free(ptr %m)\n"
     "  %r = fadd double %g0, %g1", 0.7, 1.3, ">=7"),
    ("in_place_overlapped", "%m = call ptr @malloc(i64 16)\n  store double %x, ptr %m\n"
     "  %q = getelementptr double, ptr %m, i64 1\n  store double %y, ptr %q\n"
     "  %v = load <2 x double>, ptr %m\n  %s = load double, ptr %q\n"
     "  %xy = fmul double %x, %y\n  %e0 = insertelement <2 x double> undef, double %xy, i32 0\n"
     "  %e = insertelement <2 x double> %e0, double %x, i32 1\n"
     "  %v2 = fadd <2 x double> %v, %e\n  %yy = fmul double %y, %y\n"
     "  %s2 = fadd double %s, %yy\n  store <2 x double> %v2, ptr %m\n"
     "  store double %s2, ptr %q\n  %a = load double, ptr %m\n  %b = load double, ptr %q\n"
     "  call void @free(ptr %m)\n  %r = fmul double %a, %b", 0.7, 1.3, ">=7"),
]

DECLS = """
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memmove.p0.p0.i64(ptr, ptr, i64, i1)
declare double @llvm.pow.f64(double, double)
declare double @llvm.copysign.f64(double, double)
declare double @llvm.minnum.f64(double, double)
declare double @llvm.maxnum.f64(double, double)
declare double @llvm.minimum.f64(double, double)
declare double @llvm.powi.f64.i32(double, i32)
declare double @llvm.fma.f64(double, double, double)
declare double @llvm.fmuladd.f64(double, double, double)
declare <2 x double> @llvm.fmuladd.v2f64(<2 x double>, <2 x double>, <2 x double>)
declare double @llvm.vector.reduce.fadd.v2f64(double, <2 x double>)
declare double @llvm.vector.reduce.fmul.v2f64(double, <2 x double>)
declare double @llvm.vector.reduce.fmax.v2f64(<2 x double>)
declare double @llvm.vector.reduce.fmin.v2f64(<2 x double>)
declare <2 x double> @llvm.sin.v2f64(<2 x double>)
declare <2 x double> @llvm.sqrt.v2f64(<2 x double>)
declare double @pow(double, double)
declare double @ldexp(double, i32)
declare double @frexp(double, ptr)
declare double @modf(double, ptr)
declare double @llvm.asin.f64(double)
declare double @llvm.acos.f64(double)
declare double @llvm.atan2.f64(double, double)
declare { double, i32 } @llvm.frexp.f64.i32(double)
declare { double, double } @llvm.sincos.f64(double)
declare { double, double } @llvm.modf.f64(double)
declare ptr @malloc(i64)
declare ptr @realloc(ptr, i64)
declare void @free(ptr)
""" + "".join(f"declare double @{n}(double)\n" for n in sorted({n for n, _ in LIBM1})) + \
    "".join(f"declare double @{n}(double, double)\n" for n in LIBM2) + """
define internal double @rpow(double %a, double %b, i32 %n) {
  %stop = icmp eq i32 %n, 0
  br i1 %stop, label %base, label %step
base:
  ret double %b
step:
  %n1 = sub i32 %n, 1
  %inner = call double @rpow(double %a, double %b, i32 %n1)
  %r = fmul double %inner, %a
  ret double %r
}
define internal double @helper(double %a, double %b) {
  %s = call double @llvm.sin.f64(double %a)
  %m = fmul double %s, %b
  ret double %m
}
""" + "".join(f"declare double @llvm.{n}.f64(double)\n" for n in UNARY if n != "sin") + \
    "declare double @llvm.sin.f64(double)\n" + \
    "".join(f"declare double @{n}(double)\n"
            for n in ["sin", "cos", "tan", "exp", "log", "sqrt", "fabs", "atan", "tanh"])


def _bits(v: float) -> str:
    return "0x%016X" % struct.unpack("<Q", struct.pack("<d", v))[0]


def _case_function(k, body):
    body = body.replace("%i.f", "0.0")
    return f"define double @case{k}(double %x, double %y) {{\n  {body}\n  ret double %r\n}}\n"


def _probes(x, y):
    hx, hy = 1e-5 * max(1.0, abs(x)), 1e-5 * max(1.0, abs(y))
    return [(x + hx, y), (x - hx, y), (x, y + hy), (x, y - hy)]


_SIN = """declare double @llvm.sin.f64(double)
define double @f(double %x) {
  %r = call double @llvm.sin.f64(double %x)
  ret double %r
}
"""


def _needs_libm(case) -> bool:
    return case[0].startswith(("llvm.", "libm.", "call_user", "frem", "realloc"))


def _jit_has_libm(release) -> bool:
    """LLVM 7's JIT (llvmlite 0.28) crashes on any libm call: probe once per release."""
    try:
        return toolchains.get(release).jit_call(_SIN, "f", "double(double)", [0.5]) > 0.4
    except ToolchainError:
        return False


