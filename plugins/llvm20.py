"""LLVM 20: icmp samesign, fast-math flags on fptrunc/fpext, captures(...), `splat`
printed, llvm.stepvector; x86_mmx removed."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl

from ._fmf import fmf_on


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=20,
        features={"splat-print", "atomicrmw-usub"},
        removed={"x86_mmx"},
        attributes={"captures", "sanitize_realtime", "sanitize_realtime_blocking",
                    "sanitize_type", "hybrid_patchable", "coro_elide_safe"},
        flags={("icmp", "samesign")} | fmf_on("fptrunc") | fmf_on("fpext"),
        intrinsic_renames=[("llvm.experimental.stepvector.", "llvm.stepvector.")],
    )
