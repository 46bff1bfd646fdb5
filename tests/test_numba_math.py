"""The numba front end's derivatives (`enzyme_compat.numba` grad and jvp): scalar
functions, loops over arrays, arrays of any layout, numpy calls, float32 and BLAS, each
checked against analytic derivatives and central finite differences (`numba_child.run`:
each check JIT-runs in a subprocess)."""

from __future__ import annotations

import pytest
from numba_child import run

pytest.importorskip("numba")


def test_scalar_functions_against_analytic_derivatives():
    run('''
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
    run('''
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
    run('''
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


def test_numpy_inside_functions_both_modes():
    """Array expressions, ufuncs, slices, reductions (np.sum, .sum(), np.mean, np.max,
    np.min, np.prod), np.cumsum, np.empty/np.zeros temporaries, a 2-D matrix-vector loop
    with branches: grad against analytic gradients and central differences, jvp against
    grad; NRT's counters show that both modes free everything they allocate."""
    run('''
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
    run('''
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
    run('''
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
