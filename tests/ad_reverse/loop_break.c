/* An early exit: the loop breaks as soon as the running value passes a threshold, so
   how many iterations run depends on the data; the reverse pass must replay exactly
   those. s_k = sum_{i<=k} a_i x^(k-i) for the k where the loop stopped, result s_k x. */
#include "check.h"

double until(double x, const double *a, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) {
    s = s * x + a[i];
    if (s > 2.0)
      break;
  }
  return s * x;
}

#define N 8
static double fd_until(const double *p) { return until(p[N], p, N); }

int main(void) {
  double a[N] = {0.5, 0.4, 0.3, 0.6, 0.2, 0.9, 0.1, 0.7};
  double xs[2] = {1.1, 0.5}; /* stops at k = 3; runs to the end */
  for (int t = 0; t < 2; t++) {
    double x = xs[t], s = 0;
    int k = 0;
    for (k = 0; k < N; k++) {
      s = s * x + a[k];
      if (s > 2.0)
        break;
    }
    if (k == N)
      k = N - 1;
    double want[N + 1], got[N + 1], p[N + 1], da[N] = {0}, ds = 0;
    for (int i = 0; i < N; i++) {
      want[i] = i <= k ? pow(x, k - i + 1) : 0;
      if (i < k)
        ds += (k - i) * a[i] * pow(x, k - i - 1);
      p[i] = a[i];
    }
    want[N] = x * ds + s, p[N] = x;
    got[N] = __enzyme_autodiff((void *)until, x, a, da, N);
    memcpy(got, da, sizeof da);
    check_grad("until", fd_until, p, N + 1, got, want);
    double e[N] = {0};
    check_fwd("until fwd x", __enzyme_fwddiff((void *)until, x, 1.0, a, e, N), got[N], want[N],
              1e-12);
    for (int i = 0; i < N; i++) {
      e[i] = 1;
      check_fwd("until fwd a", __enzyme_fwddiff((void *)until, x, 0.0, a, e, N), got[i],
                want[i], 1e-12);
      e[i] = 0;
    }
  }
  return failures != 0;
}
