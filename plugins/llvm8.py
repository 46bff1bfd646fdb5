"""LLVM 8: the `fneg` instruction and constant expression; DISubprogram `spFlags:`."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl

from ._fmf import fmf_on


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=8,
        features={"fneg", "spflags"},
        removed={"dbg-isdefinition-fields"},
        attributes={"speculative_load_hardening", "null_pointer_is_valid"},
        flags=fmf_on("fneg"),
        md_fields={("DICompileUnit", "nameTableKind"), ("DICompileUnit", "rangesBaseAddress"),
                   ("flag", "DIFlagAllCallsDescribed")},
    )
