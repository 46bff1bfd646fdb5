"""`enzyme-compat cc --merge`: every differentiable input in one module before AD.

Without it each input is differentiated on its own, as Enzyme's clang plugin does; with
it, C/C++ sources (compiled to IR by the compiler), `.ll` and `.bc` inputs (from rustc,
flang, another clang, any release 7..23) are read, printed in the syntax of the
compiler's release and merged by `llvm-link` of that release, so a C driver's
`__enzyme_autodiff((void*)rust_fn, ...)` finds the body of a function defined in Rust or
Fortran. The merged module is differentiated once and compiled to one object.

`llvm-link` of release N: `llvm-link-N` on PATH, Debian's `/usr/lib/llvm-N/bin/llvm-link`,
or a plain `llvm-link` that reports release N.
"""

from __future__ import annotations

import os
import shutil

from .cc import CcError, Input, _read, _tool_release, _write, read_input


def find_linker(release: int) -> list[str]:
    for path in (shutil.which(f"llvm-link-{release}"), f"/usr/lib/llvm-{release}/bin/llvm-link"):
        if path and os.access(path, os.X_OK):
            return [path]
    plain = shutil.which("llvm-link")
    if plain and _tool_release(plain) == release:
        return [plain]
    raise CcError(f"enzyme-compat cc: error: --merge needs llvm-link of LLVM {release} (the compiler's "
                  f"release): no llvm-link-{release} on PATH (Debian: apt-get install llvm-{release})")


def merged_name(items: list[Input]) -> str:
    return "the merged module of " + ", ".join(i.path for i in items)


def read_merged(items: list[Input], build, s, stem: str):
    """The inputs read (sources through the compiler) and linked into one module by
    llvm-link; returns (module, text) like `cc.read_input`."""
    from .ir.parser import parse

    linker = find_linker(s.compiler.release)
    parts = []
    for n, item in enumerate(items):
        module, _ = read_input(item, build, s, f"{stem}.part{n}")
        path = os.path.join(s.tmp, f"{stem}.part{n}.in.ll")
        _write(path, module.to_text(release=s.compiler.release))
        parts.append(path)
    out = os.path.join(s.tmp, f"{stem}.merged.ll")
    s.runner.run([*linker, "-S", "--suppress-warnings", *parts, "-o", out])
    text = _read(out)
    s.keep(f"{stem}.merged.ll", text)
    return parse(text, os.path.join(s.keep_dir, f"{stem}.merged.ll") if s.keep_dir
                 else f"<{merged_name(items)}>"), text
