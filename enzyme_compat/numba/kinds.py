"""Argument kinds: what an argument may be, from a Python value or from a numba type. A
kind is `SCALAR` (a float, differentiated), `INT` (an integer: compiled as int64, passed
unchanged, a constant with no derivative: a loop count, an index) or `("array", ndim)` (a
float64 array of 1 or 2 dimensions, passed C-contiguous, differentiated)."""

from __future__ import annotations

import numbers

from .errors import NumbaADError

SCALAR = "scalar"
INT = "int"
NDIMS = (1, 2)
SUPPORTED = "float scalars, integers (constant) and 1-D/2-D float64 NumPy arrays"


def array(ndim: int) -> tuple:
    return ("array", ndim)


def is_array(kind) -> bool:
    return kind not in (SCALAR, INT)


_NAMES = {SCALAR: "float64", INT: "int64"}


def describe(kinds) -> str:
    return "(" + ", ".join(_NAMES.get(k) or f"float64[{', '.join(':' * k[1])}]"
                           for k in kinds) + ")"


def of_value(value, position: int, fname: str):
    """The kind of a Python argument: an int (not a bool) is `INT`, another real number
    `SCALAR` (a bool, complex, int array, list, 3-D array, ... is an error saying what is
    accepted)."""
    import numpy as np

    if isinstance(value, np.ndarray):
        if value.dtype != np.float64:
            raise NumbaADError(f"{fname}: argument {position} is an array of {value.dtype}; "
                               f"only {SUPPORTED} can be differentiated")
        if value.ndim not in NDIMS:
            raise NumbaADError(f"{fname}: argument {position} is a {value.ndim}-D array; "
                               f"only {SUPPORTED} can be differentiated")
        return array(value.ndim)
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise NumbaADError(f"{fname}: argument {position} is {type(value).__name__}; "
                           f"only {SUPPORTED} can be differentiated")
    if isinstance(value, numbers.Integral):
        return INT
    return SCALAR


def is_zero_tangent(t) -> bool:
    """Whether `t` may stand as the tangent of an `INT` argument: None or 0."""
    return t is None or (isinstance(t, numbers.Real) and not isinstance(t, bool) and t == 0)


def of_type(t, position: int, fname: str):
    """The kind of a numba type (an argument seen while compiling @njit code)."""
    from numba.core import types

    if isinstance(t, types.Integer) and not isinstance(t, types.Boolean):
        return INT
    if isinstance(t, types.Float):
        return SCALAR
    if isinstance(t, types.Array) and t.dtype == types.float64 and t.ndim in NDIMS:
        return array(t.ndim)
    raise NumbaADError(f"{fname}: argument {position} has numba type {t}; only {SUPPORTED} "
                       "can be differentiated")


def numba_type(kind):
    """The type the primal is compiled for: float64, int64, or a C-contiguous float64
    array."""
    from numba.core import types

    if kind == SCALAR:
        return types.float64
    if kind == INT:
        return types.int64
    return types.Array(types.float64, kind[1], "C")


def matches(kind, t) -> bool:
    """Whether a compiled argument type (a @cfunc's) takes arguments of `kind`."""
    from numba.core import types

    if kind == SCALAR:
        return t == types.float64
    if kind == INT:
        return t == types.int64
    return isinstance(t, types.Array) and t.dtype == types.float64 and t.ndim == kind[1]
