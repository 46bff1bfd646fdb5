"""Calls of grad/jvp functions from @njit code: a numba `@overload` of the Python stub.

When numba types a call it maps the argument types to kinds (anything else is a typing
error naming the argument), compiles the derivative for them, and returns an
implementation written for those kinds that lays the arguments out as the C wrapper
expects and calls it as a ctypes function (numba calls ctypes functions natively; the
wrapper's pointers are integers, which `arr.ctypes.data` gives in nopython mode).
"""

from __future__ import annotations

from . import kinds as K
from . import wrapper


def _array_args(i, ndim):
    return [f"c{i}.ctypes.data", f"d{i}.ctypes.data",
            *(f"c{i}.shape[{d}]" for d in range(ndim)),
            *(f"c{i}.strides[{d}]" for d in range(ndim))]


def implementation_source(kinds, mode, n_out, params, fname) -> str:
    """The @njit implementation of a call for `kinds` (Python source)."""
    n = len(kinds)
    lines = [f"def impl({', '.join(params)}):", f"    out = np.zeros({n_out})"]
    args, results = ["out.ctypes.data"], []
    for i, k in enumerate(kinds):
        if k == K.SCALAR:
            args.append(f"float(x{i})")
            if mode == wrapper.FORWARD:
                args.append(f"float(t{i})")
            else:
                results.append(f"out[{1 + sum(kk == K.SCALAR for kk in kinds[:i])}]")
            continue
        lines.append(f"    c{i} = np.ascontiguousarray(x{i})")
        if mode == wrapper.REVERSE:
            lines.append(f"    d{i} = np.zeros(c{i}.shape)")
            results.append(f"d{i}")
        else:
            lines += [f"    d{i} = np.ascontiguousarray(t{i}).copy()",
                      f"    if c{i}.shape != d{i}.shape:",
                      f"        raise ValueError('{fname}: a tangent has another shape than "
                      "its argument')"]
        args += _array_args(i, k[1])
    lines += [f"    status = _cfunc({', '.join(args)})",
              "    if status != 0:",
              f"        raise ValueError('{fname}: the function raised an exception')"]
    if mode == wrapper.FORWARD:
        lines.append("    return out[1]")
    elif n == 1:
        lines.append(f"    return {results[0]}")
    else:
        lines.append(f"    return ({', '.join(results)},)")
    return "\n".join(lines) + "\n"


def register(stub, compiled, params, n, fname) -> None:
    """Make `stub` callable from @njit code."""
    import numpy as np
    from numba.extending import overload

    def typer(*types):
        from numba.core.errors import TypingError

        try:
            return _implementation(types)
        except K.NumbaADError as e:  # numba reports it as the call's typing error
            raise TypingError(str(e)) from None

    def _implementation(types):
        kinds = tuple(K.of_type(t, i, fname) for i, t in enumerate(types[:n]))
        if compiled.mode == wrapper.FORWARD:
            for i, (k, t) in enumerate(zip(kinds, types[n:])):
                if K.of_type(t, n + i, fname) != k:
                    raise K.NumbaADError(f"{fname}: the tangent of argument {i} ({t}) is "
                                         f"not of the argument's kind ({types[i]})")
        d = compiled.get(kinds)
        scope = {"np": np, "_cfunc": d.cfunc}
        exec(implementation_source(kinds, compiled.mode, d.n_out, params, fname), scope)  # noqa: S102
        return scope["impl"]

    overload(stub)(_with_params(typer, params))


def _with_params(typer, params):
    """`typer` behind a function with the stub's parameter names (numba checks them)."""
    scope = {"_typer": typer}
    exec(f"def ov({', '.join(params)}):\n    return _typer({', '.join(params)})\n", scope)  # noqa: S102
    return scope["ov"]
