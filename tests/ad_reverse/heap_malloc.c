/* malloc/free inside the differentiated function: a heap temporary holding active values
   (its shadow must be allocated, and freed, by the derivative), read cyclically:
   s = sum_i t_i t_(i+1 mod n), t_i = x_i^2. */
#include "check.h"

double heapy(const double *x, int n) {
  double *t = malloc(n * sizeof(double));
  for (int i = 0; i < n; i++) t[i] = x[i] * x[i];
  double s = 0;
  for (int i = 0; i < n; i++) s += t[i] * t[(i + 1) % n];
  free(t);
  return s;
}

#define N 5
static double fd_heapy(const double *p) { return heapy(p, N); }

int main(void) {
  double x[N] = {0.4, -1.1, 0.75, 1.3, -0.2}, dx[N] = {0}, want[N];
  for (int k = 0; k < N; k++) {
    double prev = x[(k + N - 1) % N], next = x[(k + 1) % N];
    want[k] = 2 * x[k] * (prev * prev + next * next);
  }
  __enzyme_autodiff_v((void *)heapy, x, dx, N);
  check_grad("heapy", fd_heapy, x, N, dx, want);
  double e[N] = {0};
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    check_fwd("heapy fwd", __enzyme_fwddiff((void *)heapy, x, e, N), dx[k], want[k], 1e-12);
    e[k] = 0;
  }
  return failures != 0;
}
