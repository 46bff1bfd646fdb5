"""The numba front end (`enzyme_compat.numba`): grad and jvp of @njit/@cfunc functions
against analytic derivatives and central finite differences, from Python and from @njit
code, and the errors for what cannot be differentiated.

Every check that JIT-runs a derivative runs in a subprocess (`_run`): generated code that
crashed would end that process only, and the test reports its output."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import pytest

pytest.importorskip("numba")

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


def _run(body: str, timeout: int = 600, env=None) -> str:
    code = PRELUDE + textwrap.dedent(body) + "\nprint('CHILD-OK')\n"
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       timeout=timeout, env=None if env is None else {**os.environ, **env})
    out = r.stdout + r.stderr
    assert r.returncode == 0 and "CHILD-OK" in r.stdout, out[-6000:]
    return r.stdout


def test_scalar_functions_against_analytic_derivatives():
    _run('''
    @njit
    def poly(x, y):
        return 3.0 * x ** 3 - 2.0 * x * y + y ** 2 + 1.0

    @njit
    def libm(x, y):
        return math.sin(x) * math.exp(y) + math.log(x) * math.sqrt(y) + math.pow(x, y)

    @njit
    def branch(x, y):
        if x > y:
            return x * x * y
        return math.cos(x) + y

    x, y = 1.3, 0.7
    close(grad(poly)(x, y), (9 * x * x - 2 * y, -2 * x + 2 * y), 1e-12)
    close(jvp(poly)(x, y, 1.0, 0.0), 9 * x * x - 2 * y, 1e-12)
    close(jvp(poly)(x, y, 0.0, 1.0), -2 * x + 2 * y, 1e-12)
    dx = math.cos(x) * math.exp(y) + math.sqrt(y) / x + y * x ** (y - 1)
    dy = math.sin(x) * math.exp(y) + math.log(x) / (2 * math.sqrt(y)) + math.log(x) * x ** y
    close(grad(libm)(x, y), (dx, dy), 1e-12)
    # math.gamma/lgamma run numba's own helpers (rules from the rules_numba plugin)
    special = njit(lambda x: math.gamma(x) + math.lgamma(x) * math.erf(x))
    check_all(special, [1.7])
    close(grad(branch)(x, y), (2 * x * y, x * x), 1e-12)          # x > y
    close(grad(branch)(0.2, y), (-math.sin(0.2), 1.0), 1e-12)    # the other branch
    close(jvp(branch)(0.2, y, 1.0, 1.0), 1.0 - math.sin(0.2), 1e-12)
    # one argument: the gradient itself, not a tuple (an int would be a constant: 3.0)
    sq = njit(lambda x: x * x)
    assert grad(sq)(3.0) == 6.0
    for f in (poly, libm, branch):
        check_all(f, [x, y])
    ''')


def test_array_loops_sum_of_squares_dot_network_stencil():
    _run('''
    @njit
    def sumsq(a):
        s = 0.0
        for i in range(a.shape[0]):
            s += a[i] * a[i]
        return s

    @njit
    def dot(a, b):
        s = 0.0
        for i in range(a.shape[0]):
            s += a[i] * b[i]
        return s

    @njit
    def net(W1, b1, w2, x):       # a 2-layer tanh network, scalar output
        s = 0.0
        for i in range(W1.shape[0]):
            h = b1[i]
            for j in range(W1.shape[1]):
                h += W1[i, j] * x[j]
            s += w2[i] * math.tanh(h)
        return s

    @njit
    def energy(u, k):             # 1-D finite-difference (stencil) energy with a potential
        e = 0.0
        n = u.shape[0]
        for i in range(1, n - 1):
            lap = u[i - 1] - 2.0 * u[i] + u[i + 1]
            e += 0.5 * k * lap * lap + 0.25 * u[i] ** 4
        return e

    rng = np.random.default_rng(0)
    a, b = rng.normal(size=7), rng.normal(size=7)
    close(grad(sumsq)(a), 2 * a, 1e-12)
    ga, gb = grad(dot)(a, b)
    close(ga, b, 1e-12); close(gb, a, 1e-12)
    close(jvp(dot)(a, b, np.ones(7), np.zeros(7)), b.sum(), 1e-12)
    for n in (0, 1, 9, 33):       # trip counts around the unrolled loop's remainder
        v = rng.normal(size=n)
        close(grad(sumsq)(v), 2 * v, 1e-12)
    W1, b1, w2, x = (rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=4),
                     rng.normal(size=3))
    g = check_all(net, [W1, b1, w2, x])
    h = np.tanh(W1 @ x + b1)
    close(g[2], h, 1e-12)
    close(g[1], w2 * (1 - h * h), 1e-12)
    close(g[0], np.outer(w2 * (1 - h * h), x), 1e-12)
    u = rng.normal(size=12)
    check_all(energy, [u, 0.8])
    # the input is not modified, and a float result comes back as a Python float
    u0 = u.copy()
    du, dk = grad(energy)(u, 0.8)
    assert np.array_equal(u, u0) and isinstance(dk, float) and du.shape == u.shape
    ''')


def test_two_dimensional_arrays_any_layout():
    _run('''
    @njit
    def frob(A, B):               # sum_ij A_ij B_ji + sum A_ij^2
        s = 0.0
        for i in range(A.shape[0]):
            for j in range(A.shape[1]):
                s += A[i, j] * B[j, i] + A[i, j] * A[i, j]
        return s

    rng = np.random.default_rng(2)
    A, B = rng.normal(size=(3, 4)), rng.normal(size=(4, 3))
    gA, gB = grad(frob)(A, B)
    close(gA, B.T + 2 * A, 1e-12); close(gB, A.T, 1e-12)
    check_all(frob, [A, B])
    # Fortran order and strided views: made C-contiguous, gradients in the argument's shape
    gA2, gB2 = grad(frob)(np.asfortranarray(A), B)
    close(gA2, gA, 1e-12); close(gB2, gB, 1e-12)
    V = rng.normal(size=(6, 8))[::2, ::2]                 # 3 x 4, strided
    Bt = np.ascontiguousarray(B.T).T                      # 4 x 3, Fortran order
    gV, gBt = grad(frob)(V, Bt)
    close(gV, Bt.T + 2 * V, 1e-12); close(gBt, V.T, 1e-12)
    assert gV.shape == V.shape and gBt.shape == Bt.shape
    close(jvp(frob)(A, B, np.ones_like(A), np.zeros_like(B)), float(np.sum(B.T + 2 * A)), 1e-12)
    ''')


def test_use_from_njit_code():
    _run('''
    @njit
    def energy(u, k):
        e = 0.0
        for i in range(u.shape[0] - 1):
            e += 0.5 * k * (u[i + 1] - u[i]) ** 2
        return e

    @njit
    def f(x):
        return math.sin(x) * x

    grad_energy, jvp_energy, df = grad(energy), jvp(energy), grad(f)

    @njit
    def descend(u, k, rate, steps):
        for _ in range(steps):
            du, dk = grad_energy(u, k)
            u = u - rate * du
        return u

    @njit
    def both(u, k):
        du, dk = grad_energy(u, k)
        return jvp_energy(u, k, du, 0.0), np.sum(du * du), dk

    @njit
    def scalar(x):
        return df(x) + df(2 * x)

    u = np.array([0.0, 1.0, 3.0])
    close(descend(u, 2.0, 0.1, 200), np.full(3, 4.0 / 3.0), 1e-6)
    j, n2, dk = both(u, 2.0)
    close(j, n2, 1e-12)       # the derivative along the gradient is its squared norm
    close(dk, 2.5, 1e-12)
    d = lambda x: math.cos(x) * x + math.sin(x)
    close(scalar(0.4), d(0.4) + d(0.8), 1e-12)

    # the derivative's raw address, for numba's ExternalFunctionPointer or ctypes
    assert df.derivative((kinds.SCALAR,)).address > 0
    ''')


def test_integer_arguments_are_constants():
    _run('''
    @njit
    def series(x, n):             # sum_{i<n} sin((i + 1) x) / (i + 1)
        s = 0.0
        for i in range(n):
            s += math.sin((i + 1) * x) / (i + 1)
        return s

    @njit
    def pick(a, k, w):            # an integer index argument
        return w * a[k] * a[k] + a[0]

    x = 0.7
    for n in (0, 1, 7):
        dx, dn = grad(series)(x, n)
        assert dn is None
        close(dx, sum(math.cos((i + 1) * x) for i in range(n)), 1e-12)
        close(jvp(series)(x, n, 1.0, None), dx, 1e-12)
        close(jvp(series)(x, n, 1.0, 0), dx, 1e-12)
        check_all(series, [x, n])
    a = np.linspace(0.5, 2.0, 5)
    ga, gk, gw = grad(pick)(a, 3, 1.5)
    want = np.zeros(5); want[0] = 1.0; want[3] = 2 * 1.5 * a[3]
    close(ga, want, 1e-12); assert gk is None; close(gw, a[3] ** 2, 1e-12)
    check_all(pick, [a, np.int64(2), 0.3])        # NumPy integers too
    check_all(pick, [a, 0, 0.3])                  # k = 0: both terms on a[0]

    # from @njit code: the integer loop count of the caller goes to the derivative
    gs, js = grad(series), jvp(series)

    @njit
    def caller(x, m):
        total = 0.0
        for n in range(m):
            d, none = gs(x, n)
            total += d + js(x, n, 0.5, 0) + js(x, n, 0.5, None)
        return total

    want = sum(grad(series)(x, n)[0] for n in range(5))
    close(caller(x, 5), 2 * want, 1e-12)
    close(caller(x, np.int32(5)), 2 * want, 1e-12)   # another integer type: int64 inside

    @njit
    def bad_tangent(x, n):
        return js(x, n, 1.0, n)

    try:
        bad_tangent(x, 2)
    except ValueError as e:
        assert "tangent of integer argument 1 must be None or 0" in str(e), str(e)
    else:
        raise AssertionError("no ValueError")
    close(bad_tangent(x, 0), 0.0, 0.0)       # a zero tangent is accepted at run time
    ''')


def test_arrays_created_inside_the_function():
    _run('''
    @njit
    def buffer(a, c):             # np.zeros filled in a loop, then reduced
        n = a.shape[0]
        z = np.zeros(n)
        for i in range(n):
            z[i] = c * a[i] * a[i]
        s = 0.0
        for i in range(n):
            s += z[i] * a[i]
        return s

    @njit
    def product(a, b):            # a temporary array expression, reduced by a loop
        t = a * b + 1.0
        s = 0.0
        for i in range(t.shape[0]):
            s += t[i] * t[i]
        return s

    @njit
    def squashed(a, b):           # a ufunc, elementwise, then np.sum of an expression
        return np.sum(np.tanh(a) * b)

    @njit
    def helpers(a):               # np.ones, np.empty_like, a 2-D np.zeros, .sum()
        n = a.shape[0]
        e = np.empty_like(a)
        o = np.ones(n)
        m = np.zeros((n, 2))
        for i in range(n):
            e[i] = o[i] + math.exp(a[i])
            m[i, 0] = e[i] * a[i]
            m[i, 1] = e[i]
        return m.sum() + (e * e).sum()

    rng = np.random.default_rng(4)
    a, b = rng.normal(size=9), rng.normal(size=9)
    ga, gc = grad(buffer)(a, 0.5)
    close(ga, 1.5 * a * a, 1e-12); close(gc, float(np.sum(a ** 3)), 1e-12)
    check_all(buffer, [a, 0.5])
    ga, gb = grad(product)(a, b)
    t = a * b + 1.0
    close(ga, 2 * t * b, 1e-12); close(gb, 2 * t * a, 1e-12)
    check_all(product, [a, b])
    ga, gb = grad(squashed)(a, b)
    close(ga, b * (1 - np.tanh(a) ** 2), 1e-12); close(gb, np.tanh(a), 1e-12)
    check_all(squashed, [a, b])
    e = 1 + np.exp(a)
    close(grad(helpers)(a), np.exp(a) * (a + 1 + 2 * e) + e, 1e-12)
    check_all(helpers, [a])
    for n in (0, 1, 5):           # empty and short temporaries
        v = rng.normal(size=n)
        close(grad(product)(v, v)[0], 2 * (v * v + 1) * v, 1e-12)

    # reverse mode releases every shadow (NRT's counters, NUMBA_NRT_STATS=1): per call,
    # as many frees as allocations
    from numba.core.runtime import rtsys
    gp, before = grad(squashed), None
    gp(a, b)
    before = rtsys.get_allocation_stats()
    for _ in range(5):
        gp(a, b)
    after = rtsys.get_allocation_stats()
    assert after.alloc - before.alloc == after.free - before.free > 0, (before, after)

    # from @njit code
    @njit
    def twice(a, b):
        ga, gb = gp(a, b)
        return ga.sum() + gb.sum()

    close(twice(a, b), float(np.sum(b * (1 - np.tanh(a) ** 2) + np.tanh(a))), 1e-12)
    ''', env={"NUMBA_NRT_STATS": "1"})


def test_numpy_inside_functions_both_modes():
    """Array expressions, ufuncs, slices, reductions (np.sum, .sum(), np.mean, np.max,
    np.min, np.prod), np.cumsum, np.empty/np.zeros temporaries, a 2-D matrix-vector loop
    with branches: grad against analytic gradients and central differences, jvp against
    grad; NRT's counters show that both modes free everything they allocate."""
    _run('''
    from numba.core.runtime import rtsys

    @njit
    def expr(x, y):               # np.exp, x * y, np.sqrt, np.sum, .sum()
        return np.sum(np.exp(x) * y) + np.sqrt(x * x + 1.0).sum()

    @njit
    def shifted(x):               # slices: sum_i x[i+1] x[i]
        return np.sum(x[1:] * x[:-1]) + x[1:].sum()

    @njit
    def reductions(x):
        return np.max(x * x) + np.min(x) + np.mean(x * x) + np.prod(x) + (x * x).max()

    @njit
    def running(x):               # np.cumsum: sum_k (x_0 + ... + x_k)^2
        c = np.cumsum(x)
        return np.sum(c * c)

    @njit
    def matvec(A, x, c):          # y = A x by loops, a branch per row, into np.empty
        m, n = A.shape
        y = np.empty(m)
        for i in range(m):
            s = 0.0
            for j in range(n):
                s += A[i, j] * x[j]
            y[i] = s * s if s > c else c * s
        z = np.zeros(m)
        z[:] = y
        return np.sum(z)

    rng = np.random.default_rng(5)
    x, y = rng.uniform(0.5, 1.5, 6), rng.normal(size=6)
    gx, gy = check_all(expr, [x, y])
    close(gx, np.exp(x) * y + x / np.sqrt(x * x + 1.0), 1e-12)
    close(gy, np.exp(x), 1e-12)
    g, = check_all(shifted, [x])
    want = np.ones(6); want[0] = 0.0
    want[:-1] += x[1:]; want[1:] += x[:-1]
    close(g, want, 1e-12)
    v = np.array([0.9, -1.7, 1.2, 0.4])    # distinct extremes: max of x*x at 1, min at 1
    g, = check_all(reductions, [v])
    want = 2 * v / 4 + np.prod(v) / v
    want[1] += 2 * 2 * v[1] + 1.0
    close(g, want, 1e-12)
    g, = check_all(running, [x])
    c = np.cumsum(x)
    close(g, 2 * np.cumsum(c[::-1])[::-1], 1e-12)   # d/dx_j = 2 sum_{k>=j} c_k
    A = rng.normal(size=(4, 3))
    for cut in (-10.0, 0.0, 10.0):                   # all, some, none of the rows squared
        gA, gx2, gc = check_all(matvec, [A, x[:3], cut])
        s = A @ x[:3]
        w = np.where(s > cut, 2 * s, cut)
        close(gA, np.outer(w, x[:3]), 1e-12); close(gx2, A.T @ w, 1e-12)
        close(gc, float(np.sum(np.where(s > cut, 0.0, s))), 1e-12)

    # every allocation freed, per call, in both modes (NUMBA_NRT_STATS=1)
    for f, args, ts in ((expr, (x, y), (y, x)), (running, (x,), (y,)),
                        (matvec, (A, x[:3], 0.0), (A, y[:3], 1.0))):
        gf, jf = grad(f), jvp(f)
        gf(*args), jf(*args, *ts)
        before = rtsys.get_allocation_stats()
        for _ in range(4):
            gf(*args)
            jf(*args, *ts)
        after = rtsys.get_allocation_stats()
        assert after.alloc - before.alloc == after.free - before.free > 0, (f, before, after)
    ''', env={"NUMBA_NRT_STATS": "1"})


def test_float32_and_mixed_arguments():
    """float32 arrays and scalars (float32 gradients and results) mixed with float64
    scalars and integers, from Python and from @njit code."""
    _run('''
    @njit
    def weighted(a, s, n):        # float32 everywhere: a float32 result
        t = np.float32(0.0)
        for i in range(n):
            t += s * a[i] * a[i]
        return t

    @njit
    def mixed(a, x, k):           # a float32 array, a float64 scalar: a float64 result
        return np.sum(np.exp(a)) * x + a[k] * x * x

    a = np.linspace(0.5, 1.5, 5).astype(np.float32)
    s = np.float32(0.7)
    ga, gs, gn = grad(weighted)(a, s, 5)
    assert ga.dtype == np.float32 and isinstance(gs, np.float32) and gn is None
    close(ga, 2 * s * a, 1e-6); close(gs, np.sum(a * a), 1e-6)
    t = jvp(weighted)(a, s, 5, np.ones(5, np.float32), np.float32(0.0), None)
    assert isinstance(t, np.float32)
    close(t, np.sum(2 * s * a), 1e-6)
    ga, gx, gk = grad(mixed)(a, 0.5, 2)
    assert ga.dtype == np.float32 and isinstance(gx, float) and gk is None
    want = np.exp(a) * 0.5; want[2] += 0.25
    close(ga, want, 1e-6)
    close(gx, float(np.sum(np.exp(a.astype(float)))) + 2 * 0.5 * float(a[2]), 1e-6)
    a64 = a.astype(np.float64)     # float32 rounding: central differences in float64
    close(jvp(mixed)(a, 0.5, 2, np.ones(5, np.float32), 0.0, None),
          float(np.sum(fd_grad(mixed, [a64, 0.5, 2])[0])), 1e-5)

    gw, jw = grad(weighted), jvp(weighted)

    @njit
    def caller(a, s):
        ga, gs, gn = gw(a, s, 3)
        return ga.sum() + gs + jw(a, s, 3, a, s, None)

    sa = float(np.sum(a[:3].astype(float) ** 2))
    close(caller(a, s), 2 * 0.7 * float(np.sum(a[:3])) + sa + 3 * 0.7 * sa, 1e-5)
    ''')


def test_blas_dot_matrix_vector_and_norm():
    """np.dot of vectors, A @ x, A.T @ x, x @ A, A @ B and np.linalg.norm compile to numba's
    BLAS wrappers (numba_xxdot, numba_xxgemv, numba_xxgemm, numba_xxnrm2; numba needs scipy
    for them):
    both modes against analytic gradients and central differences, an operand changed
    after the call (reverse mode keeps the operands' values at the call), float32."""
    pytest.importorskip("scipy")
    _run('''
    @njit
    def dot(x, y):
        return np.dot(x, y)

    @njit
    def mv(A, x):                 # A C-contiguous: gemv with trans 't'
        return np.sum(np.sin(A @ x))

    @njit
    def mvt(A, x):                # A.T is F-contiguous: gemv with trans 'n'
        return np.sum(np.sin(A.T @ x))

    @njit
    def vm(A, y):
        return np.sum(np.sin(np.dot(y, A)))

    @njit
    def norm(x):
        return np.linalg.norm(x) ** 3 + np.linalg.norm(x[::2])

    @njit
    def mm(A, B):                 # gemm; B.T and A.T change the transposition flags
        return np.sum(np.sin(A @ B)) + np.sum(np.cos(A.T @ (A @ B.T)))

    @njit
    def changed(x, y):            # w is overwritten after the first dot product
        w = x * 1.0
        s = np.dot(w, y)
        for i in range(w.size):
            w[i] = w[i] * s
        return np.dot(w, y) + np.dot(x, x)

    @njit
    def net(W, b, x):             # repeated products: a call per iteration, each kept
        v = x                     # x's meminfo and new arrays' merge in a phi
        for _ in range(3):
            v = np.tanh(np.dot(W, v) + b)
        return np.linalg.norm(v)  # the shape numba's callee returned sizes the norm's loop

    rng = np.random.default_rng(3)
    x, y = rng.normal(size=5), rng.normal(size=5)
    A, W, b, z = (rng.normal(size=s) for s in ((4, 5), (5, 5), 5, 4))
    # analytic gradients
    close(grad(dot)(x, y), (y, x), 1e-12)
    close(jvp(dot)(x, y, y, x), x @ x + y @ y, 1e-12)
    c = np.cos(A @ x)
    gA, gx = grad(mv)(A, x)
    close(gA, np.outer(c, x), 1e-12)
    close(gx, A.T @ c, 1e-12)
    c = np.cos(A.T @ z)
    gA, gz = grad(mvt)(A, z)
    close(gA, np.outer(z, c), 1e-12)
    close(gz, A @ c, 1e-12)
    n, h = np.linalg.norm(x), np.linalg.norm(x[::2])
    want = 3 * n * x
    want[::2] += x[::2] / h
    close(grad(norm)(x), want, 1e-12)
    S = W[:, :3] * 1.0
    Z = A @ S                     # sum(sin(A S)) alone: dA = cos(Z) S^T, dS = A^T cos(Z)
    gA, gS = grad(njit(lambda A, B: np.sum(np.sin(A @ B))))(A, S)
    close(gA, np.cos(Z) @ S.T, 1e-12)
    close(gS, A.T @ np.cos(Z), 1e-12)
    # central differences, and jvp along random directions against grad
    for f, args in ((mm, [A, W]), (dot, [x, y]), (mv, [A, x]), (mvt, [A, z]), (vm, [A, z]),
                    (norm, [x]), (changed, [x, y]), (net, [W, b, x])):
        check_all(f, args)
    # float32 (BLAS kind 's'): float32 gradients and tangents
    x32, A32 = x.astype(np.float32), A.astype(np.float32)
    g = grad(dot)(x32, y.astype(np.float32))
    assert g[0].dtype == g[1].dtype == np.float32
    close(g, (y, x), 1e-6)
    gA, gx = grad(mv)(A32, x32)
    assert gA.dtype == gx.dtype == np.float32
    c = np.cos(A @ x)
    close(gA, np.outer(c, x), 1e-5)
    close(gx, A.T @ c, 1e-5)
    t = jvp(norm)(x32, x32)
    assert isinstance(t, np.float32)
    close(t, 3 * n ** 3 + h, 1e-5)
    # grad of a function calling them from @njit code
    gdot = grad(dot)

    @njit
    def use(x, y):
        gx, gy = gdot(x, y)
        return gx[0] + gy[1]

    close(use(x, y), y[0] + x[1], 1e-12)
    ''')


def test_gradients_are_compiled_once():
    """grad(f)/jvp(f) return the same function for the same f; a second call of the same
    argument kinds does not recompile, a new kind compiles once more."""
    _run('''
    from enzyme_compat.numba import derivative

    builds = []
    real = derivative.build
    derivative.build = lambda *a: builds.append(a[1:]) or real(*a)

    @njit
    def f(x, a):
        return x * np.sum(a * a)

    a = np.arange(3.0)
    assert grad(f) is grad(f) and jvp(f) is jvp(f)
    for _ in range(3):
        gx, ga = grad(f)(2.0, a)
        close(gx, 5.0, 1e-12); close(ga, 4 * a, 1e-12)
        close(jvp(f)(2.0, a, 1.0, np.zeros(3)), 5.0, 1e-12)
    assert len(builds) == 2, builds
    grad(f)(2.0, np.ones((2, 2)))
    grad(f)(np.float32(2.0), a)
    assert len(builds) == 4, builds
    ''')


def test_gradient_with_respect_to_chosen_arguments():
    """grad(f, argnums=...): the other arguments are constants; one index gives that
    gradient, a tuple gives them in its order; from Python and from @njit code."""
    _run('''
    @njit
    def f(x, a, k, y):
        return x * np.sum(a * a) + math.sin(y) * a[k]

    a = np.array([1.0, 2.0, 3.0])
    args = [2.0, a, 1, 0.5]
    want = fd_grad(f, args)
    close(grad(f, argnums=1)(*args), want[1])
    gy, gx = grad(f, argnums=(3, 0))(*args)
    close(gy, math.cos(0.5) * a[1], 1e-12); close(gx, want[0])
    assert len(grad(f, argnums=[0])(*args)) == 1
    # a constant array gets no shadow: its gradient's slot is not computed
    d = grad(f, argnums=0).derivative((kinds.SCALAR, kinds.array(1), kinds.INT, kinds.SCALAR))
    assert d.wrt == (True, False, False, False)

    g1, g30 = grad(f, argnums=1), grad(f, argnums=(3, 0))

    @njit
    def caller(x, a):
        return g1(x, a, 1, 0.5), g30(x, a, 1, 0.5)

    ga, (gy2, gx2) = caller(2.0, a)
    close(ga, want[1]); close(gy2, gy, 1e-15); close(gx2, gx, 1e-15)
    for bad, text in ((5, "argnums must be an argument index (0..3)"), ((), "non-empty"),
                      ((0, 2), "argument 2 is an integer (a constant) and cannot be in argnums")):
        try:
            grad(f, argnums=bad)(*args)
        except NumbaADError as e:
            assert text in str(e), str(e)
        else:
            raise AssertionError(bad)
    ''')


def test_tuple_results_in_forward_mode():
    """A function returning a tuple of floats: jvp gives a tuple of tangents (one per
    output, float32 ones as float32) from Python and from @njit code, against central
    differences of each float64 output and the analytic tangent of the float32 one."""
    _run('''
    @njit
    def f(x, a):
        return x * np.sum(a * a), math.sin(x) * a[0], np.float32(a[1] * a[2])

    x, a = 0.5, np.array([1.0, 2.0, 3.0])
    t = jvp(f)(x, a, 1.0, np.zeros(3))
    close(t[:2], (np.sum(a * a), math.cos(x) * a[0]), 1e-12)
    assert isinstance(t[2], np.float32) and t[2] == 0.0
    rng = np.random.default_rng(7)
    for _ in range(3):
        dx, da = float(rng.normal()), rng.normal(size=3)
        t = jvp(f)(x, a, dx, da)
        for k in range(2):
            fk = lambda x, a: float(f(x, a)[k])
            gx, ga = fd_grad(fk, [x, a])
            close(t[k], gx * dx + np.sum(ga * da), 1e-6)
        close(t[2], a[2] * da[1] + a[1] * da[2], 1e-6)   # a float32 output: analytic

    jf = jvp(f)

    @njit
    def caller(x, a):
        t1, t2, t3 = jf(x, a, 0.0, np.array([1.0, 1.0, 0.0]))
        return t1 + t2 + t3

    close(caller(x, a), 2 * (a[0] + a[1]) * x + math.sin(x) + a[2], 1e-6)
    ''')


def test_cfunc_and_callees():
    _run('''
    @cfunc("float64(float64, float64)")
    def c(x, y):
        return x * math.exp(x * y)

    @njit
    def inner(x, a):
        s = 0.0
        for i in range(a.shape[0]):
            s += math.sin(a[i] * x) / (i + 1.0)
        return s

    @njit
    def outer(x, a):              # calls another @njit function
        return inner(x, a) * inner(x + 1.0, a) + x

    x, y = 0.3, 1.7
    close(grad(c)(x, y), ((1 + x * y) * math.exp(x * y), x * x * math.exp(x * y)), 1e-12)
    close(jvp(c)(x, y, 1.0, 0.0), (1 + x * y) * math.exp(x * y), 1e-12)
    check_all(outer, [0.7, np.linspace(0.1, 1.0, 6)])
    ''')


def test_unsupported_arguments_are_clear_errors():
    out = _run('''
    @njit
    def f(x, a):
        return x * a[0]

    @njit
    def vector_result(a):
        return a * 2.0

    @njit
    def lapack(a):
        return np.linalg.det(a)

    @njit
    def listed(a):
        return [a[0], 2.0][0]

    @njit
    def pair(a):
        return a[0], a[1]

    @njit
    def loop(x, n):
        for _ in range(n):
            x = x * x
        return x

    @njit
    def strings(x):
        return len(x) * 1.0

    @cfunc("float64(float64)")
    def c1(x):
        return x

    cases = [
        (lambda: grad(f)(1.0, np.arange(3)), "array of int64"),
        (lambda: grad(f)(1.0, np.zeros((2, 2, 2))), "3-D array"),
        (lambda: grad(f)(1.0, [1.0, 2.0]), "argument 1 is list"),
        (lambda: grad(f)(1 + 2j, np.zeros(3)), "argument 0 is complex"),
        (lambda: grad(f)(True, np.zeros(3)), "argument 0 is bool"),
        (lambda: grad(vector_result)(np.zeros(3)), "returns array"),
        (lambda: grad(lapack)(np.eye(2)), "no derivative rule for @numba_xxgetrf"),
        (lambda: grad(listed)(np.ones(3)), "lists get no derivative yet"),
        (lambda: grad(pair)(np.ones(3)), "returns a tuple of 2 floats; grad needs one float: "
                                         "jvp(f) gives the tangent of each"),
        (lambda: jvp(njit(lambda x: (x, 1)))(1.0, 1.0), "returns Tuple(float64, Literal[int](1)); "
                                                       "only functions returning a float64 or "
                                                       "float32 scalar (or a tuple of them)"),
        (lambda: grad(f)(1.0, np.zeros(3, np.float16)), "array of float16"),
        (lambda: grad(njit(lambda n: n * n))(3), "(int64) returns int64"),   # 3.0 would do
        (lambda: jvp(loop)(1.0, 3, 1.0, 1), "argument 1 is an integer (a constant): its tangent "
                                            "must be None or 0, got 1"),
        (lambda: grad(strings)(1.0), "numba cannot compile strings(float64)"),
        (lambda: grad(c1)(np.zeros(3)), "@cfunc c1 was compiled for"),
        (lambda: jvp(f)(1.0, np.zeros(3), 1.0, np.zeros(4)), "has shape (4,), the argument (3,)"),
        (lambda: grad(len), "not a numba @njit or @cfunc function"),
        (lambda: grad(njit(lambda *a: a[0])), "only functions of positional arguments"),
    ]
    import importlib.util
    if importlib.util.find_spec("scipy") is None:  # numba compiles np.dot with scipy's BLAS only
        cases = [c for c in cases if "numba_xxgetrf" not in c[1]]
        cases.append((lambda: grad(lapack)(np.eye(2)),
                      "numba cannot compile lapack(float64[:, :]): ImportError: scipy"))
    for call, text in cases:
        try:
            call()
        except NumbaADError as e:
            assert text in str(e), (text, str(e))
            assert "Traceback" not in str(e)
            print("MESSAGE", str(e).splitlines()[0])
        else:
            raise AssertionError(f"no error for {text}")
    print("CASES", len(cases))
    ''')
    assert out.count("MESSAGE") == int(out.split("CASES ")[1].split()[0]) >= 17


def test_errors_from_njit_code_and_exceptions():
    _run('''
    from numba.core.errors import TypingError

    @njit
    def q(x, y):
        return x / y

    gq = grad(q)

    @njit
    def bad_kind(a):
        return gq(a, 1.0)

    try:
        bad_kind(np.arange(3))
    except TypingError as e:
        assert "argument 0 has numba type array(int64" in str(e), str(e)
    else:
        raise AssertionError("no typing error")

    # the function raises: its own exception from Python, ValueError in @njit code
    try:
        gq(1.0, 0.0)
    except ZeroDivisionError:
        pass
    else:
        raise AssertionError("no ZeroDivisionError")

    @njit
    def use(x):
        return gq(x, 0.0)

    try:
        use(1.0)
    except ValueError as e:
        assert "grad(q): the function raised an exception" in str(e)
    else:
        raise AssertionError("no ValueError")
    close(gq(1.0, 2.0), (0.5, -0.25), 1e-15)
    ''')


def test_numba_runtime_is_registered_inactive():
    """The runtime table comes from the rules_numba plugin's entry point (no JIT here)."""
    from enzyme_compat.ad.rules import default_registry
    from enzyme_compat_plugins.rules_numba import NUMBA_RUNTIME

    registry = default_registry(22)
    for name in ("NRT_MemInfo_release", "numba_do_raise", "numba_gil_ensure"):
        assert registry.is_inactive_function(name), name
    for name in ("numba_xxdot", "NRT_MemInfo_data_fast", "NRT_MemInfo_alloc_aligned",
                 "NRT_incref", "NRT_decref"):
        assert not registry.is_inactive_function(name), name
    # reference counting: repeated on the shadow in forward mode, no adjoint in reverse
    for name in ("NRT_incref", "NRT_decref"):
        assert registry.function(name).tangent is not None
        assert registry.reverse("function", name).adjoint is None
    # MemInfo allocators: allocation-like, the data pointer 24 bytes into the header
    alloc = registry.allocation_like("NRT_MemInfo_alloc_aligned")
    assert (alloc.size_args, alloc.free, alloc.data_field) == ((0,), "NRT_MemInfo_call_dtor", 24)
    assert registry.deallocation_like("NRT_MemInfo_call_dtor")
    from enzyme_compat.ad.errors import DifferentiationError
    from enzyme_compat.ad.rules import AllocationLike
    for bad in ({"data_field": -8, "free": "f"}, {"data_field": 8}):  # a header needs a free
        with pytest.raises(DifferentiationError, match="data_field must be a byte offset"):
            AllocationLike("a", (0,), **bad)
    assert registry.function("numba_gamma") is not None
    assert "numba_do_raise" in NUMBA_RUNTIME and "NRT_incref" not in NUMBA_RUNTIME
    # raw buffers (slice assignment's temporary copy): malloc-like, freed by NRT_Free
    assert registry.allocation_like("NRT_Allocate").free == "NRT_Free"


def test_wrapper_ir_reads_back():
    """The C wrapper's IR (both modes, scalars and arrays) is valid IR for the reader."""
    import enzyme_compat
    from enzyme_compat.numba import kinds as K
    from enzyme_compat.numba import wrapper

    kinds = (K.SCALAR, K.array(2), K.SCALAR)
    for mode, ret in ((wrapper.REVERSE, "{double, double}"), (wrapper.FORWARD, "void")):
        text = wrapper.wrapper_ir(kinds, mode, "d", ret)
        decl = "declare " + ret + " @d(" + ", ".join(
            ["ptr"] * 4 + ["double"] * (1 if mode == wrapper.REVERSE else 2)
            + ["ptr", "ptr", "i64", "i64", "ptr", "ptr"] + ["i64"] * 4
            + ["double"] * (1 if mode == wrapper.REVERSE else 2)) + ")\n"
        m = enzyme_compat.parse(decl + text)
        w = m.get_function(wrapper.NAME)
        assert len(w.fn_type.params) == len(wrapper.ctypes_signature(kinds, mode))
    # retptr and excinfo duplicated (the exception slot's shadow is never read)
    assert wrapper.activities(kinds, wrapper.REVERSE)[:3] == ["dup", "dup", "out"]
    # an integer argument: one constant i64, in both modes
    import ctypes
    for mode in (wrapper.REVERSE, wrapper.FORWARD):
        assert wrapper.activities((K.INT,), mode) == ["dup", "dup", "const"]
        assert wrapper.ctypes_signature((K.INT,), mode) == [ctypes.c_uint64, ctypes.c_int64]
        assert "i64 %x0" in wrapper.wrapper_ir((K.INT,), mode, "d", "void")
    assert K.describe((K.SCALAR, K.INT, K.array(1))) == "(float64, int64, float64[:])"
    assert K.describe((K.SCALAR32, K.array(2, "float32"))) == "(float32, float32[:, :])"
    # float32: passed as doubles, converted inside; a float result slot
    text = wrapper.wrapper_ir((K.SCALAR32,), wrapper.REVERSE, "d", "float", "float")
    m = enzyme_compat.parse("declare float @d(ptr, ptr, ptr, ptr, float)\n" + text)
    assert len(m.get_function(wrapper.NAME).fn_type.params) == 2
