"""LLVM 19: debug records (#dbg_value...), `!"expected"` origin in branch weights, GEP nuw/nusw, trunc nuw/nsw, uitofp nneg,
range(...)/initializes(...), ptrauth constants, GEP inrange(lo, hi); icmp/fcmp/shl constant
expressions removed."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=19,
        features={"debug-records", "ptrauth", "inrange-range", "prof-origin"},
        removed={"inrange-index"},
        attributes={"range", "initializes", "sanitize_numerical_stability"},
        flags={("getelementptr", "nuw"), ("getelementptr", "nusw"), ("trunc", "nuw"),
               ("trunc", "nsw"), ("uitofp", "nneg")},
        constexprs_removed={"icmp", "fcmp", "shl"},
    )
