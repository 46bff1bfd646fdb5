"""Which releases could have written a module: the newest release that introduced a
construct it uses, up to the oldest release that removed one (all from plugin data)."""

from __future__ import annotations

from .dialect import all_deltas
from .ir import instructions as I
from .ir.attributes import Attr, AttrGroupRef
from .values_walk import walk_constants


def _uses(module, text):
    features, attrs, flags, constexprs = set(), set(), set(), set()
    features |= getattr(module, "syntax_seen", set())

    def note_attrs(lst):
        for a in lst:
            if isinstance(a, Attr):
                attrs.add(a.kind)
                if a.kind in ("byval", "sret") and a.style is None:
                    features.add("untyped-" + a.kind)
            elif isinstance(a, AttrGroupRef):
                g = module.attr_groups.get(a.id)
                if g is not None:
                    note_attrs(g.attrs)

    for g in module.attr_groups.values():
        note_attrs(g.attrs)
    for f in module.functions:
        note_attrs(f.ret_attrs)
        note_attrs(f.fn_attrs)
        for a in f.args:
            note_attrs(a.attrs)
        for b in f.blocks:
            for i in b.instructions:
                for fl in i.flags:
                    flags.add((i.opcode, fl))
                if i.opcode in ("fneg", "freeze", "callbr", "ptrtoaddr"):
                    features.add(i.opcode)
                if isinstance(i, I.DebugRecord):
                    features.add("debug-records")
                if isinstance(i, I.Call):
                    note_attrs(i.ret_attrs)
                    note_attrs(i.fn_attrs)
                    for al in i.arg_attrs:
                        note_attrs(al)
    for c in walk_constants(module):
        op = getattr(c, "opcode", None)
        if op is not None:
            constexprs.add(op)
            for fl in c.flags:
                flags.add((op, fl))
        kw = getattr(c, "keyword", None)
        if kw in ("poison", "dso_local_equivalent", "no_cfi"):
            features.add(kw)
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
