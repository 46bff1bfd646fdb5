"""Loop-invariant forward values in the reverse sweep (a mixin of
`reverse.GradientSynthesis`).

A value the reverse code of a loop block reads but that is defined before the loop (a
base pointer, a bound, an outer induction variable) is the same in every iteration of
one run of the loop. Instead of riding in the block's tape record every iteration, it
goes into the loop's exit record: pushed once on each edge leaving the loop (a block
inserted on the edge in the forward sweep), popped once on the mirrored edge where the
reverse sweep enters the loop, and kept in a stack slot of the reverse function that
the loop's reverse code reads (the optimizer promotes it to a register).

Only natural loops entered through their header alone (reducible) whose blocks are all
on the normal flow and hold no invoke get exit records: every way into the reverse of
such a loop is the mirror of an exit edge, so the slots are set before they are read.
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.module import BasicBlock
from ..ir.types import I64
from ..ir.values import Argument, ConstantInt
from . import tape as T
from .cloning import derived_name


# integer arithmetic a counter's bound may be rebuilt from on a reverse edge
_REBUILT = frozenset({"add", "sub", "mul", "shl", "lshr", "ashr", "and", "or", "xor",
                      "zext", "sext", "trunc"})


class _Loop:
    __slots__ = ("header", "body", "ok", "layout", "computed", "iv", "more_ivs", "last")

    def __init__(self, header, body, ok):
        self.header, self.body, self.ok = header, body, ok
        self.layout: list = []  # (forward value, its slot in the reverse function)
        self.computed: list = []  # (forward value, slot): recomputed on the reverse edges in
        self.iv = None  # (forward phi, step, primal start, preheader, latch, slot)
        self.more_ivs: list = []  # (forward phi, step, slot): other counters of the header
        # (primal bound, offset): the induction variable's last value is bound + offset
        # (the loop leaves only by its test against a bound set before it), so the exit
        # record need not carry it; the header's other counters are derived from it
        self.last = None


def _induction(lp, preds):
    """(phi, step, start, preheader, latch) of a header `i = phi [start, preheader],
    [i + step, latch]` whose increment cannot wrap (nsw/nuw): i == start only in the
    first iteration. None when the header has other predecessors or no such phi."""
    hp = preds.get(lp.header, [])
    if len(hp) != 2:
        return None
    inside = [p for p in hp if p in lp.body]
    if len(inside) != 1:
        return None
    latch = inside[0]
    pre = hp[0] if hp[1] is latch else hp[1]
    for phi in lp.header.instructions:
        if not isinstance(phi, I.Phi):
            return None
        if not phi.type.is_int or len(phi.ops) != 2 or set(phi.blocks) != {pre, latch}:
            continue
        nxt, start = phi.ops[phi.blocks.index(latch)], phi.ops[phi.blocks.index(pre)]
        if isinstance(nxt, I.BinaryOp) and nxt.opcode == "add" and nxt.ops[0] is phi \
                and isinstance(nxt.ops[1], ConstantInt) and nxt.ops[1].value != 0 \
                and ("nsw" in nxt.flags or "nuw" in nxt.flags):
            return phi, nxt.ops[1].value, start, pre, latch
    return None


def _exit_test(lp, latch, counters):
    """(k, bound, offset): the loop leaves only by its latch's test of counter k's next
    value (or of counter k) == bound, or != bound to go on, against a bound defined before
    the loop, so that counter k's last value is bound + offset; None otherwise. `counters`:
    (phi, step) of the header's counters, the induction variable first."""
    exits = [b for b in lp.body for s in b.successors() if s not in lp.body]
    if exits != [latch]:
        return None
    term = latch.instructions[-1] if latch.instructions else None
    if not isinstance(term, I.Br) or len(term.ops) != 1 or len(term.targets) != 2:
        return None
    cmp = term.ops[0]
    if not isinstance(cmp, I.Compare) or cmp.opcode != "icmp" \
            or cmp.predicate not in ("eq", "ne"):
        return None
    stay = term.targets[1] if cmp.predicate == "eq" else term.targets[0]
    leave = term.targets[0] if cmp.predicate == "eq" else term.targets[1]
    if leave in lp.body or stay is not lp.header:
        return None
    a, b = cmp.ops
    for k, (phi, step) in enumerate(counters):
        if k and step not in (1, -1):
            continue  # iterations from another counter's distance: no division
        nxt = phi.ops[phi.blocks.index(latch)]
        for x, bound in ((a, b), (b, a)):
            if (isinstance(bound, I.Instruction) and bound.parent in lp.body) \
                    or bound.type != phi.type:
                continue
            if x is nxt:
                return k, bound, -step
            if x is phi:
                return k, bound, 0
    return None


def _other_counters(phi, pre, latch, header):
    """(phi, step) of the header's other integer phis `j = phi [start, pre], [j + step,
    latch]` (a constant step: counted down exactly, wrapping or not)."""
    out = []
    for other in header.instructions:
        if not isinstance(other, I.Phi):
            break
        if other is phi or not other.type.is_int or len(other.ops) != 2 \
                or set(other.blocks) != {pre, latch}:
            continue
        nxt = other.ops[other.blocks.index(latch)]
        if isinstance(nxt, I.BinaryOp) and nxt.opcode == "add" and nxt.ops[0] is other \
                and isinstance(nxt.ops[1], ConstantInt):
            out.append((other, nxt.ops[1].value))
    return out


class LoopRecords:
    def _loop_analysis(self):
        """The natural loops of the primal (outermost first per block) and the primal
        block of each forward block."""
        preds = self.preds  # (GradientSynthesis.run: each predecessor once, reachable or not)
        loops = []
        for header, body, _ in self.primal_loops():
            ok = all(b in self.reachable for b in body) \
                and all(p in body for b in body if b is not header for p in preds.get(b, ())) \
                and not any(i.opcode == "invoke" for b in body for i in b.instructions)
            lp = _Loop(header, body, ok)
            loops.append(lp)
            found = _induction(lp, preds) if ok and lp.header in self.block_index else None
            if found is not None:
                phi, step, start, pre, latch = found
                fphi = self.vmap[phi]
                s = I.Alloca(self.tape.pointer_to(phi.type), phi.type, [], align=None)
                s.parent = self.rentry
                self.entry_allocas.append(s)
                lp.iv = (fphi, step, start, pre, latch, s)
                others = _other_counters(phi, pre, latch, header)
                lp.last = _exit_test(lp, latch, [(phi, step), *others])
                if lp.last is None:
                    lp.layout.append((fphi, s))
                for k, (other, ostep) in enumerate(others, 1):
                    fo = self.vmap[other]
                    so = I.Alloca(self.tape.pointer_to(other.type), other.type, [],
                                  align=None)
                    so.parent = self.rentry
                    self.entry_allocas.append(so)
                    lp.more_ivs.append((fo, ostep, so, other.ops[other.blocks.index(pre)]
                                        if lp.last is not None and other.type == phi.type
                                        else None))
        for lp in loops:  # the counters rebuilt on the reverse edge (derive_counters)
            if lp.iv is None:
                continue
            if lp.last is not None and lp.last[0] and lp.more_ivs[lp.last[0] - 1][3] is None:
                lp.last = None  # the tested counter has another type: all stay taped
                lp.layout.append((lp.iv[0], lp.iv[5]))
            k = lp.last[0] if lp.last is not None else None
            step = lp.iv[1]
            for j, (fo, ostep, so, ostart) in enumerate(lp.more_ivs, 1):
                # derived from the tested counter's distance; the tested one always, the
                # others when their start needs no tape (else its slot replaces theirs)
                derived = k is not None and ostart is not None and (j == k or (
                    (k != 0 or step in (1, -1) or ostep % step == 0)
                    and self._rebuilt(ostart, lp, loops)))
                if not derived:
                    lp.more_ivs[j - 1] = (fo, ostep, so, None)
                    lp.layout.append((fo, so))
        loops.sort(key=lambda lp: -len(lp.body))
        self.loops = loops  # outermost first
        self.loops_of: dict = {}
        for lp in loops:
            for b in lp.body:
                self.loops_of.setdefault(b, []).append(lp)
        self.forward_block = {nb: pb for pb, nb in self.bmap.items()}
        self.forward_block.update({nb: pb for pb, nb in self.invoke_tails.items()})
        self.loop_slots: dict = {}
        self.induction_of = {id(lp.iv[0]): (lp, lp.iv[5]) for lp in loops
                             if lp.iv is not None}
        self.induction_of.update({id(fo): (lp, so) for lp in loops
                                  for fo, _, so, _ in lp.more_ivs})
        self.loop_edges: list = []  # (reverse edge block, loops it enters, innermost first)

    def _from_induction(self, v):
        """In the reverse of a counted loop, its induction variable (and the header's other
        counters) is counted down in a stack slot (set from the exit record, decreased on
        the edge to the latch) instead of being taped every iteration. None: `v` is no
        such variable here."""
        found = self.induction_of.get(id(v))
        if found is None or self.current_pb not in found[0].body:
            return None
        return self.remit(I.Load(v.type, [found[1]], align=None))

    def _counted_header(self, pb):
        """The loop whose header `pb` is, when its induction variable picks the edge the
        reverse sweep leaves it by."""
        lp = next((lp for lp in self.loops_of.get(pb, ()) if lp.header is pb), None)
        return lp if lp is not None and lp.iv is not None else None

    def _invariant_loop(self, v):
        """The outermost loop with an exit record around the current block that `v` is
        defined before (None: there is none)."""
        d = self.forward_block.get(getattr(v, "parent", None))
        if d is None:
            return None
        for lp in self.loops_of.get(self.current_pb, ()):
            if lp.ok and d not in lp.body:
                return lp
        return None

    def _exited(self, x, t):
        """The loops with exit records that the edge x -> t leaves, innermost first."""
        return [lp for lp in reversed(self.loops_of.get(x, ())) if lp.ok and t not in lp.body]

    def _iteration_records(self):
        """Values defined in an iteration of a loop L before loops nested in it, which
        the reverse of those loops reads from their exit records, go into the tape
        record of L's latch instead when every way out of each of those loops goes on to
        that latch inside L (`_iteration_latch`), and that latch pushes a record anyway
        or several such loops read the value: pushed once per iteration of L instead of
        on each exit of each of them, popped where the reverse of the iteration starts
        (the reverse of the latch, before the reverse of the nested loops), and put in
        their slots there. Runs after the reverse sweep, before the exit records are
        placed."""
        groups: dict = {}
        for lp in self.loops:
            for v, s in lp.layout:
                latch = self._iteration_latch(lp, v)
                if latch is not None:
                    groups.setdefault((latch, id(v)), []).append((lp, v, s))
        for (latch, _), users in groups.items():
            if len(users) < 2 and not self.records.get(latch):
                continue  # a push each iteration for one exit record's field: no gain
            v = users[0][1]
            for lp, _, s in users:
                lp.layout.remove((v, s))
            base, offset = self._record_field(latch, v)
            rx = self._rblock(latch)
            if base.parent is None:  # the latch's reverse code read nothing else from it
                base.parent = rx
                rx.instructions.insert(0, base)
            base.ops[1] = ConstantInt(I64, self.record_size[latch])
            head = []

            def emit(inst):
                inst.parent = rx
                head.append(inst)
                return inst

            got = self._read_field(emit, latch, base, offset, v.type)
            for _, _, s in users:
                emit(I.Store([got, s], align=None))
            at = rx.instructions.index(base) + 1
            rx.instructions[at:at] = head

    def _iteration_latch(self, lp, v):
        """The single latch of the innermost loop L around the block defining `v` when
        `lp` is nested in L, the latch is in no loop L's blocks are not in, is dominated
        by `v`'s block, and every way out of `lp` reaches it without leaving L; else
        None."""
        d = self.forward_block.get(getattr(v, "parent", None))
        cache = self.__dict__.setdefault("_latches", {})
        key = (d, id(lp))
        if key in cache:
            return cache[key]
        cache[key] = None
        outer = self.loops_of.get(d, [])
        if not outer or lp is outer[-1] or outer[-1] not in self.loops_of.get(lp.header, []):
            return None
        big = outer[-1]
        inside = [p for p in self.preds.get(big.header, []) if p in big.body]
        if not big.ok or len(inside) != 1 or self.loops_of.get(inside[0]) != outer:
            return None
        latch = inside[0]
        if not self._dominates(d, latch):
            return None
        seen = set()
        work = [s for x in lp.body for s in x.successors() if s not in lp.body]
        while work:
            b = work.pop()
            if b in seen or b is latch or b not in self.reachable:
                continue
            seen.add(b)
            term = b.instructions[-1] if b.instructions else None
            if b not in big.body or b is big.header or term is None \
                    or term.opcode not in ("br", "switch", "unreachable"):
                return None  # leaves L, or the function, before the latch
            work.extend(term.successors())
        cache[key] = latch
        return latch

    def _from_loop_record(self, lp, v):
        return self._loop_slot(lp, v, lambda s: lp.layout.append((v, s)))

    def _loop_slot(self, lp, v, made):
        """`v` read from its stack slot for the reverse of loop `lp` (one per loop and
        value; `made(slot)` says how a new one is set)."""
        key = (id(lp), id(v))
        s = self.loop_slots.get(key)
        if s is None:
            s = I.Alloca(self.tape.pointer_to(v.type), v.type, [], align=None)
            s.parent = self.rentry
            self.entry_allocas.append(s)
            self.loop_slots[key] = (s, v)
            made(s)
        else:
            s = s[0]
        return self.remit(I.Load(v.type, [s], align=None))

    def _rebuilt(self, v, lp, loops, depth=0) -> bool:
        """`v` can be recomputed on the reverse edge into `lp` from what is there without
        any tape record: constants, arguments, induction variables of counted loops
        around `lp`, integer arithmetic on those (the starts of `lp`'s counters too)."""
        if isinstance(v, I.Instruction):
            if depth > 6:
                return False
            if isinstance(v, I.Phi):
                return any(o.iv is not None and o.iv[0] is self.vmap.get(v) and
                           lp.body.keys() <= o.body.keys() and o is not lp for o in loops)
            if v.opcode not in _REBUILT:
                return False
            return all(self._rebuilt(o, lp, loops, depth + 1) for o in v.ops)
        return not isinstance(v, Argument) or v in self.primal.args

    def derive_counters(self, lp):
        """On the reverse edge into loop `lp` (the current reverse block): the last value
        of the counter the loop tests from the bound it was tested against, and the
        other counters from the iterations that value says ran (start + (trips - 1) *
        step), instead of from the exit record. Values defined before the loop come from
        its exit record or are recomputed, read as when the loop left (at its latch)."""
        fphi, step, start, _, latch, s = lp.iv
        k, bound, offset = lp.last
        saved = dict(self.popped)  # what is computed here serves this edge only
        saved_pb, self.current_pb = self.current_pb, latch
        t = fphi.type

        def const(n):
            return ConstantInt(t, n)

        tested = self.fwd(self.new(bound))
        if offset:
            tested = self.remit(I.BinaryOp("add", t, [tested, const(offset)]))
        derived = [(ostep, so, ostart) for _, ostep, so, ostart in lp.more_ivs
                   if ostart is not None]
        # counter j's last value is start_j + dist * scale(step_j)
        if k == 0:  # the induction variable itself: dist = last - start
            last, dist = tested, None
            if derived:
                dist = self.remit(I.BinaryOp("sub", t, [last, self.fwd(self.new(start))]))

            def scale(ostep):
                return ostep * step if step in (1, -1) else ostep // step
        else:  # another counter, of step +-1: dist = the iterations after the first
            kstep, kstart = lp.more_ivs[k - 1][1], lp.more_ivs[k - 1][3]
            dist = self.remit(I.BinaryOp("sub", t, [tested, self.fwd(self.new(kstart))]))
            dist = self.remit(I.BinaryOp("mul", t, [dist, const(kstep)]))

            def scale(ostep):
                return ostep
            last = self.remit(I.BinaryOp("mul", t, [dist, const(step)]))
            last = self.remit(I.BinaryOp("add", t, [self.fwd(self.new(start)), last]))
        self.remit(I.Store([last, s], align=None))
        for ostep, so, ostart in derived:
            v = self.remit(I.BinaryOp("mul", t, [dist, const(scale(ostep))]))
            v = self.remit(I.BinaryOp("add", t, [self.fwd(self.new(ostart)), v]))
            self.remit(I.Store([v, so], align=None))
        self.popped, self.current_pb = saved, saved_pb

    def computed_on_entry(self, lp, v, compute):
        """`v`, defined before loop `lp`, in the reverse of `lp`: `compute()` (which needs
        no tape) runs once on each reverse edge into `lp` and leaves it in a stack slot,
        instead of in every iteration."""
        return self._loop_slot(lp, v, lambda s: lp.computed.append((s, compute)))

    def _compute_on_entries(self):
        """The values of `computed_on_entry`, first on each reverse edge into their loop
        (what the edge derives may read them; the exit records' pops go before them).
        Runs after the reverse sweep, before the exit records are complete: what these
        read from them is added to them."""
        saved = self.rblock, self.current_pb, self.popped
        placed = len(self.entry_allocas)  # the reverse function's entry holds these
        self.on_entry = True
        for edge, loops in self.loop_edges:
            body = edge.instructions
            self.rblock, edge.instructions = edge, []
            for lp in loops:
                self.current_pb, self.popped = lp.header, {}
                for s, compute in lp.computed:
                    self.remit(I.Store([compute(), s], align=None))
            edge.instructions += body
        self.rblock, self.current_pb, self.popped = saved
        self.on_entry = False
        self.rentry.instructions[0:0] = self.entry_allocas[placed:]  # exit record slots

    def _fill_loop_edges(self):
        """The pops of the exit records on the reverse edges into loops (after the whole
        reverse sweep, `_compute_on_entries` and `_iteration_records`: only then are the
        records complete), first on each edge."""
        f = self.mode.runtime()[T.POP]
        for edge, loops in self.loop_edges:
            head = []

            def emit(inst):
                inst.parent = edge
                head.append(inst)
                return inst

            for lp in reversed(loops):
                if not lp.layout:
                    continue
                size = sum(T.slot_size(v.type) for v, _ in lp.layout)
                base = emit(I.Call("call", f.fn_type.ret, f.fn_type, f,
                                   [self.rtape, ConstantInt(I64, size)], [[], []]))
                offset = 0
                for v, s in lp.layout:
                    x = emit(I.Load(v.type, [self._field(emit, base, offset, v.type)], align=8))
                    emit(I.Store([x, s], align=None))
                    offset += T.slot_size(v.type)
            edge.instructions[0:0] = head

    def _place_loop_pushes(self):
        """The exit records, pushed on the forward edges leaving their loops."""
        f = self.mode.runtime()[T.PUSH]
        for x in self.primal.blocks:
            if x not in self.reachable or x not in self.loops_of:
                continue
            for t in dict.fromkeys(x.successors()):
                if t not in self.reachable:
                    continue
                loops = [lp for lp in self._exited(x, t) if lp.layout]
                if not loops:
                    continue
                e = self.split_edge(self.tail(x), self.bmap[t], ".loopexit")
                for lp in loops:
                    size = sum(T.slot_size(v.type) for v, _ in lp.layout)
                    base = e.append(I.Call("call", f.fn_type.ret, f.fn_type, f,
                                           [self.ftape, ConstantInt(I64, size)], [[], []]))
                    offset = 0
                    for v, _ in lp.layout:
                        e.append(I.Store([v, self._field(e.append, base, offset, v.type)],
                                         align=8))
                        offset += T.slot_size(v.type)
                e.append(I.Br([], [self.bmap[t]]))

    def split_edge(self, xf, tf, suffix):
        """A new forward block on the edge from block `xf` to block `tf` (`xf` branches
        to it instead, the caller ends it with a branch to `tf`), named after `xf` with
        `suffix` and unlike every other block of the forward function."""
        names = self.__dict__.get("_forward_names")
        if names is None:
            names = self._forward_names = {b.name for b in self.fn.blocks}
        name, k = derived_name(xf.name, suffix=suffix), 0
        while name is not None and name in names:
            k += 1
            name = derived_name(xf.name, suffix=f"{suffix}{k}")
        names.add(name)
        e = BasicBlock(name, parent=self.fn)
        self.fn.blocks.append(e)
        term = xf.instructions[-1]
        if isinstance(term, I.Br):
            term.targets = [e if b is tf else b for b in term.targets]
        elif isinstance(term, I.Switch):
            term.default = e if term.default is tf else term.default
            term.cases = [(c, e if b is tf else b) for c, b in term.cases]
        for phi in tf.instructions:
            if not isinstance(phi, I.Phi):
                break
            phi.blocks = [e if b is xf else b for b in phi.blocks]
        return e
