"""Errors of the toolchain layer."""

from __future__ import annotations

from enzyme_compat.errors import EnzymeCompatError


class ToolchainError(EnzymeCompatError):
    """A real LLVM could not do what was asked (not a verdict on the IR)."""


class ToolchainMissing(ToolchainError):
    """The LLVM of a release is not installed; the message says how to install it."""


class UnknownRelease(ToolchainError):
    """No data file in ``versions/`` for that release."""


class CapabilityMissing(ToolchainError):
    """The release's toolchain cannot do this (e.g. C to IR for LLVM 7..11)."""


class WorkerCrashed(ToolchainError):
    """The worker subprocess died (an LLVM assertion, a segfault, ...) during one call."""


class AcquisitionError(ToolchainError):
    """Downloading or unpacking a toolchain failed."""
