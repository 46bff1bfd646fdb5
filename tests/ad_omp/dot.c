/* A parallel dot product with `reduction(+:s)`: f = (sum_k x_k y_k)^2. The gradient
   (reverse mode) and a directional derivative (forward mode) are checked against the
   serial program's, differentiated in the same program, and against central finite
   differences. */
#include "omp_check.h"

extern int enzyme_dup, enzyme_const;
extern void __enzyme_autodiff(void *, ...);
extern double __enzyme_fwddiff(void *, ...);

#define N 37

double pdot(const double *x, const double *y, int n) {
  double s = 0;
#pragma omp parallel for reduction(+ : s)
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s * s;
}

double sdot(const double *x, const double *y, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s * s;
}

int main(void) {
  double x[N], y[N], v[N], w[N];
  double dx[N] = {0}, dy[N] = {0}, sx[N] = {0}, sy[N] = {0};
  for (int k = 0; k < N; k++) {
    x[k] = sin(k + 1.0);
    y[k] = cos(0.5 * k) + 0.25;
    v[k] = 0.1 * (k % 5) - 0.2;
    w[k] = 0.05 * (k % 3) + 0.1;
  }
  __enzyme_autodiff((void *)sdot, enzyme_dup, x, sx, enzyme_dup, y, sy, enzyme_const, N);
  __enzyme_autodiff((void *)pdot, enzyme_dup, x, dx, enzyme_dup, y, dy, enzyme_const, N);
  for (int i = 0; i < N; i++) {
    check("reverse dx vs serial", dx[i], sx[i], 1e-12, &worst_serial);
    check("reverse dy vs serial", dy[i], sy[i], 1e-12, &worst_serial);
  }
  double st = __enzyme_fwddiff((void *)sdot, enzyme_dup, x, v, enzyme_dup, y, w, enzyme_const, N);
  double t = __enzyme_fwddiff((void *)pdot, enzyme_dup, x, v, enzyme_dup, y, w, enzyme_const, N);
  check("forward vs serial", t, st, 1e-12, &worst_serial);
  check("primal vs serial", pdot(x, y, N), sdot(x, y, N), 1e-12, &worst_serial);

  double h = 1e-6, xp[N], yp[N], xm[N], ym[N];
  for (int i = 0; i < N; i++) {
    xp[i] = x[i] + h * v[i]; yp[i] = y[i] + h * w[i];
    xm[i] = x[i] - h * v[i]; ym[i] = y[i] - h * w[i];
  }
  double fd = (pdot(xp, yp, N) - pdot(xm, ym, N)) / (2 * h), g = 0;
  for (int i = 0; i < N; i++) g += dx[i] * v[i] + dy[i] * w[i];
  check("forward vs finite differences", t, fd, 1e-6, &worst_fd);
  check("reverse . v vs finite differences", g, fd, 1e-6, &worst_fd);
  return verdict("dot");
}
