/* Pointers returned from callees: pick() returns &a[k] (an interior pointer whose
   shadow is &da[k]), maxp() returns a pointer to the largest element; values are read
   and stored through them. n = 5, the indices (3 i) mod 5 visit 0, 3, 1, 4, 2:
   s = a0^2 + a3 a1 + a1 a2 + a4 a3 + a2 a4, out[1] = s^2, result max(a) s. */
#include "check.h"

__attribute__((noinline)) double *pick(double *a, int k) { return &a[k]; }

__attribute__((noinline)) double *maxp(double *a, int n) {
  double *m = a;
  for (int i = 1; i < n; i++)
    if (a[i] > *m)
      m = &a[i];
  return m;
}

double usepick(double *a, double *out, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += *pick(a, (3 * i) % n) * a[i];
  *pick(out, 1) = s * s;
  double *m = maxp(a, n);
  return *m * s;
}

#define N 5
#define W 0.75
static double fd_use(const double *p) {
  double a[N], out[N];
  memcpy(a, p, sizeof a);
  double r = usepick(a, out, N);
  return r + W * out[1];
}

int main(void) {
  double a[N] = {0.5, -0.4, 0.9, 1.3, -0.7}, da[N] = {0}, out[N], dout[N] = {0, W, 0, 0, 0};
  double s = a[0] * a[0] + a[3] * a[1] + a[1] * a[2] + a[4] * a[3] + a[2] * a[4], M = a[3];
  double ds[N] = {2 * a[0], a[3] + a[2], a[1] + a[4], a[1] + a[4], a[3] + a[2]}, want[N];
  for (int k = 0; k < N; k++) want[k] = (2 * s * W + M) * ds[k] + (k == 3 ? s : 0);
  __enzyme_autodiff_v((void *)usepick, a, da, out, dout, N);
  check_grad("usepick", fd_use, a, N, da, want);
  check("out[1] primal", out[1], s * s, 1e-14);
  double e[N] = {0}, tout[N];
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    clear(tout, N);
    double t = __enzyme_fwddiff((void *)usepick, a, e, out, tout, N);
    check_fwd("usepick fwd", t + W * tout[1], da[k], want[k], 1e-12);
    e[k] = 0;
  }
  return failures != 0;
}
