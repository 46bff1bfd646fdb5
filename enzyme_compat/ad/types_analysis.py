"""Which values and memory hold floats, from the IR types alone.

Enough for typed and opaque IR while every load and store names its type (they do in
every release). Byte-level type trees for untyped memory (memcpy of `[N x i8]`, integer
copies of doubles) come later; until then memory copies move shadow bytes wholesale,
which is right whatever the bytes hold.
"""

from __future__ import annotations

from ..ir.types import (ArrayType, IdentifiedStructType, PointerType, StructType, VectorType)


def holds_float(t) -> bool:
    """Whether a value of type `t` contains a floating-point number somewhere."""
    if t.is_float:
        return True
    if isinstance(t, (ArrayType, VectorType)):
        return holds_float(t.elem)
    if isinstance(t, (StructType, IdentifiedStructType)):
        return any(holds_float(e) for e in t.elems)
    return False


def holds_pointer(t) -> bool:
    if isinstance(t, PointerType):
        return True
    if isinstance(t, (ArrayType, VectorType)):
        return holds_pointer(t.elem)
    if isinstance(t, (StructType, IdentifiedStructType)):
        return any(holds_pointer(e) for e in t.elems)
    return False


def carries_tangent(t) -> bool:
    """Whether a value of type `t` can carry a derivative (floats) or a shadow (pointers)."""
    return holds_float(t) or holds_pointer(t)


def is_integer_like(t) -> bool:
    """Integers and vectors of integers: they carry no derivative of their own, but loaded
    from shadowed memory they may be copies of float bits (moved as shadow bits)."""
    return t.scalar.is_int
