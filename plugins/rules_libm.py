"""Forward rules: the C math library (`sin`, `sinf`, `sinl`, ...).

One table of derivatives by base name; each applies to the double, float (`f`) and long
double (`l`) function. Derivatives call the same family (`cosf` for `sinf`) or
intrinsics every release lowers (sqrt, exp, log, copysign, trunc), never an intrinsic
newer than the release (llvm.cosh exists only from 19). Rounding functions are piecewise
constant: their rule is None.
"""

import math

from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import rules
from enzyme_compat.ir import instructions as I
from enzyme_compat.ir.types import I32, PointerType
from enzyme_compat.ir.values import ConstantInt
from enzyme_compat_plugins.rules_arith import _frem
from enzyme_compat_plugins.rules_math import (_div, _one_minus_sq, _one_plus_sq, _sq, chain,
                                              d_atan, d_atan2, d_copysign, d_exp, d_exp2,
                                              d_exp10, d_fabs, d_fma, d_log, d_log2,
                                              d_log10, d_pick, d_pow, d_sqrt, d_tan, d_tanh,
                                              d_asin, d_acos)
from enzyme_compat_plugins.rules_special import digamma

SUFFIX = {"double": "", "float": "f", "x86_fp80": "l", "fp128": "l"}


def lib(b, base, x, *rest):
    """`base`(x, ...) from the C library, in the precision of `x` (cosf for a float)."""
    return b.libcall(base + SUFFIX[x.type.key()], x.type, [x, *rest])


def _inv_sqrt(b, v):
    return _div(b, b.const(v, 1.0), b.unary("sqrt", v))


d_sin = chain(lambda b, x, y: lib(b, "cos", x), from_partner=lambda b, c: c)
d_cos = chain(lambda b, x, y: b.fneg(lib(b, "sin", x)), from_partner=lambda b, s: b.fneg(s))
d_sinh = chain(lambda b, x, y: lib(b, "cosh", x))
d_cosh = chain(lambda b, x, y: lib(b, "sinh", x))
d_asinh = chain(lambda b, x, y: _inv_sqrt(b, _one_plus_sq(b, x)))
d_acosh = chain(lambda b, x, y: _inv_sqrt(b, b.binop("fsub", _sq(b, x), b.const(x, 1.0))))
d_atanh = chain(lambda b, x, y: _div(b, b.const(x, 1.0), _one_minus_sq(b, x)))
d_expm1 = chain(lambda b, x, y: b.binop("fadd", y, b.const(y, 1.0)))
d_log1p = chain(lambda b, x, y: _div(b, b.const(x, 1.0), b.binop("fadd", x, b.const(x, 1.0))))
d_cbrt = chain(lambda b, x, y: _div(b, y, b.binop("fmul", x, b.const(x, 3.0))))
_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)
d_erf = chain(lambda b, x, y: b.binop("fmul", b.const(x, _TWO_OVER_SQRT_PI),
                                      b.unary("exp", b.fneg(_sq(b, x)))))
d_erfc = chain(lambda b, x, y: b.binop("fmul", b.const(x, -_TWO_OVER_SQRT_PI),
                                       b.unary("exp", b.fneg(_sq(b, x)))))
d_tgamma = chain(lambda b, x, y: b.binop("fmul", y, digamma(b, x)))
d_lgamma = chain(lambda b, x, y: digamma(b, x))


def d_hypot(b, a, d):
    """(x dx + y dy) / hypot(x, y), and 0 where hypot(x, y) = 0: at the tip of the cone
    0 is the smallest subgradient, and the exact derivative when x and y stay 0 nearby
    (hypot(u - u, 0)); 0/0 there made both modes' results NaN."""
    num = b.fadd(b.fmul(a[0], d[0]), b.fmul(a[1], d[1]))
    if num is None:
        return None
    r = b.result
    zero = b.const(r, 0.0)
    return b.select(b.fcmp("oeq", r, zero), zero, b.fdiv(num, r))


def d_fdim(b, a, d):  # x > y ? dx - dy : 0
    t = b.fsub(d[0], d[1])
    if t is None:
        return None
    return b.select(b.fcmp("ogt", a[0], a[1]), t, None, b.result.type)


def d_ldexp(b, a, d):  # ldexp(x, n) = x 2^n: ldexp(dx, n)
    return None if d[0] is None else b.clone([d[0], a[1]])


def _typed(b, ptr, t):
    """`ptr` as a pointer to `t` (a bitcast where pointers are typed and differ)."""
    if ptr.type.opaque or ptr.type.pointee == t:
        return ptr
    return b.cast("bitcast", PointerType(t, ptr.type.addrspace), ptr)


def d_frexp(b, a, d):
    """frexp(x, &e) = m with x = m 2^e: dm = ldexp(dx, -e); the exponent has none."""
    if d[0] is None:
        return None
    e = b.emit(I.Load(I32, [_typed(b, a[1], I32)], align=4))
    neg = b.binop("sub", ConstantInt(e.type, 0), e)
    return lib(b, "ldexp", d[0], neg)


def d_modf(b, a, d):
    """modf(x, &ip) = x - ip: the fraction's tangent is dx, the integral part's zero."""
    if d[1] is not None:
        b.emit(I.Store([b.zero(a[0].type), _typed(b, d[1], a[0].type)], align=None))
    return d[0]


def d_sincos(b, a, d):
    """sincos(x, &s, &c): ds = cos x dx, dc = -sin x dx written to the shadows."""
    x, dx = a[0], d[0]
    for shadow, value in ((d[1], lambda: lib(b, "cos", x)),
                          (d[2], lambda: b.fneg(lib(b, "sin", x)))):
        if shadow is not None:
            t = b.fmul(dx, value()) if dx is not None else None
            b.emit(I.Store([b.materialize(t, x.type), _typed(b, shadow, x.type)],
                           align=None))
    return None


ROUNDING = dict.fromkeys(("floor", "ceil", "trunc", "rint", "nearbyint", "round",
                          "roundeven"), None)

LIBM = {
    "sin": d_sin, "cos": d_cos, "tan": d_tan, "asin": d_asin, "acos": d_acos, "atan": d_atan,
    "atan2": d_atan2, "sinh": d_sinh, "cosh": d_cosh, "tanh": d_tanh, "asinh": d_asinh,
    "acosh": d_acosh, "atanh": d_atanh, "exp": d_exp, "expm1": d_expm1, "exp2": d_exp2,
    "exp10": d_exp10, "log": d_log, "log1p": d_log1p, "log2": d_log2, "log10": d_log10,
    "pow": d_pow, "sqrt": d_sqrt, "cbrt": d_cbrt, "hypot": d_hypot, "fabs": d_fabs,
    "fmin": d_pick, "fmax": d_pick, "fmod": _frem, "fdim": d_fdim, "copysign": d_copysign,
    "fma": d_fma, "erf": d_erf, "erfc": d_erfc, "tgamma": d_tgamma, "lgamma": d_lgamma,
    "ldexp": d_ldexp, "scalbn": d_ldexp, "frexp": d_frexp, "modf": d_modf,
    "sincos": d_sincos, **ROUNDING,
}
LIBM = {name + s: fn for name, fn in LIBM.items() for s in ("", "f", "l")}

RULES = rules("function", LIBM)


@ad_hookimpl
def enzyme_compat_forward_rules():
    return RULES
