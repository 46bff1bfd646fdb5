"""Random differentiable C functions for the AD differential fuzzer (tools/fuzz_ad.py).

Each generated function is

    double fN(const double *x, double y, int n)

of four array inputs x[0..3] and one scalar y (all active) and a trip count n (constant).
Its body mixes float arithmetic, libm calls, branches on float comparisons, counted loops
(with `break`, `switch` and array indexing by the induction variable), a local array and
calls to generated helper functions (by value and through pointers). Every value stays
bounded (divisions by 1 + e*e, exponentials of bounded arguments, logarithms of
positive arguments) so the function is finite near the test point; branches and
piecewise functions make it only piecewise smooth, which the comparison allows for.

All locals are declared, initialised, at the top, and every statement is one line, so
the reducer can delete any statement line and still have a valid program.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

ARRAY = 4  # elements of x and of the local array t

# libm functions of one argument, each with how to keep its argument in its domain and
# its result bounded ("{}" is the argument expression).
UNARY = (
    "sin({})", "cos({})", "tanh({})", "atan({})", "exp(sin({}))", "exp(-({0})*({0}))",
    "log(1.0 + ({0})*({0}))", "sqrt(1.0 + ({0})*({0}))", "log1p(({0})*({0}))", "expm1(tanh({}))",
    "erf({})", "erfc({})", "sinh(tanh({}))", "cosh(tanh({}))", "asinh({})", "acos(0.9*tanh({}))",
    "asin(0.9*tanh({}))", "atanh(0.9*tanh({}))", "cbrt(1.0 + ({0})*({0}))", "exp2(sin({}))",
    "log2(2.0 + ({0})*({0}))", "log10(1.5 + sin({}))", "tan(0.5*tanh({}))", "fabs({})",
    "lgamma(1.5 + ({0})*({0}))", "tgamma(1.2 + 0.5*tanh({}))", "acosh(1.5 + ({0})*({0}))",
    "floor({})", "ceil({})", "round({})", "trunc({})", "(double)(long)({})",
    "pow(1.0 + ({0})*({0}), 0.75)", "pow(1.25, sin({}))", "ldexp({}, -1)", "square({})",
)
BINARY = (
    "({0} + {1})", "({0} - {1})", "({0} * {1})", "({0} / (1.0 + ({1})*({1})))",
    "({0} / (2.0 + sin({1})))", "atan2({0}, 1.0 + ({1})*({1}))", "hypot({0}, 1.0 + {1})",
    "fmin({0}, {1})", "fmax({0}, {1})", "pow(1.0 + ({0})*({0}), tanh({1}))",
    "fmod({0}, 0.75 + ({1})*({1}))", "copysign({0}, {1})", "fma({0}, {1}, 0.5)",
    "({0} > {1} ? {0} : {1})", "({0} < 0.25 ? {1} * {0} : sin({1}))",
)
COMPARE = ("<", ">", "<=", ">=")
CONSTANTS = ("0.5", "1.25", "-0.75", "2.0", "0.125", "3.0", "-1.5")


@dataclass
class Generated:
    """One function under test: its C text (helpers first) and the point to test at."""

    name: str
    helpers: list[str] = field(default_factory=list)
    body: list[str] = field(default_factory=list)
    x: tuple[float, ...] = ()
    y: float = 0.0
    n: int = 3

    def source(self) -> str:
        head = f"double {self.name}(const double *x, double y, int n) {{"
        return "\n".join([*self.helpers, head, *("  " + s for s in self.body), "}", ""])


class _Gen:
    def __init__(self, rng: random.Random, name: str):
        self.rng = rng
        self.name = name
        self.helpers: list[str] = []
        self.scalars = ["v0", "v1", "v2"]
        self.scope = ("x", "t", "locals")  # what a leaf may name where the code is generated
        self.helper_names: list[tuple[str, str]] = []

    # -- expressions ---------------------------------------------------------------
    def leaf(self, loop: str | None, extra: tuple[str, ...] = ()) -> str:
        r = self.rng
        choices = [r.choice(CONSTANTS), *extra]
        if "x" in self.scope:
            choices += [f"x[{r.randrange(ARRAY)}]"]
        if "t" in self.scope:
            choices += [f"t[{r.randrange(ARRAY)}]"]
        if "locals" in self.scope:
            choices += ["y", r.choice(self.scalars), r.choice(self.scalars)]
        if loop:
            choices += [f"x[{loop} % {ARRAY}]", f"t[({loop} + 1) % {ARRAY}]", f"(0.25 * {loop})"]
        return r.choice(choices)

    def expr(self, depth: int, loop: str | None = None, extra: tuple[str, ...] = ()) -> str:
        r = self.rng
        if depth <= 0 or r.random() < 0.25:
            return self.leaf(loop, extra)
        pick = r.random()
        if pick < 0.4:
            return r.choice(UNARY).format(self.expr(depth - 1, loop, extra))
        scalar_helpers = [name for name, kind in self.helper_names if kind == "scalar"]
        if pick < 0.9 or not scalar_helpers or "locals" not in self.scope:
            return r.choice(BINARY).format(self.expr(depth - 1, loop, extra), self.expr(depth - 1, loop, extra))
        helper = r.choice(scalar_helpers)
        return f"{helper}({self.expr(depth - 1, loop, extra)}, {self.expr(depth - 1, loop, extra)})"

    def bounded(self, depth: int, loop: str | None = None) -> str:
        """An expression in [-1, 1]-ish, safe to multiply into an accumulator in a loop."""
        return self.rng.choice(("sin({})", "tanh({})", "cos({})", "0.5 * atan({})")).format(
            self.expr(depth, loop))

    # -- statements (one line each) ----------------------------------------------------
    def target(self, loop: str | None) -> str:
        r = self.rng
        if r.random() < 0.3:
            index = f"{loop} % {ARRAY}" if loop and r.random() < 0.5 else str(r.randrange(ARRAY))
            return f"t[{index}]"
        return r.choice(self.scalars)

    def assignment(self, loop: str | None) -> str:
        r = self.rng
        lhs = self.target(loop)
        kind = r.random()
        if kind < 0.4:
            return f"{lhs} = {self.expr(3, loop)};"
        if kind < 0.7:
            return f"{lhs} += {self.expr(2, loop)};"
        if kind < 0.85:
            return f"{lhs} -= 0.5 * {self.bounded(2, loop)};"
        return f"{lhs} *= 0.75 + 0.25 * {self.bounded(2, loop)};"

    def simple(self, loop: str | None) -> str:
        r = self.rng
        if self.helper_names and r.random() < 0.2:
            name, kind = r.choice(self.helper_names)
            if kind == "pointer":
                return f"{name}(t, x, {self.expr(2, loop)}, n);"
            return f"{self.target(loop)} = {name}({self.expr(2, loop)}, {self.expr(2, loop)});"
        return self.assignment(loop)

    def index(self, loop: str | None) -> str:
        """An array index: constant, the induction variable, or computed from a float
        (data-dependent addressing, which reverse mode must replay)."""
        r = self.rng
        pick = r.random()
        if loop and pick < 0.4:
            return f"{loop} % {ARRAY}"
        if pick < 0.7:
            return str(r.randrange(ARRAY))
        return f"(int)(3.9 * fabs(sin({self.leaf(loop)})))"

    def statement(self, depth: int = 0) -> str:
        r = self.rng
        pick = r.random()
        if depth > 0 or pick < 0.35:
            return self.simple(None)
        if pick < 0.47:
            cond = f"{self.expr(2)} {r.choice(COMPARE)} {self.expr(1)}"
            return f"if ({cond}) {{ {self.simple(None)} }} else {{ {self.simple(None)} }}"
        if pick < 0.55:  # elementwise over the arrays: SLP/loop vectorization at -O2
            op = r.choice(("t[i] * (0.5 + 0.25 * sin(x[i]))", "t[i] + x[i] * y",
                           "fma(t[i], 0.5, x[i])", "sqrt(1.0 + t[i] * t[i])", "t[i] * x[i]",
                           "(t[i] > x[i] ? t[i] : x[i])", "0.5 * (t[i] + x[(i + 1) % 4])"))
            return f"for (int i = 0; i < {ARRAY}; i++) {{ t[i] = {op}; }}"
        if pick < 0.6:  # data-dependent addresses
            return f"t[{self.index(None)}] {r.choice(('=', '+='))} {self.expr(2)} + x[{self.index(None)}];"
        if pick < 0.64:  # a while loop whose trip count depends on floats
            v = r.choice(self.scalars)
            return (f"for (int w = 0; w < 8 && {v} < 2.0; w++) "
                    f"{{ {v} += 0.25 + 0.125 * {self.bounded(1)}; {self.simple(None)} }}")
        if pick < 0.67:
            return f"memcpy(t, x, sizeof(double) * {r.randint(1, ARRAY)});"
        loop = "i"
        body = [self.simple(loop) for _ in range(r.randint(1, 3))]
        extra = r.random()
        if extra < 0.2:
            body.insert(r.randrange(len(body) + 1),
                        f"if ({self.expr(2, loop)} > {r.choice(('1.5', '2.0', '0.9'))}) break;")
        elif extra < 0.35:
            body.append(f"switch ({loop} % 3) {{ case 0: {self.simple(loop)} break; "
                        f"case 1: {self.simple(loop)} break; default: {self.simple(loop)} }}")
        elif extra < 0.5:
            inner = f"for (int j = 0; j < 2; j++) {{ t[(i + j) % {ARRAY}] += 0.5 * {self.bounded(1, loop)}; }}"
            body.append(inner)
        elif extra < 0.6:
            body.append(f"t[{self.index(loop)}] += 0.25 * {self.bounded(1, loop)};")
        bound = r.choice(("n", "n", f"{ARRAY}", "n - 1"))
        return f"for (int {loop} = 0; {loop} < {bound}; {loop}++) {{ {' '.join(body)} }}"

    # -- helpers -------------------------------------------------------------------------
    def make_helpers(self) -> None:
        r = self.rng
        for k in range(r.choice((0, 1, 1, 2))):
            name = f"{self.name}_h{k}"
            kind = r.random()
            if kind < 0.15:  # recursion (a scalar helper of (value, depth))
                self.scope = ()
                e = self.expr(2, extra=("a", "a"))
                self.scope = ("x", "t", "locals")
                self.helpers.append(f"static double {name}(double a, double b) {{ "
                                    f"return b < 1.0 ? a : 0.5 * {e} + {name}(0.9 * a, b - 1.0); }}")
                self.helper_names.append((name, "scalar"))
            elif kind < 0.6:
                self.scope = ()
                e1 = self.expr(3, extra=("a", "b", "a", "b"))
                e2 = self.expr(2, extra=("a", "b", "c"))
                self.scope = ("x", "t", "locals")
                attr = r.choice(("static ", "static ", "__attribute__((noinline)) static "))
                self.helpers.append(f"{attr}double {name}(double a, double b) {{ "
                                    f"double c = {e1}; if (c > b) c = c * 0.5 + {e2}; return c; }}")
                self.helper_names.append((name, "scalar"))
            else:
                self.scope = ("x", "t")
                e = self.expr(2, loop="k", extra=("s", "s"))
                self.scope = ("x", "t", "locals")
                attr = r.choice(("static ", "__attribute__((noinline)) static "))
                self.helpers.append(
                    f"{attr}void {name}(double *t, const double *x, double s, int n) {{ "
                    f"for (int k = 0; k < n; k++) t[k % {ARRAY}] += 0.25 * tanh({e}); }}")
                self.helper_names.append((name, "pointer"))

    def function(self) -> Generated:
        r = self.rng
        self.make_helpers()
        g = Generated(self.name, helpers=self.helpers)
        g.body.append("double v0 = x[0], v1 = y, v2 = 0.5;")
        heap = r.random() < 0.25
        if heap:  # the local array on the heap (its shadow on the shadow heap)
            g.body.append(f"double *t = malloc(sizeof(double) * {ARRAY}); "
                          f"t[0] = x[1]; t[1] = x[2]; t[2] = y; t[3] = 0.25;")
        else:
            g.body.append(f"double t[{ARRAY}] = {{x[1], x[2], y, 0.25}};")
        g.body += [self.statement() for _ in range(r.randint(2, 7))]
        terms = ["v0", "v1", "v2", *(f"t[{k}]" for k in range(ARRAY))]
        r.shuffle(terms)
        result = " + ".join(terms[:r.randint(2, len(terms))])
        g.body.append(f"double result = {result}; free(t); return result;" if heap else f"return {result};")
        g.x = tuple(round(r.uniform(-1.2, 1.2), 3) for _ in range(ARRAY))
        g.y = round(r.uniform(-1.2, 1.2), 3)
        g.n = r.randint(1, 5)
        return g


def generate(seed: int, index: int) -> Generated:
    """Program `index` of the run with `seed` (independent of every other program)."""
    rng = random.Random(f"{seed}:{index}")
    return _Gen(rng, f"f{index}").function()
