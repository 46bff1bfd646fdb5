"""The optimized LLVM IR numba compiled for a function and one argument signature.

For an `@njit` dispatcher the function is compiled (lazily, once per signature) for the
normalized argument types of `kinds.numba_type`; a `@cfunc` has its one signature. The
IR is the library's whole module (the function and everything it calls, numba's runtime
helpers included); `symbol` names the function with numba's calling convention:
`i32 @symbol(ptr retptr, ptr excinfo, args...)`, each array argument exploded into
(meminfo, parent, nitems, itemsize, data, shape..., strides...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import kinds as K
from .errors import NumbaADError


@dataclass(frozen=True)
class Source:
    name: str  # the Python name, for messages
    text: str  # the LLVM IR of the whole library
    symbol: str  # the function with numba's calling convention
    arg_types: tuple  # numba types the function was compiled for
    result: str | tuple  # the dtype of the float it returns (a tuple: of each float)


def python_function(f):
    """The Python function behind a dispatcher or cfunc (for its parameter names)."""
    py = getattr(f, "py_func", None) or getattr(f, "_pyfunc", None)
    if py is None:
        raise NumbaADError(f"{f!r} is not a numba @njit or @cfunc function")
    return py


def _is_cfunc(f) -> bool:
    return hasattr(f, "_wrapper_name") and hasattr(f, "_library") and hasattr(f, "_sig")


def _float_result(name, sig_text, t):
    """The dtype of the float `t` a function returns ("float64" or "float32"), or a
    tuple of them for a tuple of floats (differentiated in forward mode only)."""
    from numba.core import types

    if t in (types.float64, types.float32):
        return str(t)
    if isinstance(t, types.BaseTuple) and len(t) and \
            all(e in (types.float64, types.float32) for e in t):
        return tuple(str(e) for e in t)
    more = ""
    if isinstance(t, types.BaseTuple):
        more = " (or a tuple of them)"
    elif isinstance(t, types.Array):
        more = (" (an array: differentiate a function reducing it to a float, e.g. its "
                "weighted sum np.sum(w * f(x)) for a vector-Jacobian product)")
    raise NumbaADError(f"{name}{sig_text} returns {t}; only functions returning a float64 "
                       f"or float32 scalar{more} can be differentiated")


def _numba_failure(name, sig_text, e) -> NumbaADError:
    first = re.sub(r"\x1b\[[0-9;]*m", "", str(e)).strip().splitlines()  # no colours
    summary = " ".join(line.strip() for line in first[:6] if line.strip())
    return NumbaADError(f"numba cannot compile {name}{sig_text}: {type(e).__name__}: "
                        f"{summary}")


def of_dispatcher(f, kinds) -> Source:
    """Compile the @njit dispatcher `f` for `kinds` and return its IR."""
    from numba.core import errors as nerrors

    name = python_function(f).__name__
    sig_text = K.describe(kinds)
    args = tuple(K.numba_type(k) for k in kinds)
    try:
        f.compile(args)
    except (nerrors.NumbaError, TypeError, ValueError, ImportError) as e:  # no scipy: np.dot
        raise _numba_failure(name, sig_text, e) from None
    cres = f.overloads[args]
    result = _float_result(name, sig_text, cres.signature.return_type)
    return Source(name, cres.library.get_llvm_str(), cres.fndesc.llvm_func_name, args, result)


def of_cfunc(f, kinds) -> Source:
    """The IR of a @cfunc, whose one signature must take `kinds`."""
    name = python_function(f).__name__
    sig = f._sig
    if len(sig.args) != len(kinds) or not all(K.matches(k, t) for k, t in zip(kinds, sig.args)):
        raise NumbaADError(f"@cfunc {name} was compiled for {sig}; it cannot be "
                           f"differentiated for arguments {K.describe(kinds)}")
    result = _float_result(name, K.describe(kinds), sig.return_type)
    text = f._library.get_llvm_str()
    # the C wrapper calls the function with numba's calling convention
    m = re.search(r"define [^\n]*@\"?" + re.escape(f._wrapper_name) + r"\"?\((.*?)\n}",
                  text, re.S)
    callee = m and re.search(r"call i32 @([\w.$]+)\(", m.group(1))
    if callee is None:
        raise NumbaADError(f"@cfunc {name}: its native function was not found in the IR "
                           "numba produced")
    return Source(name, text, callee.group(1), tuple(sig.args), result)


def of_function(f, kinds) -> Source:
    return of_cfunc(f, kinds) if _is_cfunc(f) else of_dispatcher(f, kinds)
