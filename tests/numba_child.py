"""Running numba front-end checks in a child process: generated code that crashed ends
that process only, and the test reports its output. PRELUDE (numpy, numba,
`enzyme_compat.numba` and the finite-difference checks) precedes every body."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

PRELUDE = '''
import math
import numpy as np
from numba import cfunc, njit
from enzyme_compat.numba import NumbaADError, grad, jvp, kinds


def fd_grad(f, args, h=1e-6):
    """Central differences of f for every float and array element of args (None for an
    integer argument: a constant)."""
    out = []
    for i, a in enumerate(args):
        if isinstance(a, (int, np.integer)):
            out.append(None)
        elif isinstance(a, np.ndarray):
            g = np.zeros_like(a)
            for idx in np.ndindex(a.shape):
                p, m = a.copy(), a.copy()
                p[idx] += h
                m[idx] -= h
                ap = list(args); ap[i] = p
                am = list(args); am[i] = m
                g[idx] = (f(*ap) - f(*am)) / (2 * h)
            out.append(g)
        else:
            ap = list(args); ap[i] = a + h
            am = list(args); am[i] = a - h
            out.append((f(*ap) - f(*am)) / (2 * h))
    return out


def close(got, want, tol=1e-6):
    got, want = np.asarray(got, dtype=float), np.asarray(want, dtype=float)
    assert got.shape == want.shape, (got.shape, want.shape)
    err = np.max(np.abs(got - want) / np.maximum(1.0, np.abs(want))) if got.size else 0.0
    assert err <= tol, (got, want, err)


def check_all(f, args, tol=1e-6):
    """grad vs central differences, and jvp along random directions vs grad (an integer
    argument: a None gradient, a None tangent)."""
    g = grad(f)(*args)
    g = g if len(args) > 1 else (g,)
    for gi, fi in zip(g, fd_grad(f, args)):
        if fi is None:
            assert gi is None, gi
        else:
            close(gi, fi, tol)
    rng = np.random.default_rng(1)
    for _ in range(2):
        ts = [rng.normal(size=a.shape) if isinstance(a, np.ndarray) else
              None if isinstance(a, (int, np.integer)) else float(rng.normal()) for a in args]
        want = sum(float(np.sum(gi * ti)) for gi, ti in zip(g, ts) if ti is not None)
        close(jvp(f)(*args, *ts), want, 1e-9)
    return g
'''


def run(body: str, timeout: int = 600, env=None) -> str:
    code = PRELUDE + textwrap.dedent(body) + "\nprint('CHILD-OK')\n"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=timeout, env=None if env is None else {**os.environ, **env})
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "CHILD-OK" in r.stdout, out[-6000:]
    return r.stdout
