"""LLVM 22: ptrtoaddr; llvm.lifetime.* lose the size operand; masked load/store/gather/
scatter lose the alignment operand; nocreateundeforpoison."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=22,
        features={"ptrtoaddr", "lifetime-no-size", "masked-no-align"},
        attributes={"nocreateundeforpoison"},
        spellings={"memory_locations": ("argmem", "inaccessiblemem", "errnomem", "target_mem0", "target_mem1")},
    )
