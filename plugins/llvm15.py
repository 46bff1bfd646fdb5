"""LLVM 15: opaque pointers by default for opaque input (typed input stays typed);
uwtable(kind), allockind/allocalign/allocptr, sanitizer global attributes; the first batch
of constant expressions is removed; callbr labels become `!i` constraints."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=15,
        pointers="as-input",
        features={"uwtable-kind", "sanitizer-globals", "atomicrmw-fmax", "callbr-labels",
                  "module-flag-min"},
        attributes={"allockind", "allocalign", "allocptr", "fn_ret_thunk_extern",
                    "presplitcoroutine", "nosanitize_bounds"},
        constexprs_removed={"extractvalue", "insertvalue", "udiv", "sdiv", "urem", "srem",
                            "fadd", "fsub", "fmul", "fdiv", "frem"},
    )
