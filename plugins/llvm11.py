"""LLVM 11: noundef, preallocated(T), the bfloat type."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(release=11, features={"bfloat"},
                        attributes={"noundef", "preallocated"})
