"""Make a module legal for one release before printing.

Each pass is a rule: `needed(module, dialect)` says whether the release lacks something
the module uses, `run(module, dialect)` rewrites it. Passes run on a copy (printed as-is
and parsed again), so the parsed module can be printed for any number of releases.
"""

from __future__ import annotations

from ..values_walk import walk_constant_exprs, walk_constants
from . import instructions as I
from . import lowering as L
from .typed_pointers import to_typed_pointers
from .errors import ConversionError
from .values import ConstantExpr, Poison


def pointer_mode(module, dialect) -> str:
    mode = dialect.pointers
    if mode == "opaque" or (mode == "as-input" and module.uses_opaque_pointers):
        return "opaque"
    return "typed"


def copy_module(module):
    from ..dialect import dialect_for
    from .parser import parse
    from .printer import print_as_is

    text = print_as_is(module, dialect_for(None))
    return parse(text, module.filename)


class Pass:
    """A rewrite that runs when `needed` says the release lacks what the module uses."""

    def __init__(self, name, needed, run):
        self.name = name
        self.needed = needed
        self.run = run


def _any_instruction(module, test) -> bool:
    """Does `test` hold for some instruction? (plain loops: these scans run over every
    instruction of the module each time it is printed)"""
    for f in module.functions:
        for b in f.blocks:
            for i in b.instructions:
                if test(i):
                    return True
    return False


def _has_opcode(module, opcode):
    for f in module.functions:
        for b in f.blocks:
            for i in b.instructions:
                if i.opcode == opcode:
                    return True
    return False


def _has_records(module):
    return _any_instruction(module, lambda i: isinstance(i, I.DebugRecord))


def _declares(module, prefix):
    return any(f.name.startswith(prefix) for f in module.functions)


def _has_constexpr(module, dialect):
    if all(map(dialect.constexpr_ok, ConstantExpr.opcodes_made)):
        return False
    return any(not dialect.constexpr_ok(c.opcode) for c in walk_constant_exprs(module))


def _has_poison(module):
    return any(isinstance(c, Poison) for c in walk_constants(module))


def _has_asm(module):
    from .values import InlineAsm

    if not InlineAsm.indirect_made:
        return False
    Call = I.Call
    for f in module.functions:
        for b in f.blocks:
            for i in b.instructions:
                if type(i) is Call and type(i.callee) is InlineAsm and "*" in i.callee.constraints:
                    return True
    return False


def _typed_intrinsics(module):
    from .types import PointerType

    return any(f.name.startswith("llvm.") and any(
        isinstance(t, PointerType) and t.pointee is not None
        for t in [f.fn_type.ret] + list(f.fn_type.params)) for f in module.functions)


def _lifetime_arity(module, n):
    return any(f.name.startswith("llvm.lifetime.") and len(f.fn_type.params) == n
               for f in module.functions)


def _masked_arity(module, n):
    return any(f.name.startswith(("llvm.masked.load.", "llvm.masked.store.",
                                  "llvm.masked.gather.", "llvm.masked.scatter."))
               and len(f.fn_type.params) == n for f in module.functions)


# Order matters: signatures and instructions first, typed pointers last (they retype
# whatever the earlier passes created).
PASSES = [
    Pass("module flags", lambda m, d, mode: not d.has("module-flag-min") and
         L.has_min_flag(m), L.module_flags),
    Pass("branch weight origin", lambda m, d, mode: not d.has("prof-origin") and
         L.has_weight_origin(m), L.branch_weight_origin),
    Pass("removed constant expressions", lambda m, d, mode: _has_constexpr(m, d),
         L.lower_constant_exprs),
    Pass("fneg", lambda m, d, mode: not d.has("fneg") and _has_opcode(m, "fneg"),
         L.lower_fneg),
    Pass("freeze", lambda m, d, mode: not d.has("freeze") and _has_opcode(m, "freeze"),
         L.lower_freeze),
    Pass("ptrtoaddr", lambda m, d, mode: not d.has("ptrtoaddr") and (
        _has_opcode(m, "ptrtoaddr") or "ptrtoaddr" in m.syntax_seen), L.lower_ptrtoaddr),
    Pass("poison", lambda m, d, mode: not d.has("poison") and _has_poison(m), L.lower_poison),
    Pass("debug records to calls",
         lambda m, d, mode: not d.has("debug-records") and _has_records(m),
         L.records_to_calls),
    Pass("debug calls to records",
         lambda m, d, mode: d.has("debug-records") and _declares(m, "llvm.dbg."),
         L.calls_to_records),
    Pass("lifetime size operand",
         lambda m, d, mode: not d.has("lifetime-no-size") and _lifetime_arity(m, 1),
         L.lifetime_add_size),
    Pass("lifetime without size",
         lambda m, d, mode: d.has("lifetime-no-size") and _lifetime_arity(m, 2),
         L.lifetime_drop_size),
    Pass("masked alignment operand",
         lambda m, d, mode: not d.has("masked-no-align") and _masked_arity(m, 3),
         L.masked_add_align),
    Pass("masked alignment attribute",
         lambda m, d, mode: d.has("masked-no-align") and _masked_arity(m, 4),
         L.masked_drop_align),
    Pass("asm elementtype", lambda m, d, mode: d.has("elementtype") and _has_asm(m),
         L.asm_elementtype),
    Pass("powi name", lambda m, d, mode: L.powi_needs_rename(m, d), L.rename_powi),
    Pass("pointer casts", lambda m, d, mode: mode == "opaque" and not m.uses_opaque_pointers,
         L.fold_pointer_casts),
    Pass("opaque intrinsic names", lambda m, d, mode: mode == "opaque" and _typed_intrinsics(m),
         L.opaque_intrinsic_names),
    Pass("reduction names",
         lambda m, d, mode: (not d.has("reduce-final-names") and _declares(
             m, "llvm.vector.reduce.")) or _declares(m, "llvm.experimental.vector.reduce."),
         L.reduction_names),
    Pass("typed pointers", lambda m, d, mode: mode == "typed" and m.uses_opaque_pointers,
         lambda m, d: to_typed_pointers(m)),
]


# Constructs no rewrite can express in a release that lacks them.
UNLOWERABLE = {
    "bfloat": "the bfloat type", "scalable-vector": "scalable vectors (vscale)",
    "target-ext-type": "target extension types", "x86_amx": "the x86_amx type",
    "callbr": "callbr", "ptrauth": "ptrauth constants",
    "dso_local_equivalent": "dso_local_equivalent", "no_cfi": "no_cfi",
    "atomicrmw-fadd": "atomicrmw fadd/fsub", "atomicrmw-fmax": "atomicrmw fmax/fmin",
    "atomicrmw-uinc-wrap": "atomicrmw uinc_wrap/udec_wrap",
    "atomicrmw-usub": "atomicrmw usub_cond/usub_sat",
    "atomicrmw-fmaximum": "atomicrmw fmaximum/fminimum",
}


def check_expressible(module, dialect):
    for feature in sorted(module.syntax_seen):
        what = UNLOWERABLE.get(feature)
        if what is not None and not dialect.has(feature):
            raise ConversionError(f"{module.filename}: error: the module uses {what}, which "
                                  f"LLVM {dialect.release} cannot express")


def legalize(module, dialect):
    check_expressible(module, dialect)
    mode = pointer_mode(module, dialect)
    todo = [p for p in PASSES if p.needed(module, dialect, mode)]
    if todo:
        module = copy_module(module)
        for p in todo:
            p.run(module, dialect)
    return module, mode
