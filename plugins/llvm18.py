"""LLVM 18: zext nneg, or disjoint, writable, dead_on_unwind, global code_model,
`splat` parsed; the second batch of constant expressions is removed."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=18,
        features={"code_model", "splat"},
        attributes={"writable", "dead_on_unwind", "optdebug"},
        flags={("zext", "nneg"), ("or", "disjoint")},
        constexprs_removed={"and", "or", "lshr", "ashr", "zext", "sext", "fptrunc", "fpext",
                            "fptoui", "fptosi", "uitofp", "sitofp"},
    )
