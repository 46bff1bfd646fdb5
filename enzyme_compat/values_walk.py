"""Walks over every constant a module uses (initializers, operands, nested elements)."""

from __future__ import annotations

from itertools import islice

from .ir import instructions as I
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


def walk_constant_exprs(module):
    """The constant expressions of `walk_constants(module)`, reached through the composite
    constants only: the leaves (numbers, globals), most of what a module uses, are never
    visited."""
    seen = set()
    stack = [g.initializer for g in module.globals
             if g.initializer is not None and isinstance(g.initializer, _COMPOSITE)]
    stack += [a.target for a in module.aliases if isinstance(a.target, _COMPOSITE)]
    for f in module.functions:
        for b in f.blocks:
            for i in b.instructions:
                stack += [v for v in I.value_operands(i) if isinstance(v, _COMPOSITE)]
    while stack:
        c = stack.pop()
        if id(c) in seen:
            continue
        seen.add(id(c))
        if isinstance(c, ConstantExpr):
            yield c
        stack += [x for x in _children(c) if isinstance(x, _COMPOSITE)]
