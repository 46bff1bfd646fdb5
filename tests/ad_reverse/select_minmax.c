/* Selections on active values: max pooling over windows of three (each output picks
   one input, an input picked by several windows gets several contributions), a ReLU
   with ternaries, and fmin/fmax clamping; distinct values keep every choice away from
   ties. */
#include "check.h"

double pool(const double *x, int n) {
  double s = 0;
  for (int i = 0; i + 2 < n; i++) {
    double m = x[i] > x[i + 1] ? x[i] : x[i + 1];
    m = m > x[i + 2] ? m : x[i + 2];
    s += m * m;
  }
  return s;
}

double relu_clamp(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    double r = x[i] > 0 ? x[i] : 0.1 * x[i];
    s += fmin(fmax(r, -0.05), 1.0) * (i + 1);
  }
  return s;
}

#define N 8
static double fd_pool(const double *p) { return pool(p, N); }
static double fd_relu(const double *p) { return relu_clamp(p, N); }

int main(void) {
  double x[N] = {0.3, 1.2, -0.3, 0.8, 2.1, -1.4, 0.45, 0.9}, dx[N] = {0}, want[N] = {0};
  for (int i = 0; i + 2 < N; i++) {
    int m = x[i] > x[i + 1] ? i : i + 1;
    m = x[m] > x[i + 2] ? m : i + 2;
    want[m] += 2 * x[m];
  }
  __enzyme_autodiff_v((void *)pool, x, dx, N);
  check_grad("pool", fd_pool, x, N, dx, want);
  double e[N] = {0};
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    check_fwd("pool fwd", __enzyme_fwddiff((void *)pool, x, e, N), dx[k], want[k], 1e-12);
    e[k] = 0;
  }
  /* r = x (x > 0) or 0.1 x; clamp to [-0.05, 1] */
  clear(dx, N);
  __enzyme_autodiff_v((void *)relu_clamp, x, dx, N);
  for (int i = 0; i < N; i++) {
    double r = x[i] > 0 ? x[i] : 0.1 * x[i], dr = x[i] > 0 ? 1 : 0.1;
    want[i] = (r > -0.05 && r < 1.0) ? dr * (i + 1) : 0;
  }
  check_grad("relu_clamp", fd_relu, x, N, dx, want);
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    check_fwd("relu fwd", __enzyme_fwddiff((void *)relu_clamp, x, e, N), dx[k], want[k], 1e-12);
    e[k] = 0;
  }
  return failures != 0;
}
