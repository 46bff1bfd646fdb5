/* Inputs the reverse sweep may read again instead of taping: an argument only read
   (w x^3 summed, x and w re-read), and the cases where re-reading would see other bytes
   and the values must stay on the tape: the same memory overwritten afterwards through
   another argument that aliases it, through the argument itself after an earlier loop
   wrote it, and by a call into a function of the program. A heap block filled, then
   only read, then freed is read again too (its free moves to the end of the reverse
   sweep); one rewritten after it was read is not. */
#include "check.h"

double read_only(const double *x, const double *w, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += w[i] * x[i] * x[i] * x[i];
  return s;
}

/* y == x: halving y halves x after its cubes were summed, then its sum is added */
double overwrite_alias(double *x, double *y, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * x[i] * x[i];
  for (int i = 0; i < n; i++) y[i] = 0.5 * y[i];
  for (int i = 0; i < n; i++) s += sin(x[i]);
  return s;
}

/* x squared in place, then sum sin(x)^2 read back, then x zeroed at the end */
double written_before(double *x, int n) {
  for (int i = 0; i < n; i++) x[i] = x[i] * x[i];
  double s = 0;
  for (int i = 0; i < n; i++) s += sin(x[i]) * sin(x[i]);
  for (int i = 0; i < n; i++) x[i] = 0;
  return s;
}

__attribute__((noinline)) void twice(double *x, int n) {
  for (int i = 0; i < n; i++) x[i] = 2 * x[i];
}

double call_writes(double *x, int n) {
  double s = 0;
  for (int i = 0; i < n; i++) s += x[i] * x[i] * x[i];
  twice(x, n);
  return s;
}

double heap_copy(const double *x, int n) {
  double *k = malloc(sizeof(double) * (size_t)n);
  for (int i = 0; i < n; i++) k[i] = x[i] * x[i];
  double s = 0;
  for (int i = 0; i < n; i++) s += k[i] * k[i] * k[i];
  free(k);
  return s;
}

double heap_rewritten(const double *x, int n) {
  double *k = malloc(sizeof(double) * (size_t)n);
  for (int i = 0; i < n; i++) k[i] = x[i];
  double s = 0;
  for (int i = 0; i < n; i++) s += k[i] * k[i] * k[i];
  for (int i = 0; i < n; i++) k[i] = 2 * k[i];
  for (int i = 0; i < n; i++) s += k[i];
  free(k);
  return s;
}

#define N 6
static const double w0[N] = {1.0, -0.5, 2.0, 0.25, 1.5, 0.75};
static double fd_read_only(const double *p) { return read_only(p, w0, N); }
static double fd_alias(const double *p) {
  double x[N];
  memcpy(x, p, sizeof x);
  return overwrite_alias(x, x, N);
}
static double fd_before(const double *p) {
  double x[N];
  memcpy(x, p, sizeof x);
  return written_before(x, N);
}
static double fd_call(const double *p) {
  double x[N];
  memcpy(x, p, sizeof x);
  return call_writes(x, N);
}

static double fd_heap_copy(const double *p) { return heap_copy(p, N); }
static double fd_heap_rewritten(const double *p) { return heap_rewritten(p, N); }

int main(void) {
  const double x0[N] = {0.9, 1.05, -0.8, 1.1, 0.35, -1.3};
  double x[N], dx[N], want[N], p[N];
  memcpy(p, x0, sizeof p);

  double w[N], dw[N] = {0};
  memcpy(x, x0, sizeof x);
  memcpy(w, w0, sizeof w);
  clear(dx, N);
  __enzyme_autodiff((void *)read_only, x, dx, w, dw, N);
  for (int i = 0; i < N; i++) {
    want[i] = 3 * w0[i] * x0[i] * x0[i];
    check("read_only dw", dw[i], x0[i] * x0[i] * x0[i], 1e-12);
  }
  check_grad("read_only", fd_read_only, p, N, dx, want);

  memcpy(x, x0, sizeof x);
  clear(dx, N);
  __enzyme_autodiff((void *)overwrite_alias, x, dx, x, dx, N);
  for (int i = 0; i < N; i++) want[i] = 3 * x0[i] * x0[i] + 0.5 * cos(0.5 * x0[i]);
  check_grad("overwrite_alias", fd_alias, p, N, dx, want);

  memcpy(x, x0, sizeof x);
  clear(dx, N);
  __enzyme_autodiff((void *)written_before, x, dx, N);
  for (int i = 0; i < N; i++) {
    double q = x0[i] * x0[i];
    want[i] = 2 * sin(q) * cos(q) * 2 * x0[i];
  }
  check_grad("written_before", fd_before, p, N, dx, want);

  memcpy(x, x0, sizeof x);
  clear(dx, N);
  __enzyme_autodiff((void *)call_writes, x, dx, N);
  for (int i = 0; i < N; i++) want[i] = 3 * x0[i] * x0[i];
  check_grad("call_writes", fd_call, p, N, dx, want);

  clear(dx, N);
  __enzyme_autodiff((void *)heap_copy, x0, dx, N);
  for (int i = 0; i < N; i++) want[i] = 6 * pow(x0[i], 5);
  check_grad("heap_copy", fd_heap_copy, p, N, dx, want);

  clear(dx, N);
  __enzyme_autodiff((void *)heap_rewritten, x0, dx, N);
  for (int i = 0; i < N; i++) want[i] = 3 * x0[i] * x0[i] + 2;
  check_grad("heap_rewritten", fd_heap_rewritten, p, N, dx, want);
  return failures != 0;
}
