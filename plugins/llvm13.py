"""LLVM 13: vscale_range, explicit align on cmpxchg/atomicrmw; `llvm.powi` mangles its
exponent type."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=13,
        features={"atomic-align", "powi-exponent-mangled"},
        attributes={"vscale_range", "noprofile", "swiftasync", "nosanitize_coverage"},
    )
