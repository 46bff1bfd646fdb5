"""Which predecessor ran, recomputed instead of taped (a mixin of
`reverse.GradientSynthesis`).

The reverse code of a block with several predecessors goes back along the edge the
forward sweep came in by. The forward sweep can tape the index of that edge every time
the block runs; when the branches that decide it are on integers the reverse sweep has
without the tape (`_untaped`: constants, arguments, counted-down induction variables,
values of the blocks the reverse code reads as they are (`find_direct_blocks`) and
integer arithmetic on them), their conditions are recomputed instead. A phi of such
a block whose incoming values need no tape either is then recomputed too, as a select
(where a vectorized loop's remainder starts, say), once per reverse entry into a loop
that reads it.

The decision lies between the block's immediate dominator d and the block: the last
visit of d before the block is in the same iteration of every loop around the block,
so the path from d to the block follows no back edge of those loops and leaves none of
them. A loop nested in between counts as one step (entered at its header, left to one
block). The edge from predecessor p was taken when the path condition of p holds (the
OR over the edges into p of the edge's condition AND its source's path condition) and
p branched to the block.
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.module import BasicBlock
from ..ir.types import I1, I32
from ..ir.values import ConstantInt
from .reverse_records import RECOMPUTE_ANY
from .types_analysis import holds_float

_MAX_NODES = 24  # blocks and nested loops between the dominator and the block
_MAX_CONDITIONS = 6  # conditional branches read


_OPAQUE = object()  # an edge condition the reverse sweep does not recompute


class _Region:
    """The loop-free flow from `start` (the block's immediate dominator) to the block:
    `into[node]`: (source node, condition, sense) of each edge into a node (condition
    None: always taken, _OPAQUE: unknown), `into_block[k]`: the same for the edge from
    the block's k-th predecessor."""

    __slots__ = ("start", "into", "into_block", "known")

    def __init__(self, start, preds):
        self.start = start
        self.into: dict = {}
        self.into_block: list = [None] * preds
        self.known: list = []  # per predecessor: its edge's condition is recomputable


class PathChoice:
    def _choice_region(self, pb, preds):
        """The region deciding which of `preds` ran before `pb`, None when the flow from
        pb's immediate dominator is not a loop-free path in the same iterations or is
        too big (see the module's docstring)."""
        cache = self.__dict__.setdefault("_regions", {})
        if pb not in cache:
            cache[pb] = self._find_region(pb, preds)
        return cache[pb]

    def _find_region(self, pb, preds):
        d = self._idoms().get(pb)
        loops = self.loops_of.get(pb, [])
        if d is None or self.loops_of.get(d, []) != loops \
                or any(lp.header is pb for lp in loops):
            return None
        exits = self._block_exits(d)
        if all(c is _OPAQUE for _, _, c, _ in exits):  # every way from d to pb starts
            return None  # with an edge the reverse sweep cannot recompute: none is known
        region = self._fork_region(pb, preds, d, exits)
        if region is not None:
            return region
        depth = len(loops)
        back_to = loops[-1].header if loops else None

        def node(b):
            """`b` at pb's loop level, the loop nested there holding it, or None when
            `b` is outside pb's loops."""
            ls = self.loops_of.get(b, [])
            if ls[:depth] != loops:
                return None
            return b if len(ls) == depth else ls[depth]

        def edges(n):
            """(successor block, exiting block, condition, sense) of the edges leaving
            node `n` (a block or a nested loop)."""
            if n is d:
                return exits
            if not isinstance(n, BasicBlock):
                out = [(s, b) for b in n.body for s in dict.fromkeys(b.successors())
                       if s not in n.body]
                if n.ok and len({s for s, _ in out}) == 1 and (len(out) == 1 or out[0][0] is not pb):
                    return [(out[0][0], out[0][1], None, True)]
                return [(s, b, _OPAQUE, True) for s, b in out]  # decided inside the loop
            return self._block_exits(n)

        region = _Region(d, len(preds))
        by_pred = {p: k for k, p in enumerate(preds)}
        seen, work = {d}, [d]
        while work:
            n = work.pop()
            for s, x, c, sense in edges(n):
                if s is pb:
                    k = by_pred.get(x)
                    if k is None or region.into_block[k] is not None:
                        return None
                    region.into_block[k] = (n, c, sense)
                    continue
                if s is back_to or s not in self.reachable:
                    continue
                m = node(s)
                if m is None:
                    continue  # the path left pb's loops: it does not reach pb this time
                if m is not s and s is not m.header:
                    return None
                region.into.setdefault(m, []).append((n, c, sense))
                if m not in seen:
                    seen.add(m)
                    work.append(m)
                    if len(seen) > 4 * _MAX_NODES:
                        return None
        if any(e is None for e in region.into_block):
            return None
        # the nodes on the way to pb's predecessors
        relevant, work = set(), [e[0] for e in region.into_block]
        while work:
            n = work.pop()
            if n not in relevant:
                relevant.add(n)
                work.extend(src for src, _, _ in region.into.get(n, ()))
        conditions = {id(c) for n in relevant for _, c, _ in region.into.get(n, ())
                      if c is not None and c is not _OPAQUE}
        conditions.update(id(c) for _, c, _ in region.into_block
                          if c is not None and c is not _OPAQUE)
        if len(relevant) > _MAX_NODES or len(conditions) > _MAX_CONDITIONS:
            return None
        region.into = {n: e for n, e in region.into.items() if n in relevant}
        # every way into them is from the region (d dominates them all)
        for m in relevant:
            if m is d:
                continue
            head = m if isinstance(m, BasicBlock) else m.header
            if any(p in self.reachable and node(p) not in seen and
                   (head is m or p not in m.body) for p in self.preds.get(head, [])):
                return None
        if _cyclic(region):
            return None
        known: dict = {d: True}

        def computable(n):
            if n not in known:
                known[n] = False
                known[n] = all(c is not _OPAQUE and computable(src)
                               for src, c, _ in region.into[n])
            return known[n]

        region.known = [c is not _OPAQUE and computable(src)
                        for src, c, _ in region.into_block]
        return region

    def _fork_region(self, pb, preds, d, exits):
        """The region of the usual if/else or if-then, found without a search: each
        predecessor of `pb` is `d` or a block that only `d` branches to and that branches
        only to `pb` (what `_find_region` would find then); None otherwise."""
        if len({s for s, _, _, _ in exits}) != len(exits):
            return None
        into_d = {s: (d, c, sense) for s, _, c, sense in exits}
        region = _Region(d, len(preds))
        for k, p in enumerate(preds):
            if p is d:
                region.into_block[k] = into_d[pb]
                continue
            e = into_d.get(p)
            t = p.instructions[-1] if e is not None and p.instructions else None
            if type(t) is not I.Br or t.ops or t.targets[0] is not pb \
                    or len(self.preds.get(p, ())) != 1:
                return None
            region.into[p] = [e]
            region.into_block[k] = (p, None, True)
        region.known = [c is not _OPAQUE if src is d else region.into[src][0][1] is not _OPAQUE
                        for src, c, _ in region.into_block]
        return region

    def _block_exits(self, n):
        """(successor, `n`, condition, sense) of the edges leaving block `n`: condition
        None for its only successor, the branch's condition when the reverse sweep
        recomputes it, else _OPAQUE (a switch, an invoke, a taped condition)."""
        term = n.instructions[-1] if n.instructions else None
        succ = list(dict.fromkeys(term.successors())) if term is not None else []
        if isinstance(term, I.Br) and len(succ) == 1:
            return [(succ[0], n, None, True)]
        if isinstance(term, I.Br) and self._untaped(term.ops[0]):
            c = term.ops[0]
            return [(term.targets[0], n, c, True), (term.targets[1], n, c, False)]
        return [(s, n, _OPAQUE, True) for s in succ]

    def _phi_from_choice(self, v):
        """Forward phi `v` recomputed in the reverse sweep as a select of its incoming
        values by the recomputed path conditions of its block, when those values need no
        tape either but for one value defined before the block that all of them are
        computed from (the start of a loop's remainder after a vector loop, from the
        packed index the vector loop started at, say: that one taped instead of `v`);
        None when it cannot be. Read within every loop around its block only: there the
        last visit of the block is in the iteration being reversed."""
        phis = self.__dict__.get("_primal_phis")
        if phis is None:
            phis = self._primal_phis = {
                id(self.vmap[i]): i for b in self.primal.blocks for i in b.instructions
                if isinstance(i, I.Phi) and i in self.vmap}
        phi = phis.get(id(v))
        if phi is None:
            return None
        pb, here = phi.parent, self.current_pb
        loops = self.loops_of.get(pb, [])
        if self.loops_of.get(here, [])[:len(loops)] != loops:
            return None
        preds = [p for p in self.preds.get(pb, []) if p in self.reachable]
        self.current_pb = pb  # what is recomputable is decided as at pb
        try:
            region = self._choice_region(pb, preds) if len(preds) > 1 else None
            leaves: set = set()
            ok = region is not None and region.known.count(False) <= 1 and all(
                self._taped_leaves(phi.ops[phi.blocks.index(p)], leaves) for p in preds) \
                and len(leaves) <= 1 and all(self._dominates(x.parent, pb) for x in leaves)
        finally:
            self.current_pb = here
        if not ok:
            return None

        def compute():
            order = sorted(range(len(preds)), key=lambda k: not region.known[k])
            ran = self._pred_conditions(region, order[:-1])
            ins = [self.fwd(self.new(phi.ops[phi.blocks.index(p)])) for p in preds]
            got = ins[order[-1]]
            for k, e in reversed(list(zip(order, ran))):
                if ins[k] is not got:
                    got = self.remit(I.Select("select", v.type, [e, ins[k], got]))
            return got

        lp = self._invariant_loop(v)  # read in a loop nested in pb's: once per entry
        if lp is None or self.on_entry:
            return compute()  # (on an entry edge already: right there)
        return self.computed_on_entry(lp, v, compute)

    def _taped_leaves(self, v, leaves, depth=0) -> bool:
        """Adds to `leaves` the values integer `v` is computed from that the reverse
        sweep reads from the tape (`v` is otherwise `_untaped`); False when `v` is a
        float or too deep."""
        if self._untaped(v):
            return True
        if depth > 8 or holds_float(v.type):
            return False
        if v.opcode not in RECOMPUTE_ANY or isinstance(v, I.Phi):
            leaves.add(v)
            return True
        return all(self._taped_leaves(o, leaves, depth + 1) for o in v.ops)

    def _dominates(self, a, b) -> bool:
        idom = self._idoms()
        while b is not None and b is not a:
            b = idom.get(b)
        return b is a

    def _untaped(self, v, depth=0) -> bool:
        """Primal integer `v` is recomputed by the reverse sweep from constants,
        arguments, counted-down induction variables and values of the blocks it reads as
        they are alone: no tape record (a condition's block need not dominate the block
        whose reverse code reads it)."""
        if not isinstance(v, I.Instruction):
            return True
        if id(self.bmap.get(v.parent)) in self.direct_blocks:
            return True  # read as it is: its block ran once, before the reverse sweep
        found = self.induction_of.get(id(self.new(v)))
        if found is not None:
            return self.current_pb in found[0].body
        if depth > 8 or v.opcode not in RECOMPUTE_ANY or holds_float(v.type) \
                or isinstance(v, I.Phi):
            return False
        return all(self._untaped(o, depth + 1) for o in v.ops)

    def _idoms(self):
        idom = self.__dict__.get("_idom")
        if idom is None:  # (from the block order and predecessors run() found)
            from ..ir.mem2reg import dominator_tree

            rpo = self.order[:self.reached]  # (index: order_index, the same positions)
            index, n = self.order_index, self.reached
            rpreds = [[index[p] for p in self.preds.get(b, ()) if index[p] < n] for b in rpo]
            idom = self._idom = dominator_tree(rpo, rpreds)
        return idom

    def _recomputed_choice(self, pb, preds, targets) -> bool:
        """Ends the reverse block of `pb` with a branch to the target of the predecessor
        that ran, from recomputed path conditions (all but one predecessor's needed: the
        last one ran when none of the others did); False when they cannot be."""
        region = self._choice_region(pb, preds)
        if region is None or region.known.count(False) > 1:
            return False
        order = sorted(range(len(preds)), key=lambda k: not region.known[k])
        if len(targets) == 2:
            one = _single_edge(region, order[0])
            if one is not None:  # a fork: its condition, the targets swapped for `false`
                c, sense = one
                first, second = targets[order[0]], targets[order[1]]
                self.remit(I.Br([self.fwd(self.new(c))], [first, second] if sense else
                                [second, first]))
                return True
            ran = self._pred_conditions(region, order[:1])
            self.remit(I.Br([ran[0]], [targets[order[0]], targets[order[1]]]))
            return True
        ran = self._pred_conditions(region, order[:-1])
        idx = ConstantInt(I32, order[-1])
        for k, e in reversed(list(zip(order, ran))):
            idx = self.remit(I.Select("select", I32, [e, ConstantInt(I32, k), idx]))
        self.remit(I.Switch([idx], targets[0],
                            [(ConstantInt(I32, k), t) for k, t in enumerate(targets)][1:]))
        return True

    def _pred_conditions(self, region, which):
        """i1 values in the reverse sweep: whether the edge from predecessor k (k in
        `which`) was the one taken."""
        memo = {region.start: True}

        def both(a, b):
            if a is True:
                return b
            if b is True:
                return a
            return self.remit(I.BinaryOp("and", I1, [a, b]))

        def edge(src, c, sense):
            cond = True
            if c is not None:
                cond = self.fwd(self.new(c))
                if not sense:
                    cond = self.remit(I.BinaryOp("xor", I1, [cond, ConstantInt(I1, 1)]))
            return both(reached(src), cond)

        def reached(n):
            if n not in memo:
                got = None
                for src, c, sense in region.into[n]:
                    e = edge(src, c, sense)
                    if e is True or got is True:
                        got = True
                    else:
                        got = e if got is None else self.remit(I.BinaryOp("or", I1, [got, e]))
                memo[n] = got
            return memo[n]

        out = []
        for k in which:
            e = edge(*region.into_block[k])
            out.append(ConstantInt(I1, 1) if e is True else e)
        return out


def _single_edge(region, k):
    """(condition, sense) when the way from the region's start to the block's k-th
    predecessor is one conditional edge out of the start (into the predecessor, or
    the start being it), else None."""
    src, c, sense = region.into_block[k]
    if c is None and src is not region.start:
        ins = region.into.get(src)
        if not ins or len(ins) != 1 or ins[0][0] is not region.start:
            return None
        _, c, sense = ins[0]
    elif src is not region.start:
        return None
    return None if c is None or c is _OPAQUE else (c, sense)


def _cyclic(region) -> bool:
    state: dict = {}

    def visit(n) -> bool:
        s = state.get(n)
        if s is not None:
            return s == 1
        state[n] = 1
        if any(visit(src) for src, _, _ in region.into.get(n, ())):
            return True
        state[n] = 2
        return False

    return any(visit(n) for n in list(region.into)) or \
        any(visit(e[0]) for e in region.into_block)
