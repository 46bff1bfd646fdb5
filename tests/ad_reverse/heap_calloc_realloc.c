/* calloc and realloc inside the differentiated function: a calloc'd pair grown by
   realloc to n entries (a_i = a_(i-1) + x a_(i-2)); and an input copied into a calloc'd
   buffer bigger than it (the untouched entries stay zero and inactive), reallocated
   smaller, then summed with weights. */
#include "check.h"

double grow(double x, int n) {
  double *a = calloc(2, sizeof(double));
  a[0] = x;
  a[1] = 2 * x;
  a = realloc(a, n * sizeof(double));
  for (int i = 2; i < n; i++) a[i] = a[i - 1] + x * a[i - 2];
  double r = a[n - 1];
  free(a);
  return r;
}

double shrink(const double *x, int n) {
  double *b = calloc(2 * n, sizeof(double));
  for (int i = 0; i < n; i++) b[2 * i] = x[i] * x[i];
  b = realloc(b, (n + 1) * sizeof(double));
  double s = 0;
  for (int i = 0; i <= n; i++) s += b[i] * (i + 1);
  free(b);
  return s;
}

static double fd_grow(const double *p) { return grow(p[0], 9); }
static double fd_shrink(const double *p) { return shrink(p, 4); }

int main(void) {
  /* d_i = d_(i-1) + a_(i-2) + x d_(i-2) */
  double x = 0.6, a[9], d[9];
  a[0] = x, a[1] = 2 * x, d[0] = 1, d[1] = 2;
  for (int i = 2; i < 9; i++) {
    a[i] = a[i - 1] + x * a[i - 2];
    d[i] = d[i - 1] + a[i - 2] + x * d[i - 2];
  }
  double p[1] = {x}, wg[1] = {d[8]}, gg[1] = {__enzyme_autodiff((void *)grow, x, 9)};
  check_grad("grow", fd_grow, p, 1, gg, wg);
  check_fwd("grow fwd", __enzyme_fwddiff((void *)grow, x, 1.0, 9), gg[0], wg[0], 1e-12);

  /* b = x0^2, 0, x1^2, 0, x2^2 after the shrink: s = x0^2 + 3 x1^2 + 5 x2^2 */
  double v[4] = {0.7, -1.2, 0.4, 2.5}, dv[4] = {0}, ws[4] = {2 * v[0], 6 * v[1], 10 * v[2], 0};
  __enzyme_autodiff_v((void *)shrink, v, dv, 4);
  check_grad("shrink", fd_shrink, v, 4, dv, ws);
  double e[4] = {0};
  for (int k = 0; k < 4; k++) {
    e[k] = 1;
    check_fwd("shrink fwd", __enzyme_fwddiff((void *)shrink, v, e, 4), dv[k], ws[k], 1e-12);
    e[k] = 0;
  }
  return failures != 0;
}
