"""Worker-side drivers: each one talks to one kind of real LLVM.

They run only inside the worker subprocess (``enzyme_compat.toolchains.worker``), never
in the caller's process, so an LLVM assertion or crash costs one call, not the caller.
"""
