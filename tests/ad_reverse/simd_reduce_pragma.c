/* Reductions vectorized without fast-math flags: `#pragma clang fp reassociate(on)` and
   `#pragma clang loop vectorize(enable) interleave(enable)` let -O2 build
   <2 x double> partial sums (reassociated fadd chains, vector.reduce.fadd) and float
   partial sums (<4 x float>); a weighted sum of squares and a sum of cubes in float. */
#include "check.h"

extern float __enzyme_fwddiff_f(void *, ...);

double wsumsq(const double *x, const double *w, int n) {
  double s = 0;
#pragma clang loop vectorize(enable) interleave(enable)
  for (int i = 0; i < n; i++) {
#pragma clang fp reassociate(on)
    s += w[i] * x[i] * x[i];
  }
  return s;
}

float cubesf(const float *x, int n) {
  float s = 0;
#pragma clang loop vectorize(enable) interleave(enable)
  for (int i = 0; i < n; i++) {
#pragma clang fp reassociate(on)
    s += x[i] * x[i] * x[i];
  }
  return s;
}

#define N 29
static double W[N];
static double fd_wsumsq(const double *p) { return wsumsq(p, W, N); }
static double fd_cubes(const double *p) {
  float x[N];
  for (int i = 0; i < N; i++) x[i] = (float)p[i];
  return cubesf(x, N);
}

int main(void) {
  double x[N], dx[N] = {0}, want[N], p[N], g[N];
  float xf[N], dxf[N] = {0};
  for (int i = 0; i < N; i++) {
    x[i] = 0.2 * i - 2.5;
    W[i] = 0.5 + (i % 4);
    xf[i] = (float)(0.1 * i - 1.2);
  }
  __enzyme_autodiff_v((void *)wsumsq, enzyme_dup, x, dx, enzyme_const, W, N);
  for (int i = 0; i < N; i++) want[i] = 2 * W[i] * x[i];
  check_grad("wsumsq", fd_wsumsq, x, N, dx, want);
  double e[N] = {0};
  for (int k = 0; k < N; k += 4) {
    e[k] = 1;
    check_fwd("wsumsq fwd", __enzyme_fwddiff((void *)wsumsq, enzyme_dup, x, e, enzyme_const, W,
                                             N),
              dx[k], want[k], 1e-12);
    e[k] = 0;
  }
  __enzyme_autodiff_v((void *)cubesf, xf, dxf, N);
  for (int i = 0; i < N; i++) {
    want[i] = 3.0 * xf[i] * xf[i];
    p[i] = xf[i];
    g[i] = dxf[i];
  }
  check_gradf("cubesf", fd_cubes, p, N, g, want);
  float ef[N] = {0};
  for (int k = 0; k < N; k += 5) {
    ef[k] = 1;
    check_fwd("cubesf fwd", __enzyme_fwddiff_f((void *)cubesf, xf, ef, N), g[k], want[k], 1e-5);
    ef[k] = 0;
  }
  return failures != 0;
}
