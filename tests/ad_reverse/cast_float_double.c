/* Mixed precision: doubles truncated to float (fptrunc), float arithmetic, results
   extended back (fpext), a float array read into a double accumulator; derivatives
   flow through both conversions. f = (double)((float)x * (float)x * 3) * y
   + sum_i (double)a_i * x. */
#include "check.h"

double mixed(double x, const float *a, int n, double y) {
  float xf = (float)x;
  float t = xf * xf * 3.0f;
  double s = (double)t * y;
  for (int i = 0; i < n; i++) s += (double)a[i] * x;
  return s;
}

#define N 4
static float A[N] = {0.5f, -0.25f, 1.5f, 0.75f};
static double fd_mixed(const double *p) { /* x, y, a */
  float a[N];
  for (int i = 0; i < N; i++) a[i] = (float)p[2 + i];
  return mixed(p[0], a, N, p[1]);
}

int main(void) {
  double x = 0.8125, y = -1.25, sa = 0; /* x exact in float */
  float da[N] = {0};
  for (int i = 0; i < N; i++) sa += A[i];
  grad2 d = __enzyme_autodiff2((void *)mixed, x, A, da, N, y);
  double want[2 + N] = {6 * x * y + sa, 3 * x * x}, got[2 + N] = {d.dx, d.dy};
  double p[2 + N] = {x, y};
  for (int i = 0; i < N; i++) want[2 + i] = x, got[2 + i] = da[i], p[2 + i] = A[i];
  check_gradf("mixed", fd_mixed, p, 2 + N, got, want);
  float ea[N] = {0};
  check_fwd("mixed fwd x", __enzyme_fwddiff((void *)mixed, x, 1.0, A, ea, N, y, 0.0), d.dx,
            want[0], 1e-5);
  check_fwd("mixed fwd y", __enzyme_fwddiff((void *)mixed, x, 0.0, A, ea, N, y, 1.0), d.dy,
            want[1], 1e-5);
  return failures != 0;
}
