/* C11 atomics on floats that clang writes as compare-and-swap loops over the integer bits
   (load atomic i64, bitcast, fadd, bitcast, cmpxchg, branch on success) instead of
   `atomicrmw fadd`: compound assignment to `_Atomic double` / `_Atomic float`, and a
   hand-written atomic_compare_exchange loop whose first attempt fails, so the shadow must
   change once per successful exchange only. */
#include <stdatomic.h>
#include "check.h"

/* *p += x^2 then *p *= x */
void update(_Atomic double *p, double x) {
  *p += x * x;
  *p *= x;
}

/* a local atomic accumulator, returned */
double local(double x, double y) {
  _Atomic double s = 1.0;
  s += x * y;
  s -= y / x;
  return s;
}

/* a dot product accumulated atomically */
void dot(_Atomic double *acc, const double *a, const double *b, int n) {
  for (int i = 0; i < n; i++) *acc += a[i] * b[i];
}

/* float: i32 bits */
void updatef(_Atomic float *p, float x) {
  *p += x * x;
  *p -= sinf(x);
}

/* the expected value is stale on the first attempt: that exchange fails (and must not
   touch the shadow), the second succeeds with *p * k + x from the value it observed */
__attribute__((noinline)) int cas_scale(_Atomic double *p, double k, double x) {
  double expected = -12345.0;
  int attempts = 1;
  while (!atomic_compare_exchange_strong(p, &expected, expected * k + x)) attempts++;
  return attempts;
}

/* one attempt: stores v only when *p holds `guess`; returns v times the outcome (1/0)
   plus the value observed */
double cas_once(_Atomic double *p, double guess, double v) {
  double expected = guess;
  int ok = atomic_compare_exchange_strong(p, &expected, v);
  return ok * v + expected;
}

double scale_twice(_Atomic double *p, double k, double x) {
  int a = cas_scale(p, k, x);
  int b = cas_scale(p, k, x);
  return (a + b) * atomic_load(p);
}

static double local_ref(double x, double y) { return 1.0 + x * y - y / x; }

int main(void) {
  _Atomic double s = 2.0;
  double ds = 0.5, x = 1.5;
  __enzyme_fwddiff((void *)update, &s, &ds, x, 1.0);
  /* s = (2 + x^2) x;  ds = (0.5 + 2x) x + (2 + x^2) */
  check("update", s, (2 + x * x) * x, 1e-15);
  check("update tangent", ds, (0.5 + 2 * x) * x + (2 + x * x), 1e-12);

  double y = 0.8;
  double dl = __enzyme_fwddiff((void *)local, x, 1.0, y, 0.0);
  check("local d/dx", dl, y + y / (x * x), 1e-12);
  double e = 1e-6;
  check("local d/dx vs finite differences", dl,
        (local_ref(x + e, y) - local_ref(x - e, y)) / (2 * e), 1e-7);
  check("local d/dy", __enzyme_fwddiff((void *)local, enzyme_const, x, y, 1.0), x - 1 / x,
        1e-12);

  _Atomic double acc = 0.25;
  double dacc = 1.0, a[3] = {1, 2, 3}, da[3] = {1, 0, -1}, b[3] = {0.5, -1, 4};
  __enzyme_fwddiff((void *)dot, &acc, &dacc, a, da, enzyme_const, b, 3);
  check("dot", acc, 0.25 + 0.5 - 2 + 12, 1e-15);
  check("dot tangent", dacc, 1.0 + 0.5 - 4, 1e-12);

  _Atomic float f = 1.0f;
  float df = 0.25f, xf = 0.5f;
  __enzyme_fwddiff((void *)updatef, &f, &df, (double)xf, 2.0);
  check("float", f, 1.0f + xf * xf - sinf(xf), 1e-6);
  check("float tangent", df, 0.25 + 2 * (2 * xf - cosf(xf)), 1e-6);

  /* p0 -> p0 k + x -> (p0 k + x) k + x, each call's loop failing once first */
  _Atomic double p = 3.0;
  double dp = 1.0, k = 0.5;
  double r = __enzyme_fwddiff((void *)scale_twice, &p, &dp, k, 0.0, x, 1.0);
  double p1 = 3.0 * k + x, p2 = p1 * k + x;
  check("cas", p, p2, 1e-15);
  /* dp1 = dp0 k + dx, dp2 = dp1 k + dx (only the successful exchanges count) */
  double dp1 = 1.0 * k + 1.0, dp2 = dp1 * k + 1.0;
  check("cas tangent", dp, dp2, 1e-12);
  check("cas result", r, 4 * dp2, 1e-12);

  /* a failed exchange leaves the shadow alone; the observed value's tangent is the
     shadow's */
  _Atomic double q = 2.0;
  double dq = 0.75;
  double o = __enzyme_fwddiff((void *)cas_once, &q, &dq, 5.0, 1.0, 7.0, 3.0);
  check("cas failed", q, 2.0, 0);
  check("cas failed shadow", dq, 0.75, 0);
  check("cas failed result", o, 0.75, 1e-15);
  o = __enzyme_fwddiff((void *)cas_once, &q, &dq, 2.0, 1.0, 7.0, 3.0);
  check("cas succeeded", q, 7.0, 0);
  check("cas succeeded shadow", dq, 3.0, 0);
  check("cas succeeded result", o, 3.0 + 1.0, 1e-15); /* ok * dv + d(expected) = d(guess) */
  return failures != 0;
}
