"""LLVM 14: elementtype(T) (required on indirect inline-asm operands), no_cfi."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=14,
        features={"elementtype", "no_cfi"},
        attributes={"elementtype", "disable_sanitizer_instrumentation"},
    )
