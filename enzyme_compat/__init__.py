"""enzyme_compat: automatic differentiation of LLVM IR for every LLVM release 7..23."""

from .ir.parser import parse

__all__ = ["parse", "fwddiff", "jit"]
__version__ = "0.1.0"


def __getattr__(name):
    """`enzyme_compat.fwddiff` / `enzyme_compat.jit`: forward mode's Python API, imported
    on first use (see `enzyme_compat.ad`)."""
    if name in ("fwddiff", "jit"):
        from . import ad

        return getattr(ad, name)
    raise AttributeError(f"module 'enzyme_compat' has no attribute {name!r}")
