/* CFLAGS: -ffast-math */
/* Reductions the vectorizer makes under fast math: sums (vector.reduce.fadd), products
   (vector.reduce.fmul), maxima and minima (vector.reduce.fmax/fmin), and element-wise
   loops over doubles and floats. */
#include "check.h"
#define N 24

double vsum(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * x[i];
  return s;
}
double vprod(const double *x, int n) {
  double p = 1;
  for (int i = 0; i < n; i++) p *= x[i];
  return p;
}
double vmax(const double *x, int n) {
  double m = -1e300;
  for (int i = 0; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}
double vmin(const double *x, int n) {
  double m = 1e300;
  for (int i = 0; i < n; i++) m = fmin(m, x[i] * 2);
  return m;
}
float fsum(const float *x, int n) {
  float s = 0;
  for (int i = 0; i < n; i++) s += x[i] * 3;
  return s;
}

int main(void) {
  double x[N], dx[N], want_sum = 0, want_prod = 0, p = 1;
  float fx[N], dfx[N];
  int imax = 0, imin = 0;
  for (int i = 0; i < N; i++) {
    x[i] = 1 + 0.01 * ((i * 7) % N) - 0.1;
    dx[i] = 0.5 + 0.1 * i;
    fx[i] = (float)i;
    dfx[i] = 1.0f;
    want_sum += 2 * x[i] * dx[i];
    p *= x[i];
    if (x[i] > x[imax]) imax = i;
    if (x[i] < x[imin]) imin = i;
  }
  for (int i = 0; i < N; i++) want_prod += dx[i] / x[i];
  want_prod *= p;
  check("vsum", __enzyme_fwddiff((void *)vsum, x, dx, enzyme_const, N), want_sum, 1e-10);
  check("vprod", __enzyme_fwddiff((void *)vprod, x, dx, enzyme_const, N), want_prod, 1e-10);
  check("vmax", __enzyme_fwddiff((void *)vmax, x, dx, enzyme_const, N), dx[imax], 1e-12);
  check("vmin", __enzyme_fwddiff((void *)vmin, x, dx, enzyme_const, N), 2 * dx[imin], 1e-12);
  check("fsum", __enzyme_fwddiff((void *)fsum, fx, dfx, enzyme_const, N), 3.0 * N, 1e-5);
  return failures != 0;
}
