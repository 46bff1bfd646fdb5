/* Loops whose trip count is only known at run time (n read through a volatile): Horner's
   rule over duplicated coefficients with an active x (dc accumulates x^i, the result is
   dp/dx), and a product loop. */
#include "check.h"

double horner(const double *c, int n, double x) {
  double r = 0;
  for (int i = n - 1; i >= 0; i--) r = r * x + c[i];
  return r;
}

double powloop(double x, int n) {
  double r = 1;
  for (int i = 0; i < n; i++) r *= x;
  return r;
}

static volatile int runtime_n = 7;
static int n;

static double fd_horner(const double *p) { return horner(p, n, p[n]); }
static double fd_pow(const double *p) { return powloop(p[0], n); }

int main(void) {
  n = runtime_n;
  double c[8], dc[8] = {0}, x = 0.85, p[8];
  for (int i = 0; i < n; i++) c[i] = 0.5 - 0.3 * i + 0.07 * i * i;
  double dx = __enzyme_autodiff((void *)horner, c, dc, n, x);
  double want[8], got[8], dp = 0;
  for (int i = 0; i < n; i++) {
    want[i] = pow(x, i);
    got[i] = dc[i];
    p[i] = c[i];
    if (i > 0)
      dp += i * c[i] * pow(x, i - 1);
  }
  want[n] = dp, got[n] = dx, p[n] = x;
  check_grad("horner", fd_horner, p, n + 1, got, want);
  double e[8] = {0}, de[8] = {0};
  for (int i = 0; i < n; i++) {
    e[i] = 1;
    check_fwd("horner fwd c", __enzyme_fwddiff((void *)horner, c, e, n, x, 0.0), dc[i], want[i],
              1e-12);
    e[i] = 0;
  }
  check_fwd("horner fwd x", __enzyme_fwddiff((void *)horner, c, de, n, x, 1.0), dx, dp, 1e-12);

  double q[1] = {1.15}, wq[1] = {n * pow(q[0], n - 1)};
  double gq[1] = {__enzyme_autodiff((void *)powloop, q[0], n)};
  check_grad("powloop", fd_pow, q, 1, gq, wq);
  check_fwd("powloop fwd", __enzyme_fwddiff((void *)powloop, q[0], 1.0, n), gq[0], wq[0], 1e-12);
  return failures != 0;
}
