"""LLVM 13: typed inalloca(T) required, vscale_range, explicit align on cmpxchg/atomicrmw; `llvm.powi` mangles its
exponent type."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=13,
        features={"atomic-align", "powi-exponent-mangled"},
        removed={"untyped-inalloca"},
        attributes={"vscale_range", "noprofile", "swiftasync", "nosanitize_coverage"},
    )
