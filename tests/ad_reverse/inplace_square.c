/* Values overwritten in memory after being read: x[i] = x[i] * x[i] in place (the
   reverse pass needs the old x[i], gone from memory), repeated for a run-time number of
   sweeps (x -> x^(2^R)), and an in-place update that also reads the next, not yet
   overwritten, element. Void functions with only a duplicated pointer (and constants):
   the shadow holds the seed on the outputs on entry and the gradient on return. */
#include "check.h"

void sq_inplace(double *x, int n, int sweeps) {
  for (int r = 0; r < sweeps; r++)
    for (int i = 0; i < n; i++) x[i] = x[i] * x[i];
}

void mix_inplace(double *x, int n) {
  for (int i = 0; i < n - 1; i++) x[i] = x[i] * x[i] + 0.1 * x[i + 1];
  x[n - 1] = x[n - 1] * x[n - 1];
}

#define N 5
static const double w[N] = {1.0, -0.5, 2.0, 0.25, 1.5};
static int sweeps;
static double fd_sq(const double *p) {
  double x[N];
  memcpy(x, p, sizeof x);
  sq_inplace(x, N, sweeps);
  return vdot(w, x, N);
}
static double fd_mix(const double *p) {
  double x[N];
  memcpy(x, p, sizeof x);
  mix_inplace(x, N);
  return vdot(w, x, N);
}

static volatile int runtime_sweeps = 3;

int main(void) {
  sweeps = runtime_sweeps;
  const double x0[N] = {0.9, 1.05, -0.8, 1.1, 0.95};
  double x[N], dx[N], want[N], p[N];
  memcpy(x, x0, sizeof x);
  memcpy(p, x0, sizeof p);
  memcpy(dx, w, sizeof dx);
  __enzyme_autodiff_v((void *)sq_inplace, x, dx, N, sweeps);
  for (int i = 0; i < N; i++) {
    want[i] = w[i] * 8 * pow(x0[i], 7);
    check("sq_inplace primal", x[i], pow(x0[i], 8), 1e-12);
  }
  check_grad("sq_inplace", fd_sq, p, N, dx, want);
  double t[N] = {0};
  for (int k = 0; k < N; k++) {
    memcpy(x, x0, sizeof x);
    t[k] = 1;
    __enzyme_fwddiff_v((void *)sq_inplace, x, t, N, sweeps);
    check_fwd("sq_inplace fwd", vdot(w, t, N), dx[k], want[k], 1e-12);
    clear(t, N);
  }

  memcpy(x, x0, sizeof x);
  memcpy(dx, w, sizeof dx);
  __enzyme_autodiff_v((void *)mix_inplace, x, dx, N);
  for (int k = 0; k < N; k++) want[k] = 2 * x0[k] * w[k] + (k > 0 ? 0.1 * w[k - 1] : 0);
  check_grad("mix_inplace", fd_mix, p, N, dx, want);
  for (int k = 0; k < N; k++) {
    memcpy(x, x0, sizeof x);
    t[k] = 1;
    __enzyme_fwddiff_v((void *)mix_inplace, x, t, N);
    check_fwd("mix_inplace fwd", vdot(w, t, N), dx[k], want[k], 1e-12);
    clear(t, N);
  }
  return failures != 0;
}
