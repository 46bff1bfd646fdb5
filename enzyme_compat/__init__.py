"""enzyme_compat: automatic differentiation of LLVM IR for every LLVM release 7..23."""

from .ir.parser import parse

__all__ = ["parse"]
__version__ = "0.1.0"
