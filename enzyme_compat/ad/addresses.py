"""Addresses as a pointer plus a constant byte offset, for the analyses that compare where
loads and stores go (increments.py, staggered.py)."""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.types import VectorType
from ..ir.values import ConstantExpr, ConstantInt
from .tape import alloc_size


def is_scalable(t) -> bool:
    """A scalable vector (`<vscale x 2 x double>`): its size is not known here."""
    return isinstance(t, VectorType) and t.scalable


def pointer_and_offset(p):
    """(pointer, constant byte offset) that `p` is, through `getelementptr`s of one constant
    index and bitcasts (typed pointers: clang 14 loads through one bitcast of an address and
    stores through another)."""
    offset = 0
    while True:
        if isinstance(p, I.GetElementPtr) and len(p.ops) == 2 and \
                isinstance(p.ops[1], ConstantInt) and not is_scalable(p.source_type):
            offset += p.ops[1].value * alloc_size(p.source_type)
        elif not (isinstance(p, (I.Cast, ConstantExpr)) and p.opcode == "bitcast"):
            return p, offset
        p = p.ops[0]
