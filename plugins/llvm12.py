"""LLVM 12: typed sret(T) and byref(T) (untyped byval/sret rejected), poison,
mustprogress, nocallback, dso_local_equivalent; vector reductions leave 'experimental'."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=12,
        features={"reduce-final-names", "poison", "sret-type", "byref", "dso_local_equivalent", "x86_amx"},
        removed={"untyped-byval", "untyped-sret", "reduce-v2"},
        attributes={"mustprogress", "nocallback", "byref", "hot", "nomerge"},
        intrinsic_renames=[("llvm.experimental.vector.reduce.", "llvm.vector.reduce.")],
    )
