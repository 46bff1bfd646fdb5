"""Derivatives registered in the IR itself, as Enzyme's C users write them.

- `void *__enzyme_register_gradient_NAME[3] = {f, aug_f, rev_f}`: reverse mode calls
  `aug_f` in the forward sweep and `rev_f` in the reverse sweep instead of
  differentiating `f` (`CustomGradient` below says how their signatures are read);
- `void *__enzyme_register_derivative_NAME[2] = {f, fwd_f}`: forward mode calls
  `fwd_f(x0, dx0, ...)` for the tangent of `f`'s result;
  `__enzyme_register_splitderivative_NAME[3] = {f, aug_f, fwd_f}`: `fwd_f` also takes
  the tape `aug_f` returned;
- `__enzyme_inactivefn* = {f, g, ...}` and `annotate("enzyme_inactive")`: no derivative;
- `__enzyme_function_like* = {f, "log1p"}` and `annotate("enzyme_function_like=log1p")`:
  `f` is differentiated with the rules of the math function named;
- `__enzyme_allocation_like* = {alloc, (void *)SIZE_INDEX, "-1", free}`: `alloc` is an
  allocator (its result gets a zeroed shadow of the size argument's bytes), `free` its
  deallocator;
- `__enzyme_inactive_global* = {&g, ...}`: the memory of `g` carries no derivative.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..ir import instructions as I
from ..ir.module import Function, GlobalVariable
from ..ir.values import (ConstantAggregate, ConstantExpr, ConstantInt, ConstantNull,
                         ConstantString, ZeroInitializer)
from .abi import strip_casts

GRADIENT = "__enzyme_register_gradient_"
DERIVATIVE = "__enzyme_register_derivative_"
SPLIT_DERIVATIVE = "__enzyme_register_splitderivative_"
INACTIVE_FN = "__enzyme_inactivefn"
FUNCTION_LIKE = "__enzyme_function_like"
ALLOCATION_LIKE = "__enzyme_allocation_like"
INACTIVE_GLOBAL = "__enzyme_inactive_global"
PREFIXES = (GRADIENT, DERIVATIVE, SPLIT_DERIVATIVE, INACTIVE_FN, FUNCTION_LIKE,
            ALLOCATION_LIKE, INACTIVE_GLOBAL)


@dataclass
class CustomGradient:
    """`aug` takes f's parameters, each pointer followed by its shadow, and returns
    nothing, the primal result (f's result type), a tape (a pointer, when f's result is
    not one), or a struct {tape, primal}. `rev` takes the same parameters, then the
    adjoint of a float result, then the tape; it returns the adjoints of the active float
    parameters (nothing, the scalar, or a struct in parameter order)."""
    function: Function
    aug: Function
    rev: Function

    def aug_returns(self):
        """(tape?, primal?) that `aug` returns."""
        r, fr = self.aug.fn_type.ret, self.function.fn_type.ret
        if r.key() == "void":
            return False, False
        if hasattr(r, "elems") and len(r.elems) == 2 and r.elems[0].is_pointer:
            return True, True
        if r == fr and not fr.is_pointer:
            return False, True
        if r.is_pointer and (fr.key() == "void" or not fr.is_pointer):
            return True, False
        if r == fr:
            return False, True
        return False, False


@dataclass
class CustomRules:
    gradients: dict = field(default_factory=dict)  # name -> CustomGradient
    derivatives: dict = field(default_factory=dict)  # name -> (fwd, aug or None)
    inactive: set = field(default_factory=set)
    function_like: dict = field(default_factory=dict)  # name -> math function name
    allocation: dict = field(default_factory=dict)  # name -> (size arg indices, free name)
    deallocation: set = field(default_factory=set)
    inactive_globals: set = field(default_factory=set)

    @property
    def empty(self) -> bool:
        return not (self.gradients or self.derivatives or self.inactive or self.function_like
                    or self.allocation or self.inactive_globals)


def _elements(g: GlobalVariable):
    init = g.initializer
    if isinstance(init, ConstantAggregate):
        return list(init.elems)
    if isinstance(init, ZeroInitializer):
        return []
    return [init] if init is not None else []


def _string(v) -> str | None:
    v = strip_casts(v)
    if isinstance(v, ConstantExpr) and v.opcode == "getelementptr" and v.ops:
        v = strip_casts(v.ops[0])
    if isinstance(v, GlobalVariable) and isinstance(v.initializer, ConstantString):
        return v.initializer.data.split(b"\0", 1)[0].decode("utf-8", "replace")
    return None


def _integer(v) -> int | None:
    v = strip_casts(v)
    if isinstance(v, ConstantNull):
        return 0
    if isinstance(v, ConstantExpr) and v.opcode == "inttoptr" and isinstance(v.ops[0],
                                                                            ConstantInt):
        return v.ops[0].value
    if isinstance(v, ConstantInt):
        return v.value
    return None


def _functions(elems):
    return [strip_casts(e) for e in elems]


def _read(module) -> CustomRules:
    rules = CustomRules()
    for g in module.globals:
        name = g.name.strip('"')
        if not name.startswith(PREFIXES) and name != "llvm.global.annotations":
            continue
        elems = _elements(g)
        fns = _functions(elems)
        if name.startswith(GRADIENT) and len(fns) == 3 and all(isinstance(f, Function)
                                                               for f in fns):
            rules.gradients[fns[0].name] = CustomGradient(*fns)
        elif name.startswith(DERIVATIVE) and len(fns) >= 2 and all(
                isinstance(f, Function) for f in fns[:2]):
            rules.derivatives[fns[0].name] = (fns[1], None)
        elif name.startswith(SPLIT_DERIVATIVE) and len(fns) == 3 and all(
                isinstance(f, Function) for f in fns):
            rules.derivatives[fns[0].name] = (fns[2], fns[1])
        elif name.startswith(INACTIVE_FN):
            rules.inactive.update(f.name for f in fns if isinstance(f, Function))
        elif name.startswith(FUNCTION_LIKE) and len(elems) >= 2:
            like = _string(elems[1])
            if isinstance(fns[0], Function) and like:
                rules.function_like[fns[0].name] = like
        elif name.startswith(ALLOCATION_LIKE) and len(elems) >= 4:
            index = _integer(elems[1])
            if isinstance(fns[0], Function) and index is not None:
                free = fns[3] if isinstance(fns[3], Function) else None
                rules.allocation[fns[0].name] = ((index,), free.name if free else None)
                if free is not None:
                    rules.deallocation.add(free.name)
        elif name.startswith(INACTIVE_GLOBAL):
            rules.inactive_globals.update(f.name for f in fns if isinstance(f, GlobalVariable))
        elif name == "llvm.global.annotations":
            _annotations(rules, elems)
    return rules


def _annotations(rules, elems):
    """`__attribute__((annotate("enzyme_inactive")))` and
    `annotate("enzyme_function_like=log1p")` on functions."""
    for e in elems:
        if not isinstance(e, ConstantAggregate) or len(e.elems) < 2:
            continue
        target, text = strip_casts(e.elems[0]), _string(e.elems[1])
        if not isinstance(target, Function) or not text:
            continue
        if text == "enzyme_inactive":
            rules.inactive.add(target.name)
        elif text.startswith(("enzyme_function_like=", "enzyme_function_like:")):
            rules.function_like[target.name] = text.split(text[20], 1)[1].strip()


def custom_rules(module) -> CustomRules:
    """The module's registrations (read once per module)."""
    got = module.__dict__.get("_ad_custom_rules")
    if got is None:
        got = module.__dict__["_ad_custom_rules"] = _read(module)
    return got


def inactive_memory(module, registry, pointer) -> bool:
    """Whether `pointer` addresses a global declared inactive (its stores drop
    derivatives instead of failing for want of a shadow)."""
    for _ in range(32):
        if isinstance(pointer, (I.GetElementPtr, I.Cast)) or (
                isinstance(pointer, ConstantExpr) and pointer.ops):
            pointer = pointer.ops[0]
        else:
            break
    if not isinstance(pointer, GlobalVariable):
        return False
    if pointer.name in custom_rules(module).inactive_globals:
        return True
    check = getattr(registry, "is_inactive_global", None)
    return bool(check and check(pointer.name))
