"""Driver for any ``libLLVM`` shared library through the stable LLVM-C API (ctypes).

Used for Debian's apt LLVM 13..22 and karellen's wheels 17..23. The functions used have
had the same C signatures in every one of those releases; ``LLVMGetVersion`` exists
only from 16, so older releases report the version the installation said it was.
"""

from __future__ import annotations

import ctypes
from ctypes import POINTER, Structure, byref, c_char_p, c_int, c_size_t, c_uint, c_uint64
from ctypes import c_void_p as Ref

from ..errors import CapabilityMissing, ToolchainError
from . import clang_frontend, native_call

VERIFIER_RETURN_STATUS = 2
OPT_DEFAULT = 2
RELOC_PIC = 2
CODE_MODEL_DEFAULT = 0
OBJECT_FILE = 1


class MCJITCompilerOptions(Structure):
    _fields_ = [
        ("OptLevel", c_uint),
        ("CodeModel", c_int),
        ("NoFramePointerElim", c_int),
        ("EnableFastISel", c_int),
        ("MCJMM", Ref),
    ]


def _signatures(lib) -> None:
    def sig(name, restype, *argtypes):
        function = getattr(lib, name)
        function.restype = restype
        function.argtypes = list(argtypes)

    sig("LLVMContextCreate", Ref)
    sig("LLVMContextDispose", None, Ref)
    sig("LLVMCreateMemoryBufferWithMemoryRangeCopy", Ref, c_char_p, c_size_t, c_char_p)
    sig("LLVMParseIRInContext", c_int, Ref, Ref, POINTER(Ref), POINTER(Ref))
    sig("LLVMVerifyModule", c_int, Ref, c_int, POINTER(Ref))
    sig("LLVMDisposeModule", None, Ref)
    sig("LLVMDisposeMessage", None, Ref)
    sig("LLVMGetDefaultTargetTriple", Ref)
    sig("LLVMGetTargetFromTriple", c_int, c_char_p, POINTER(Ref), POINTER(Ref))
    sig("LLVMCreateTargetMachine", Ref, Ref, c_char_p, c_char_p, c_char_p, c_int, c_int, c_int)
    sig("LLVMDisposeTargetMachine", None, Ref)
    sig("LLVMCreateTargetDataLayout", Ref, Ref)
    sig("LLVMCopyStringRepOfTargetData", Ref, Ref)
    sig("LLVMDisposeTargetData", None, Ref)
    sig("LLVMGetNamedFunction", Ref, Ref, c_char_p)
    sig("LLVMIsDeclaration", c_int, Ref)
    sig("LLVMSetDataLayout", None, Ref, c_char_p)
    sig("LLVMSetTarget", None, Ref, c_char_p)
    sig("LLVMTargetMachineEmitToMemoryBuffer", c_int, Ref, Ref, c_int, POINTER(Ref), POINTER(Ref))
    sig("LLVMGetBufferStart", Ref, Ref)
    sig("LLVMGetBufferSize", c_size_t, Ref)
    sig("LLVMDisposeMemoryBuffer", None, Ref)
    sig("LLVMLinkInMCJIT", None)
    sig("LLVMInitializeMCJITCompilerOptions", None, POINTER(MCJITCompilerOptions), c_size_t)
    sig("LLVMCreateMCJITCompilerForModule", c_int, POINTER(Ref), Ref, POINTER(MCJITCompilerOptions), c_size_t,
        POINTER(Ref))
    sig("LLVMGetFunctionAddress", c_uint64, Ref, c_char_p)
    if hasattr(lib, "LLVMGetVersion"):
        sig("LLVMGetVersion", None, POINTER(c_uint), POINTER(c_uint), POINTER(c_uint))


class LlvmCDriver:
    def __init__(self, config: dict):
        self.lib = ctypes.CDLL(config["library"])
        self.reported_version = config["version"]
        self.clang = config.get("clang")
        _signatures(self.lib)
        for name in ("TargetInfo", "Target", "TargetMC", "AsmPrinter", "AsmParser"):
            getattr(self.lib, f"LLVMInitializeX86{name}")()
        self.lib.LLVMLinkInMCJIT()
        self._keep = []

    def version(self) -> str:
        if hasattr(self.lib, "LLVMGetVersion"):
            major, minor, patch = c_uint(), c_uint(), c_uint()
            self.lib.LLVMGetVersion(byref(major), byref(minor), byref(patch))
            return f"{major.value}.{minor.value}.{patch.value}"
        return self.reported_version

    def _take_message(self, ref) -> str:
        if not ref.value:
            return ""
        text = ctypes.string_at(ref.value).decode("utf-8", "replace")
        self.lib.LLVMDisposeMessage(ref)
        return text

    def _parse(self, text: str):
        """(context, module or None, error message or None); the verifier has run."""
        context = self.lib.LLVMContextCreate()
        data = text.encode()
        buffer = self.lib.LLVMCreateMemoryBufferWithMemoryRangeCopy(data, len(data), b"<input>")
        module, message = Ref(), Ref()
        if self.lib.LLVMParseIRInContext(context, buffer, byref(module), byref(message)):
            return context, None, self._take_message(message) or "parse error"
        self._take_message(message)
        message = Ref()
        if self.lib.LLVMVerifyModule(module, VERIFIER_RETURN_STATUS, byref(message)):
            return context, module, self._take_message(message) or "module is broken"
        self._take_message(message)
        return context, module, None

    def _parse_or_raise(self, text: str):
        context, module, message = self._parse(text)
        if message is not None:
            raise ToolchainError(f"LLVM {self.version()} rejects the module: {message}")
        return context, module

    def verify(self, text: str) -> tuple[bool, str]:
        context, module, message = self._parse(text)
        if module:
            self.lib.LLVMDisposeModule(module)
        self.lib.LLVMContextDispose(context)
        return message is None, message or ""

    def _target_machine(self):
        triple_ref = self.lib.LLVMGetDefaultTargetTriple()
        triple = ctypes.string_at(triple_ref)
        self.lib.LLVMDisposeMessage(triple_ref)
        target, message = Ref(), Ref()
        if self.lib.LLVMGetTargetFromTriple(triple, byref(target), byref(message)):
            raise ToolchainError(f"no target for {triple.decode()}: {self._take_message(message)}")
        machine = self.lib.LLVMCreateTargetMachine(target, triple, b"", b"", OPT_DEFAULT, RELOC_PIC,
                                                   CODE_MODEL_DEFAULT)
        return machine, triple

    def _set_layout(self, module, machine, triple: bytes) -> None:
        data = self.lib.LLVMCreateTargetDataLayout(machine)
        layout = self.lib.LLVMCopyStringRepOfTargetData(data)
        self.lib.LLVMSetDataLayout(module, ctypes.string_at(layout))
        self.lib.LLVMDisposeMessage(layout)
        self.lib.LLVMDisposeTargetData(data)
        self.lib.LLVMSetTarget(module, triple)

    def compile_object(self, text: str) -> bytes:
        context, module = self._parse_or_raise(text)
        machine, triple = self._target_machine()
        self._set_layout(module, machine, triple)
        buffer, message = Ref(), Ref()
        if self.lib.LLVMTargetMachineEmitToMemoryBuffer(machine, module, OBJECT_FILE, byref(message), byref(buffer)):
            raise ToolchainError(f"object emission failed: {self._take_message(message)}")
        data = ctypes.string_at(self.lib.LLVMGetBufferStart(buffer), self.lib.LLVMGetBufferSize(buffer))
        self.lib.LLVMDisposeMemoryBuffer(buffer)
        self.lib.LLVMDisposeModule(module)
        self.lib.LLVMDisposeTargetMachine(machine)
        self.lib.LLVMContextDispose(context)
        return data

    def jit_call(self, text: str, fn_name: str, signature: str, args: list) -> dict:
        native_call.parse_signature(signature)
        context, module = self._parse_or_raise(text)
        function = self.lib.LLVMGetNamedFunction(module, fn_name.encode())
        if not function or self.lib.LLVMIsDeclaration(function):
            raise ToolchainError(f"function @{fn_name} is not defined in the module")
        machine, triple = self._target_machine()
        self._set_layout(module, machine, triple)
        self.lib.LLVMDisposeTargetMachine(machine)
        options = MCJITCompilerOptions()
        self.lib.LLVMInitializeMCJITCompilerOptions(byref(options), ctypes.sizeof(options))
        options.OptLevel = OPT_DEFAULT
        engine, message = Ref(), Ref()
        if self.lib.LLVMCreateMCJITCompilerForModule(byref(engine), module, byref(options), ctypes.sizeof(options),
                                                     byref(message)):
            raise ToolchainError(f"MCJIT failed: {self._take_message(message)}")
        self._keep.append((context, engine))
        address = self.lib.LLVMGetFunctionAddress(engine, fn_name.encode())
        if not address:
            raise ToolchainError(f"function @{fn_name} not found in the JIT-compiled module")
        return native_call.call(address, signature, args)

    def c_to_ir(self, c_source: str, opt_level: int) -> str:
        return clang_frontend.c_to_ir([self.clang] if self.clang else None, c_source, opt_level)

    def optimize(self, text: str, level: int) -> str:
        """The new pass manager's `default<On>` pipeline (`opt -On`), through LLVMRunPasses
        (LLVM-C from 13), with the host's target machine for the cost model."""
        lib = self.lib
        if not hasattr(lib, "LLVMRunPasses"):
            raise CapabilityMissing(f"LLVM {self.version()} has no LLVMRunPasses (new in 13)")
        for name, restype, argtypes in (("LLVMCreatePassBuilderOptions", Ref, []),
                                        ("LLVMDisposePassBuilderOptions", None, [Ref]),
                                        ("LLVMRunPasses", Ref, [Ref, c_char_p, Ref, Ref]),
                                        ("LLVMGetErrorMessage", Ref, [Ref]),
                                        ("LLVMDisposeErrorMessage", None, [Ref]),
                                        ("LLVMPrintModuleToString", Ref, [Ref])):
            getattr(lib, name).restype, getattr(lib, name).argtypes = restype, argtypes
        context, module = self._parse_or_raise(text)
        machine, _ = self._target_machine()
        options = lib.LLVMCreatePassBuilderOptions()
        error = lib.LLVMRunPasses(module, f"default<O{level}>".encode(), machine, options)
        lib.LLVMDisposePassBuilderOptions(options)
        if error:
            message = lib.LLVMGetErrorMessage(error)
            detail = ctypes.string_at(message).decode("utf-8", "replace")
            lib.LLVMDisposeErrorMessage(message)
            raise ToolchainError(f"the O{level} pipeline failed: {detail}")
        result = self._take_message(Ref(lib.LLVMPrintModuleToString(module)))
        lib.LLVMDisposeModule(module)
        lib.LLVMDisposeTargetMachine(machine)
        lib.LLVMContextDispose(context)
        return result

    def close(self) -> None:
        pass
