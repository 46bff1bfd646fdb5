/* Loops, phis, branches, selects, pointers: dup arrays and a const length. */
#include "check.h"

/* out[0] = sum_i w_i * x_i^2 (w_i = 1 + i), with a branch and a select in the body */
void sumsq(const double *x, double *out, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double v = x[i];
    if (v > 0.5)
      s += (1 + i) * v * v;
    else
      s -= v < 0.1 ? v : 2 * v;
  }
  out[0] = s;
}

/* Horner evaluation of a polynomial with coefficients c at t */
double horner(const double *c, int n, double t) {
  double r = 0;
  for (int i = n - 1; i >= 0; i--)
    r = r * t + c[i];
  return r;
}

int main(void) {
  double x[5] = {0.05, 0.3, 0.9, 1.5, -0.2}, dx[5] = {1, 1, 1, 1, 1};
  double out = 0, dout = 0;
  __enzyme_fwddiff((void *)sumsq, x, dx, enzyme_dup, &out, &dout, enzyme_const, 5);
  double want = -1 - 2 + 3 * 2 * 0.9 + 4 * 2 * 1.5 - 1;
  check("sumsq", dout, want, 1e-12);
  check("sumsq primal", out, -0.05 - 0.6 + 3 * 0.81 + 4 * 2.25 + 0.2, 1e-12);

  double c[4] = {1, -2, 0.5, 3}, dc[4] = {0, 0, 0, 0};
  double t = 0.8;
  double d = __enzyme_fwddiff((void *)horner, enzyme_dup, c, dc, enzyme_const, 4, t, 1.0);
  check("horner dt", d, -2 + 2 * 0.5 * t + 3 * 3 * t * t, 1e-12);
  dc[2] = 1; /* derivative w.r.t. c[2] is t^2 */
  d = __enzyme_fwddiff((void *)horner, enzyme_dup, c, dc, enzyme_const, 4, enzyme_const, t);
  check("horner dc2", d, t * t, 1e-12);
  return failures != 0;
}
