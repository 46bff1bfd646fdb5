/* CFLAGS: -ffast-math */
/* Loops the -O2 vectorizer turns into SIMD code under fast math: a dot product and a
   norm (vector.reduce.fadd reductions), axpy (wide loads and stores, y read and
   overwritten), a maximum (a vector.reduce.fmax / select reduction); n = 37 leaves a
   scalar remainder. */
#include "check.h"

#define N 37

double vdotp(const double *x, const double *y, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * y[i];
  return s;
}

double norm2(const double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * x[i];
  return sqrt(s);
}

void axpy(double a, const double *x, double *y, int n) {
  for (int i = 0; i < n; i++) y[i] = a * x[i] + y[i];
}

double vmax(const double *x, int n) {
  double m = x[0];
  for (int i = 1; i < n; i++) m = x[i] > m ? x[i] : m;
  return m;
}

static double X[N], Y[N], Wt[N];
static double fd_dot(const double *p) { return vdotp(p, p + N, N); }
static double fd_norm(const double *p) { return norm2(p, N); }
static double fd_axpy(const double *p) { /* p = x, y, a */
  double y[N];
  memcpy(y, p + N, sizeof y);
  axpy(p[2 * N], p, y, N);
  return vdot(Wt, y, N);
}
static double fd_max(const double *p) { return vmax(p, N); }

int main(void) {
  double p[2 * N + 1], g[2 * N + 1], want[2 * N + 1], nrm = 0;
  for (int i = 0; i < N; i++) {
    X[i] = sin(0.7 * i) + 0.1 * i;
    Y[i] = cos(0.3 * i) - 0.5;
    Wt[i] = 1.0 + 0.05 * i;
    nrm += X[i] * X[i];
  }
  nrm = sqrt(nrm);
  double dx[N] = {0}, dy[N] = {0};
  __enzyme_autodiff_v((void *)vdotp, X, dx, Y, dy, N);
  for (int i = 0; i < N; i++) {
    want[i] = Y[i], want[N + i] = X[i];
    g[i] = dx[i], g[N + i] = dy[i];
    p[i] = X[i], p[N + i] = Y[i];
  }
  check_grad("dot", fd_dot, p, 2 * N, g, want);
  double e[N] = {0}, z[N] = {0};
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    check_fwd("dot fwd", __enzyme_fwddiff((void *)vdotp, X, e, Y, z, N), dx[k], want[k], 1e-12);
    e[k] = 0;
  }

  clear(dx, N);
  __enzyme_autodiff_v((void *)norm2, X, dx, N);
  for (int i = 0; i < N; i++) want[i] = X[i] / nrm;
  check_grad("norm2", fd_norm, X, N, dx, want);

  /* axpy: y' = a x + y seeded Wt: dx = a Wt, dy = Wt (passes through), da = Wt . x */
  double a = 0.8, y[N], gy[N];
  memcpy(y, Y, sizeof y);
  memcpy(gy, Wt, sizeof gy);
  clear(dx, N);
  double da = __enzyme_autodiff((void *)axpy, a, X, dx, y, gy, N);
  for (int i = 0; i < N; i++) {
    want[i] = a * Wt[i], want[N + i] = Wt[i];
    g[i] = dx[i], g[N + i] = gy[i];
  }
  want[2 * N] = vdot(Wt, X, N), g[2 * N] = da, p[2 * N] = a;
  check_grad("axpy", fd_axpy, p, 2 * N + 1, g, want);
  for (int k = 0; k < N; k += 6) {
    double ty[N] = {0};
    memcpy(y, Y, sizeof y);
    e[k] = 1;
    __enzyme_fwddiff_v((void *)axpy, a, 0.0, X, e, y, ty, N);
    check_fwd("axpy fwd", vdot(Wt, ty, N), dx[k], want[k], 1e-12);
    e[k] = 0;
  }

  clear(dx, N);
  __enzyme_autodiff_v((void *)vmax, X, dx, N);
  int am = 0;
  for (int i = 1; i < N; i++)
    if (X[i] > X[am]) am = i;
  for (int i = 0; i < N; i++) want[i] = i == am;
  check_grad("vmax", fd_max, X, N, dx, want);
  return failures != 0;
}
