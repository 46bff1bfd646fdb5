"""Driver for the ``libllvmlite.so`` inside an llvmlite wheel, through ctypes.

Works for any llvmlite wheel, including those built for Pythons older than the one
running (LLVM 7..11 exist only that way): the library links LLVM statically and only
needs libc/libstdc++/libz. Signatures differ between llvmlite versions in three places
(CreateTargetMachine gains arguments in 0.33 and 0.38, CreateMCJITCompiler gains one in
0.42, ContextCreate takes the opaque-pointer flag in 0.44 only).
"""

from __future__ import annotations

import ctypes
import re
from ctypes import POINTER, byref, c_bool, c_char_p, c_int, c_size_t, c_uint, c_uint64
from ctypes import c_void_p as Ref

from ..errors import CapabilityMissing, ToolchainError
from . import native_call

TRIPLE = b"x86_64-unknown-linux-gnu"


def _signatures(lib, lv: tuple[int, int]) -> None:
    def sig(name, restype, *argtypes):
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = list(argtypes)

    sig("LLVMPY_GetVersionInfo", c_uint)
    sig("LLVMPY_DisposeString", None, Ref)
    sig("LLVMPY_ContextCreate", Ref, *([c_bool] if lv == (0, 44) else []))
    sig("LLVMPY_ContextDispose", None, Ref)
    sig("LLVMPY_ParseAssembly", Ref, Ref, c_char_p, POINTER(Ref))
    sig("LLVMPY_VerifyModule", c_bool, Ref, POINTER(Ref))
    sig("LLVMPY_DisposeModule", None, Ref)
    sig("LLVMPY_GetNamedFunction", Ref, Ref, c_char_p)
    sig("LLVMPY_IsDeclaration", c_int, Ref)
    sig("LLVMPY_SetTarget", None, Ref, c_char_p)
    sig("LLVMPY_SetDataLayout", None, Ref, c_char_p)
    sig("LLVMPY_GetTargetFromTriple", Ref, c_char_p, POINTER(Ref))
    extra = [c_int, c_int, c_char_p][: _tm_extra(lv)]
    sig("LLVMPY_CreateTargetMachine", Ref, Ref, c_char_p, c_char_p, c_char_p, c_int, c_char_p, c_char_p, *extra)
    sig("LLVMPY_CreateTargetMachineData", Ref, Ref)
    sig("LLVMPY_CopyStringRepOfTargetData", None, Ref, POINTER(Ref))
    sig("LLVMPY_DisposeTargetData", None, Ref)
    sig("LLVMPY_TargetMachineEmitToMemory", Ref, Ref, Ref, c_int, POINTER(Ref))
    sig("LLVMPY_GetBufferStart", Ref, Ref)
    sig("LLVMPY_GetBufferSize", c_size_t, Ref)
    sig("LLVMPY_DisposeMemoryBuffer", None, Ref)
    sig("LLVMPY_CreateMCJITCompiler", Ref, Ref, Ref, *([c_bool] if lv >= (0, 42) else []), POINTER(Ref))
    sig("LLVMPY_FinalizeObject", None, Ref)
    sig("LLVMPY_GetFunctionAddress", c_uint64, Ref, c_char_p)


def _pass_signatures(lib) -> None:
    """The legacy pass manager's entry points (the same in llvmlite 0.28 .. 0.44)."""
    for name, restype, argtypes in (
            ("LLVMPY_PassManagerBuilderCreate", Ref, []),
            ("LLVMPY_PassManagerBuilderDispose", None, [Ref]),
            ("LLVMPY_PassManagerBuilderSetOptLevel", None, [Ref, c_uint]),
            ("LLVMPY_PassManagerBuilderUseInlinerWithThreshold", None, [Ref, c_int]),
            ("LLVMPY_PassManagerBuilderSetLoopVectorize", None, [Ref, c_int]),
            ("LLVMPY_PassManagerBuilderSetSLPVectorize", None, [Ref, c_int]),
            ("LLVMPY_PassManagerBuilderPopulateModulePassManager", None, [Ref, Ref]),
            ("LLVMPY_CreatePassManager", Ref, []),
            ("LLVMPY_DisposePassManager", None, [Ref]),
            ("LLVMPY_AddAnalysisPasses", None, [Ref, Ref]),
            ("LLVMPY_RunPassManager", c_int, [Ref, Ref]),
            ("LLVMPY_PrintModuleToString", None, [Ref, POINTER(Ref)])):
        function = getattr(lib, name)
        function.restype, function.argtypes = restype, argtypes


def _tm_extra(lv: tuple[int, int]) -> int:
    """How many arguments CreateTargetMachine has past codemodel: printmc, jit, abiname."""
    return 0 if lv < (0, 33) else 2 if lv < (0, 38) else 3


class LlvmliteDriver:
    def __init__(self, config: dict):
        self.lv = tuple(int(x) for x in config["llvmlite_version"].split(".")[:2])
        self.lib = ctypes.CDLL(config["library"])
        _signatures(self.lib, self.lv)
        if hasattr(self.lib, "LLVMPY_InitializeCore"):
            self.lib.LLVMPY_InitializeCore()
        self.lib.LLVMPY_InitializeNativeTarget()
        self.lib.LLVMPY_InitializeNativeAsmPrinter()
        self.lib.LLVMPY_InitializeNativeAsmParser()
        self.lib.LLVMPY_LinkInMCJIT()
        self._keep = []  # contexts and engines that must outlive a JIT call

    def version(self) -> str:
        info = self.lib.LLVMPY_GetVersionInfo()
        return f"{info >> 16}.{(info >> 8) & 0xFF}.{info & 0xFF}"

    def _take_string(self, ref: Ref) -> str:
        if not ref.value:
            return ""
        text = ctypes.string_at(ref.value).decode("utf-8", "replace")
        self.lib.LLVMPY_DisposeString(ref)
        return text

    def _context(self, text: str):
        if self.lv == (0, 44):  # LLVM 15: typed unless told; follow the module's spelling
            return self.lib.LLVMPY_ContextCreate(bool(re.search(r"\bptr\b", text)))
        return self.lib.LLVMPY_ContextCreate()

    def _parse(self, text: str):
        """(context, module, error message)."""
        context = self._context(text)
        err = Ref()
        module = self.lib.LLVMPY_ParseAssembly(context, text.encode(), byref(err))
        if not module:
            return context, None, self._take_string(err)
        err = Ref()
        if self.lib.LLVMPY_VerifyModule(module, byref(err)):
            return context, module, self._take_string(err) or "module is broken"
        self._take_string(err)
        return context, module, None

    def _parse_or_raise(self, text: str):
        context, module, message = self._parse(text)
        if message is not None:
            raise ToolchainError(f"LLVM {self.version()} rejects the module: {message}")
        return context, module

    def verify(self, text: str) -> tuple[bool, str]:
        context, module, message = self._parse(text)
        if module:
            self.lib.LLVMPY_DisposeModule(module)
        self.lib.LLVMPY_ContextDispose(context)
        return message is None, message or ""

    def _target_machine(self, jit: bool):
        err = Ref()
        target = self.lib.LLVMPY_GetTargetFromTriple(TRIPLE, byref(err))
        if not target:
            raise ToolchainError(f"no x86-64 target: {self._take_string(err)}")
        codemodel = b"jitdefault" if jit else b"default"
        extra = [0, int(jit), b""][: _tm_extra(self.lv)]
        return self.lib.LLVMPY_CreateTargetMachine(target, TRIPLE, b"", b"", 2, b"pic", codemodel, *extra)

    def _set_layout(self, module, machine) -> None:
        data = self.lib.LLVMPY_CreateTargetMachineData(machine)
        out = Ref()
        self.lib.LLVMPY_CopyStringRepOfTargetData(data, byref(out))
        self.lib.LLVMPY_SetDataLayout(module, self._take_string(out).encode())
        self.lib.LLVMPY_DisposeTargetData(data)
        self.lib.LLVMPY_SetTarget(module, TRIPLE)

    def compile_object(self, text: str) -> bytes:
        _, module = self._parse_or_raise(text)
        machine = self._target_machine(jit=False)
        self._set_layout(module, machine)
        err = Ref()
        buffer = self.lib.LLVMPY_TargetMachineEmitToMemory(machine, module, 1, byref(err))
        if not buffer:
            raise ToolchainError(f"object emission failed: {self._take_string(err)}")
        data = ctypes.string_at(self.lib.LLVMPY_GetBufferStart(buffer), self.lib.LLVMPY_GetBufferSize(buffer))
        self.lib.LLVMPY_DisposeMemoryBuffer(buffer)
        return data

    def jit_call(self, text: str, fn_name: str, signature: str, args: list) -> dict:
        native_call.parse_signature(signature)
        context, module = self._parse_or_raise(text)
        function = self.lib.LLVMPY_GetNamedFunction(module, fn_name.encode())
        if not function or self.lib.LLVMPY_IsDeclaration(function):
            raise ToolchainError(f"function @{fn_name} is not defined in the module")
        machine = self._target_machine(jit=True)
        self._set_layout(module, machine)
        err = Ref()
        extra = [False] if self.lv >= (0, 42) else []
        engine = self.lib.LLVMPY_CreateMCJITCompiler(module, machine, *extra, byref(err))
        if not engine:
            raise ToolchainError(f"MCJIT failed: {self._take_string(err)}")
        self._keep.append((context, engine))
        self.lib.LLVMPY_FinalizeObject(engine)
        address = self.lib.LLVMPY_GetFunctionAddress(engine, fn_name.encode())
        if not address:
            raise ToolchainError(f"function @{fn_name} not found in the JIT-compiled module")
        return native_call.call(address, signature, args)

    def c_to_ir(self, c_source: str, opt_level: int) -> str:
        raise CapabilityMissing("llvmlite wheels ship no clang: C to IR is not available for this release")

    def optimize(self, text: str, level: int) -> str:
        """The legacy PassManagerBuilder pipeline of `opt -On` in these releases (inliner at
        opt's threshold, vectorizers on from O2), with the target's cost model."""
        lib = self.lib
        if not hasattr(lib, "LLVMPY_PassManagerBuilderCreate"):
            raise CapabilityMissing(f"llvmlite {'.'.join(map(str, self.lv))} has no legacy pass manager builder")
        _pass_signatures(lib)
        context, module = self._parse_or_raise(text)
        machine = self._target_machine(jit=False)
        builder = lib.LLVMPY_PassManagerBuilderCreate()
        lib.LLVMPY_PassManagerBuilderSetOptLevel(builder, level)
        if level >= 2:
            lib.LLVMPY_PassManagerBuilderUseInlinerWithThreshold(builder, 250 if level >= 3 else 225)
        lib.LLVMPY_PassManagerBuilderSetLoopVectorize(builder, int(level >= 2))
        lib.LLVMPY_PassManagerBuilderSetSLPVectorize(builder, int(level >= 2))
        manager = lib.LLVMPY_CreatePassManager()
        lib.LLVMPY_AddAnalysisPasses(machine, manager)
        lib.LLVMPY_PassManagerBuilderPopulateModulePassManager(builder, manager)
        lib.LLVMPY_RunPassManager(manager, module)
        out = Ref()
        lib.LLVMPY_PrintModuleToString(module, byref(out))
        result = self._take_string(out)
        lib.LLVMPY_DisposePassManager(manager)
        lib.LLVMPY_PassManagerBuilderDispose(builder)
        lib.LLVMPY_DisposeModule(module)
        lib.LLVMPY_ContextDispose(context)
        return result

    def close(self) -> None:
        pass
