"""A real LLVM of one release, behind one interface; every call runs in a worker process."""

from __future__ import annotations

import base64
import json
import signal
import subprocess
import sys
from dataclasses import dataclass

from . import errors
from .releases import Source

WORKER = [sys.executable, "-m", "enzyme_compat.toolchains.worker"]
DEFAULT_TIMEOUT = 600.0


@dataclass(frozen=True)
class VerifyResult:
    """LLVM's verdict on a module: parsed and verified (``ok``), else LLVM's own message."""

    ok: bool
    message: str
    llvm_version: str

    def __bool__(self) -> bool:
        return self.ok


class Toolchain:
    """A located, installed source of LLVM release ``release``."""

    def __init__(self, source: Source, config: dict, timeout: float = DEFAULT_TIMEOUT):
        self.source = source
        self.config = config
        self.timeout = timeout

    @property
    def release(self) -> int:
        return self.source.release

    @property
    def capabilities(self) -> tuple[str, ...]:
        caps = self.source.capabilities
        if "c_to_ir" in caps and self.source.driver == "llvm-c" and not self.config.get("clang"):
            caps = tuple(c for c in caps if c != "c_to_ir")
        return caps

    def __repr__(self) -> str:
        return f"<Toolchain LLVM {self.release} via {self.source.name}>"

    # ------------------------------------------------------------ worker

    def _call(self, op: str, **args):
        request = json.dumps({"config": self.config, "op": op, "args": args})
        try:
            run = subprocess.run(WORKER, input=request, capture_output=True, text=True, timeout=self.timeout)
        except subprocess.TimeoutExpired:
            raise errors.WorkerCrashed(
                f"LLVM {self.release} ({self.source.name}): {op} did not finish in {self.timeout:.0f} s"
            ) from None
        try:
            reply = json.loads(run.stdout)
        except json.JSONDecodeError:
            raise errors.WorkerCrashed(self._death(op, run)) from None
        if not reply["ok"]:
            error_class = getattr(errors, reply.get("error_type", ""), None)
            if not (isinstance(error_class, type) and issubclass(error_class, errors.ToolchainError)):
                error_class = errors.ToolchainError
            raise error_class(f"LLVM {self.release} ({self.source.name}): {reply['error']}")
        return reply

    def _death(self, op: str, run: subprocess.CompletedProcess) -> str:
        if run.returncode < 0:
            try:
                how = signal.Signals(-run.returncode).name
            except ValueError:
                how = f"signal {-run.returncode}"
        else:
            how = f"exit status {run.returncode}"
        tail = " | ".join(line for line in run.stderr.strip().splitlines()[-5:] if line.strip())
        return f"LLVM {self.release} ({self.source.name}) crashed during {op} ({how}): {tail or 'no message'}"

    def _require(self, capability: str) -> None:
        if capability not in self.capabilities:
            raise errors.CapabilityMissing(
                f"LLVM {self.release} via {self.source.name} cannot {capability.replace('_', ' ')}"
            )

    # ------------------------------------------------------------ operations

    def version(self) -> str:
        """The exact version string the LLVM reports about itself."""
        return self._call("version")["llvm_version"]

    def verify(self, text: str) -> VerifyResult:
        """Parse ``text`` and run LLVM's IR verifier on it."""
        reply = self._call("verify", text=text)
        return VerifyResult(reply["result"]["ok"], reply["result"]["message"], reply["llvm_version"])

    def compile_object(self, text: str) -> bytes:
        """An x86-64 ELF object file for the module."""
        self._require("object")
        return base64.b64decode(self._call("compile_object", text=text)["result"])

    def jit_call(self, text: str, fn_name: str, signature: str, args: list):
        """Compile the module natively and call ``fn_name``; returns its value.

        ``signature`` uses LLVM type names, e.g. ``"double(double*, i64)"``. A list passed
        for a pointer parameter is updated in place with what the function wrote.
        """
        self._require("jit")
        result = self._call("jit_call", text=text, fn_name=fn_name, signature=signature, args=list(args))["result"]
        for given, after in zip(args, result["arrays"]):
            if after is not None and isinstance(given, list):
                given[:] = after
        return result["value"]

    def optimize(self, text: str, level: int = 2) -> str:
        """The module after this release's `opt -O<level>` pipeline, as text."""
        self._require("optimize")
        return self._call("optimize", text=text, level=level)["result"]

    def c_to_ir(self, c_source: str, opt_level: int = 0) -> str:
        """Textual IR for C source, from this release's clang."""
        self._require("c_to_ir")
        return self._call("c_to_ir", c_source=c_source, opt_level=opt_level)["result"]
