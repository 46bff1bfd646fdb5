"""A real LLVM of every release 7..23, behind one interface.

    from enzyme_compat import toolchains
    llvm = toolchains.get(11)            # raises ToolchainMissing if not installed
    llvm.verify(text)                    # VerifyResult(ok, message, llvm_version)
    llvm.compile_object(text)            # ELF bytes
    llvm.jit_call(text, "sq", "double(double)", [3.0])
    llvm.c_to_ir(c_source, opt_level=2)  # where the release has a clang

Where each release comes from is data: ``versions/llvmN.toml``.
"""

from __future__ import annotations

from . import acquire
from .errors import (
    AcquisitionError,
    CapabilityMissing,
    ToolchainError,
    ToolchainMissing,
    UnknownRelease,
    WorkerCrashed,
)
from .drivers.native_call import parse_signature as native_call_signature
from .releases import Release, Source, all_releases, release
from .toolchain import Toolchain, VerifyResult

__all__ = [
    "AcquisitionError", "CapabilityMissing", "Release", "Source", "Toolchain", "ToolchainError",
    "ToolchainMissing", "UnknownRelease", "VerifyResult", "WorkerCrashed",
    "all_releases", "get", "install", "installed", "installed_source", "missing_message",
    "native_call_signature", "release",
]


def installed_source(number: int | str) -> tuple[Source, dict] | None:
    """The first installed source of the release (in the data file's order), with its config."""
    for source in release(number).sources:
        config = acquire.locate(source)
        if config is not None:
            return source, config
    return None


def installed(number: int | str) -> bool:
    return installed_source(number) is not None


def missing_message(number: int | str) -> str:
    """One line: what is missing and the command that installs it."""
    rel = release(number)
    primary = rel.primary
    if primary.kind == "apt":
        fallback = next((s for s in rel.sources if s.kind != "apt"), None)
        line = f"LLVM {rel.number} is not installed: run `{acquire.apt_command(primary)}`"
        if fallback is not None:
            line += f" or `enzyme-compat toolchain install {rel.number}` (uses {fallback.name} from PyPI)"
        return line
    return (f"LLVM {rel.number} ({primary.name}) is not installed: "
            f"run `enzyme-compat toolchain install {rel.number}`")


def get(number: int | str) -> Toolchain:
    found = installed_source(number)
    if found is None:
        raise ToolchainMissing(missing_message(number))
    return Toolchain(*found)


def install(number: int | str, with_clang: bool = True) -> Toolchain:
    """Make release ``number`` available: already-installed sources win, then the
    installable sources in the data file's order (apt sources are only detected)."""
    found = installed_source(number)
    if found is not None:
        return Toolchain(*found)
    failures = []
    for source in release(number).sources:
        if source.kind == "apt":
            continue
        try:
            return Toolchain(source, acquire.install(source, with_clang=with_clang))
        except AcquisitionError as error:
            failures.append(str(error))
    detail = f" ({failures[-1]})" if failures else ""
    raise ToolchainMissing(missing_message(number) + detail)
