/* Single precision arrays: a float norm (sqrtf of a sum the vectorizer widens to
   <4 x float> at -O2), an element-wise float map into a duplicated output
   (y_i += x_i^2 / 2, y read and overwritten), and a float dot product with a constant
   float weight array. */
#include "check.h"

extern float __enzyme_fwddiff_f(void *, ...);

float snrm(const float *x, int n) {
  float s = 0;
  for (int i = 0; i < n; i++) s += x[i] * x[i];
  return sqrtf(s);
}

void smap(float *y, const float *x, int n) {
  for (int i = 0; i < n; i++) y[i] = x[i] * x[i] * 0.5f + y[i] * 1.5f;
}

float sdotw(const float *x, const float *w, int n) {
  float s = 0;
  for (int i = 0; i < n; i++) s += x[i] * w[i] * x[i];
  return s;
}

#define N 11
static float Wf[N];
static double fd_snrm(const double *p) {
  float x[N];
  for (int i = 0; i < N; i++) x[i] = (float)p[i];
  return snrm(x, N);
}
static double fd_smap(const double *p) { /* p = x, y */
  float x[N], y[N];
  for (int i = 0; i < N; i++) x[i] = (float)p[i], y[i] = (float)p[N + i];
  smap(y, x, N);
  double s = 0;
  for (int i = 0; i < N; i++) s += y[i] * (i + 1.0);
  return s;
}
static double fd_sdot(const double *p) {
  float x[N];
  for (int i = 0; i < N; i++) x[i] = (float)p[i];
  return sdotw(x, Wf, N);
}

int main(void) {
  float x[N], dx[N] = {0}, y[N], dy[N];
  double p[2 * N], g[2 * N], want[2 * N], nrm = 0;
  for (int i = 0; i < N; i++) {
    x[i] = (float)(0.3 * i - 1.4);
    y[i] = (float)(0.5 - 0.1 * i);
    Wf[i] = (float)(1 + (i % 3));
    nrm += (double)x[i] * x[i];
    p[i] = x[i], p[N + i] = y[i];
  }
  nrm = sqrt(nrm);
  __enzyme_autodiff_v((void *)snrm, x, dx, N);
  for (int i = 0; i < N; i++) want[i] = x[i] / nrm, g[i] = dx[i];
  check_gradf("snrm", fd_snrm, p, N, g, want);
  float e[N] = {0};
  for (int k = 0; k < N; k += 3) {
    e[k] = 1;
    check_fwd("snrm fwd", __enzyme_fwddiff_f((void *)snrm, x, e, N), g[k], want[k], 1e-5);
    e[k] = 0;
  }

  for (int i = 0; i < N; i++) dx[i] = 0, dy[i] = (float)(i + 1);
  __enzyme_autodiff_v((void *)smap, y, dy, x, dx, N);
  for (int i = 0; i < N; i++) {
    want[i] = (i + 1.0) * x[i], want[N + i] = (i + 1.0) * 1.5;
    g[i] = dx[i], g[N + i] = dy[i];
  }
  check_gradf("smap", fd_smap, p, 2 * N, g, want);

  for (int i = 0; i < N; i++) dx[i] = 0;
  __enzyme_autodiff_v((void *)sdotw, enzyme_dup, x, dx, enzyme_const, Wf, N);
  for (int i = 0; i < N; i++) want[i] = 2.0 * Wf[i] * x[i], g[i] = dx[i];
  check_gradf("sdotw", fd_sdot, p, N, g, want);
  return failures != 0;
}
