"""Rewriting the operands of one instruction through a function."""

from __future__ import annotations

from . import instructions as I
from .values import MDNode, MDTuple, MDValue, MetadataAsValue


def _map_md(md, fn):
    if isinstance(md, MDValue):
        md.value = fn(md.value)
    elif isinstance(md, MDNode):
        for _, f in md.fields:
            _map_md(f, fn)
    elif isinstance(md, MDTuple):
        for e in md.elems:
            _map_md(e, fn)


def map_operands(inst, fn, constants=True):
    """Replace every value `inst` reads by `fn(value)` (ops, callee, bundle inputs, and
    values inside metadata operands). With constants=False constants are left alone."""
    def f(v):
        if not constants and v.is_constant:
            return v
        return fn(v)

    ops = inst.ops
    for j, v in enumerate(ops):
        if isinstance(v, MetadataAsValue):
            _map_md(v.md, f)
        else:
            ops[j] = f(v)
    if isinstance(inst, I.Call):
        inst.callee = f(inst.callee)
        for _, vals in inst.bundles:
            for j, v in enumerate(vals):
                vals[j] = f(v)
    elif isinstance(inst, I.DebugRecord):
        for a in inst.args:
            _map_md(a, f)
