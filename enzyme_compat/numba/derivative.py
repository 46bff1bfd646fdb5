"""One compiled derivative: numba's IR for a signature, differentiated by the engine,
wrapped in a C-ABI function and JIT-compiled. `Derivative.cfunc` is a ctypes function
(callable from Python and from @njit code), `address` its raw address."""

from __future__ import annotations

import ctypes
import itertools
from dataclasses import dataclass

from .. import parse
from ..ad import autodiff, fwddiff
from ..ad.errors import DifferentiationError, NoDerivativeError, ShadowError
from ..ad.prune import prune
from ..ir.errors import ParseError
from . import kinds as K
from . import native, source, wrapper
from .errors import NumbaADError

_COUNTER = itertools.count()


@dataclass(frozen=True)
class Derivative:
    kinds: tuple
    mode: str  # wrapper.REVERSE or wrapper.FORWARD
    address: int
    cfunc: object  # ctypes function: i32 (out address, arguments as in wrapper.py)
    n_out: int  # doubles the out buffer holds
    result: str | tuple  # the dtype of the function's result (a tuple: of each float)
    wrt: tuple | None = None  # the arguments differentiated (wrapper.differentiated)


def _derive(module, symbol, kinds, mode, release, wrt) -> str:
    acts = wrapper.activities(kinds, mode, wrt)
    if mode == wrapper.REVERSE:
        return autodiff(module, symbol, acts, release=release)
    return fwddiff(module, symbol, acts, returns="none", release=release)


def _ret_text(fn_type) -> str:
    ret = fn_type.ret
    if ret.key() == "void":
        return "void"
    if ret.is_float:
        return ret.key()
    return "{" + ", ".join(e.key() for e in ret.elems) + "}"


def build(f, kinds: tuple, mode: str, wrt=None) -> Derivative:
    """Compile `f` for `kinds` and return its derivative in `mode` with respect to the
    arguments `wrt` selects (None: every float argument)."""
    src = source.of_function(f, kinds)
    what = f"{src.name}{K.describe(kinds)}"
    multiple = isinstance(src.result, tuple)
    if multiple and mode == wrapper.REVERSE:
        raise NumbaADError(f"{what} returns a tuple of {len(src.result)} floats; grad needs "
                           "one float: jvp(f) gives the tangent of each, or differentiate "
                           "one element or a weighted sum of them (a vector-Jacobian "
                           "product)")
    release = native.llvm_release()
    try:
        module = parse(src.text, f"<numba {src.name}>")
        fn = module.get_function(src.symbol)
        if fn is None or fn.is_declaration:
            raise NumbaADError(f"{what}: numba's function @{src.symbol} is not in its IR")
        if len(fn.fn_type.params) != wrapper.parameter_count(kinds):
            raise NumbaADError(f"{what}: numba passes {len(fn.fn_type.params)} native "
                               f"parameters, expected {wrapper.parameter_count(kinds)} for "
                               f"{K.SUPPORTED}")
        prune(module, [fn])
        derived = _derive(module, src.symbol, kinds, mode, release, wrt)
        ret = _ret_text(module.get_function(derived).fn_type)
        result = tuple(K.llvm_type(K.scalar_of(r)) for r in src.result) if multiple \
            else K.llvm_type(K.scalar_of(src.result))
        text = module.to_text(release=release) + wrapper.wrapper_ir(kinds, mode, derived, ret,
                                                                  result, wrt)
        full = parse(text, f"<numba {src.name} wrapper>")
        prune(full, [full.get_function(wrapper.NAME)])
        unique = f"{wrapper.NAME}_{next(_COUNTER)}"
        final = full.to_text(release=release).replace(f"@{wrapper.NAME}(", f"@{unique}(")
    except (DifferentiationError, ParseError) as e:
        if isinstance(e, NumbaADError):
            raise
        raise NumbaADError(_message(what, mode, src, e)) from None
    address = native.compile_function(final, unique, what)
    proto = ctypes.CFUNCTYPE(ctypes.c_int32, *wrapper.ctypes_signature(kinds, mode))
    n_out = (2 * len(src.result) if multiple else 2) if mode == wrapper.FORWARD \
        else 1 + sum(map(K.is_scalar, kinds))
    return Derivative(tuple(kinds), mode, address, proto(address), n_out, src.result, wrt)


HINT = ("(numba front end: arrays created inside the function (np.zeros, np.empty_like, "
        "array expressions, ufuncs, slices, np.sum, np.max, np.cumsum) and BLAS calls "
        "(np.dot, @, np.linalg.norm of a vector) are differentiated, but LAPACK (other "
        "np.linalg routines: numba_xxgetrf, ...), numba helpers without a rule, np.sort and "
        "lists get no derivative yet; write the computation as loops over arrays, or add a "
        "rule with a plugin)")


def _message(what, mode, src, e) -> str:
    """The engine's located message, with the Python name for numba's mangled one."""
    text = str(e).replace(src.symbol, src.name)
    causes = [e, *getattr(e, "errors", ())]
    hint = f"\n{HINT}" if any(isinstance(c, (ShadowError, NoDerivativeError))
                               for c in causes) else ""
    return f"cannot differentiate {what} ({mode} mode): {text}{hint}"
