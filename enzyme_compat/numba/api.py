"""`grad(f)` and `jvp(f)`: derivatives of numba functions, callable from Python and from
@njit code.

Each returns a plain Python function (`x0, x1, ...` for grad, `x0, ..., t0, ...` for
jvp) whose body runs the derivative through ctypes, and registers a numba `@overload`
of it: inside @njit code numba types a call of it by its argument types, compiles the
derivative for them and inlines a call of the JIT-compiled C wrapper (a ctypes function
numba calls directly). Derivatives are compiled lazily, once per argument kinds, and
kept (`.derivative(kinds)` gives the compiled `Derivative`, with its `address`).
`grad(f)` and `jvp(f)` return the same function each time for the same `f`, so writing
`grad(f)(x)` in a loop compiles once per argument kinds.
"""

from __future__ import annotations

import inspect
import threading
import weakref

from . import calls, derivative, wrapper
from . import kinds as K
from .errors import NumbaADError
from .source import python_function


class _Compiled:
    """The derivatives of one function in one mode, one per argument kinds."""

    def __init__(self, f, mode, argnums=None):
        self.f, self.mode, self.argnums = f, mode, argnums
        self.name = python_function(f).__name__
        self._cache: dict = {}
        self._lock = threading.RLock()

    def get(self, kinds) -> derivative.Derivative:
        with self._lock:
            d = self._cache.get(kinds)
            if d is None:
                d = self._cache[kinds] = derivative.build(self.f, kinds, self.mode,
                                                          self.wrt(kinds))
            return d

    def wrt(self, kinds):
        """The arguments differentiated (None: every float one): those in argnums, which
        must not be integers."""
        if self.argnums is None:
            return None
        chosen = _positions(self.argnums)
        for i in chosen:
            if kinds[i] == K.INT:
                raise NumbaADError(f"grad({self.name}): argument {i} is an integer (a "
                                   "constant) and cannot be in argnums; pass a float")
        return tuple(i in chosen for i in range(len(kinds)))

    def select(self, grads):
        """The gradients argnums asks for (all of them, the one for a one-argument f)."""
        if self.argnums is None:
            return grads if len(grads) != 1 else grads[0]
        if isinstance(self.argnums, int):
            return grads[self.argnums]
        return tuple(grads[i] for i in self.argnums)


def _positions(argnums) -> tuple:
    return (argnums,) if isinstance(argnums, int) else tuple(argnums)


def _check_argnums(argnums, n, name):
    """None, an argument index or a tuple of them (normalized to a tuple)."""
    if argnums is None:
        return None
    ok = isinstance(argnums, int) and not isinstance(argnums, bool)
    if not ok and isinstance(argnums, (tuple, list)):
        argnums = tuple(argnums)
        ok = bool(argnums) and all(isinstance(i, int) and not isinstance(i, bool)
                                   for i in argnums)
    if not ok or any(not 0 <= i < n for i in _positions(argnums)):
        raise NumbaADError(f"grad({name}): argnums must be an argument index (0..{n - 1}) "
                           f"or a non-empty tuple of them, got {argnums!r}")
    return argnums


_MADE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # f -> {mode: function}
_MADE_LOCK = threading.Lock()


def _once(f, mode, make):
    """The function `make(f)` made for `f` in `mode` before, or a new one."""
    try:
        made = _MADE.setdefault(f, {})
    except TypeError:  # not weakly referenceable: not a numba function (make says so)
        return make(f)
    with _MADE_LOCK:
        if mode not in made:
            made[mode] = make(f)
        return made[mode]


def _arity(f) -> int:
    py = python_function(f)
    params = inspect.signature(py).parameters.values()
    if any(p.kind not in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params):
        raise NumbaADError(f"{py.__name__}: only functions of positional arguments can be "
                           "differentiated (no *args, **kwargs or keyword-only arguments)")
    return len(params)


def _stub(name: str, params: list, body):
    """`def name(params...): return body(params...)` with the real parameter list, so
    numba's @overload (which matches parameter names) can type it."""
    text = f"def stub({', '.join(params)}):\n    return _body({', '.join(params)})\n"
    scope = {"_body": lambda *a: body(a)}
    exec(text, scope)  # noqa: S102 - generated from integer counts only
    stub = scope["stub"]
    stub.__name__ = stub.__qualname__ = name  # any name, `grad_<lambda>` too
    return stub


def _kinds_of(args, fname) -> tuple:
    return tuple(K.of_value(a, i, fname) for i, a in enumerate(args))


def grad(f, argnums=None):
    """The gradient of `f` (an @njit or @cfunc function of float scalars, integers and
    1-D/2-D float arrays returning a float; float64 or float32): `grad(f)(x, n, a)`
    returns a float per float argument, an array of `a`'s shape and dtype per array
    argument and None per integer argument, as a tuple, or the one gradient itself when
    `f` has one argument. A float32 argument (np.float32) gets a float32 gradient.

    An integer argument (a Python int or NumPy integer, not a bool; in @njit code a
    numba integer type) is a constant: `f` is compiled for int64 there and it is passed
    unchanged, e.g. a loop count `for i in range(n)` or an index. Pass a float (3.0, not 3)
    for a scalar to be differentiated.

    `argnums` (an argument index or a tuple of them) chooses the arguments to
    differentiate: the others are constants (no shadow, no adjoint computed), and the
    gradient is that one argument's, or a tuple in the order of `argnums`.
    """
    n = _arity(f)
    argnums = _check_argnums(argnums, n, python_function(f).__name__)
    key = (wrapper.REVERSE, argnums)
    return _once(f, key, lambda f: _make_grad(f, argnums))


def _make_grad(f, argnums):
    compiled = _Compiled(f, wrapper.REVERSE, argnums)
    n = _arity(f)
    fname = f"grad({compiled.name})"

    def body(args):
        _count(fname, args, n)
        kinds = _kinds_of(args, fname)
        _, grads = calls.gradient(compiled.get(kinds), f, fname, args)
        return compiled.select(grads)

    params = [f"x{i}" for i in range(n)]
    stub = _stub(f"grad_{compiled.name}", params, body)
    from .overloads import register

    register(stub, compiled, params, n, fname)
    stub.derivative = compiled.get
    return stub


def jvp(f):
    """The directional derivative of `f`: `jvp(f)(x, n, a, dx, dn, da)` returns the
    derivative of `f` at (x, n, a) along (dx, dn, da) (a number for a float, an array of
    the same shape for an array), computed in forward mode; for `f` returning a tuple of
    floats, a tuple of the tangents of each. An integer argument `n` is a constant (see
    `grad`): its tangent `dn` is a placeholder that must be None or 0.
    """
    return _once(f, wrapper.FORWARD, _make_jvp)


def _make_jvp(f):
    compiled = _Compiled(f, wrapper.FORWARD)
    n = _arity(f)
    fname = f"jvp({compiled.name})"

    def body(args):
        _count(fname, args, 2 * n)
        kinds = _kinds_of(args[:n], fname)
        _, t = calls.tangent(compiled.get(kinds), f, fname, args[:n], args[n:])
        return t

    params = [f"x{i}" for i in range(n)] + [f"t{i}" for i in range(n)]
    stub = _stub(f"jvp_{compiled.name}", params, body)
    from .overloads import register

    register(stub, compiled, params, n, fname)
    stub.derivative = compiled.get
    return stub


def _count(fname, args, n):
    if len(args) != n:
        raise NumbaADError(f"{fname} takes {n} arguments, got {len(args)}")
