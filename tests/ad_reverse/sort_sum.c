/* Data-dependent control flow and memory: an insertion sort of a local copy (values
   moved around by comparisons on active data), then a rank-weighted sum
   s = sum_r (r + 1) sorted_r^2: d/dx_j = 2 (rank(x_j) + 1) x_j. */
#include "check.h"

double sort_sum(const double *x, int n) {
  double a[16];
  for (int i = 0; i < n; i++) a[i] = x[i];
  for (int i = 1; i < n; i++) {
    double key = a[i];
    int j = i - 1;
    while (j >= 0 && a[j] > key) {
      a[j + 1] = a[j];
      j--;
    }
    a[j + 1] = key;
  }
  double s = 0;
  for (int r = 0; r < n; r++) s += (r + 1) * a[r] * a[r];
  return s;
}

#define N 7
static double fd_sort(const double *p) { return sort_sum(p, N); }

int main(void) {
  double x[N] = {0.9, -1.3, 0.2, 1.7, -0.4, 0.55, 1.1}, dx[N] = {0}, want[N];
  for (int j = 0; j < N; j++) {
    int rank = 0;
    for (int i = 0; i < N; i++) rank += x[i] < x[j];
    want[j] = 2 * (rank + 1) * x[j];
  }
  __enzyme_autodiff_v((void *)sort_sum, x, dx, N);
  check_grad("sort_sum", fd_sort, x, N, dx, want);
  double e[N] = {0};
  for (int k = 0; k < N; k++) {
    e[k] = 1;
    check_fwd("sort_sum fwd", __enzyme_fwddiff((void *)sort_sum, x, e, N), dx[k], want[k],
              1e-12);
    e[k] = 0;
  }
  return failures != 0;
}
