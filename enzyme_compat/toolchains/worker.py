"""The subprocess in which every real-LLVM call runs.

Protocol: one JSON request on stdin, one JSON reply on the original stdout::

    {"config": {...from acquire.locate...}, "op": "verify", "args": {"text": "..."}}
    -> {"ok": true, "llvm_version": "7.0.0", "result": ...}
    -> {"ok": false, "llvm_version": "...", "error": "...", "error_type": "ToolchainError"}

Anything LLVM itself prints goes to stderr (stdout is redirected there before LLVM is
loaded). If LLVM aborts or crashes, the process dies and the caller reports that.
"""

from __future__ import annotations

import base64
import json
import os
import sys

from . import errors


def _driver(config: dict):
    kind = config["driver"]
    if kind == "llvmlite-ctypes":
        from .drivers.llvmlite_ctypes import LlvmliteDriver

        return LlvmliteDriver(config)
    if kind == "llvm-c":
        from .drivers.llvm_c import LlvmCDriver

        return LlvmCDriver(config)
    if kind == "zig":
        from .drivers.zig import ZigDriver

        return ZigDriver(config)
    raise errors.ToolchainError(f"unknown driver {kind!r}")


def _perform(driver, op: str, args: dict):
    if op == "version":
        return None
    if op == "verify":
        ok, message = driver.verify(args["text"])
        return {"ok": ok, "message": message}
    if op == "compile_object":
        return base64.b64encode(driver.compile_object(args["text"])).decode("ascii")
    if op == "jit_call":
        return driver.jit_call(args["text"], args["fn_name"], args["signature"], args["args"])
    if op == "c_to_ir":
        return driver.c_to_ir(args["c_source"], args["opt_level"])
    if op == "optimize":
        return driver.optimize(args["text"], args["level"])
    raise errors.ToolchainError(f"unknown operation {op!r}")


def serve(request: dict) -> dict:
    driver = None
    version = ""
    try:
        driver = _driver(request["config"])
        version = driver.version()
        return {"ok": True, "llvm_version": version, "result": _perform(driver, request["op"], request["args"])}
    except Exception as error:  # reported to the caller, which re-raises it there
        return {"ok": False, "llvm_version": version, "error": str(error), "error_type": type(error).__name__}
    finally:
        if driver is not None:
            driver.close()


def main() -> int:
    reply_fd = os.dup(1)
    os.dup2(2, 1)  # LLVM and subprocesses may print; keep the reply channel clean
    request = json.load(sys.stdin)
    reply = serve(request)
    with os.fdopen(reply_fd, "w") as channel:
        json.dump(reply, channel)
    return 0


if __name__ == "__main__":
    sys.exit(main())
