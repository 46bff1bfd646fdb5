"""Tape space for a loop sized by its trip count, reserved before the loop runs.

The tape grows by doubling, so any loop costs amortized O(1) per iteration; when the trip
count of a loop can be computed before it starts (an induction variable `i = phi [start,
preheader], [i + step, latch]` compared with a loop-invariant bound), the forward sweep
reserves `trip count x bytes pushed per iteration` in one step at the preheader, so the
loop's values land in one array without reallocation. Only a hint: a wrong estimate
costs time, never correctness (the pushes still check the capacity).

A loop of one block whose trip count is exact (it leaves only by its test of the
induction variable against a bound set before it: reverse_loops.py) and that pushes
nothing but that block's record goes further: the space of all its records is pushed
at once before it, and each iteration writes its record at the next slot of that array
(a pointer phi), with no capacity check in the loop. The tape holds the same bytes in
the same places as with one push per iteration, so the reverse sweep pops them as it
would.
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.types import I1, I8, I64
from ..ir.values import ConstantInt
from . import tape as T

_LIMIT = 1 << 30  # never reserve more than 1 GiB from an estimate


def natural_loops(function):
    """(header, body blocks) of each natural loop, from the back edges of a DFS."""
    entry = function.blocks[0]
    on_stack, seen, back = set(), set(), []
    stack = [(entry, iter(entry.successors()))]
    seen.add(entry)
    on_stack.add(entry)
    while stack:
        b, it = stack[-1]
        nxt = next(it, None)
        if nxt is None:
            on_stack.discard(b)
            stack.pop()
        elif nxt in on_stack:
            back.append((b, nxt))
        elif nxt not in seen:
            seen.add(nxt)
            on_stack.add(nxt)
            stack.append((nxt, iter(nxt.successors())))
    if not back:
        return []
    preds: dict = {}
    for b in function.blocks:
        for s in b.successors():
            preds.setdefault(s, []).append(b)
    loops: dict = {}
    for latch, header in back:
        body = loops.setdefault(header, {header})
        work = [latch]
        while work:
            b = work.pop()
            if b not in body:
                body.add(b)
                work.extend(preds.get(b, []))
    # each body in block order (a dict: membership as a set's), so that whatever walks it
    # decides the same way on every run, not by where the blocks happen to live in memory
    return [(h, dict.fromkeys(b for b in function.blocks if b in body), preds)
            for h, body in loops.items()]


def _trip_count(header, body, preds):
    """(preheader, start, bound, step, inclusive) of a counted loop, else None."""
    outside = [p for p in preds.get(header, []) if p not in body]
    if len(outside) != 1:
        return None
    pre = outside[0]
    inside = {b for b in body}
    for phi in header.instructions:
        if not isinstance(phi, I.Phi):
            break
        if not phi.type.is_int or len(phi.ops) != 2:
            continue
        start = phi.ops[phi.blocks.index(pre)] if pre in phi.blocks else None
        nxt = [v for v, b in zip(phi.ops, phi.blocks) if b is not pre]
        if start is None or not nxt:
            continue
        step_inst = nxt[0]
        if not (isinstance(step_inst, I.BinaryOp) and step_inst.opcode == "add"
                and step_inst.ops[0] is phi and isinstance(step_inst.ops[1], ConstantInt)
                and step_inst.ops[1].value > 0):
            continue
        for b in body:
            t = b.terminator
            if not (isinstance(t, I.Br) and t.ops and isinstance(t.ops[0], I.Compare)):
                continue
            cmp = t.ops[0]
            if cmp.ops[0] not in (phi, step_inst):
                continue
            bound = cmp.ops[1]
            if isinstance(bound, I.Instruction) and bound.parent in inside:
                continue
            if cmp.predicate in ("slt", "ult", "ne", "eq", "sle", "ule"):
                return pre, start, bound, step_inst.ops[1].value, cmp.predicate in ("sle",
                                                                                    "ule")
    return None


def _pushed_bytes(block) -> int:
    total = 0
    for inst in block.instructions:
        if isinstance(inst, I.Call) and getattr(inst.callee, "name", None) == T.PUSH:
            size = inst.args[1]
            total += size.value if isinstance(size, ConstantInt) else 0
    return total


def reserve_loops(gs) -> int:
    """Emit the reservations for the counted loops of `gs` (a GradientSynthesis whose
    pushes are placed); returns how many loops got one."""
    count = 0
    for header, body, preds in gs.primal_loops():
        per_iteration = sum(_pushed_bytes(gs.tail(b)) for b in body)
        if per_iteration == 0:
            continue
        found = _trip_count(header, body, preds)
        if found is None:
            continue
        pre, start, bound, step, inclusive = found
        nb = gs.tail(pre)
        term = nb.instructions.pop()
        emit = nb.append

        def wide(v):
            v = gs.new(v)
            if v.type == I64:
                return v
            return emit(I.Cast("sext" if v.type.bits < 64 else "trunc", I64, [v]))

        span = emit(I.BinaryOp("sub", I64, [wide(bound), wide(start)]))
        if inclusive:
            span = emit(I.BinaryOp("add", I64, [span, ConstantInt(I64, 1)]))
        trips = emit(I.BinaryOp("sdiv", I64, [span, ConstantInt(I64, step)])) \
            if step != 1 else span
        positive = emit(I.Compare("icmp", I1, [trips, ConstantInt(I64, 0)], "sgt"))
        trips = emit(I.Select("select", I64, [positive, trips, ConstantInt(I64, 0)]))
        small = emit(I.Compare("icmp", I1, [trips, ConstantInt(I64, _LIMIT // per_iteration)],
                               "slt"))
        trips = emit(I.Select("select", I64, [small, trips, ConstantInt(I64, 0)]))
        nbytes = emit(I.BinaryOp("mul", I64, [trips, ConstantInt(I64, per_iteration)]))
        f = gs.mode.runtime()[T.RESERVE]
        emit(I.Call("call", f.fn_type.ret, f.fn_type, f, [gs.ftape, nbytes], [[], []]))
        nb.append(term)
        count += 1
    return count


def index_loop_records(gs) -> int:
    """Rewrites the record pushes of the one-block loops of `gs` described in the module's
    docstring (after the pushes are placed, before `reserve_loops`); returns how many."""
    count = 0
    for lp in gs.loops:
        pb = lp.header
        push = gs.record_push.get(pb)
        if push is None or len(lp.body) != 1 or not lp.ok or lp.iv is None \
                or lp.last is None or lp.last[0] != 0 or gs.tail(pb) is not gs.bmap[pb]:
            continue
        nb = gs.bmap[pb]
        if any(isinstance(i, I.Call) and i is not push and any(o is gs.ftape for o in i.ops)
               for i in nb.instructions):
            continue  # a callee's pushes would land between the records
        fphi, step = lp.iv[0], lp.iv[1]
        outside = [b for b in fphi.blocks if b is not nb]
        if len(outside) != 1 or len(fphi.blocks) != 2:
            continue
        fpre = outside[0]
        term = fpre.instructions[-1] if fpre.instructions else None
        if not isinstance(term, I.Br) or term.ops or term.targets != [nb]:
            # the space is pushed only on the way into the loop
            fpre = gs.split_edge(fpre, nb, ".records")
            term = I.Br([], [nb])
        else:
            fpre.instructions.pop()
        emit = fpre.append
        t = fphi.type
        start = fphi.ops[fphi.blocks.index(fpre)]
        last = gs.new(lp.last[1])
        if lp.last[2]:
            last = emit(I.BinaryOp("add", t, [last, ConstantInt(t, lp.last[2])]))
        # iterations - 1 = (last - start) / step, exact, in the counter's width
        span = emit(I.BinaryOp("sub", t, [last, start] if step > 0 else [start, last]))
        if abs(step) != 1:
            span = emit(I.BinaryOp("udiv", t, [span, ConstantInt(t, abs(step))],
                                   flags=["exact"]))
        if t != I64:
            span = emit(I.Cast("zext", I64, [span]))
        trips = emit(I.BinaryOp("add", I64, [span, ConstantInt(I64, 1)]))
        size = push.args[1]
        nbytes = emit(I.BinaryOp("mul", I64, [trips, size]))
        f = gs.mode.runtime()[T.PUSH]
        first = emit(I.Call("call", f.fn_type.ret, f.fn_type, f, [gs.ftape, nbytes], [[], []]))
        fpre.append(term)
        # the record of each iteration at the next slot: a pointer phi instead of the push
        at = I.Phi(push.type, [first, None], [fpre, nb])
        at.parent = nb
        nb.instructions.insert(0, at)
        nb.instructions.remove(push)
        for inst in nb.instructions:
            if inst is not at:
                inst.ops = [at if o is push else o for o in inst.ops]
        end = nb.instructions.pop()
        at.ops[1] = nb.append(I.GetElementPtr(gs.tape.byte_ptr, I8, [at, size],
                                              flags=["inbounds"]))
        nb.append(end)
        count += 1
    return count
