"""The two sweeps of the gradient `__enzyme_autodiff` calls, in one function.

The forward sweep's returns branch to the reverse sweep's entry, so a value the forward
sweep computes in a block that runs once per call, before every return, dominates all of
the reverse sweep: the reverse code reads it as it is (`TapeRecords.fwd`), with no tape
field and no recomputation. Values of loops and of blocks some paths skip still go
through the tape. The reverse code is built reading the forward function's parameters
(GradientSynthesis, `reload`), so nothing is renamed or rewired when the blocks move.
"""

from __future__ import annotations

from operator import attrgetter

from ..ir import instructions as I
from ..ir.types import FunctionType
from .cloning import derived_name


def merge_sweeps(mode, g):
    """`sweeps_<f>(tape, x0, [dx0], ...)`: the forward function's blocks, then the
    reverse function's, of `g` (built with `reload`); returns what the reverse function
    returned. The two halves leave the module."""
    aug, rev = g.augmented, g.reverse
    fn = mode._function(derived_name(g.primal.name, "sweeps_"),
                        FunctionType(rev.fn_type.ret, aug.fn_type.params), [])
    fn.args = aug.args
    for a in fn.args:
        a.function = fn
    rentry = rev.blocks[0]
    rentry.name = "reverse"  # where the forward sweep's returns go
    _unique_names(aug, rev)
    # the reverse sweep's stack slots next to the forward sweep's, where LLVM promotes them
    slots = [i for i in rentry.instructions if isinstance(i, I.Alloca)]
    if slots:
        rentry.instructions = [i for i in rentry.instructions if not isinstance(i, I.Alloca)]
        entry = aug.blocks[0]
        for i in slots:
            i.parent = entry
        entry.instructions[0:0] = slots
    for b in aug.blocks:
        b.parent = fn
        last = b.instructions[-1] if b.instructions else None
        if last is not None and last.opcode == "ret":  # the forward sweep is done
            br = I.Br([], [rentry])
            br.parent = b
            b.instructions[-1] = br
    for b in rev.blocks:
        b.parent = fn
    fn.blocks = aug.blocks + rev.blocks
    fn.personality = aug.personality or rev.personality
    aug.blocks, rev.blocks, aug.args = [], [], []
    mode._forget(aug, rev)
    return fn


_name = attrgetter("name")


def _unique_names(aug, rev):
    """Renames what the reverse function names like something of the forward one (block
    and value names are per function)."""
    taken = {a.name for a in aug.args}
    for b in aug.blocks:  # (C-level passes: most instructions have no name)
        taken.add(b.name)
        taken.update(map(_name, b.instructions))
    taken.discard(None)
    for b in rev.blocks:
        for x in (b, *filter(_name, b.instructions)):
            if x.name is not None and x.name in taken:
                k = 1
                while derived_name(x.name, suffix=f".r{k}") in taken:
                    k += 1
                x.name = derived_name(x.name, suffix=f".r{k}")
            if x.name is not None:
                taken.add(x.name)
