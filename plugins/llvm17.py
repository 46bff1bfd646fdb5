"""LLVM 17: nofpclass; typed pointers removed; no `select` constant expression."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=17,
        attributes={"nofpclass", "skipprofile"},
        constexprs_removed={"select"},
    )
