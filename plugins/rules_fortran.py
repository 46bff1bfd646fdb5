"""Fortran's runtime as data (for IR from flang's `-S -emit-llvm`, flang 16 and later).

flang lowers I/O, STOP and runtime error reports to calls of `_FortranA*` functions in
its runtime library. Those that compute no floats that matter are inactive here: list-
directed and formatted I/O (`_FortranAio*`: a `print *, x` inside a differentiated
routine), STOP / ERROR STOP / PAUSE, runtime error reports and the program's start and
end. Names ending in `*` are prefixes.

At -O0 flang also calls its runtime on array descriptors for array intrinsics and whole-
array assignments; these have rules in both modes, on arrays of real(8):

- `_FortranASumReal8(x, file, line, dim, mask)` (SUM of a whole array, no MASK):
  tangent sum(x'); adjoint x' += dy.
- `_FortranADotProductReal8(a, b, file, line)`: tangent dot(a', b) + dot(a, b'); adjoint
  a' += dy b, b' += dy a, with a and b as they were at the call (copied in the forward
  sweep).
- `_FortranAAssign(dst, src, file, line)` (`y = a*x + b` on arrays): tangent dst' = src'
  (zero for a constant source); adjoint src' += dst', dst' = 0. A destination that is
  ALLOCATABLE may be reallocated by the runtime, which the shadow does not follow:
  assign into explicit-shape or already allocated arrays of the same shape.

The shadow of a descriptor holds only the shadow base address (its integer fields carry no
derivative), so the helpers (`_fortran_runtime.py`) take each array's shape from the
primal descriptor; reverse mode keeps a copy of it, taken at the call, for the reverse
sweep. Other array intrinsics (`_FortranAMatmul*`, `_FortranAProduct*`, SUM with DIM or
MASK, ...) have no rule: differentiating through them is refused with their name; write
the loop, or compile with -O1 and above, where flang inlines them.
"""

from enzyme_compat.ad.builder import TangentBuilder, float_constant
from enzyme_compat.ad.errors import ShadowError, UnsupportedInstructionError
from enzyme_compat.ad.hookspecs import ad_hookimpl
from enzyme_compat.ad.rules import reverse_rules, rules
from enzyme_compat.ir import instructions as I
from enzyme_compat.ir.types import DOUBLE, I1, I8, I64, VOID, PointerType
from enzyme_compat.ir.values import ConstantInt, ConstantNull

try:  # the installed package (enzyme_compat_plugins), or this folder on sys.path
    from ._fortran_runtime import DIM, HEADER, walker
except ImportError:
    from _fortran_runtime import DIM, HEADER, walker

FORTRAN_INACTIVE = (
    "_FortranAio*",  # BeginExternalListOutput, OutputReal64, EndIoStatement, ...
    "_FortranAStopStatement*", "_FortranAFailImageStatement", "_FortranAPauseStatement*",
    "_FortranAExit", "_FortranAAbort", "_FortranAReportFatalUserError",
    "_FortranAProgramStart", "_FortranAProgramEndStatement",
    "_FortranACrash*", "_FortranAReportError*",
    "_FortranADateAndTime", "_FortranACpuTime", "_FortranASystemClock*",
    "_FortranAGetCommand*", "_FortranAGetEnvVariable", "_FortranAArgumentCount",
)


@ad_hookimpl
def enzyme_compat_inactive_functions():
    return FORTRAN_INACTIVE


# ------------------------------------------------------------------ array runtime
PTR = PointerType(None)


def _check(b):
    if not b.fs.module.uses_opaque_pointers:
        b.error(UnsupportedInstructionError, f"@{b.inst.callee.name}: Fortran runtime "
                "derivatives need a module with opaque pointers (flang 16 and later)")


def _double(value: float):
    return float_constant(DOUBLE, value)


def _base(b, desc):
    """The base address a descriptor holds (for a shadow descriptor: the shadow data)."""
    return b.emit(I.Load(PTR, [desc], align=8))


def _null():
    return ConstantNull(PTR)


def _walk(b, op, d, dbase, s=None, sbase=None, scale=None):
    f = walker(b, op)
    return b.call(f, [d, dbase, s or _null(), sbase or _null(), scale or _double(0.0)])


def _keep(b, desc, shadow_base, values: bool):
    """A malloc'd copy of descriptor `desc` (header and dimensions) whose base address is
    `shadow_base` (null: none), followed by a contiguous copy of the elements when
    `values`: what the reverse sweep reads instead of memory the program may change."""
    rank = b.cast("zext", I64, b.emit(I.Load(I8, [b.emit(I.GetElementPtr(
        PTR, I8, [desc, ConstantInt(I64, 20)]))], align=1)))
    header = b.binop("add", b.binop("mul", rank, ConstantInt(I64, DIM)), ConstantInt(I64, HEADER))
    size = header
    if values:
        n = b.cast("fptoui", I64, _walk(b, "count", desc, _null()))
        size = b.binop("add", header, b.binop("mul", n, ConstantInt(I64, 8)))
    kept = b.libcall("malloc", PTR, [size])
    b.intrinsic("memcpy", [PTR, PTR, I64], VOID, [kept, desc, header, ConstantInt(I1, 0)])
    b.emit(I.Store([shadow_base or _null(), kept], align=8))
    if values:
        vals = b.emit(I.GetElementPtr(PTR, I8, [kept, header]))
        _walk(b, "gather", desc, _base(b, desc), sbase=vals)
    return kept


def _kept_values(b, kept):
    rank = b.cast("zext", I64, b.emit(I.Load(I8, [b.emit(I.GetElementPtr(
        PTR, I8, [kept, ConstantInt(I64, 20)]))], align=1)))
    header = b.binop("add", b.binop("mul", rank, ConstantInt(I64, DIM)), ConstantInt(I64, HEADER))
    return b.emit(I.GetElementPtr(PTR, I8, [kept, header]))


# forward mode: tangent(b, args, dargs); dargs of a descriptor: its shadow descriptor
def _sum_tangent(b, a, d):
    if d[0] is None:
        return None
    _check(b)
    _whole_sum(b, a)
    return _walk(b, "dot", a[0], _base(b, d[0]))


def _whole_sum(b, a):
    dim, mask = a[3], a[4]
    if not (isinstance(dim, ConstantInt) and dim.value == 0 and isinstance(mask, ConstantNull)):
        b.error(UnsupportedInstructionError, f"@{b.inst.callee.name} with DIM or MASK has "
                "no derivative rule yet: sum the whole array, or write the loop")


def _dot_tangent(b, a, d):
    if d[0] is None and d[1] is None:
        return None
    _check(b)
    out = None
    for k in (0, 1):
        if d[k] is not None:
            o = 1 - k
            out = b.fadd(out, _walk(b, "dot", a[k], _base(b, d[k]), a[o], _base(b, a[o])))
    return out


def _assign_tangent(b, a, d):
    if d[0] is None:
        if d[1] is not None:
            b.error(ShadowError, "@_FortranAAssign: an active array is assigned to one that "
                    "has no shadow; pass the destination as enzyme_dup")
        return None
    _check(b)
    src_shadow = None if d[1] is None else _base(b, d[1])
    _walk(b, "copy", a[0], _base(b, d[0]), a[1], src_shadow, _double(1.0))
    return None


# reverse mode: what the forward sweep keeps (the reverse rule's `forward`), then adjoints
def _kept(gs):
    return gs.__dict__.setdefault("_fortran_kept", {})


def _reverse(keep, adjoint):
    """A reverse rule: `keep(b, gs, inst)` returns the values the forward sweep keeps for
    this call; `adjoint(rb, kept, dy)` uses them (fetched back from the tape) and they are
    freed after it."""
    def forward(gs, inst, c, nb):
        b = TangentBuilder(gs, inst, c, nb)
        _check(b)
        _kept(gs)[inst] = keep(b, gs, c)

    def rule(rb, a, dy):
        kept = _kept(rb.gs).get(rb.inst)
        if kept is not None:
            kept = [rb.gs.fwd(k) for k in kept]
            adjoint(rb, kept, dy)
            for k in kept:
                rb.libcall("free", VOID, [k])
        return [None] * len(a)

    rule.forward = forward
    return rule


def _shadow_base(b, gs, inst, k):
    s = gs.shadow.get(inst.args[k] if hasattr(inst, "args") else None)
    return None if s is None else _base(b, s)


def _sum_keep(b, gs, c):
    _whole_sum(b, c.args)
    sb = _shadow_base(b, gs, b.inst, 0)
    return None if sb is None else [_keep(b, c.args[0], sb, False)]


def _sum_adjoint(rb, kept, dy):
    if dy is not None:
        _walk(rb, "axpy", kept[0], _base(rb, kept[0]), scale=dy)


def _dot_keep(b, gs, c):
    sa, sb = _shadow_base(b, gs, b.inst, 0), _shadow_base(b, gs, b.inst, 1)
    if sa is None and sb is None:
        return None
    return [_keep(b, c.args[0], sa, True), _keep(b, c.args[1], sb, True)]


def _dot_adjoint(rb, kept, dy):
    if dy is None:
        return
    for k in (0, 1):  # a' += dy b, b' += dy a (a shadow-less side has a null base: skipped)
        base = _base(rb, kept[k])
        if rb.gs.shadow.get(rb.inst.args[k]) is not None:
            _walk(rb, "axpy", kept[k], base, sbase=_kept_values(rb, kept[1 - k]), scale=dy)


def _assign_keep(b, gs, c):
    sd, ss = _shadow_base(b, gs, b.inst, 0), _shadow_base(b, gs, b.inst, 1)
    if sd is None:
        if ss is not None:
            b.error(ShadowError, "@_FortranAAssign: an active array is assigned to one that "
                    "has no shadow; pass the destination as enzyme_dup")
        return None
    return [_keep(b, c.args[0], sd, False), _keep(b, c.args[1], ss, False)]


def _assign_adjoint(rb, kept, dy):
    dst, src = kept
    _walk(rb, "transfer", dst, _base(rb, dst), src, _base(rb, src))


ARRAY_RULES = {  # name: (tangent, reverse rule)
    "_FortranASumReal8": (_sum_tangent, _reverse(_sum_keep, _sum_adjoint)),
    "_FortranADotProductReal8": (_dot_tangent, _reverse(_dot_keep, _dot_adjoint)),
    "_FortranAAssign": (_assign_tangent, _reverse(_assign_keep, _assign_adjoint)),
}


@ad_hookimpl
def enzyme_compat_forward_rules():
    return rules("function", {name: t for name, (t, _) in ARRAY_RULES.items()})


@ad_hookimpl
def enzyme_compat_reverse_rules():
    return reverse_rules("function", {name: r for name, (_, r) in ARRAY_RULES.items()})
