"""`enzyme-compat check IN.ll --function f`: our tangents against central finite
differences at random points, run on the JIT of the module's own LLVM release.

The float parameters of `f` are the variables (integers are held at `--int` values);
`f` returns a float. One driver function evaluates, at each point, the tangent along
every float parameter and `f` at the two probes of each central difference, all in a
single JIT run. The error of one derivative is |tangent - fd| / max(1, |fd|): relative,
absolute near zero, so a derivative that vanishes is not blamed for rounding noise.
"""

from __future__ import annotations

import random
import struct
from dataclasses import dataclass
from fractions import Fraction

from ..ir import instructions as I
from ..ir.floats import encode
from ..ir.module import BasicBlock, Function
from ..ir.types import DOUBLE, I64, VOID, FunctionType, PointerType
from ..ir.values import Argument, ConstantFP, ConstantInt
from .errors import DifferentiationError
from .prune import prune

DRIVER = "__enzyme_compat_check"


@dataclass
class CheckResult:
    function: str
    release: int
    points: list  # the points, one list of parameter values each
    errors: list  # per point, per float parameter: (tangent, finite difference, error)

    @property
    def worst(self) -> float:
        return max((e for row in self.errors for _, _, e in row), default=0.0)


def _round_to(t, v: float) -> float:
    if t.key() == "float":
        return struct.unpack("<f", struct.pack("<f", v))[0]
    return v


def _const(t, v):
    if t.is_float:
        return ConstantFP(t, encode(Fraction(v), t))
    return ConstantInt(t, int(v))


def check_function(module, name: str, release: int, points: int = 5, seed: int = 0,
                   lo: float = 0.1, hi: float = 2.0, step: float = 1e-6,
                   ints=()) -> CheckResult:
    from .. import toolchains
    from ..ir.parser import parse
    from .driver import fwddiff

    fn = module.get_function(name)
    if fn is None or fn.is_declaration:
        raise DifferentiationError(f"check: no function @{name} with a body in the module")
    params = fn.fn_type.params
    if not fn.fn_type.ret.is_float or fn.fn_type.ret.is_vector:
        raise DifferentiationError(f"check: @{name} must return a float scalar")
    for i, t in enumerate(params):
        if not (t.is_float or t.is_int) or t.is_vector:
            raise DifferentiationError(
                f"check: parameter {i} of @{name} is {t!r}; only float and integer "
                "parameters can be sampled")
    var = [i for i, t in enumerate(params) if t.is_float]
    if not var:
        raise DifferentiationError(f"check: @{name} has no float parameter")
    int_values = list(ints)
    activity = ["dup" if t.is_float else "const" for t in params]
    tname = fwddiff(module, name, activity, returns="tangent", release=release)

    rng = random.Random(seed)
    pts = []
    for _ in range(points):
        it = iter(int_values)
        pts.append([_round_to(t, rng.uniform(lo, hi)) if t.is_float else next(it, 1)
                    for t in params])
    # copy through text so the caller's module is left as it is
    m = parse(module.to_text(release=release), "<check>")
    f, df = m.get_function(name), m.get_function(tname)
    calls = []  # (callee, args) in slot order
    for p in pts:
        for i in var:
            args = []
            for j, (t, v) in enumerate(zip(params, p)):
                args.append(_const(t, v))
                if t.is_float:
                    args.append(_const(t, 1.0 if j == i else 0.0))
            calls.append((df, args))
            h = step * max(1.0, abs(p[i]))
            for sign in (1, -1):
                q = list(p)
                q[i] = _round_to(params[i], p[i] + sign * h)
                calls.append((f, [_const(t, v) for t, v in zip(params, q)]))
    prune(m, [_add_driver(m, calls)])
    out = [0.0] * len(calls)
    toolchains.get(release).jit_call(m.to_text(release=release), DRIVER, "void(double*)",
                                     [out])
    errors, k = [], 0
    for p in pts:
        row = []
        for i in var:
            t, fp, fm = out[k:k + 3]
            k += 3
            h = step * max(1.0, abs(p[i]))
            xp = _round_to(params[i], p[i] + h)
            xm = _round_to(params[i], p[i] - h)
            fd = (fp - fm) / (xp - xm)
            row.append((t, fd, abs(t - fd) / max(1.0, abs(fd))))
        errors.append(row)
    return CheckResult(name, release, pts, errors)


def _add_driver(module, calls):
    """`void @DRIVER(double* %out)`: out[k] = the k-th call's result (as double)."""
    out_t = PointerType(DOUBLE)
    w = Function(DRIVER, FunctionType(VOID, [out_t]))
    w.is_declaration = False
    w.defined = True
    out = Argument(out_t, "out")
    out.function, out.index = w, 0
    w.args = [out]
    block = BasicBlock("entry", parent=w)
    w.blocks = [block]
    for k, (callee, args) in enumerate(calls):
        ft = callee.fn_type
        r = block.append(I.Call("call", ft.ret, ft, callee, args, [[] for _ in args]))
        if ft.ret != DOUBLE:
            r = block.append(I.Cast("fpext" if ft.ret.bits < 64 else "fptrunc", DOUBLE, [r]))
        slot = block.append(I.GetElementPtr(out_t, DOUBLE, [out, ConstantInt(I64, k)]))
        block.append(I.Store([r, slot], align=8))
    block.append(I.Ret([]))
    module.functions.append(w)
    module.symbols[DRIVER] = w
    return w


def cmd_check(args) -> int:
    from ..cli import _read
    from ..ir.parser import parse
    from .jit import run_release

    text = _read(args.input)
    module = parse(text, args.input)
    release = args.release if args.release is not None else run_release(module, text)
    r = check_function(module, args.function, release, points=args.points, seed=args.seed,
                       lo=args.range[0], hi=args.range[1], step=args.step, ints=args.int)
    if args.verbose:
        for p, row in zip(r.points, r.errors):
            for t, fd, e in row:
                print(f"at {p}: tangent {t:.17g} finite difference {fd:.17g} error {e:.3g}")
    print(f"@{r.function} on LLVM {r.release}: {len(r.points)} points, worst relative error "
          f"{r.worst:.3g}")
    return 0 if r.worst <= args.tolerance else 1


def register(subparsers):
    p = subparsers.add_parser(
        "check", help="compare forward-mode tangents with central finite differences")
    p.add_argument("input", help="textual IR (.ll) of any release 7..23")
    p.add_argument("--function", required=True, help="the function to check")
    p.add_argument("--points", type=int, default=5, help="random points (default 5)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--range", type=float, nargs=2, default=(0.1, 2.0), metavar=("LO", "HI"),
                   help="float parameters are drawn uniformly from [LO, HI] (0.1 2.0)")
    p.add_argument("--int", type=int, nargs="*", default=[], metavar="N",
                   help="values of the integer parameters, in order (default 1)")
    p.add_argument("--step", type=float, default=1e-6,
                   help="finite-difference step, relative to max(1, |x|) (default 1e-6)")
    p.add_argument("--tolerance", type=float, default=1e-6,
                   help="exit 1 when the worst error is above this (default 1e-6)")
    p.add_argument("--release", type=int, metavar="N",
                   help="run on LLVM N (default: the module's release)")
    p.add_argument("-v", "--verbose", action="store_true", help="print every comparison")
    p.set_defaults(func=cmd_check)
    return p
