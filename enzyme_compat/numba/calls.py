"""Calling a `Derivative` from Python: arguments checked and laid out as the wrapper
expects (arrays C-contiguous, shadows fresh), results unpacked."""

from __future__ import annotations

from . import kinds as K
from .errors import NumbaADError


def _contiguous(a):
    import numpy as np

    return np.ascontiguousarray(a, dtype=np.float64)


def _array_args(c, shadow) -> list:
    return [c.ctypes.data, shadow.ctypes.data, *c.shape, *c.strides]


def gradient(d, f, fname, args):
    """grad: (value, gradients), a float per scalar, an array per array argument, None
    per integer argument."""
    import numpy as np

    out = np.zeros(d.n_out)
    flat, grads, keep = [out.ctypes.data], [], []
    scalars = iter(range(1, d.n_out))
    for k, a in zip(d.kinds, args):
        if k == K.SCALAR:
            flat.append(float(a))
            grads.append(next(scalars))  # out's slot, read after the call
        elif k == K.INT:
            flat.append(int(a))
            grads.append(None)
        else:
            c = _contiguous(a)
            g = np.zeros(c.shape)
            keep.append(c)
            flat += _array_args(c, g)
            grads.append(g)
    _check_status(d.cfunc(*flat), f, fname, args)
    return float(out[0]), tuple(float(out[g]) if isinstance(g, int) else g for g in grads)


def tangent(d, f, fname, args, tangents):
    """jvp: (value, directional derivative)."""
    import numpy as np

    out = np.zeros(d.n_out)
    flat, keep = [out.ctypes.data], []
    for i, (k, a, t) in enumerate(zip(d.kinds, args, tangents)):
        if k == K.SCALAR:
            if K.of_value(t, len(args) + i, fname) not in (K.SCALAR, K.INT):
                raise NumbaADError(f"{fname}: the tangent of argument {i} must be a float "
                                   "like the argument")
            flat += [float(a), float(t)]
        elif k == K.INT:
            if not K.is_zero_tangent(t):
                raise NumbaADError(f"{fname}: argument {i} is an integer (a constant): its "
                                   f"tangent must be None or 0, got {t!r}")
            flat.append(int(a))
        else:
            c = _contiguous(a)
            dt = np.array(t, dtype=np.float64, order="C", copy=True)
            if dt.shape != c.shape:
                raise NumbaADError(f"{fname}: the tangent of argument {i} has shape "
                                   f"{dt.shape}, the argument {c.shape}")
            keep += [c, dt]
            flat += _array_args(c, dt)
    _check_status(d.cfunc(*flat), f, fname, args)
    return float(out[0]), float(out[1])


def _check_status(status, f, fname, args):
    """The function raised: run it once more so that numba raises the real exception."""
    if status == 0:
        return
    f(*args)
    raise RuntimeError(f"{fname} raised an exception while being differentiated")
