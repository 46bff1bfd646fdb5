"""Allocators that return a header holding the data pointer (`AllocationLike.data_field`,
numba's MemInfo): the data pointer of a shadow header, for zeroing the shadow's data."""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.types import I8, I64, PointerType
from ..ir.values import ConstantInt


def data_pointer(emit, header, offset: int):
    """The byte pointer stored `offset` bytes into the memory `header` points to (loads
    emitted with `emit`, typed or opaque pointers alike)."""
    t = header.type
    bp = PointerType(None if t.opaque else I8, t.addrspace)
    raw = header if t == bp else emit(I.Cast("bitcast", bp, [header]))
    field = emit(I.GetElementPtr(bp, I8, [raw, ConstantInt(I64, offset)]))
    if not t.opaque:
        field = emit(I.Cast("bitcast", PointerType(bp, t.addrspace), [field]))
    return emit(I.Load(bp, [field], align=8))
