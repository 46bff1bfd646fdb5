"""Which releases could have written a module: the newest release that introduced a
construct it uses, up to the oldest release that removed one (all from plugin data)."""

from __future__ import annotations

from itertools import islice

from .dialect import all_deltas
from .ir import instructions as I
from .ir.attributes import Attr, AttrGroupRef
from .ir.values import ConstantAggregate, ConstantExpr, GlobalWrapper, Poison, Splat
from .values_walk import reachable_constants

# Opcodes that are themselves a syntax feature.
FEATURE_OPCODES = frozenset({"fneg", "freeze", "callbr", "ptrtoaddr"})
# The constants detection reads (constant expressions, `poison`, `dso_local_equivalent`
# and `no_cfi`) and those that hold constants: the other constants (numbers, globals, most
# of the operands) are never visited. Exact classes: none of them is subclassed.
NOTED_CONSTANTS = frozenset({ConstantExpr, Poison, GlobalWrapper, ConstantAggregate, Splat})


def _uses(module, text):
    features, attrs, flags, constexprs = set(), set(), set(), set()
    features |= getattr(module, "syntax_seen", set())

    noted_groups = set()

    def note_attrs(lst):
        for a in lst:
            if isinstance(a, Attr):
                attrs.add(a.kind)
                if a.kind in ("byval", "sret") and a.style is None:
                    features.add("untyped-" + a.kind)
            elif isinstance(a, AttrGroupRef) and a.id not in noted_groups:
                noted_groups.add(a.id)  # most calls name one of a few groups
                g = module.attr_groups.get(a.id)
                if g is not None:
                    note_attrs(g.attrs)

    for g in module.attr_groups.values():
        note_attrs(g.attrs)
    noted = [g.initializer for g in module.globals
             if type(g.initializer) in NOTED_CONSTANTS]
    noted += [a.target for a in module.aliases if type(a.target) in NOTED_CONSTANTS]
    for f in module.functions:
        note_attrs(f.ret_attrs)
        note_attrs(f.fn_attrs)
        for a in f.args:
            note_attrs(a.attrs)
        for b in f.blocks:
            for i in b.instructions:  # plain loops, no calls for the common case: the hot part
                if i.flags:
                    flags.update([(i.opcode, fl) for fl in i.flags])
                if i.opcode in FEATURE_OPCODES:
                    features.add(i.opcode)
                for v in i.ops:
                    if type(v) in NOTED_CONSTANTS:
                        noted.append(v)
                if isinstance(i, I.Call):
                    for al in (i.ret_attrs, i.fn_attrs, *i.arg_attrs):
                        if al:
                            note_attrs(al)
                    noted += [v for v in islice(I.value_operands(i), len(i.ops), None)
                              if type(v) in NOTED_CONSTANTS]  # the callee, bundle inputs
                elif isinstance(i, I.DebugRecord):
                    features.add("debug-records")
    for c in reachable_constants(noted, NOTED_CONSTANTS):
        if type(c) is ConstantExpr:
            constexprs.add(c.opcode)
            for fl in c.flags:
                flags.add((c.opcode, fl))
        elif type(c) is Poison or type(c) is GlobalWrapper:
            if c.keyword in ("poison", "dso_local_equivalent", "no_cfi"):
                features.add(c.keyword)
    return features, attrs, flags, constexprs


def detect(module, text=""):
    deltas = sorted(all_deltas(), key=lambda d: d.release)
    lo, hi = deltas[0].release, deltas[-1].release
    reasons = []
    features, attrs, flags, constexprs = _uses(module, text)
    for d in deltas:
        for what, found in (("syntax", features & d.features),
                            ("attribute", attrs & d.attributes),
                            ("flag", {f"{o} {f}" for o, f in flags & d.flags})):
            if found and d.release > lo:
                lo = d.release
                reasons.append(f">= {d.release}: {what} {', '.join(sorted(found))}")
        gone = (features & d.removed) | {f"{c} constant expression"
                                         for c in constexprs & d.constexprs_removed}
        if gone and d.release - 1 < hi:
            hi = d.release - 1
            reasons.append(f"<= {d.release - 1}: {', '.join(sorted(gone))}")
    if module.uses_opaque_pointers and lo < 13:
        lo = 13
        reasons.append(">= 13: opaque pointers ('ptr')")
    if hi < lo:
        reasons.append("no single release accepts every construct used")
    return lo, hi, reasons
