"""Vector loads whose adjoint updates would overlap each other by part of a vector.

A vectorized stencil loads `x[i-1..i]`, `x[i..i+1]` and `x[i+1..i+2]` in one iteration; the
reverse sweep adds each load's adjoint into the shadow of the bytes it read. Done as one
vector load-add-store per load, the second update's load reads half of the first update's
store and half of older memory: the processor cannot forward the store to it and waits
for the store to reach the cache (a stall of about a dozen cycles, three per iteration,
which made such gradients twice as slow); lane by lane, LLVM's vectorizer merges the
updates back into the same overlapping vectors.

So the adjoints of such a group of loads are summed in registers into one vector spanning
all of them (`x[i-1..i+2]`), which is added to the shadow in pieces of the loads' width
starting at the lowest offset (`x[i-1..i]`, `x[i+1..i+2]`): each piece's load reads exactly
what one earlier store of the previous iteration wrote, which is forwarded. The sum is
added where the reverse sweep reaches the group's first load; nothing between the group's
loads may touch memory (a store or call there would see the shadow without the sum).

Two loads overlap in part, in one iteration or in two that follow each other, when they
read through the same pointer at the same variable index plus constant offsets whose
difference is not a multiple of the vector's size."""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.types import VectorType
from ..ir.values import ConstantInt
from .addresses import is_scalable, pointer_and_offset
from .tape import alloc_size, store_size


def _index_and_offset(v):
    """(variable part, constant part) of an integer index: x + C, x - C, x | C (disjoint:
    flagged so, or C below the low bits of x known zero) or x itself."""
    if isinstance(v, ConstantInt):
        return None, v.value
    if isinstance(v, I.BinaryOp) and isinstance(v.ops[1], ConstantInt):
        c = v.ops[1].value
        if v.opcode == "add" or v.opcode == "or" and (
                "disjoint" in (v.flags or ()) or 0 <= c < 1 << _zero_low_bits(v.ops[0])):
            x, k = _index_and_offset(v.ops[0])
            return x, k + c
        if v.opcode == "sub":
            x, k = _index_and_offset(v.ops[0])
            return x, k - c
    return v, 0


def _zero_low_bits(v, depth: int = 0) -> int:
    """How many low bits of integer `v` are known to be zero: constants, shifts and
    multiples, and a loop counter starting at such a value and stepping by one (a
    vectorized loop's index: releases before 18 write `or i64 %index, 1` without the
    `disjoint` flag for `%index + 1`)."""
    if isinstance(v, ConstantInt):
        return (v.value & -v.value).bit_length() - 1 if v.value else 64
    if depth > 3 or not isinstance(v, I.Instruction):
        return 0
    if isinstance(v, I.BinaryOp):
        a, b = v.ops
        if v.opcode == "shl" and isinstance(b, ConstantInt):
            return _zero_low_bits(a, depth + 1) + b.value
        if v.opcode in ("mul", "and"):
            bits = (_zero_low_bits(a, depth + 1), _zero_low_bits(b, depth + 1))
            return sum(bits) if v.opcode == "mul" else max(bits)
        if v.opcode in ("add", "sub", "or"):
            return min(_zero_low_bits(a, depth + 1), _zero_low_bits(b, depth + 1))
        return 0
    if isinstance(v, I.Phi):
        bits = 64
        for x in v.ops:
            if isinstance(x, I.BinaryOp) and x.opcode in ("add", "sub", "or") and x.ops[0] is v:
                x = x.ops[1]  # the step of a counter
            bits = min(bits, 0 if x is v else _zero_low_bits(x, depth + 1))
        return bits
    return 0


def _address(p):
    """(base pointer, variable index, its stride, byte offset): `p` is the address base +
    index * stride + offset, through `getelementptr T, base, idx` of one index (a constant
    one on top of another adds to the offset: an interleaved loop reads `x[i+2..i+3]` 16
    bytes past `x[i]`) and bitcasts (typed pointers load a vector through a `<2 x double>*`
    cast of the element's address)."""
    p, offset = pointer_and_offset(p)
    if isinstance(p, I.GetElementPtr) and len(p.ops) == 2 and not is_scalable(p.source_type):
        stride = alloc_size(p.source_type)
        x, k = _index_and_offset(p.ops[1])
        if x is not None:
            return p.ops[0], x, stride, offset + k * stride
    return p, None, 0, offset


class Group:
    """Vector loads of one block through one pointer at one variable index: `loads` maps
    each to its byte offset; the reverse sweep sums their adjoints at `first`."""

    def __init__(self, loads: dict, first):
        self.loads = loads
        self.first = first
        self.pending: list = []  # (load, its shadow address, its adjoint)


def staggered_groups(fn) -> dict:
    """load -> its Group, for the vector loads of `fn` whose adjoint updates overlap in
    part (see the module's docstring)."""
    out = {}
    for b in fn.blocks:
        by_place: dict = {}
        for k, inst in enumerate(b.instructions):
            if isinstance(inst, I.Load) and isinstance(inst.type, VectorType) and \
                    not is_scalable(inst.type):
                base, x, stride, offset = _address(inst.ops[0])
                by_place.setdefault((id(base), id(x), stride), []).append((k, offset, inst))
        for loads in by_place.values():
            types = {ld.type for _, _, ld in loads}
            if len(types) != 1:
                continue
            t = next(iter(types))
            size, esize = store_size(t), store_size(t.elem)
            offsets = [off for _, off, _ in loads]
            if all((o - offsets[0]) % size == 0 for o in offsets) or \
                    any(o % esize for o in offsets):
                continue
            lo, hi = loads[0][0], loads[-1][0]
            if any(isinstance(i, (I.Store, I.AtomicRMW, I.CmpXchg, I.Fence)) or
                   (isinstance(i, I.Call) and not _pure(i))
                   for i in b.instructions[lo:hi + 1]):
                continue
            g = Group({ld: off for _, off, ld in loads}, loads[0][2])
            for _, _, ld in loads:
                out[ld] = g
    return out


def _pure(call) -> bool:
    """An intrinsic on values alone (fmuladd, sqrt, ...): its reverse code touches no
    shadow memory."""
    name = getattr(call.callee, "name", "") or ""
    return name.startswith("llvm.") and not any(a.type.is_pointer for a in call.args)
