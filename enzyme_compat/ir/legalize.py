"""Make a module legal for one release before printing.

Each pass is a rule: `needed(module, dialect)` says whether the release lacks something
the module uses, `run(module, dialect)` rewrites it. Passes run on a copy (printed as-is
and parsed again), so the parsed module can be printed for any number of releases.
"""

from __future__ import annotations

from .typed_pointers import to_typed_pointers


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


class TypedPointerPass:
    name = "typed pointers"

    def needed(self, module, dialect, mode):
        return mode == "typed" and module.uses_opaque_pointers

    def run(self, module, dialect, mode):
        to_typed_pointers(module)


PASSES = [TypedPointerPass()]


def legalize(module, dialect):
    mode = pointer_mode(module, dialect)
    todo = [p for p in PASSES if p.needed(module, dialect, mode)]
    if todo:
        module = copy_module(module)
        for p in todo:
            p.run(module, dialect, mode)
    return module, mode
