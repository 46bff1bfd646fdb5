"""The one error the numba front end raises for bad input."""

from __future__ import annotations

from ..ad.errors import DifferentiationError


class NumbaADError(DifferentiationError, TypeError):
    """A function or argument the numba front end cannot differentiate: an unsupported
    argument or result type, a construct the AD engine refuses, numba failing to compile
    the function. The message names the function and says what to change."""
