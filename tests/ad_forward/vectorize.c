/* Loops the -O2 vectorizer turns into <2 x double> code: element-wise maps (wide loads,
   stores, fmul/fadd), a reduction (vector.reduce.fadd under reassociation), a
   conditional select per element. */
#include "check.h"
#define N 37

void axpy(double a, const double *x, double *y, int n) {
  for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i] * y[i];
}
double sumsq(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) {
#pragma clang fp reassociate(on)
    s += x[i] * x[i];
  }
  return s;
}
double relu_sum(const double *x, double *out, int n) {
  for (int i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] * 3 : x[i] * 0.5;
  double s = 0;
  for (int i = 0; i < n; i++) s += out[i];
  return s;
}

int main(void) {
  double x[N], dx[N], y[N], dy[N], out[N], dout[N];
  double want_sumsq = 0, want_relu = 0;
  for (int i = 0; i < N; i++) {
    x[i] = 0.1 * i - 1.3;
    dx[i] = 1.0 + 0.01 * i;
    y[i] = 0.5 + 0.02 * i;
    dy[i] = 0.25;
    want_sumsq += 2 * x[i] * dx[i];
    want_relu += (x[i] > 0 ? 3 : 0.5) * dx[i];
  }
  double y0[N], dy0[N];
  for (int i = 0; i < N; i++) { y0[i] = y[i]; dy0[i] = dy[i]; }
  double a = 1.5;
  __enzyme_fwddiff((void *)axpy, a, 1.0, x, dx, y, dy, enzyme_const, N);
  for (int i = 0; i < N; i++) {
    check("axpy y", y[i], a * x[i] + y0[i] * y0[i], 1e-12);
    check("axpy dy", dy[i], x[i] + a * dx[i] + 2 * y0[i] * dy0[i], 1e-12);
  }
  check("sumsq", __enzyme_fwddiff((void *)sumsq, x, dx, enzyme_const, N), want_sumsq, 1e-12);
  check("relu_sum", __enzyme_fwddiff((void *)relu_sum, x, dx, out, dout, enzyme_const, N),
        want_relu, 1e-12);
  return failures != 0;
}
