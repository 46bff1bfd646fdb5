"""Where the reverse sweep keeps the adjoints of SSA values (a mixin of
`reverse.GradientSynthesis`).

An adjoint lives in SSA values while the reverse code that contributes to it is
emitted, when every contribution is made in the value's own block (`in_block_adjoint`),
in the edge block to the one block its block branches to (`_edge_phi_user`), or in the
arms its block forks into, each handing its part to the block's reverse code, which
starts with a phi of them (`_edge_values`). Any other adjoint lives in a stack slot of
the reverse function, zeroed at its entry and, for a value defined inside a loop, again
where its definition is reached, so that each earlier iteration starts from zero.
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.types import ArrayType, IdentifiedStructType, StructType
from ..ir.values import Argument
from .builder import adjoint_zero
from .errors import DifferentiationError
from .reverse_builder import float_leaves

_NO_VALUES: dict = {}  # (shared, never written)


class AdjointStorage:
    def has_adjoint(self, v) -> bool:
        """Whether primal value `v` accumulates an adjoint (an active float value, or an
        active integer holding the bits of a float)."""
        got = self._has_adjoint.get(v)  # asked several times per instruction: first
        if got is not None:
            return got
        if isinstance(v, Argument):
            return v in self.out_args
        if not isinstance(v, I.Instruction):
            return False
        # activity first: most integers (counters, indices) are inactive, and the
        # float-bits question for an integer costs a type analysis
        got = self._has_adjoint[v] = self.activity.is_active(v) and self.adjoint_type(v) is not None
        return got

    def add(self, a, b, builder=None):
        """a + b for adjoints of any float-holding type (struct leaves one by one)."""
        if a is None:
            return b
        if b is None:
            return a
        t = a.type
        if isinstance(t, (StructType, IdentifiedStructType, ArrayType)):
            out = a
            for path, lt in float_leaves(t):
                x = self.remit(I.ExtractValue(lt, [a], list(path)))
                y = self.remit(I.ExtractValue(lt, [b], list(path)))
                s = self.remit(I.BinaryOp("fadd", lt, [x, y]))
                out = self.remit(I.InsertValue(t, [out, s], list(path)))
            return out
        return self.remit(I.BinaryOp("fadd", t, [a, b]))

    def slot(self, v):
        s = self.slots.get(v)
        if s is None:
            t = self.adjoint_type(v)
            s = I.Alloca(self.tape.pointer_to(t), t, [], align=None)
            s.parent = self.rentry
            self.slots[v] = s
        return s

    def in_block_adjoint(self, v) -> bool:
        """`v`'s adjoint lives in SSA values while the reverse code of its block is
        emitted, with no stack slot: an instruction (not a phi) whose users are all
        instructions of its own block other than phis, so every contribution is made in
        that block's reverse code before `v`'s own reverse reads it, or phis of the one
        block its block branches to (`_edge_phi_user`); or a value the arms its block
        forks into read (`_edge_values`)."""
        got = self._in_block.get(v)
        if got is None:
            got = self._in_block[v] = self._find_in_block(v)
        return got

    def _find_in_block(self, v) -> bool:
        if not isinstance(v, I.Instruction):
            return False
        b = v.parent
        if not isinstance(v, I.Phi):
            for u in self.primal_users().get(id(v), ()):
                if u.parent is b and not isinstance(u, I.Phi) or self._edge_phi_user(v, u):
                    continue
                break
            else:
                return True
        return id(v) in self._edge_values(b)

    def _edge_values(self, d) -> dict:
        """(id ->) the values of primal block `d` whose adjoints also live in SSA values,
        reaching `d`'s reverse code as phis: every user is in `d` (not a phi) or in a
        successor whose only predecessor is `d` (not a phi), and neither `d` nor any
        successor is in a loop. Each such successor's reverse code branches straight to
        `d`'s (through an edge block at most) and hands its part on there (`_hand_on`);
        the others hand on nothing (`_fill_edge_phis`). The value of an if/else
        statement's condition block that both arms read, the phi where the last one met."""
        cache = self.__dict__.setdefault("_edge_vals", {})
        got = cache.get(d)
        if got is None:
            got = cache[d] = self._find_edge_values(d)
        return got

    def _find_edge_values(self, d) -> dict:
        t = d.instructions[-1] if d.instructions else None
        if not isinstance(t, (I.Br, I.Switch)):
            return _NO_VALUES
        looped, preds = self.looped_blocks(), self.preds
        succ = t.successors()
        if d in looped or any(s in looped for s in succ) or d not in self.reachable:
            return _NO_VALUES
        only = set()  # (an unreachable predecessor too: left out)
        for s in succ:
            ps = preds.get(s)
            if s is not d and len(ps) == 1:
                only.add(s)
        if not only:
            return _NO_VALUES
        users = self.primal_users()
        out = {}
        for v in d.instructions:
            us = users.get(id(v))
            if not us:
                continue
            outside = False
            for u in us:
                b = u.parent
                if b is not d:
                    if b not in only or isinstance(u, I.Phi):
                        break
                    outside = True
                elif isinstance(u, I.Phi):
                    break
            else:
                if outside and self.has_adjoint(v):
                    out[id(v)] = v
        return out

    def _hand_on(self, pb, preds, targets):
        """At the end of the reverse code of `pb`, whose only predecessor is D: the
        adjoints it gathered for D's `_edge_values`, noted by the block that branches to
        D's reverse code."""
        if len(preds) != 1 or len(targets) != 1:
            return
        vals = self._edge_values(preds[0])
        if not vals:
            return
        x = self.rblock if targets[0] is self.rblocks.get(preds[0]) else targets[0]
        for v in vals.values():
            d = self.pending.pop(v, None)
            if d is not None:
                self.edge_out[(id(v), id(x))] = d

    def _fill_edge_phis(self, blocks):
        """The phis `_reverse_block` began the reverse code of a block with for its
        `_edge_values`: an incoming adjoint per branch to it, the empty one from
        branches that handed none on."""
        if not self.edge_phis:
            return
        preds: dict = {}
        for b in blocks:
            if b.instructions:
                for s in b.instructions[-1].successors():
                    preds.setdefault(id(s), []).append(b)
        heads, zeros = {}, {}
        for v, phi, r in self.edge_phis:
            ins = preds.get(id(r), [])
            zero = zeros.get(id(phi.type))
            if zero is None:
                zero = zeros[id(phi.type)] = adjoint_zero(phi.type)
            phi.ops = [self.edge_out.get((id(v), id(x)), zero) for x in ins]
            phi.blocks = list(ins)
            heads.setdefault(id(r), (r, []))[1].append(phi)
        for r, phis in heads.values():
            r.instructions[0:0] = phis

    def _edge_phi_user(self, v, u) -> bool:
        """`u` is a phi of the only successor S of `v`'s block B, reading `v` from B
        alone, on a forward edge (S comes after B in block order): the reverse sweep goes
        from S's reverse code to B's through the edge block where S's phis hand their
        adjoints on (`_reverse_block`), emitted before B's and the only way into it."""
        b = v.parent
        t = b.instructions[-1] if b.instructions else None
        if not isinstance(u, I.Phi) or t is None or t.opcode != "br" or t.ops \
                or t.successors() != [u.parent] or b not in self.reachable:
            return False
        order = self.order_index
        return order[u.parent] > order[b] and all(
            blk is b for o, blk in zip(u.ops, u.blocks) if o is v)

    def add_adjoint(self, v, d):
        """adjoint(v) += d (nothing for values without an adjoint)."""
        if d is None or not self.has_adjoint(v):
            return
        t = self.adjoint_type(v)
        if d.type is not t and d.type != t:  # (the same object, mostly: no __eq__ call)
            raise self.error(DifferentiationError, v if isinstance(v, I.Instruction) else None,
                             f"internal: adjoint of type {d.type!r} for a value of type "
                             f"{v.type!r}")
        if self.in_block_adjoint(v):
            old = self.pending.get(v)
            self.pending[v] = d if old is None else self.add(old, d)
            return
        s = self.slot(v)
        old = self.remit(I.Load(t, [s], align=None))
        self.remit(I.Store([self.add(old, d), s], align=None))

    def take_adjoint(self, v):
        """The adjoint accumulated for `v`, and reset it (a value defined in a loop starts
        each earlier iteration with a zero adjoint)."""
        if not self.has_adjoint(v):
            return None
        if self.in_block_adjoint(v):
            return self.pending.pop(v, None)  # None: nothing reached it
        s = self.slot(v)
        t = self.adjoint_type(v)
        d = self.remit(I.Load(t, [s], align=None))
        # outside loops its reverse code runs once: nothing adds to the slot after this
        if getattr(v, "parent", None) in self.looped_blocks():
            self.remit(I.Store([adjoint_zero(t), s], align=None))
        return d

    def _summed(self, todo):
        """(operand, adjoint) pairs with the adjoints of an operand read twice (fma(-x,
        s, s)) summed first, so its stack slot is updated once."""
        summed: dict = {}
        for v, d in todo:
            if d is None or not self.has_adjoint(v):
                continue
            got = summed.get(id(v))
            summed[id(v)] = (v, d) if got is None else (v, self.add(got[1], d))
        return list(summed.values())
