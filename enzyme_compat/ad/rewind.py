"""Rewinding heap blocks instead of taping what is read from them (a mixin of
`reload.Reloads`).

A heap block the function allocates and frees itself, written only by plain stores, may
be rewound: the forward sweep tapes the bytes each of those stores overwrites, and the
reverse code of a block first puts back what the block's stores overwrote (an undo log),
so that it sees memory as the forward sweep did on entry to the block. A load from rewound
memory then reads the same bytes again in the reverse code of its own block, when no
store into that memory comes before it there, and of a block after it, when no such store
can run between the two (`rereadable_at`): one value taped per store instead of one per
load (a stencil reads each cell five times per sweep and writes it once). Which blocks
are rewound is a static guess of the taping saved against the stores undone
(`_undo_logging`); heap blocks freed inside the function are freed at the end of the
reverse sweep instead (reload.py)."""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.module import GlobalVariable
from ..ir.values import Argument
from .activity import called_function
from .tape_reserve import natural_loops

ANY = None  # reload.ANY: memory that may be any object

_TRIPS = 8  # iterations a loop is guessed to run, to weigh taping against undoing
# undoing a store costs a load and a push forward, a pop and a store in reverse: twice
# what taping one loaded value costs (a push and a pop)
_UNDO_COST = 2
# the adjoint of these needs no operand value: a loaded value feeding only them is not taped
_LINEAR = frozenset({"fadd", "fsub", "fneg", "extractelement", "insertelement",
                     "shufflevector", "extractvalue", "insertvalue", "bitcast", "phi",
                     "freeze"})
_NONLINEAR = frozenset({"fmul", "fdiv", "frem", "fcmp", "fptosi", "fptoui"})


class Rewinding:
    def _undo_logging(self, by_object, allocated):
        """Choose the heap blocks to rewind (see the module's docstring): those whose only
        writers are plain stores, grouped by the loads that read several of them (a grid
        and its swapped twin), when a group's rewinding spares the tape at least twice as
        many values the reverse sweep needs as it adds stores to the undo log (each count
        weighted by how often it runs; a value used in a loop nested after its load counts
        once more for each such loop, whose exit record would carry it on every run). The
        reverse code of a block undoes the block's stores first (reverse.py), so it sees
        memory as the forward sweep did on entry to the block: a load from rewound memory
        is re-read where no store into that memory ran since (rereadable_at)."""
        def plain(w):
            return isinstance(w, I.Store) and w.ordering is None and \
                "volatile" not in (w.flags or ())
        rewindable = {o for o in allocated if all(plain(w) for w in by_object.get(o, ()))}
        if not rewindable:
            return
        depth: dict = {}
        loops = [body for _, body, _ in natural_loops(self.fn)]
        for body in loops:
            for b in body:
                depth[id(b)] = depth.get(id(b), 0) + 1

        def weight(inst):  # how often it runs, guessed from its loop depth
            return _TRIPS ** depth.get(id(inst.parent), 0)

        def saved(load):  # the taping that re-reading `load` spares
            uses = self._value_needed(load)
            if uses is None:
                return 0
            inner = sum(1 for body in loops if load.parent not in body
                        and any(b in body for b in uses))
            return weight(load) * (1 + inner)
        candidates = []  # (load, the blocks it needs rewound)
        for b in self.fn.blocks:
            for inst in b.instructions:
                if isinstance(inst, I.Load) and inst not in self.loads and \
                        inst.ordering is None and "volatile" not in (inst.flags or ()):
                    need = self._rewinds_needed(inst, by_object, allocated, rewindable)
                    if need:
                        candidates.append((inst, need))
        for group in connected([need for _, need in candidates]):
            stores = {w for o in group for w in by_object.get(o, ())}
            if any(not self._store_objects(w) <= group for w in stores):
                continue  # undoing it would rewind memory outside the group too
            loads = [ld for ld, need in candidates
                     if need <= group and not self._written_before(ld, group)]
            gain = sum(saved(ld) for ld in loads)
            if not stores or gain < _UNDO_COST * sum(weight(w) for w in stores):
                continue
            self.undo_stores |= stores
            self.rewound |= group
            # loads re-read already (nothing writes after them) see the rewinding too
            for ld in [x for x in self.loads if self.objects(x.ops[0]) & group]:
                if self._written_before(ld, group):
                    self.loads.discard(ld)
                else:
                    self.block_local.add(ld)
            self.block_local.update(loads)
            self.loads.update(loads)
            for o in group:
                self.deferred[allocated[o]] = o

    def _value_needed(self, load):
        """The blocks of the instructions the loaded value reaches through sums,
        differences and lane moves (whose adjoints need no operand value), when one of
        them is a product, a quotient or a call that needs it in the reverse sweep; None
        when none does."""
        work, seen, blocks, needed = [load], set(), set(), False
        while work:
            v = work.pop()
            if id(v) in seen or len(seen) > 64:
                continue
            seen.add(id(v))
            for u in self._users(v):
                blocks.add(u.parent)
                if u.opcode in _LINEAR or (isinstance(u, I.Select) and u.ops[0] is not v):
                    work.append(u)
                elif isinstance(u, I.Store):
                    if u.ops[0] is v:
                        continue  # copied to memory: needed only where it is read back
                elif u.opcode in _NONLINEAR:
                    needed = True
                elif isinstance(u, I.Call):
                    if any(a is v for a in u.args[:2]) or not _fused_multiply_add(u):
                        needed = True
                    else:
                        work.append(u)
        return blocks if needed else None

    def rereadable_at(self, load, block) -> bool:
        """Whether block-local `load` reads the same bytes again in the reverse code of
        `block` (which undoes its own stores first): in its own block, or where no store
        into the rewound memory it reads can run between it and `block`'s start (a loop
        nested in the load's block that writes other memory)."""
        if block is load.parent:
            return True
        key = (id(load), id(block))
        got = self._rereadable.get(key)
        if got is None:
            objs = self.objects(load.ops[0])
            objs = self.rewound if objs is ANY else objs & self.rewound
            home = load.parent
            after = home.instructions[home.instructions.index(load) + 1:]
            between = self._between(home, block)
            got = self._rereadable[key] = not any(
                isinstance(i, I.Store) and self._store_objects(i) & objs
                for i in [*after, *(i for b in between for i in b.instructions)])
        return got

    def _between(self, home, block):
        """The blocks that can run after `home` and before `block` (`block` itself when
        it runs again before it starts once more, in a loop) without `home` running again."""
        succ = {id(b): b.successors() for b in self.fn.blocks}
        ahead, work = set(), [s for s in succ[id(home)] if s is not home]
        while work:
            b = work.pop()
            if id(b) in ahead:
                continue
            ahead.add(id(b))
            work.extend(s for s in succ[id(b)] if s is not home)
        if self._preds is None:
            self._blocks_reaching(block)  # fills the predecessor map
        behind, work = set(), [p for p in self._preds.get(id(block), ()) if p is not home]
        while work:
            b = work.pop()
            if id(b) in behind:
                continue
            behind.add(id(b))
            work.extend(p for p in self._preds.get(id(b), ()) if p is not home)
        return [b for b in self.fn.blocks if id(b) in ahead and id(b) in behind]

    def _written_before(self, load, group) -> bool:
        """A store before `load` in its block may write an object of `group`."""
        for inst in load.parent.instructions:
            if inst is load:
                return False
            if isinstance(inst, I.Store) and self._store_objects(inst) & group:
                return True
        return False

    def _rewinds_needed(self, load, by_object, allocated, rewindable):
        """The heap blocks `load` may read that are written after it, when all of them can
        be rewound and every other object it may read is unwritten after it; else None."""
        objs = self.objects(load.ops[0])
        if objs is ANY or not objs:
            return None
        need = set()
        for o in objs:
            if not isinstance(o, (Argument, GlobalVariable)) and o not in allocated:
                return None
            writers = [w for x, ws in by_object.items() if self._may_alias(o, x) for w in ws]
            if not any(self._runs_after(w, load) for w in writers):
                continue
            if o not in rewindable:
                return None
            need.add(o)
        return frozenset(need)

    def _store_objects(self, store):
        objs = self.objects(store.ops[1])
        return frozenset() if objs is ANY else objs


def _fused_multiply_add(call) -> bool:
    name = getattr(called_function(call), "name", "") or ""
    return name.startswith(("llvm.fmuladd.", "llvm.fma."))


def connected(sets):
    """The unions of the sets that share members, transitively."""
    groups: list = []
    for s in sets:
        merged = set(s)
        rest = []
        for g in groups:
            if g & merged:
                merged |= g
            else:
                rest.append(g)
        groups = rest + [frozenset(merged)]
    return groups
