"""`invoke` in reverse mode (a mixin of `reverse.GradientSynthesis`).

Only unwind paths that clean up and leave the function are supported: the landing pads
(destructors, Rust drop glue, `__rust_dealloc`) end in `resume` or `unreachable` and never
come back to the blocks of the normal flow. The augmented function invokes what the
primal invoked (the callee's augmented function for a differentiated callee) with the same
landing pad; the unwind blocks are cloned as plain primal code: no shadows, no tape
records. An exception leaving the augmented function abandons the gradient (the tape and
the shadows allocated so far are not freed). The reverse function mirrors the normal-flow
blocks only. A handler that catches the exception and lets the function go on (reaching a
normal-flow block or a `ret`) is refused: its reverse sweep would need to know which path
was taken.
"""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.module import BasicBlock
from .cloning import derived_name, is_debug
from .errors import UnsupportedInstructionError


class Unwinding:
    def _normal_flow(self):
        """(blocks reachable from the entry without taking an unwind edge, blocks reachable
        only through unwind edges); refuses a handler that rejoins the normal flow."""
        reached = self.order[:self.reached]  # (GradientSynthesis.run)
        if not any(b.instructions and isinstance(b.instructions[-1], I.Call) for b in reached):
            return set(reached), set()  # no invoke: every edge is a normal one
        entry = self.primal.blocks[0]
        normal, stack = {entry}, [entry]
        while stack:
            t = stack.pop().terminator
            succ = [t.normal] if isinstance(t, I.Call) and t.opcode == "invoke" else \
                (t.successors() if t is not None else [])
            for s in succ:
                if s not in normal:
                    normal.add(s)
                    stack.append(s)
        unwind = set()
        for b in normal:
            t = b.terminator
            if isinstance(t, I.Call) and t.opcode == "invoke":
                unwind |= self._check_unwind_path(t, normal)
        return normal, unwind

    def _check_unwind_path(self, invoke, normal):
        seen, stack = {invoke.unwind}, [invoke.unwind]
        while stack:
            b = stack.pop()
            t = b.terminator
            back = None
            if isinstance(t, I.Ret):
                back = "returns from the function"
            for s in (t.successors() if t is not None else []):
                if s in normal:
                    back = "branches back to a block of the normal flow"
                elif s not in seen:
                    seen.add(s)
                    stack.append(s)
            if back is not None:
                raise self.error(
                    UnsupportedInstructionError, invoke,
                    "the exception this `invoke` may throw is caught and the function goes "
                    f"on (its handler {back}): the reverse sweep would need to "
                    "know which path was taken; reverse mode supports only unwind paths "
                    "that clean up and leave the function (`resume`, `unreachable`)")
        return seen

    def tail(self, pb):
        """The augmented block where primal block `pb`'s code ends (the continuation
        block after an invoke)."""
        return self.invoke_tails.get(pb, self.bmap[pb])

    def _forward_plain(self, pb):
        """A block reached only by unwinding: primal code (see the module docstring)."""
        nb = self.bmap[pb]
        for inst in pb.instructions:
            if is_debug(inst):
                continue
            c = self.vmap[inst]
            if not isinstance(inst, I.Phi):
                self.remap(c)
            if isinstance(inst, I.Call) and inst.opcode == "invoke":
                c.normal, c.unwind = self.bmap[inst.normal], self.bmap[inst.unwind]
            nb.append(c)

    def _forward_invoke(self, inst, c, nb):
        """A normal-flow invoke: the call's forward code as for a call, the call standing
        for it (the primal's, or the augmented function) invoked with the same landing
        pad, what follows it in a continuation block before the normal destination."""
        pb = inst.parent
        self.fn.personality = self.g.primal.personality  # its landing pads are cloned
        cont = BasicBlock(derived_name(pb.name, suffix=".cont"), parent=self.fn)
        self.fn.blocks.insert(self.fn.blocks.index(nb) + 1, cont)
        start = len(nb.instructions)
        c.opcode, c.normal, c.unwind = "call", None, None
        self.invoked = None
        self._forward_call(inst, c, nb)
        main = self.invoked or c
        if main not in nb.instructions[start:]:
            raise self.error(UnsupportedInstructionError, inst,
                             "an `invoke` of a function with a registered gradient is not "
                             "supported in reverse mode yet")
        pos = nb.instructions.index(main, start)
        for x in nb.instructions[pos + 1:]:
            cont.append(x)
        del nb.instructions[pos + 1:]
        main.opcode, main.normal, main.unwind, main.tail = \
            "invoke", cont, self.bmap[inst.unwind], ""
        normal = self.bmap[inst.normal]
        cont.append(I.Br([], [normal]))
        self.invoke_tails[pb] = cont
        self.split_edges.append((nb, cont, normal))

    def _retarget_split_edges(self):
        """Phis of a normal destination name the continuation block, not the invoke's."""
        for nb, cont, normal in self.split_edges:
            idx = self.unplaced_index.get(id(normal))
            for phi in (*normal.instructions, *([idx] if idx is not None else [])):
                if isinstance(phi, I.Phi):
                    phi.blocks = [cont if b is nb else b for b in phi.blocks]
