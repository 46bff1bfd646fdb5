"""The numba front end's errors: what cannot be differentiated is a clear NumbaADError,
and errors raised inside @njit code reach the caller (`numba_child.run`)."""

from __future__ import annotations

import pytest
from numba_child import run

pytest.importorskip("numba")


def test_unsupported_arguments_are_clear_errors():
    out = run('''
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
    run('''
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
