"""LLVM 7: the oldest supported release; its delta is the baseline spelling."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl
from enzyme_compat.ir import floats


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=7,
        pointers="typed",
        features={"untyped-byval", "untyped-sret", "untyped-inalloca", "inrange-index", "x86_mmx",
                  "inline-asm-label-args", "dbg-isdefinition-fields"},
        spellings={"float_literal": floats.format_legacy},
    )
