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


def _array_args(i, ndim, shadow=True):
    return [f"c{i}.ctypes.data", f"d{i}.ctypes.data" if shadow else "0",
            *(f"c{i}.shape[{d}]" for d in range(ndim)),
            *(f"c{i}.strides[{d}]" for d in range(ndim))]


def implementation_source(kinds, mode, n_out, params, fname, zero_checked=(),
                          result="float64", wrt=None, argnums=None) -> str:
    """The @njit implementation of a call for `kinds` (Python source); `zero_checked`: the
    integer arguments whose tangent is a number, checked to be 0 when called; `result`:
    the dtype of the function's result (of a tangent); `wrt`, `argnums`: the arguments
    differentiated and the gradients returned (see api.grad)."""
    lines = [f"def impl({', '.join(params)}):", f"    out = np.zeros({n_out})"]
    args, results = ["out.ctypes.data"], []
    active = wrapper.differentiated(kinds, wrt)
    for i, k in enumerate(kinds):
        if K.is_scalar(k):
            args.append(f"float(x{i})")
            if mode == wrapper.FORWARD:
                args.append(f"float(t{i})")
            else:
                slot = 1 + sum(map(K.is_scalar, kinds[:i]))
                results.append(f"np.{K.dtype(k)}(out[{slot}])" if active[i] else "None")
            continue
        if k == K.INT:
            args.append(f"np.int64(x{i})")
            if mode == wrapper.FORWARD and i in zero_checked:
                lines += [f"    if t{i} != 0:",
                          f"        raise ValueError('{fname}: the tangent of integer argument "
                          f"{i} must be None or 0')"]
            results.append("None")
            continue
        lines.append(f"    c{i} = np.ascontiguousarray(x{i})")
        if mode == wrapper.REVERSE and active[i]:
            lines.append(f"    d{i} = np.zeros(c{i}.shape, dtype=np.{K.dtype(k)})")
            results.append(f"d{i}")
        elif mode == wrapper.REVERSE:
            results.append("None")
        else:
            lines += [f"    d{i} = np.ascontiguousarray(t{i}).copy()",
                      f"    if c{i}.shape != d{i}.shape:",
                      f"        raise ValueError('{fname}: a tangent has another shape than "
                      "its argument')"]
        args += _array_args(i, k[1], active[i])
    lines += [f"    status = _cfunc({', '.join(args)})",
              "    if status != 0:",
              f"        raise ValueError('{fname}: the function raised an exception')"]
    if mode == wrapper.FORWARD:
        if isinstance(result, tuple):  # out: the values, then the tangents
            tangents = [f"np.{r}(out[{len(result) + k}])" for k, r in enumerate(result)]
            lines.append(f"    return ({', '.join(tangents)},)")
        else:
            lines.append(f"    return np.{result}(out[1])")
    elif argnums is None and len(kinds) == 1 or isinstance(argnums, int):
        lines.append(f"    return {results[argnums or 0]}")
    else:
        chosen = range(len(kinds)) if argnums is None else argnums
        lines.append(f"    return ({', '.join(results[i] for i in chosen)},)")
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
        zero_checked = []
        if compiled.mode == wrapper.FORWARD:
            for i, (k, t) in enumerate(zip(kinds, types[n:])):
                if k == K.INT:
                    if not _is_none(t):
                        _tangent_kind(t, n + i, fname, (K.INT,), "None or 0", i)
                        zero_checked.append(i)
                elif K.is_scalar(k):
                    _tangent_kind(t, n + i, fname, (K.SCALAR, K.SCALAR32, K.INT), "a number", i)
                else:
                    _tangent_kind(t, n + i, fname, (k,), f"of the argument's kind ({types[i]})", i)
        d = compiled.get(kinds)
        scope = {"np": np, "_cfunc": d.cfunc}
        text = implementation_source(kinds, compiled.mode, d.n_out, params, fname, zero_checked,
                                     d.result, d.wrt, compiled.argnums)
        exec(text, scope)  # noqa: S102
        return scope["impl"]

    overload(stub)(_with_params(typer, params))


def _is_none(t) -> bool:
    from numba.core import types

    return isinstance(t, (types.NoneType, types.Omitted))


def _tangent_kind(t, position, fname, allowed, what, i):
    """The tangent `t` of argument `i` is of one of the `allowed` kinds."""
    try:
        ok = K.of_type(t, position, fname) in allowed
    except K.NumbaADError:
        ok = False
    if not ok:
        raise K.NumbaADError(f"{fname}: the tangent of argument {i} ({t}) must be {what}")


def _with_params(typer, params):
    """`typer` behind a function with the stub's parameter names (numba checks them)."""
    scope = {"_typer": typer}
    exec(f"def ov({', '.join(params)}):\n    return _typer({', '.join(params)})\n", scope)  # noqa: S102
    return scope["ov"]
