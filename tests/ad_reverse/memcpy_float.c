/* memcpy, memmove and memset on float arrays (4-byte elements: the shadow copies must
   use the same byte counts), a float result, duplicated float arrays. */
#include "check.h"

extern float __enzyme_fwddiff_f(void *, ...);

float mcf(const float *x, float *out, int n) {
  float buf[8];
  memset(buf, 0, sizeof buf);
  memcpy(buf + 2, x, n * sizeof(float));
  memmove(buf, buf + 1, 7 * sizeof(float));
  /* buf = 0, x0, x1, ..., x(n-1), [0 ...] */
  memcpy(out, buf, n * sizeof(float));
  float s = 0;
  for (int i = 0; i < n; i++) s += buf[i + 1] * buf[i + 1] * (float)(i + 1);
  return s;
}

#define N 5
static double fd_mcf(const double *p) {
  float x[N], out[N];
  for (int i = 0; i < N; i++) x[i] = (float)p[i];
  float s = mcf(x, out, N);
  double r = s;
  for (int i = 0; i < N; i++) r += 0.25 * (i + 1) * out[i];
  return r;
}

int main(void) {
  float x[N] = {0.5f, -1.25f, 0.75f, 2.0f, -0.5f}, dx[N] = {0}, out[N], dout[N];
  /* out_i = x_(i-1): the seed 0.25 (i + 1) on out_i reaches x_(i-1) */
  for (int i = 0; i < N; i++) dout[i] = 0.25f * (i + 1);
  __enzyme_autodiff_v((void *)mcf, x, dx, out, dout, N);
  double want[N], got[N], p[N];
  for (int k = 0; k < N; k++) {
    want[k] = 2.0 * x[k] * (k + 1) + (k < N - 1 ? 0.25 * (k + 2) : 0);
    got[k] = dx[k];
    p[k] = x[k];
  }
  check_gradf("mcf", fd_mcf, p, N, got, want);
  float e[N] = {0}, tout[N];
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    for (int i = 0; i < N; i++) tout[i] = 0;
    double t = __enzyme_fwddiff_f((void *)mcf, x, e, out, tout, N);
    for (int i = 0; i < N; i++) t += 0.25 * (i + 1) * tout[i];
    check_fwd("mcf fwd", t, got[k], want[k], 1e-5);
    e[k] = 0;
  }
  return failures != 0;
}
