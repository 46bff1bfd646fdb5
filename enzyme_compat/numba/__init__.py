"""Derivatives of numba functions: `grad(f)` (reverse mode) and `jvp(f)` (forward mode)
for `@njit` and `@cfunc` functions of float scalars, integers (constants: loop counts,
indices; no derivative) and 1-D/2-D float64 or float32 NumPy arrays that return a float
(jvp: or a tuple of floats). `grad(f, argnums=...)` differentiates chosen arguments.

    from numba import njit
    from enzyme_compat.numba import grad

    @njit
    def energy(u, k):
        ...
    du, dk = grad(energy)(u, 0.5)

The optimized LLVM IR numba compiled for the argument types is differentiated by the
enzyme_compat engine, wrapped in a C-ABI function (`wrapper.py`), JIT-compiled with
llvmlite in this process and called through ctypes; the returned functions can also be
called from other @njit code (a numba `@overload`, `overloads.py`). Modules:
errors, kinds (argument kinds), source (numba's IR), wrapper (the C ABI), native (the
JIT), derivative (one compiled derivative), calls (the Python calls), overloads (calls
from @njit code), api (grad, jvp).
"""

from .api import grad, jvp
from .errors import NumbaADError

__all__ = ["grad", "jvp", "NumbaADError"]
