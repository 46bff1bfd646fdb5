"""Argument kinds: what an argument may be, from a Python value or from a numba type. A
kind is `SCALAR` (a float64, differentiated), `SCALAR32` (a float32, differentiated),
`INT` (an integer: compiled as int64, passed unchanged, a constant with no derivative: a
loop count, an index) or `("array", ndim)` / `("array", ndim, "float32")` (a float64 or
float32 array of 1 or 2 dimensions, passed C-contiguous, differentiated)."""

from __future__ import annotations

import numbers

from .errors import NumbaADError

SCALAR = "scalar"
SCALAR32 = "scalar32"
INT = "int"
NDIMS = (1, 2)
DTYPES = ("float64", "float32")
SUPPORTED = ("float scalars (float64, float32), integers (constant) and 1-D/2-D float64 or "
             "float32 NumPy arrays")
# dtype -> (LLVM type, bytes)
_LLVM = {"float64": ("double", 8), "float32": ("float", 4)}


def array(ndim: int, dtype: str = "float64") -> tuple:
    return ("array", ndim) if dtype == "float64" else ("array", ndim, dtype)


def is_array(kind) -> bool:
    return isinstance(kind, tuple)


def is_scalar(kind) -> bool:
    """A float argument (differentiated, passed by value)."""
    return kind in (SCALAR, SCALAR32)


def dtype(kind) -> str:
    """The float type of a scalar or of an array's elements."""
    if is_array(kind):
        return kind[2] if len(kind) > 2 else "float64"
    return "float32" if kind == SCALAR32 else "float64"


def llvm_type(kind) -> str:
    return _LLVM[dtype(kind)][0]


def itemsize(kind) -> int:
    return _LLVM[dtype(kind)][1]


def scalar_of(dtype_name: str):
    return SCALAR32 if dtype_name == "float32" else SCALAR


_NAMES = {SCALAR: "float64", SCALAR32: "float32", INT: "int64"}


def describe(kinds) -> str:
    return "(" + ", ".join(_NAMES.get(k) or f"{dtype(k)}[{', '.join(':' * k[1])}]"
                           for k in kinds) + ")"


def of_value(value, position: int, fname: str):
    """The kind of a Python argument: an int (not a bool) is `INT`, a NumPy float32
    `SCALAR32`, another real number `SCALAR` (a bool, complex, int array, list, 3-D
    array, ... is an error saying what is accepted)."""
    import numpy as np

    if isinstance(value, np.ndarray):
        if value.dtype.name not in DTYPES:
            raise NumbaADError(f"{fname}: argument {position} is an array of {value.dtype}; "
                               f"only {SUPPORTED} can be differentiated")
        if value.ndim not in NDIMS:
            raise NumbaADError(f"{fname}: argument {position} is a {value.ndim}-D array; "
                               f"only {SUPPORTED} can be differentiated")
        return array(value.ndim, value.dtype.name)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise NumbaADError(f"{fname}: argument {position} is {type(value).__name__}; "
                           f"only {SUPPORTED} can be differentiated")
    if isinstance(value, numbers.Integral):
        return INT
    return SCALAR32 if isinstance(value, np.float32) else SCALAR


def is_zero_tangent(t) -> bool:
    """Whether `t` may stand as the tangent of an `INT` argument: None or 0."""
    return t is None or (isinstance(t, numbers.Real) and not isinstance(t, bool) and t == 0)


def of_type(t, position: int, fname: str):
    """The kind of a numba type (an argument seen while compiling @njit code)."""
    from numba.core import types

    if isinstance(t, types.Integer) and not isinstance(t, types.Boolean):
        return INT
    if t == types.float32:
        return SCALAR32
    if isinstance(t, types.Float):
        return SCALAR
    if isinstance(t, types.Array) and str(t.dtype) in DTYPES and t.ndim in NDIMS:
        return array(t.ndim, str(t.dtype))
    raise NumbaADError(f"{fname}: argument {position} has numba type {t}; only {SUPPORTED} "
                       "can be differentiated")


def numba_type(kind):
    """The type the primal is compiled for: float64, float32, int64, or a C-contiguous
    float array."""
    from numba.core import types

    if kind == INT:
        return types.int64
    ty = getattr(types, dtype(kind))
    return types.Array(ty, kind[1], "C") if is_array(kind) else ty


def matches(kind, t) -> bool:
    """Whether a compiled argument type (a @cfunc's) takes arguments of `kind`."""
    from numba.core import types

    if not is_array(kind):
        return t == numba_type(kind)
    return isinstance(t, types.Array) and str(t.dtype) == dtype(kind) and t.ndim == kind[1]
