"""Enzyme's C ABI for reverse mode: `__enzyme_autodiff`, and split mode's
`__enzyme_augmentsize`, `__enzyme_augmentfwd` and `__enzyme_reverse`.

Markers: `enzyme_dup`/`enzyme_dupnoneed` (value and shadow: gradients are accumulated
into the shadow), `enzyme_const`, `enzyme_out` (an active scalar whose derivative is
returned); unmarked floats (and vectors or aggregates of them passed by value) are active,
pointers duplicated, integers constant. Split mode adds `enzyme_tape, T` (the tape) and
`enzyme_allocated, N` (the caller owns a tape buffer of N bytes); `__enzyme_reverse` takes
the adjoint of an active return as one argument after the function's arguments.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ir import instructions as I
from ..ir.module import Function
from ..ir.values import ConstantInt
from .abi import CONST, DUP, _is_sret, marker_name, strip_casts, target_functions
from .errors import EnzymeABIError, located
from .reverse import OUT
from .types_analysis import holds_float

AUTODIFF, AUGMENTFWD, REVERSE, AUGMENTSIZE = ("__enzyme_autodiff", "__enzyme_augmentfwd",
                                              "__enzyme_reverse", "__enzyme_augmentsize")
ENTRY_POINTS = (AUGMENTSIZE, AUGMENTFWD, AUTODIFF, REVERSE)  # substring tests, in order

MARKERS = ("enzyme_out", "enzyme_tape", "enzyme_allocated", "enzyme_nofree",
           "enzyme_const_return", "enzyme_active_return")


@dataclass
class RevArg:
    activity: str  # out / dup / const
    primal: object = None
    shadow: object = None


@dataclass
class ReverseCall:
    kind: str  # one of ENTRY_POINTS
    call: I.Call
    function: Function
    args: list[RevArg] = field(default_factory=list)
    sret: object | None = None
    tape: object | None = None  # enzyme_tape's value (or __enzyme_reverse's last argument)
    tape_marked: bool = False  # the tape came after the enzyme_tape marker
    nofree: bool = False  # enzyme_nofree: keep the tape (and shadows) for another reversal
    allocated: object | None = None  # enzyme_allocated's size
    dret: object | None = None  # __enzyme_reverse: the adjoint of the return
    ret_active: bool = False
    candidates: list = field(default_factory=list)  # the functions it may be (a select)
    function_value: object | None = None  # the call's first argument


def entry_point(inst) -> str | None:
    if not isinstance(inst, I.Call):
        return None
    fn = strip_casts(inst.callee)
    if not isinstance(fn, Function):
        return None
    for kind in ENTRY_POINTS:
        if kind in fn.name:
            return kind
    return None


def default_activity(t) -> str:
    if t.is_pointer:
        return DUP
    if holds_float(t):
        return OUT
    return CONST


def parse_call(module, caller, call, kind) -> ReverseCall:
    def err(msg):
        return located(EnzymeABIError, module, caller, call, msg)

    first = 1 if call.args and _is_sret(call, 0) else 0
    if len(call.args) <= first:
        raise err("no function to differentiate (first argument missing)")
    fns = target_functions(module, caller, call, first)
    fn = fns[0]
    plan = ReverseCall(kind, call, fn, sret=call.args[0] if first else None, candidates=fns,
                       function_value=call.args[first])
    ret = fn.fn_type.ret
    plan.ret_active = holds_float(ret) and not ret.is_pointer
    rest = list(call.args[first + 1:])
    markers_only = kind == AUGMENTSIZE
    i = 0

    def options():
        nonlocal i
        while i < len(rest):
            m = marker_name(rest[i])
            if m in ("enzyme_tape", "enzyme_allocated"):
                if kind not in (AUGMENTFWD, REVERSE):
                    raise err(f"{m} is for __enzyme_augmentfwd and __enzyme_reverse")
                if i + 1 >= len(rest):
                    raise err(f"{m} must be followed by a value")
                if m == "enzyme_tape":
                    plan.tape = rest[i + 1]
                    plan.tape_marked = True
                else:
                    plan.allocated = rest[i + 1]
                i += 2
            elif m in ("enzyme_nofree", "enzyme_const_return", "enzyme_active_return"):
                if m == "enzyme_const_return":
                    plan.ret_active = False
                plan.nofree |= m == "enzyme_nofree"
                i += 1
            elif m in ("enzyme_width", "enzyme_primal_return", "enzyme_noret", "enzyme_dupv",
                       "enzyme_dupnoneedv"):
                raise err(f"{m} is not supported in reverse mode yet")
            else:
                return m

    for pi, ptype in enumerate(fn.fn_type.params):
        marker = options()
        if marker is None and i >= len(rest):
            raise err(f"too few arguments: @{fn.name} has {len(fn.fn_type.params)} "
                      f"parameters, the call supplies {pi}")
        if marker in ("enzyme_dup", "enzyme_dupnoneed", "enzyme_const", "enzyme_out"):
            i += 1
            activity = {"enzyme_dup": DUP, "enzyme_dupnoneed": DUP, "enzyme_const": CONST,
                        "enzyme_out": OUT}[marker]
        elif marker is not None:
            raise err(f"{marker} is not expected before argument {pi}")
        else:
            if markers_only:
                raise err(f"__enzyme_augmentsize takes one activity marker per parameter; "
                          f"parameter {pi} of @{fn.name} has none")
            activity = default_activity(ptype)
        if activity == OUT and not holds_float(ptype):
            raise err(f"argument {pi} of @{fn.name} is {ptype!r}: enzyme_out needs a float")
        if markers_only:
            plan.args.append(RevArg(activity))
            continue
        if activity == DUP:
            if i + 1 >= len(rest):
                raise err(f"argument {pi} of @{fn.name} is duplicated but the call has no "
                          "shadow for it")
            plan.args.append(RevArg(DUP, rest[i], rest[i + 1]))
            i += 2
        else:
            if i >= len(rest):
                raise err(f"too few arguments for @{fn.name}")
            plan.args.append(RevArg(activity, rest[i]))
            i += 1
    options()
    if kind == REVERSE and plan.ret_active and i < len(rest):
        plan.dret = rest[i]
        i += 1
    if kind == REVERSE and plan.tape is None and i == len(rest) - 1:
        plan.tape = rest[i]  # Enzyme's tests pass the tape as the last argument
        i += 1
    if i != len(rest):
        raise err(f"too many arguments: @{fn.name} has {len(fn.fn_type.params)} parameters, "
                  f"the call supplies {len(rest) - i} more values than they need "
                  "(TooManyArgs)")
    if kind == REVERSE and plan.tape is None:
        raise err("__enzyme_reverse needs the tape: enzyme_tape, <tape> (or the tape as "
                  "the last argument)")
    if kind == REVERSE and plan.ret_active and plan.dret is None:
        raise err(f"@{fn.name} returns a float: __enzyme_reverse needs its adjoint after "
                  "the arguments")
    if isinstance(plan.allocated, ConstantInt) and plan.allocated.value < 24:
        raise err(f"enzyme_allocated {plan.allocated.value}: the tape needs 24 bytes "
                  "(__enzyme_augmentsize)")
    return plan


def find_calls(module):
    """(caller, call, kind) for every reverse-mode entry point call, in order."""
    out = []
    for f in module.functions:
        for b in f.blocks:
            for inst in b.instructions:
                kind = entry_point(inst)
                if kind is not None:
                    out.append((f, inst, kind))
    return out
