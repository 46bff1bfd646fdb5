/* Gradients are added to the shadows, never stored: a shadow that starts non-zero ends
   at its start value plus the gradient; two calls at two points sum both gradients;
   the same shadow passed for two arguments (aliasing shadows of distinct primals) gets
   both contributions. */
#include "check.h"

double sumsq(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * x[i] * x[i];
  return s;
}

double two(const double *a, const double *b, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += a[i] * b[i] * b[i];
  return s;
}

static double fd_sumsq(const double *p) { return sumsq(p, 3); }

int main(void) {
  double x[3] = {0.5, -1.5, 2.0}, y[3] = {1.0, 0.25, -0.75};
  double dx[3] = {1.0, 2.0, 3.0}, want[3], g[3] = {0};
  __enzyme_autodiff_v((void *)sumsq, x, dx, 3);
  for (int i = 0; i < 3; i++) check("start + gradient", dx[i], (i + 1) + 3 * x[i] * x[i], 1e-12);
  __enzyme_autodiff_v((void *)sumsq, y, dx, 3);
  for (int i = 0; i < 3; i++)
    check("two points", dx[i], (i + 1) + 3 * x[i] * x[i] + 3 * y[i] * y[i], 1e-12);
  __enzyme_autodiff_v((void *)sumsq, x, g, 3);
  for (int i = 0; i < 3; i++) want[i] = 3 * x[i] * x[i];
  check_grad("sumsq", fd_sumsq, x, 3, g, want);
  double e[3] = {0};
  for (int i = 0; i < 3; i++) {
    e[i] = 1;
    check_fwd("sumsq fwd", __enzyme_fwddiff((void *)sumsq, x, e, 3), g[i], want[i], 1e-12);
    e[i] = 0;
  }
  /* one shadow for both arguments: d/da + d/db = b^2 + 2 a b */
  double s[3] = {0};
  __enzyme_autodiff_v((void *)two, x, s, y, s, 3);
  for (int i = 0; i < 3; i++) check("shared shadow", s[i], y[i] * y[i] + 2 * x[i] * y[i], 1e-12);
  return failures != 0;
}
