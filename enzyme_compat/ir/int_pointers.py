"""Pointers that optimisation sent through integers, made pointers again.

SROA splits a struct holding a pointer into integer slices when the pointer and an
integer constant meet in one field: Rust's `Vec::with_capacity(n)` at -O3 keeps its
buffer as `phi i64 [ptrtoint %alloc, ...], [8, ...]` (8: the empty Vec's dangling
pointer) and reads it back with `inttoptr`. The derivative needs the shadow of that
buffer, which an integer does not carry. When every value an `inttoptr` can read is a
`ptrtoint` of a pointer of its type, an integer constant, or a phi/select of such values,
the `inttoptr` is replaced by the same phis/selects over the pointers themselves (and
`inttoptr` of the constants): the same addresses, now with pointer provenance.

    from enzyme_compat.ir.int_pointers import rejoin_pointers
    rejoin_pointers(fn)   # -> number of inttoptr replaced (in place)
"""

from __future__ import annotations

from . import instructions as I
from .values import ConstantExpr, ConstantInt, Poison, Undef
from .values_walk_local import map_operands

__all__ = ["rejoin_pointers"]

_FROM_POINTER = ("ptrtoint", "ptrtoaddr")


def _source(v):
    """The pointer `v` is a `ptrtoint` of (an instruction or a constant expression)."""
    if getattr(v, "opcode", None) in _FROM_POINTER and not isinstance(v, I.Call):
        return v.ops[0]
    return None


def _rejoinable(v, ptype, seen) -> bool:
    if id(v) in seen:  # a loop of phis: decided by the other incoming values
        return True
    seen.add(id(v))
    src = _source(v)
    if src is not None:
        return src.type == ptype
    if isinstance(v, (ConstantInt, Undef, Poison)):
        return True
    if isinstance(v, I.Phi):
        return all(_rejoinable(x, ptype, seen) for x in v.ops)
    if isinstance(v, I.Select):
        return all(_rejoinable(x, ptype, seen) for x in v.ops[1:])
    return False


def _insert_after(inst, new):
    block = inst.parent
    at = block.instructions.index(inst) + 1
    if isinstance(inst, I.Phi):  # after the block's phis
        while at < len(block.instructions) and isinstance(block.instructions[at], I.Phi):
            at += 1
    new.parent = block
    block.instructions.insert(at, new)


def _as_pointer(v, ptype, memo):
    """The pointer whose address the integer `v` holds (`_rejoinable` said it exists)."""
    hit = memo.get(id(v))
    if hit is not None:
        return hit
    src = _source(v)
    if src is not None:
        return src
    if isinstance(v, ConstantInt):
        return ConstantExpr("inttoptr", ptype, [v])
    if isinstance(v, Poison):
        return Poison(ptype)
    if isinstance(v, Undef):
        return Undef(ptype)
    name = f"{v.name}.ptr" if v.name else None
    if isinstance(v, I.Phi):
        p = I.Phi(ptype, [], list(v.blocks), name=name)
        memo[id(v)] = p  # before the operands: a loop comes back to this phi
        p.parent = v.parent
        v.parent.instructions.insert(0, p)
        p.ops = [_as_pointer(x, ptype, memo) for x in v.ops]
        return p
    p = I.Select("select", ptype, [v.ops[0]], name=name)
    memo[id(v)] = p
    p.ops += [_as_pointer(x, ptype, memo) for x in v.ops[1:]]
    _insert_after(v, p)
    return p


def rejoin_pointers(fn) -> int:
    """Replace each `inttoptr` of `fn` whose integer is rejoinable (see the module's
    docstring) by the pointer it rebuilds; returns how many were replaced."""
    casts = [i for b in fn.blocks for i in b.instructions
             if isinstance(i, I.Cast) and i.opcode == "inttoptr"
             and isinstance(i.ops[0], (I.Phi, I.Select, I.Cast))
             and _rejoinable(i.ops[0], i.type, set())]
    if not casts:
        return 0
    memo: dict = {}
    repl = {id(c): _as_pointer(c.ops[0], c.type, memo) for c in casts}
    for k, v in repl.items():  # `inttoptr (ptrtoint (inttoptr ...))`: to the end of the chain
        while id(v) in repl and repl[id(v)] is not v:
            v = repl[id(v)]
        repl[k] = v
    for b in fn.blocks:
        b.instructions = [i for i in b.instructions if id(i) not in repl]
        for inst in b.instructions:
            map_operands(inst, lambda v: repl.get(id(v), v), constants=False)
    return len(casts)
