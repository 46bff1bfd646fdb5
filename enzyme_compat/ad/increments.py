"""In-place updates `*p = *p + e` whose shadow the reverse sweep can leave alone.

The reverse of `v = load p; w = fadd v, e; store w, p` reads the shadow of `*p` as the
adjoint of `w` and zeroes it (the store), passes that adjoint on to `e` and to `v` (the
sum), and adds `v`'s adjoint back into the shadow (the load): the shadow ends where it
started. When `w` is the stored value's only use of `v` and `v`'s only use, with nothing
between the load and the store that writes memory, the reverse sweep reads the shadow
without zeroing it and the load adds nothing: a load of the shadow instead of a load, a
store of zero and a load-add-store, in the innermost loop of every `+=` (a matrix-vector
product, GMM's triangular solve, a histogram of weights).

"Writes memory" is any call that may, and a store unless it provably misses the loaded
bytes: both addresses the same pointer plus constant offsets, with byte ranges apart. A
vectorized loop interleaved by two loads `p[i..i+1]` and `p[i+2..i+3]` and stores both
sums after: the first store must not hide the second update.

The update is the addend of the sum: `fadd v, e`, `fadd e, v`, `fsub v, e` or
`llvm.fmuladd`/`llvm.fma` with `v` as the third operand, scalar or vector."""

from __future__ import annotations

from ..ir import instructions as I
from .activity import called_function
from .addresses import is_scalable, pointer_and_offset
from .tape import store_size

_FUSED = ("llvm.fmuladd.", "llvm.fma.")


def _addend(w, v) -> bool:
    """`v` enters `w` with coefficient 1 and only once."""
    if isinstance(w, I.BinaryOp):
        a, b = w.ops
        if w.opcode == "fadd":
            return (a is v) != (b is v)
        if w.opcode == "fsub":
            return a is v and b is not v
        return False
    if isinstance(w, I.Call):
        name = getattr(called_function(w), "name", "") or ""
        return name.startswith(_FUSED) and len(w.args) == 3 and w.args[2] is v \
            and w.args[0] is not v and w.args[1] is not v
    return False


def in_place_updates(fn, users: dict | None = None) -> set:
    """The loads and stores of `fn` that form in-place updates (see the module's
    docstring); `users`: `fn.operand_users()` when the caller has it."""
    if users is None:
        users = fn.operand_users()
    out = set()
    Store = I.Store
    for b in fn.blocks:
        if Store not in map(type, b.instructions):  # (most blocks: one C-level scan)
            continue
        pending: dict = {}  # (id(pointer), offset) -> the last load there since a write
        for inst in b.instructions:
            if isinstance(inst, I.Load):
                if inst.ordering is None and "volatile" not in (inst.flags or ()):
                    root, offset = pointer_and_offset(inst.ops[0])
                    pending[id(root), offset] = inst
                continue
            if isinstance(inst, I.Store):
                w, p = inst.ops
                root, offset = pointer_and_offset(p)
                v = pending.get((id(root), offset))
                if v is not None and inst.ordering is None and \
                        "volatile" not in (inst.flags or ()) and \
                        isinstance(w, I.Instruction) and w.parent is b and \
                        v.type == w.type and _addend(w, v) and \
                        len(users.get(id(v), ())) == 1 and len(users.get(id(w), ())) == 1:
                    out.add(v)
                    out.add(inst)
                if is_scalable(w.type):
                    pending = {}
                    continue
                end = offset + store_size(w.type)
                pending = {k: ld for k, ld in pending.items() if k[0] == id(root) and
                           not is_scalable(ld.type) and
                           (k[1] + store_size(ld.type) <= offset or end <= k[1])}
                continue
            if isinstance(inst, I.Call):
                name = getattr(called_function(inst), "name", "") or ""
                if name.startswith(_FUSED) or not any(a.type.is_pointer for a in inst.args) \
                        and name.startswith("llvm."):
                    continue  # arithmetic: touches no memory
                pending.clear()
            elif isinstance(inst, (I.AtomicRMW, I.CmpXchg, I.Fence)):
                pending.clear()
    return out
