"""Type suffixes of overloaded intrinsic names (`llvm.memcpy.p0i8.p0i8.i64`)."""

from __future__ import annotations

from .types import (ArrayType, FloatType, FunctionType, IdentifiedStructType, IntType,
                    PointerType, StructType, VectorType)

_FLOAT = {"half": "f16", "bfloat": "bf16", "float": "f32", "double": "f64",
          "x86_fp80": "f80", "fp128": "f128", "ppc_fp128": "ppcf128"}


def mangle(t) -> str:
    if isinstance(t, IntType):
        return f"i{t.bits}"
    if isinstance(t, FloatType):
        return _FLOAT[t.kind]
    if isinstance(t, PointerType):
        return f"p{t.addrspace}" + ("" if t.pointee is None else mangle(t.pointee))
    if isinstance(t, VectorType):
        return ("nx" if t.scalable else "") + f"v{t.count}{mangle(t.elem)}"
    if isinstance(t, ArrayType):
        return f"a{t.count}{mangle(t.elem)}"
    if isinstance(t, IdentifiedStructType):
        return f"s_{t.name}s"
    if isinstance(t, StructType):
        return "sl_" + "".join(mangle(e) for e in t.elems) + "s"
    if isinstance(t, FunctionType):
        inner = "".join(mangle(p) for p in t.params)
        return f"f_{mangle(t.ret)}{inner}{'vararg' if t.vararg else ''}f"
    return getattr(t, "spelling", "x")


def pointer_types(fn_type: FunctionType):
    """Pointer-typed return and parameters, in the order their overloads appear."""
    out = []
    for t in [fn_type.ret] + list(fn_type.params):
        s = t.elem if isinstance(t, VectorType) else t
        if isinstance(s, PointerType):
            out.append(s)
    return out


def remangle(name: str, old_types, new_types) -> str:
    """Replace the pointer parts of an intrinsic name, one per pointer type, in order."""
    for old, new in zip(old_types, new_types):
        a, b = "." + mangle(old), "." + mangle(new)
        if a == b:
            continue
        idx = name.find(a + ".")
        if idx < 0 and name.endswith(a):
            idx = len(name) - len(a)
        if idx >= 0:
            name = name[:idx] + b + name[idx + len(a):]
    return name
