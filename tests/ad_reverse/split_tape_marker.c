/* Split mode without enzyme_allocated, the tape passed with the enzyme_tape marker.
   Enzyme reads the argument after enzyme_tape as the ADDRESS where the tape lives (the
   augmented pass stores it there, the reverse pass loads it from there); without
   enzyme_allocated the tape is itself a pointer to memory Enzyme allocated, so the
   argument is &tape, a void **. The reverse pass frees that memory. The function is a
   loop over a run-time n overwriting its input (x_i <- x_i^2 x_(i+1), last x_n <- x_n^3),
   so the tape is dynamically sized. */
#include "check.h"

void cubes(double *x, int n) {
  for (int i = 0; i < n - 1; i++) x[i] = x[i] * x[i] * x[i + 1];
  x[n - 1] = x[n - 1] * x[n - 1] * x[n - 1];
}

#define N 5
static const double seed[N] = {0.5, -1.0, 0.25, 2.0, 1.5};
static double fd_cubes(const double *p) {
  double x[N];
  memcpy(x, p, sizeof x);
  cubes(x, N);
  return vdot(seed, x, N);
}

static volatile int runtime_n = N;

int main(void) {
  int n = runtime_n;
  const double x0[N] = {0.8, 1.1, -0.6, 0.9, 1.2};
  double x[N], dx[N];
  memcpy(x, x0, sizeof x);
  memcpy(dx, seed, sizeof dx);
  void *tape = 0;
  __enzyme_augmentfwd((void *)cubes, enzyme_tape, &tape, enzyme_dup, x, dx, enzyme_const, n);
  __enzyme_reverse((void *)cubes, enzyme_tape, &tape, enzyme_dup, x, dx, enzyme_const, n);
  double want[N];
  for (int k = 0; k < N; k++) {
    want[k] = k < N - 1 ? seed[k] * 2 * x0[k] * x0[k + 1] : seed[k] * 3 * x0[k] * x0[k];
    if (k > 0)
      want[k] += seed[k - 1] * x0[k - 1] * x0[k - 1];
  }
  double p[N];
  memcpy(p, x0, sizeof p);
  check_grad("tape marker", fd_cubes, p, N, dx, want);
  for (int k = 0; k < N; k++) {
    double t[N] = {0};
    t[k] = 1;
    memcpy(x, x0, sizeof x);
    __enzyme_fwddiff_v((void *)cubes, x, t, n);
    check_fwd("cubes fwd", vdot(seed, t, N), dx[k], want[k], 1e-12);
  }
  return failures != 0;
}
