"""LLVM 9: explicit `N:` labels for unnamed blocks, callbr, typed byval(T), fast-math flags on select, immarg/willreturn/nofree/nosync,
scalable vectors, global partitions, atomicrmw fadd/fsub."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl

from ._fmf import fmf_on


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=9,
        features={"reduce-v2", "numbered-block-labels", "callbr", "byval-type", "scalable-vector", "partition", "atomicrmw-fadd"},
        attributes={"immarg", "willreturn", "nofree", "nosync"},
        flags=fmf_on("select"),
    )
