"""ReverseBuilder: what a reverse rule may emit, and adjoints read off forward rules.

A reverse rule runs in the reverse sweep at the point that mirrors its instruction. It
sees the instruction's operands as they were in the forward sweep (`args`, fetched lazily
from the tape: only the operands a rule reads are recorded), the primal result
(`rb.result`), the shadows of pointer operands (`rb.shadow(i)`) and the adjoint of the
result, and returns the adjoints of its operands.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..ir import instructions as I
from ..ir.types import ArrayType, IdentifiedStructType, PointerType, StructType, VectorType
from .builder import TangentBuilder
from .errors import NoDerivativeError
from .sincos import PARTNER_NAMES, fusable_partner, has_sincos
from .types_analysis import holds_float


class LazyOperands(Sequence):
    """The forward values of an instruction's operands, read from the tape on first use."""

    def __init__(self, gs, values):
        self._gs = gs
        self._values = list(values)
        self._got: dict = {}

    def __len__(self):
        return len(self._values)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        if i < 0:
            i += len(self)
        if i not in self._got:
            self._got[i] = self._gs.fwd(self._gs.new(self._values[i]))
        return self._got[i]


def _calls_by_operands(gs, block) -> dict:
    """The calls of primal `block` by (callee name, id of each argument), in block order:
    found once per block, not by a scan of the block for each derivative that makes a
    call (a straight-line function is one block of thousands of calls)."""
    index = gs.__dict__.setdefault("_calls_by_operands", {})
    calls = index.get(block)
    if calls is None:
        calls = index[block] = {}
        for p in block.instructions:
            if isinstance(p, I.Call):
                name = getattr(p.callee, "name", None)
                calls.setdefault((name, *map(id, p.args)), []).append(p)
    return calls


class ReverseBuilder(TangentBuilder):
    """`inst`: the primal instruction; `template`: its copy in the forward sweep (a model
    for `clone`); `block`: the reverse block being filled."""

    def __init__(self, gs, inst, template, block):
        self.fs = self.gs = gs
        self.inst = inst
        self.template = template
        self.block = block

    @property
    def result(self):
        """The primal result as computed in the forward sweep."""
        return self.gs.fwd(self.gs.new(self.inst))

    def call(self, callee, args, ret=None, flags=None):
        """A call; when the primal makes the same call on the same operands in this
        block (cos(x) for the derivative of sin(x), beside the primal's own cos(x)), the
        forward value of the primal's call instead of a second evaluation."""
        twin = self._primal_twin(callee, args, ret)
        if twin is not None:
            return twin
        partner = self._forward_partner(callee, args, ret)
        if partner is not None:
            return partner
        return super().call(callee, args, ret, flags)

    def _note_partner(self, c):
        """Nothing: a partner reverse mode needs is made in the forward sweep (call)."""

    def _forward_partner(self, callee, args, ret):
        """cos(x) for the derivative of sin(x) (or sin(x) for cos(x)) on a target whose C
        library has sincos: made in the forward sweep right after the forward call and
        read from the tape, so that sincos.py fuses the two into one sincos call there
        instead of a sin in the forward sweep and a cos in the reverse one."""
        gs, inst = self.gs, self.inst
        if ret is not None and ret != callee.fn_type.ret or len(args) != 1 \
                or not fusable_partner(gs.module, inst, callee) \
                or args[0] is not gs.fwd(gs.new(inst.args[0])):
            return None
        return self._partner_made(callee)

    def operand_partner(self):
        """For the call sin(x), cos(x) as the reverse sweep reads it (sin(x) for cos(x)),
        without fetching x: the primal's own call of it on x in this block, else one made
        in the forward sweep beside this call where the C library has sincos; None
        otherwise (the rule computes it from x). A rule of sin that calls cos on x gets
        the same from `call`, after x was fetched for nothing."""
        gs, inst = self.gs, self.inst
        if type(inst) is not I.Call or len(inst.args) != 1:
            return None
        name = PARTNER_NAMES.get(getattr(inst.callee, "name", None))
        if name is None:
            return None
        twin = self._twin(name, inst.type)
        if twin is not None:
            return twin
        if not has_sincos(gs.module):
            return None
        callee = gs.declare(name, inst.fn_type)
        return self._partner_made(callee) if fusable_partner(gs.module, inst, callee) else None

    def _partner_made(self, callee):
        """The forward value of `callee` called on the operand of this call right after
        its copy in the forward sweep (made there once)."""
        gs, inst = self.gs, self.inst
        made = gs.__dict__.setdefault("partners", {})  # id(inst) -> (its forward call, partner)
        pair = made.get(id(inst))
        if pair is None:
            fc = gs.new(inst)
            if type(fc) is not I.Call or fc.callee is not inst.callee or not gs._in_forward(fc):
                return None
            partner = I.Call("call", fc.type, callee.fn_type, callee, [fc.ops[0]], [[]])
            partner.parent = fc.parent
            pair = made[id(inst)] = (fc, partner)
        return gs.fwd(pair[1])

    def _primal_twin(self, callee, args, ret):
        name = getattr(callee, "name", None)
        inst = self.inst
        if not name or not isinstance(inst, I.Call) or len(args) != len(inst.args):
            return None
        if any(a is not self.gs.fwd(self.gs.new(o)) for a, o in zip(args, inst.args)):
            return None  # not the operands of the differentiated call
        return self._twin(name, callee.fn_type.ret if ret is None else ret)

    def _twin(self, name, want):
        """The forward value of a call of `name` (result type `want`) that the primal
        makes on this call's operands in its block, or None."""
        inst, gs = self.inst, self.gs
        for p in _calls_by_operands(gs, inst.parent).get((name, *map(id, inst.args)), ()):
            if p is not inst and p.type == want:
                self._note_twins(inst, p)
                return gs.fwd(gs.new(p))
        return None

    def _note_twins(self, inst, p):
        """The primal's own sin(x) and cos(x) (`inst`, `p`): their copies in the forward
        sweep, earlier first, noted for sincos.py to compute both in one call."""
        gs = self.gs
        if not fusable_partner(gs.module, inst, p.callee):
            return
        a, b = gs.new(inst), gs.new(p)
        if type(a) is not I.Call or type(b) is not I.Call or a.parent is not b.parent \
                or not gs._in_forward(a):
            return
        pos = gs.__dict__.setdefault("_call_positions", {}).get(inst.parent)
        if pos is None:
            pos = gs._call_positions[inst.parent] = {
                id(c): k for k, c in enumerate(inst.parent.instructions) if type(c) is I.Call}
        if pos[id(p)] < pos[id(inst)]:
            a, b = b, a
        gs.__dict__.setdefault("sincos_twins", {}).setdefault((id(a), id(b)), (a, b))

    @property
    def in_place_update(self) -> bool:
        """The load or store of an in-place update `*p += e` (increments.py)."""
        return self.inst in self.gs.in_place_updates()

    def shadow(self, i):
        """The shadow of pointer operand `i` (None when it has none)."""
        ops = self.inst.args if isinstance(self.inst, I.Call) else self.inst.ops
        s = self.gs.shadow.get(ops[i])
        return None if s is None else self.gs.fwd(s)

    def pointer_to(self, t):
        return self.gs.tape.pointer_to(t)

    def typed(self, ptr, t):
        """`ptr` as a pointer to `t` (a bitcast when pointers are typed and differ)."""
        if self.gs.tape.opaque or ptr.type == self.pointer_to(t):
            return ptr
        return self.emit(I.Cast("bitcast", PointerType(t, ptr.type.addrspace), [ptr]))

    def _align(self):
        """The primal access's alignment (shadow memory mirrors the primal's layout), else
        1: a vector access at a float's offset must not assume more."""
        return getattr(self.inst, "align", None) or 1

    def load(self, t, ptr):
        return self.emit(I.Load(t, [self.typed(ptr, t)], align=self._align()))

    def store(self, value, ptr):
        self.emit(I.Store([value, self.typed(ptr, value.type)], align=self._align()))

    def add_to_memory(self, ptr, t, value):
        """`*ptr += value` (shadow memory accumulating an adjoint); an atomic add of each
        float in a gradient run by several threads at once (`Gradient.atomic`)."""
        if value is None:
            return
        if getattr(self.gs.g, "atomic", False):
            self._atomic_add(ptr, t, value)
            return
        group = self.gs.staggered().get(self.inst)
        if group is not None:  # summed where the sweep reaches the group's first load
            group.pending.append((self.inst, ptr, value))
            return
        old = self.load(t, ptr)
        self.store(self.gs.add(old, value, self), ptr)

    def add_group(self, group):
        """The adjoints of a group of partly overlapping vector loads (staggered.py),
        summed in one vector spanning them all, added to the shadow in pieces of the loads'
        width from the lowest offset (a last shorter piece lane by lane)."""
        from ..ir.types import I8, I32, I64
        from ..ir.values import ConstantAggregate, ConstantInt, ZeroInitializer
        from .builder import adjoint_zero
        from .tape import store_size

        pending, group.pending = group.pending, []
        if not pending:
            return
        vt = pending[0][2].type
        et, w = vt.elem, vt.count
        esize = store_size(et)
        lo = min(group.loads[ld] for ld, _, _ in pending)
        lanes = max(group.loads[ld] for ld, _, _ in pending) // esize - lo // esize + w
        wide = VectorType(lanes, et)
        total = None
        for ld, _, d in pending:
            first = (group.loads[ld] - lo) // esize
            mask = [j - first if first <= j < first + w else w for j in range(lanes)]
            widened = self.emit(I.ShuffleVector("shufflevector", wide, [
                d, adjoint_zero(vt),
                ConstantAggregate(VectorType(lanes, I32), [ConstantInt(I32, m) for m in mask])]))
            total = widened if total is None else self.emit(
                I.BinaryOp("fadd", wide, [total, widened]))
        ld0, ptr0, _ = pending[0]
        base = self.typed(ptr0, I8)
        align = min(self._align(), esize)

        def add_at(q, t, value):  # *q += value
            old = self.emit(I.Load(t, [q], align=align))
            self.emit(I.Store([self.emit(I.BinaryOp("fadd", t, [old, value])), q], align=align))

        for start in range(0, lanes, w):
            n = min(w, lanes - start)
            offset = lo + start * esize - group.loads[ld0]
            p = self.emit(I.GetElementPtr(self.pointer_to(I8), I8,
                                          [base, ConstantInt(I64, offset)])) if offset else base
            if n == w:
                piece = self.emit(I.ShuffleVector("shufflevector", vt, [
                    total, ZeroInitializer(wide),
                    ConstantAggregate(VectorType(w, I32),
                                      [ConstantInt(I32, start + j) for j in range(w)])]))
                add_at(self.typed(p, vt), vt, piece)
                continue
            for j in range(n):
                lane = self.emit(I.ExtractElement("extractelement", et,
                                                  [total, ConstantInt(I64, start + j)]))
                q = self.typed(p, et)
                if j:
                    q = self.emit(I.GetElementPtr(self.pointer_to(et), et,
                                                  [q, ConstantInt(I64, j)]))
                add_at(q, et, lane)

    def _atomic_add(self, ptr, t, value):
        """`atomicrmw fadd` of every float of `value` (vector lanes and aggregate leaves
        one by one) at its place in the memory `ptr` points to."""
        from ..ir.types import I32, I64
        from ..ir.values import ConstantInt
        from .tape import store_size

        if isinstance(t, VectorType):
            parts = [((k,), t.elem, self.emit(I.ExtractElement(
                "extractelement", t.elem, [value, ConstantInt(I64, k)])))
                for k in range(t.count)]
        elif isinstance(t, (StructType, IdentifiedStructType, ArrayType)):
            parts = [(path, lt, self.emit(I.ExtractValue(lt, [value], list(path))))
                     for path, lt in float_leaves(t) if not isinstance(lt, VectorType)]
            if len(parts) != len(float_leaves(t)):
                self.error(NoDerivativeError, "an atomic adjoint update of vectors inside "
                           "an aggregate is not supported")
        else:
            parts = [((), t, value)]
        for path, et, v in parts:
            p = self.typed(ptr, t)
            if path:
                idx = [ConstantInt(I32 if isinstance(t, (StructType, IdentifiedStructType))
                                   else I64, k) for k in path]
                if not isinstance(t, VectorType):
                    idx = [ConstantInt(I64, 0), *idx]
                src = et if isinstance(t, VectorType) else t
                p = self.emit(I.GetElementPtr(self.pointer_to(et), src, [p, *idx],
                                              flags=["inbounds"]))
            self.emit(I.AtomicRMW(et, "fadd", [p, v], "monotonic",
                                  align=store_size(et)))

    def leaves_dot(self, a, b):
        """sum of a[k] * b[k] over the float leaves of two values of one aggregate type."""
        total = None
        for path, t in float_leaves(a.type):
            x = self.emit(I.ExtractValue(t, [a], list(path))) if path else a
            y = self.emit(I.ExtractValue(t, [b], list(path))) if path else b
            total = self.fadd(total, self.fmul(x, y))
        return total


def float_leaves(t, path=()):
    """(index path, type) of every float or float-vector leaf of aggregate type `t`."""
    if isinstance(t, (StructType, IdentifiedStructType)):
        return [x for i, e in enumerate(t.elems) for x in float_leaves(e, path + (i,))]
    if isinstance(t, ArrayType):
        return [x for i in range(t.count) for x in float_leaves(t.elem, path + (i,))]
    return [(path, t)] if t.is_float else []


def adjoints_from_forward(rule, rb, args, dy, operands):
    """Operand adjoints of an elementwise operation from its forward rule (which is
    linear in the tangents): an operand of the result's type gets tangent(e_i := dy)
    (a diagonal Jacobian is its own transpose); a scalar operand of an operation with an
    aggregate result (sincos, frexp) gets <tangent(e_i := 1), dy>."""
    out = []
    n = len(operands)
    for i, v in enumerate(operands):
        if not holds_float(v.type) or not rb.gs.has_adjoint(v):
            out.append(None)
            continue
        d = [None] * n
        if v.type == rb.inst.type:
            d[i] = dy
            out.append(rule.tangent(rb, args, d))
        elif v.type.is_float and not isinstance(v.type, VectorType) \
                and isinstance(rb.inst.type, (StructType, IdentifiedStructType)):
            d[i] = rb.const(v.type, 1.0)
            jac = rule.tangent(rb, args, d)
            out.append(None if jac is None else rb.leaves_dot(jac, dy))
        else:
            rb.error(NoDerivativeError, "no reverse rule for this operation (its operand "
                     f"{i} is {v.type!r} and its result {rb.inst.type!r}: not elementwise)")
    return out
