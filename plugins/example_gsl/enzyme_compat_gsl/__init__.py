"""enzyme_compat rules for the GNU Scientific Library (an example third-party plugin).

Installed with `pip install ./plugins/example_gsl`, this module is found through its entry
point in the `enzyme_compat` group (see pyproject.toml) and contributes:

- forward rules for special functions of GSL (`gsl_sf_*`), their derivatives computed
  with GSL functions themselves (J0' = -J1, Gamma' = Gamma psi, ...). They are elementwise
  (doubles in, a double out, no memory), so reverse mode derives their adjoints from these
  rules and they need no reverse rule;
- forward and reverse rules for `gsl_sf_bessel_J0_e(x, gsl_sf_result *r)`, GSL's
  error-reporting form, which writes its result through a pointer: its tangent is stored in
  the shadow of `r->val`, and in reverse mode the adjoint of `r->val` is read from that
  shadow (and cleared) to give the adjoint of `x`. The engine cannot derive that from a
  forward rule, so it is an explicit `ReverseRule`. `r->err` is GSL's bound on the absolute
  error of `val`, not a value of the computation: it carries no derivative (its shadow is
  zeroed and its adjoint dropped).

Link the program with `-lgsl -lgslcblas -lm`. The rules are plain LLVM IR built through
the builder, so they apply to every release (`ENZYME_COMPAT_RELEASES` below).
"""

from __future__ import annotations

import math

from enzyme_compat.ad.hookspecs import hookimpl
from enzyme_compat.ad.rules import ForwardRule, ReverseRule
from enzyme_compat.ir import instructions as I
from enzyme_compat.ir.types import DOUBLE, I32, I64, PointerType
from enzyme_compat.ir.values import ConstantInt

# The LLVM releases these rules support (a packaging SpecifierSet): all of them.
ENZYME_COMPAT_RELEASES = ">=7"


# ------------------------------------------------------------ elementwise functions
def gsl(b, name, *args):
    """A call of the GSL function `name` returning a double."""
    return b.libcall(name, DOUBLE, list(args))


def scalar(derivative, x_index=0):
    """The forward rule of y = f(..., x, ...) with f'(x) given by `derivative(b, args, y)`:
    dy = f'(x) dx (other operands, such as a Bessel order, carry no tangent)."""
    def tangent(b, args, dargs):
        dx = dargs[x_index]
        if dx is None:
            return None
        return b.fmul(dx, derivative(b, args, b.result))
    return tangent


def _int(b, n, k):
    return b.binop("add", n, ConstantInt(n.type, k))


def d_bessel_jn(b, a, y):  # J_n' = (J_{n-1} - J_{n+1}) / 2 (J_{-n} = (-1)^n J_n)
    n, x = a
    lo = gsl(b, "gsl_sf_bessel_Jn", _int(b, n, -1), x)
    hi = gsl(b, "gsl_sf_bessel_Jn", _int(b, n, 1), x)
    return b.binop("fmul", b.binop("fsub", lo, hi), b.const(x, 0.5))


def d_bessel_j1(b, a, y):  # J_1' = (J_0 - J_2) / 2, no 1/x at x = 0
    x = a[0]
    j2 = gsl(b, "gsl_sf_bessel_Jn", ConstantInt(I32, 2), x)
    return b.binop("fmul", b.binop("fsub", gsl(b, "gsl_sf_bessel_J0", x), j2),
                   b.const(x, 0.5))


_TWO_OVER_SQRT_PI = 2.0 / math.sqrt(math.pi)


def _gauss(b, x, scale):  # scale * exp(-x^2)
    e = b.unary("exp", b.fneg(b.binop("fmul", x, x)))
    return b.binop("fmul", b.const(x, scale), e)


DERIVATIVES = {
    "gsl_sf_bessel_J0": lambda b, a, y: b.fneg(gsl(b, "gsl_sf_bessel_J1", a[0])),
    "gsl_sf_bessel_J1": d_bessel_j1,
    "gsl_sf_erf": lambda b, a, y: _gauss(b, a[0], _TWO_OVER_SQRT_PI),
    "gsl_sf_erfc": lambda b, a, y: _gauss(b, a[0], -_TWO_OVER_SQRT_PI),
    "gsl_sf_log_1plusx": lambda b, a, y: b.binop(
        "fdiv", b.const(a[0], 1.0), b.binop("fadd", b.const(a[0], 1.0), a[0])),
    "gsl_sf_gamma": lambda b, a, y: b.binop("fmul", y, gsl(b, "gsl_sf_psi", a[0])),
    "gsl_sf_lngamma": lambda b, a, y: gsl(b, "gsl_sf_psi", a[0]),
    "gsl_sf_psi": lambda b, a, y: gsl(b, "gsl_sf_psi_1", a[0]),
}

FORWARD = [ForwardRule("function", name, scalar(d)) for name, d in DERIVATIVES.items()]
FORWARD.append(ForwardRule("function", "gsl_sf_bessel_Jn", scalar(d_bessel_jn, x_index=1)))


# ------------------------------------------------ a result written through a pointer
def result_field(b, ptr, k):
    """A `double *` to field k of the `gsl_sf_result { double val, err; }` at `ptr`."""
    if not ptr.type.opaque:
        ptr = b.cast("bitcast", PointerType(DOUBLE, ptr.type.addrspace), ptr)
    if k:
        ptr = b.emit(I.GetElementPtr(ptr.type, DOUBLE, [ptr, ConstantInt(I64, k)],
                                     flags=["inbounds"]))
    return ptr


def d_bessel_j0_e(b, a, d):
    """status = gsl_sf_bessel_J0_e(x, r): r'->val = -J1(x) dx, r'->err = 0."""
    shadow = d[1]
    if shadow is None:  # the result lands in memory that carries no derivative
        return None
    t = b.fmul(d[0], b.fneg(gsl(b, "gsl_sf_bessel_J1", a[0])))
    b.emit(I.Store([b.materialize(t, DOUBLE), result_field(b, shadow, 0)], align=8))
    b.emit(I.Store([b.zero(DOUBLE), result_field(b, shadow, 1)], align=8))
    return None  # the status is an int


def adjoint_bessel_j0_e(rb, a, dy):
    """x gets r'->val * -J1(x); both fields of r' are cleared (r was overwritten)."""
    shadow = rb.shadow(1)
    if shadow is None:
        return [None, None]
    val, err = result_field(rb, shadow, 0), result_field(rb, shadow, 1)
    dval = rb.emit(I.Load(DOUBLE, [val], align=8))
    rb.emit(I.Store([rb.zero(DOUBLE), val], align=8))
    rb.emit(I.Store([rb.zero(DOUBLE), err], align=8))
    return [rb.fmul(dval, rb.fneg(gsl(rb, "gsl_sf_bessel_J1", a[0]))), None]


FORWARD.append(ForwardRule("function", "gsl_sf_bessel_J0_e", d_bessel_j0_e))
REVERSE = [ReverseRule("function", "gsl_sf_bessel_J0_e", adjoint_bessel_j0_e)]


# ------------------------------------------------------------------------ the hooks
@hookimpl
def enzyme_compat_forward_rules():
    return FORWARD


@hookimpl
def enzyme_compat_reverse_rules():
    return REVERSE


@hookimpl
def enzyme_compat_inactive_functions():
    # error handling and reporting: no derivative flows through them
    return ["gsl_set_error_handler", "gsl_set_error_handler_off", "gsl_strerror",
            "gsl_error"]
