"""Keep only what some functions need: a module to JIT-run must not reference symbols
nothing can resolve (`__enzyme_fwddiff`, `enzyme_dup`, a program's `main`)."""

from __future__ import annotations

from ..ir import instructions as I
from ..ir.module import Function, GlobalAlias, GlobalVariable
from ..values_walk import _children


def prune(module, roots) -> None:
    """Drop the functions, globals and aliases not reachable from the functions `roots`
    (in place). Metadata is left alone."""
    live: set = set()
    stack = list(roots)
    while stack:
        v = stack.pop()
        if id(v) in live:
            continue
        live.add(id(v))
        if isinstance(v, Function):
            for b in v.blocks:
                for inst in b.instructions:
                    stack.extend(x for x in I.value_operands(inst) if x.is_constant)
                    callee = getattr(inst, "callee", None)
                    if callee is not None and callee.is_constant:
                        stack.append(callee)
            if v.personality is not None:
                stack.append(v.personality)
        elif isinstance(v, GlobalVariable):
            if v.initializer is not None:
                stack.append(v.initializer)
        elif isinstance(v, GlobalAlias):
            stack.append(v.target)
        else:
            stack.extend(_children(v))
    module.functions = [f for f in module.functions if id(f) in live]
    module.globals = [g for g in module.globals if id(g) in live]
    module.aliases = [a for a in module.aliases if id(a) in live]
    kept = {id(x) for x in (*module.functions, *module.globals, *module.aliases)}
    for name, v in list(module.symbols.items()):
        if isinstance(v, (Function, GlobalVariable)) and id(v) not in kept:
            del module.symbols[name]
