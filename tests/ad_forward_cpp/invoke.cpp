// Forward mode through C++ exception edges (compiled with exceptions on, as clang++ does):
// differentiated functions whose calls are `invoke`s with landing pads - the destructor of
// a local std::vector run on the cleanup path, try/catch around a call that throws for
// some inputs (the exception is thrown and caught inside the differentiated function),
// rethrow to the caller, and operator new invoked while a local object is live.
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include <vector>

struct d2 { double a, b; };
extern "C" {
extern int enzyme_dup, enzyme_const, enzyme_width;
double __enzyme_fwddiff(void *, ...);
d2 __enzyme_fwddiff_w2(void *, ...);
}

static int failures;
static void check(const char *what, double got, double want, double tol) {
  double err = std::fabs(got - want) / (std::fabs(want) > 1 ? std::fabs(want) : 1);
  if (!(err <= tol)) {
    std::printf("FAIL %s: got %.17g want %.17g\n", what, got, want);
    failures++;
  }
}

// may throw: a user function, differentiated as a call with an unwind edge
__attribute__((noinline)) double risky(double x) {
  if (x > 10) throw std::domain_error("too big");
  return x * x * std::sin(x);
}

// a local vector (its destructor runs on the exception path: a cleanup landing pad)
__attribute__((noinline)) double with_vector(double x) {
  std::vector<double> v(3);
  v[0] = x;
  v[1] = risky(x);
  v[2] = std::exp(v[0] * 0.5);
  return v[0] * v[1] + v[2];
}

// try/catch around the throwing call: the catch computes another formula
__attribute__((noinline)) double guarded(double x) {
  double r;
  try {
    r = risky(x);
  } catch (const std::domain_error &) {
    r = 3 * x + std::log(x);
  }
  return r * x;
}

// an object with a destructor, and an exception that leaves this function
struct Scale {
  std::vector<double> w;
  explicit Scale(double x) : w(2, x) {}
  ~Scale() { w.clear(); }
};
__attribute__((noinline)) double leaves(double x) {
  Scale s(x);
  double t = risky(s.w[0] * 2);
  return t + s.w[1];
}
double catch_outside(double x) {
  try {
    return leaves(x);
  } catch (const std::exception &) {
    return -x * x;
  }
}

// through a pointer: the shadow written before and after the invoke
__attribute__((noinline)) void scale_into(double *out, const double *in, int n) {
  std::vector<double> tmp(in, in + n);
  for (int i = 0; i < n; i++) out[i] = risky(tmp[i]) + tmp[i];
}

static double drisky(double x) { return 2 * x * std::sin(x) + x * x * std::cos(x); }

int main() {
  double x = 0.7;
  double want = risky(x) + x * drisky(x) + 0.5 * std::exp(0.5 * x);
  check("vector, no throw", __enzyme_fwddiff((void *)with_vector, x, 1.0), want, 1e-12);
  double e = 1e-6;
  check("vector vs finite differences", __enzyme_fwddiff((void *)with_vector, x, 1.0),
        (with_vector(x + e) - with_vector(x - e)) / (2 * e), 1e-7);

  check("guarded, no throw", __enzyme_fwddiff((void *)guarded, x, 1.0),
        risky(x) + x * drisky(x), 1e-12);
  double X = 12.0;  // risky throws: the catch's formula (3X + log X) X
  check("guarded, thrown and caught", __enzyme_fwddiff((void *)guarded, X, 1.0),
        6 * X + std::log(X) + 1, 1e-12);
  check("guarded vs finite differences", __enzyme_fwddiff((void *)guarded, X, 1.0),
        (guarded(X + e) - guarded(X - e)) / (2 * e), 1e-7);

  // vector mode: two directions through the invoke of the tangent of risky
  d2 w = __enzyme_fwddiff_w2((void *)guarded, enzyme_width, 2, x, 1.0, -2.0);
  check("guarded, width 2, lane 0", w.a, risky(x) + x * drisky(x), 1e-12);
  check("guarded, width 2, lane 1", w.b, -2 * (risky(x) + x * drisky(x)), 1e-12);
  w = __enzyme_fwddiff_w2((void *)guarded, enzyme_width, 2, X, 1.0, 0.5);
  check("guarded, width 2, caught", w.b, 0.5 * (6 * X + std::log(X) + 1), 1e-12);

  // leaves(x) = risky(2x) + x, throwing for x > 5 to catch_outside
  check("leaves, no throw", __enzyme_fwddiff((void *)catch_outside, x, 1.0),
        2 * drisky(2 * x) + 1, 1e-12);
  check("leaves, thrown through a cleanup", __enzyme_fwddiff((void *)catch_outside, 6.0, 1.0),
        -12.0, 1e-12);

  double in[3] = {0.3, 1.1, 2.0}, din[3] = {1, 0.5, -1}, out[3], dout[3];
  __enzyme_fwddiff((void *)scale_into, out, dout, in, din, enzyme_const, 3);
  for (int i = 0; i < 3; i++) {
    check("pointer out", out[i], risky(in[i]) + in[i], 1e-15);
    check("pointer tangent", dout[i], (drisky(in[i]) + 1) * din[i], 1e-12);
  }
  return failures != 0;
}
