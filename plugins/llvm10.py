"""LLVM 10: `freeze`; fast-math flags on phi; unnamed arguments may be written `%0`."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl

from ._fmf import fmf_on


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(release=10, features={"freeze", "numbered-argument-names"},
                        flags=fmf_on("phi"))
