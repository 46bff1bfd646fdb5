// Reverse mode through `invoke` whose unwind paths only clean up and leave the function:
// destructors of locals (a std::vector temporary, a struct with a non-trivial destructor)
// run when a call throws, and the gradient follows the normal flow. Checked against
// analytic derivatives and central finite differences. (Compiled WITH exceptions.)
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>
extern "C" {
extern int enzyme_dup, enzyme_const;
double __enzyme_autodiff(void *, ...);
}

int destroyed = 0;

struct Guard {
  double scale;
  explicit Guard(double s) : scale(s) {}
  ~Guard() { ++destroyed; }
};

__attribute__((noinline)) void check(int n) noexcept(false) {
  if (n < 0) throw std::invalid_argument("negative");
}

__attribute__((noinline)) double risky(double x) {
  if (x > 10) throw std::domain_error("too big");
  return x * x * std::sin(x);
}

// a Guard alive across two calls that may throw (one of them differentiated)
double guarded(double x) {
  Guard g(2.0);
  double r = risky(x);
  check(1);
  return g.scale * r * x;
}

// a buffer owned by a local object alive across calls that may throw, in a loop
struct Buf {
  double *p;
  explicit Buf(int n) : p(new double[n]) {}
  ~Buf() { delete[] p; }
};

double cubes(const double *x, int n) {
  check(n);
  Buf t(n);
  double s = 0;
  for (int i = 0; i < n; ++i) {
    check(i);
    t.p[i] = x[i] * x[i];
    s += t.p[i] * x[i];
  }
  return s;
}

// a std::vector temporary built by libstdc++'s range constructor (at -O0 its allocator
// chain returns the `new`ed storage through several functions, each passing its shadow on)
double sumsq(const double *x, int n) {
  check(n);
  std::vector<double> t(x, x + n);
  double s = 0;
  for (int i = 0; i < n; ++i) {
    check(i);
    s += t[i] * t[i] * x[i];
  }
  return s;
}

static int bad(const char *what, double got, double want, double tol) {
  int wrong = !(std::fabs(got - want) <= tol * (1 + std::fabs(want)));
  std::printf("%s %s: %.15g want %.15g\n", wrong ? "FAIL" : "ok", what, got, want);
  return wrong;
}

int main() {
  int fails = 0;
  const double h = 1e-6;
  for (double x : {0.5, 1.3, -0.7}) {
    double d = __enzyme_autodiff((void *)guarded, x);
    double want = 2 * (3 * x * x * std::sin(x) + x * x * x * std::cos(x));
    double fd = (guarded(x + h) - guarded(x - h)) / (2 * h);
    fails += bad("guarded", d, want, 1e-12) + bad("guarded fd", d, fd, 1e-6);
  }
  double x[4] = {0.5, 1.5, -0.7, 2.0}, dc[4] = {0, 0, 0, 0}, ds[4] = {0, 0, 0, 0};
  __enzyme_autodiff((void *)cubes, enzyme_dup, x, dc, enzyme_const, 4);
  __enzyme_autodiff((void *)sumsq, enzyme_dup, x, ds, enzyme_const, 4);
  for (int i = 0; i < 4; ++i) {
    double xp[4], xm[4];
    for (int k = 0; k < 4; ++k) xp[k] = xm[k] = x[k];
    xp[i] += h;
    xm[i] -= h;
    double fc = (cubes(xp, 4) - cubes(xm, 4)) / (2 * h);
    double fs = (sumsq(xp, 4) - sumsq(xm, 4)) / (2 * h);
    fails += bad("cubes", dc[i], 3 * x[i] * x[i], 1e-12) + bad("cubes fd", dc[i], fc, 1e-6);
    fails += bad("sumsq", ds[i], 3 * x[i] * x[i], 1e-12) + bad("sumsq fd", ds[i], fs, 1e-6);
  }
  return fails != 0;
}
