"""Small type helpers shared by the parser halves."""

from __future__ import annotations

from .types import PointerType, Type


def compatible(a: Type, b: Type) -> bool:
    """Whether a value of type `a` may be used where `b` is written. A `ptr` and a typed
    pointer of the same address space are interchangeable (the reader accepts mixed
    modules); typed pointers to different types are not, as in every typed release."""
    if a is b:
        return True
    ca = a.__class__
    if ca is not b.__class__:
        return False
    if ca is PointerType:  # typed vs `ptr` mixes; two different pointees do not
        return a.addrspace == b.addrspace and (
            a.pointee is None or b.pointee is None or compatible(a.pointee, b.pointee))
    return a == b


def type_str(t: Type) -> str:
    """Spelling used in error messages (as written, pointers by pointee when known)."""
    from .printer import TypePrinter

    return TypePrinter().type(t)
