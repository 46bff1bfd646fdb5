"""A real LLVM of every release 7..23, behind one interface.

    from enzyme_compat import toolchains
    llvm = toolchains.get(11)            # raises ToolchainMissing if not installed
    llvm.verify(text)                    # VerifyResult(ok, message, llvm_version)
    llvm.compile_object(text)            # ELF bytes
    llvm.jit_call(text, "sq", "double(double)", [3.0])
    llvm.c_to_ir(c_source, opt_level=2)  # where the release has a clang
    llvm.optimize(text)                  # the release's `opt -O2` pipeline, as text

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


def _sources(number: int | str, kind: str | None) -> tuple[Source, ...]:
    sources = release(number).sources
    if kind is None:
        return sources
    chosen = tuple(s for s in sources if s.kind == kind)
    if not chosen:
        kinds = ", ".join(s.kind for s in sources)
        raise UnknownRelease(f"LLVM {number} has no {kind!r} source (it has: {kinds})")
    return chosen


def installed_source(number: int | str, kind: str | None = None) -> tuple[Source, dict] | None:
    """The first installed source of the release (in the data file's order), with its
    config; ``kind`` (e.g. ``"ziglang"``) restricts the choice to that kind of source."""
    for source in _sources(number, kind):
        config = acquire.locate(source)
        if config is not None:
            return source, config
    return None


def installed(number: int | str, kind: str | None = None) -> bool:
    return installed_source(number, kind) is not None


def missing_message(number: int | str, kind: str | None = None) -> str:
    """One line: what is missing and the command that installs it."""
    rel = release(number)
    primary = _sources(number, kind)[0]
    option = f" --source {kind}" if kind else ""
    if primary.kind == "apt":
        fallback = next((s for s in rel.sources if s.kind != "apt"), None)
        line = f"LLVM {rel.number} is not installed: run `{acquire.apt_command(primary)}`"
        if fallback is not None and kind is None:
            line += f" or `enzyme-compat toolchain install {rel.number}` (uses {fallback.name} from PyPI)"
        return line
    return (f"LLVM {rel.number} ({primary.name}) is not installed: "
            f"run `enzyme-compat toolchain install {rel.number}{option}`")


def get(number: int | str, kind: str | None = None) -> Toolchain:
    """The installed LLVM of a release (``kind``: only that kind of source)."""
    found = installed_source(number, kind)
    if found is None:
        raise ToolchainMissing(missing_message(number, kind))
    return Toolchain(*found)


def install(number: int | str, with_clang: bool = True, kind: str | None = None) -> Toolchain:
    """Make release ``number`` available: already-installed sources win, then the
    installable sources in the data file's order (apt sources are only detected)."""
    found = installed_source(number, kind)
    if found is not None:
        source, config = found
        if source.kind == "apt":
            return Toolchain(source, config)
        return Toolchain(source, acquire.install(source, with_clang=with_clang))  # no-op when complete
    failures = []
    for source in _sources(number, kind):
        if source.kind == "apt":
            continue
        try:
            return Toolchain(source, acquire.install(source, with_clang=with_clang))
        except AcquisitionError as error:
            failures.append(str(error))
    detail = f" ({failures[-1]})" if failures else ""
    raise ToolchainMissing(missing_message(number, kind) + detail)
