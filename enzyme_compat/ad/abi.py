"""Enzyme's C ABI for forward mode: finding `__enzyme_fwddiff` calls and reading their
activity markers.

`__enzyme_fwddiff(fn, args...)`: any callee whose name contains `__enzyme_fwddiff`. The
first argument is the function to differentiate, seen through casts. Markers come as loads
of globals named `enzyme_dup` etc. (C: `extern int enzyme_dup;`), as the globals
themselves, or as `metadata !"enzyme_dup"`. Unmarked arguments default by type: pointers
are duplicated, floats get a tangent, everything else is constant.

Vector mode (`enzyme_width, N`): a duplicated argument is followed by its N shadows, or,
after `enzyme_dupv, STRIDE` (`enzyme_dupnoneedv`), by the primal and one pointer: lane k's
shadow is that pointer advanced by k * STRIDE bytes (Enzyme's order: marker, stride in
bytes, primal, shadow base).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ir import instructions as I
from ..ir.module import Function, GlobalVariable
from ..ir.values import ConstantExpr, ConstantInt, MDString, MetadataAsValue
from .errors import EnzymeABIError, located

FWDDIFF = "__enzyme_fwddiff"

# marker -> how many call arguments it governs after itself
MARKERS = {
    "enzyme_dup": 2, "enzyme_dupnoneed": 2, "enzyme_const": 1, "enzyme_width": 1,
    "enzyme_dupv": 3, "enzyme_dupnoneedv": 3,
    "enzyme_primal_return": 0, "enzyme_noret": 0,
    # reverse mode (abi_reverse)
    "enzyme_out": 1, "enzyme_tape": 2, "enzyme_allocated": 2, "enzyme_nofree": 0,
    "enzyme_const_return": 0, "enzyme_active_return": 0,
}
MAX_WIDTH = 64

DUP, DUPNONEED, CONST = "dup", "dupnoneed", "const"


@dataclass
class ArgPlan:
    """How one parameter of the differentiated function is passed."""
    activity: str  # dup / dupnoneed / const
    primal: object  # call-site value
    shadow: object | None = None  # call-site value of the shadow/tangent (the first one)
    shadows: list = field(default_factory=list)  # vector mode: one per lane
    stride: object | None = None  # enzyme_dupv: lane k's shadow is shadows[0] + k * stride


@dataclass
class FwdDiffCall:
    call: I.Call
    function: Function
    args: list[ArgPlan] = field(default_factory=list)
    width: int = 1
    primal_return: bool = False  # return {primal, tangent}
    noret: bool = False
    sret: object | None = None  # the caller's result slot when the call returns in memory
    candidates: list = field(default_factory=list)  # the functions it may be (a select)
    function_value: object | None = None  # the call's first argument


def target_functions(module, caller, call, first):
    """The function(s) an `__enzyme_*` call differentiates: its first argument, through
    casts, or every function a select or phi of functions may pick (clang merges two
    calls that differ only in the function); all with bodies and of one type."""
    from .activity import function_candidates

    def err(msg):
        return located(EnzymeABIError, module, caller, call, msg)

    fns = function_candidates(call.args[first])
    if not fns:
        raise err("the first argument is not a function of this module "
                  "(NoFunctionToDifferentiate)")
    for fn in fns:
        if fn.is_declaration:
            raise err(f"@{fn.name} has no body in this module (EmptyFunctionToDifferentiate)")
    if any(f.fn_type.key() != fns[0].fn_type.key() for f in fns):
        raise err("the first argument may be functions of different types: "
                  + ", ".join(f"@{f.name}" for f in fns))
    return fns


def _is_sret(call, i) -> bool:
    attrs = call.arg_attrs[i] if i < len(call.arg_attrs) else []
    return any(getattr(a, "kind", None) == "sret" for a in attrs)


def strip_casts(v):
    """The value under pointer casts (instructions or constant expressions)."""
    for _ in range(16):
        if isinstance(v, _CAST_CLASSES) and v.opcode in ("bitcast", "addrspacecast") and v.ops:
            v = v.ops[0]
        else:
            return v
    return v


_CAST_CLASSES = (ConstantExpr, I.Cast)


def callee_function(call):
    c = strip_casts(call.callee)
    return c if isinstance(c, Function) else None


def is_fwddiff_call(inst) -> bool:
    if not isinstance(inst, I.Call):
        return False
    fn = callee_function(inst)
    return fn is not None and FWDDIFF in fn.name


def marker_name(v) -> str | None:
    """`enzyme_dup` for a load of @enzyme_dup, @enzyme_dup itself, or !"enzyme_dup"."""
    v = strip_casts(v)
    if isinstance(v, I.Load):
        v = strip_casts(v.ops[0])
    if isinstance(v, I.Cast) and v.opcode in ("ptrtoint",):
        v = strip_casts(v.ops[0])
    if isinstance(v, ConstantExpr) and v.opcode == "ptrtoint":
        v = strip_casts(v.ops[0])
    if isinstance(v, GlobalVariable) and v.name in MARKERS:
        return v.name
    if isinstance(v, MetadataAsValue) and isinstance(v.md, MDString):
        text = v.md.text.strip('"')
        if text in MARKERS:
            return text
    return None


def default_activity(param_type) -> str:
    if param_type.is_pointer or param_type.is_float:
        return DUP
    return CONST


def parse_call(module, caller, call) -> FwdDiffCall:
    """Read one `__enzyme_fwddiff` call into a plan."""
    def err(msg):
        return located(EnzymeABIError, module, caller, call, msg)

    first = 1 if call.args and _is_sret(call, 0) else 0  # a struct returned in memory
    if len(call.args) <= first:
        raise err("no function to differentiate (first argument missing)")
    fns = target_functions(module, caller, call, first)
    fn = fns[0]
    plan = FwdDiffCall(call, fn, sret=call.args[0] if first else None, candidates=fns,
                       function_value=call.args[first])
    rest = list(call.args[first + 1:])
    params = fn.fn_type.params
    i = 0
    for pi, ptype in enumerate(params):
        marker = None
        while i < len(rest):
            marker = marker_name(rest[i])
            if marker == "enzyme_width":
                if i + 1 >= len(rest) or not isinstance(rest[i + 1], ConstantInt):
                    raise err("enzyme_width must be followed by a constant integer")
                plan.width = rest[i + 1].value
                if pi > 0:
                    raise err("enzyme_width must come before the arguments")
                if not 1 <= plan.width <= MAX_WIDTH:
                    raise err(f"enzyme_width {plan.width}: must be between 1 and {MAX_WIDTH}")
                i += 2
                marker = None
            elif marker in ("enzyme_primal_return", "enzyme_noret"):
                plan.primal_return |= marker == "enzyme_primal_return"
                plan.noret |= marker == "enzyme_noret"
                i += 1
                marker = None
            else:
                break
        if i >= len(rest):
            raise err(f"too few arguments: @{fn.name} has {len(params)} parameters, "
                      f"the call supplies {pi}")
        stride = None
        if marker is not None:
            i += 1
            activity = {"enzyme_dup": DUP, "enzyme_dupnoneed": DUPNONEED,
                        "enzyme_const": CONST, "enzyme_dupv": DUP,
                        "enzyme_dupnoneedv": DUPNONEED}.get(marker)
            if activity is None:
                raise err(f"{marker} is not a marker of __enzyme_fwddiff")
            if marker.endswith("v"):
                stride = _stride(marker, rest, i, pi, ptype, err)
                i += 1
        else:
            activity = default_activity(ptype)
        if activity == CONST:
            plan.args.append(ArgPlan(CONST, rest[i]))
            i += 1
        elif stride is not None:
            if i + 1 >= len(rest):
                raise err(f"argument {pi} of @{fn.name} is marked {marker} but the call has "
                          "no shadow pointer for it")
            if not rest[i + 1].type.is_pointer:
                raise err(f"{marker}: the shadow of argument {pi} of @{fn.name} must be a "
                          f"pointer (lane k's shadow is it plus k * stride bytes), got "
                          f"{rest[i + 1].type!r}")
            plan.args.append(ArgPlan(activity, rest[i], rest[i + 1], [rest[i + 1]], stride))
            i += 2
        else:
            w = plan.width
            if i + w >= len(rest):
                raise err(f"argument {pi} of @{fn.name} is duplicated but the call has "
                          + ("no shadow for it" if w == 1 else f"fewer than {w} shadows "
                             f"for it (enzyme_width {w})"))
            plan.args.append(ArgPlan(activity, rest[i], rest[i + 1], rest[i + 1:i + 1 + w]))
            i += 1 + w
    while i < len(rest) and marker_name(rest[i]) in ("enzyme_primal_return", "enzyme_noret"):
        plan.primal_return |= marker_name(rest[i]) == "enzyme_primal_return"
        i += 1
    if i != len(rest):
        raise err(f"too many arguments: @{fn.name} has {len(params)} parameters, the call "
                  f"supplies {len(rest) - i} more values than they need (TooManyArgs)")
    return plan


def _stride(marker, rest, i, pi, ptype, err):
    """The byte stride after `enzyme_dupv` / `enzyme_dupnoneedv` (any integer value)."""
    if i >= len(rest) or not rest[i].type.is_int or marker_name(rest[i]) is not None:
        raise err(f"{marker} must be followed by an integer stride in bytes, then the "
                  "primal and the shadow pointer (IllegalVectorOffset)")
    if not ptype.is_pointer:
        raise err(f"{marker} before argument {pi} of type {ptype!r}: strided shadows are "
                  "for pointer arguments (use enzyme_dup with one tangent per lane)")
    return rest[i]


def find_calls(module):
    """(caller, call) for every `__enzyme_fwddiff*` call in the module, in order."""
    out = []
    for f in module.functions:
        for b in f.blocks:
            for inst in b.instructions:
                if is_fwddiff_call(inst):
                    out.append((f, inst))
    return out
