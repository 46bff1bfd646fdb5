/* Loops with several counters in the header: a packed lower-triangular matrix indexed by
   a counter that runs on across the inner loops (at++), and one loop walking three
   arrays with counters going up by 1, down by 1 and up by 3, and one whose exit test is
   on a counter other than the one it starts from. The reverse sweep counts every one of
   them down instead of reading them from the tape, and rebuilds their last values from
   the bound they were tested against. */
#include "check.h"

double tri_form(const double *l, const double *x, int n) {
  double s = 0;
  int at = 0;
  for (int col = 0; col < n; col++)
    for (int row = col + 1; row < n; row++) s += l[at++] * x[col] * x[row];
  return s;
}

double three_counters(const double *w, const double *x, int n) {
  double s = 0;
  for (int i = 0, j = n - 1, k = 0; i < n; i++, j--, k += 3) s += w[k] * x[i] * x[j] * x[i];
  return s;
}

/* the loop runs from lo on j, while i strides by 2 from 0; the exit test is on j */
double tested_other(const double *w, const double *x, int lo, int n) {
  double s = 0;
  int i = 0;
  for (int j = lo; j != n; j++, i += 2) s += w[i] * x[j] * x[j] * x[j];
  return s;
}

#define N 5
#define NL (N * (N - 1) / 2)
static double lw[NL];
static double w3[3 * N];
static double fd_tri_x(const double *p) { return tri_form(lw, p, N); }
static double fd_three_x(const double *p) { return three_counters(w3, p, N); }
static double fd_other_x(const double *p) { return tested_other(w3, p, 1, N); }

int main(void) {
  double x[N] = {0.9, -1.2, 0.4, 1.7, -0.6}, dx[N], want[N];
  for (int k = 0; k < NL; k++) lw[k] = 0.3 + 0.1 * k;
  for (int k = 0; k < 3 * N; k++) w3[k] = 1.0 - 0.05 * k;

  double dl[NL] = {0}, wl[NL];
  clear(dx, N);
  __enzyme_autodiff((void *)tri_form, lw, dl, x, dx, N);
  clear(want, N);
  int at = 0;
  for (int col = 0; col < N; col++)
    for (int row = col + 1; row < N; row++, at++) {
      wl[at] = x[col] * x[row];
      want[col] += lw[at] * x[row];
      want[row] += lw[at] * x[col];
    }
  for (int k = 0; k < NL; k++) check("tri_form dl", dl[k], wl[k], 1e-12);
  check_grad("tri_form dx", fd_tri_x, x, N, dx, want);

  double dw[3 * N] = {0};
  clear(dx, N);
  __enzyme_autodiff((void *)three_counters, w3, dw, x, dx, N);
  clear(want, N);
  for (int i = 0, j = N - 1, k = 0; i < N; i++, j--, k += 3) {
    check("three_counters dw", dw[k], x[i] * x[j] * x[i], 1e-12);
    want[i] += 2 * w3[k] * x[i] * x[j];
    want[j] += w3[k] * x[i] * x[i];
  }
  check_grad("three_counters dx", fd_three_x, x, N, dx, want);

  clear(dw, 3 * N);
  clear(dx, N);
  __enzyme_autodiff((void *)tested_other, w3, dw, x, dx, 1, N);
  clear(want, N);
  for (int j = 1, i = 0; j != N; j++, i += 2) {
    check("tested_other dw", dw[i], x[j] * x[j] * x[j], 1e-12);
    want[j] += 3 * w3[i] * x[j] * x[j];
  }
  check_grad("tested_other dx", fd_other_x, x, N, dx, want);
  return failures != 0;
}
