"""LLVM 16: opaque pointers by default (`ptr` printed); memory(...) replaces
readnone/readonly/argmemonly...; target extension types; no `fneg` constant expression."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=16,
        pointers="opaque",
        features={"memory-attr", "target-ext-type", "atomicrmw-uinc-wrap"},
        attributes={"memory"},
        constexprs_removed={"fneg"},
        spellings={"memory_locations": ("argmem", "inaccessiblemem")},
    )
