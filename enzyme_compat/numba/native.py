"""Compile textual IR in this process with llvmlite (the LLVM numba itself uses) and
return the address of one function. Engines are kept alive for the life of the process,
so an address handed to ctypes or to numba stays valid.

Symbols the module declares (numba's runtime `NRT_*`, its helper library, libm, the C
library) are resolved from the process: numba registers its own with llvmlite when it
initializes, which compiling the primal has done.
"""

from __future__ import annotations

import threading

from .errors import NumbaADError

_ENGINES: list = []
_LOCK = threading.Lock()


def llvm_release() -> int:
    """The LLVM release of the installed llvmlite: the syntax to print for it."""
    import llvmlite.binding as llvm

    return llvm.llvm_version_info[0]


def _target_machine():
    import llvmlite.binding as llvm

    llvm.initialize_native_target()
    llvm.initialize_native_asmprinter()
    target = llvm.Target.from_default_triple()
    return target.create_target_machine(opt=2, codemodel="jitdefault")


def _optimize(module, tm) -> None:
    """LLVM's O2 pipeline: the derivative's stack slots become registers again."""
    import llvmlite.binding as llvm

    pto = llvm.create_pipeline_tuning_options(speed_level=2)
    pb = llvm.create_pass_builder(tm, pto)
    pb.getModulePassManager().run(module, pb)


def compile_function(text: str, name: str, what: str) -> int:
    """The address of `@name` in `text` compiled at -O2; `what` names the derivative in
    an error."""
    import llvmlite.binding as llvm

    with _LOCK:
        try:
            module = llvm.parse_assembly(text)
            module.verify()
        except RuntimeError as e:
            raise NumbaADError(f"{what}: LLVM rejected the derivative's IR (an internal "
                               f"error, please report it): {str(e).strip()[:500]}") from None
        tm = _target_machine()
        _optimize(module, tm)
        engine = llvm.create_mcjit_compiler(module, tm)
        engine.finalize_object()
        _ENGINES.append(engine)
        address = engine.get_function_address(name)
    if not address:
        raise NumbaADError(f"{what}: the JIT did not produce @{name}")
    return address
