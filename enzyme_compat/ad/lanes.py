"""Demanded vector lanes: which lanes of each vector value the function really uses.

The SLP vectorizer builds vectors whose spare lanes are poison (`shufflevector %v, poison,
<1, poison>`, `insertelement poison, ...`) and computes on them. The primal never reads
those lanes, but the reverse sweep multiplies each lane's adjoint (0 in a dead lane) by
the lane's partial derivative, and 0 * (garbage that is NaN or inf) is NaN, which lands in
a live lane of an operand. So the reverse sweep zeroes the dead lanes of each adjoint
contribution of an elementwise vector instruction whose result has dead lanes.

The analysis runs backwards from the uses: an extractelement with a constant index demands
one lane, a shufflevector the lanes its mask takes from each operand for its demanded
lanes, an insertelement its demanded lanes but the inserted one, an elementwise operation
(arithmetic, compare, select, cast of the same lane count, phi, freeze, elementwise
intrinsic) its own demanded lanes; any other use (store, call, return, reduction, bitcast
to another shape) demands every lane.
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.types import VectorType
from ..ir.values import ConstantAggregate, ConstantInt, Poison, Undef, ZeroInitializer
from .activity import called_function

# llvm.NAME.* intrinsics that act lane by lane (result lane k from operand lanes k)
ELEMENTWISE_INTRINSICS = frozenset((
    "fma", "fmuladd", "sqrt", "sin", "cos", "tan", "asin", "acos", "atan", "atan2", "sinh",
    "cosh", "tanh", "exp", "exp2", "exp10", "log", "log2", "log10", "pow", "powi", "fabs",
    "copysign", "minnum", "maxnum", "minimum", "maximum", "minimumnum", "maximumnum", "floor",
    "ceil", "trunc", "rint", "nearbyint", "round", "roundeven", "ldexp", "smax", "smin", "umax",
    "umin", "abs",
))
_ELEMENTWISE = (I.BinaryOp, I.UnaryOp, I.Compare, I.Select, I.Phi, I.Freeze)


def shuffle_mask(inst) -> list[int | None] | None:
    """The lanes a shufflevector takes (None for a poison/undef lane), or None when the
    mask is not a constant."""
    m = inst.ops[2]
    n = m.type.count
    if isinstance(m, ZeroInitializer):
        return [0] * n
    if isinstance(m, ConstantAggregate):
        return [e.value if isinstance(e, ConstantInt) and e.value >= 0 else None for e in m.elems]
    if isinstance(m, (Undef, Poison)):
        return [None] * n
    return None


def _count(t):
    return t.count if isinstance(t, VectorType) and not t.scalable else None


def _lanewise(user) -> bool:
    if isinstance(user, _ELEMENTWISE):
        return True
    if isinstance(user, I.Cast):
        return _count(user.type) is not None and _count(user.type) == _count(user.ops[0].type)
    if isinstance(user, I.Call):
        f = called_function(user)
        name = f.name if f is not None else ""
        return name.startswith("llvm.") and name.split(".")[1] in ELEMENTWISE_INTRINSICS
    return False


def _demand_of_use(user, v, demanded, everything):
    """The lanes of `v` that its use by `user` demands."""
    n = _count(v.type)
    if isinstance(user, I.ExtractElement):
        k = user.ops[1]
        return frozenset((k.value,)) if isinstance(k, ConstantInt) and 0 <= k.value < n else everything
    mine = demanded.get(user, everything if _count(user.type) is None else frozenset())
    if user.opcode == "shufflevector":
        mask = shuffle_mask(user)
        if mask is None:
            return everything
        out = set()
        for j in mine:
            m = mask[j] if j < len(mask) else None
            if m is None:
                continue
            for side, op in enumerate(user.ops[:2]):
                if op is v and m // n == side:
                    out.add(m % n)
        return frozenset(out)
    if user.opcode == "insertelement" and user.ops[0] is v:
        k = user.ops[2]
        return mine - {k.value} if isinstance(k, ConstantInt) else mine
    if _lanewise(user) and _count(user.type) == n:
        return mine
    return everything


def partial_lanes(fn) -> dict:
    """instruction -> the frozenset of its demanded lanes, for each vector-valued
    instruction of `fn` that leaves some lanes unread (others are absent)."""
    vectors = [inst for b in fn.blocks for inst in b.instructions
               if isinstance(inst.type, VectorType) and _count(inst.type) is not None]
    if not vectors:  # most functions: no use lists to build
        return {}
    users = fn.operand_users()
    demanded: dict = {}
    changed = True
    while changed:  # phis make it a fixpoint; lanes only grow
        changed = False
        for v in reversed(vectors):
            everything = frozenset(range(_count(v.type)))
            lanes = frozenset()
            for u in users.get(id(v), ()):
                lanes |= _demand_of_use(u, v, demanded, everything)
                if lanes == everything:
                    break
            if demanded.get(v) != lanes:
                demanded[v] = lanes
                changed = True
    return {v: lanes for v, lanes in demanded.items() if len(lanes) < _count(v.type)}
