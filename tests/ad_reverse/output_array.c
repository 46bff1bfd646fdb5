/* Active values stored into a duplicated output array, y[i] = f(x[i]), the output
   shadow dy seeded with 1 and dx zero: dx receives f'(x) and dy is consumed (reset to
   zero, the outputs having been overwritten); a second call without a new seed adds
   nothing, a call with a fresh seed adds f'(x) again. And y[i] += g(x[i]), where the
   old y is read: its shadow passes through unchanged. */
#include "check.h"

void map(const double *x, double *y, int n) {
  for (int i = 0; i < n; i++) y[i] = sin(x[i]) * x[i] + 1;
}

void accum(const double *x, double *y, int n) {
  for (int i = 0; i < n; i++) y[i] = y[i] * x[i] + x[i] * x[i];
}

#define N 6
static double fd_map(const double *p) {
  double y[N];
  map(p, y, N);
  double s = 0;
  for (int i = 0; i < N; i++) s += y[i];
  return s;
}
static double fd_accum(const double *p) { /* p = x, then y */
  double y[N];
  memcpy(y, p + N, sizeof y);
  accum(p, y, N);
  double s = 0;
  for (int i = 0; i < N; i++) s += y[i] * (i + 1);
  return s;
}

int main(void) {
  double x[N], y[N], dx[N] = {0}, dy[N], want[N];
  for (int i = 0; i < N; i++) {
    x[i] = 0.4 * i - 1.0;
    dy[i] = 1.0;
    want[i] = cos(x[i]) * x[i] + sin(x[i]);
  }
  __enzyme_autodiff_v((void *)map, x, dx, y, dy, N);
  check_grad("map", fd_map, x, N, dx, want);
  for (int i = 0; i < N; i++) {
    check("map primal", y[i], sin(x[i]) * x[i] + 1, 1e-15);
    check("map dy consumed", dy[i], 0, 0);
  }
  __enzyme_autodiff_v((void *)map, x, dx, y, dy, N);
  for (int i = 0; i < N; i++) check("map no seed, no change", dx[i], want[i], 1e-12);
  for (int i = 0; i < N; i++) dy[i] = 1.0;
  __enzyme_autodiff_v((void *)map, x, dx, y, dy, N);
  for (int i = 0; i < N; i++) check("map accumulated", dx[i], 2 * want[i], 1e-12);
  double e[N] = {0}, ty[N];
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    __enzyme_fwddiff_v((void *)map, x, e, y, ty, N);
    check_fwd("map fwd", ty[k], want[k], want[k], 1e-12);
    e[k] = 0;
  }

  /* accum: y' = y x + x^2, seed (i + 1): dx = (i + 1)(y + 2x), dy_in = (i + 1) x */
  double y0[N], p[2 * N], got[2 * N], wa[2 * N];
  for (int i = 0; i < N; i++) {
    y0[i] = y[i] = 0.3 * i + 0.2;
    dx[i] = 0;
    dy[i] = i + 1;
    wa[i] = (i + 1) * (y0[i] + 2 * x[i]);
    wa[N + i] = (i + 1) * x[i];
    p[i] = x[i], p[N + i] = y0[i];
  }
  __enzyme_autodiff_v((void *)accum, x, dx, y, dy, N);
  memcpy(got, dx, sizeof dx);
  memcpy(got + N, dy, sizeof dy);
  check_grad("accum", fd_accum, p, 2 * N, got, wa);
  for (int k = 0; k < 2 * N; k++) {
    double tx[N] = {0}, tyy[N] = {0};
    memcpy(y, y0, sizeof y);
    if (k < N) tx[k] = 1; else tyy[k - N] = 1;
    __enzyme_fwddiff_v((void *)accum, x, tx, y, tyy, N);
    double t = 0;
    for (int i = 0; i < N; i++) t += tyy[i] * (i + 1);
    check_fwd("accum fwd", t, got[k], wa[k], 1e-12);
  }
  return failures != 0;
}
