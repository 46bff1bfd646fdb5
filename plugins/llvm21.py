"""LLVM 21: captures(none) printed instead of nocapture, memory(errnomem: ...),
dead_on_return; `mul` constant expression and inline-asm label operands removed."""

from enzyme_compat.dialect import ReleaseDelta
from enzyme_compat.hookspecs import hookimpl


@hookimpl
def enzyme_compat_release_delta():
    return ReleaseDelta(
        release=21,
        features={"captures-print", "errnomem", "atomicrmw-fmaximum"},
        removed={"inline-asm-label-args"},
        attributes={"dead_on_return"},
        constexprs_removed={"mul"},
        md_fields={("DISubprogram", "keyInstructions"), ("DILocation", "atomGroup"),
                   ("DILocation", "atomRank")},
        spellings={"memory_locations": ("argmem", "inaccessiblemem", "errnomem")},
    )
