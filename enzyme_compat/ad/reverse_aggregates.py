"""Shadows of aggregates holding pointers in the augmented forward sweep (a mixin of
`reverse.GradientSynthesis`): Rust's slices (`{ptr, i64}` from `from_raw_parts`),
flang's array descriptors (`{ptr, i64, i32, i8, ..., [r x [3 x i64]]}` stored next to a
runtime call). The shadow of such an aggregate is the same aggregate with each pointer
leaf replaced by its shadow (null where it has none) and every other leaf zero: it only
carries shadow pointers, never adjoints (those live in shadow memory and adjoint slots)."""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.types import I32, ArrayType, IdentifiedStructType, StructType
from ..ir.values import ConstantInt, ConstantNull
from .builder import zero_of


def pointer_leaves(t, path=()) -> list:
    """(index path, type) of every pointer inside struct or array type `t`."""
    if t.is_pointer:
        return [(path, t)] if path else []
    if isinstance(t, (StructType, IdentifiedStructType)):
        return [leaf for k, e in enumerate(t.elems) for leaf in pointer_leaves(e, (*path, k))]
    if isinstance(t, ArrayType):
        inner = pointer_leaves(t.elem, ())
        return [((*path, k, *p), lt) for k in range(t.count) for p, lt in inner]
    return []


def holds_pointer(t) -> bool:
    """A pointer, or an aggregate with a pointer inside."""
    return t.is_pointer or bool(pointer_leaves(t))


class PointerAggregates:
    def _aggregate_shadow(self, inst, c, nb) -> bool:
        """The shadow of an insertvalue, extractvalue or load that moves pointers inside
        aggregates; False when `inst` is none of these."""
        op = inst.opcode
        if op == "insertvalue" and holds_pointer(inst.type):
            agg, val = inst.ops[0], inst.ops[1]
            sa, sv = self.shadow.get(agg), self.shadow.get(val)
            if sa is None and sv is None:
                return True
            ops = [sa if sa is not None else zero_of(agg.type),
                   sv if sv is not None else zero_of(val.type)]
            self.shadow[inst] = nb.append(I.InsertValue(inst.type, ops, list(inst.indices)))
            return True
        if op == "extractvalue" and holds_pointer(inst.type):
            sa = self.shadow.get(inst.ops[0])
            if sa is not None:
                self.shadow[inst] = nb.append(I.ExtractValue(inst.type, [sa],
                                                             list(inst.indices)))
            return True
        if op == "load" and not inst.type.is_pointer and holds_pointer(inst.type):
            sp = self.shadow.get(inst.ops[0])
            if sp is not None:
                self.shadow[inst] = nb.append(I.Load(inst.type, [sp], align=inst.align))
            return True
        return False

    def _store_pointer_leaves(self, val, dptr, align, nb):
        """A store of an aggregate into shadowed memory: its pointer leaves' shadows go to
        their places in the shadow (the float bytes there hold adjoints: left alone)."""
        sv = self.shadow.get(val)
        t = val.type
        for path, lt in pointer_leaves(t):
            leaf = nb.append(I.ExtractValue(lt, [sv], list(path))) if sv is not None \
                else ConstantNull(lt)
            idx = [ConstantInt(I32, 0), *(ConstantInt(I32, k) for k in path)]
            at = nb.append(I.GetElementPtr(self.tape.pointer_to(lt), t, [dptr, *idx],
                                           ["inbounds"]))
            nb.append(I.Store([leaf, at], align=None))
