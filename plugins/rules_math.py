"""Forward rules: math intrinsics (`llvm.sin.*`, ...); C math library functions are in
`rules_libm`.

Each entry gives the tangent of the result from the primal arguments `a`, their tangents
`d` (None = zero) and the primal result `b.result`. Terms whose tangent is zero are never
built (no 0 * NaN). Rounding functions are piecewise constant: their rule is None.
"""

import dis
import math

from packaging.specifiers import SpecifierSet

from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import rules
from enzyme_compat.ir import instructions as I
from enzyme_compat.ir.values import ConstantInt


def chain(factor, from_partner=None):
    """Rule for a function of one float: dy = dx * factor(b, x, y), built only when dx
    is nonzero. x and y are passed only when `factor` reads them (None otherwise): in
    reverse mode each is a value fetched from the forward sweep, so exp's rule does not
    fetch x. sin's and cos's factor is the other one of the pair: `from_partner(b, p)`
    makes it from p = `b.operand_partner()` when the builder has that (cos(x) the forward
    sweep computed beside sin(x)), and x is not fetched at all."""
    reads_x, reads_y = _reads(factor)

    def rule(b, a, d):
        if d[0] is None:
            return None
        if from_partner is not None:
            p = b.operand_partner()
            if p is not None:
                return b.fmul(d[0], from_partner(b, p))
        return b.fmul(d[0], factor(b, a[0] if reads_x else None,
                                   b.result if reads_y else None))
    return rule


def _reads(factor) -> tuple:
    """Whether `factor(b, x, y)` reads its x and its y, from its code: the locals it
    loads, and those a nested function captures (anything else: both)."""
    code = getattr(factor, "__code__", None)
    if code is None or code.co_argcount != 3:
        return True, True
    names = set(code.co_cellvars)
    for ins in dis.get_instructions(code):
        if ins.opname.startswith("LOAD_FAST"):
            names.update(ins.argval if isinstance(ins.argval, tuple) else (ins.argval,))
    return code.co_varnames[1] in names, code.co_varnames[2] in names


def _sq(b, v):
    return b.binop("fmul", v, v)


def _one_plus_sq(b, v):
    return b.binop("fadd", b.const(v, 1.0), _sq(b, v))


def _one_minus_sq(b, v):
    return b.binop("fsub", b.const(v, 1.0), _sq(b, v))


def _div(b, num, den):
    return b.binop("fdiv", num, den)


d_sqrt = chain(lambda b, x, y: _div(b, b.const(y, 0.5), y))
d_sin = chain(lambda b, x, y: b.unary("cos", x), from_partner=lambda b, c: c)
d_cos = chain(lambda b, x, y: b.fneg(b.unary("sin", x)), from_partner=lambda b, s: b.fneg(s))
d_tan = chain(lambda b, x, y: _one_plus_sq(b, y))
d_exp = chain(lambda b, x, y: y)
d_exp2 = chain(lambda b, x, y: b.binop("fmul", y, b.const(y, math.log(2.0))))
d_exp10 = chain(lambda b, x, y: b.binop("fmul", y, b.const(y, math.log(10.0))))
d_log = chain(lambda b, x, y: _div(b, b.const(x, 1.0), x))
d_log2 = chain(lambda b, x, y: _div(b, b.const(x, 1.0 / math.log(2.0)), x))
d_log10 = chain(lambda b, x, y: _div(b, b.const(x, 1.0 / math.log(10.0)), x))
d_fabs = chain(lambda b, x, y: b.sign(x))
d_atan = chain(lambda b, x, y: _div(b, b.const(x, 1.0), _one_plus_sq(b, x)))
d_tanh = chain(lambda b, x, y: _one_minus_sq(b, y))
d_sinh = chain(lambda b, x, y: b.unary("cosh", x))
d_cosh = chain(lambda b, x, y: b.unary("sinh", x))
d_asin = chain(lambda b, x, y: _div(b, b.const(x, 1.0), b.unary("sqrt", _one_minus_sq(b, x))))
d_acos = chain(lambda b, x, y: _div(b, b.const(x, -1.0), b.unary("sqrt", _one_minus_sq(b, x))))


def d_atan2(b, a, d):
    """atan2(y, x): (x dy - y dx) / (x^2 + y^2)."""
    y, x = a[0], a[1]
    num = b.fsub(b.fmul(x, d[0]), b.fmul(y, d[1]))
    if num is None:
        return None
    return b.fdiv(num, b.binop("fadd", _sq(b, x), _sq(b, y)))


def d_frexp(b, a, d):
    """llvm.frexp(x) = {m, e}, x = m 2^e: {dx 2^-e, 0}."""
    if d[0] is None:
        return None
    e = b.emit(I.ExtractValue(b.inst.type.elems[1], [b.result], [1]))
    neg = b.binop("sub", ConstantInt(e.type, 0) if not e.type.is_vector else b.zero(e.type), e)
    dm = b.intrinsic("ldexp", [a[0].type, e.type], a[0].type, [d[0], neg])
    return b.emit(I.InsertValue(b.inst.type, [b.zero(b.inst.type), dm], [0]))


def d_modf(b, a, d):
    """llvm.modf(x) = {frac, int}: {dx, 0}."""
    if d[0] is None:
        return None
    return b.emit(I.InsertValue(b.inst.type, [b.zero(b.inst.type), d[0]], [0]))


def d_sincos(b, a, d):
    """llvm.sincos(x) = {sin x, cos x}: {cos x dx, -sin x dx}."""
    if d[0] is None:
        return None
    t = b.inst.type.elems[0]
    s = b.emit(I.ExtractValue(t, [b.result], [0]))
    c = b.emit(I.ExtractValue(t, [b.result], [1]))
    agg = b.emit(I.InsertValue(b.inst.type, [b.zero(b.inst.type), b.fmul(d[0], c)], [0]))
    return b.emit(I.InsertValue(b.inst.type, [agg, b.fneg(b.fmul(d[0], s))], [1]))


def d_pow(b, a, d):
    """d x^y = dx * y * x^(y-1) + dy * x^y * log(x); x^(y-1) by the same callee."""
    x, y = a[0], a[1]
    t1 = t2 = None
    if d[0] is not None:
        xm1 = b.clone([x, b.binop("fsub", y, b.const(y, 1.0))])
        t1 = b.fmul(d[0], b.binop("fmul", y, xm1))
    if d[1] is not None:
        t2 = b.fmul(d[1], b.binop("fmul", b.result, b.unary("log", x)))
    return b.fadd(t1, t2)


def d_powi(b, a, d):
    """d x^n = dx * n * x^(n-1) (n an integer); x^(n-1) by the same callee."""
    x, n = a[0], a[1]
    if d[0] is None:
        return None
    pm1 = b.clone([x, b.binop("sub", n, ConstantInt(n.type, 1))])
    nf = b.cast("sitofp", x.type, n)
    return b.fmul(d[0], b.binop("fmul", nf, pm1))


def d_ldexp(b, a, d):  # ldexp(x, n) = x * 2^n: dx * 2^n = ldexp(dx, n)
    return None if d[0] is None else b.clone([d[0], a[1]])


def d_copysign(b, a, d):  # |x| with y's sign: dx * sign(x) * sign(y)
    if d[0] is None:
        return None
    return b.fmul(d[0], b.binop("fmul", b.sign(a[0]), b.sign(a[1])))


def d_pick(b, a, d):
    """minnum/maxnum/minimum/maximum/fmin/fmax: the tangent of whichever operand the
    result is (the first on ties)."""
    if d[0] is None and d[1] is None:
        return None
    is_x = b.fcmp("oeq", b.result, a[0])
    return b.select(is_x, d[0], d[1], b.result.type)


def d_fma(b, a, d):  # x*y + z (operands read only when needed, as in _fmul)
    xy = b.fadd(None if d[0] is None else b.fmul(d[0], a[1]),
                None if d[1] is None else b.fmul(a[0], d[1]))
    return b.fadd(xy, d[2])


def d_reduce_fadd(b, a, d):
    """vector.reduce.fadd(start, v): start' + sum(v'), by the same reduction."""
    dstart, dvec = d[0], d[1]
    if dvec is None:
        return dstart
    start = b.materialize(dstart, a[0].type)
    return b.clone([start, dvec])


def _lanes(b, v):
    """The elements of vector `v` (extractelement each)."""
    from enzyme_compat.ir.types import I32
    return [b.emit(I.ExtractElement("extractelement", v.type.elem,
                                    [v, ConstantInt(I32, k)])) for k in range(v.type.count)]


def d_reduce_fmul(b, a, d):
    """vector.reduce.fmul(start, v) = start * prod(v): the product rule over the lanes,
    sum_i dv_i prod_{j != i} v_j (no division, so zeros in v are fine)."""
    start, vec = a[0], a[1]
    xs = [start] + _lanes(b, vec)
    ds = [d[0]] + (_lanes(b, d[1]) if d[1] is not None else [None] * (len(xs) - 1))
    total = None
    for i, di in enumerate(ds):
        if di is None:
            continue
        term = di
        for j, xj in enumerate(xs):
            if j != i:
                term = b.binop("fmul", term, xj)
        total = b.fadd(total, term)
    return total


def d_reduce_pick(b, a, d):
    """vector.reduce.fmax/fmin/fmaximum/fminimum(v): the tangent of the first lane
    equal to the result."""
    if d[0] is None:
        return None
    xs, ds = _lanes(b, a[0]), _lanes(b, d[0])
    t = ds[-1]
    for x, dx in zip(reversed(xs[:-1]), reversed(ds[:-1])):
        t = b.select(b.fcmp("oeq", x, b.result), dx, t, b.result.type)
    return t


ROUNDING = dict.fromkeys(("floor", "ceil", "trunc", "rint", "nearbyint", "round",
                          "roundeven"), None)

INTRINSICS = {
    "sqrt": d_sqrt, "sin": d_sin, "cos": d_cos, "exp": d_exp, "exp2": d_exp2,
    "log": d_log, "log2": d_log2, "log10": d_log10, "pow": d_pow, "powi": d_powi,
    "fabs": d_fabs, "copysign": d_copysign, "minnum": d_pick, "maxnum": d_pick,
    "fma": d_fma, "fmuladd": d_fma, **ROUNDING,
}

RULES = (
    rules("intrinsic", INTRINSICS)
    + rules("intrinsic", {"minimum": d_pick, "maximum": d_pick}, SpecifierSet(">=8"))
    + rules("intrinsic", {"vector.reduce.fadd": d_reduce_fadd,
                          "vector.reduce.fmul": d_reduce_fmul,
                          "vector.reduce.fmax": d_reduce_pick,
                          "vector.reduce.fmin": d_reduce_pick}, SpecifierSet(">=12"))
    + rules("intrinsic", {"vector.reduce.fmaximum": d_reduce_pick,
                          "vector.reduce.fminimum": d_reduce_pick}, SpecifierSet(">=17"))
    + rules("intrinsic", {"experimental.vector.reduce.v2.fmul": d_reduce_fmul},
            SpecifierSet(">=9,<12"))
    + rules("intrinsic", {"experimental.vector.reduce.fmax": d_reduce_pick,
                          "experimental.vector.reduce.fmin": d_reduce_pick},
            SpecifierSet(">=9,<12"))
    + rules("intrinsic", {"experimental.vector.reduce.v2.fadd": d_reduce_fadd},
            SpecifierSet(">=9,<12"))
    + rules("intrinsic", {"ldexp": d_ldexp}, SpecifierSet(">=17"))
    + rules("intrinsic", {"exp10": d_exp10}, SpecifierSet(">=18"))
    + rules("intrinsic", {"tan": d_tan, "tanh": d_tanh, "sinh": d_sinh, "cosh": d_cosh,
                          "atan": d_atan}, SpecifierSet(">=19"))
    + rules("intrinsic", {"asin": d_asin, "acos": d_acos}, SpecifierSet(">=19"))
    + rules("intrinsic", {"atan2": d_atan2, "sincos": d_sincos,
                          "minimumnum": d_pick, "maximumnum": d_pick}, SpecifierSet(">=20"))
    + rules("intrinsic", {"frexp": d_frexp}, SpecifierSet(">=17"))
    + rules("intrinsic", {"modf": d_modf}, SpecifierSet(">=21"))
)


@ad_hookimpl
def enzyme_compat_forward_rules():
    return RULES
