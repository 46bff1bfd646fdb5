"""Calling a `Derivative` from Python: arguments checked and laid out as the wrapper
expects (arrays C-contiguous, shadows fresh), results unpacked."""

from __future__ import annotations

from . import kinds as K
from . import wrapper
from .errors import NumbaADError


def _contiguous(a, kind):
    import numpy as np

    return np.ascontiguousarray(a, dtype=K.dtype(kind))


def _array_args(c, shadow) -> list:
    return [c.ctypes.data, shadow.ctypes.data, *c.shape, *c.strides]


def gradient(d, f, fname, args):
    """grad: (value, gradients), a float per scalar, an array per array argument, None
    per integer argument and per argument the derivative is not taken with respect to."""
    import numpy as np

    out = np.zeros(d.n_out)
    flat, grads, keep = [out.ctypes.data], [], []
    scalars = iter(range(1, d.n_out))
    for k, a, active in zip(d.kinds, args, wrapper.differentiated(d.kinds, d.wrt)):
        if K.is_scalar(k):
            flat.append(float(a))
            slot = next(scalars)  # out's slot, read after the call
            grads.append((slot, K.dtype(k)) if active else None)
        elif k == K.INT:
            flat.append(int(a))
            grads.append(None)
        else:
            c = _contiguous(a, k)
            g = np.zeros(c.shape, dtype=c.dtype) if active else None
            keep.append(c)
            flat += [c.ctypes.data, 0 if g is None else g.ctypes.data, *c.shape, *c.strides]
            grads.append(g)
    _check_status(d.cfunc(*flat), f, fname, args)
    return _value(out[0], d.result), tuple(_value(out[g[0]], g[1]) if isinstance(g, tuple)
                                           else g for g in grads)


def tangent(d, f, fname, args, tangents):
    """jvp: (value, directional derivative); for a function returning a tuple of floats,
    a tuple of each."""
    import numpy as np

    out = np.zeros(d.n_out)
    flat, keep = [out.ctypes.data], []
    for i, (k, a, t) in enumerate(zip(d.kinds, args, tangents)):
        if K.is_scalar(k):
            tk = K.of_value(t, len(args) + i, fname)
            if not K.is_scalar(tk) and tk != K.INT:
                raise NumbaADError(f"{fname}: the tangent of argument {i} must be a float "
                                   "like the argument")
            flat += [float(a), float(t)]
        elif k == K.INT:
            if not K.is_zero_tangent(t):
                raise NumbaADError(f"{fname}: argument {i} is an integer (a constant): its "
                                   f"tangent must be None or 0, got {t!r}")
            flat.append(int(a))
        else:
            c = _contiguous(a, k)
            dt = np.array(t, dtype=c.dtype, order="C", copy=True)
            if dt.shape != c.shape:
                raise NumbaADError(f"{fname}: the tangent of argument {i} has shape "
                                   f"{dt.shape}, the argument {c.shape}")
            keep += [c, dt]
            flat += _array_args(c, dt)
    _check_status(d.cfunc(*flat), f, fname, args)
    if isinstance(d.result, tuple):  # the values, then the tangents
        m = len(d.result)
        return (tuple(_value(out[k], r) for k, r in enumerate(d.result)),
                tuple(_value(out[m + k], r) for k, r in enumerate(d.result)))
    return _value(out[0], d.result), _value(out[1], d.result)


def _value(x, dtype):
    """A Python float for a float64 result, a NumPy float32 for a float32 one."""
    import numpy as np

    return np.float32(x) if dtype == "float32" else float(x)


def _check_status(status, f, fname, args):
    """The function raised: run it once more so that numba raises the real exception."""
    if status == 0:
        return
    f(*args)
    raise RuntimeError(f"{fname} raised an exception while being differentiated")
