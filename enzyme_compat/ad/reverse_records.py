"""Forward values in the reverse sweep (a mixin of `reverse.GradientSynthesis`): what the
reverse code of a block reads is recomputed when cheap, else stored in that block's tape
record (pushed once at the block's end in the forward sweep, popped once on entry to the
block's reverse code)."""

from __future__ import annotations


from ..ir import instructions as I
from ..ir.types import I8, I32, I64
from ..ir.values import Argument, ConstantInt
from . import tape as T
from .types_analysis import holds_float

# Recomputed whatever their operands (integers and addresses, never floats).
RECOMPUTE_ANY = frozenset({"getelementptr", "bitcast", "addrspacecast", "trunc", "zext",
                           "sext", "add", "sub", "mul", "shl", "lshr", "ashr", "and", "or",
                           "xor", "icmp", "select", "freeze", "ptrtoint"})
_RECOMPUTE = frozenset({"getelementptr", "bitcast", "addrspacecast", "trunc", "zext", "sext",
                        "add", "sub", "mul", "shl", "lshr", "ashr", "and", "or", "xor",
                        "icmp", "fneg", "fadd", "fsub", "fmul", "fpext", "fptrunc",
                        "sitofp", "uitofp", "extractvalue", "extractelement", "insertvalue",
                        "insertelement", "shufflevector", "select", "freeze"})


_OFFSETS: dict = {}


def _offset(k: int) -> ConstantInt:
    """The i64 constant `k`, one object per offset: two getelementptrs per record field
    (constants are never changed in place, only replaced)."""
    c = _OFFSETS.get(k)
    if c is None:
        c = _OFFSETS[k] = ConstantInt(I64, k)
    return c


class TapeRecords:
    def fwd(self, v):
        """In the reverse sweep, at the current anchor: the value forward value `v` had
        when the anchor ran: an argument, a constant, a loop's counted-down induction
        variable, recomputed when it is cheap (address and integer arithmetic, loads of
        memory nothing writes afterwards, float arithmetic on those, arguments and
        constants, a phi whose block's predecessor is recomputed: reverse_paths.py),
        else read from the exit record of the loop it is invariant in (or the record of
        the iteration around it: reverse_loops.py) or the tape record of the current
        block."""
        if isinstance(v, Argument) and v in self.rev_args:
            return self.rev_args[v]
        if not self._in_forward(v):
            return v
        got = self.popped.get(id(v))
        if got is None:
            if id(v.parent) in self.direct_blocks:
                return v
            got = self._from_induction(v)
            if got is None and isinstance(v, I.Phi):
                got = self._phi_from_choice(v)
            if got is None and self._recomputable(v):
                got = I.shallow_copy(v)
                got.ops = [self.fwd(o) for o in v.ops]
                got.flags, got.md, got.name = list(v.flags), [], None
                self.remit(got)
            elif got is None:
                lp = self._invariant_loop(v)
                got = self._from_loop_record(lp, v) if lp is not None else self._from_record(v)
            self.popped[id(v)] = got
        return got

    def find_direct_blocks(self) -> frozenset:
        """(ids of) the forward blocks whose values the reverse code reads as they are
        (`direct_blocks`, set once the forward sweep is built and all its returns are
        known): with the two sweeps in one function (`ReverseMode.combined`), the blocks
        of primal blocks outside every loop that dominate every return. They run once per
        call, before the reverse sweep, which they dominate."""
        if not self.g.reload or not self.ret_blocks:
            return frozenset()
        idom = self._idoms()
        common = None
        for b in self.ret_blocks:
            chain = set()
            while b is not None:
                chain.add(b)
                b = idom.get(b)
            common = chain if common is None else common & chain
        looped = self.looped_blocks()
        return frozenset(id(self.bmap[b]) for b in common if b not in looped and b in self.reachable)

    def _recomputable(self, v, depth=0) -> bool:
        """Cheaper to recompute in the reverse sweep than to keep on the tape: address and
        integer arithmetic, casts and selects (from whatever their operands are: those
        are recomputed or read in turn, and shared by every use in the block), and float
        arithmetic whose operands are arguments, constants, or values this reverse block
        has already read (`x * c` next to a taped `x`: one multiply instead of a second
        tape slot)."""
        if id(v) in self.popped:
            return True
        if isinstance(v, Argument):
            return v in self.rev_args
        if not isinstance(v, I.Instruction):
            return True
        if depth > 8 or not self._in_forward(v):
            return False
        if id(v.parent) in self.direct_blocks:
            return True
        if isinstance(v, I.Load):
            return self._reloadable(v)
        if v.opcode in RECOMPUTE_ANY and not holds_float(v.type):
            return True
        if v.opcode == "fneg" and depth == 0:  # x in place of -x: never more tape (and
            return True  # less when x is read too: the derivative of -x*x), one fneg more
        if v.opcode not in _RECOMPUTE:
            return False
        return all(self._recomputable(o, depth + 1) for o in v.ops)

    def reloads(self):
        """What the reverse sweep re-reads instead of taping (reload.py), None unless the
        two halves run back to back."""
        if "_reloads" not in self.__dict__:
            from .reload import Reloads

            self._reloads = Reloads(self.module, self.primal, self.activity.kind) \
                if self.g.reload else None
        return self._reloads

    def _reloadable(self, v) -> bool:
        """A load of the forward sweep that the reverse sweep may repeat here (loads of
        rewound memory only where nothing rewrote it since: Reloads.rereadable_at)."""
        ids = self.__dict__.get("_reload_ids")
        if ids is None:
            rl = self.reloads()
            loads = rl.loads if rl is not None else ()
            ids = self._reload_ids = {
                id(self.vmap[x]): x if x in rl.block_local else None
                for x in loads if isinstance(self.vmap.get(x), I.Load)}
        if id(v) not in ids:
            return False
        load = ids[id(v)]
        return load is None or self.reloads().rereadable_at(load, self.current_pb)

    def staggered(self):
        """The primal's vector loads whose adjoints are summed by group (staggered.py)."""
        if "_staggered" not in self.__dict__:
            from .staggered import staggered_groups

            self._staggered = {} if getattr(self.g, "atomic", False) \
                else staggered_groups(self.primal)
        return self._staggered

    def in_place_updates(self):
        """The loads and stores of in-place updates of the primal (increments.py); none
        when several threads accumulate at once (their shadow updates are atomic adds)."""
        if "_in_place" not in self.__dict__:
            from .increments import in_place_updates

            self._in_place = set() if getattr(self.g, "atomic", False) \
                else in_place_updates(self.primal, self.primal_users())
        return self._in_place

    def undo_old_value(self, inst, c, nb):
        """Before forward store `c` (of primal `inst`) of a rewound heap block: the bytes
        it overwrites, for the reverse sweep to put back (rewind.py)."""
        rl = self.reloads()
        if rl is None or inst not in rl.undo_stores:
            return
        val, ptr = c.ops
        self.undo_old[inst] = nb.append(I.Load(val.type, [ptr], align=inst.align))

    def undo_stores(self, pb):
        """First in the reverse code of primal block `pb`: the bytes its stores into
        rewound heap blocks overwrote, back (last store first), so that loads of the
        block re-read what the forward sweep read (rewind.py)."""
        for inst in reversed(pb.instructions):
            old = self.undo_old.get(inst)
            if old is not None:
                self.anchor = inst
                self.remit(I.Store([self.fwd(old), self.fwd(self.vmap[inst].ops[1])],
                                   align=inst.align))

    def _from_record(self, v):
        """`v` from the current block's tape record: the forward sweep stores the values
        a block's reverse code reads in one record pushed at the block's end; the reverse
        block pops it on entry and reads the fields where they are needed."""
        base, offset = self._record_field(self.current_pb, v)
        return self._read_field(self.remit, self.current_pb, base, offset, v.type)

    def _read_field(self, emit, pb, base, offset, t):
        """A load of the field of type `t` at `offset` of primal block `pb`'s record,
        noted with the address arithmetic made for it (`drop_unused_fetches`)."""
        made = []

        def note(inst):
            made.append(inst)
            return emit(inst)

        load = note(I.Load(t, [self._field(note, base, offset, t)], align=8))
        self.field_reads.setdefault(pb, []).append((offset, made))
        return load

    def drop_unused_fetches(self, pb, blk, start, fields, reads, kept):
        """After an elementwise rule ran for an instruction of primal block `pb` (its
        reverse code emitted into `blk` from index `start`, nowhere else): the fields it
        added to `pb`'s record (those after the first `fields`, read by the reads after
        the first `reads`) whose loads nothing emitted since reads and that are not among
        the values `kept` (the adjoints the rule returned) leave the record with their
        loads, so the forward sweep does not store them. A rule may fetch an operand and
        not use it: the sin rule fetches x, then reads the cos(x) the forward sweep
        computed instead (ReverseBuilder.call); `chain` rules fetch the result y whether
        their factor uses it or not. The fields were the last ones added, so only those
        of them that stay move down."""
        new_reads = self.field_reads[pb][reads:]
        tail = blk.instructions[start:]
        used = {id(o) for inst in tail for o in inst.ops}
        used.update(map(id, kept))
        dead = {id(made[-1]) for _, made in new_reads if id(made[-1]) not in used}
        if not dead:
            return
        layout = self.records[pb]
        at = new_reads[0][0]  # where the first new field is
        drop, stay = set(), []
        for v, (off, made) in zip(layout[fields:], new_reads):
            if id(made[-1]) in dead:
                drop.update(map(id, made))
                if self.popped.get(id(v)) is made[-1]:
                    del self.popped[id(v)]
                continue
            if at != off:  # after a dropped field: off > 0, so made[0] is a getelementptr
                if at:
                    made[0].ops[1] = _offset(at)
                else:  # now the record's first field: read at the record's base
                    made[1].ops[0] = made[0].ops[0]
                    drop.add(id(made[0]))
                    made = made[1:]
            stay.append((v, (at, made)))
            at += T.slot_size(v.type)
        # in place: a straight-line function's block and record are long
        del layout[fields:], self.field_reads[pb][reads:], blk.instructions[start:]
        layout.extend(v for v, _ in stay)
        self.field_reads[pb].extend(r for _, r in stay)
        blk.instructions.extend(i for i in tail if id(i) not in drop)
        self.record_size[pb] = at
        if not layout:  # nothing else read from it: no record, no pop
            del self.records[pb], self.record_size[pb], self.record_base[pb]

    def _record_field(self, pb, v):
        """Adds `v` to the tape record of primal block `pb`: (the pop of the record in the
        reverse sweep, made with it and placed by `_pop_record`; the field's offset)."""
        offset = self.record_size.get(pb, 0)
        self.record_size[pb] = offset + T.slot_size(v.type)
        self.records.setdefault(pb, []).append(v)
        base = self.record_base.get(pb)
        if base is None:
            f = self.mode.runtime()[T.POP]
            base = I.Call("call", f.fn_type.ret, f.fn_type, f, [self.rtape, None], [[], []])
            self.record_base[pb] = base
        return base, offset

    def _field(self, emit, base, offset, t):
        """The address of a record field of type `t` at byte `offset` from `base`."""
        p = emit(I.GetElementPtr(self.tape.byte_ptr, I8, [base, _offset(offset)],
                                 flags=["inbounds"])) if offset else base
        if not self.tape.opaque:
            p = emit(I.Cast("bitcast", self.tape.pointer_to(t), [p]))
        return p

    def _pop_record(self, pb, rb):
        base = self.record_base.get(pb)
        if base is None:
            return
        base.ops[1] = ConstantInt(I64, self.record_size[pb])
        base.parent = rb
        rb.instructions.insert(0, base)

    def _place_pushes(self):
        """Each block's tape record, pushed at the block's end (every value in it is
        defined by then); the index of the return taken, after it."""
        ret_push = dict((id(nb), k) for nb, k in self._ret_index_push)
        many_rets = len(self.ret_blocks) > 1
        for pb in self.primal.blocks:
            nb = self.tail(pb)
            term = nb.instructions.pop() if nb.instructions and \
                nb.instructions[-1].is_terminator else None
            emit = nb.append
            layout = self.records.get(pb)
            if layout:
                size = self.record_size[pb]
                f = self.mode.runtime()[T.PUSH]
                base = emit(I.Call("call", f.fn_type.ret, f.fn_type, f,
                                   [self.ftape, ConstantInt(I64, size)], [[], []]))
                self.record_push[pb] = base
                offset = 0
                for v in layout:
                    emit(I.Store([v, self._field(emit, base, offset, v.type)], align=8))
                    offset += T.slot_size(v.type)
            if term is not None:
                if isinstance(term, I.Ret) and many_rets and id(nb) in ret_push:
                    self.tape.push(emit, self.ftape, ConstantInt(I32, ret_push[id(nb)]))
                emit(term)
