"""Walks over every constant a module uses (initializers, operands, nested elements)."""

from __future__ import annotations

from itertools import islice

from .ir import instructions as I
from .ir.module import Function
from .ir.values import ConstantAggregate, ConstantExpr, GlobalWrapper, Splat


def _children(c):
    if isinstance(c, ConstantExpr):
        return c.ops
    if isinstance(c, ConstantAggregate):
        return c.elems
    if isinstance(c, Splat):
        return [c.elem]
    if isinstance(c, GlobalWrapper):
        return [c.target]
    return ()


def walk_constants(module, callees: bool = True):
    """Every constant the module uses; without `callees`, a function only called directly
    is not reached through its calls (what is left are the address-taken functions)."""
    seen = set()
    skip = 0 if callees else 1
    stack = []
    for g in module.globals:
        if g.initializer is not None:
            stack.append(g.initializer)
    for a in module.aliases:
        stack.append(a.target)
    Call = I.Call
    for f in module.functions:
        for b in f.blocks:
            for i in b.instructions:
                stack += [v for v in i.ops if v.is_constant]
                if isinstance(i, Call):  # the rest of I.value_operands, inlined: the hot loop
                    stack += [v for v in islice(I.value_operands(i), len(i.ops) + skip, None)
                              if v.is_constant]
    while stack:
        c = stack.pop()
        if id(c) in seen or not c.is_constant:
            continue
        seen.add(id(c))
        yield c
        stack.extend(_children(c))


_COMPOSITE = (ConstantExpr, ConstantAggregate, Splat, GlobalWrapper)
_COMPOSITE_CLASSES = frozenset(_COMPOSITE)  # exact classes: a set lookup per operand


def walk_constant_exprs(module):
    """The constant expressions of `walk_constants(module)`, reached through the composite
    constants only: the leaves (numbers, globals), most of what a module uses, are never
    visited."""
    stack = [g.initializer for g in module.globals
             if g.initializer is not None and isinstance(g.initializer, _COMPOSITE)]
    stack += [a.target for a in module.aliases if isinstance(a.target, _COMPOSITE)]
    Call, composite, push = I.Call, _COMPOSITE_CLASSES, stack.append
    for f in module.functions:
        for b in f.blocks:
            for i in b.instructions:  # plain loops over the operands: the hot part
                for v in i.ops:
                    if type(v) in composite:
                        push(v)
                if type(i) is Call:  # the rest of I.value_operands
                    if type(i.callee) in composite:
                        push(i.callee)
                    for _, vals in i.bundles:
                        stack += [v for v in vals if type(v) in composite]
    for c in reachable_constants(stack, composite):
        if type(c) is ConstantExpr:
            yield c


def functions_used(module) -> list:
    """The functions `walk_constants(module, callees=False)` reaches: those the module
    uses other than as the callee of a call (walked as `walk_constant_exprs` does, through
    the composite constants only)."""
    stack = [g.initializer for g in module.globals if g.initializer is not None]
    stack += [a.target for a in module.aliases]
    watched = _COMPOSITE_CLASSES | {Function}
    Call, push = I.Call, stack.append
    for f in module.functions:
        for b in f.blocks:
            for i in b.instructions:
                for v in i.ops:
                    if type(v) in watched:
                        push(v)
                if type(i) is Call:
                    for _, vals in i.bundles:
                        stack += [v for v in vals if type(v) in watched]
    return [c for c in reachable_constants(stack, watched) if type(c) is Function]


def reachable_constants(stack: list, classes):
    """The constants of `stack` (which is consumed) and the constants of the exact
    `classes` inside them, each once."""
    seen = set()
    while stack:
        c = stack.pop()
        if id(c) in seen:
            continue
        seen.add(id(c))
        yield c
        stack += [x for x in _children(c) if type(x) in classes]


def referring_functions(functions, candidates: dict) -> set:
    """The ids of those of `functions` that use one of `candidates` (id -> global value)
    as an operand, a callee or inside a constant."""
    out = set()
    for f in functions:
        left = dict(candidates)
        if len(_strike_in_constants(_strike_in_bodies([f], left), left)) < len(candidates):
            out.add(id(f))
    return out


def unused_of(module, candidates: dict, functions=None) -> dict:
    """The entries of `candidates` (id -> global value) that no constant of
    `walk_constants(module)` is: one pass over the operands, descending only into
    composite constants. `functions`: the only bodies that may use a candidate (the
    module's globals and aliases are looked at in any case)."""
    left = dict(candidates)
    stack = [g.initializer for g in module.globals if g.initializer is not None]
    stack += [a.target for a in module.aliases]
    stack += _strike_in_bodies(module.functions if functions is None else functions, left)
    return _strike_in_constants(stack, left)


def _strike_in_bodies(functions, left: dict) -> list:
    """Deletes from `left` (id -> global value) the values the bodies of `functions` use
    directly; returns the composite constants they use, for `_strike_in_constants`."""
    found: list = []
    # one set lookup per operand: most are instructions, of neither kind
    watched = _COMPOSITE_CLASSES | {type(c) for c in left.values()}
    composite, push, Call = _COMPOSITE_CLASSES, found.append, I.Call
    for f in functions:
        for b in f.blocks:
            for i in b.instructions:
                ops = i.ops if type(i) is not Call else \
                    [*i.ops, i.callee, *[x for _, vals in i.bundles for x in vals]]
                for v in ops:
                    if type(v) in watched:
                        if id(v) in left:
                            del left[id(v)]
                        elif type(v) in composite:
                            push(v)
        if not left:
            break
    return found


def _strike_in_constants(stack: list, left: dict) -> dict:
    """Deletes from `left` whatever the constants of `stack` (consumed) hold; returns it."""
    seen = set()
    while stack and left:
        c = stack.pop()
        if id(c) in seen:
            continue
        seen.add(id(c))
        left.pop(id(c), None)
        stack += [x for x in _children(c) if x.is_constant]
    return left
