"""How the numba front end is used: from @njit code, integer arguments as constants,
arrays allocated inside, compile once, chosen arguments, tuple results, @cfunc and
callees (`numba_child.run`: each check JIT-runs in a subprocess)."""

from __future__ import annotations

import pytest
from numba_child import run

pytest.importorskip("numba")


def test_use_from_njit_code():
    run('''
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
    run('''
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
    run('''
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


def test_gradients_are_compiled_once():
    """grad(f)/jvp(f) return the same function for the same f; a second call of the same
    argument kinds does not recompile, a new kind compiles once more."""
    run('''
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
    run('''
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
    run('''
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
    run('''
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
