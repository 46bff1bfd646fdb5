"""C source -> textual IR with a real clang (apt ``clang-N``, karellen's clang, ``zig clang``)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path

from ..errors import CapabilityMissing, ToolchainError


def c_to_ir(clang: list[str] | None, c_source: str, opt_level: int = 0, env: dict | None = None) -> str:
    if not clang:
        raise CapabilityMissing("this toolchain has no clang (C to IR is not available)")
    if opt_level not in (0, 1, 2, 3):
        raise ValueError(f"opt_level must be 0..3, got {opt_level!r}")
    with tempfile.TemporaryDirectory(prefix="enzyme-compat-") as scratch:
        source, output = Path(scratch) / "input.c", Path(scratch) / "output.ll"
        source.write_text(c_source)
        run = subprocess.run([*clang, "-S", "-emit-llvm", f"-O{opt_level}", "-x", "c", str(source),
                              "-o", str(output)], capture_output=True, text=True, env=env, cwd=scratch)
        if run.returncode != 0 or not output.exists():
            raise ToolchainError(f"clang failed ({run.returncode}): {run.stderr.strip()}")
        return output.read_text()
