/* Calls across user functions, three levels deep (noinline, so they stay calls): l1
   loops over an array calling l2, which calls l3 twice with swapped and squared
   arguments; the top function also calls l3 directly. */
#include "check.h"

__attribute__((noinline)) double l3(double a, double b) { return a * sin(b); }

__attribute__((noinline)) double l2(double a, double b) { return l3(a, b) + l3(b, a * a); }

__attribute__((noinline)) double l1(const double *v, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += l2(v[i], v[(i + 1) % n]);
  return s;
}

double top(const double *v, int n, double k) { return k * l1(v, n) + l3(k, v[0]); }

#define N 4
static double fd_top(const double *p) { return top(p, N, p[N]); }

int main(void) {
  double v[N] = {0.4, -0.9, 1.3, 0.7}, dv[N] = {0}, k = 1.6;
  /* l2(a, b) = a sin b + b sin a^2 */
  double l1v = 0, want[N + 1] = {0};
  for (int i = 0; i < N; i++) {
    double a = v[i], b = v[(i + 1) % N];
    l1v += a * sin(b) + b * sin(a * a);
    want[i] += k * (sin(b) + 2 * a * b * cos(a * a));
    want[(i + 1) % N] += k * (a * cos(b) + sin(a * a));
  }
  want[0] += k * cos(v[0]);
  want[N] = l1v + sin(v[0]);
  double got[N + 1], p[N + 1];
  got[N] = __enzyme_autodiff((void *)top, v, dv, N, k);
  memcpy(got, dv, sizeof dv);
  memcpy(p, v, sizeof v);
  p[N] = k;
  check_grad("top", fd_top, p, N + 1, got, want);
  double e[N] = {0};
  for (int i = 0; i <= N; i++) {
    if (i < N) e[i] = 1;
    check_fwd("top fwd", __enzyme_fwddiff((void *)top, v, e, N, k, i == N ? 1.0 : 0.0), got[i],
              want[i], 1e-12);
    if (i < N) e[i] = 0;
  }
  return failures != 0;
}
