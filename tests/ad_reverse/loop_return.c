/* `return` from inside a loop (several exits from the function, one of them in the loop
   body), called directly and from a caller that sums it over shifted thresholds. */
#include "check.h"

double find_first(const double *a, int n, double t) {
  for (int i = 0; i < n; i++) {
    if (a[i] * t > 1.0)
      return a[i] * a[i] * t;
  }
  return t * t;
}

double sum_first(const double *a, int n, double t) {
  double s = 0;
  for (int k = 0; k < 3; k++) s += find_first(a, n, t + 0.5 * k);
  return s;
}

#define N 6
static double fd_find(const double *p) { return find_first(p, N, p[N]); }
static double fd_sum(const double *p) { return sum_first(p, N, p[N]); }

/* the hand-derived gradient of find_first added into g (N entries, then t) */
static void grad_find(const double *a, double t, double *g) {
  for (int i = 0; i < N; i++)
    if (a[i] * t > 1.0) {
      g[i] += 2 * a[i] * t;
      g[N] += a[i] * a[i];
      return;
    }
  g[N] += 2 * t;
}

int main(void) {
  double a[N] = {0.2, 0.5, -0.4, 0.9, 1.4, 0.3};
  double ts[2] = {1.3, 0.6}; /* a[3] * 1.3 > 1 first; nothing passes at 0.6 */
  for (int k = 0; k < 2; k++) {
    double t = ts[k], da[N] = {0}, want[N + 1] = {0}, got[N + 1], p[N + 1];
    grad_find(a, t, want);
    got[N] = __enzyme_autodiff((void *)find_first, a, da, N, t);
    memcpy(got, da, sizeof da);
    memcpy(p, a, sizeof a);
    p[N] = t;
    check_grad("find_first", fd_find, p, N + 1, got, want);
    double e[N] = {0};
    check_fwd("find_first fwd t", __enzyme_fwddiff((void *)find_first, a, e, N, t, 1.0), got[N],
              want[N], 1e-12);
  }
  /* t, t + 0.5, t + 1: different exits in one differentiated call */
  double t = 0.6, da[N] = {0}, want[N + 1] = {0}, got[N + 1], p[N + 1];
  for (int k = 0; k < 3; k++) grad_find(a, t + 0.5 * k, want);
  got[N] = __enzyme_autodiff((void *)sum_first, a, da, N, t);
  memcpy(got, da, sizeof da);
  memcpy(p, a, sizeof a);
  p[N] = t;
  check_grad("sum_first", fd_sum, p, N + 1, got, want);
  double e[N] = {0};
  for (int i = 0; i < N; i++) {
    e[i] = 1;
    check_fwd("sum_first fwd a", __enzyme_fwddiff((void *)sum_first, a, e, N, t, 0.0), got[i],
              want[i], 1e-12);
    e[i] = 0;
  }
  return failures != 0;
}
