"""Driver for the clang inside a ``ziglang`` wheel (the only LLVM 12 obtainable here).

There is no libLLVM, opt or llc in these wheels, so every operation is a subprocess:

* verify: ``zig clang -cc1 -x ir -emit-llvm`` is a real parse + IR verifier + print
  (``-flegacy-pass-manager`` for clang 13, whose new pass manager skips the verifier);
* object: ``zig clang -cc1 -emit-obj`` (PIC);
* "JIT": that object linked with ``zig cc -shared``, loaded, and the function called.
"""

from __future__ import annotations

import ctypes
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import ToolchainError
from . import clang_frontend, native_call

TRIPLE = "x86_64-unknown-linux-gnu"


class ZigDriver:
    def __init__(self, config: dict):
        self.zig = config["zig"]
        self.verify_flags = list(config.get("verify_flags", []))
        self.scratch = tempfile.mkdtemp(prefix="enzyme-compat-zig-")
        self.env = dict(os.environ)
        cache = config.get("zig_cache") or os.path.join(self.scratch, "zig-cache")
        self.env.update(ZIG_GLOBAL_CACHE_DIR=cache, ZIG_LOCAL_CACHE_DIR=cache)
        self._keep = []

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([self.zig, *args], capture_output=True, text=True, env=self.env, cwd=self.scratch)

    def version(self) -> str:
        run = self._run("clang", "--version")
        match = re.search(r"clang version (\d+\.\d+\.\d+)", run.stdout + run.stderr)
        if not match:
            raise ToolchainError(f"cannot read clang's version from {self.zig}")
        return match.group(1)

    def _write(self, text: str) -> Path:
        path = Path(tempfile.mkstemp(suffix=".ll", dir=self.scratch)[1])  # simple names: zig 0.8 dislikes dots
        path.write_text(text)
        return path

    @staticmethod
    def _diagnostics(stderr: str, source: Path) -> str:
        """clang's diagnostics, less its warning about the triple, with the file as <input>."""
        lines = [line for line in stderr.strip().splitlines() if "overriding the module target triple" not in line]
        return "\n".join(lines).replace(str(source), "<input>")

    def verify(self, text: str) -> tuple[bool, str]:
        source = self._write(text)
        run = self._run("clang", "-cc1", "-triple", TRIPLE, *self.verify_flags, "-x", "ir", "-emit-llvm",
                        "-o", os.devnull, str(source))
        return run.returncode == 0, "" if run.returncode == 0 else self._diagnostics(run.stderr, source)

    def _verified(self, text: str) -> Path:
        ok, message = self.verify(text)
        if not ok:
            raise ToolchainError(f"LLVM {self.version()} rejects the module: {message}")
        return self._write(text)

    def _emit_object(self, source: Path) -> Path:
        """clang -cc1 codegen, position-independent (the driver ignores -fPIC for IR input)."""
        output = source.with_suffix(".o")
        run = self._run("clang", "-cc1", "-triple", TRIPLE, "-emit-obj", "-mrelocation-model", "pic",
                        "-pic-level", "2", "-O2", "-x", "ir", str(source), "-o", str(output))
        if run.returncode != 0 or not output.exists():
            raise ToolchainError(f"code generation failed: {self._diagnostics(run.stderr, source)}")
        return output

    def compile_object(self, text: str) -> bytes:
        return self._emit_object(self._verified(text)).read_bytes()

    def jit_call(self, text: str, fn_name: str, signature: str, args: list) -> dict:
        native_call.parse_signature(signature)
        objfile = self._emit_object(self._verified(text))
        output = objfile.with_suffix(".so")
        run = self._run("cc", "-shared", str(objfile), "-o", str(output))
        if run.returncode != 0 or not output.exists():
            raise ToolchainError(f"zig cc -shared failed: {run.stderr.strip()}")
        library = ctypes.CDLL(str(output))
        self._keep.append(library)
        try:
            address = ctypes.cast(getattr(library, fn_name), ctypes.c_void_p).value
        except AttributeError:
            raise ToolchainError(f"function @{fn_name} not found in the compiled module") from None
        return native_call.call(address, signature, args)

    def c_to_ir(self, c_source: str, opt_level: int) -> str:
        return clang_frontend.c_to_ir([self.zig, "clang"], c_source, opt_level, env=self.env)

    def optimize(self, text: str, level: int) -> str:
        """clang's own -On pipeline on IR input (the one `opt -On` runs), for the module's target."""
        source = self._verified(text)
        output = source.with_suffix(".opt.ll")
        run = self._run("clang", f"-O{level}", "-S", "-emit-llvm", "-Wno-override-module", "-target", TRIPLE,
                        "-x", "ir", str(source), "-o", str(output))
        if run.returncode != 0 or not output.exists():
            raise ToolchainError(f"the O{level} pipeline failed: {self._diagnostics(run.stderr, source)}")
        return output.read_text()

    def close(self) -> None:
        shutil.rmtree(self.scratch, ignore_errors=True)
