/* Three active doubles with a duplicated pointer and a constant integer between them:
   __enzyme_autodiff returns {dx, dy, dz} through an sret pointer (a 24-byte struct on
   x86-64), da accumulates. f = x sum_i a_i^2 + y^2 a_0 + sin(z) sum_i a_i. */
#include "check.h"

double f3(double x, const double *a, int n, double y, double z) {
  double s2 = 0, s1 = 0;
  for (int i = 0; i < n; i++) {
    s2 += a[i] * a[i];
    s1 += a[i];
  }
  return x * s2 + y * y * a[0] + sin(z) * s1;
}

#define N 4
static double fd_f3(const double *p) { return f3(p[0], p + 3, N, p[1], p[2]); }

int main(void) {
  double x = 0.7, y = -1.1, z = 0.35, a[N] = {0.5, 1.5, -0.25, 0.8}, da[N] = {0};
  double s2 = 0, s1 = 0;
  for (int i = 0; i < N; i++) s2 += a[i] * a[i], s1 += a[i];
  double want[3 + N] = {s2, 2 * y * a[0], cos(z) * s1};
  for (int i = 0; i < N; i++) want[3 + i] = 2 * x * a[i] + sin(z) + (i == 0 ? y * y : 0);
  grad3 d = __enzyme_autodiff3((void *)f3, x, a, da, N, y, z);
  double got[3 + N] = {d.dx, d.dy, d.dz}, p[3 + N] = {x, y, z};
  memcpy(got + 3, da, sizeof da);
  memcpy(p + 3, a, sizeof a);
  check_grad("f3", fd_f3, p, 3 + N, got, want);
  double e[N] = {0};
  check_fwd("f3 fwd x", __enzyme_fwddiff((void *)f3, x, 1.0, a, e, N, y, 0.0, z, 0.0), d.dx,
            want[0], 1e-12);
  check_fwd("f3 fwd y", __enzyme_fwddiff((void *)f3, x, 0.0, a, e, N, y, 1.0, z, 0.0), d.dy,
            want[1], 1e-12);
  check_fwd("f3 fwd z", __enzyme_fwddiff((void *)f3, x, 0.0, a, e, N, y, 0.0, z, 1.0), d.dz,
            want[2], 1e-12);
  for (int i = 0; i < N; i++) {
    e[i] = 1;
    check_fwd("f3 fwd a", __enzyme_fwddiff((void *)f3, x, 0.0, a, e, N, y, 0.0, z, 0.0),
              da[i], want[3 + i], 1e-12);
    e[i] = 0;
  }
  return failures != 0;
}
